"""The physical names a planned stack gives, each with the limit its type's record names.

Read off the plan's resources, so a resource that a component or a tier adds is measured
without any list of names being edited. A type AWS names itself (`name_kind` None: a KMS key,
a VPC endpoint, a topic policy) has no name of the tool's to measure.
"""

from __future__ import annotations

from provisioner.aws_limits import NamedThing, NameKind
from provisioner.cfn.template import StackPlan
from provisioner.resource_types.registry import resource_type


def planned_names(stack: StackPlan) -> list[NamedThing]:
    """The stack's name, then each resource's physical name whose type has a limit."""
    things = [NamedThing(NameKind.STACK, stack.stack_name)]
    for resource in stack.resources:
        kind = resource_type(resource.type).name_kind
        if kind is not None:
            things.append(NamedThing(kind, resource.physical_name))
    return things
