"""Gap: moto's stack sets complete every operation inside the API call, report every instance
CURRENT/SUCCEEDED whatever happened to its stack, ignore OperationPreferences, let a second
operation start while one runs, name self-managed instance stacks `StackSet:<name>` (a name
CloudFormation refuses) and keep service-managed ones hidden from the target account.

CloudFormation runs each stack set operation (CreateStackInstances, UpdateStackSet,
UpdateStackInstances, DeleteStackInstances) in the background: RUNNING, then SUCCEEDED, FAILED
or STOPPED, one result per account and Region (PENDING, RUNNING, SUCCEEDED, FAILED,
CANCELLED). Here each instance is a real stack `StackSet-<set>-<uuid>` in the target account's
and Region's CloudFormation backend, so its resources are made in that account, it shows in
DescribeStacks there, and it takes as long as a stack takes (asynchronous when resources take
time, see stack_operations). OperationPreferences are honoured per Region: at most
MaxConcurrentCount/Percentage instances at once (in the default STRICT_FAILURE_TOLERANCE mode
also at most FailureToleranceCount + 1 - failures so far), Regions one after another in
RegionOrder (SEQUENTIAL, the default) or together (PARALLEL); once a Region's failures exceed
FailureToleranceCount/Percentage no further instance starts, the ones not started are
CANCELLED and the operation FAILED. Within the tolerance the operation SUCCEEDED and a failed
instance is OUTDATED with DetailedStatus FAILED and the stack's reason; a failed delete leaves
it INOPERABLE. A second operation on a set while one runs, and DeleteStackSet meanwhile, are
refused with OperationInProgressException (HTTP 409).
"""

from __future__ import annotations

import math
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.cloudformation.exceptions import (
    CloudFormationError,
    StackInstanceNotFound,
    StackSetNotEmpty,
    ValidationError,
)
from moto.cloudformation.models import StackSet, cloudformation_backends
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.organizations.models import organizations_backends

from provisioner.emulator.extensions._patch import partition
from provisioner.emulator.extensions.stack_operations import _lock, _run, pause
from provisioner.emulator.settings import SETTINGS


class OperationInProgress(CloudFormationError):
    code = "OperationInProgressException"


class OperationIdAlreadyExists(CloudFormationError):
    code = "OperationIdAlreadyExistsException"


class OperationNotFound(CloudFormationError):
    code = "OperationNotFoundException"


class InvalidOperation(CloudFormationError):
    code = "InvalidOperationException"


_SUCCEEDED = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE"}
_FAILED = {
    "CREATE_FAILED",
    "ROLLBACK_COMPLETE",
    "ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE",
    "UPDATE_ROLLBACK_FAILED",
    "DELETE_FAILED",
}


@dataclass
class Instance:
    """A stack instance: the set's stack in one account and Region."""

    account: str
    region: str
    status: str = "OUTDATED"  # CURRENT, OUTDATED, INOPERABLE
    detailed: str = "PENDING"  # the last operation's result for it
    reason: str | None = None
    stack_id: str | None = None
    overrides: list[dict[str, Any]] = field(default_factory=list)
    organizational_unit: str | None = None
    last_operation: str | None = None
    drift_status: str = "NOT_CHECKED"  # set by stack_set_drift_detection
    last_drift_check: datetime | None = None


@dataclass
class Preferences:
    """OperationPreferences, resolved for a Region of `targets` instances."""

    given: dict[str, Any]

    def tolerance(self, targets: int) -> int:
        if "FailureTolerancePercentage" in self.given:
            return math.floor(int(self.given["FailureTolerancePercentage"]) * targets / 100)
        return int(self.given.get("FailureToleranceCount", 0))

    def concurrency(self, targets: int) -> int:
        if "MaxConcurrentPercentage" in self.given:
            share = math.floor(int(self.given["MaxConcurrentPercentage"]) * targets / 100)
            return max(1, share)  # CloudFormation rounds down, but never to 0
        return max(1, int(self.given.get("MaxConcurrentCount", 1)))

    @property
    def strict(self) -> bool:
        return str(self.given.get("ConcurrencyMode")) != "SOFT_FAILURE_TOLERANCE"

    @property
    def parallel(self) -> bool:
        return self.given.get("RegionConcurrencyType") == "PARALLEL"

    def region_order(self, regions: list[str]) -> list[str]:
        first = [r for r in self.given.get("RegionOrder") or [] if r in regions]
        return first + [r for r in dict.fromkeys(regions) if r not in first]


