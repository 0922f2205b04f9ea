"""An IAM role for one AWS service plus the managed policy that grants it what it needs."""

from __future__ import annotations

from provisioner.cfn.intrinsics import Json, ref
from provisioner.cfn.template import PlannedResource
from provisioner.ml.context import MlContext
from provisioner.naming.tenant import ML_BOUNDARY, TenantNames
from provisioner.policy.statements import allow_statement


def service_role(
    ctx: MlContext,
    logical_prefix: str,
    purpose: str,
    service: str,
    statements: list[dict[str, Json]],
    description: str,
) -> list[PlannedResource]:
    n = ctx.names
    role_name = n.role(purpose)
    policy_name = n.managed_policy(purpose)
    role_id = f"{logical_prefix}Role"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": n.account}},
            }
        ],
    }
    role = PlannedResource(
        logical_id=role_id,
        type="AWS::IAM::Role",
        properties={
            "RoleName": role_name,
            "Description": description,
            "AssumeRolePolicyDocument": trust,
            "MaxSessionDuration": 3600,
            "PermissionsBoundary": TenantNames.of(ctx.config).boundary_arn(ML_BOUNDARY),
            "Tags": ctx.tag_list,
        },
        physical_name=role_name,
        arn=n.iam_arn(f"role/{role_name}"),
        description=description,
    )
    policy = PlannedResource(
        logical_id=f"{logical_prefix}Policy",
        type="AWS::IAM::ManagedPolicy",
        properties={
            "ManagedPolicyName": policy_name,
            "Description": f"Permissions of {role_name}",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
            "Roles": [ref(role_id)],
        },
        physical_name=policy_name,
        arn=n.iam_arn(f"policy/{policy_name}"),
        description=f"Permissions of {role_name}",
    )
    return [role, policy]


def allow(sid: str, actions: list[str], resources: Json, **condition: Json) -> dict[str, Json]:
    return allow_statement(sid, actions, resources, condition or None)
