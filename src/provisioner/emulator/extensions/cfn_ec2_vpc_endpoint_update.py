"""Gap: moto cannot update an `AWS::EC2::VPCEndpoint`: on a stack update the endpoint drops
out of the stack (no physical id, never deleted) and its subnets, security groups, private
DNS and policy stay the old ones."""

from __future__ import annotations

import json
from typing import Any

from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCEndPoint

from provisioner.emulator.extensions._patch import (
    UPDATE,
    arguments,
    properties,
    wrap_classmethod,
)

CREATE_ONLY = {"ServiceName": "service_name", "VpcEndpointType": "vpc_endpoint_type",
               "VpcId": "vpc_id"}  # fmt: skip


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    endpoint, name, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    props = properties(template)
    ec2: Any = ec2_backends[account_id][region_name]  # moto types as str what may be None
    if any(props.get(p, getattr(endpoint, a)) != getattr(endpoint, a)
           for p, a in CREATE_ONLY.items()):  # fmt: skip
        # a replacement: the new endpoint first, then the old one goes
        replacement = type(endpoint).create_from_cloudformation_json(
            name, template, account_id, region_name
        )
        ec2.delete_vpc_endpoints([endpoint.id])
        return replacement
    subnets = set(props.get("SubnetIds") or [])
    groups = set(props.get("SecurityGroupIds") or [])
    tables = set(props.get("RouteTableIds") or [])
    policy = props.get("PolicyDocument")
    ec2.modify_vpc_endpoint(
        vpc_id=endpoint.id,
        policy_doc=policy if isinstance(policy, str | None) else json.dumps(policy),
        add_subnets=sorted(subnets - set(endpoint.subnet_ids or [])),
        remove_subnets=sorted(set(endpoint.subnet_ids or []) - subnets),
        add_route_tables=sorted(tables - set(endpoint.route_table_ids or [])),
        remove_route_tables=sorted(set(endpoint.route_table_ids or []) - tables),
        add_security_groups=sorted(groups - set(endpoint.security_group_ids)),
        remove_security_groups=sorted(set(endpoint.security_group_ids) - groups),
    )
    endpoint.private_dns_enabled = props.get("PrivateDnsEnabled")
    return endpoint


def install() -> None:
    wrap_classmethod(VPCEndPoint, "update_from_cloudformation_json", _update)