def preferences(given: dict[str, Any] | None) -> Preferences:
    given = dict(given or {})
    for kind in ("FailureTolerance", "MaxConcurrent"):
        if f"{kind}Count" in given and f"{kind}Percentage" in given:
            raise ValidationError(
                message=f"You can specify either {kind}Count or {kind}Percentage, but not both."
            )
    return Preferences(given)


@dataclass
class Operation:
    operation_id: str
    action: str  # CREATE, UPDATE, DELETE
    preferences: Preferences
    results: dict[tuple[str, str], list[Any]]  # (account, region) → [status, reason]
    retain_stacks: bool = False
    deployment_targets: dict[str, Any] | None = None
    status: str = "RUNNING"
    status_reason: str | None = None
    created: datetime = field(default_factory=utcnow)
    ended: datetime | None = None
    stop_requested: bool = False
    details: dict[str, Any] = field(default_factory=dict)  # e.g. StackSetDriftDetectionDetails

    @property
    def deploys(self) -> bool:
        """Whether it changes the instances (drift detection only reads them)."""
        return self.action in ("CREATE", "UPDATE", "DELETE")

    def summary(self) -> dict[str, Any]:
        found = {
            "OperationId": self.operation_id,
            "Action": self.action,
            "Status": self.status,
            "CreationTimestamp": self.created,
            "OperationPreferences": self.preferences.given,
            "StatusDetails": {
                "FailedStackInstancesCount": sum(
                    1 for s, _ in self.results.values() if s == "FAILED"
                )
            },
        }
        if self.ended is not None:
            found["EndTimestamp"] = self.ended
        if self.status_reason:
            found["StatusReason"] = self.status_reason
        found.update(self.details)
        return found


def instances(stack_set: StackSet) -> dict[tuple[str, str], Instance]:
    known: dict[tuple[str, str], Instance] | None = getattr(stack_set, "emulator_instances", None)
    if known is None:
        known = {}
        stack_set.emulator_instances = known  # type: ignore[attr-defined]
    return known


def operations(stack_set: StackSet) -> list[Operation]:
    known: list[Operation] | None = getattr(stack_set, "emulator_operations", None)
    if known is None:
        known = []
        stack_set.emulator_operations = known  # type: ignore[attr-defined]
    return known


def _operation(stack_set: StackSet, operation_id: str) -> Operation:
    for operation in operations(stack_set):
        if operation.operation_id == operation_id:
            return operation
    raise OperationNotFound(f"Operation {operation_id} not found")


def _refuse_if_running(stack_set: StackSet, operation_id: str | None) -> None:
    for operation in operations(stack_set):
        if operation.status in ("RUNNING", "STOPPING"):
            raise OperationInProgress(
                f"Another Operation on StackSet {stack_set.arn} is in progress: "
                f"{operation.operation_id}"
            )
        if operation_id and operation.operation_id == operation_id:
            raise OperationIdAlreadyExists(f"Operation {operation_id} already exists")


