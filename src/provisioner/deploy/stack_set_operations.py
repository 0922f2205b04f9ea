"""Running a stack-set operation to its end: start it, and when the set is busy with another
(OperationInProgressException, which CloudFormation answers while any operation runs), wait
for that one and start again; never fail on it. Then follow it, one line per instance each
time its state changes, every failure with its account, region and CloudFormation's reason.

Each start names its own OperationId, so botocore retrying the call cannot start it twice.
Polls take the run's API budget (`gateway.polling`), and wait longer than a stack's: stack
sets take minutes, and two calls go out per poll (the operation, its results).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from provisioner.deploy.errors import StackBusy
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.stack_set_gateway import (
    OPERATION_DONE,
    InstanceResult,
    Operation,
    StackSetGateway,
)
from provisioner.results.stack_sets import InstanceEntry, OperationEntry

BUSY_RETRIES = 20  # operations of other runs waited for before giving up (each followed)


def stack_set_poller() -> Poller:
    return Poller(floor=0.5, ceiling=5.0)


@dataclass(frozen=True)
class Ran:
    operation: OperationEntry
    waited_for: tuple[str, ...]  # other runs' operations waited for first

    @property
    def succeeded(self) -> bool:
        return self.operation.status == "SUCCEEDED"

    @property
    def failed_instances(self) -> list[InstanceEntry]:
        return [i for i in self.operation.instances if i.status in ("FAILED", "CANCELLED")]


def run_operation(
    sets: StackSetGateway,
    name: str,
    start: Callable[[str], str],
    say: Say,
    poller: Poller | None = None,
) -> Ran:
    """`start(operation_id)` starts the operation and returns its id."""
    poller = poller or stack_set_poller()
    waited: list[str] = []
    for _ in range(BUSY_RETRIES + 1):
        try:
            operation_id = start(str(uuid.uuid4()))
        except StackBusy:
            running = sets.running(name)
            if running is not None:
                say(
                    f"{name}: another operation runs on the stack set ({running.action} "
                    f"{running.operation_id}); waiting for it, then starting this one"
                )
                follow(sets, name, running.operation_id, say, poller)
                waited.append(running.operation_id)
            continue
        return Ran(follow(sets, name, operation_id, say, poller), tuple(waited))
    raise StackBusy(
        f"{name}: the stack set stayed busy through {BUSY_RETRIES} other operations; "
        "try again later"
    )


def follow(
    sets: StackSetGateway, name: str, operation_id: str, say: Say, poller: Poller
) -> OperationEntry:
    seen: dict[str, str] = {}
    while True:
        with sets.gateway.polling():
            operation = sets.operation(name, operation_id)
            results = sets.results(name, operation_id)
        changed = False
        for result in results:
            if seen.get(result.where) != result.status:
                seen[result.where] = result.status
                changed = True
                say(_line(name, operation, result))
        if operation.status in OPERATION_DONE:
            return _entry(operation, results)
        poller.wait(activity=changed)


def _line(name: str, operation: Operation, result: InstanceResult) -> str:
    reason = f": {result.reason}" if result.reason and result.status != "SUCCEEDED" else ""
    return f"{name} {operation.action} {result.where}: {result.status}{reason}"


def _entry(operation: Operation, results: list[InstanceResult]) -> OperationEntry:
    return OperationEntry(
        operation_id=operation.operation_id,
        action=operation.action,
        status=operation.status,
        reason=operation.reason,
        instances=[
            InstanceEntry(account=r.account, region=r.region, status=r.status, reason=r.reason)
            for r in results
        ],
    )
