"""`AWS::EC2::SecurityGroup`: HTTPS from the VPC to the endpoints (ML, enterprise)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads


def smoke(reads: ServiceReads, r: Declared) -> str:
    group = reads.security_group(r.physical_id)
    return f"security group {group['GroupId']} in {group.get('VpcId')}"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::EC2::SecurityGroup",
    label="EC2 security group",
    name_kind=NameKind.SECURITY_GROUP,
    smoke=smoke,
    ml_tier=MlTier.ENTERPRISE,
    ml_grant=StatementGrant("VPCEndpointManagement", unscoped_sid="VPCDescribe"),
    emulation=Emulation(
        updates=("cfn_ec2_security_group_update",), properties=("cfn_ec2_security_group_rules",)
    ),
)
