"""What both CLIs share: the seed's argument style, an injectable environment, and the
mapping of errors to one message and an exit code."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

from provisioner import __version__
from provisioner.cli.flags import flags_of
from provisioner.errors import InputError
from provisioner.exit_codes import ExitCode


@dataclass(frozen=True)
class Invocation:
    """One run of a CLI: parsed arguments plus where to read, write and print."""

    config: str
    action: str
    force: bool
    dry_run: bool
    cwd: Path
    stdout: TextIO
    stderr: TextIO
    env: Mapping[str, str] = field(default_factory=dict)
    profile: str | None = None
    endpoint_url: str | None = None
    keep: bool = False
    allow_broadening: bool = False
    disable_termination_protection: bool = False
    sec_config: str | None = None

    def say(self, text: str) -> None:
        try:
            print(text, file=self.stdout, flush=True)
        except BrokenPipeError:
            # The reader went away (`| head`): an AWS action must still finish what it started
            # (and write its report), so carry on without printing.
            object.__setattr__(self, "stdout", open(os.devnull, "w"))  # noqa: SIM115

    def path(self, *parts: str) -> Path:
        return self.cwd.joinpath(*parts)


Handler = Callable[[Invocation], int]


@dataclass(frozen=True)
class ActionSpec:
    name: str
    help: str
    handler: Handler
    aliases: tuple[str, ...] = ()


_GIVEN = "_given"  # the namespace attribute recording which options were given, and how


def _given(namespace: argparse.Namespace) -> dict[str, str]:
    """Option (its long name) → how it was spelled on the command line, for those given."""
    given: dict[str, str] = namespace.__dict__.setdefault(_GIVEN, {})
    return given


def _record_once(
    parser: argparse.ArgumentParser, action: argparse.Action, namespace: argparse.Namespace,
    spelled: str | None,
) -> None:  # fmt: skip
    """Note the option as given; a second time is an error (argparse keeps the last)."""
    name = action.option_strings[-1]
    given = _given(namespace)
    if name in given:
        parser.error(f"{name} given twice ({given[name]}, then {spelled}); give it once")
    given[name] = spelled or name


class _Once(argparse.Action):
    """An option with a value, given at most once."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
        values: str | Sequence[object] | None, option_string: str | None = None,
    ) -> None:  # fmt: skip
        _record_once(parser, self, namespace, f"{option_string} {values}")
        setattr(namespace, self.dest, values)


class _OnceFlag(argparse.Action):
    """A switch (store_true), given at most once."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=False, help=help)

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
        values: str | Sequence[object] | None, option_string: str | None = None,
    ) -> None:  # fmt: skip
        _record_once(parser, self, namespace, option_string)
        setattr(namespace, self.dest, True)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so errors go through one path."""

    _argv: Sequence[str] = ()

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(self.prog, message + self._dash_value_hint(message))

    def _dash_value_hint(self, message: str) -> str:
        """argparse takes a value that starts with '-' (a file named `-x.yaml`) for an option
        of its own; attached with '=' it is a value."""
        found = re.match(r"argument (\S+): expected one argument", message)
        if found is None:
            return ""
        options = found.group(1).split("/")
        long = next((o for o in options if o.startswith("--")), options[-1])
        for index, token in enumerate(self._argv[:-1]):
            value = self._argv[index + 1]
            if token in options and value.startswith("-"):
                return f"; if {value!r} is its value, attach it with '=': {long}={value}"
        return ""


def _help_epilog(prog: str, actions: Sequence[ActionSpec]) -> str:
    lines = ["actions, and the flags each takes besides --config and --action:"]
    for a in actions:
        alias = f" (alias: {', '.join(a.aliases)})" if a.aliases else ""
        lines.append(f"  {a.name:<18} {a.help}{alias}")
        lines.append(f"  {'':<18} flags: {' '.join(flags_of(prog, a.name)) or 'none'}")
    return "\n".join(lines)


