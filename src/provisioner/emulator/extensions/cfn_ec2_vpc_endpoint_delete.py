"""Gap: moto never deletes an `AWS::EC2::VPCEndpoint` with its stack: the endpoint leaks."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCEndPoint


class DeletableVpcEndpoint(VPCEndPoint, CloudFormationModel):
    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        ec2_backends[account_id][region_name].delete_vpc_endpoints([resource_name])
