"""`AWS::CloudWatch::Dashboard`: the use case's dashboard (ML, professional and up)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads


def smoke(reads: ServiceReads, r: Declared) -> str:
    dashboard = reads.dashboard(r.name("DashboardName"))
    return f"dashboard {dashboard.get('DashboardName')} exists"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::CloudWatch::Dashboard",
    label="CloudWatch dashboard",
    name_kind=NameKind.DASHBOARD,
    smoke=smoke,
    ml_tier=MlTier.PROFESSIONAL,
    ml_grant=StatementGrant("CloudWatchDashboardManagement"),
)
