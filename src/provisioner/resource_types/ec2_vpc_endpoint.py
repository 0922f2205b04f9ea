"""`AWS::EC2::VPCEndpoint`: private access to SageMaker, CodeCommit, Logs, KMS and STS (ML,
enterprise). AWS assigns its id; its `Name` tag is not a limited name."""

from __future__ import annotations

from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    endpoint = reads.vpc_endpoint(r.physical_id)
    declared = r.literal("ServiceName")
    service = endpoint.get("ServiceName")
    expect(declared is None or service == declared, f"service {service}")
    return f"endpoint {service} {endpoint.get('State')}"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::EC2::VPCEndpoint",
    label="VPC endpoint",
    typical_seconds=120,
    name_kind=None,
    smoke=smoke,
    ml_tier=MlTier.ENTERPRISE,
    ml_grant=StatementGrant("VPCEndpointManagement", unscoped_sid="VPCDescribe"),
    emulation=Emulation(
        models=("cfn_ec2_vpc_endpoint_delete",),
        updates=("cfn_ec2_vpc_endpoint_update",),
        properties=("cfn_ec2_vpc_endpoint_tags",),
    ),
)
