"""What the gateway hands back: typed, immutable records of CloudFormation's answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the stubs (types-boto3) are a test dependency: annotations only
    from types_boto3_cloudformation.type_defs import (
        ChangeTypeDef,
        StackEventTypeDef,
        StackTypeDef,
    )


@dataclass(frozen=True)
class StackInfo:
    stack_id: str
    name: str
    status: str
    status_reason: str
    outputs: dict[str, str]
    termination_protection: bool
    created: datetime | None
    last_updated: datetime | None

    @property
    def busy(self) -> bool:
        """Another operation is running (a change set under review is not one)."""
        return self.status.endswith("_IN_PROGRESS") and self.status != "REVIEW_IN_PROGRESS"

    @property
    def never_created(self) -> bool:
        """Under review, or left by a failed first create — rolled back, or not (CREATE_FAILED:
        rollback disabled, outside this tool): not live; a deploy creates it (anew)."""
        return self.status in (
            "REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED"
        )  # fmt: skip


@dataclass(frozen=True)
class StackEvent:
    event_id: str
    logical_id: str
    physical_id: str
    resource_type: str
    status: str
    reason: str
    timestamp: datetime

    @property
    def is_stack(self) -> bool:
        return self.resource_type == "AWS::CloudFormation::Stack"


@dataclass(frozen=True)
class EventMark:
    """A point in a stack's event history: events at or after `since` not in `seen` are new."""

    since: datetime | None
    seen: frozenset[str]


@dataclass(frozen=True)
class ChangedTarget:
    """One thing a Modify changes, as the change set's Details name it."""

    attribute: str  # Properties | Metadata | Tags | DeletionPolicy | ...
    name: str  # the top-level property, for Properties; else empty
    requires_recreation: str  # Never | Conditionally | Always

    @property
    def label(self) -> str:
        return self.name or self.attribute


# The stronger of two Details on one target wins: a property may be listed once per source.
_RECREATION_ORDER = {"Never": 0, "Conditionally": 1, "Always": 2}


@dataclass(frozen=True)
class ResourceChange:
    action: str  # Add | Modify | Remove | Import | Dynamic
    logical_id: str
    resource_type: str
    physical_id: str = ""
    replacement: str = ""  # True | False | Conditional, when CloudFormation says
    # A Modify's, one per property or attribute, in the order CloudFormation lists them.
    targets: tuple[ChangedTarget, ...] = ()


@dataclass(frozen=True)
class ChangeSetInfo:
    change_set_id: str
    stack_id: str
    status: str
    status_reason: str
    execution_status: str
    created: datetime | None
    changes: tuple[ResourceChange, ...] = ()

    @property
    def has_no_changes(self) -> bool:
        reason = self.status_reason.lower()
        return self.status == "FAILED" and (
            "didn't contain changes" in reason or "no updates" in reason
        )


@dataclass(frozen=True)
class ResourceToImport:
    """One entry of an IMPORT change set's ResourcesToImport."""

    logical_id: str
    resource_type: str
    identifier: dict[str, str]  # the type's primary identifier property → its value


@dataclass(frozen=True)
class StackResource:
    logical_id: str
    physical_id: str
    resource_type: str
    status: str


@dataclass(frozen=True)
class DriftDetection:
    detection_status: str  # DETECTION_IN_PROGRESS | DETECTION_COMPLETE | DETECTION_FAILED
    stack_drift_status: str
    reason: str


@dataclass(frozen=True)
class ResourceDrift:
    logical_id: str
    physical_id: str
    resource_type: str
    status: str  # IN_SYNC | MODIFIED | DELETED | NOT_CHECKED
    differences: tuple[dict[str, str], ...] = field(default_factory=tuple)


def stack_from_api(raw: StackTypeDef) -> StackInfo:
    return StackInfo(
        stack_id=raw["StackId"],
        name=raw["StackName"],
        status=raw["StackStatus"],
        status_reason=raw.get("StackStatusReason", "") or "",
        outputs={o["OutputKey"]: o.get("OutputValue", "") for o in raw.get("Outputs", [])},
        termination_protection=bool(raw.get("EnableTerminationProtection", False)),
        created=raw.get("CreationTime"),
        last_updated=raw.get("LastUpdatedTime"),
    )


def event_from_api(raw: StackEventTypeDef) -> StackEvent:
    return StackEvent(
        event_id=raw["EventId"],
        logical_id=raw.get("LogicalResourceId", ""),
        physical_id=raw.get("PhysicalResourceId", "") or "",
        resource_type=raw.get("ResourceType", ""),
        status=raw.get("ResourceStatus", ""),
        reason=raw.get("ResourceStatusReason", "") or "",
        timestamp=raw["Timestamp"],
    )


def change_from_api(raw: ChangeTypeDef) -> ResourceChange:
    rc = raw.get("ResourceChange", {})
    strongest: dict[tuple[str, str], str] = {}
    for detail in rc.get("Details", []):
        target = detail.get("Target", {})
        key = (target.get("Attribute", "") or "", target.get("Name", "") or "")
        says = target.get("RequiresRecreation", "") or ""
        if _RECREATION_ORDER.get(says, -1) >= _RECREATION_ORDER.get(strongest.get(key, ""), -1):
            strongest[key] = says
    return ResourceChange(
        action=rc.get("Action", ""),
        logical_id=rc.get("LogicalResourceId", ""),
        resource_type=rc.get("ResourceType", ""),
        physical_id=rc.get("PhysicalResourceId", "") or "",
        replacement=rc.get("Replacement", "") or "",
        targets=tuple(ChangedTarget(a, n, r) for (a, n), r in strongest.items()),
    )
