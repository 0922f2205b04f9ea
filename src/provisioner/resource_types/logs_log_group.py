"""`AWS::Logs::LogGroup`: the build's and the pipeline's logs (ML, enterprise)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.adoption import Adoption, AdoptionReads, Retained
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    group = reads.log_group(r.name("LogGroupName"))
    expect(group is not None, "log group not found")
    assert group is not None
    declared = r.literal("RetentionInDays")
    kept = group.get("retentionInDays")
    expect(declared is None or kept == declared, f"retention {kept}, declared {declared}")
    return f"retention {kept} days"


def find(reads: AdoptionReads, r: Retained) -> str | None:
    name = r.literal_name("LogGroupName")
    return name if name and reads.log_group(name) is not None else None


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::Logs::LogGroup",
    label="CloudWatch log group",
    name_kind=NameKind.LOG_GROUP,
    smoke=smoke,
    ml_tier=MlTier.ENTERPRISE,
    ml_grant=StatementGrant("CloudWatchLogsManagement", unscoped_sid="CloudWatchLogsUnscoped"),
    emulation=Emulation(updates=("cfn_logs_log_group_update",)),
    adoption=Adoption(identifier="LogGroupName", find=find),
)
