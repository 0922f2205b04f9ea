"""What the generic shell (shell.py) runs: a `Tool` — a CLI's name, description, its own
actions, and what its shared AWS actions deploy — and what each action hands back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from provisioner.cli.invocation import Invocation
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.base import Result
from provisioner.results.document import AwsRun


@dataclass(frozen=True)
class Outcome:
    """How an action ended: its result (None when it stopped before one), its exit code, why
    it stopped early; for an AWS action also the run and the report file to write."""

    result: Result | None
    exit_code: int = ExitCode.OK
    error: str | None = None  # the message for stderr, without "error: "
    aws: AwsRun | None = None
    report: Path | None = None  # where the document is written as well
    action: str | None = None  # the action the document names, when not the one asked for


# A local action returns its result; an AWS action (aws_actions.py) its whole outcome.
Handler = Callable[[Invocation], Result | Outcome]


@dataclass(frozen=True)
class ActionSpec:
    name: str
    help: str
    handler: Handler
    result: type[Result]  # what it returns: the `result` of its JSON document
    aliases: tuple[str, ...] = ()


# (invocation, test-deploy suffix or None) → what to deploy; loads and validates the config.
TargetLoader = Callable[[Invocation, str | None], DeployTarget]


class Tool(Protocol):
    """One CLI, as the shell sees it. The AWS actions (show-changes … delete) are the same for
    every tool, over what its `target` returns."""

    @property
    def prog(self) -> str: ...

    @property
    def description(self) -> str: ...

    def own_actions(self) -> Sequence[ActionSpec]:
        """The tool's own actions, in the order --help lists them, before the AWS ones."""
        ...

    def target(self, inv: Invocation, suffix: str | None) -> DeployTarget:
        """What the AWS actions deploy for this config (`suffix`: a test-deploy's)."""
        ...
