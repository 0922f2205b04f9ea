"""Gap: moto has no resource import. It takes an IMPORT change set (ChangeSetType IMPORT,
ResourcesToImport) for a CREATE that ignores the resources named, so executing it creates new
ones, which fail on the names the existing resources hold.

CloudFormation (user guide, "Bringing existing resources into CloudFormation management"):
CreateChangeSet refuses a ResourcesToImport entry the template does not declare and an
imported resource without a DeletionPolicy; the change set fails (FAILED, with the reason)
when a resource to import does not exist or already belongs to a stack; it lists each one as
an `Import` change. Executing it makes the stack take the existing resources as they are,
creating and changing nothing: IMPORT_IN_PROGRESS, each resource IMPORT_IN_PROGRESS and
IMPORT_COMPLETE, then IMPORT_COMPLETE. A later update of the stack updates them in place.

Here: the import that creates a stack (the stack must not exist yet; every resource of its
template is imported), for the types in `_FINDERS`, the ones the tools retain. The refusals'
wording is the emulator's, close to CloudFormation's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import Change, ChangeSet, CloudFormationBackend, Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.kms.models import kms_backends
from moto.logs.models import logs_backends
from moto.s3.models import s3_backends

from provisioner.emulator.extensions._patch import partition
from provisioner.emulator.extensions.stack_operations import _lock, _run, pause, resource_event
from provisioner.emulator.settings import SETTINGS

# The existing resource of a type by its primary identifier's value (the registry schema's
# primaryIdentifier: BucketName, KeyId, LogGroupName), or None when there is none.
Finder = Callable[[str, str, str], Any]


def _bucket(name: str, account: str, region: str) -> Any:
    return s3_backends[account][partition(region)].buckets.get(name)


def _key(key_id: str, account: str, region: str) -> Any:
    key = kms_backends[account][region].keys.get(key_id)
    # A key scheduled for deletion cannot be imported: the import's read fails on it.
    return key if key is not None and key.key_state in ("Enabled", "Disabled") else None


def _log_group(name: str, account: str, region: str) -> Any:
    return logs_backends[account][region].groups.get(name)


_FINDERS: dict[str, tuple[str, Finder]] = {
    "AWS::S3::Bucket": ("BucketName", _bucket),
    "AWS::KMS::Key": ("KeyId", _key),
    "AWS::Logs::LogGroup": ("LogGroupName", _log_group),
}

_PLANNED_IMPORTS = "emulator_imports"  # on the ChangeSet: logical id → the existing resource
# The request's ResourcesToImport, read by the response handler for the backend.
_REQUESTED: ContextVar[list[dict[str, Any]] | None] = ContextVar("imports", default=None)


def _requested(response: CloudFormationResponse) -> list[dict[str, Any]]:
    """ResourcesToImport as [{ResourceType, LogicalResourceId, ResourceIdentifier: {k: v}}]."""
    listed: list[dict[str, Any]] = response._get_param("ResourcesToImport", []) or []
    return [{**entry, "ResourceIdentifier": _identifier(entry)} for entry in listed]


def _identifier(entry: dict[str, Any]) -> dict[str, str]:
    raw = entry.get("ResourceIdentifier") or {}
    if isinstance(raw, list):  # the query protocol's map: entries of key and value
        return {str(e.get("key")): str(e.get("value")) for e in raw}
    if isinstance(raw, dict) and "entry" in raw:
        entries = raw["entry"] if isinstance(raw["entry"], list) else [raw["entry"]]
        return {str(e.get("key")): str(e.get("value")) for e in entries}
    return {str(k): str(v) for k, v in dict(raw).items()}


def _refuse(stack_name: str, message: str) -> ValidationError:
    return ValidationError(stack_name, message=message)


def _check_request(
    backend: CloudFormationBackend,
    stack_name: str,
    template: dict[str, Any],
    imports: list[dict[str, Any]],
) -> None:
    """What CreateChangeSet itself refuses (ValidationError), before anything is made."""
    declared: dict[str, Any] = template.get("Resources") or {}
    named = [e.get("LogicalResourceId", "") for e in imports]
    undeclared = [i for i in named if i not in declared]
    if undeclared:
        raise _refuse(stack_name, f"The logical resource ids [{', '.join(undeclared)}] provided "
                                  "in ResourcesToImport do not exist in the template.")  # fmt: skip
    left_out = sorted(set(declared) - set(named))
    if left_out:
        raise _refuse(stack_name, f"The template declares resources [{', '.join(left_out)}] that "
                                  "are neither imported nor in the stack.")  # fmt: skip
    no_policy = [i for i in named if "DeletionPolicy" not in declared[i]]
    if no_policy:
        raise _refuse(stack_name, f"The following resources to import [{', '.join(no_policy)}] "
                                  "must have DeletionPolicy attribute specified in the "
                                  "template.")  # fmt: skip
    for entry in imports:
        kind = declared[entry["LogicalResourceId"]].get("Type")
        if entry.get("ResourceType") != kind:
            raise _refuse(stack_name, f"ResourceType {entry.get('ResourceType')} of "
                                      f"{entry['LogicalResourceId']} does not match the "
                                      f"template's {kind}.")  # fmt: skip
        if kind not in _FINDERS:
            raise _refuse(stack_name, f"The emulator cannot import {kind} (it imports "
                                      f"{', '.join(sorted(_FINDERS))}).")  # fmt: skip
        key = _FINDERS[kind][0]
        if set(entry["ResourceIdentifier"]) != {key}:
            raise _refuse(stack_name, f"{entry['LogicalResourceId']}: the identifier of {kind} "
                                      f"is {key}.")  # fmt: skip
    if any(s.name == stack_name for s in backend.stacks.values()):
        raise _refuse(stack_name, f"Stack [{stack_name}] exists: the emulator imports only into "
                                  "a stack the import creates.")  # fmt: skip


def _owner(backend: CloudFormationBackend, kind: str, physical_id: str) -> Stack | None:
    """The live stack holding the resource, if any."""
    for stack in backend.stacks.values():
        for resource in list(stack.resource_map._parsed_resources.values()):
            if (
                getattr(resource, "cf_resource_type", None) == kind
                and getattr(resource, "physical_resource_id", None) == physical_id
            ):
                return stack
    return None


def _plan(backend: CloudFormationBackend, change_set: ChangeSet,
          imports: list[dict[str, Any]]) -> None:  # fmt: skip
    """The change set's Import rows; FAILED when a resource does not exist or has a stack."""
    found: dict[str, Any] = {}
    missing, owned = [], []
    changes = []
    for entry in imports:
        logical_id, kind = entry["LogicalResourceId"], entry["ResourceType"]
        key, finder = _FINDERS[kind]
        value = entry["ResourceIdentifier"][key]
        resource = finder(value, backend.account_id, backend.region_name)
        if resource is None:
            missing.append(f"{logical_id} ({key}={value})")
            continue
        owner = _owner(backend, kind, str(resource.physical_resource_id))
        if owner is not None:
            owned.append(f"{logical_id} ({key}={value}) belongs to stack {owner.stack_id}")
            continue
        found[logical_id] = resource
        change = Change(action="Import", logical_resource_id=logical_id, resource_type=kind)
        change.physical_resource_id = value  # type: ignore[attr-defined]
        changes.append(change)
    change_set.changes = changes
    setattr(change_set, _PLANNED_IMPORTS, found)
    reasons = []
    if missing:
        reasons.append(f"Resources to import do not exist: [{', '.join(missing)}].")
    if owned:
        reasons.append(f"Resources to import already belong to a stack: [{'; '.join(owned)}].")
    if reasons:
        change_set.status = "FAILED"
        change_set.execution_status = "UNAVAILABLE"
        change_set.status_reason = " ".join(reasons)


