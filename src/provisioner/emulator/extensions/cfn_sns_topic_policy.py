"""Gap: moto's CloudFormation skips `AWS::SNS::TopicPolicy` (a warning, no resource); then
DescribeStackResources returns an entry without a logical id."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends

from provisioner.emulator.extensions._adapter import Adapter


class SnsTopicPolicy(Adapter, CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::TopicPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SnsTopicPolicy:
        props = cloudformation_json["Properties"]
        backend = sns_backends[account_id][region_name]
        policy = json.dumps(props["PolicyDocument"])
        for topic_arn in props["Topics"]:
            backend.set_topic_attribute(topic_arn, "Policy", policy)
        return cls(resource_name, account_id, region_name, topics=list(props["Topics"]))

    def delete(self, account_id: str, region_name: str) -> None:
        backend = sns_backends[account_id][region_name]
        for topic_arn in self.facts.get("topics", []):
            if topic_arn in backend.topics:
                backend.set_topic_attribute(topic_arn, "Policy", "")
