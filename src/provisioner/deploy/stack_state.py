"""Bringing a stack to a state a new operation can start from.

An operation already running (another deploy, or one this tool was interrupted in) is
followed to its end; a stack left in ROLLBACK_COMPLETE by a failed create cannot be updated,
so it is deleted (and said so) before it is created again.
"""

from __future__ import annotations

from provisioner.deploy.errors import AwsFailure
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say, follow
from provisioner.deploy.records import StackInfo

_UNRECOVERABLE = {"UPDATE_ROLLBACK_FAILED", "DELETE_FAILED", "ROLLBACK_FAILED", "UPDATE_FAILED"}


def wait_until_idle(
    gateway: AwsGateway, name: str, say: Say, poller: Poller | None = None
) -> StackInfo | None:
    stack = gateway.describe_stack(name)
    if stack is not None and stack.busy:
        say(f"{name}: {stack.status} — an operation started earlier is still running; following it")
        mark = gateway.event_mark(stack.stack_id)
        stack = gateway.describe_stack(stack.stack_id)  # it may have ended before the mark
        if stack is not None and stack.busy:
            follow(gateway, stack.stack_id, name, stack.status, after=mark, total=0,
                   say=lambda _: None, poller=poller)  # fmt: skip
            stack = gateway.describe_stack(stack.stack_id)
        if stack is not None:
            say(f"{name}: that operation ended in {stack.status}")
    if stack is not None and stack.status == "DELETE_COMPLETE":
        return None
    return stack


def ready_for_change(
    gateway: AwsGateway, name: str, say: Say, poller: Poller | None = None
) -> StackInfo | None:
    """The stack to update, or None when it must be created."""
    stack = wait_until_idle(gateway, name, say, poller)
    if stack is None:
        return None
    if stack.status == "REVIEW_IN_PROGRESS":
        # Never exists yet: a CREATE change set attaches to it (another run's, maybe — it
        # must not be deleted under that run's feet).
        return None
    if stack.status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
        say(f"{name}: left in {stack.status} by an earlier create; deleting it to create it anew")
        delete_and_follow(gateway, stack, say, poller)
        return None
    if stack.status in _UNRECOVERABLE:
        raise AwsFailure(
            f"{name} is in {stack.status}: {stack.status_reason or 'no reason given'}. Fix it "
            "in the CloudFormation console (continue the rollback or retry the delete), then "
            "run again"
        )
    return stack


def delete_and_follow(
    gateway: AwsGateway, stack: StackInfo, say: Say, poller: Poller | None = None, total: int = 0
) -> str:
    mark = gateway.event_mark(stack.stack_id)
    gateway.delete_stack(stack.stack_id)
    outcome = follow(gateway, stack.stack_id, stack.name, "DELETE", after=mark,
                     total=total, say=say, poller=poller)  # fmt: skip
    if outcome.final_status != "DELETE_COMPLETE":
        reasons = "; ".join(f"{e.logical_id}: {e.reason}" for e in outcome.failures)
        raise AwsFailure(f"{stack.name}: {outcome.final_status}: {reasons or 'see events'}")
    return outcome.final_status
