"""Local actions both CLIs share: writing templates with their manifest, writing the operator
policy (split if it must be), listing resources."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS, TEMPLATE_BODY_MAX_BYTES
from provisioner.cfn.template import StackPlan
from provisioner.cli.app import Invocation
from provisioner.cli.manifest import manifest_path, stale_templates
from provisioner.cli.outputs import stale_outputs, write_all
from provisioner.policy.document import PolicyDocument, split_to_fit
from provisioner.policy.files import POLICY_DIRECTORY, policy_files


def template_key(body: str) -> str:
    """Where a template over the TemplateBody limit goes in the template bucket."""
    return f"templates/{hashlib.sha256(body.encode('utf-8')).hexdigest()}.json"


def write_templates(
    inv: Invocation, config_stem: str, plans: Sequence[StackPlan], template_bucket: str | None
) -> int:
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
        manifest.append(entry)
    manifest_rel = manifest_path(config_stem)
    files[inv.path(manifest_rel)] = json.dumps({"stacks": manifest}, indent=2) + "\n"
    # What an earlier run of this config wrote and this one does not goes in the same step.
    stale = stale_templates(inv.cwd, config_stem, {str(e["template"]) for e in manifest})
    write_all(files, remove=stale)
    for entry in manifest:
        line = (
            f"wrote {inv.path(str(entry['template']))} ({entry['bytes']:,} bytes, "
            f"{entry['resources']} resources)"
        )
        if entry["deploy_with"] == "TemplateURL":
            line += (
                f" — over the {TEMPLATE_BODY_MAX_BYTES:,}-byte TemplateBody limit: deploy uploads "
                f"it to s3://{template_bucket}/{entry['template_key']}"
            )
        inv.say(line)
    inv.say(f"wrote {inv.path(manifest_rel)} (stacks in deploy order)")
    for path in stale:
        inv.say(f"removed {path} (an earlier run of this config wrote it; this one does not)")
    return 0


def write_policies(inv: Invocation, policies: Mapping[str, PolicyDocument], tier: str) -> int:
    """Write each policy (file stem → document), split where IAM's size limit needs it, all
    in one all-or-nothing step."""
    directory = inv.path(POLICY_DIRECTORY)
    files: dict[Path, str] = {}
    stale: list[Path] = []
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
    for path in written:
        size = PolicyDocument.size_of(files[path])
        inv.say(f"wrote {path} ({size:,} of {MANAGED_POLICY_MAX_CHARS:,} characters)")
    for policy_stem, count in split.items():
        inv.say(
            f"{policy_stem}: the {tier} tier's policy exceeds IAM's {MANAGED_POLICY_MAX_CHARS:,}-"
            f"character managed-policy limit, so it is split into {count} policies: "
            f"attach all {count} to the operator"
        )
    return 0


def list_resources(inv: Invocation, plans: Sequence[StackPlan]) -> int:
    rows = [("STACK", "LOGICAL ID", "TYPE", "PHYSICAL NAME")]
    rows += [
        (plan.stack_name, r.logical_id, r.type, r.physical_name)
        for plan in plans
        for r in plan.resources
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for stack, logical_id, kind, name in rows:
        inv.say(f"{stack:<{widths[0]}}  {logical_id:<{widths[1]}}  {kind:<{widths[2]}}  {name}")
    total = sum(len(p.resources) for p in plans)
    inv.say(f"{total} resources in {len(plans)} stack{'s' if len(plans) > 1 else ''}")
    return 0


def summarize(inv: Invocation, plans: Sequence[StackPlan], policy: PolicyDocument) -> None:
    parts = split_to_fit(policy)
    for plan in plans:
        how = (
            "TemplateURL (too big for TemplateBody: deploy uploads it to template_bucket)"
            if plan.needs_template_url
            else "TemplateBody"
        )
        inv.say(
            f"  stack        {plan.stack_name}: {len(plan.resources)} resources, "
            f"{plan.body_bytes:,} bytes → {how}"
        )
    inv.say(
        f"  policy       {policy.size:,} characters (IAM limit {MANAGED_POLICY_MAX_CHARS:,}"
        f" per policy: {len(parts)} part{'s' if len(parts) > 1 else ''})"
    )


def write_report(inv: Invocation, config_stem: str, html: str, markdown: str) -> int:
    stem = f"{config_stem}-create-report"
    written = write_all(
        {inv.path("reports", f"{stem}.html"): html, inv.path("reports", f"{stem}.md"): markdown}
    )
    for path in written:
        inv.say(f"wrote {path}")
    return 0
