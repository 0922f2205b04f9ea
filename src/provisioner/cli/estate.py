"""provisioner: both tools' configs in one run (docs/estate.md). Each config goes to the tool
whose config it is, told from the fields only that tool's config has; within a tenant its SEC
stacks deploy before its ML use cases, and are deleted after them."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from provisioner.cli import ml, sec
from provisioner.cli.arguments import build_parser, check_flags, given_options, invocation_of
from provisioner.cli.many import SpecFor, run_many
from provisioner.cli.tool import ActionSpec
from provisioner.errors import InputError
from provisioner.exit_codes import ExitCode
from provisioner.fleet.members import ML, SEC, ToolName

PROG = "provisioner"
DESCRIPTION = (
    "Run one action over many configs of both tools: SEC configs go to sec-provisioner, ML "
    "use cases to ml-provisioner, in each tenant's order."
)
_ACTIONS: Mapping[ToolName, tuple[ActionSpec, ...]] = {ML: ml.ACTIONS, SEC: sec.ACTIONS}


def _by_name(specs: Sequence[ActionSpec]) -> dict[str, ActionSpec]:
    return {name: spec for spec in specs for name in (spec.name, *spec.aliases)}


def _union() -> list[ActionSpec]:
    """Every action either tool has, once (an action one tool names by the other's alias,
    create-policy / export-iam-policy, too), in the order the tools list them."""
    union: list[ActionSpec] = []
    names: set[str] = set()
    for specs in _ACTIONS.values():
        for spec in specs:
            if not names & {spec.name, *spec.aliases}:
                union.append(spec)
            names |= {spec.name, *spec.aliases}
    return union


def main(
    argv: Sequence[str] | None = None,
    *,
    cwd: Path | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args_given = sys.argv[1:] if argv is None else list(argv)
    actions = _union()
    names = _by_name(actions)
    try:
        args = build_parser(PROG, DESCRIPTION, actions).parse_args(args_given)
        if args.action not in names:
            raise InputError(PROG, f"unknown action {args.action!r}; allowed: {', '.join(names)}")
        action = names[args.action].name
        check_flags(PROG, action, given_options(args))
        inv, selection = invocation_of(
            PROG, args, action, cwd=cwd or Path.cwd(), stdout=out, stderr=err,
            env=os.environ if env is None else env,
        )  # fmt: skip
    except InputError as exc:
        print(f"error: {exc.render()}", file=err)
        return ExitCode.BAD_INPUT

    def spec_for(tool: ToolName) -> ActionSpec | None:
        return _by_name(_ACTIONS[tool]).get(action)

    chosen: SpecFor = spec_for
    try:
        return run_many(PROG, inv, selection, chosen, tool=None)
    except BrokenPipeError:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return ExitCode.BROKEN_PIPE


if __name__ == "__main__":
    raise SystemExit(main())
