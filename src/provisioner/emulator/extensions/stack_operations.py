"""Gaps in how moto runs a stack operation, closed together because they share one flow:

- events: moto records only stack-level events; CloudFormation reports every resource's
  CREATE/UPDATE/DELETE _IN_PROGRESS and _COMPLETE (or _FAILED with the reason).
- failures: in moto a failing resource makes CreateStack itself fail (sometimes HTTP 500), the
  stack stays CREATE_IN_PROGRESS and created resources leak; a failed delete makes the stack
  vanish. CloudFormation accepts the call, marks the resource CREATE_FAILED, rolls back
  (ROLLBACK_COMPLETE, UPDATE_ROLLBACK_COMPLETE) or stops at DELETE_FAILED.
- time: moto completes everything inside the API call. With a resource delay (settings), every
  operation runs in a background thread and each resource takes that long, so callers see
  *_IN_PROGRESS as in AWS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import (
    CloudFormationBackend,
    Event,
    Stack,
    cloudformation_backends,
)

from provisioner.emulator.extensions.stack_termination_protection import refuse_if_protected
from provisioner.emulator.settings import SETTINGS

_lock = threading.RLock()


def _stack_of(resources_map: Any) -> Stack | None:
    backend = cloudformation_backends[resources_map._account_id][resources_map._region_name]
    stack: Stack | None = backend.stacks.get(resources_map.stack_id)
    return stack


def resource_event(
    stack: Stack, logical_id: str, resource_type: str, status: str,
    reason: str | None = None, physical_id: str = "",
) -> None:  # fmt: skip
    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _physical(resource: Any) -> str:
    return str(getattr(resource, "physical_resource_id", "") or "")


def _traced(verb: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap moto's per-resource create/update so each one reports events and takes time."""

    def traced(logical_id: str, resource_json: dict[str, Any], resources_map: Any,
               *args: Any, **kwargs: Any) -> Any:  # fmt: skip
        stack = _stack_of(resources_map)
        kind = resource_json.get("Type", "")
        if stack is None:
            return call(logical_id, resource_json, resources_map, *args, **kwargs)
        resource_event(stack, logical_id, kind, f"{verb}_IN_PROGRESS")
        if SETTINGS.resource_delay:
            time.sleep(SETTINGS.resource_delay)
        try:
            resource = call(logical_id, resource_json, resources_map, *args, **kwargs)
        except Exception as error:
            resource_event(stack, logical_id, kind, f"{verb}_FAILED", _reason(error))
            stack.failed_resource = logical_id  # type: ignore[attr-defined]
            raise
        resource_event(stack, logical_id, kind, f"{verb}_COMPLETE", None, _physical(resource))
        return resource

    traced.__wrapped__ = call  # type: ignore[attr-defined]
    return traced


