"""Gap: moto's `AWS::EC2::VPCEndpoint` ignores `Tags` (DescribeVpcEndpoints shows none)."""

from __future__ import annotations

from typing import Any

from moto.ec2.models.vpcs import VPCEndPoint

from provisioner.emulator.extensions._patch import (
    CREATE,
    UPDATE,
    arguments,
    properties,
    retag_ec2,
    tag_map,
    wrap_classmethod,
)


def _create(original: Any, *args: Any, **kwargs: Any) -> Any:
    endpoint = original(*args, **kwargs)
    _, template, _, _ = arguments(CREATE, args, kwargs)
    retag_ec2(endpoint, tag_map(properties(template).get("Tags")))
    return endpoint


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    endpoint = original(*args, **kwargs)
    _, _, template, _, _ = arguments(UPDATE, args, kwargs)
    retag_ec2(endpoint, tag_map(properties(template).get("Tags")))
    return endpoint


def install() -> None:
    wrap_classmethod(VPCEndPoint, "create_from_cloudformation_json", _create)
    wrap_classmethod(VPCEndPoint, "update_from_cloudformation_json", _update)
