"""The role SageMaker pipeline steps run as."""

from __future__ import annotations

from provisioner.cfn.template import PlannedResource
from provisioner.ml.components.roles import allow, service_role
from provisioner.ml.context import MlContext


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    bucket = ctx.artifact_bucket_arn
    mpg = n.model_package_group
    statements = [
        allow("ArtifactObjects", ["s3:GetObject", "s3:PutObject"], f"{bucket}/*"),
        allow("ArtifactBucket", ["s3:GetBucketLocation", "s3:ListBucket"], bucket),
        allow(
            "RegisterModels",
            ["sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage"],
            [
                n.regional_arn("sagemaker", f"model-package-group/{mpg}"),
                n.regional_arn("sagemaker", f"model-package/{mpg}/*"),
            ],
        ),
        allow(
            "JobLogs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            n.regional_arn("logs", "log-group:/aws/sagemaker/*"),
        ),
        allow("PullImagesToken", ["ecr:GetAuthorizationToken"], "*"),
        allow(
            "PullImages",
            ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            n.partition.arn("ecr", n.region, "*", "repository/*"),
        ),
        *ctx.kms_use_statement(),
    ]
    return service_role(
        ctx,
        "SageMakerExecution",
        "sagemaker",
        "sagemaker.amazonaws.com",
        statements,
        "Role SageMaker pipeline steps run as",
    )
