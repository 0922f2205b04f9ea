"""Stack outputs, each also stored as an SSM parameter under /ml/{ml_name}/ (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass

from provisioner.cfn.intrinsics import Json, get_att, ref
from provisioner.cfn.template import Output, PlannedResource
from provisioner.ml.context import MlContext


@dataclass(frozen=True)
class Published:
    key: str
    output_id: str
    value: Json
    description: str
    # The resource type the value comes from, when not every tier plans it.
    source: str | None = None


def published(ctx: MlContext) -> list[Published]:
    items = [
        Published(
            "model-package-group-name",
            "ModelPackageGroupName",
            ctx.names.model_package_group,
            "Model registry (SageMaker model package group)",
        ),
        Published(
            "repository-name",
            "RepositoryName",
            get_att("Repository", "Name"),
            "CodeCommit repository",
        ),
        Published(
            "repository-clone-url",
            "RepositoryCloneUrlHttp",
            get_att("Repository", "CloneUrlHttp"),
            "HTTPS clone URL",
        ),
        Published(
            "build-project-name", "BuildProjectName", ref("BuildProject"), "CodeBuild project"
        ),
        Published("pipeline-name", "PipelineName", ref("Pipeline"), "CodePipeline"),
        Published(
            "sagemaker-pipeline-name",
            "SageMakerPipelineName",
            ctx.names.sagemaker_pipeline,
            "SageMaker pipeline the build upserts",
        ),
        Published(
            "sagemaker-execution-role-arn",
            "SageMakerExecutionRoleArn",
            get_att("SageMakerExecutionRole", "Arn"),
            "Role SageMaker steps run as",
        ),
        Published(
            "artifact-bucket-name",
            "ArtifactBucketName",
            ctx.artifact_bucket,
            "Bucket holding pipeline artifacts",
        ),
        Published(
            "kms-key-arn",
            "KmsKeyArn",
            get_att("EncryptionKey", "Arn"),
            "Key encrypting artifacts, logs, topics",
            "AWS::KMS::Key",
        ),
        Published(
            "alerts-topic-arn",
            "AlertsTopicArn",
            ref("AlertsTopic"),
            "SNS topic for pipeline failures",
            "AWS::SNS::Topic",
        ),
        Published(
            "approvals-topic-arn",
            "ApprovalsTopicArn",
            ref("ApprovalsTopic"),
            "SNS topic for model approvals",
            "AWS::SNS::Topic",
        ),
    ]
    return [item for item in items if item.source is None or ctx.plans(item.source)]


def outputs(ctx: MlContext) -> list[Output]:
    return [Output(p.output_id, p.value, p.description) for p in published(ctx)]


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    resources = []
    for item in published(ctx):
        name = n.parameter(item.key)
        resources.append(
            PlannedResource(
                logical_id=f"{item.output_id}Parameter",
                type="AWS::SSM::Parameter",
                properties={
                    "Name": name,
                    "Type": "String",
                    "Value": item.value,
                    "Description": item.description,
                    "Tags": ctx.tag_map,
                },
                physical_name=name,
                arn=n.regional_arn("ssm", f"parameter{name}"),
                description=item.description,
            )
        )
    return resources
