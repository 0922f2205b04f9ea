"""Local actions both CLIs share: writing templates with their manifest, writing the operator
policy (split if it must be), the report, listing resources; each returns its typed result."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS
from provisioner.cfn.template import StackPlan
from provisioner.cli.invocation import Invocation
from provisioner.cli.manifest import (
    MANIFEST_PATHS,
    manifest_path,
    stack_set_template_path,
    stale_templates,
)
from provisioner.cli.outputs import stale_outputs, write_all
from provisioner.policy.document import PolicyDocument, split_to_fit
from provisioner.policy.files import POLICY_DIRECTORY, policy_files
from provisioner.results.plan_summary import PolicySummary, StackSummary
from provisioner.results.policies import PoliciesWritten, PolicyFile, SplitPolicy
from provisioner.results.report_files import ReportWritten
from provisioner.results.resources import PlannedResource, ResourceList
from provisioner.results.templates import TemplateFile, TemplatesWritten
from provisioner.stack_sets.published import content_key


def template_key(body: str) -> str:
    """Where a template over the TemplateBody limit goes in the template bucket."""
    return content_key(body)


def write_templates(
    inv: Invocation,
    config_stem: str,
    plans: Sequence[StackPlan],
    template_bucket: str | None,
    stack_set_forms: Mapping[str, str] | None = None,
    publish_bucket: str | None = None,
    canary_forms: Mapping[str, tuple[str, str]] | None = None,
) -> TemplatesWritten:
    """Each stack's template and the manifest; with `stack_set_forms` (stack → body, for a
    config with a `deployment` section) each one's stack-set form beside it too, and with
    `publish_bucket` (a service-managed section's) where an administrator publishes it, and
    its test-deploy canary's form (`canary_forms`: stack → (test stack, body)) with it."""
    files = {}
    manifest = []
    for order, plan in enumerate(plans, 1):
        body = plan.render()
        rel = f"templates/{plan.stack_name}.json"
        files[inv.path(rel)] = body
        entry: dict[str, object] = {
            "order": order,
            "stack": plan.stack_name,
            "template": rel,
            "bytes": plan.body_bytes,
            "resources": len(plan.resources),
            "deploy_with": "TemplateURL" if plan.needs_template_url else "TemplateBody",
        }
        if plan.needs_template_url:
            entry["template_bucket"] = template_bucket
            entry["template_key"] = template_key(body)
        if stack_set_forms is not None and plan.stack_name in stack_set_forms:
            entry["stack_set_template"] = stack_set_template_path(plan.stack_name)
            form = stack_set_forms[plan.stack_name]
            files[inv.path(str(entry["stack_set_template"]))] = form
            if publish_bucket is not None:
                entry["stack_set_publish_to"] = f"s3://{publish_bucket}/{content_key(form)}"
                if canary_forms is not None and plan.stack_name in canary_forms:
                    test_stack, test_form = canary_forms[plan.stack_name]
                    entry["canary_stack_set_template"] = stack_set_template_path(test_stack)
                    files[inv.path(str(entry["canary_stack_set_template"]))] = test_form
                    entry["canary_publish_to"] = f"s3://{publish_bucket}/{content_key(test_form)}"
        manifest.append(entry)
    manifest_rel = manifest_path(config_stem)
    files[inv.path(manifest_rel)] = json.dumps({"stacks": manifest}, indent=2) + "\n"
    # What an earlier run of this config wrote and this one does not goes in the same step.
    written = {str(e[k]) for e in manifest for k in MANIFEST_PATHS if k in e}
    stale = stale_templates(inv.cwd, config_stem, written)
    write_all(files, remove=stale)
    templates = [
        TemplateFile.model_validate(
            {
                **entry,
                "path": str(inv.path(str(entry["template"]))),
                "template_bucket": entry.get("template_bucket"),
                "template_key": entry.get("template_key"),
                "stack_set_publish_to": entry.get("stack_set_publish_to"),
                "canary_publish_to": entry.get("canary_publish_to"),
                "canary_stack_set_path": (
                    str(inv.path(str(entry["canary_stack_set_template"])))
                    if "canary_stack_set_template" in entry
                    else None
                ),
                "stack_set_path": (
                    str(inv.path(str(entry["stack_set_template"])))
                    if "stack_set_template" in entry
                    else None
                ),
            }
        )
        for entry in manifest
    ]
    return TemplatesWritten(
        templates=templates,
        manifest=str(inv.path(manifest_rel)),
        removed=[str(path) for path in stale],
    )


def write_policies(
    inv: Invocation,
    policies: Mapping[str, PolicyDocument],
    tier: str,
    optional: tuple[str, ...] = (),
) -> PoliciesWritten:
    """Write each policy (file stem → document), split where IAM's size limit needs it, all
    in one all-or-nothing step. `optional`: stems of policies a config writes only with some
    setting; an earlier run's file of one not written now is removed in the same step."""
    directory = inv.path(POLICY_DIRECTORY)
    files: dict[Path, str] = {}
    stale: list[Path] = [
        path
        for gone in optional
        if gone not in policies
        for pattern in (f"{gone}.json", f"{gone}-[0-9]*.json")
        for path in sorted(directory.glob(pattern))
    ]
    split: dict[str, int] = {}
    for policy_stem, policy in policies.items():
        parts = policy_files(policy_stem, policy)
        mine = {directory / name: part.render() for name, part in parts.items()}
        if len(parts) > 1:
            split[policy_stem] = len(parts)
        files.update(mine)
        # The parts of an earlier, differently split policy go in the same step.
        stale += stale_outputs(directory, f"{policy_stem}.json", mine)
        stale += stale_outputs(directory, f"{policy_stem}-[0-9]*.json", mine)
    written = write_all(files, remove=stale)
    return PoliciesWritten(
        tier=tier,
        files=[
            PolicyFile(
                path=str(path),
                characters=PolicyDocument.size_of(files[path]),
                limit=MANAGED_POLICY_MAX_CHARS,
            )
            for path in written
        ],
        split=[SplitPolicy(policy=stem, parts=count) for stem, count in split.items()],
        removed=[str(path) for path in stale],
    )


def list_resources(plans: Sequence[StackPlan]) -> ResourceList:
    return ResourceList(
        stacks=[plan.stack_name for plan in plans],
        resources=[
            PlannedResource(
                stack=plan.stack_name,
                logical_id=r.logical_id,
                type=r.type,
                physical_name=r.physical_name,
            )
            for plan in plans
            for r in plan.resources
        ],
    )


def stack_summaries(plans: Sequence[StackPlan]) -> list[StackSummary]:
    return [
        StackSummary(
            stack=plan.stack_name,
            resources=len(plan.resources),
            bytes=plan.body_bytes,
            deploy_with="TemplateURL" if plan.needs_template_url else "TemplateBody",
        )
        for plan in plans
    ]


def policy_summary(policy: PolicyDocument) -> PolicySummary:
    return PolicySummary(
        characters=policy.size, limit=MANAGED_POLICY_MAX_CHARS, parts=len(split_to_fit(policy))
    )


def write_report(inv: Invocation, config_stem: str, html: str, markdown: str) -> ReportWritten:
    stem = f"{config_stem}-create-report"
    written = write_all(
        {inv.path("reports", f"{stem}.html"): html, inv.path("reports", f"{stem}.md"): markdown}
    )
    return ReportWritten(files=[str(path) for path in written])
