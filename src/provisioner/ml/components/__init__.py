"""One module per part of an ML stack; `COMPONENTS` lists them in template order, each with
the resource type it is for, whose record says which tier introduces it (tiers are
cumulative)."""

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
from provisioner.resource_types.registry import resource_type

Builder = Callable[[MlContext], list[PlannedResource]]


def _component(introduces: str, label: str, build: Builder) -> tuple[MlTier, str, Builder]:
    """A component comes with the tier that introduces the resource type it is for; the
    tier is the type's (resource_types/), written there once."""
    tier = resource_type(introduces).ml_tier
    if tier is None:
        raise ValueError(f"{introduces} is not a type ML plans")
    return tier, label, build


COMPONENTS: tuple[tuple[MlTier, str, Builder], ...] = (
    _component("AWS::SageMaker::ModelPackageGroup", "model registry", registry.build),
    _component("AWS::CodeCommit::Repository", "source repository", source.build),
    _component("AWS::IAM::Role", "SageMaker execution role", sagemaker_role.build),
    _component("AWS::CodeBuild::Project", "build project", build_project.build),
    _component("AWS::CodePipeline::Pipeline", "pipeline", pipeline.build),
    _component("AWS::SSM::Parameter", "SSM parameters", parameters.build),
    _component("AWS::S3::Bucket", "artifacts bucket", storage.build),
    _component("AWS::Events::Rule", "EventBridge rules", events.build),
    _component("AWS::CloudWatch::Dashboard", "dashboard", dashboard.build),
    _component("AWS::KMS::Key", "KMS key", encryption.build),
    _component("AWS::Logs::LogGroup", "log groups", logs.build),
    _component("AWS::SNS::Topic", "SNS topics", notifications.build),
    _component("AWS::EC2::VPCEndpoint", "VPC endpoints", network.build),
)
