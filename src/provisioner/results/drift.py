"""detect-drift: CloudFormation's drift detection, stack by stack and resource by resource."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from provisioner.results.base import Entry, Result


class PropertyDifference(Entry):
    kind: str = Field(description="ADD, REMOVE or NOT_EQUAL")
    path: str = Field(description="the property's path, e.g. /Value")
    expected: str
    actual: str


class ResourceDrift(Entry):
    logical_id: str
    physical_id: str
    type: str
    status: str = Field(description="IN_SYNC, MODIFIED, DELETED or NOT_CHECKED")
    differences: list[PropertyDifference]


class StackDrift(Entry):
    stack: str
    status: Literal["IN_SYNC", "DRIFTED", "NOT_DEPLOYED"]
    detection: str | None = Field(
        description="DETECTION_COMPLETE or DETECTION_FAILED (incomplete); null: not deployed"
    )
    resources: list[ResourceDrift]


class DriftResult(Result):
    stacks: list[StackDrift] = Field(description="in deploy order")
    drifted: bool = Field(description="any resource drifted (exit code 3)")
