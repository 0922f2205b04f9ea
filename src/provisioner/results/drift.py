"""detect-drift: CloudFormation's drift detection and the tool's own reads of access
(inline and managed policies, boundaries, key and bucket policies, public access blocks),
stack by stack and resource by resource."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from provisioner.results.base import Entry, Result
from provisioner.results.stack_sets import StackSetEntry, stack_sets_field


class PropertyDifference(Entry):
    kind: str = Field(description="ADD, REMOVE or NOT_EQUAL")
    path: str = Field(description="the property's path, e.g. /Value")
    expected: str
    actual: str
    found_by: Literal["cloudformation", "provisioner"] = Field(
        default="cloudformation",
        description="cloudformation: its drift detection; provisioner: the tool's own read of "
        "what CloudFormation does not compare (inline and attached policies, boundaries, key "
        "and bucket policies, public access blocks)",
    )


class ResourceDrift(Entry):
    logical_id: str
    physical_id: str
    type: str
    status: str = Field(
        description="IN_SYNC, MODIFIED, DELETED or NOT_CHECKED (CloudFormation's; MODIFIED too "
        "when only the tool's own reads found a difference)"
    )
    differences: list[PropertyDifference]


class StackDrift(Entry):
    stack: str
    status: Literal["IN_SYNC", "DRIFTED", "NOT_DEPLOYED"]
    detection: str | None = Field(
        description="DETECTION_COMPLETE or DETECTION_FAILED (incomplete); null: not deployed"
    )
    resources: list[ResourceDrift]
    not_compared: list[str] = Field(
        default_factory=list,
        description="what the tool's own reads could not compare: declarations built from "
        "intrinsics it does not resolve",
    )


class DriftResult(Result):
    stacks: list[StackDrift] = Field(description="in deploy order")
    drifted: bool = Field(description="any resource drifted (exit code 3)")
    stack_sets: list[StackSetEntry] | None = stack_sets_field(
        "each set's drift detection and every instance's drift status"
    )
