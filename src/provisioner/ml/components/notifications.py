"""SNS topics (enterprise): alerts and approvals, encrypted, publishable by EventBridge."""

from __future__ import annotations

from provisioner.cfn.intrinsics import ref
from provisioner.cfn.template import PlannedResource
from provisioner.ml.context import MlContext

_TOPICS = (
    ("AlertsTopic", "alerts", "Pipeline failures", "fail"),
    ("ApprovalsTopic", "approvals", "Model approvals", "appr"),
)


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    resources = []
    statements = []
    for logical_id, purpose, description, rule_purpose in _TOPICS:
        name = n.topic(purpose)
        topic_arn = n.regional_arn("sns", name)
        rule_arn = n.regional_arn("events", f"rule/{n.events_rule(rule_purpose)}")
        resources.append(
            PlannedResource(
                logical_id=logical_id,
                type="AWS::SNS::Topic",
                properties={
                    "TopicName": name,
                    "DisplayName": f"{n.ml_name} {purpose}",
                    "KmsMasterKeyId": ctx.kms_key_arn,
                    "Tags": ctx.tag_list,
                },
                physical_name=name,
                arn=topic_arn,
                description=description,
            )
        )
        statements.append(
            {
                "Sid": f"EventBridgePublishes{purpose.capitalize()}",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": ref(logical_id),
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        )
    resources.append(
        PlannedResource(
            logical_id="TopicsPolicy",
            type="AWS::SNS::TopicPolicy",
            properties={
                "Topics": [ref(logical_id) for logical_id, *_ in _TOPICS],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
            },
            physical_name=", ".join(n.topic(purpose) for _, purpose, *_ in _TOPICS),
            arn=n.regional_arn("sns", n.topic("alerts")),
            description="Only this use case's EventBridge rules may publish",
        )
    )
    return resources
