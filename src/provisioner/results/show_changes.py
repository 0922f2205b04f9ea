"""show-changes (and deploy --dry-run): what a deploy would do to each stack."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from provisioner.results.base import Entry, Result
from provisioner.results.changes import AccessChange, Change
from provisioner.results.interruption import Interruption


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


class ShowChangesResult(Result):
    stacks: list[StackPreview] = Field(description="in deploy order")
    interrupted: Interruption | None = Field(
        default=None, description="what Ctrl-C stopped; null: it ran to its end"
    )
