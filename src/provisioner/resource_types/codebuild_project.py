"""`AWS::CodeBuild::Project`: the build that runs the SageMaker pipeline (ML, every tier)."""

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
    project = reads.get_build_project(r.name("Name"))
    expect(project is not None, "project not found")
    assert project is not None
    return f"project {project['name']} exists"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::CodeBuild::Project",
    label="CodeBuild project",
    name_kind=NameKind.CODEBUILD_PROJECT,
    smoke=smoke,
    ml_tier=MlTier.STARTER,
    ml_grant=StatementGrant("CodeBuildManagement"),
    # Its environment may name another role (the SageMaker execution role the build passes
    # at run time); CloudFormation passes only the service role.
    passes_role=PassedRole(("ServiceRole",), "codebuild.amazonaws.com"),
    emulation=Emulation(models=("cfn_codebuild_project",)),
)
