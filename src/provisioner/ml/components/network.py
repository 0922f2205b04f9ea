"""Interface VPC endpoints for the services the pipeline uses, and their security group
(enterprise), in the VPC named in the config."""

from __future__ import annotations

from provisioner.cfn.intrinsics import ref
from provisioner.cfn.template import PlannedResource
from provisioner.ml.context import MlContext
from provisioner.naming.arn import ASSIGNED_ID

# (logical id suffix, service endpoint name) for every AWS service the pipeline calls.
ENDPOINT_SERVICES = (
    ("SageMakerApi", "sagemaker.api"),
    ("SageMakerRuntime", "sagemaker.runtime"),
    ("CodeCommitGit", "git-codecommit"),
    ("Logs", "logs"),
    ("Kms", "kms"),
    ("Sts", "sts"),
)


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    network = ctx.config.network
    assert network is not None, "validation requires network for enterprise"
    sg_name = n.security_group
    https_from_vpc = {
        "IpProtocol": "tcp",
        "FromPort": 443,
        "ToPort": 443,
        "CidrIp": network.vpc_cidr,
        "Description": "HTTPS within the VPC",
    }
    resources = [
        PlannedResource(
            logical_id="EndpointSecurityGroup",
            type="AWS::EC2::SecurityGroup",
            properties={
                "GroupName": sg_name,
                "GroupDescription": f"HTTPS from the VPC to the interface endpoints of {n.ml_name}",
                "VpcId": network.vpc_id,
                "SecurityGroupIngress": [https_from_vpc],
                "SecurityGroupEgress": [https_from_vpc],
                "Tags": ctx.named_tag_list(sg_name),
            },
            physical_name=sg_name,
            arn=n.regional_arn("ec2", f"security-group/{ASSIGNED_ID}"),
            description="Endpoints accept HTTPS from the VPC only",
        )
    ]
    for suffix, service in ENDPOINT_SERVICES:
        label = f"{n.base}-{service}-vpce"
        resources.append(
            PlannedResource(
                logical_id=f"{suffix}Endpoint",
                type="AWS::EC2::VPCEndpoint",
                properties={
                    "VpcId": network.vpc_id,
                    "ServiceName": f"com.amazonaws.{n.region}.{service}",
                    "VpcEndpointType": "Interface",
                    "PrivateDnsEnabled": True,
                    "SubnetIds": list(network.subnet_ids),
                    "SecurityGroupIds": [ref("EndpointSecurityGroup")],
                    "Tags": ctx.named_tag_list(label),
                },
                physical_name=f"(endpoint id assigned by AWS; tag Name={label})",
                arn=n.regional_arn("ec2", f"vpc-endpoint/{ASSIGNED_ID}"),
                description=f"Private access to {service}",
            )
        )
    return resources
