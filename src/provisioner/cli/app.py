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


def build_parser(prog: str, description: str, actions: Sequence[ActionSpec]) -> _Parser:
    names = [n for a in actions for n in (a.name, *a.aliases)]
    epilog = "actions:\n" + "\n".join(
        f"  {a.name:<18} {a.help}" + (f" (alias: {', '.join(a.aliases)})" if a.aliases else "")
        for a in actions
    )
    parser = _Parser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-con",
        "--config",
        required=True,
        metavar="FILE",
        help="config file; a bare name is looked up in ./configs/",
    )
    parser.add_argument(
        "-act",
        "--action",
        required=True,
        metavar="ACTION",
        help="one of: " + ", ".join(names),
    )
    parser.add_argument("--force", action="store_true", help="allow changes in AWS")
    parser.add_argument("--dry-run", action="store_true", help="show what would change only")
    aws = parser.add_argument_group("AWS actions")
    aws.add_argument("--profile", metavar="NAME", help="AWS profile (default: AWS_PROFILE)")
    aws.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="AWS endpoint, e.g. the local emulator (default: AWS_ENDPOINT_URL)",
    )
    aws.add_argument("--keep", action="store_true", help="test-deploy: keep what it deployed")
    aws.add_argument(
        "--allow-broadening",
        action="store_true",
        help="deploy: accept a change that broadens access in production",
    )
    aws.add_argument(
        "--disable-termination-protection",
        action="store_true",
        help="delete: turn off production stacks' termination protection first",
    )
    parser.add_argument(
        "--sec-config",
        metavar="FILE",
        help="ml-provisioner validate: also check the use case against its tenant's SEC config",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


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
    by_name = {n: a for a in actions for n in (a.name, *a.aliases)}
    try:
        parser = build_parser(prog, description, actions)
        args = parser.parse_args(list(argv))
        spec = by_name.get(args.action)
        if spec is None:
            allowed = ", ".join(by_name)
            raise InputError(prog, f"unknown action {args.action!r}; allowed: {allowed}")
        invocation = Invocation(
            config=args.config,
            action=spec.name,
            force=args.force,
            dry_run=args.dry_run,
            cwd=cwd or Path.cwd(),
            stdout=out,
            stderr=err,
            env=os.environ if env is None else env,
            profile=args.profile,
            endpoint_url=args.endpoint_url,
            keep=args.keep,
            allow_broadening=args.allow_broadening,
            disable_termination_protection=args.disable_termination_protection,
            sec_config=args.sec_config,
        )
        return spec.handler(invocation)
    except InputError as exc:
        print(f"error: {exc.render()}", file=err)
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 141


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