def _create_change_set(handler: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handler)
    def create(self: CloudFormationResponse) -> Any:
        if self._get_param("ChangeSetType", "CREATE") != "IMPORT":
            return handler(self)
        token = _REQUESTED.set(_requested(self))
        try:
            return handler(self)
        finally:
            _REQUESTED.reset(token)

    return create


def _backend_create(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def create(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> tuple[str, str]:
        imports = _REQUESTED.get()
        if imports is None:
            result: tuple[str, str] = method(self, *args, **kwargs)
            return result
        stack_name = kwargs.get("stack_name", args[0] if args else "")
        template = kwargs.get("template", args[2] if len(args) > 2 else "")
        _check_request(self, stack_name, Stack.parse_template(template) or {}, imports)
        change_set_id, stack_id = method(self, *args, **kwargs)
        _plan(self, self.change_sets[change_set_id], imports)
        return change_set_id, stack_id

    return create


def _execute_import(backend: CloudFormationBackend, change_set: ChangeSet) -> None:
    stack = backend.stacks[change_set.stack_id]
    found: dict[str, Any] = getattr(change_set, _PLANNED_IMPORTS, {})
    stack.status = "IMPORT_IN_PROGRESS"
    stack._add_stack_event("IMPORT_IN_PROGRESS", resource_status_reason="User Initiated")
    stack.template = change_set.template
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    resource_map = stack.resource_map
    resource_map._template = stack.template_dict
    resource_map._resource_json_map = stack.template_dict.get("Resources") or {}
    resource_map.load()
    for logical_id, resource in found.items():
        kind = resource_map._resource_json_map[logical_id]["Type"]
        physical = str(resource.physical_resource_id)
        resource_event(stack, logical_id, kind, "IMPORT_IN_PROGRESS", None, physical)
        if SETTINGS.resource_delay:
            pause(SETTINGS.resource_delay)
        resource.cf_resource_type = kind
        resource.logical_resource_id = logical_id
        resource_map._parsed_resources[logical_id] = resource
        resource_event(stack, logical_id, kind, "IMPORT_COMPLETE", None, physical)
    stack.output_map = stack._create_output_map()
    change_set.execution_status = "EXECUTE_COMPLETE"
    stack.status = "IMPORT_COMPLETE"
    stack._add_stack_event("IMPORT_COMPLETE")


def _execute(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def execute(self: CloudFormationBackend, change_set_name: str,
                stack_name: str | None = None) -> None:  # fmt: skip
        change_set = self.describe_change_set(change_set_name)
        if change_set is None or change_set.change_set_type != "IMPORT":
            method(self, change_set_name, stack_name)
            return
        if change_set.execution_status != "AVAILABLE":
            raise ValidationError(
                stack_name, message=f"ChangeSet [{change_set.change_set_id}] cannot be executed "
                f"in its current status of [{change_set.status}]",
            )  # fmt: skip
        stack = self.stacks[change_set.stack_id]
        stack.status = "IMPORT_IN_PROGRESS"
        change_set.execution_status = "EXECUTE_IN_PROGRESS"

        def work() -> None:
            with _lock:
                _execute_import(self, change_set)

        _run(work)

    return execute


def install() -> None:
    if getattr(CloudFormationBackend.execute_change_set, "_imports", False):
        return
    CloudFormationResponse.create_change_set = _create_change_set(  # type: ignore[method-assign]
        CloudFormationResponse.create_change_set
    )
    CloudFormationBackend.create_change_set = _backend_create(  # type: ignore[method-assign]
        CloudFormationBackend.create_change_set
    )
    execute = _execute(CloudFormationBackend.execute_change_set)
    execute._imports = True  # type: ignore[attr-defined]
    CloudFormationBackend.execute_change_set = execute  # type: ignore[method-assign]
