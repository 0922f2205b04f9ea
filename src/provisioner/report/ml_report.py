"""create-report for ml-provisioner: resources and names, the operator policy, the seeds'
permission summary with real marks, the personas' access matrix, and a diagram."""

from __future__ import annotations

from html import escape

from provisioner import access_matrix
from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS, TEMPLATE_BODY_MAX_BYTES
from provisioner.cfn.template import StackPlan
from provisioner.config.ml import MlConfig
from provisioner.ml.components import COMPONENTS
from provisioner.ml.context import MlContext
from provisioner.ml.operator_policy import operator_policies
from provisioner.ml.permission_summary import permission_summary
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import MlNames, config_file_stem, ml_name
from provisioner.policy.document import split_to_fit
from provisioner.policy.variants import Variant
from provisioner.report.diagram import Diagram, Group, Node, render_mermaid, render_svg
from provisioner.report.page import html_fields, html_page, html_table, md_table
from provisioner.report.policy_section import operator_policy_section


def stack_diagram(config: MlConfig, plan: StackPlan | None = None) -> Diagram:
    """The stack's resources grouped by the part of the stack that makes them (ml/components),
    an SSM parameter with what it publishes; an arrow from a group to each group that uses it.
    `plan` is the config's stack, if the caller has planned it."""
    plan = plan or plan_stack(config)
    ctx = MlContext(MlNames(config))
    part_of = {
        r.logical_id: label
        for tier, label, builder in COMPONENTS
        if ctx.has(tier)
        for r in builder(ctx)
    }
    in_plan = {r.logical_id for r in plan.resources}
    for r in plan.resources:
        published = sorted(r.references() & in_plan)
        if r.type == "AWS::SSM::Parameter" and len(published) == 1:
            part_of[r.logical_id] = part_of[published[0]]
    labels = list(dict.fromkeys(part_of[r.logical_id] for r in plan.resources))
    groups = tuple(
        Group(
            label,
            label,
            tuple(
                Node(r.logical_id, r.logical_id, r.physical_name, r.type.split("::", 1)[1])
                for r in plan.resources
                if part_of[r.logical_id] == label
            ),
        )
        for label in labels
    )
    edges = {
        (part_of[ref], part_of[r.logical_id])
        for r in plan.resources
        for ref in r.references() & in_plan
        if part_of[ref] != part_of[r.logical_id]
    }
    return Diagram(groups, tuple(sorted(edges)))


def render_ml_report(config: MlConfig, plan: StackPlan | None = None) -> tuple[str, str]:
    """The report's HTML and Markdown; `plan` is the config's stack, if the caller has
    planned it (a run plans once)."""
    name = ml_name(config)
    plan = plan or plan_stack(config)
    variants = operator_policies(config)
    policy = variants[Variant.DEPLOYER]
    parts = split_to_fit(policy)
    diagram = stack_diagram(config, plan)
    iam_root = MlNames(config).iam_base  # IAM names repeat this instead of the ml_name
    summary = [
        ("ml_name", name),
        ("tier", config.tier.value),
        ("account", config.account_id),
        ("region", config.region),
        ("env", config.env),
        ("stack", plan.stack_name),
        ("resources", len(plan.resources)),
        ("template", f"{plan.body_bytes:,} of {TEMPLATE_BODY_MAX_BYTES:,} bytes (TemplateBody)"),
        (
            "operator policy",
            f"{policy.size:,} characters; IAM allows {MANAGED_POLICY_MAX_CHARS:,} "
            f"per policy → {len(parts)} polic{'ies' if len(parts) > 1 else 'y'}",
        ),
    ]
    resource_headers = [
        "Logical id",
        "Type",
        "Physical name",
        "ARN",
        "Retained on delete",
        "What",
        "Uses",
    ]
    in_plan = {r.logical_id for r in plan.resources}
    resource_rows = [
        (
            r.logical_id,
            r.type,
            r.physical_name,
            r.arn,
            r.retain,
            r.description,
            "\n".join(sorted(r.references() & in_plan)),
        )
        for r in plan.resources
    ]
    policy_html, policy_md = operator_policy_section(config_file_stem(config), variants)
    needs = permission_summary(policy)
    summary_headers = ["Action", *needs.labels]
    summary_rows = [(row.action, *row.needs) for row in needs.rows]
    matrix = access_matrix.ml_access_matrix(config, plan)
    other = next(r.team for r in matrix if not r.own_team)
    matrix_intro = (
        f"Rows: each persona of team {config.team}, which owns the use case (the config's "
        f"team), and of another team of the tenant ({other}). Columns: the key actions of each "
        "persona on this use case's resources (the least persona meant to have it in brackets; "
        "personas are cumulative)."
    )
    matrix_notes = access_matrix.notes(matrix)
    matrix_headers = ["Team", "Persona", *access_matrix.headers()]
    matrix_rows = [
        (
            f"{r.team} ({'owns the use case' if r.own_team else 'another team'})",
            r.persona.value,
            *access_matrix.marks(r),
        )
        for r in matrix
    ]
    requests_headers = ["Column", "Acts on", "Requests evaluated"]
    requests = access_matrix.request_rows(matrix)
    title = f"{name}: ML infrastructure report"

    html_body = "".join(
        [
            f"<h1>{escape(title)}</h1><p>Generated by ml-provisioner from the config. "
            "Nothing here was read from AWS.</p>",
            html_fields(summary),
            "<h2>Permission summary by action</h2><p>✓: the action needs permissions of this "
            "service for this config; —: it needs none (local actions need none at all). "
            "Services this tier does not use have no column.</p>",
            html_table(summary_headers, summary_rows),
            "<h2>Access matrix: personas × this use case</h2>",
            f"<p>{escape(matrix_intro)} {escape(matrix_notes[0])}</p>",
            html_table(matrix_headers, matrix_rows),
            "".join(f"<p>{escape(n)}</p>" for n in matrix_notes[1:]),
            html_table(requests_headers, requests, "names"),
            "<h2>Diagram</h2><p>The stack's resources, grouped by the part of the stack each "
            "belongs to (an SSM parameter sits with what it publishes). An arrow points from a "
            "group to the groups whose resources use it, directly or through the groups between "
            "(the Uses column of Resources has each resource's own references). "
            f"In the boxes, <code>…</code> stands for <code>{escape(name)}</code> "
            f"(IAM names: <code>{escape(iam_root)}</code>); hover a box for its full name.</p>",
            f'<div class="scroll">{render_svg(diagram, title, [name, iam_root])}</div>',
            "<h2>Resources</h2>",
            html_table(resource_headers, resource_rows, "names"),
            policy_html,
        ]
    )
    markdown = "\n\n".join(
        [
            f"# {title}",
            md_table(["Field", "Value"], summary),
            "## Resources",
            md_table(resource_headers, resource_rows),
            "## Diagram",
            render_mermaid(diagram),
            policy_md,
            "## Permission summary by action",
            "✓: the action needs permissions of this service for this config; —: it needs none. "
            "Services this tier does not use have no column.",
            md_table(summary_headers, summary_rows),
            "## Access matrix: personas × this use case",
            f"{matrix_intro} {matrix_notes[0]}",
            md_table(matrix_headers, matrix_rows),
            *matrix_notes[1:],
            md_table(requests_headers, requests),
        ]
    )
    return html_page(title, html_body), markdown + "\n"
