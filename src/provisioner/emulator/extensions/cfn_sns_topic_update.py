"""Gap: moto updates an `AWS::SNS::Topic` by deleting and re-creating it: its subscriptions
and the policy an `AWS::SNS::TopicPolicy` set on it are lost. CloudFormation changes
DisplayName, KmsMasterKeyId and Tags in place."""

from __future__ import annotations

from typing import Any

from moto.sns.models import Topic, sns_backends

from provisioner.emulator.extensions._patch import (
    UPDATE,
    arguments,
    properties,
    tag_map,
    wrap_classmethod,
)

IN_PLACE = {"DisplayName": "display_name", "KmsMasterKeyId": "kms_master_key_id"}


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    topic, _, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    props = properties(template)
    if props.get("TopicName", topic.name) != topic.name:
        return original(*args, **kwargs)  # create-only: replaced
    sns = sns_backends[account_id][region_name]
    for prop, attribute in IN_PLACE.items():
        sns.set_topic_attribute(topic.arn, attribute, props.get(prop, ""))
    declared = tag_map(props.get("Tags"))
    current = sns.list_tags_for_resource(topic.arn)
    sns.untag_resource(topic.arn, [k for k in current if k not in declared])
    if declared:
        sns.tag_resource(topic.arn, declared)
    return topic


def install() -> None:
    wrap_classmethod(Topic, "update_from_cloudformation_json", _update)
