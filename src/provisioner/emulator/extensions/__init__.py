"""Extensions to moto, one module per gap, each droppable once moto closes it: `cfn_*`
modules add or fix a CloudFormation resource type (each type's record names its own);
`iam_*` fix a service's own API (and so the CloudFormation resources made through it); the
others fix stack behaviour.

`install()` imports them (registering their CloudFormation models) and clears moto's cached
type maps so CloudFormation sees the new types.
"""

from __future__ import annotations

import importlib

from provisioner.resource_types.registry import RESOURCE_TYPES

# Each resource type's adapters are listed in its record (resource_types/), by phase: every
# type's model adapters, then every type's update fixes, then the property extensions, which
# wrap the update and add their property to it.
_TYPE_ADAPTERS = (
    *(m for t in RESOURCE_TYPES for m in t.emulation.models),
    *(m for t in RESOURCE_TYPES for m in t.emulation.updates),
    *(m for t in RESOURCE_TYPES for m in t.emulation.properties),
)

EXTENSIONS = (
    "template_parse_json_first",
    "iam_role_permissions_boundary",
    *_TYPE_ADAPTERS,
    "change_set_outputs",
    "change_set_replacement",
    "change_set_delete_not_found",
    "change_set_list_by_stack",
    "stack_template_body_limit",
    "stack_termination_protection",
    # Before stack_operations, which wraps the per-resource update and reports its failure.
    "stack_update_unsupported_type",
    "stack_retain_except_on_create",
    "stack_disable_rollback",
    "stack_update_removes_first",
    "stack_operations",
    "change_set_import",  # after stack_operations: an IMPORT's execution is not moto's
    "stack_drift_detection",
    "stack_busy",  # after stack_operations: it guards the operations that module replaces
    "stack_reads_in_progress",
    "stack_set_operations",  # its instances are stacks, run by stack_operations
    "stack_set_drift_detection",
    "requests_serialized",  # after stack_operations, whose lock it takes
)

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    for name in EXTENSIONS:
        module = importlib.import_module(f"{__name__}.{name}")
        patch = getattr(module, "install", None)
        if patch is not None:  # behaviour fixes patch moto; type adapters only register
            patch()
    from moto.cloudformation import parsing

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    _installed = True
