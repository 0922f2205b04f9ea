"""Bringing a stack to a state a new operation can start from.

An operation already running (another deploy, or one this tool was interrupted in) is
followed to its end, printing its events; a stack left in ROLLBACK_COMPLETE by a failed create
cannot be updated, so it is deleted (and said so) before it is created again. So is one left in
CREATE_FAILED by a create with rollback disabled (outside this tool): CloudFormation would take
an update, but diffed against a template that never fully deployed, the security diff would
count grants it never made as already there. When its delete would keep a retained resource
that would block the new create, the deploy refuses instead (check_recreatable).
"""

from __future__ import annotations

from dataclasses import dataclass

from provisioner.deploy.errors import AwsFailure, Interrupted
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
        if stack is not None and stack.busy:  # its events from here on, as a deploy prints
            follow(gateway, stack.stack_id, name, stack.status, after=mark, total=0,
                   say=say, poller=poller)  # fmt: skip
            stack = gateway.describe_stack(stack.stack_id)
        if stack is not None:
            say(f"{name}: that operation ended in {stack.status}")
    if stack is not None and stack.status == "DELETE_COMPLETE":
        return None
    return stack


@dataclass(frozen=True)
class Read:
    """A stack as just read (and waited for) by the caller; None: it does not exist."""

    stack: StackInfo | None


def ready_for_change(
    gateway: AwsGateway,
    name: str,
    say: Say,
    poller: Poller | None = None,
    *,
    known: Read | None = None,
) -> StackInfo | None:
    """The stack to update, or None when it must be created. `known`: the stack as just read
    by the caller, which saves reading it again."""
    stack = wait_until_idle(gateway, name, say, poller) if known is None else known.stack
    if stack is None:
        return None
    if stack.status == "REVIEW_IN_PROGRESS":
        # Never exists yet: a CREATE change set attaches to it (another run's, maybe — it
        # must not be deleted under that run's feet).
        return None
    if stack.status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
        check_recreatable(gateway, stack)
        say(f"{name}: left in {stack.status} by an earlier create; deleting it to create it anew")
        delete_and_follow(gateway, stack, say, poller)
        return None
    if stack.status == "CREATE_FAILED":
        check_recreatable(gateway, stack)
        say(
            f"{name}: left in CREATE_FAILED by a create with rollback disabled (outside this "
            "tool); deleting it, with what that create made, to create it anew"
        )
        delete_and_follow(gateway, stack, say, poller)
        return None
    if stack.status in _UNRECOVERABLE:
        raise AwsFailure(
            f"{name} is in {stack.status}: {stack.status_reason or 'no reason given'}. Fix it "
            "in the CloudFormation console (continue the rollback or retry the delete), then "
            "run again"
        )
    return stack


def check_recreatable(gateway: AwsGateway, stack: StackInfo) -> None:
    """A stack left by a failed first create, which a deploy deletes to create it anew (see
    StackInfo.never_created): refuse, before anything is changed, when the delete would not
    clear the way."""
    if stack.status == "REVIEW_IN_PROGRESS":
        return
    if stack.termination_protection:
        raise AwsFailure(
            f"{stack.name} is in {stack.status}, left by a failed first create, and its "
            "termination protection is on: a deploy cannot delete it to create it anew. Turn "
            "the protection off (aws cloudformation update-termination-protection "
            f"--no-enable-termination-protection --stack-name {stack.name}), then run again; "
            "nothing was changed"
        )
    if stack.status == "CREATE_FAILED":
        kept = failed_create_keeps(gateway, stack)
        if kept:
            raise AwsFailure(
                f"{stack.name} is in CREATE_FAILED: its first create failed with rollback "
                f"disabled (outside this tool), and a delete would keep what it made of "
                f"{', '.join(kept)} (DeletionPolicy Retain), which would then block creating "
                f"it anew; nothing was changed. {roll_back_first(stack.name)}, then run again"
            )


def failed_create_keeps(gateway: AwsGateway, stack: StackInfo) -> list[str]:
    """Of a stack in CREATE_FAILED: what its create made that a delete would keep
    (DeletionPolicy Retain in the template it was created from), as "LogicalId (physical id)"."""
    resources = gateway.template_of(stack.stack_id).get("Resources", {})
    retained = {i for i, body in resources.items() if body.get("DeletionPolicy") == "Retain"}
    return [
        f"{r.logical_id} ({r.physical_id})"
        for r in gateway.stack_resources(stack.stack_id)
        if r.logical_id in retained and r.physical_id
    ]


def roll_back_first(name: str) -> str:
    """How to remove what a failed create made, retained resources too: RollbackStack with
    RetainExceptOnCreate, which ends in ROLLBACK_COMPLETE (a deploy then creates it anew)."""
    return (
        f"Roll it back first: aws cloudformation rollback-stack --stack-name {name} "
        "--retain-except-on-create (it removes what the create made, those included)"
    )


def delete_and_follow(
    gateway: AwsGateway, stack: StackInfo, say: Say, poller: Poller | None = None, total: int = 0
) -> str:
    mark = gateway.event_mark(stack.stack_id)
    try:
        gateway.delete_stack(stack.stack_id)
    except KeyboardInterrupt:  # the call may have reached CloudFormation: take it as started
        raise Interrupted(stack.name, "DELETE") from None
    outcome = follow(gateway, stack.stack_id, stack.name, "DELETE", after=mark,
                     total=total, say=say, poller=poller)  # fmt: skip
    if outcome.final_status != "DELETE_COMPLETE":
        reasons = "; ".join(f"{e.logical_id}: {e.reason}" for e in outcome.failures)
        raise AwsFailure(f"{stack.name}: {outcome.final_status}: {reasons or 'see events'}")
    return outcome.final_status
