"""`AWS::KMS::Key`: the use case's key (ML, enterprise). AWS assigns its id; its alias is
the name."""

from __future__ import annotations

from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    key = reads.describe_key(r.physical_id)
    expect(key.get("Enabled", True), "key disabled")
    if r.properties.get("EnableKeyRotation"):
        expect(reads.key_rotation_enabled(r.physical_id), "rotation off")
    return f"key {key['KeyId']} enabled"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::KMS::Key",
    label="KMS key",
    typical_seconds=60,
    name_kind=None,
    smoke=smoke,
    ml_tier=MlTier.ENTERPRISE,
    # Creating (and tagging on creation) cannot name the key: KMSKeyCreate, under conditions.
    ml_grant=StatementGrant("KMSKeyManagement", unscoped_sid="KMSKeyCreate"),
    emulation=Emulation(models=("cfn_kms_key_properties",), updates=("cfn_kms_key_update",)),
)
