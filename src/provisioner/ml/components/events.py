"""EventBridge rules (professional+): push → pipeline, model approval → pipeline (and
enterprise: approval → approvals topic, pipeline failure → alerts topic), and their role."""

from __future__ import annotations

from provisioner.cfn.intrinsics import Json, get_att, ref
from provisioner.cfn.template import PlannedResource
from provisioner.ml.components.roles import allow, service_role
from provisioner.ml.context import MlContext


def _rule(
    ctx: MlContext,
    logical_id: str,
    purpose: str,
    description: str,
    pattern: dict[str, Json],
    targets: list[dict[str, Json]],
) -> PlannedResource:
    n = ctx.names
    name = n.events_rule(purpose)
    return PlannedResource(
        logical_id=logical_id,
        type="AWS::Events::Rule",
        properties={
            "Name": name,
            "Description": description,
            "EventPattern": pattern,
            "State": "ENABLED",
            "Targets": targets,
            "Tags": ctx.tag_list,
        },
        physical_name=name,
        arn=n.regional_arn("events", f"rule/{name}"),
        description=description,
    )


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    pipeline_arn = n.regional_arn("codepipeline", n.pipeline)
    start_pipeline: dict[str, Json] = {
        "Arn": pipeline_arn,
        "Id": "StartPipeline",
        "RoleArn": get_att("EventsRole", "Arn"),
    }
    approval_targets = [start_pipeline]
    if ctx.plans("AWS::SNS::Topic"):
        approval_targets.append({"Arn": ref("ApprovalsTopic"), "Id": "NotifyApprovers"})
    resources = service_role(
        ctx,
        "Events",
        "events",
        "events.amazonaws.com",
        [allow("StartPipeline", ["codepipeline:StartPipelineExecution"], pipeline_arn)],
        "Role EventBridge uses to start the pipeline",
    )
    resources.append(
        _rule(
            ctx,
            "SourcePushRule",
            "push",
            f"A push to {ctx.config.branch} starts the pipeline",
            {
                "source": ["aws.codecommit"],
                "detail-type": ["CodeCommit Repository State Change"],
                "resources": [get_att("Repository", "Arn")],
                "detail": {
                    "event": ["referenceCreated", "referenceUpdated"],
                    "referenceType": ["branch"],
                    "referenceName": [ctx.config.branch],
                },
            },
            [start_pipeline],
        )
    )
    resources.append(
        _rule(
            ctx,
            "ModelApprovalRule",
            "appr",
            "A model package approval in the registry starts the pipeline",
            {
                "source": ["aws.sagemaker"],
                "detail-type": ["SageMaker Model Package State Change"],
                "detail": {
                    "ModelPackageGroupName": [n.model_package_group],
                    "ModelApprovalStatus": ["Approved"],
                },
            },
            approval_targets,
        )
    )
    if ctx.plans("AWS::SNS::Topic"):  # failures notify the alerts topic
        resources.append(
            _rule(
                ctx,
                "PipelineFailureRule",
                "fail",
                "A failed pipeline execution notifies the alerts topic",
                {
                    "source": ["aws.codepipeline"],
                    "detail-type": ["CodePipeline Pipeline Execution State Change"],
                    "resources": [pipeline_arn],
                    "detail": {"state": ["FAILED"]},
                },
                [{"Arn": ref("AlertsTopic"), "Id": "NotifyOperators"}],
            )
        )
    return resources
