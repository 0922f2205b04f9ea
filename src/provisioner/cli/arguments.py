"""The seeds' argument style, for both CLIs: `-con`/`-act` or the long forms, every option at
most once, and each action only the flags it takes (flags.py)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from provisioner import __version__
from provisioner.cli.flags import flags_of
from provisioner.cli.invocation import OUTPUT_FORMATS, Invocation
from provisioner.cli.tool import ActionSpec
from provisioner.errors import InputError
from provisioner.fleet.budget import DEFAULT_MAX_API_RATE, MIN_RATE
from provisioner.fleet.runner import DEFAULT_MAX_PARALLEL
from provisioner.fleet.selection import Selection

# More stacks at once than this gain nothing: CloudFormation throttles an account's calls.
MAX_PARALLEL_CEILING = 64
MAX_API_RATE_CEILING = 1000.0

_GIVEN = "_given"  # the namespace attribute recording which options were given, and how


def given_options(namespace: argparse.Namespace) -> dict[str, str]:
    """Option (its long name) → how it was spelled on the command line, for those given."""
    given: dict[str, str] = namespace.__dict__.setdefault(_GIVEN, {})
    return given


def _record_once(
    parser: argparse.ArgumentParser, action: argparse.Action, namespace: argparse.Namespace,
    spelled: str | None,
) -> None:  # fmt: skip
    """Note the option as given; a second time is an error (argparse keeps the last)."""
    name = action.option_strings[-1]
    given = given_options(namespace)
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


class _Each(argparse.Action):
    """An option that may be given more than once: each value is kept, in order."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
        values: str | Sequence[object] | None, option_string: str | None = None,
    ) -> None:  # fmt: skip
        name = self.option_strings[-1]
        given_options(namespace).setdefault(name, f"{option_string} {values}")
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest) or []), values])


def _parallelism(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_PARALLEL_CEILING:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a whole number from 1 to {MAX_PARALLEL_CEILING}"
        )
    return number


def _api_rate(value: str) -> float:
    try:
        rate = float(value)
    except ValueError:
        rate = 0.0
    if not MIN_RATE <= rate <= MAX_API_RATE_CEILING:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of calls a second from {MIN_RATE} to "
            f"{MAX_API_RATE_CEILING:g}"
        )
    return rate


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
        action=_Each,
        metavar="FILE",
        help="config file; a bare name is looked up in ./configs/. Give it more than once, or "
        "a glob ('configs/*-sec.yaml'), to run the action over each (docs/estate.md)",
    )
    parser.add_argument(
        "--config-dir",
        action=_Once,
        metavar="DIR",
        help="run the action over every *.yaml and *.yml config in DIR (docs/estate.md)",
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
    aws.add_argument(
        "--max-parallel",
        action=_Once,
        type=_parallelism,
        metavar="N",
        help=f"over several configs: run at most N at a time (default {DEFAULT_MAX_PARALLEL})",
    )
    aws.add_argument(
        "--max-api-rate",
        action=_Once,
        type=_api_rate,
        metavar="CALLS",
        help="over several configs: their polls of CloudFormation share this many calls a "
        f"second, fewer when throttled (default {DEFAULT_MAX_API_RATE:g})",
    )
    aws.add_argument("--keep", action=_OnceFlag, help="test-deploy: keep what it deployed")
    aws.add_argument(
        "--allow-broadening",
        action=_OnceFlag,
        help="deploy, bootstrap: accept a change that broadens access in production "
        "(a first create included)",
    )
    aws.add_argument(
        "--fail-on-broadening",
        action=_OnceFlag,
        help="show-changes (deploy, bootstrap --dry-run): exit 4 when the change broadens access",
    )
    aws.add_argument(
        "--save-plan",
        action=_Once,
        metavar="FILE",
        help="show-changes: keep the change sets and write them, with the security diff, to a "
        "plan for deploy --plan (docs/saved-plans.md)",
    )
    aws.add_argument(
        "--plan-ttl",
        action=_Once,
        metavar="MINUTES",
        help="show-changes --save-plan: the plan expires after this (default 60, at most 10080)",
    )
    aws.add_argument(
        "--plan",
        action=_Once,
        metavar="FILE",
        help="deploy: execute exactly the change sets of a plan saved by show-changes "
        "--save-plan, or refuse (exit 2) if anything changed since",
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
    parser.add_argument(
        "--output",
        action=_Once,
        choices=OUTPUT_FORMATS,
        default="text",
        help="text (default), or json: one JSON document on stdout, progress on stderr "
        "(docs/output-json.md)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def check_flags(prog: str, action: str, given: Mapping[str, str]) -> None:
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


_ALWAYS = ("--config", "--config-dir", "--action")


def invocation_of(
    prog: str, args: argparse.Namespace, action: str, *, cwd: Path, stdout: TextIO, stderr: TextIO,
    env: Mapping[str, str],
) -> tuple[Invocation, Selection]:  # fmt: skip
    """The parsed arguments as an invocation, and the configs it is for; InputError when
    no config is named."""
    selection = Selection(tuple(args.config or ()), args.config_dir)
    if not selection.configs and selection.config_dir is None:
        raise InputError(
            prog, "the following arguments are required: -con/--config (or --config-dir)"
        )
    invocation = Invocation(
        config=selection.configs[0] if len(selection.configs) == 1 else selection.shown,
        action=action,
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
        max_parallel=args.max_parallel,
        max_api_rate=args.max_api_rate,
    )
    return invocation, selection