# -- targets ---------------------------------------------------------------------------------
def _organization_accounts(admin_account: str, region: str, units: list[str]) -> dict[str, str]:
    """The accounts (→ the OU they were targeted through) under `units` and the OUs below them,
    from the organization the emulator holds; an OU it does not hold is refused."""
    org = organizations_backends[admin_account][partition(region)]
    known = {ou.id for ou in org.ou}
    missing = [u for u in units if u not in known]
    if missing:
        raise ValidationError(
            message=f"OrganizationalUnitIds {missing} are not in the emulator's organization "
            f"of account {admin_account}: create them with the Organizations API first."
        )
    found: dict[str, str] = {}
    for unit in units:
        below, frontier = {unit}, [unit]
        while frontier:
            parent = frontier.pop()
            children = [ou.id for ou in org.ou if ou.parent_id == parent and ou.id not in below]
            below.update(children)
            frontier += children
        for account in org.accounts:
            if account.parent_id in below:
                found.setdefault(account.id, unit)
    return found


def _targets(stack_set: StackSet, params: dict[str, Any]) -> dict[str, str | None]:
    """The accounts a request names (→ their OU, for service-managed sets)."""
    targets = params.get("DeploymentTargets") or {}
    accounts = list(params.get("Accounts") or []) + list(targets.get("Accounts") or [])
    units = list(targets.get("OrganizationalUnitIds") or [])
    if stack_set.permission_model == "SERVICE_MANAGED":
        if accounts and not units:
            raise ValidationError(
                message="StackSets with SERVICE_MANAGED permission model can only have "
                "OrganizationalUnit as target"
            )
    elif units:
        raise ValidationError(
            message="StackSets with SELF_MANAGED permission model can only have accounts as target"
        )
    found: dict[str, str | None] = {}
    if units:
        region = stack_set.arn.split(":")[3]
        admin = stack_set.arn.split(":")[4]
        by_unit = _organization_accounts(admin, region, units)
        account_filter = targets.get("AccountFilterType") if accounts else None
        if account_filter == "INTERSECTION":
            by_unit = {a: u for a, u in by_unit.items() if a in accounts}
        elif account_filter == "DIFFERENCE":
            by_unit = {a: u for a, u in by_unit.items() if a not in accounts}
        found.update(by_unit)
        if account_filter == "UNION":
            found.update({a: None for a in accounts if a not in found})
    else:
        found.update(dict.fromkeys(accounts))
    return found


# -- running an operation ----------------------------------------------------------------------
def _reason(stack: Any) -> str:
    """Why an instance's stack failed: its first failed resource's reason, else the stack's."""
    failed = [e for e in stack.events if str(e.resource_status).endswith("_FAILED")]
    chosen = next((e for e in failed if e.logical_resource_id != stack.name), None)
    if chosen is not None:
        return f"ResourceLogicalId:{chosen.logical_resource_id}, ResourceStatusReason:" + str(
            chosen.resource_status_reason
        )
    return f"Stack {stack.name} ended {stack.status}"


def instance_stack(instance: Instance) -> Any:
    backend = cloudformation_backends[instance.account][instance.region]
    if instance.stack_id is None:
        return None
    return backend.stacks.get(instance.stack_id) or backend.deleted_stacks.get(instance.stack_id)


def _parameters(stack_set: StackSet, instance: Instance) -> dict[str, str]:
    merged = dict(stack_set.parameters or {})
    merged.update({p["ParameterKey"]: p["ParameterValue"] for p in instance.overrides})
    return merged


def _delete(stack_set: StackSet, operation: Operation, instance: Instance) -> Any:
    stack = instance_stack(instance)
    if stack is None or operation.retain_stacks or stack.status == "DELETE_COMPLETE":
        return None
    cloudformation_backends[instance.account][instance.region].delete_stack(stack.stack_id)
    return stack


