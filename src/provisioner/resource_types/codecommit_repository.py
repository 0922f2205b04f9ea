"""`AWS::CodeCommit::Repository`: the use case's source repository (ML, every tier)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads


def smoke(reads: ServiceReads, r: Declared) -> str:
    repo = reads.get_repository(r.name("RepositoryName"))
    return f"repository {repo['repositoryName']} exists"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::CodeCommit::Repository",
    label="CodeCommit repository",
    name_kind=NameKind.CODECOMMIT_REPOSITORY,
    smoke=smoke,
    ml_tier=MlTier.STARTER,
    ml_grant=StatementGrant("CodeCommitManagement", unscoped_sid="CodeCommitUnscoped"),
    emulation=Emulation(models=("cfn_codecommit_repository",)),
)
