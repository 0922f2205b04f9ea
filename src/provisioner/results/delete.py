"""delete: the stacks deleted, what they kept on purpose, the SSM parameters removed."""

from __future__ import annotations

from pydantic import Field

from provisioner.results.base import Entry, Result
from provisioner.results.interruption import Interruption
from provisioner.results.stack_sets import StackSetEntry, failing_instances, stack_sets_field


class DeletedStack(Entry):
    stack: str
    result: str = Field(description="the status the delete ended in")


class RetainedResource(Entry):
    """Kept by DeletionPolicy Retain, data and all: a later deploy of the same config adopts it."""

    stack: str
    logical_id: str
    type: str
    name: str = Field(description="its physical name or id")


class DeleteResult(Result):
    stacks: list[DeletedStack] = Field(description="in the order deleted: reverse deploy order")
    retained: list[RetainedResource]
    deleted_parameters: list[str] = Field(description="SSM parameters left and then deleted")
    interrupted: Interruption | None = Field(
        default=None, description="what Ctrl-C stopped; null: it ran to its end"
    )
    stack_sets: list[StackSetEntry] | None = stack_sets_field()

    def failing_resources(self) -> list[str]:
        return failing_instances(self.stack_sets or [])