def _reason(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return f'Resource handler returned message: "{message}"'


def _delete_traced(call: Callable[..., Any]) -> Callable[..., Any]:
    def delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> Any:
        stack = _stack_of(self)
        logical_id = getattr(parsed_resource, "logical_resource_id", "")
        kind = resource_json.get("Type", "")
        if stack is not None:
            resource_event(stack, logical_id, kind, "DELETE_IN_PROGRESS", None,
                           _physical(parsed_resource))  # fmt: skip
            if SETTINGS.resource_delay:
                time.sleep(SETTINGS.resource_delay)
        try:
            result = call(self, parsed_resource, resource_json)
        except Exception as error:
            if stack is not None:
                resource_event(stack, logical_id, kind, "DELETE_FAILED", _reason(error),
                               _physical(parsed_resource))  # fmt: skip
            raise
        if stack is not None:
            resource_event(stack, logical_id, kind, "DELETE_COMPLETE", None,
                           _physical(parsed_resource))  # fmt: skip
        return result

    delete_resource.__wrapped__ = call  # type: ignore[attr-defined]
    return delete_resource


def _stack_event(stack: Stack, status: str, reason: str | None = None) -> None:
    stack.status = status
    stack._add_stack_event(status, resource_status_reason=reason)


def _roll_back_create(stack: Stack, error: Exception) -> None:
    failed = getattr(stack, "failed_resource", "a resource")
    _stack_event(stack, "ROLLBACK_IN_PROGRESS",
                 f"The following resource(s) failed to create: [{failed}]. Rollback requested "
                 "by user.")  # fmt: skip
    try:
        stack.resource_map.delete()
    except Exception as cleanup:  # what rollback could not delete, it reports
        _stack_event(stack, "ROLLBACK_FAILED", _reason(cleanup))
        return
    _stack_event(stack, "ROLLBACK_COMPLETE")


def _run(work: Callable[[], None]) -> None:
    """Synchronously, or in the background when resources take time."""
    if SETTINGS.resource_delay:
        threading.Thread(target=work, daemon=True).start()
    else:
        work()


def install() -> None:
    if getattr(parsing.parse_and_create_resource, "__wrapped__", None):
        return
    parsing.parse_and_create_resource = _traced("CREATE", parsing.parse_and_create_resource)
    parsing.parse_and_update_resource = _traced("UPDATE", parsing.parse_and_update_resource)
    parsing.ResourceMap._delete_resource = _delete_traced(  # type: ignore[method-assign]
        parsing.ResourceMap._delete_resource
    )

    original_create = Stack.create_resources

    def create_resources(self: Stack) -> None:
        self.status = "CREATE_IN_PROGRESS"

        def work() -> None:
            with _lock:
                try:
                    original_create(self)
                except Exception as error:
                    _roll_back_create(self, error)

        _run(work)

    Stack.create_resources = create_resources  # type: ignore[method-assign]

    original_update = Stack.update

    def update(self: Stack, template: str, role_arn: str | None = None,
               parameters: dict[str, Any] | None = None,
               tags: dict[str, str] | None = None) -> None:  # fmt: skip
        previous = (self.template, dict(self.parameters))
        self.status = "UPDATE_IN_PROGRESS"

        def work() -> None:
            with _lock:
                try:
                    original_update(self, template, role_arn, parameters, tags)
                except Exception as error:
                    _roll_back_update(self, previous, error)

        _run(work)

    Stack.update = update  # type: ignore[method-assign]

    original_execute = CloudFormationBackend.execute_change_set

    def execute_change_set(self: CloudFormationBackend, change_set_name: str,
                           stack_name: str | None = None) -> None:  # fmt: skip
        change_set = self.describe_change_set(change_set_name)
        assert change_set is not None
        stack = self.stacks[change_set.stack_id]
        previous = (stack.template, dict(stack.parameters))
        stack.status = f"{change_set.change_set_type}_IN_PROGRESS"
        change_set.execution_status = "EXECUTE_IN_PROGRESS"

        def work() -> None:
            with _lock:
                try:
                    original_execute(self, change_set_name, stack_name)
                except Exception as error:
                    change_set.execution_status = "EXECUTE_FAILED"
                    if change_set.change_set_type == "CREATE":
                        _roll_back_create(stack, error)
                    else:
                        _roll_back_update(stack, previous, error)

        _run(work)

    CloudFormationBackend.execute_change_set = execute_change_set  # type: ignore[method-assign]

    def delete_stack(self: CloudFormationBackend, name_or_stack_id: str) -> None:
        stack = next((s for s in self.stacks.values()
                      if name_or_stack_id in (s.stack_id, s.name)), None)  # fmt: skip
        if stack is None:
            return  # deleting a stack that does not exist succeeds, as in AWS
        refuse_if_protected(stack)
        _stack_event(stack, "DELETE_IN_PROGRESS", "User Initiated")

        def work() -> None:
            with _lock:
                try:
                    stack.resource_map.delete()
                except Exception as error:
                    _stack_event(stack, "DELETE_FAILED", _reason(error))
                    return
                for export in stack.exports:
                    self.exports.pop(export.name, None)
                _stack_event(stack, "DELETE_COMPLETE")
                self.stacks.pop(stack.stack_id, None)
                self.deleted_stacks[stack.stack_id] = stack

        _run(work)

    CloudFormationBackend.delete_stack = delete_stack  # type: ignore[method-assign]


def _roll_back_update(stack: Stack, previous: tuple[Any, dict[str, Any]], error: Exception) -> None:
    failed = getattr(stack, "failed_resource", "a resource")
    _stack_event(stack, "UPDATE_ROLLBACK_IN_PROGRESS",
                 f"The following resource(s) failed to update: [{failed}].")  # fmt: skip
    template, parameters = previous
    try:
        stack.template = template
        stack._parse_template()
        stack.resource_map.update(stack.template_dict, parameters)
        stack.output_map = stack._create_output_map()
    except Exception as cleanup:
        _stack_event(stack, "UPDATE_ROLLBACK_FAILED", _reason(cleanup))
        return
    _stack_event(stack, "UPDATE_ROLLBACK_COMPLETE")
