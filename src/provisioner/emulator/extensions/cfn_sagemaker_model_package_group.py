"""Gap: moto's CloudFormation skips `AWS::SageMaker::ModelPackageGroup` silently."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.core.common_models import CloudFormationModel
from moto.sagemaker.models import sagemaker_backends

from provisioner.emulator.extensions._adapter import Adapter


class SageMakerModelPackageGroup(Adapter, CloudFormationModel):
    attributes: ClassVar[dict[str, str]] = {
        "ModelPackageGroupArn": "arn",
        "ModelPackageGroupStatus": "status",
    }
    create_only: ClassVar[frozenset[str]] = frozenset(
        {"ModelPackageGroupName", "ModelPackageGroupDescription"}
    )

    @staticmethod
    def cloudformation_name_type() -> str:
        return "ModelPackageGroupName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::ModelPackageGroup"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SageMakerModelPackageGroup:
        props = cloudformation_json.get("Properties", {})
        backend = sagemaker_backends[account_id][region_name]
        arn = backend.create_model_package_group(
            model_package_group_name=resource_name,
            model_package_group_description=props.get("ModelPackageGroupDescription", ""),
            tags=props.get("Tags"),
        )
        return cls(resource_name, account_id, region_name, arn=arn, status="Completed",
                   properties=props)  # fmt: skip

    def apply(self, properties: dict[str, Any]) -> bool:
        group = sagemaker_backends[self.account_id][self.region_name].model_package_groups[
            self.name
        ]
        group.tags = list(properties.get("Tags", []))
        return True

    @property
    def physical_resource_id(self) -> str:
        return str(self.facts.get("arn", self.name))

    def delete(self, account_id: str, region_name: str) -> None:
        # moto models no DeleteModelPackageGroup; remove the group from its backend.
        backend = sagemaker_backends[account_id][region_name]
        backend.model_package_groups.pop(self.name, None)
