"""`AWS::SNS::Topic`: alerts and approvals (ML, enterprise)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads


def smoke(reads: ServiceReads, r: Declared) -> str:
    attributes = reads.topic_attributes(r.physical_id)
    return f"topic {attributes.get('TopicArn', r.physical_id)} exists"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::SNS::Topic",
    label="SNS topic",
    name_kind=NameKind.SNS_TOPIC,
    smoke=smoke,
    ml_tier=MlTier.ENTERPRISE,
    ml_grant=StatementGrant("SNSManagement"),
    emulation=Emulation(updates=("cfn_sns_topic_update",)),
)
