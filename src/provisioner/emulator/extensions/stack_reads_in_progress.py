"""Gap: moto evaluates a stack's outputs and resources lazily, creating any resource not yet
created on first access. In the asynchronous mode a DescribeStacks or DescribeStackResources
made while the stack is being created (as sceptre and the AWS CLI do) creates resources from
the reading thread, racing the operation ("Role … already exists") and rolling it back.
CloudFormation reads never create anything: mid-operation a stack lists the resources made so
far and no outputs.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.models import Stack


def _in_progress(stack: Stack) -> bool:
    return str(stack.status).endswith("_IN_PROGRESS")


def install() -> None:
    outputs = Stack.outputs.fget  # type: ignore[attr-defined]
    resources = Stack.stack_resources.fget  # type: ignore[attr-defined]

    def stack_outputs(self: Stack) -> Any:
        return None if _in_progress(self) else outputs(self)

    def stack_resources(self: Stack) -> Any:
        if not _in_progress(self):
            return resources(self)
        resource_map = self.resource_map
        declared = resource_map._resource_json_map
        return [r for key, r in list(resource_map._parsed_resources.items()) if key in declared]

    Stack.outputs = property(stack_outputs)  # type: ignore[assignment,method-assign]
    Stack.stack_resources = property(stack_resources)  # type: ignore[assignment,method-assign]