def _deploy(stack_set: StackSet, operation: Operation, instance: Instance) -> Any:
    """Create the instance's stack, or update it to the set's template and parameters."""
    backend = cloudformation_backends[instance.account][instance.region]
    stack = instance_stack(instance)
    parameters = _parameters(stack_set, instance)
    if stack is None or stack.status in ("ROLLBACK_COMPLETE", "DELETE_COMPLETE"):
        if stack is not None and stack.status == "ROLLBACK_COMPLETE":
            backend.delete_stack(stack.stack_id)  # what a failed create left: start afresh
        stack = backend.create_stack(
            name=f"StackSet-{stack_set.name}-{uuid.uuid4()}",
            template=stack_set.template,
            parameters=parameters,
            tags=dict(stack_set.tags or {}),
        )
        instance.stack_id = stack.stack_id
        return stack
    listed = [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]
    backend.update_stack(stack.stack_id, stack_set.template, None, listed,
                         dict(stack_set.tags or {}))  # fmt: skip
    return stack


Starter = Callable[[StackSet, Operation, Instance], Any]
# Each action's part in one instance: start it, return the stack to watch (None: done).
STARTERS: dict[str, Starter] = {"CREATE": _deploy, "UPDATE": _deploy, "DELETE": _delete}
# What an action does once all its instances are done (e.g. sum up drift).
ENDINGS: dict[str, Callable[[StackSet, Operation], None]] = {}


def _finish(stack_set: StackSet, operation: Operation, instance: Instance, stack: Any,
            error: Exception | None = None) -> bool:  # fmt: skip
    """Record an instance whose stack is done (or that could not start); False when it
    failed."""
    key = (instance.account, instance.region)
    ok = error is None and (stack is None or stack.status in _SUCCEEDED)
    reason = None if ok else (str(error) if error is not None else _reason(stack))
    operation.results[key] = ["SUCCEEDED" if ok else "FAILED", reason]
    if not operation.deploys:
        return ok
    instance.detailed, instance.reason = ("SUCCEEDED" if ok else "FAILED"), reason
    if operation.action == "DELETE":
        if ok:
            instances(stack_set).pop(key, None)
        else:
            instance.status = "INOPERABLE"
    else:
        instance.status = "CURRENT" if ok else "OUTDATED"
    return ok


def _cancel(operation: Operation, waiting: list[Instance]) -> None:
    for instance in waiting:
        operation.results[(instance.account, instance.region)] = [
            "CANCELLED",
            "Cancelled since failure tolerance has exceeded"
            if not operation.stop_requested
            else "Cancelled since the operation was stopped",
        ]
        if operation.deploys:
            instance.detailed = "CANCELLED"


def _poll() -> None:
    """Let instance stacks progress (the lock is let go meanwhile)."""
    pause(max(SETTINGS.resource_delay / 3, 0.01))


@dataclass
class _Region:
    """One Region's part of an operation: what waits, what runs, how many failed."""

    plan: Preferences
    queued: deque[Instance]
    size: int
    running: list[tuple[Instance, Any]] = field(default_factory=list)
    failures: int = 0

    @property
    def window(self) -> int:
        """How many may run at once now: STRICT_FAILURE_TOLERANCE lowers the concurrency as
        failures come, so they can never exceed the tolerance by more than one."""
        window = self.plan.concurrency(self.size)
        if self.plan.strict:
            window = min(window, self.plan.tolerance(self.size) + 1 - self.failures)
        return window

    @property
    def exceeded(self) -> bool:
        return self.failures > self.plan.tolerance(self.size)


def _advance(stack_set: StackSet, operation: Operation, region: _Region, may_start: bool) -> bool:
    """Record what finished, then start what may start; True once the Region's failures
    exceed its tolerance (nothing starts then)."""
    for instance, stack in list(region.running):
        if stack is not None and stack.status not in _SUCCEEDED | _FAILED:
            continue
        region.running.remove((instance, stack))
        if not _finish(stack_set, operation, instance, stack):
            region.failures += 1
    while (
        may_start
        and not region.exceeded
        and region.queued
        and (len(region.running) < region.window)
    ):
        instance = region.queued.popleft()
        if operation.deploys:
            instance.detailed = "RUNNING"
            instance.last_operation = operation.operation_id
        operation.results[(instance.account, instance.region)] = ["RUNNING", None]
        try:
            stack = STARTERS[operation.action](stack_set, operation, instance)
        except Exception as error:  # e.g. a template the stack refuses
            _finish(stack_set, operation, instance, None, error)
            region.failures += 1
            continue
        region.running.append((instance, stack))
    return region.exceeded


