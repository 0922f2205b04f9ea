"""Gap: moto's CloudFormation skips `AWS::CodePipeline::Pipeline` silently."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.codepipeline.models import codepipeline_backends
from moto.core.common_models import CloudFormationModel

from provisioner.emulator.extensions._adapter import Adapter, camel, lower_tags


class CodePipelinePipeline(Adapter, CloudFormationModel):
    attributes: ClassVar[dict[str, str]] = {"Version": "version"}

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodePipeline::Pipeline"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CodePipelinePipeline:
        props = dict(cloudformation_json.get("Properties", {}))
        tags = props.pop("Tags", None)
        props.pop("RestartExecutionOnUpdate", None)
        props["Name"] = resource_name
        pipeline = camel(props, keep_below=frozenset({"Configuration"}))
        backend = codepipeline_backends[account_id][region_name]
        created, _ = backend.create_pipeline(pipeline, lower_tags(tags))
        return cls(resource_name, account_id, region_name, version=created.get("version", 1))

    def delete(self, account_id: str, region_name: str) -> None:
        codepipeline_backends[account_id][region_name].delete_pipeline(self.name)
