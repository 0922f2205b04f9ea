"""Gap: moto's `AWS::EC2::SecurityGroup` ignores `SecurityGroupEgress` (the group keeps the
default allow-all egress rule) and drops each rule's `Description`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.ec2.models import ec2_backends
from moto.ec2.models.security_groups import SecurityGroup, SecurityGroupRule

from provisioner.emulator.extensions._patch import CREATE, arguments, properties, wrap_classmethod


def _authorize(authorize: Callable[..., Any], group: SecurityGroup, rule: dict[str, Any]) -> None:
    described = {"Description": rule["Description"]} if "Description" in rule else {}
    ranges = [{key: rule[key], **described} for key in ("CidrIp", "CidrIpv6") if key in rule]
    peer = rule.get("SourceSecurityGroupId") or rule.get("DestinationSecurityGroupId")
    authorize(
        group_name_or_id=group.id,
        ip_protocol=str(rule["IpProtocol"]),
        from_port=rule.get("FromPort"),
        to_port=rule.get("ToPort"),
        ip_ranges=ranges,
        source_groups=[{"GroupId": peer, **described}] if peer else [],
        vpc_id=group.vpc_id,
    )


def apply_rules(group: SecurityGroup, props: dict[str, Any], account_id: str, region: str) -> None:
    """Make the group's rules exactly the declared ones. Without `SecurityGroupEgress` a VPC
    group allows all egress, as EC2 creates it."""
    ec2 = ec2_backends[account_id][region]
    group.ingress_rules = []
    for rule in props.get("SecurityGroupIngress", []):
        _authorize(ec2.authorize_security_group_ingress, group, rule)
    group.egress_rules = []
    if "SecurityGroupEgress" not in props:
        group.egress_rules.append(
            SecurityGroupRule(ec2, "-1", group.id, None, None, {"CidrIp": "0.0.0.0/0"})
        )
    for rule in props.get("SecurityGroupEgress", []):
        _authorize(ec2.authorize_security_group_egress, group, rule)


def _create(original: Any, *args: Any, **kwargs: Any) -> Any:
    group = original(*args, **kwargs)
    _, template, account_id, region_name = arguments(CREATE, args, kwargs)
    apply_rules(group, properties(template), account_id, region_name)
    return group


def install() -> None:
    wrap_classmethod(SecurityGroup, "create_from_cloudformation_json", _create)
