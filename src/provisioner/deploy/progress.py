"""Following a CloudFormation operation as it happens: one line per resource event, with a
running count, returning as soon as the stack reaches a final state.

CloudFormation has no push channel, so this polls DescribeStackEvents — one call per poll —
with a short interval that backs off while nothing happens and is capped so that the final
event is seen within a second. There are no fixed waits and no botocore waiters (theirs poll
every 30 s).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from provisioner.deploy.errors import Interrupted
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.patience import patient_wait
from provisioner.deploy.records import EventMark, StackEvent

FINAL_STACK_STATUSES = frozenset(
    {
        "CREATE_COMPLETE",
        "CREATE_FAILED",
        "ROLLBACK_COMPLETE",
        "ROLLBACK_FAILED",
        "UPDATE_COMPLETE",
        "UPDATE_FAILED",
        "UPDATE_ROLLBACK_COMPLETE",
        "UPDATE_ROLLBACK_FAILED",
        "DELETE_COMPLETE",
        "DELETE_FAILED",
        "IMPORT_COMPLETE",
        "IMPORT_ROLLBACK_COMPLETE",
        "IMPORT_ROLLBACK_FAILED",
    }
)
# A resource is done when it completed, failed or was skipped (DELETE_SKIPPED: retained).
_RESOURCE_DONE = ("_COMPLETE", "_FAILED", "_SKIPPED")
SUCCESS_STATUSES = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE"})


@dataclass
class Poller:
    """The waiting between polls: starts short, backs off while quiet, never above `ceiling`."""

    floor: float = 0.2
    ceiling: float = 1.0
    growth: float = 1.5
    sleep: Callable[[float], None] = time.sleep
    current: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.current = self.floor

    def wait(self, *, activity: bool, patient: float | None = None) -> None:
        """`patient`: how long the stack may wait without missing much (patience.py): the
        wait is that long when it is longer than the usual pace's."""
        self.current = self.floor if activity else min(self.ceiling, self.current * self.growth)
        self.sleep(max(self.current, patient or 0.0))


Say = Callable[[str], None]


@dataclass(frozen=True)
class Outcome:
    final_status: str
    events: tuple[StackEvent, ...]

    @property
    def succeeded(self) -> bool:
        return self.final_status in SUCCESS_STATUSES

    @property
    def failures(self) -> list[StackEvent]:
        """Resource events that failed, with CloudFormation's reasons (cancellations last)."""
        failed = [e for e in self.events if e.status.endswith("_FAILED") and not e.is_stack]
        return sorted(failed, key=lambda e: "cancelled" in e.reason.lower())


def _line(event: StackEvent, done: int, total: int, started: float) -> str:
    elapsed = time.monotonic() - started
    count = f"[{done:>{len(str(total))}}/{total}]" if total else f"[{done}]"
    line = (
        f"  {elapsed:6.1f}s {count} {event.status:<28} {event.resource_type:<34} {event.logical_id}"
    )
    if event.reason and event.status.endswith(("_FAILED", "ROLLBACK_IN_PROGRESS")):
        line += f"\n            reason: {event.reason}"
    return line


def follow(
    gateway: AwsGateway,
    stack_id: str,
    stack_name: str,
    operation: str,
    *,
    after: EventMark,
    total: int,
    say: Say,
    poller: Poller | None = None,
) -> Outcome:
    """Print the stack's events until a stack-level event with a final status arrives."""
    poller = poller or Poller()
    seen: set[str] = set(after.seen)
    events: list[StackEvent] = []
    finished: set[str] = set()
    started = time.monotonic()
    # Only where a run shares one API budget does a stack of slow resources poll less often.
    in_progress: dict[str, tuple[str, float]] | None = {} if gateway.budget else None
    try:
        while True:
            with gateway.polling():
                new = gateway.events_since(stack_id, after.since, seen)
            for event in new:
                seen.add(event.event_id)
                events.append(event)
                if event.status == "REVIEW_IN_PROGRESS":
                    continue
                if not event.is_stack and event.status.endswith(_RESOURCE_DONE):
                    finished.add(event.logical_id)
                if in_progress is not None and not event.is_stack:
                    if event.status.endswith("_IN_PROGRESS"):
                        in_progress.setdefault(
                            event.logical_id, (event.resource_type, time.monotonic())
                        )
                    else:
                        in_progress.pop(event.logical_id, None)
                say(_line(event, len(finished), total, started))
                if event.is_stack and event.status in FINAL_STACK_STATUSES:
                    return Outcome(event.status, tuple(events))
            patient = None if in_progress is None else patient_wait(in_progress, time.monotonic())
            poller.wait(activity=bool(new), patient=patient)
    except KeyboardInterrupt:
        raise Interrupted(stack_name, operation) from None
