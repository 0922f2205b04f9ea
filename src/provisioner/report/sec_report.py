"""create-report for sec-provisioner: the permission matrix (persona × team × capability), the
access matrix (each team's personas against ML use cases, evaluated), every role's trust
relationship, and a diagram of groups → roles → policies."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from provisioner import access_matrix
from provisioner.cfn.template import PlannedResource, StackPlan
from provisioner.config.sec import SecConfig, SecTier
from provisioner.naming.sec import config_file_stem, tenant_prefix
from provisioner.policy.variants import Variant
from provisioner.report.diagram import Diagram, Group, Node, render_mermaid, render_svg
from provisioner.report.page import html_fields, html_page, html_table, md_table
from provisioner.report.policy_section import operator_policy_section
from provisioner.sec.operator_policy import operator_policies
from provisioner.sec.permission_summary import permission_summary
from provisioner.sec.plan import plan_stacks

# Capability → the action whose presence in a persona's policy shows it.
CAPABILITIES: tuple[tuple[str, str], ...] = (
    ("read registry, pipelines, jobs", "sagemaker:DescribeModelPackage"),
    ("read data", "s3:GetObject"),
    ("write data", "s3:PutObject"),
    ("run training/processing", "sagemaker:CreateTrainingJob"),
    ("pass execution role", "iam:PassRole"),
    ("register models", "sagemaker:CreateModelPackage"),
    ("approve models", "sagemaker:UpdateModelPackage"),
    ("deploy endpoints", "sagemaker:CreateEndpoint"),
    ("manage SageMaker pipelines", "sagemaker:CreatePipeline"),
    ("start release pipelines", "codepipeline:StartPipelineExecution"),
)


def _actions(document: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for statement in document["Statement"]:
        action = statement["Action"]
        found.update(action if isinstance(action, list) else [action])
    return found


def _trust_summary(role: PlannedResource) -> tuple[str, str]:
    (statement,) = role.properties["AssumeRolePolicyDocument"]["Statement"]
    principal = statement["Principal"]
    who = principal.get("Service") or principal.get("AWS")
    condition = json.dumps(statement.get("Condition", {}), sort_keys=True)
    return str(who), condition


def _assume_statement(group: PlannedResource) -> dict[str, Any]:
    statement: dict[str, Any] = group.properties["Policies"][0]["PolicyDocument"]["Statement"][0]
    return statement


def row_role_id(group: PlannedResource) -> str:
    """The persona role a group's members may assume."""
    return str(_assume_statement(group)["Resource"]["Fn::GetAtt"][0])


def _policies_of_role(resources: list[PlannedResource]) -> dict[str, list[PlannedResource]]:
    found: dict[str, list[PlannedResource]] = {}
    for r in resources:
        if r.type == "AWS::IAM::ManagedPolicy":
            for ref in r.properties["Roles"]:
                found.setdefault(ref["Ref"], []).append(r)
    return found


def access_diagram(config: SecConfig, plans: Sequence[StackPlan] | None = None) -> Diagram:
    """Who may assume each role → the role → its managed policies, one row per role. A
    principal trusted by several roles (the SageMaker service) is drawn once per role, so no
    arrow has to cross the others. `plans` are the config's stacks, if the caller has them."""
    resources = [r for p in plans or plan_stacks(config) for r in p.resources]
    roles = [r for r in resources if r.type == "AWS::IAM::Role"]
    groups = [r for r in resources if r.type == "AWS::IAM::Group"]
    policies_of_role = _policies_of_role(resources)
    group_of = {row_role_id(g): g for g in groups}
    nodes: list[Node] = []
    edges: list[tuple[str, str]] = []
    for role in roles:
        group = group_of.get(role.logical_id)
        if group is not None:
            nodes.append(Node(group.logical_id, "group", group.physical_name))
            edges.append((group.logical_id, role.logical_id))
        else:
            principal = _trust_summary(role)[0]
            nodes.append(Node(f"p:{role.logical_id}", "trusted principal", principal))
            edges.append((f"p:{role.logical_id}", role.logical_id))
        nodes.append(Node(role.logical_id, "role", role.physical_name))
        for policy in policies_of_role.get(role.logical_id, []):
            nodes.append(Node(policy.logical_id, "managed policy", policy.physical_name))
            edges.append((role.logical_id, policy.logical_id))
    unique = list({n.id: n for n in nodes}.values())
    return Diagram(tuple(Group(n.id, "", (n,)) for n in unique), tuple(edges))


