"""Gap: moto's CloudFormation skips `AWS::S3::BucketPolicy` (a warning, no resource); then
DescribeStackResources fails on the resource it never recorded."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.s3.models import s3_backends

from provisioner.emulator.extensions._adapter import Adapter
from provisioner.emulator.extensions._patch import partition


class S3BucketPolicy(Adapter, CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> S3BucketPolicy:
        props = cloudformation_json["Properties"]
        policy = cls(props["Bucket"], account_id, region_name, properties=props)
        policy.apply(props)
        return policy

    def apply(self, properties: dict[str, Any]) -> bool:
        if properties["Bucket"] != self.name:
            return False  # create-only
        document = properties["PolicyDocument"]
        text = document if isinstance(document, str) else json.dumps(document)
        s3_backends[self.account_id][partition(self.region_name)].put_bucket_policy(
            self.name, text.encode("utf-8")
        )
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        backend = s3_backends[account_id][partition(region_name)]
        if self.name in backend.buckets:  # a deleted bucket took its policy with it
            backend.delete_bucket_policy(self.name)
