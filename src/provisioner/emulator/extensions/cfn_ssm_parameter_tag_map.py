"""Gap: `AWS::SSM::Parameter` declares `Tags` as a key→value map, but moto's CloudFormation
handler reads it as a list of {Key, Value} and fails the whole CreateStack."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ssm.models import Parameter


class SsmParameterWithTagMap(Parameter, CloudFormationModel):
    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Parameter:
        properties = dict(cloudformation_json["Properties"])
        tags = properties.get("Tags")
        if isinstance(tags, dict):
            properties["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return super().create_from_cloudformation_json(
            resource_name,
            {**cloudformation_json, "Properties": properties},
            account_id,
            region_name,
            **kwargs,
        )
