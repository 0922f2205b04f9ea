"""CloudWatch log groups under /ml/{ml_name}/ (enterprise): encrypted, with retention."""

from __future__ import annotations

from provisioner.cfn.template import PlannedResource
from provisioner.ml.context import MlContext

_LOG_GROUPS = (
    ("BuildLogGroup", "build", "CodeBuild logs of the model build"),
    ("PipelineLogGroup", "pipeline", "Logs of the SageMaker pipeline's own steps"),
)


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    resources = []
    for logical_id, purpose, description in _LOG_GROUPS:
        name = n.log_group(purpose)
        resources.append(
            PlannedResource(
                logical_id=logical_id,
                type="AWS::Logs::LogGroup",
                properties={
                    "LogGroupName": name,
                    "RetentionInDays": ctx.config.log_retention_days,
                    "KmsKeyId": ctx.kms_key_arn,
                    "Tags": ctx.tag_list,
                },
                physical_name=name,
                arn=n.regional_arn("logs", f"log-group:{name}"),
                retain=ctx.retain,
                description=description,
            )
        )
    return resources
