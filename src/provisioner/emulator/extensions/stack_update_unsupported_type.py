"""Gap: when moto has no update for a resource type, a stack update that changes such a
resource still completes, but the resource drops out of the stack: DescribeStackResources
lists it without a logical or physical id and deleting the stack leaves it behind.

Here the resource's update fails instead (UPDATE_FAILED with the reason, then
UPDATE_ROLLBACK_COMPLETE): the emulator cannot do what CloudFormation would, and says so.
The `cfn_*_update` extensions give the types this project deploys their updates.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import cloudformation_backends


def _stack_status(resources_map: Any) -> str:
    backend = cloudformation_backends[resources_map._account_id][resources_map._region_name]
    stack = backend.stacks.get(resources_map.stack_id)
    return str(getattr(stack, "status", ""))


def install() -> None:
    original = parsing.parse_and_update_resource
    if getattr(original, "_refuses_unsupported", False):
        return

    def parse_and_update_resource(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any,
        account_id: str, region_name: str,
    ) -> Any:  # fmt: skip
        model = parsing.get_model_map().get(resource_json.get("Type", ""))
        if model is not None and hasattr(
            model.update_from_cloudformation_json, "__isabstractmethod__"
        ):
            if _stack_status(resources_map) == "UPDATE_ROLLBACK_IN_PROGRESS":
                return resources_map[logical_id]  # it was never changed: nothing to undo
            raise NotImplementedError(
                f"The emulator cannot update {resource_json['Type']} in place (moto models no "
                "update for it): delete and re-create the stack instead"
            )
        return original(logical_id, resource_json, resources_map, account_id, region_name)

    parse_and_update_resource._refuses_unsupported = True  # type: ignore[attr-defined]
    parsing.parse_and_update_resource = parse_and_update_resource
