"""Gap: moto lets a second operation start on a stack while one is running (in the emulator's
asynchronous mode that corrupts the stack), and a CREATE change set for a stack that exists
makes a second stack of the same name, and a change set made obsolete by another one's
execution still runs (CloudFormation: InvalidChangeSetStatus).
CloudFormation refuses UpdateStack, CreateChangeSet (UPDATE), ExecuteChangeSet and
DeleteStack while the stack is *_IN_PROGRESS (`ValidationError: Stack:… is in
UPDATE_IN_PROGRESS state and can not be updated.`). A CREATE change set for a stack that
exists is refused (AlreadyExistsException), except for a stack still under review
(REVIEW_IN_PROGRESS, made by an earlier CREATE change set): the change set joins that stack.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.cloudformation.exceptions import (
    AlreadyExistsException,
    CloudFormationError,
    ValidationError,
)
from moto.cloudformation.models import ChangeSet, CloudFormationBackend
from moto.cloudformation.utils import generate_changeset_id, validate_create_change_set


def _refuse_if_busy(backend: CloudFormationBackend, name_or_id: str | None) -> None:
    if not name_or_id:
        return
    stack = next((s for s in backend.stacks.values() if name_or_id in (s.stack_id, s.name)), None)
    if stack is None:
        return
    if stack.status.endswith("_IN_PROGRESS") and stack.status != "REVIEW_IN_PROGRESS":
        raise ValidationError(
            message=f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."
        )


def _guarded(method: Callable[..., Any], stack_of: Callable[..., str | None]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> Any:
        _refuse_if_busy(self, stack_of(self, *args, **kwargs))
        return method(self, *args, **kwargs)

    return guarded


def _change_set_stack(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> str | None:
    name = str(kwargs.get("change_set_name", args[0] if args else ""))
    change_set = self.change_sets.get(name) or next(
        (c for c in self.change_sets.values() if c.change_set_name == name), None
    )
    return change_set.stack_id if change_set is not None else None


_creating_change_sets = threading.Lock()


def _create_change_set(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def create(self: CloudFormationBackend, stack_name: str, change_set_name: str,
               template: str, parameters: dict[str, str], description: str,
               change_set_type: str, notification_arns: list[str] | None = None,
               tags: dict[str, str] | None = None,
               role_arn: str | None = None) -> tuple[str, str]:  # fmt: skip
        def original() -> tuple[str, str]:
            result: tuple[str, str] = method(
                self, stack_name, change_set_name, template, parameters, description,
                change_set_type, notification_arns, tags, role_arn,
            )  # fmt: skip
            return result

        if change_set_type != "CREATE":
            _refuse_if_busy(self, stack_name)
            return original()
        # Two concurrent CreateChangeSet calls for a new stack must not both make it.
        with _creating_change_sets:
            live = [s for s in self.stacks.values() if s.name == stack_name]
            if any(s.status != "REVIEW_IN_PROGRESS" for s in live):
                raise AlreadyExistsException(f"Stack [{stack_name}] already exists")
            if not live:
                return original()
            stack = live[0]  # under review: the change set joins it
            validate_create_change_set(change_set_name)
            change_set_id = generate_changeset_id(change_set_name, self.region_name,
                                                  self.account_id)  # fmt: skip
            change_set = ChangeSet(
                change_set_type="CREATE", change_set_id=change_set_id,
                change_set_name=change_set_name, stack=stack, template=template,
                parameters=parameters, description=description,
                notification_arns=notification_arns, tags=tags, role_arn=role_arn,
            )  # fmt: skip
            change_set.status = "CREATE_COMPLETE"
            change_set.execution_status = "AVAILABLE"
            self.change_sets[change_set_id] = change_set
            return change_set_id, stack.stack_id

    return create


def _named_stack(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> str | None:
    for key in ("name", "name_or_stack_id", "stack_name"):
        if key in kwargs:
            return str(kwargs[key])
    return str(args[0]) if args else None


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


def _obsolete_others(method: Callable[..., Any]) -> Callable[..., Any]:
    """Executing a change set makes the stack's other change sets OBSOLETE; CloudFormation
    refuses to execute those (they were computed against a template that is gone)."""

    @functools.wraps(method)
    def execute(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> Any:
        stack_id = _change_set_stack(self, *args, **kwargs)
        name = str(kwargs.get("change_set_name", args[0] if args else ""))
        change_set = self.change_sets.get(name) or next(
            (c for c in self.change_sets.values() if c.change_set_name == name), None
        )
        if change_set is not None and change_set.execution_status == "OBSOLETE":
            raise InvalidChangeSetStatus(
                f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current "
                "status of [OBSOLETE]"
            )
        result = method(self, *args, **kwargs)
        for other in self.change_sets.values():
            if other is not change_set and other.stack_id == stack_id:
                other.execution_status = "OBSOLETE"
        return result

    return execute


def install() -> None:
    backend = CloudFormationBackend
    backend.execute_change_set = _obsolete_others(backend.execute_change_set)  # type: ignore[method-assign]
    backend.execute_change_set = _guarded(backend.execute_change_set, _change_set_stack)  # type: ignore[method-assign]
    backend.create_change_set = _create_change_set(backend.create_change_set)  # type: ignore[method-assign]
    backend.update_stack = _guarded(backend.update_stack, _named_stack)  # type: ignore[method-assign]
    backend.delete_stack = _guarded(backend.delete_stack, _named_stack)  # type: ignore[method-assign]
