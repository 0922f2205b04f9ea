"""The CodeCommit repository holding the model-build code (scenario `codecommit`)."""

from __future__ import annotations

from provisioner.cfn.template import PlannedResource
from provisioner.ml.context import MlContext


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    name = n.repository
    return [
        PlannedResource(
            logical_id="Repository",
            type="AWS::CodeCommit::Repository",
            properties={
                "RepositoryName": name,
                "RepositoryDescription": f"Model-build code of {n.ml_name}",
                "Tags": ctx.tag_list,
            },
            physical_name=name,
            arn=n.regional_arn("codecommit", name),
            description="Source repository (push the create-seed-code output here)",
        )
    ]
