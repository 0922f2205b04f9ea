"""Gap: moto updates an `AWS::EC2::SecurityGroup` by deleting and re-creating it, so any change
(a rule, a tag) gives the group a new id while what refers to it (VPC endpoints, instances)
keeps the old one. CloudFormation changes rules and tags in place."""

from __future__ import annotations

from typing import Any

from moto.ec2.models.security_groups import SecurityGroup

from provisioner.emulator.extensions._patch import (
    UPDATE,
    arguments,
    properties,
    retag_ec2,
    tag_map,
    wrap_classmethod,
)
from provisioner.emulator.extensions.cfn_ec2_security_group_rules import apply_rules


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    group, _, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    props = properties(template)
    create_only = (props.get("GroupName", group.name), props.get("GroupDescription"),
                   props.get("VpcId"))  # fmt: skip
    if create_only != (group.name, group.description, group.vpc_id):
        return original(*args, **kwargs)  # replaced
    apply_rules(group, props, account_id, region_name)
    retag_ec2(group, tag_map(props.get("Tags")))
    return group


def install() -> None:
    wrap_classmethod(SecurityGroup, "update_from_cloudformation_json", _update)
