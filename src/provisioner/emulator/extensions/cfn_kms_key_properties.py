"""Gap: moto's CloudFormation handler for `AWS::KMS::Key` passes `Tags` on in CloudFormation's
{Key, Value} shape where its backend expects KMS's {TagKey, TagValue} (CreateStack fails), and
stores a `KeyPolicy` object as is, which breaks DescribeKey/GetKeyPolicy (HTTP 500)."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.kms.models import Key


class KmsKeyWithCfnProperties(Key, CloudFormationModel):
    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Key:
        properties = dict(cloudformation_json["Properties"])
        policy = properties.get("KeyPolicy")
        if isinstance(policy, dict):
            properties["KeyPolicy"] = json.dumps(policy)
        properties["Tags"] = [
            {"TagKey": t["Key"], "TagValue": t["Value"]} for t in properties.get("Tags", [])
        ]
        return super().create_from_cloudformation_json(
            resource_name,
            {**cloudformation_json, "Properties": properties},
            account_id,
            region_name,
            **kwargs,
        )