def _execute(stack_set: StackSet, operation: Operation, targets: list[Instance]) -> None:
    """Run the operation Region by Region (or all Regions together), honouring its
    preferences; marks the operation SUCCEEDED, FAILED or STOPPED."""
    plan = operation.preferences
    by_region: dict[str, list[Instance]] = {}
    for instance in targets:
        by_region.setdefault(instance.region, []).append(instance)
    order = plan.region_order(list(by_region))
    groups = [order] if plan.parallel else [[r] for r in order]
    exceeded: list[str] = []
    for group in groups:
        if exceeded or operation.stop_requested:
            _cancel(operation, [i for r in group for i in by_region[r]])
            continue
        regions = {r: _Region(plan, deque(by_region[r]), len(by_region[r])) for r in group}
        while any(g.queued or g.running for g in regions.values()):
            for name, region in regions.items():
                may_start = not exceeded and not operation.stop_requested
                if _advance(stack_set, operation, region, may_start) and name not in exceeded:
                    exceeded.append(name)
            if exceeded or operation.stop_requested:  # nothing more starts, anywhere
                for region in regions.values():
                    _cancel(operation, list(region.queued))
                    region.queued.clear()
            if any(g.running for g in regions.values()):
                _poll()
    if operation.stop_requested:
        operation.status = "STOPPED"
    elif exceeded:
        operation.status = "FAILED"
        operation.status_reason = (
            f"The operation exceeded its failure tolerance in {', '.join(exceeded)}"
        )
    else:
        operation.status = "SUCCEEDED"
    ending = ENDINGS.get(operation.action)
    if ending is not None:
        ending(stack_set, operation)
    operation.ended = utcnow()


def launch(stack_set: StackSet, operation: Operation, targets: list[Instance]) -> str:
    """Register the operation and run it: in the background when resources take time."""
    for instance in targets:
        operation.results[(instance.account, instance.region)] = ["PENDING", None]
        if operation.deploys:
            instance.detailed = "PENDING"
        if operation.action in ("CREATE", "UPDATE"):
            instance.status = "OUTDATED"
    operations(stack_set).append(operation)

    def work() -> None:
        with _lock:
            try:
                _execute(stack_set, operation, targets)
            except Exception as error:  # the emulator's own fault: end it, do not hang
                operation.status, operation.status_reason = "FAILED", f"Internal error: {error}"
                operation.ended = utcnow()

    _run(work)
    return operation.operation_id


def new_operation(
    stack_set: StackSet, action: str, params: dict[str, Any], retain: bool = False
) -> Operation:
    operation_id = params.get("OperationId")
    _refuse_if_running(stack_set, operation_id)
    return Operation(
        operation_id=operation_id or str(uuid.uuid4()),
        action=action,
        preferences=preferences(params.get("OperationPreferences")),
        results={},
        retain_stacks=retain,
        deployment_targets=params.get("DeploymentTargets"),
    )


def _existing(stack_set: StackSet, params: dict[str, Any]) -> list[Instance]:
    """The instances a request names (all regions × all named accounts); each must exist."""
    known = instances(stack_set)
    chosen = []
    for region in params.get("Regions") or []:
        for account in _targets(stack_set, params):
            instance = known.get((account, region))
            if instance is None:
                raise StackInstanceNotFound()
            chosen.append(instance)
    return chosen


