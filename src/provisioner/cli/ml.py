"""ml-provisioner: the ML use case's local actions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS, TEMPLATE_BODY_MAX_BYTES
from provisioner.cli.app import ActionSpec, Invocation, run
from provisioner.cli.outputs import remove_stale, write_all
from provisioner.config.ml import MlConfig
from provisioner.config.ml_loader import load_ml_config
from provisioner.exit_codes import ExitCode
from provisioner.files import resolve_config_path
from provisioner.ml.operator_policy import operator_policy
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import config_file_stem
from provisioner.policy.document import split_to_fit

PROG = "ml-provisioner"
DESCRIPTION = "Provision one ML use case's infrastructure on AWS from a YAML config."


def _load(inv: Invocation) -> MlConfig:
    return load_ml_config(resolve_config_path(inv.config, inv.cwd))


def validate(inv: Invocation) -> int:
    config = _load(inv)
    plan = plan_stack(config)
    policy = operator_policy(config)
    parts = split_to_fit(policy)
    inv.say(f"{inv.config}: valid")
    inv.say(f"  ml_name      {plan.metadata['MlName']}")
    inv.say(f"  tier         {config.tier.value}")
    inv.say(f"  stack        {plan.stack_name}")
    inv.say(f"  resources    {len(plan.resources)}")
    inv.say(f"  template     {plan.body_bytes:,} of {TEMPLATE_BODY_MAX_BYTES:,} bytes")
    inv.say(
        f"  policy       {policy.size:,} characters (IAM limit {MANAGED_POLICY_MAX_CHARS:,}"
        f" per policy: {len(parts)} part{'s' if len(parts) > 1 else ''})"
    )
    return ExitCode.OK


def create_template(inv: Invocation) -> int:
    config = _load(inv)
    plan = plan_stack(config)
    path = inv.path("templates", f"{plan.stack_name}.json")
    write_all({path: plan.render()})
    inv.say(f"wrote {path} ({plan.body_bytes:,} bytes, {len(plan.resources)} resources)")
    return ExitCode.OK


def create_policy(inv: Invocation) -> int:
    config = _load(inv)
    parts = split_to_fit(operator_policy(config))
    stem = f"{config_file_stem(config)}-iam-policy"
    directory = inv.path("policies")
    if len(parts) == 1:
        files = {directory / f"{stem}.json": parts[0].render()}
    else:
        files = {directory / f"{stem}-{i}.json": p.render() for i, p in enumerate(parts, 1)}
    written = write_all(files)
    remove_stale(directory, f"{stem}*.json", set(written))
    for path, part in zip(written, parts, strict=True):
        inv.say(f"wrote {path} ({part.size:,} of {MANAGED_POLICY_MAX_CHARS:,} characters)")
    if len(parts) > 1:
        inv.say(
            f"the {config.tier.value} tier's operator policy exceeds IAM's "
            f"{MANAGED_POLICY_MAX_CHARS:,}-character managed-policy limit, so it is split into "
            f"{len(parts)} policies: attach all {len(parts)} to the operator"
        )
    return ExitCode.OK


def create_report(inv: Invocation) -> int:
    config = _load(inv)
    from provisioner.report.ml_report import render_ml_report

    html, markdown = render_ml_report(config)
    stem = f"{config_file_stem(config)}-create-report"
    written = write_all(
        {inv.path("reports", f"{stem}.html"): html, inv.path("reports", f"{stem}.md"): markdown}
    )
    for path in written:
        inv.say(f"wrote {path}")
    return ExitCode.OK


def list_resources(inv: Invocation) -> int:
    config = _load(inv)
    plan = plan_stack(config)
    rows = [("LOGICAL ID", "TYPE", "PHYSICAL NAME")]
    rows += [(r.logical_id, r.type, r.physical_name) for r in plan.resources]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    for logical_id, kind, name in rows:
        inv.say(f"{logical_id:<{widths[0]}}  {kind:<{widths[1]}}  {name}")
    inv.say(f"{len(plan.resources)} resources in stack {plan.stack_name}")
    return ExitCode.OK


def create_seed_code(inv: Invocation) -> int:
    config = _load(inv)
    from provisioner.ml.seed_code import seed_code_files
    from provisioner.naming.ml import ml_name

    root = inv.path("seed-code", ml_name(config))
    written = write_all({root / rel: text for rel, text in seed_code_files(config).items()})
    inv.say(f"wrote {len(written)} files to {root}/")
    inv.say("push them to the CodeCommit repository to run the pipeline (see its README.md)")
    return ExitCode.OK


ACTIONS = (
    ActionSpec("validate", "check the config and every derived name", validate),
    ActionSpec("create-template", "write the CloudFormation template", create_template),
    ActionSpec(
        "create-policy",
        "write the operator's least-privilege IAM policy",
        create_policy,
        aliases=("export-iam-policy",),
    ),
    ActionSpec("create-report", "write the HTML and Markdown report", create_report),
    ActionSpec("list-resources", "print every resource and its physical name", list_resources),
    ActionSpec("create-seed-code", "write the model-build code for the repo", create_seed_code),
)


def main(
    argv: Sequence[str] | None = None,
    *,
    cwd: Path | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    return run(PROG, DESCRIPTION, ACTIONS, args, cwd=cwd, stdout=stdout, stderr=stderr, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
