"""The artifacts bucket (professional+): encrypted, versioned, private, TLS-only."""

from __future__ import annotations

from provisioner.cfn.intrinsics import Json, ref
from provisioner.cfn.template import PlannedResource
from provisioner.ml.context import MlContext


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    name = n.artifacts_bucket
    bucket_arn = n.s3_arn(name)
    if ctx.kms_key_arn is not None:
        default: dict[str, Json] = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": ctx.kms_key_arn}
    else:
        default = {"SSEAlgorithm": "AES256"}
    bucket = PlannedResource(
        logical_id="ArtifactsBucket",
        type="AWS::S3::Bucket",
        properties={
            "BucketName": name,
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}
                ]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "Tags": ctx.tag_list,
        },
        physical_name=name,
        arn=bucket_arn,
        retain=ctx.retain,
        description="Pipeline and model artifacts",
    )
    policy = PlannedResource(
        logical_id="ArtifactsBucketPolicy",
        type="AWS::S3::BucketPolicy",
        properties={
            "Bucket": ref("ArtifactsBucket"),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [bucket_arn, f"{bucket_arn}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    {
                        # Principal "*" fixed by aws:PrincipalArn: a role that does not exist
                        # yet cannot be a Principal (S3 refuses the policy), and exact
                        # PrincipalArn values keep the policy non-public for Block Public Access.
                        # The persona roles' SEC boundary still applies to this grant.
                        "Sid": "OwningTeamReadsArtifacts",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
                        "Resource": [bucket_arn, f"{bucket_arn}/*"],
                        "Condition": {"ArnEquals": {"aws:PrincipalArn": ctx.artifact_reader_arns}},
                    },
                ],
            },
        },
        physical_name=name,
        arn=bucket_arn,
        description="Denies every request that does not use TLS; the owning team's data "
        "scientists and ML engineers read",
    )
    return [bucket, policy]
