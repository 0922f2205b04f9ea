"""`AWS::IAM::Group`: one per team and persona (SEC only)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads


def smoke(reads: ServiceReads, r: Declared) -> str:
    return f"group {reads.get_group(r.name('GroupName'))['GroupName']} exists"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::IAM::Group",
    label="IAM group",
    name_kind=NameKind.IAM_GROUP,
    smoke=smoke,
    sec=True,
    sec_grant=StatementGrant("IAMManagement", unscoped_sid="IAMUnscoped"),
    emulation=Emulation(models=("cfn_iam_group",)),
)
