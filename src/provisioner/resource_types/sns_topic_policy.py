"""`AWS::SNS::TopicPolicy`: who may publish to the topics (ML, enterprise). It has no name of
its own."""

from __future__ import annotations

from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    topics = r.properties.get("Topics", [])
    arns = [r.physical_ids.get(t["Ref"]) if isinstance(t, dict) else t for t in topics]
    for arn in arns:
        expect(bool(arn), "topic not known")
        policy = reads.topic_attributes(str(arn)).get("Policy", "")
        expect(bool(policy), f"{arn} has no policy")
    return f"policy on {len(arns)} topic(s)"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::SNS::TopicPolicy",
    label="SNS topic policy",
    name_kind=None,
    smoke=smoke,
    ml_tier=MlTier.ENTERPRISE,
    ml_grant=StatementGrant("SNSManagement"),
    emulation=Emulation(models=("cfn_sns_topic_policy",)),
)
