"""Gap: moto evaluates a stack's outputs and resources lazily, creating any resource not yet
created on first access, so reading a stack can create resources:

- mid-operation, in the emulator's asynchronous mode, a DescribeStacks or
  DescribeStackResources (as sceptre and the AWS CLI make) creates resources from the reading
  thread, racing the operation ("Role … already exists") and rolling it back;
- after a failed create (ROLLBACK_COMPLETE) the read re-runs the failed resource's creation
  (failing the read, e.g. EntityAlreadyExists) and creates what rollback removed;
- after a failed or completed delete it re-creates the deleted resources, which then leak.

CloudFormation reads never create anything: a stack lists the resources that exist, and has
no outputs mid-operation or when a resource they name is gone.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.models import Stack

from provisioner.emulator.extensions.stack_operations import conditioned_out, references


def _in_progress(stack: Stack) -> bool:
    return str(stack.status).endswith("_IN_PROGRESS")


def _existing(stack: Stack) -> list[Any]:
    """The declared resources made so far, in template order (as moto lists them)."""
    resource_map = stack.resource_map
    made = dict(resource_map._parsed_resources)  # a copy: the operation may be adding to it
    return [made[key] for key in list(resource_map._resource_json_map) if key in made]


def _outputs_need_a_missing_resource(stack: Stack) -> bool:
    resource_map = stack.resource_map
    declared = resource_map._resource_json_map
    return any(
        name in declared
        and name not in resource_map._parsed_resources
        and not conditioned_out(declared[name], resource_map)
        for name in references(stack.template_dict.get("Outputs"))
    )


def install() -> None:
    outputs = Stack.outputs.fget  # type: ignore[attr-defined]

    def stack_outputs(self: Stack) -> Any:
        if _in_progress(self) or _outputs_need_a_missing_resource(self):
            return None
        return outputs(self)

    def stack_resources(self: Stack) -> Any:
        return _existing(self)

    Stack.outputs = property(stack_outputs)  # type: ignore[assignment,method-assign]
    Stack.stack_resources = property(stack_resources)  # type: ignore[assignment,method-assign]
