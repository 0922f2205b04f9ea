"""`AWS::IAM::ManagedPolicy`: what each role (and, in SEC, each persona group) may do."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    policy = reads.get_managed_policy(r.physical_id)
    name = r.literal("ManagedPolicyName")
    expect(name is None or policy["PolicyName"] == name, f"named {policy['PolicyName']}")
    return f"policy {policy['PolicyName']} exists"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::IAM::ManagedPolicy",
    label="IAM managed policy",
    typical_seconds=15,
    name_kind=NameKind.IAM_POLICY,
    smoke=smoke,
    ml_tier=MlTier.STARTER,
    ml_grant=StatementGrant("IAMRoleManagement"),
    sec=True,
    sec_grant=StatementGrant("IAMManagement", unscoped_sid="IAMUnscoped"),
    emulation=Emulation(
        models=("cfn_iam_managed_policy_delete",), updates=("cfn_iam_managed_policy_update",)
    ),
)
