"""Gap: moto updates an `AWS::SSM::Parameter` by deleting and re-creating it: its history is
lost and its version starts again at 1, where CloudFormation overwrites the value in place
(PutParameter with Overwrite: the version goes up, as every SSM reader of versions expects)."""

from __future__ import annotations

from typing import Any

from moto.ssm.models import Parameter, ssm_backends

from provisioner.emulator.extensions._patch import (
    UPDATE,
    arguments,
    properties,
    tag_map,
    wrap_classmethod,
)


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    parameter, _, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    props = properties(template)
    if props.get("Name", parameter.name) != parameter.name:
        return original(*args, **kwargs)  # a new name: a new parameter, then the old one goes
    ssm: Any = ssm_backends[account_id][region_name]  # moto types as str what may be None
    updated = ssm.put_parameter(
        name=parameter.name,
        description=props.get("Description"),
        value=props.get("Value"),
        parameter_type=props.get("Type"),
        allowed_pattern=props.get("AllowedPattern"),
        keyid=props.get("KeyId"),
        overwrite=True,
        tags=[],  # SSM refuses tags with Overwrite: they are set below
        data_type=props.get("DataType", "text"),
        tier=props.get("Tier"),
        policies=props.get("Policies"),
    )
    declared = tag_map(props.get("Tags"))
    current = ssm.list_tags_for_resource("Parameter", parameter.name)
    ssm.remove_tags_from_resource(
        "Parameter", parameter.name, [k for k in current if k not in declared]
    )
    ssm.add_tags_to_resource("Parameter", parameter.name, declared)
    return updated


def install() -> None:
    wrap_classmethod(Parameter, "update_from_cloudformation_json", _update)