# -- the API ---------------------------------------------------------------------------------
def create_stack_instances(stack_set: StackSet, params: dict[str, Any]) -> str:
    with _lock:
        operation = new_operation(stack_set, "CREATE", params)
        known = instances(stack_set)
        targets = []
        for region in params.get("Regions") or []:
            for account, unit in _targets(stack_set, params).items():
                if (account, region) in known:
                    continue  # already an instance: CreateStackInstances leaves it be
                instance = Instance(account, region, organizational_unit=unit)
                instance.overrides = list(params.get("ParameterOverrides") or [])
                known[(account, region)] = instance
                targets.append(instance)
        return launch(stack_set, operation, targets)


def update_stack_instances(stack_set: StackSet, params: dict[str, Any]) -> str:
    with _lock:
        operation = new_operation(stack_set, "UPDATE", params)
        targets = _existing(stack_set, params)
        for instance in targets:
            instance.overrides = list(params.get("ParameterOverrides") or [])
        return launch(stack_set, operation, targets)


def update_stack_set(stack_set: StackSet, params: dict[str, Any]) -> str:
    with _lock:
        operation = new_operation(stack_set, "UPDATE", params)
        narrowed = params.get("Regions") and (
            params.get("Accounts") or params.get("DeploymentTargets")
        )
        targets = _existing(stack_set, params) if narrowed else list(instances(stack_set).values())
        if params.get("TemplateBody"):
            stack_set.template = params["TemplateBody"]
        for given in params.get("Parameters") or []:
            if not given.get("UsePreviousValue"):
                stack_set.parameters[given["ParameterKey"]] = given["ParameterValue"]
        if params.get("Description") is not None:
            stack_set.description = params["Description"]
        return launch(stack_set, operation, targets)


def delete_stack_instances(stack_set: StackSet, params: dict[str, Any]) -> str:
    with _lock:
        retain = str(params.get("RetainStacks")).lower() == "true"
        operation = new_operation(stack_set, "DELETE", params, retain)
        known = instances(stack_set)
        targets = [known[(a, r)] for r in params.get("Regions") or []
                   for a in _targets(stack_set, params) if (a, r) in known]  # fmt: skip
        return launch(stack_set, operation, targets)


def delete_stack_set(stack_set: StackSet) -> None:
    with _lock:
        _refuse_if_running(stack_set, None)
        if instances(stack_set):
            raise StackSetNotEmpty()
        stack_set.delete()


def stop_operation(stack_set: StackSet, operation_id: str) -> None:
    with _lock:
        operation = _operation(stack_set, operation_id)
        if operation.status != "RUNNING":
            raise InvalidOperation(f"Operation {operation_id} is {operation.status}")
        operation.stop_requested = True
        operation.status = "STOPPING"


def instance_summary(stack_set: StackSet, instance: Instance) -> dict[str, Any]:
    found: dict[str, Any] = {
        "StackSetId": stack_set.id,
        "Region": instance.region,
        "Account": instance.account,
        "Status": instance.status,
        "StackInstanceStatus": {"DetailedStatus": instance.detailed},
        "DriftStatus": instance.drift_status,
    }
    optional = {"StackId": instance.stack_id, "StatusReason": instance.reason,
                "OrganizationalUnitId": instance.organizational_unit,
                "LastOperationId": instance.last_operation,
                "LastDriftCheckTimestamp": instance.last_drift_check}  # fmt: skip
    found.update({k: v for k, v in optional.items() if v is not None})
    return found


def locked(method: Callable[..., Any]) -> Callable[..., Any]:
    """An operation's thread changes results and instances under the lock: read them so too
    (it lets go while instance stacks take their time)."""

    def locked(self: CloudFormationResponse) -> Any:
        with _lock:
            return method(self)

    return locked


