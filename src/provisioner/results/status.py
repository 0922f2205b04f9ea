"""status: each stack's state, and the SSM parameters under the config's path."""

from __future__ import annotations

from pydantic import Field

from provisioner.results.base import Entry, Result
from provisioner.results.stack_sets import StackSetEntry, failing_instances, stack_sets_field


class StackState(Entry):
    stack: str
    status: str = Field(description="CloudFormation's stack status, or NOT_DEPLOYED")
    reason: str | None = Field(description="CloudFormation's status reason; null: not deployed")
    termination_protection: bool | None = Field(description="null: not deployed")
    last_changed: str | None = Field(description="ISO 8601; null: not deployed or unknown")
    outputs: dict[str, str]
    to_do: str | None = Field(
        description="what brings back a stack a failed operation left unusable; null otherwise"
    )


class StatusResult(Result):
    stacks: list[StackState] = Field(description="in deploy order")
    ssm_parameters: dict[str, str] = Field(description="name → value under the config's path")
    stack_sets: list[StackSetEntry] | None = stack_sets_field()

    def failing_resources(self) -> list[str]:
        return failing_instances(self.stack_sets or [])
