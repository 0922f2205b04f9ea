"""Gap: deleting a stack whose `AWS::S3::Bucket` still holds objects succeeds in moto and the
bucket leaks; CloudFormation fails the delete (DELETE_FAILED: the bucket is not empty)."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.s3.exceptions import BucketNotEmpty
from moto.s3.models import FakeBucket, s3_backends

from provisioner.emulator.extensions._patch import partition


class BucketRefusingDeleteWhileNotEmpty(FakeBucket, CloudFormationModel):
    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        backend = s3_backends[account_id][partition(region_name)]
        if resource_name in backend.buckets and backend.get_bucket(resource_name).keys:
            raise BucketNotEmpty(resource_name)
        super().delete_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name
        )
