"""One module per part of an ML stack; `COMPONENTS` lists them in template order with the
tier that introduces each (tiers are cumulative)."""

from __future__ import annotations

from collections.abc import Callable

from provisioner.cfn.template import PlannedResource
from provisioner.config.ml import MlTier
from provisioner.ml.components import (
    build_project,
    dashboard,
    encryption,
    events,
    logs,
    network,
    notifications,
    parameters,
    pipeline,
    registry,
    sagemaker_role,
    source,
    storage,
)
from provisioner.ml.context import MlContext

Builder = Callable[[MlContext], list[PlannedResource]]

COMPONENTS: tuple[tuple[MlTier, str, Builder], ...] = (
    (MlTier.STARTER, "model registry", registry.build),
    (MlTier.STARTER, "source repository", source.build),
    (MlTier.STARTER, "SageMaker execution role", sagemaker_role.build),
    (MlTier.STARTER, "build project", build_project.build),
    (MlTier.STARTER, "pipeline", pipeline.build),
    (MlTier.STARTER, "SSM parameters", parameters.build),
    (MlTier.PROFESSIONAL, "artifacts bucket", storage.build),
    (MlTier.PROFESSIONAL, "EventBridge rules", events.build),
    (MlTier.PROFESSIONAL, "dashboard", dashboard.build),
    (MlTier.ENTERPRISE, "KMS key", encryption.build),
    (MlTier.ENTERPRISE, "log groups", logs.build),
    (MlTier.ENTERPRISE, "SNS topics", notifications.build),
    (MlTier.ENTERPRISE, "VPC endpoints", network.build),
)
