"""The CodeBuild project that upserts and starts the SageMaker pipeline, and its role."""

from __future__ import annotations

from provisioner.cfn.intrinsics import Json, get_att, ref
from provisioner.cfn.template import PlannedResource
from provisioner.ml.components.roles import allow, service_role
from provisioner.ml.context import MlContext


def environment_variables(ctx: MlContext) -> dict[str, Json]:
    """Names the seed code reads; `create-seed-code` writes the same names as defaults."""
    n = ctx.names
    variables: dict[str, Json] = {
        "SAGEMAKER_PIPELINE_NAME": n.sagemaker_pipeline,
        "MODEL_PACKAGE_GROUP_NAME": n.model_package_group,
        "SAGEMAKER_ROLE_ARN": get_att("SageMakerExecutionRole", "Arn"),
        "ARTIFACT_BUCKET": ctx.artifact_bucket,
    }
    if ctx.kms_key_arn is not None:
        variables["KMS_KEY_ARN"] = ctx.kms_key_arn
    return variables


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    name = n.build_project
    bucket = ctx.artifact_bucket_arn
    sm_pipeline = n.regional_arn("sagemaker", f"pipeline/{n.sagemaker_pipeline}")
    own_logs = ctx.plans("AWS::Logs::LogGroup")
    log_group = n.log_group("build") if own_logs else f"/aws/codebuild/{name}"
    log_arn = n.regional_arn("logs", f"log-group:{log_group}")
    statements = [
        allow(
            "BuildLogs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            [log_arn, f"{log_arn}:*"],
        ),
        allow(
            "ArtifactObjects",
            ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            f"{bucket}/*",
        ),
        allow("ArtifactBucket", ["s3:GetBucketAcl", "s3:GetBucketLocation"], bucket),
        allow(
            "ManageSageMakerPipeline",
            [
                "sagemaker:AddTags",
                "sagemaker:CreatePipeline",
                "sagemaker:DescribePipeline",
                "sagemaker:DescribePipelineExecution",
                "sagemaker:ListPipelineExecutionSteps",
                "sagemaker:StartPipelineExecution",
                "sagemaker:UpdatePipeline",
            ],
            [sm_pipeline, f"{sm_pipeline}/execution/*"],
        ),
        allow(
            "PassSageMakerRole",
            ["iam:PassRole"],
            get_att("SageMakerExecutionRole", "Arn"),
            StringEquals={"iam:PassedToService": "sagemaker.amazonaws.com"},
        ),
        *ctx.kms_use_statement(),
    ]
    properties: dict[str, Json] = {
        "Name": name,
        "Description": f"Builds and starts the SageMaker pipeline of {n.ml_name}",
        "ServiceRole": get_att("BuildRole", "Arn"),
        "Source": {"Type": "CODEPIPELINE", "BuildSpec": "buildspec.yml"},
        "Artifacts": {"Type": "CODEPIPELINE"},
        "Environment": {
            "Type": "LINUX_CONTAINER",
            "ComputeType": ctx.config.build.compute_type,
            "Image": ctx.config.build.image,
            "EnvironmentVariables": [
                {"Name": key, "Type": "PLAINTEXT", "Value": value}
                for key, value in sorted(environment_variables(ctx).items())
            ],
        },
        "TimeoutInMinutes": ctx.config.build.timeout_minutes,
        "Tags": ctx.tag_list,
    }
    if ctx.kms_key_arn is not None:
        properties["EncryptionKey"] = ctx.kms_key_arn
    if own_logs:
        properties["LogsConfig"] = {
            "CloudWatchLogs": {"Status": "ENABLED", "GroupName": ref("BuildLogGroup")}
        }
    project = PlannedResource(
        logical_id="BuildProject",
        type="AWS::CodeBuild::Project",
        properties=properties,
        physical_name=name,
        arn=n.regional_arn("codebuild", f"project/{name}"),
        depends_on=("BuildPolicy",),
        description="Runs the seed code's buildspec: upserts and starts the SageMaker pipeline",
    )
    role = service_role(
        ctx,
        "Build",
        "build",
        "codebuild.amazonaws.com",
        statements,
        "Role of the CodeBuild project",
    )
    return [*role, project]
