"""Gap: moto's CloudFormation skips `AWS::CodeBuild::Project` silently."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.codebuild.models import codebuild_backends
from moto.core.common_models import CloudFormationModel

from provisioner.emulator.extensions._adapter import Adapter, camel


def _source(source: dict[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = camel(source)
    if "buildSpec" in shaped:  # the API spells it `buildspec`
        shaped["buildspec"] = shaped.pop("buildSpec")
    return shaped


def _put_project(backend: Any, name: str, props: dict[str, Any]) -> dict[str, Any]:
    project: dict[str, Any] = backend.create_project(
        project_name=name,
        description=props.get("Description"),
        project_source=_source(props["Source"]),
        artifacts=camel(props["Artifacts"]),
        environment=camel(props["Environment"]),
        service_role=props["ServiceRole"],
        tags=[{"key": t["Key"], "value": t["Value"]} for t in props.get("Tags", [])],
        cache=camel(props.get("Cache")),
        timeout=props.get("TimeoutInMinutes"),
        queued_timeout=props.get("QueuedTimeoutInMinutes"),
        source_version=props.get("SourceVersion"),
        logs_config=camel(props.get("LogsConfig")),
        vpc_config=camel(props.get("VpcConfig")),
    )
    return project


class CodeBuildProject(Adapter, CloudFormationModel):
    attributes: ClassVar[dict[str, str]] = {"Arn": "arn"}
    create_only: ClassVar[frozenset[str]] = frozenset({"Name"})

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodeBuild::Project"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CodeBuildProject:
        props = cloudformation_json.get("Properties", {})
        project = _put_project(codebuild_backends[account_id][region_name], resource_name, props)
        return cls(resource_name, account_id, region_name, arn=project["arn"], properties=props)

    def apply(self, properties: dict[str, Any]) -> bool:
        # moto models no UpdateProject: the project is written anew, keeping what an update
        # keeps (creation date, build history).
        backend = codebuild_backends[self.account_id][self.region_name]
        created = backend.codebuild_projects[self.name].project_metadata["created"]
        history = backend.build_history.get(self.name, [])
        project = _put_project(backend, self.name, properties)
        project["created"] = created
        backend.build_history[self.name] = history
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        codebuild_backends[account_id][region_name].delete_project(self.name)
