"""The stack-set part of deploy, status, detect-drift and delete results (their `stack_sets`),
for a config whose stacks go out through stack sets: per set, the operations run and the
instances (account × region) with CloudFormation's status and reason."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from provisioner.results.base import Entry
from provisioner.results.changes import AccessChange, Change


class InstanceEntry(Entry):
    account: str
    region: str
    status: str = Field(
        description="deploy, delete: the operation's result for it (SUCCEEDED, FAILED, "
        "CANCELLED); status: the instance's (CURRENT, OUTDATED, INOPERABLE); detect-drift: "
        "its drift (DRIFTED, IN_SYNC, NOT_CHECKED)"
    )
    detailed_status: str = Field(
        default="", description="status: CloudFormation's detailed status; empty otherwise"
    )
    reason: str = Field(description="CloudFormation's reason; empty when it gave none")


class OperationEntry(Entry):
    operation_id: str
    action: str = Field(description="CREATE (instances), UPDATE (the set) or DELETE")
    status: str = Field(description="SUCCEEDED, FAILED or STOPPED")
    reason: str
    instances: list[InstanceEntry] = Field(description="its result per account and region")


class StackSetEntry(Entry):
    stack_set: str
    result: str = Field(
        description="deploy: created | updated | no changes | failed; delete: deleted | "
        "not deployed | failed; status: deployed | not deployed | needs attention; "
        "detect-drift: in sync | drifted | not deployed | failed"
    )
    operations: list[OperationEntry] = Field(description="in the order they ran")
    instances: list[InstanceEntry] = Field(
        description="status: every instance; deploy, delete: those that failed"
    )
    waited_for: list[str] = Field(
        default_factory=list,
        description="operations another run had started on the set, waited for first",
    )


class InstancePreview(Entry):
    account: str = Field(description="empty for an OU's instances CloudFormation will create")
    region: str
    action: Literal["create", "update", "unchanged", "untargeted"] = Field(
        description="what the deploy does there: create it, update it (an update reaches "
        "every instance of the set), or nothing (unchanged; untargeted: the targets no longer "
        "name it, and it is left as it is)"
    )


class StackSetPreview(Entry):
    """show-changes of one stack set: its template and security diff, the same for every
    instance (one template, no parameter overrides), and what happens to each instance."""

    stack_set: str
    operation: Literal["CREATE", "UPDATE"]
    no_changes: bool
    changes: list[Change] = Field(
        description="the set's template against the deploy's, resource by resource (stack "
        "sets have no change sets: whether a Modify replaces a resource is not known)"
    )
    security: AccessChange = Field(
        description="the set's template against the deploy's: what its instances' change "
        "grants and removes (a new set: everything, from nothing)"
    )
    security_where_created: AccessChange | None = Field(
        default=None,
        description="an existing set the deploy grows: what each instance it creates gets, "
        "every grant of the template, from nothing; null otherwise",
    )
    instances: list[InstancePreview]


def stack_sets_field(what: str = "each set, its operations and instances") -> Any:
    """The `stack_sets` field of an action's result: null for a config without stack sets."""
    return Field(
        default=None,
        description="when the config deploys through stack sets (its `deployment` section): "
        f"{what}, and `stacks` is empty; null otherwise",
    )


def not_deployed(stack_set: str) -> StackSetEntry:
    return StackSetEntry(stack_set=stack_set, result="not deployed", operations=[], instances=[])


def failing_instances(stack_sets: list[StackSetEntry]) -> list[str]:
    """`{stack set}/{account}/{region}` of each instance that failed (cancelled ones did not:
    they were never tried)."""
    return [
        f"{s.stack_set}/{i.account}/{i.region}"
        for s in stack_sets
        for i in s.instances
        if i.status in ("FAILED", "INOPERABLE") or i.detailed_status == "FAILED"
    ]
