"""The one shell both CLIs run in: it parses the arguments for a `Tool` (tool.py), runs the
action, maps every error to one message and an exit code, and prints the outcome as text or
as the JSON document (docs/output-json.md), which an AWS action also writes to `reports/`."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, TextIO

from provisioner.cli.arguments import build_parser, check_flags, given_options
from provisioner.cli.aws_actions import aws_action_specs
from provisioner.cli.formats import document_of, error_line, text_lines
from provisioner.cli.invocation import Invocation
from provisioner.cli.tool import ActionSpec, Outcome, Tool
from provisioner.errors import InputError
from provisioner.exit_codes import ExitCode
from provisioner.files import write_atomic


def actions_of(tool: Tool) -> tuple[ActionSpec, ...]:
    """The tool's own actions, then the AWS actions over its target."""
    return (*tool.own_actions(), *aws_action_specs(tool.target))


def _parse(
    tool: Tool, argv: Sequence[str], *, cwd: Path, stdout: TextIO, stderr: TextIO,
    env: Mapping[str, str],
) -> tuple[ActionSpec | None, Invocation]:  # fmt: skip
    """The action asked for (None: no such action) and its invocation; InputError for
    arguments that do not parse."""
    actions = actions_of(tool)
    by_name = {n: a for a in actions for n in (a.name, *a.aliases)}
    args = build_parser(tool.prog, tool.description, actions).parse_args(list(argv))
    spec = by_name.get(args.action)
    invocation = Invocation(
        config=args.config,
        action=spec.name if spec else args.action,
        force=args.force,
        dry_run=args.dry_run,
        cwd=cwd,
        stdout=stdout,
        stderr=stderr,
        env=env,
        profile=args.profile,
        endpoint_url=args.endpoint_url,
        keep=args.keep,
        allow_broadening=args.allow_broadening,
        fail_on_broadening=args.fail_on_broadening,
        disable_termination_protection=args.disable_termination_protection,
        sec_config=args.sec_config,
        save_plan=args.save_plan,
        plan_ttl=args.plan_ttl,
        plan=args.plan,
        output=args.output,
    )
    if spec is None:
        allowed = ", ".join(by_name)
        unknown = InputError(tool.prog, f"unknown action {args.action!r}; allowed: {allowed}")
        raise _Refused(invocation, unknown)
    try:
        check_flags(tool.prog, spec.name, given_options(args))
    except InputError as refused:
        raise _Refused(invocation, refused) from None
    return spec, invocation


class _Refused(Exception):
    """Arguments that parse, for an action that does not exist or a flag it does not take:
    the invocation is known, so its document can say why."""

    def __init__(self, invocation: Invocation, error: InputError) -> None:
        self.invocation = invocation
        self.error = error
        super().__init__(error.render())


def parse_invocation(
    tool: Tool, argv: Sequence[str], *, cwd: Path, stdout: TextIO, stderr: TextIO,
    env: Mapping[str, str],
) -> tuple[ActionSpec, Invocation]:  # fmt: skip
    """The action asked for and its invocation; InputError for anything it does not take."""
    try:
        spec, invocation = _parse(tool, argv, cwd=cwd, stdout=stdout, stderr=stderr, env=env)
    except _Refused as refused:
        raise refused.error from None
    assert spec is not None
    return spec, invocation


def run(
    tool: Tool,
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        try:
            spec, inv = _parse(
                tool, argv, cwd=cwd or Path.cwd(), stdout=out, stderr=err,
                env=os.environ if env is None else env,
            )  # fmt: skip
        except InputError as exc:  # the arguments do not parse: no invocation, no document
            print(f"error: {exc.render()}", file=err)
            return ExitCode.BAD_INPUT
        except _Refused as refused:
            inv = refused.invocation
            outcome = Outcome(None, ExitCode.BAD_INPUT, error=refused.error.render())
        else:
            assert spec is not None
            outcome = _run_action(spec, inv)
        return _finish(tool.prog, inv, outcome)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return ExitCode.BROKEN_PIPE


def _run_action(spec: ActionSpec, inv: Invocation) -> Outcome:
    try:
        done = spec.handler(inv)
    except InputError as exc:
        return Outcome(None, ExitCode.BAD_INPUT, error=exc.render())
    except KeyboardInterrupt:
        return Outcome(None, ExitCode.INTERRUPTED, error="interrupted")
    return done if isinstance(done, Outcome) else Outcome(done)


def _finish(prog: str, inv: Invocation, outcome: Outcome) -> int:
    """Say why it stopped, write the report, print the result; the exit code."""
    line = error_line(outcome)
    if line is not None:
        print(line, file=inv.stderr)
    if outcome.report is not None or inv.output == "json":
        # One serialization: the report file and stdout hold the same bytes.
        document = document_of(prog, inv, outcome).to_json()
        if outcome.report is not None:
            write_atomic(outcome.report, document)
            inv.say(f"wrote {outcome.report}")
        if inv.output == "json":
            inv.stdout.write(document)
            inv.stdout.flush()
            return outcome.exit_code
    for text in text_lines(inv, outcome):
        inv.print_result(text)
    return outcome.exit_code


class Main(Protocol):
    def __call__(
        self,
        argv: Sequence[str] | None = None,
        *,
        cwd: Path | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        env: Mapping[str, str] | None = None,
    ) -> int: ...


def make_main(tool: Tool) -> Main:
    """The console entry point of one tool; arguments default to the process's own."""

    def main(
        argv: Sequence[str] | None = None,
        *,
        cwd: Path | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        env: Mapping[str, str] | None = None,
    ) -> int:
        args = sys.argv[1:] if argv is None else argv
        return run(tool, args, cwd=cwd, stdout=stdout, stderr=stderr, env=env)

    return main
