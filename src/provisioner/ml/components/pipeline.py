"""The CodePipeline: CodeCommit source → CodeBuild, and its role."""

from __future__ import annotations

from provisioner.cfn.intrinsics import Json, get_att, ref
from provisioner.cfn.template import PlannedResource
from provisioner.ml.components.roles import allow, service_role
from provisioner.ml.context import MlContext


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    name = n.pipeline
    bucket = ctx.artifact_bucket_arn
    statements = [
        allow(
            "ReadSource",
            [
                "codecommit:CancelUploadArchive",
                "codecommit:GetBranch",
                "codecommit:GetCommit",
                "codecommit:GetUploadArchiveStatus",
                "codecommit:UploadArchive",
            ],
            get_att("Repository", "Arn"),
        ),
        allow(
            "RunBuild",
            ["codebuild:BatchGetBuilds", "codebuild:StartBuild"],
            n.regional_arn("codebuild", f"project/{n.build_project}"),
        ),
        allow(
            "ArtifactObjects",
            ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            f"{bucket}/*",
        ),
        allow("ArtifactBucket", ["s3:GetBucketVersioning", "s3:ListBucket"], bucket),
        *ctx.kms_use_statement(),
    ]
    store: dict[str, Json] = {"Type": "S3", "Location": ctx.artifact_bucket}
    if ctx.kms_key_arn is not None:
        store["EncryptionKey"] = {"Id": ctx.kms_key_arn, "Type": "KMS"}
    # With EventBridge (professional+), a push event starts the pipeline; starter polls.
    poll = not ctx.plans("AWS::Events::Rule")
    pipeline = PlannedResource(
        logical_id="Pipeline",
        type="AWS::CodePipeline::Pipeline",
        properties={
            "Name": name,
            "PipelineType": "V2",
            "ExecutionMode": "QUEUED",
            "RoleArn": get_att("PipelineRole", "Arn"),
            "ArtifactStore": store,
            "Stages": [
                {
                    "Name": "Source",
                    "Actions": [
                        {
                            "Name": "Source",
                            "ActionTypeId": {
                                "Category": "Source",
                                "Owner": "AWS",
                                "Provider": "CodeCommit",
                                "Version": "1",
                            },
                            "Configuration": {
                                "RepositoryName": get_att("Repository", "Name"),
                                "BranchName": ctx.config.branch,
                                "PollForSourceChanges": poll,
                            },
                            "OutputArtifacts": [{"Name": "SourceOutput"}],
                            "RunOrder": 1,
                        }
                    ],
                },
                {
                    "Name": "Build",
                    "Actions": [
                        {
                            "Name": "BuildAndStartSageMakerPipeline",
                            "ActionTypeId": {
                                "Category": "Build",
                                "Owner": "AWS",
                                "Provider": "CodeBuild",
                                "Version": "1",
                            },
                            "Configuration": {"ProjectName": ref("BuildProject")},
                            "InputArtifacts": [{"Name": "SourceOutput"}],
                            "OutputArtifacts": [{"Name": "BuildOutput"}],
                            "RunOrder": 1,
                        }
                    ],
                },
            ],
            "Tags": ctx.tag_list,
        },
        physical_name=name,
        arn=n.regional_arn("codepipeline", name),
        depends_on=("PipelinePolicy",),
        description="Source (CodeCommit) → Build (CodeBuild starts the SageMaker pipeline)",
    )
    role = service_role(
        ctx,
        "Pipeline",
        "pipeline",
        "codepipeline.amazonaws.com",
        statements,
        "Role of the CodePipeline",
    )
    return [*role, pipeline]