def render_sec_report(
    config: SecConfig, plans: Sequence[StackPlan] | None = None
) -> tuple[str, str]:
    """The report's HTML and Markdown; `plans` are the config's stacks, if the caller has
    planned them (a run plans once)."""
    plans = plans or plan_stacks(config)
    resources = [r for p in plans for r in p.resources]
    by_id = {r.logical_id: r for r in resources}
    policies_of_role = _policies_of_role(resources)

    matrix_headers = ["Team", "Persona", *(label for label, _ in CAPABILITIES)]
    matrix_rows: list[tuple[object, ...]] = []
    for team in config.teams:
        for persona in team.personas:
            role_id = next(
                r.logical_id
                for r in resources
                if r.type == "AWS::IAM::Role"
                and r.physical_name.endswith(f"-role-{team.name}-{persona.short}")
                and "-xacct-" not in r.physical_name
            )
            actions = set().union(
                *(_actions(p.properties["PolicyDocument"]) for p in policies_of_role[role_id])
            )
            matrix_rows.append(
                (team.name, persona.value, *(action in actions for _, action in CAPABILITIES))
            )

    access = access_matrix.sec_access_matrix(config, plans)
    access_intro = (
        "Each team's personas against an ML use case of this tenant owned by the team and one "
        "owned by another team (the next team of the config, or a team of another name when "
        "there is only one), both as ml-provisioner plans them (professional tier, tagged "
        "with the owning team). Columns: the key actions of each persona (the least persona "
        "meant to have it in brackets; personas are cumulative)."
    )
    access_notes = access_matrix.notes(access)
    access_headers = ["Team", "Persona", "Use case owned by", *access_matrix.headers()]
    access_rows = [
        (
            r.team,
            r.persona.value,
            "own team" if r.own_team else f"another team ({r.owner})",
            *access_matrix.marks(r),
        )
        for r in access
    ]

    roles = [r for r in resources if r.type == "AWS::IAM::Role"]
    trust_headers = ["Role", "Trusted principal", "Conditions", "Policies"]
    trust_rows = [
        (
            r.physical_name,
            *_trust_summary(r),
            ", ".join(p.physical_name for p in policies_of_role.get(r.logical_id, [])),
        )
        for r in roles
    ]
    groups = [r for r in resources if r.type == "AWS::IAM::Group"]
    group_rows = [
        (
            g.physical_name,
            by_id[row_role_id(g)].physical_name,
            "MFA required" if "Condition" in _assume_statement(g) else "no MFA",
        )
        for g in groups
    ]

    diagram = access_diagram(config, plans)
    stack_rows = [
        (
            p.stack_name,
            len(p.resources),
            f"{p.body_bytes:,}",
            "TemplateURL (uploaded)" if p.needs_template_url else "TemplateBody",
        )
        for p in plans
    ]
    variants = operator_policies(config)
    policy = variants[Variant.DEPLOYER]
    policy_html, policy_md = operator_policy_section(config_file_stem(config), variants)
    tenant = tenant_prefix(config)
    needs = permission_summary(policy)
    summary_headers = ["Action", *needs.labels]
    summary_rows = [(row.action, *row.needs) for row in needs.rows]
    s3_note = (
        "S3: templates over 51,200 bytes are uploaded to the template bucket first."
        if config.tier is not SecTier.SMALL
        else "No S3 column: the small tier never uploads (its templates always go inline)."
    )
    title = f"{config_file_stem(config)}: ML team IAM report"
    summary = [
        ("tier", config.tier.value),
        ("account", config.account_id),
        ("region", config.region),
        ("env", config.env),
        ("teams", len(config.teams)),
        ("trusted accounts", len(config.trusted_accounts)),
        (
            "operator policy (deployer)",
            f"{policy.size:,} characters, {len(policy.statements)} statements",
        ),
    ]
    html_body = "".join(
        [
            f"<h1>{escape(title)}</h1><p>Generated by sec-provisioner from the config.</p>",
            html_fields(summary),
            "<h2>Permission summary by action</h2><p>✓: the action needs the operator "
            "permissions of this service for this config, from the generated operator policy; "
            f"—: it needs none (local actions need none at all). {escape(s3_note)}</p>",
            html_table(summary_headers, summary_rows),
            "<h2>Permission matrix</h2><p>What each persona of each team may do, read from the "
            "generated policies (✓ may, — may not). Every permission is limited to the team's own "
            "resources.</p>",
            html_table(matrix_headers, matrix_rows),
            "<h2>Access matrix: personas × ML use cases</h2>",
            f"<p>{escape(access_intro)} {escape(access_notes[0])}</p>",
            html_table(access_headers, access_rows),
            "".join(f"<p>{escape(n)}</p>" for n in access_notes[1:]),
            "<h2>Trust relationships</h2>",
            html_table(trust_headers, trust_rows, "names"),
            "<h2>Groups</h2>",
            html_table(["Group", "May assume", "Condition"], group_rows),
            "<h2>Stacks</h2>",
            html_table(["Stack", "Resources", "Bytes", "Deployed with"], stack_rows),
            "<h2>Diagram</h2><p>Principals and groups → roles → managed policies. In the boxes, "
            f"<code>…</code> stands for <code>{escape(tenant)}</code>; hover a box for its full "
            "name.</p>",
            f'<div class="scroll">{render_svg(diagram, title, [tenant])}</div>',
            policy_html,
        ]
    )
    markdown = "\n\n".join(
        [
            f"# {title}",
            md_table(["Field", "Value"], summary),
            "## Permission summary by action",
            "✓: the action needs the operator permissions of this service for this config, from "
            f"the generated operator policy; —: it needs none. {s3_note}",
            md_table(summary_headers, summary_rows),
            "## Permission matrix",
            md_table(matrix_headers, matrix_rows),
            "## Access matrix: personas × ML use cases",
            f"{access_intro} {access_notes[0]}",
            md_table(access_headers, access_rows),
            *access_notes[1:],
            "## Trust relationships",
            md_table(trust_headers, trust_rows),
            "## Groups",
            md_table(["Group", "May assume", "Condition"], group_rows),
            "## Stacks",
            md_table(["Stack", "Resources", "Bytes", "Deployed with"], stack_rows),
            "## Diagram",
            render_mermaid(diagram),
            policy_md,
        ]
    )
    return html_page(title, html_body), markdown + "\n"
