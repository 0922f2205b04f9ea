"""`AWS::S3::Bucket`: the artifacts bucket (ML, professional and up)."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.adoption import Adoption, AdoptionReads, Retained
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    declared = (r.properties.get("VersioningConfiguration") or {}).get("Status")
    status = reads.bucket_versioning(r.name("BucketName"))
    expect(declared is None or status == declared, f"versioning {status!r}, declared {declared!r}")
    return f"bucket exists, versioning {status or 'off'}"


def find(reads: AdoptionReads, r: Retained) -> str | None:
    name = r.literal_name("BucketName")
    return name if name and reads.bucket_exists(name) else None


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::S3::Bucket",
    label="S3 bucket",
    typical_seconds=20,
    name_kind=NameKind.S3_BUCKET,
    smoke=smoke,
    ml_tier=MlTier.PROFESSIONAL,
    # The handler deletes objects (cleaning up a failed create): on the bucket's objects.
    ml_grant=StatementGrant("S3ArtifactsBucketManagement", objects_sid="S3ArtifactsObjectCleanup"),
    emulation=Emulation(
        models=("cfn_s3_bucket_not_empty",),
        properties=(
            "cfn_s3_bucket_versioning",
            "cfn_s3_bucket_public_access_block",
            "cfn_s3_bucket_encryption_bucket_key",
        ),
    ),
    adoption=Adoption(identifier="BucketName", find=find),
)