def build_parser(prog: str, description: str, actions: Sequence[ActionSpec]) -> _Parser:
    names = [n for a in actions for n in (a.name, *a.aliases)]
    parser = _Parser(
        prog=prog,
        description=description,
        epilog=_help_epilog(prog, actions),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-con",
        "--config",
        action=_Once,
        required=True,
        metavar="FILE",
        help="config file; a bare name is looked up in ./configs/",
    )
    parser.add_argument(
        "-act",
        "--action",
        action=_Once,
        required=True,
        metavar="ACTION",
        help="one of: " + ", ".join(names),
    )
    parser.add_argument("--force", action=_OnceFlag, help="deploy, delete: allow changes in AWS")
    parser.add_argument(
        "--dry-run", action=_OnceFlag, help="deploy: show what would change only (show-changes)"
    )
    aws = parser.add_argument_group("AWS actions")
    aws.add_argument(
        "--profile", action=_Once, metavar="NAME", help="AWS profile (default: AWS_PROFILE)"
    )
    aws.add_argument(
        "--endpoint-url",
        action=_Once,
        metavar="URL",
        help="AWS endpoint, e.g. the local emulator (default: AWS_ENDPOINT_URL)",
    )
    aws.add_argument("--keep", action=_OnceFlag, help="test-deploy: keep what it deployed")
    aws.add_argument(
        "--allow-broadening",
        action=_OnceFlag,
        help="deploy: accept a change that broadens access in production",
    )
    aws.add_argument(
        "--disable-termination-protection",
        action=_OnceFlag,
        help="delete: turn off production stacks' termination protection first",
    )
    parser.add_argument(
        "--sec-config",
        action=_Once,
        metavar="FILE",
        help="ml-provisioner validate: also check the use case against its tenant's SEC config",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _check_flags(prog: str, action: str, given: Mapping[str, str]) -> None:
    """Refuse a flag the action does not take, naming those it does."""
    accepted = flags_of(prog, action)
    refused = [name for name in given if name not in (*_ALWAYS, *accepted)]
    if refused:
        takes = ", ".join(accepted) if accepted else "none"
        raise InputError(
            prog,
            f"--action {action} does not take {', '.join(refused)} (its flags besides --config "
            f"and --action: {takes}); nothing was done",
        )


_ALWAYS = ("--config", "--action")


def parse_invocation(
    prog: str,
    description: str,
    actions: Sequence[ActionSpec],
    argv: Sequence[str],
    *,
    cwd: Path,
    stdout: TextIO,
    stderr: TextIO,
    env: Mapping[str, str],
) -> tuple[ActionSpec, Invocation]:
    """The action asked for and its invocation; InputError for anything it does not take."""
    by_name = {n: a for a in actions for n in (a.name, *a.aliases)}
    parser = build_parser(prog, description, actions)
    args = parser.parse_args(list(argv))
    spec = by_name.get(args.action)
    if spec is None:
        allowed = ", ".join(by_name)
        raise InputError(prog, f"unknown action {args.action!r}; allowed: {allowed}")
    _check_flags(prog, spec.name, _given(args))
    invocation = Invocation(
        config=args.config,
        action=spec.name,
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
        disable_termination_protection=args.disable_termination_protection,
        sec_config=args.sec_config,
    )
    return spec, invocation


def run(
    prog: str,
    description: str,
    actions: Sequence[ActionSpec],
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
        spec, invocation = parse_invocation(
            prog, description, actions, argv, cwd=cwd or Path.cwd(), stdout=out, stderr=err,
            env=os.environ if env is None else env,
        )  # fmt: skip
        return spec.handler(invocation)
    except InputError as exc:
        print(f"error: {exc.render()}", file=err)
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return ExitCode.BROKEN_PIPE


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


def make_main(prog: str, description: str, actions: Sequence[ActionSpec]) -> Main:
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
        return run(prog, description, actions, args, cwd=cwd, stdout=stdout, stderr=stderr, env=env)

    return main
