"""deploy (and bootstrap): what each stack's change set did, and the SSM parameters that
mirror the stacks' outputs."""

from __future__ import annotations

from pydantic import Field

from provisioner.results.adoption import AdoptedResource
from provisioner.results.base import Entry, Result
from provisioner.results.changes import AccessChange, Change
from provisioner.results.interruption import Interruption
from provisioner.results.stack_sets import StackSetEntry, failing_instances, stack_sets_field


class FailedResource(Entry):
    logical_id: str
    type: str
    status: str
    reason: str = Field(description="CloudFormation's reason")


class DeployedStack(Entry):
    stack: str
    result: str = Field(
        description="'no changes', 'failed', or the stack's final status (CREATE_COMPLETE, "
        "UPDATE_COMPLETE)"
    )
    final_status: str | None = Field(description="the status it ended in; null: no changes")
    outputs: dict[str, str] = Field(description="the stack's outputs; empty when it failed")
    changes: list[Change] = Field(description="what the change set changed; empty: no changes")
    failures: list[FailedResource] = Field(description="why it failed; empty when it did not")
    security: AccessChange
    adopted: list[AdoptedResource] = Field(
        default_factory=list,
        description="retained resources of a deleted stack imported before the change set "
        "ran; empty otherwise",
    )


class DeployResult(Result):
    stacks: list[DeployedStack] = Field(
        description="in deploy order, up to the first that failed (the rest were not touched); "
        "after Ctrl-C, those done before the one `interrupted` names"
    )
    ssm_parameters: dict[str, str] | None = Field(
        description="name → value under the config's SSM path; null when a stack failed"
    )
    parameters_not_matching_outputs: list[str] = Field(
        description="parameters whose value no stack output has: changed outside CloudFormation?"
    )
    interrupted: Interruption | None = Field(
        default=None, description="what Ctrl-C stopped; null: it ran to its end"
    )
    plan: str | None = Field(
        default=None,
        description="with --plan, the saved plan whose change sets were executed; null otherwise",
    )
    stack_sets: list[StackSetEntry] | None = stack_sets_field()

    def failing_resources(self) -> list[str]:
        return [f"{s.stack}/{f.logical_id}" for s in self.stacks for f in s.failures] + (
            failing_instances(self.stack_sets or [])
        )
