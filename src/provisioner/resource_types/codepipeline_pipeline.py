"""`AWS::CodePipeline::Pipeline`: source → build → approval (ML, every tier)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import (
    Emulation,
    PassedRole,
    ResourceType,
    StatementGrant,
)
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    pipeline = reads.get_pipeline(r.name("Name"))
    declared = [s.get("Name") for s in r.properties.get("Stages", [])]
    actual = [s.get("name") for s in pipeline.get("stages", [])]
    expect(actual == declared, f"stages {actual}, declared {declared}")
    return f"stages {' → '.join(str(s) for s in actual)}"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::CodePipeline::Pipeline",
    label="CodePipeline pipeline",
    name_kind=NameKind.CODEPIPELINE,
    smoke=smoke,
    ml_tier=MlTier.STARTER,
    ml_grant=StatementGrant("CodePipelineManagement"),
    passes_role=PassedRole(("RoleArn",), "codepipeline.amazonaws.com"),
    emulation=Emulation(models=("cfn_codepipeline_pipeline",)),
)
