"""Errors of the AWS actions, each mapped by the CLI to one message and an exit code."""

from __future__ import annotations

from provisioner.errors import InputError


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
    """Ctrl-C while following: CloudFormation goes on; the next run picks the operation up."""

    def __init__(self, stack: str, operation: str) -> None:
        self.stack = stack
        self.operation = operation
        super().__init__(f"{operation} of {stack}")
