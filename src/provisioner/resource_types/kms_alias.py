"""`AWS::KMS::Alias`: the name of the use case's key (ML, enterprise)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads


def smoke(reads: ServiceReads, r: Declared) -> str:
    key = reads.describe_key(r.name("AliasName"))
    return f"points at {key['KeyId']}"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::KMS::Alias",
    label="KMS alias",
    name_kind=NameKind.KMS_ALIAS,
    smoke=smoke,
    ml_tier=MlTier.ENTERPRISE,
    # KMS authorizes an alias call on the alias and on its key (KMS developer guide,
    # "Controlling access to aliases").
    ml_grant=StatementGrant(
        "KMSAliasManagement", unscoped_sid="KMSListAliases", also=("KMSKeyManagement",)
    ),
)
