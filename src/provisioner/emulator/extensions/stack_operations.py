"""Gaps in how moto runs a stack operation, closed together because they share one flow:

- events: moto records only stack-level events; CloudFormation reports every resource's
  CREATE/UPDATE/DELETE _IN_PROGRESS and _COMPLETE (or _FAILED with the reason).
- retries: moto retries a resource whose dependency is not ready yet (deleting a role before
  its policies are detached raises, then succeeds on a later pass). CloudFormation reports only
  real failures: here an attempt's error becomes a *_FAILED event only when the operation ends
  without that resource done. moto also creates a resource's dependencies from inside its
  creation; they are created first here, as CloudFormation orders them, so a resource never
  starts (nor carries the failure) when what it needs fails.
- failures: in moto a failing resource makes CreateStack itself fail (sometimes HTTP 500), the
  stack stays CREATE_IN_PROGRESS and created resources leak; a failed delete makes the stack
  vanish. CloudFormation accepts the call, marks the resource CREATE_FAILED, rolls back
  (ROLLBACK_COMPLETE, UPDATE_ROLLBACK_COMPLETE) or stops at DELETE_FAILED; a create with
  rollback disabled (see stack_disable_rollback) stops at CREATE_FAILED.
- retained resources: moto deletes a `DeletionPolicy: Retain` resource that an update removes
  from the template; CloudFormation keeps it. Kept resources are reported DELETE_SKIPPED, and
  with RetainExceptOnCreate (see stack_retain_except_on_create) a rollback deletes the retained
  resources the failed operation created.
- time: moto completes everything inside the API call. With a resource delay (settings), every
  operation runs in a background thread and each resource takes that long, so callers see
  *_IN_PROGRESS as in AWS.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import (
    CloudFormationBackend,
    Event,
    Stack,
    cloudformation_backends,
)

from provisioner.emulator.extensions.stack_disable_rollback import (
    requested as rollback_disabled,
)
from provisioner.emulator.extensions.stack_retain_except_on_create import requested
from provisioner.emulator.extensions.stack_termination_protection import refuse_if_protected
from provisioner.emulator.settings import SETTINGS

# Held by a stack operation while it changes moto's state; released while a resource "takes
# time" (pause), so that the operations of several stacks run at the same time, as in AWS.
_lock = threading.RLock()
_paused = threading.Condition(_lock)


def pause(seconds: float) -> None:
    """A resource taking time: the lock is let go meanwhile (however deeply this thread holds
    it; Condition.wait releases an RLock entirely), so other stacks' operations go on."""
    with _paused:
        _paused.wait(seconds)


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


