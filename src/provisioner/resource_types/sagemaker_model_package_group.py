"""`AWS::SageMaker::ModelPackageGroup`: the use case's model registry (ML, every tier)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads


def smoke(reads: ServiceReads, r: Declared) -> str:
    group = reads.get_model_package_group(r.name("ModelPackageGroupName"))
    return f"model package group {group['ModelPackageGroupName']} exists"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::SageMaker::ModelPackageGroup",
    label="SageMaker model package group",
    name_kind=NameKind.MODEL_PACKAGE_GROUP,
    smoke=smoke,
    ml_tier=MlTier.STARTER,
    ml_grant=StatementGrant("SageMakerScoped", unscoped_sid="SageMakerUnscoped"),
    emulation=Emulation(models=("cfn_sagemaker_model_package_group",)),
)
