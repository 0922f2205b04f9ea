"""Gap: moto implements no `DetectStackSetDrift`.

As in CloudFormation it runs as a stack set operation (Action DETECT_DRIFT, refused while
another runs, OperationPreferences honoured): each instance's stack is checked as
DetectStackDrift checks a stack (stack_drift_detection), the instance's DriftStatus becomes
DRIFTED or IN_SYNC (with LastDriftCheckTimestamp), and the operation's
StackSetDriftDetectionDetails count the instances. An instance without a stack to check (its
create failed) is counted failed and stays NOT_CHECKED.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from moto.cloudformation.models import StackSet
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult

from provisioner.emulator.extensions import stack_set_operations as operations
from provisioner.emulator.extensions.stack_drift_detection import detect

_CHECKABLE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"}


def _details(stack_set: StackSet, operation: operations.Operation) -> dict[str, Any]:
    known = operations.instances(stack_set)
    checked = [known[k] for k, (status, _) in operation.results.items()
               if status == "SUCCEEDED" and k in known]  # fmt: skip
    drifted = sum(1 for i in checked if i.drift_status == "DRIFTED")
    statuses = [status for status, _ in operation.results.values()]
    failed = statuses.count("FAILED") + statuses.count("CANCELLED")
    in_progress = statuses.count("PENDING") + statuses.count("RUNNING")
    if in_progress:
        detection = "IN_PROGRESS"
    elif failed:
        detection = "PARTIAL_SUCCESS" if checked else "FAILED"
    else:
        detection = "COMPLETED"
    return {
        "DriftStatus": "DRIFTED" if drifted else ("IN_SYNC" if checked else "NOT_CHECKED"),
        "DriftDetectionStatus": detection,
        "LastDriftCheckTimestamp": datetime.now(UTC),
        "TotalStackInstancesCount": len(statuses),
        "DriftedStackInstancesCount": drifted,
        "InSyncStackInstancesCount": len(checked) - drifted,
        "InProgressStackInstancesCount": in_progress,
        "FailedStackInstancesCount": failed,
    }


def _check(stack_set: StackSet, operation: operations.Operation,
           instance: operations.Instance) -> Any:  # fmt: skip
    """One instance's part: check its stack now (detection takes no time here)."""
    stack = operations.instance_stack(instance)
    if stack is None or stack.status not in _CHECKABLE:
        raise ValueError(f"Stack instance {instance.account}/{instance.region} has no stack "
                         "to check for drift")  # fmt: skip
    drifts = detect(stack)
    drifted = any(d["StackResourceDriftStatus"] in ("MODIFIED", "DELETED") for d in drifts)
    stack.resource_drifts = drifts  # what DescribeStackResourceDrifts on the stack reads
    stack.drift_information = {"StackDriftStatus": "DRIFTED" if drifted else "IN_SYNC"}
    instance.drift_status = "DRIFTED" if drifted else "IN_SYNC"
    instance.last_drift_check = datetime.now(UTC)
    # the details count what is done so far; the result is recorded after this returns
    operation.results[(instance.account, instance.region)] = ["SUCCEEDED", None]
    operation.details["StackSetDriftDetectionDetails"] = _details(stack_set, operation)
    return None


def _sum_up(stack_set: StackSet, operation: operations.Operation) -> None:
    """The details once every instance is done, failed ones included; DescribeStackSet
    shows them too."""
    details = _details(stack_set, operation)
    operation.details["StackSetDriftDetectionDetails"] = details
    stack_set.stack_set_drift_detection_details = details  # type: ignore[attr-defined]


def _detect_stack_set_drift(self: CloudFormationResponse) -> ActionResult:
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    params = self._get_params()
    operation = operations.new_operation(stack_set, "DETECT_DRIFT", params)
    targets = list(operations.instances(stack_set).values())
    return ActionResult({"OperationId": operations.launch(stack_set, operation, targets)})


def install() -> None:
    if "DETECT_DRIFT" in operations.STARTERS:
        return
    operations.STARTERS["DETECT_DRIFT"] = _check
    operations.ENDINGS["DETECT_DRIFT"] = _sum_up
    CloudFormationResponse.detect_stack_set_drift = operations.locked(  # type: ignore[attr-defined]
        _detect_stack_set_drift
    )
