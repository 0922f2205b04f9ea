"""Ctrl-C before a change set is executed: the run removes it, and the empty stack a CREATE
change set made (REVIEW_IN_PROGRESS), before it ends, so an interrupted show-changes or deploy
leaves nothing behind. Once it is executed, the operation is CloudFormation's: it goes on, and
the next run follows it (progress.follow, stack_state.wait_until_idle).

A second Ctrl-C while removing stops the removal; the message names what it left.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from provisioner.deploy.errors import CHANGE_SET, AwsFailure, Interrupted, StackBusy
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.records import ChangeSetInfo

# DeleteChangeSet refuses a change set still being created: wait for it to be made first.
_BEING_MADE = {"CREATE_PENDING", "CREATE_IN_PROGRESS"}
_EXECUTED = {"EXECUTE_IN_PROGRESS", "EXECUTE_COMPLETE", "EXECUTE_FAILED"}


@dataclass
class Unexecuted:
    """A change set this run is making or holds, not executed by it (yet)."""

    stack_name: str
    name: str
    kind: str  # CREATE | UPDATE
    change_set_id: str | None = None  # once CreateChangeSet has answered


@contextmanager
def removed_if_interrupted(
    gateway: AwsGateway, change_set: Unexecuted, say: Say, poller: Poller | None = None
) -> Iterator[None]:
    """Ctrl-C inside the block removes `change_set` (see `remove`), then ends the run."""
    try:
        yield
    except KeyboardInterrupt:
        raise remove(gateway, change_set, say, poller) from None


def remove(
    gateway: AwsGateway, change_set: Unexecuted, say: Say, poller: Poller | None = None
) -> Interrupted:
    """Remove the change set (and the empty stack of a CREATE); what to end the run with."""
    stack, poller = change_set.stack_name, poller or Poller()
    creating = change_set.kind == "CREATE"
    found: ChangeSetInfo | None = None
    removed_change_set = False
    try:
        say(
            f"{stack}: interrupted; removing its change set"
            + (" and the empty stack it made" if creating else "")
            + " (Ctrl-C again stops that)"
        )
        found = _find(gateway, change_set)
        while found is not None and found.status in _BEING_MADE:
            poller.wait(activity=False)
            with gateway.polling():
                found = _find(gateway, change_set)
        if found is None:  # CreateChangeSet never got through: nothing was made
            return Interrupted(stack, CHANGE_SET, goes_on=False)
        if found.execution_status in _EXECUTED:
            say(f"{stack}: its change set was executed already")
            return Interrupted(stack, change_set.kind)
        gateway.delete_change_set(found.change_set_id)
        removed_change_set = True
        if creating:  # the stack the change set made, found by its id: never another's
            made = gateway.describe_stack(found.stack_id or stack)
            if made is not None and made.status == "REVIEW_IN_PROGRESS":
                gateway.delete_stack(made.stack_id)
    except KeyboardInterrupt:
        left = _left(change_set, found, removed_change_set)
        return Interrupted(stack, CHANGE_SET, goes_on=False, left=left)
    except (AwsFailure, StackBusy) as failed:
        left = _left(change_set, found, removed_change_set)
        return Interrupted(stack, CHANGE_SET, goes_on=False, left=(*left, f"because {failed}"))
    say(f"{stack}: removed its change set" + (" and the empty stack" if creating else ""))
    return Interrupted(stack, CHANGE_SET, goes_on=False)


def _find(gateway: AwsGateway, change_set: Unexecuted) -> ChangeSetInfo | None:
    try:
        if change_set.change_set_id is not None:
            return gateway.describe_change_set(change_set.change_set_id)
        return gateway.describe_change_set(change_set.name, change_set.stack_name)
    except AwsFailure as exc:
        text = str(exc)
        if "does not exist" in text or "NotFound" in text:
            return None
        raise


def _left(
    change_set: Unexecuted, found: ChangeSetInfo | None, removed_change_set: bool
) -> tuple[str, ...]:
    """What may remain, each with the command that removes it."""
    stack = change_set.stack_name
    left = []
    if not removed_change_set:
        name = found.change_set_id if found else change_set.change_set_id or change_set.name
        left.append(
            f"its change set (aws cloudformation delete-change-set --stack-name {stack} "
            f"--change-set-name {name})"
        )
    if change_set.kind == "CREATE":
        left.append(
            f"the empty stack {stack}, if in REVIEW_IN_PROGRESS (aws cloudformation "
            f"delete-stack --stack-name {stack})"
        )
    return tuple(left)
