"""Gap: moto's CloudFormation skips `AWS::CodeCommit::Repository` silently."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.codecommit.models import codecommit_backends
from moto.core.common_models import CloudFormationModel

from provisioner.emulator.extensions._adapter import Adapter


class CodeCommitRepository(Adapter, CloudFormationModel):
    attributes: ClassVar[dict[str, str]] = {
        "Arn": "Arn",
        "Name": "repositoryName",
        "CloneUrlHttp": "cloneUrlHttp",
        "CloneUrlSsh": "cloneUrlSsh",
    }

    @staticmethod
    def cloudformation_name_type() -> str:
        return "RepositoryName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodeCommit::Repository"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CodeCommitRepository:
        props = cloudformation_json.get("Properties", {})
        backend = codecommit_backends[account_id][region_name]
        metadata = backend.create_repository(resource_name, props.get("RepositoryDescription", ""))
        return cls(resource_name, account_id, region_name, **metadata, properties=props)

    def apply(self, properties: dict[str, Any]) -> bool:
        # In place (even a rename, as CodeCommit's UpdateRepositoryName): the repository keeps
        # its id and content. moto models no update call, so its record is edited directly.
        backend = codecommit_backends[self.account_id][self.region_name]
        repository = backend.repositories.pop(self.name)
        metadata = repository.repository_metadata
        name = properties.get("RepositoryName", self.name)
        for key in ("repositoryName", "cloneUrlSsh", "cloneUrlHttp", "Arn"):
            metadata[key] = metadata[key].replace(self.name, name)
        metadata["repositoryDescription"] = properties.get("RepositoryDescription", "")
        backend.repositories[name] = repository
        self.name = name
        self.facts.update(metadata)
        return True

    @property
    def physical_resource_id(self) -> str:
        return str(self.facts.get("repositoryId", self.name))

    def delete(self, account_id: str, region_name: str) -> None:
        codecommit_backends[account_id][region_name].delete_repository(self.name)
