"""Which flags each action takes: one table for both CLIs.

`--config` and `--action` (and `--help`, `--version`) belong to every action, and so does
`--output` (text or json: every action returns a typed result). Any other flag
an action does not take is refused (exit 2, naming the flags it does take) rather than
ignored: `create-template --dry-run` would write files anyway, `test-deploy --force` would not
be any more forced, `deploy --keep` keeps nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

# Where the AWS actions find their account and endpoint; over several configs, how many run
# at once (local actions run one after another: each takes milliseconds).
_AWS = ("--profile", "--endpoint-url", "--max-parallel", "--max-api-rate")

ACTION_FLAGS: Mapping[str, tuple[str, ...]] = {
    "validate": (),
    "create-template": (),
    "create-policy": (),
    "export-iam-policy": (),
    "create-report": (),
    "list-resources": (),
    "create-seed-code": (),
    "create-stackset-roles": (),
    "show-changes": ("--fail-on-broadening", "--save-plan", "--plan-ttl", *_AWS),
    # --fail-on-broadening with --dry-run only: that deploy is a show-changes.
    "deploy": (
        "--force",
        "--dry-run",
        "--allow-broadening",
        "--fail-on-broadening",
        "--plan",
        *_AWS,
    ),
    "test-deploy": ("--keep", *_AWS),
    "status": _AWS,
    "detect-drift": _AWS,
    "delete": ("--force", "--disable-termination-protection", *_AWS),
    "bootstrap": ("--force", "--dry-run", "--allow-broadening", "--fail-on-broadening", *_AWS),
}

# Every action takes it: every action's result has a JSON document (docs/output-json.md).
EVERY_ACTION = ("--output",)

# What one tool's action takes beyond the shared table.
TOOL_ACTION_FLAGS: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("ml-provisioner", "validate"): ("--sec-config",),
}


def flags_of(prog: str, action: str) -> tuple[str, ...]:
    """The flags `action` of tool `prog` takes, beyond --config, --config-dir and --action."""
    return (*ACTION_FLAGS[action], *TOOL_ACTION_FLAGS.get((prog, action), ()), *EVERY_ACTION)
