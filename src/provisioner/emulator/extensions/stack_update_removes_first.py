"""Gap: moto's stack update deletes the resources the new template drops before it creates
and updates the others. When one of those then fails, the rollback cannot bring the deleted
ones back: the stack lists them, the service no longer has them. CloudFormation deletes them
last, in a cleanup phase (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS) once everything else succeeded,
so a rollback has nothing to restore (and a resource renamed to a new logical id meets its old
self, as in AWS).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import cloudformation_backends


def _cleanup_status(resources_map: Any) -> None:
    backend = cloudformation_backends[resources_map._account_id][resources_map._region_name]
    stack = backend.stacks.get(resources_map.stack_id)
    if stack is None:
        return
    rolling_back = stack.status == "UPDATE_ROLLBACK_IN_PROGRESS"
    status = f"UPDATE{'_ROLLBACK' if rolling_back else ''}_COMPLETE_CLEANUP_IN_PROGRESS"
    stack.status = status
    stack._add_stack_event(status)


def _removing_last(update: Callable[..., Any]) -> Callable[..., Any]:
    def removing_last(self: Any, template: dict[str, Any],
                      parameters: dict[str, Any] | None = None) -> None:  # fmt: skip
        declared: dict[str, Any] = self._resource_json_map
        dropped = {k: v for k, v in declared.items() if k not in template.get("Resources", {})}
        if not dropped:
            update(self, template, parameters)
            return
        # First everything but the removals (the dropped resources still declared, unchanged),
        # then the same update again, which has only the removals left to do.
        keeping = {**template, "Resources": {**template["Resources"], **dropped}}
        update(self, keeping, parameters)
        _cleanup_status(self)
        update(self, template, parameters)

    removing_last.__wrapped__ = update  # type: ignore[attr-defined]
    return removing_last


def install() -> None:
    parsing.ResourceMap.update = _removing_last(parsing.ResourceMap.update)  # type: ignore[method-assign]
