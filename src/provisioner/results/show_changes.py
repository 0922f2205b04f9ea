"""show-changes (and deploy --dry-run): what a deploy would do to each stack."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from provisioner.results.adoption import AdoptedResource
from provisioner.results.base import Entry, Result
from provisioner.results.changes import AccessChange, Change
from provisioner.results.interruption import Interruption
from provisioner.results.stack_sets import StackSetPreview, stack_sets_field


class StackPreview(Entry):
    stack: str
    operation: Literal["CREATE", "UPDATE"]
    note: str = Field(
        description="why the changes are not a change set's (a stack left from a failed first "
        "create is created anew); empty otherwise"
    )
    no_changes: bool
    changes: list[Change]
    security: AccessChange
    adopts: list[AdoptedResource] = Field(
        default_factory=list,
        description="retained resources of a deleted stack that deploy imports first (their "
        "changes are Import rows); empty otherwise",
    )


class PlanFile(Entry):
    """The plan --save-plan wrote, for deploy --plan to execute (docs/saved-plans.md)."""

    path: str = Field(description="the plan file, as given to --save-plan")
    expires: datetime = Field(description="after this (UTC), deploy --plan refuses it")


class ShowChangesResult(Result):
    stacks: list[StackPreview] = Field(description="in deploy order")
    plan: PlanFile | None = Field(
        default=None, description="with --save-plan, the plan saved; null otherwise"
    )
    interrupted: Interruption | None = Field(
        default=None, description="what Ctrl-C stopped; null: it ran to its end"
    )
    stack_sets: list[StackSetPreview] | None = stack_sets_field(
        "each set's template and security diff, and what the deploy does to each instance"
    )
