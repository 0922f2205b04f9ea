"""`AWS::KMS::Key`: the use case's key (ML, enterprise). AWS assigns its id; its alias is
the name."""

from __future__ import annotations

from provisioner.cfn.intrinsics import referenced_ids
from provisioner.config.ml import MlTier
from provisioner.resource_types.adoption import Adoption, AdoptionReads, Retained
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    key = reads.describe_key(r.physical_id)
    expect(key.get("Enabled", True), "key disabled")
    if r.properties.get("EnableKeyRotation"):
        expect(reads.key_rotation_enabled(r.physical_id), "rotation off")
    return f"key {key['KeyId']} enabled"


# A key that is neither of these (pending deletion, pending import) cannot be imported.
_ADOPTABLE_STATES = ("Enabled", "Disabled")


def _key_used_by(reads: AdoptionReads, cfn_type: str, identifier: str) -> str | None:
    """The key a retained resource of the stack is encrypted with, as AWS reports it."""
    if cfn_type == "AWS::S3::Bucket":
        return reads.bucket_kms_key(identifier)
    if cfn_type == "AWS::Logs::LogGroup":
        group = reads.log_group(identifier) or {}
        found = group.get("kmsKeyId")
        return str(found) if found else None
    return None


def find(reads: AdoptionReads, r: Retained) -> str | None:
    """A key has no name, and its alias goes with the stack: the retained key is the one the
    stack's retained bucket or log groups, found already, are still encrypted with, if its
    description is the template's (so a key they were moved to since is not taken)."""
    for other, identifier in sorted(r.found.items()):
        body = r.resources.get(other) or {}
        if r.logical_id not in referenced_ids(body.get("Properties")):
            continue
        key_id = _key_used_by(reads, str(body.get("Type", "")), identifier)
        key = reads.key_if_exists(key_id) if key_id else None
        if (
            key is not None
            and key.get("KeyState") in _ADOPTABLE_STATES
            and key.get("Description", "") == r.properties.get("Description", "")
        ):
            return str(key["KeyId"])
    return None


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
    adoption=Adoption(identifier="KeyId", find=find, through_others=True),
)
