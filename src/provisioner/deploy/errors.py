"""Errors of the AWS actions, each mapped by the CLI to one message and an exit code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from provisioner.errors import InputError
from provisioner.results.interruption import Interruption

if TYPE_CHECKING:
    from provisioner.results.base import Result


class AwsFailure(Exception):
    """The operation failed in AWS (rolled back, change set failed, smoke check failed): exit 1."""


class CredentialsProblem(InputError):
    """No usable credentials for the profile: exit 2, like any other bad input."""


class EndpointUnreachable(InputError):
    """The AWS endpoint (or the emulator) does not answer: exit 2, nothing was changed."""


class EndpointNotAws(InputError):
    """What answers at the endpoint is not AWS (another web server): exit 2."""


class StackBusy(Exception):
    """CloudFormation refused because another operation runs on the stack."""


class Interrupted(Exception):
    """Ctrl-C. While an operation runs in CloudFormation (`goes_on`), it goes on and the next run
    follows it; before a change set was executed, the run removed it first (docs: Ctrl-C),
    and `left` names what a second Ctrl-C kept it from removing. `result`: what the action
    had done so far, for its report."""

    def __init__(
        self,
        stack: str | None,
        operation: str,
        *,
        goes_on: bool = True,
        left: tuple[str, ...] = (),
        then: str = "run the action again to follow it to the end",
        summary: str | None = None,
    ) -> None:
        self.stack = stack
        self.operation = operation
        self.goes_on = goes_on
        self.left = left
        self.then = then
        self.summary = summary  # the message, when the action knows better than the above
        self.result: Result | None = None
        super().__init__(f"{operation} of {stack}" if stack else operation)

    def with_result(self, result: Result) -> Interrupted:
        self.result = result
        return self

    def entry(self) -> Interruption:
        return Interruption(
            stack=self.stack, operation=self.operation, cloudformation_goes_on=self.goes_on,
            left_behind=list(self.left),
        )  # fmt: skip

    @property
    def message(self) -> str:
        """The one line the run ends with (stderr, and the document's error.message)."""
        if self.summary is not None:
            return self.summary
        if self.goes_on:
            return (
                f"interrupted: CloudFormation goes on with the {self.operation} of {self.stack}; "
                f"{self.then}"
            )
        if self.left:
            return (
                f"interrupted during the {self}, and again while removing what it made: left "
                f"{'; '.join(self.left)}"
            )
        if self.operation == CHANGE_SET:
            return (
                f"interrupted: the change set of {self.stack} was removed before it was "
                "executed; nothing of the stack changed"
            )
        return f"interrupted during the {self}; nothing was running in CloudFormation"


# What Interrupted.operation says while a change set is made, reviewed or about to execute.
CHANGE_SET = "change set"


def interruption(
    stopped: BaseException, step: str, names: Sequence[str] = (), done: int = 0
) -> Interrupted:
    """`stopped` as Interrupted. A bare Ctrl-C came while nothing ran in CloudFormation for
    this run: one at `step` of the stack it was at, the first of `names` not `done`."""
    if isinstance(stopped, Interrupted):
        return stopped
    return Interrupted(names[min(done, len(names) - 1)] if names else None, step, goes_on=False)
