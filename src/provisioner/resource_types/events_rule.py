"""`AWS::Events::Rule`: start the pipeline on a push, react to approvals and failures (ML,
professional and up)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import PassedRole, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    rule = reads.events_rule(r.name("Name"))
    declared = r.literal("State")
    expect(declared is None or rule.get("State") == declared, f"state {rule.get('State')}")
    return f"rule {rule.get('Name')} {rule.get('State')}"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::Events::Rule",
    label="EventBridge rule",
    name_kind=NameKind.EVENTS_RULE,
    smoke=smoke,
    ml_tier=MlTier.PROFESSIONAL,
    ml_grant=StatementGrant("EventBridgeManagement"),
    passes_role=PassedRole(("Targets",), "events.amazonaws.com"),
)
