"""What Ctrl-C stopped in an AWS action, and what it left: part of deploy's, show-changes' and
delete's results (the README's "Ctrl-C" says what each step does)."""

from __future__ import annotations

from pydantic import Field

from provisioner.results.base import Entry


class Interruption(Entry):
    stack: str | None = Field(
        description="the stack it was at; null: none known (a read before any, between stacks)"
    )
    operation: str = Field(
        description="what was under way: 'change set' (being made, reviewed or about to be "
        "executed: removed before the run ended), a CloudFormation operation (CREATE, UPDATE, "
        "DELETE, or the status of one started earlier), or the action's own step"
    )
    cloudformation_goes_on: bool = Field(
        description="the operation runs on in CloudFormation; the next run follows it"
    )
    left_behind: list[str] = Field(
        description="what a second Ctrl-C kept the run from removing; empty: nothing"
    )
