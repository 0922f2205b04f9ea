"""Gap: moto's CloudFormation skips `AWS::CodePipeline::Pipeline` silently."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.codepipeline.models import codepipeline_backends
from moto.core.common_models import CloudFormationModel

from provisioner.emulator.extensions._adapter import Adapter, camel, lower_tags


def _shape(name: str, props: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's properties → CodePipeline's `pipeline` structure."""
    props = dict(props)
    props.pop("Tags", None)
    props.pop("RestartExecutionOnUpdate", None)
    props["Name"] = name
    shaped: dict[str, Any] = camel(props, keep_below=frozenset({"Configuration"}))
    return shaped


class CodePipelinePipeline(Adapter, CloudFormationModel):
    attributes: ClassVar[dict[str, str]] = {"Version": "version"}
    create_only: ClassVar[frozenset[str]] = frozenset({"Name"})

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
        props = cloudformation_json.get("Properties", {})
        backend = codepipeline_backends[account_id][region_name]
        created, _ = backend.create_pipeline(
            _shape(resource_name, props), lower_tags(props.get("Tags"))
        )
        return cls(resource_name, account_id, region_name, version=created.get("version", 1),
                   properties=props)  # fmt: skip

    def apply(self, properties: dict[str, Any]) -> bool:
        # In place, as UpdatePipeline: the version goes up, executions stay.
        backend = codepipeline_backends[self.account_id][self.region_name]
        updated = backend.update_pipeline(_shape(self.name, properties))
        self.facts["version"] = updated["version"]
        pipeline = backend.pipelines[self.name]
        pipeline.tags.clear()
        pipeline.tags.update({t["key"]: t["value"] for t in lower_tags(properties.get("Tags"))})
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        codepipeline_backends[account_id][region_name].delete_pipeline(self.name)
