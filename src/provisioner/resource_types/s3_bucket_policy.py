"""`AWS::S3::BucketPolicy`: TLS only, and the owning team's readers (ML, professional and up).
Its physical name is its bucket's, checked there."""

from __future__ import annotations

from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    bucket = r.literal("Bucket")
    expect(isinstance(bucket, str), "bucket not known")
    policy = reads.bucket_policy(str(bucket))
    return f"{len(policy.get('Statement', []))} statements"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::S3::BucketPolicy",
    label="S3 bucket policy",
    name_kind=None,
    smoke=smoke,
    ml_tier=MlTier.PROFESSIONAL,
    ml_grant=StatementGrant("S3ArtifactsBucketManagement"),
    emulation=Emulation(models=("cfn_s3_bucket_policy",)),
)
