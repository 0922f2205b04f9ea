"""The SageMaker model package group: the use case's model registry."""

from __future__ import annotations

from provisioner.cfn.template import PlannedResource
from provisioner.ml.context import MlContext


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    name = n.model_package_group
    return [
        PlannedResource(
            logical_id="ModelPackageGroup",
            type="AWS::SageMaker::ModelPackageGroup",
            properties={
                "ModelPackageGroupName": name,
                "ModelPackageGroupDescription": f"Model registry of {n.ml_name}",
                "Tags": ctx.tag_list,
            },
            physical_name=name,
            arn=n.regional_arn("sagemaker", f"model-package-group/{name}"),
            description="Model registry (versions, approval status)",
        )
    ]
