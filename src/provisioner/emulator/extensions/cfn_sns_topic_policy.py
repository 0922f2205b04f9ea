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
        policy = cls(resource_name, account_id, region_name)
        policy.apply(props)
        policy.facts["properties"] = props
        return policy

    def apply(self, properties: dict[str, Any]) -> bool:
        backend = sns_backends[self.account_id][self.region_name]
        self._clear(set(self.properties.get("Topics", [])) - set(properties["Topics"]))
        document = json.dumps(properties["PolicyDocument"])
        for topic_arn in properties["Topics"]:
            backend.set_topic_attribute(topic_arn, "policy", document)  # the attribute's name
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        self._clear(set(self.properties.get("Topics", [])))

    def _clear(self, topic_arns: set[str]) -> None:
        backend = sns_backends[self.account_id][self.region_name]
        for topic_arn in topic_arns:
            topic = backend.topics.get(topic_arn)
            if topic is not None:  # without its policy, a topic has SNS's default one
                topic._policy_json = topic._create_default_topic_policy(
                    self.region_name, self.account_id, topic.name
                )