def _responses() -> None:
    """CloudFormation's stack set actions, answered from the operations above."""

    def backend(self: CloudFormationResponse) -> Any:
        return self.cloudformation_backend

    def stack_set(self: CloudFormationResponse) -> StackSet:
        found: StackSet = backend(self).describe_stack_set(self._get_param("StackSetName"))
        return found

    def operation_result(run: Any) -> Any:
        def action(self: CloudFormationResponse) -> ActionResult:
            return ActionResult({"OperationId": run(stack_set(self), self._get_params())})

        return action

    def delete_set(self: CloudFormationResponse) -> EmptyResult:
        name = self._get_param("StackSetName")
        found = next((s for s in backend(self).stacksets.values()
                      if name in (s.id, s.name) and s.status != "DELETED"), None)  # fmt: skip
        if found is not None:  # deleting one that does not exist succeeds, as moto has it
            delete_stack_set(found)
        return EmptyResult()

    def stop(self: CloudFormationResponse) -> EmptyResult:
        stop_operation(stack_set(self), self._get_param("OperationId"))
        return EmptyResult()

    def describe_operation(self: CloudFormationResponse) -> ActionResult:
        found = stack_set(self)
        operation = _operation(found, self._get_param("OperationId"))
        described = operation.summary()
        described.update({
            "StackSetId": found.id,
            "RetainStacks": operation.retain_stacks,
            "AdministrationRoleARN": found.administration_role_arn,
            "ExecutionRoleName": found.execution_role_name,
        })  # fmt: skip
        if operation.deployment_targets:
            described["DeploymentTargets"] = operation.deployment_targets
        return ActionResult({"StackSetOperation": described})

    def list_operations(self: CloudFormationResponse) -> ActionResult:
        found = list(reversed(operations(stack_set(self))))  # newest first, as AWS lists them
        return ActionResult({"Summaries": [o.summary() for o in found]})

    def list_results(self: CloudFormationResponse) -> ActionResult:
        found = stack_set(self)
        operation = _operation(found, self._get_param("OperationId"))
        known = instances(found)
        summaries = []
        for (account, region), (status, reason) in operation.results.items():
            summary: dict[str, Any] = {
                "Account": account,
                "Region": region,
                "Status": status,
                "AccountGateResult": {"Status": "SKIPPED",
                                      "StatusReason": "No account gate function configured"},
            }  # fmt: skip
            if reason:
                summary["StatusReason"] = reason
            unit = known.get((account, region))
            if unit is not None and unit.organizational_unit:
                summary["OrganizationalUnitId"] = unit.organizational_unit
            summaries.append(summary)
        return ActionResult({"Summaries": summaries})

    def list_instances(self: CloudFormationResponse) -> ActionResult:
        found = stack_set(self)
        account = self._get_param("StackInstanceAccount")
        region = self._get_param("StackInstanceRegion")
        chosen = [i for i in instances(found).values()
                  if account in (None, i.account) and region in (None, i.region)]  # fmt: skip
        return ActionResult({"Summaries": [instance_summary(found, i) for i in chosen]})

    def describe_instance(self: CloudFormationResponse) -> ActionResult:
        found = stack_set(self)
        key = (self._get_param("StackInstanceAccount"), self._get_param("StackInstanceRegion"))
        instance = instances(found).get(key)
        if instance is None:
            raise StackInstanceNotFound()
        described = instance_summary(found, instance)
        described["ParameterOverrides"] = instance.overrides
        return ActionResult({"StackInstance": described})

    replaced = {
        "create_stack_instances": operation_result(create_stack_instances),
        "update_stack_instances": operation_result(update_stack_instances),
        "update_stack_set": operation_result(update_stack_set),
        "delete_stack_instances": operation_result(delete_stack_instances),
        "delete_stack_set": delete_set,
        "stop_stack_set_operation": stop,
        "describe_stack_set_operation": describe_operation,
        "list_stack_set_operations": list_operations,
        "list_stack_set_operation_results": list_results,
        "list_stack_instances": list_instances,
        "describe_stack_instance": describe_instance,
    }
    for name, method in replaced.items():
        setattr(CloudFormationResponse, name, locked(method))


def install() -> None:
    if getattr(CloudFormationResponse, "emulator_stack_sets", False):
        return
    _responses()
    CloudFormationResponse.emulator_stack_sets = True  # type: ignore[attr-defined]