def _reason(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return f'Resource handler returned message: "{message}"'


_NOUN = {"CREATE": "creation", "UPDATE": "update", "DELETE": "deletion"}


class _Operation:
    """The resources one stack operation (or its rollback) has started and not finished, with
    the last error of each. moto's ResourceMap retries a resource whose dependency is not ready
    (update: up to four passes; delete: while passes make progress), so an attempt's error is a
    failure only if the operation ends with that resource unfinished."""

    def __init__(self, retained_too: bool = False) -> None:
        self.open: dict[str, tuple[str, str, str]] = {}  # logical id → verb, type, physical id
        self.errors: dict[str, Exception] = {}
        # RetainExceptOnCreate on a rollback: what the failed operation created goes, even
        # with DeletionPolicy Retain.
        self.retained_too = retained_too

    def start(self, stack: Stack, logical_id: str, verb: str, kind: str, physical: str) -> bool:
        """Report *_IN_PROGRESS on a resource's first attempt; False on a retry."""
        if logical_id in self.open:
            return False
        self.open[logical_id] = (verb, kind, physical)
        resource_event(stack, logical_id, kind, f"{verb}_IN_PROGRESS", None, physical)
        return True

    def attempt_failed(self, logical_id: str, error: Exception) -> None:
        # An error raised by a resource made from inside another one's handler passes through
        # both: it is the innermost one's, which records it first.
        if all(error is not seen for seen in self.errors.values()):
            self.errors[logical_id] = error

    def done(self, stack: Stack, logical_id: str, verb: str, kind: str, physical: str) -> None:
        self.open.pop(logical_id, None)
        self.errors.pop(logical_id, None)
        resource_event(stack, logical_id, kind, f"{verb}_COMPLETE", None, physical)

    def report_failures(self, stack: Stack) -> list[tuple[str, str]]:
        """The operation has failed: one *_FAILED event per resource it left unfinished, with
        the resource's own last error ("cancelled" if it only waited on another's). Returns
        the (verb, logical id) of those that failed on their own."""
        failed = []
        for logical_id, (verb, kind, physical) in self.open.items():
            error = self.errors.get(logical_id)
            reason = _reason(error) if error is not None else f"Resource {_NOUN[verb]} cancelled"
            resource_event(stack, logical_id, kind, f"{verb}_FAILED", reason, physical)
            if error is not None:
                failed.append((verb, logical_id))
        self.open.clear()
        self.errors.clear()
        return failed


_OPERATION = "emulator_operation"


def _begin(stack: Stack, retained_too: bool = False) -> _Operation:
    operation = _Operation(retained_too)
    setattr(stack, _OPERATION, operation)
    return operation


def _operation(stack: Stack) -> _Operation:
    operation: _Operation | None = getattr(stack, _OPERATION, None)
    return operation if operation is not None else _begin(stack)


def _failure_reason(failed: list[tuple[str, str]], error: Exception) -> str:
    if not failed:
        return _reason(error)
    return " ".join(
        f"The following resource(s) failed to {verb.lower()}: "
        f"[{', '.join(i for v, i in failed if v == verb)}]."
        for verb in dict.fromkeys(v for v, _ in failed)
    )


_SUB_NAME = re.compile(r"\$\{([^!}][^}]*)\}")


def references(node: Any) -> list[str]:
    """The names a template fragment refers to (Ref, Fn::GetAtt, Fn::Sub), in order."""
    found: list[str] = []
    if isinstance(node, list):
        for item in node:
            found += references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.append(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) and value else str(value)
                found.append(str(target).split(".")[0])
            elif key == "Fn::Sub":
                text, names = (*value, {})[:2] if isinstance(value, list) else (value, {})
                found += [n.split(".")[0] for n in _SUB_NAME.findall(str(text)) if n not in names]
                found += references(names)
            else:
                found += references(value)
    return found


def _create_dependencies_first(
    logical_id: str, resource_json: dict[str, Any], resources_map: Any
) -> None:
    """Create what a resource refers to or depends on before the resource starts, as
    CloudFormation does. moto creates them from inside the resource's own creation (resolving
    its properties), so their events would nest in its own and a failing one would fail both."""
    depends_on = resource_json.get("DependsOn", [])
    names = references(resource_json.get("Properties")) + (
        [depends_on] if isinstance(depends_on, str) else list(depends_on)
    )
    declared = resources_map._resource_json_map
    for name in dict.fromkeys(names):
        if name != logical_id and name in declared and name not in resources_map._parsed_resources:
            resources_map[name]  # moto's lazy map creates it on first access


def conditioned_out(resource_json: dict[str, Any], resources_map: Any) -> bool:
    """moto "creates" a resource whose Condition is false as nothing; CloudFormation does not
    report it at all."""
    condition = resource_json.get("Condition")
    return bool(condition) and not resources_map.lazy_condition_map[condition]


def _traced(verb: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap moto's per-resource create/update so each one reports events and takes time."""

    def traced(logical_id: str, resource_json: dict[str, Any], resources_map: Any,
               *args: Any, **kwargs: Any) -> Any:  # fmt: skip
        stack = _stack_of(resources_map)
        if stack is None or (verb == "CREATE" and conditioned_out(resource_json, resources_map)):
            return call(logical_id, resource_json, resources_map, *args, **kwargs)
        if verb == "CREATE":
            _create_dependencies_first(logical_id, resource_json, resources_map)
        operation = _operation(stack)
        kind = resource_json.get("Type", "")
        if operation.start(stack, logical_id, verb, kind, "") and SETTINGS.resource_delay:
            pause(SETTINGS.resource_delay)
        try:
            resource = call(logical_id, resource_json, resources_map, *args, **kwargs)
        except Exception as error:
            operation.attempt_failed(logical_id, error)
            raise
        operation.done(stack, logical_id, verb, kind, _physical(resource))
        return resource

    traced.__wrapped__ = call  # type: ignore[attr-defined]
    return traced


def _retained(resource_json: dict[str, Any]) -> bool:
    return resource_json.get("DeletionPolicy") == "Retain"


def _delete_traced(call: Callable[..., Any]) -> Callable[..., Any]:
    def delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> Any:
        stack = _stack_of(self)
        if stack is None:
            return call(self, parsed_resource, resource_json)
        logical_id = getattr(parsed_resource, "logical_resource_id", "")
        kind = resource_json.get("Type", "")
        physical = _physical(parsed_resource)
        operation = _operation(stack)
        # moto's ResourceMap.delete leaves retained resources out before this; its update
        # does not, and would delete one the new template no longer declares.
        if _retained(resource_json) and not operation.retained_too:
            resource_event(stack, logical_id, kind, "DELETE_SKIPPED", None, physical)
            return None
        if operation.start(stack, logical_id, "DELETE", kind, physical) and SETTINGS.resource_delay:
            pause(SETTINGS.resource_delay)
        try:
            result = call(self, parsed_resource, resource_json)
        except Exception as error:
            operation.attempt_failed(logical_id, error)
            raise
        operation.done(stack, logical_id, "DELETE", kind, physical)
        return result

    delete_resource.__wrapped__ = call  # type: ignore[attr-defined]
    return delete_resource


def _delete_resources(stack: Stack, retained_too: bool = False) -> None:
    """moto's ResourceMap.delete (with its retries), reporting the `DeletionPolicy: Retain`
    resources it keeps DELETE_SKIPPED; `retained_too` deletes those as well."""
    resource_map = stack.resource_map
    declared: dict[str, Any] = resource_map._resource_json_map
    retained = {i: r for i, r in declared.items() if _retained(r)}
    if retained_too and retained:
        # moto reads the policy from the declared resources: delete them as if undeclared.
        resource_map._resource_json_map = {
            i: {k: v for k, v in r.items() if k != "DeletionPolicy"} for i, r in declared.items()
        }
        try:
            resource_map.delete()
        finally:
            resource_map._resource_json_map = declared
        return
    resource_map.delete()
    for logical_id, resource_json in retained.items():
        kept = resource_map._parsed_resources.get(logical_id)
        if kept is not None and not isinstance(kept, str):
            resource_event(stack, logical_id, resource_json.get("Type", ""), "DELETE_SKIPPED",
                           None, _physical(kept))  # fmt: skip


def _stack_event(stack: Stack, status: str, reason: str | None = None) -> None:
    stack.status = status
    stack._add_stack_event(status, resource_status_reason=reason)


def _roll_back_create(stack: Stack, error: Exception, retained_too: bool) -> None:
    failed = _operation(stack).report_failures(stack)
    _stack_event(stack, "ROLLBACK_IN_PROGRESS",
                 f"{_failure_reason(failed, error)} Rollback requested by user.")  # fmt: skip
    _begin(stack, retained_too)
    try:
        _delete_resources(stack, retained_too)
    except Exception as cleanup:  # what rollback could not delete, it reports
        _operation(stack).report_failures(stack)
        _stack_event(stack, "ROLLBACK_FAILED", _reason(cleanup))
        return
    _stack_event(stack, "ROLLBACK_COMPLETE")


def _stop_create(stack: Stack, error: Exception) -> None:
    """A failed create with rollback disabled: what it made stays, the stack is CREATE_FAILED."""
    failed = _operation(stack).report_failures(stack)
    stack.disable_rollback = True
    _stack_event(stack, "CREATE_FAILED", _failure_reason(failed, error))


def _fail_create(stack: Stack, error: Exception, retained_too: bool, keep: bool) -> None:
    if keep:
        _stop_create(stack, error)
    else:
        _roll_back_create(stack, error, retained_too)


def _roll_back_update(
    stack: Stack, previous: tuple[Any, dict[str, Any]], error: Exception, retained_too: bool
) -> None:
    failed = _operation(stack).report_failures(stack)
    _stack_event(stack, "UPDATE_ROLLBACK_IN_PROGRESS", _failure_reason(failed, error))
    # The rollback removes what the failed update added: with RetainExceptOnCreate even the
    # retained ones.
    _begin(stack, retained_too)
    template, parameters = previous
    try:
        stack.template = template
        stack._parse_template()
        stack.resource_map.update(stack.template_dict, parameters)
        stack.output_map = stack._create_output_map()
    except Exception as cleanup:
        _operation(stack).report_failures(stack)
        _stack_event(stack, "UPDATE_ROLLBACK_FAILED", _reason(cleanup))
        return
    _stack_event(stack, "UPDATE_ROLLBACK_COMPLETE")


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
        retained_too = requested()  # read in the request's thread, which holds the flag
        keep = rollback_disabled()

        def work() -> None:
            with _lock:
                _begin(self)
                try:
                    original_create(self)
                except Exception as error:
                    _fail_create(self, error, retained_too, keep)

        _run(work)

    Stack.create_resources = create_resources  # type: ignore[method-assign]

    original_update = Stack.update

    def update(self: Stack, template: str, role_arn: str | None = None,
               parameters: dict[str, Any] | None = None,
               tags: dict[str, str] | None = None) -> None:  # fmt: skip
        previous = (self.template, dict(self.parameters))
        self.status = "UPDATE_IN_PROGRESS"
        retained_too = requested()

        def work() -> None:
            with _lock:
                _begin(self)
                try:
                    original_update(self, template, role_arn, parameters, tags)
                except Exception as error:
                    _roll_back_update(self, previous, error, retained_too)

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
        retained_too = requested()
        keep = rollback_disabled()

        def work() -> None:
            with _lock:
                _begin(stack)
                try:
                    original_execute(self, change_set_name, stack_name)
                except Exception as error:
                    change_set.execution_status = "EXECUTE_FAILED"
                    if change_set.change_set_type == "CREATE":
                        # moto sets it only on success; GetTemplate shows it after a failure
                        stack.template = change_set.template
                        _fail_create(stack, error, retained_too, keep)
                    else:
                        _roll_back_update(stack, previous, error, retained_too)

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
                _begin(stack)
                try:
                    _delete_resources(stack)
                except Exception as error:
                    failed = _operation(stack).report_failures(stack)
                    _stack_event(stack, "DELETE_FAILED", _failure_reason(failed, error))
                    return
                # By owner: evaluating the stack's exports now would re-create what they name.
                for name, export in list(self.exports.items()):
                    if export.exporting_stack_id == stack.stack_id:
                        self.exports.pop(name, None)
                _stack_event(stack, "DELETE_COMPLETE")
                self.stacks.pop(stack.stack_id, None)
                self.deleted_stacks[stack.stack_id] = stack

        _run(work)

    CloudFormationBackend.delete_stack = delete_stack  # type: ignore[method-assign]
