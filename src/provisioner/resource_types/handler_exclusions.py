"""Handler permissions the operator policy deliberately leaves out, each with why our
templates can never make CloudFormation use it.

Reviewed by hand. Tests verify that every `unused_property` is set by no generated template,
that every `always_set_property` is set by every one (and its removal denied),
that every `not_iam` entry is indeed absent from the IAM action catalogue, and that every
entry still appears in CloudFormation's handler lists (so stale entries are noticed).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HandlerExclusion:
    resource_type: str
    permission: str
    reason: str
    unused_property: str | None = None
    not_iam: bool = False
    # Set on every resource of the type, never removed, and the removal explicitly denied.
    always_set_property: str | None = None


def _unused(resource_type: str, prop: str, permissions: str, what: str) -> list[HandlerExclusion]:
    return [
        HandlerExclusion(resource_type, p, f"{what}; our templates never set {prop}", prop)
        for p in permissions.split()
    ]


_BUCKET = "AWS::S3::Bucket"
_LOG_GROUP = "AWS::Logs::LogGroup"

EXCLUSIONS: tuple[HandlerExclusion, ...] = (
    *_unused(
        "AWS::CodeCommit::Repository",
        "Code",
        "codecommit:CreateCommit s3:GetObject s3:GetObjectVersion",
        "initial repository content from an S3 zip",
    ),
    *_unused(
        "AWS::CodeCommit::Repository",
        "KmsKeyId",
        "codecommit:UpdateRepositoryEncryptionKey",
        "customer-managed repository key",
    ),
    HandlerExclusion(
        "AWS::IAM::Role",
        "iam:DeleteRolePermissionsBoundary",
        "every role carries the tenant's boundary from its creation on and no template removes "
        "it; both operator policies deny removing a boundary (DenyBoundaryRemoval)",
        always_set_property="PermissionsBoundary",
    ),
    *_unused(
        "AWS::IAM::ManagedPolicy",
        "Groups",
        "iam:AttachGroupPolicy iam:DetachGroupPolicy",
        "attaching the policy to groups",
    ),
    *_unused(
        "AWS::IAM::ManagedPolicy",
        "Users",
        "iam:AttachUserPolicy iam:DetachUserPolicy",
        "attaching the policy to users",
    ),
    HandlerExclusion(
        "AWS::CodePipeline::Pipeline",
        "codestar-connections:PassConnection",
        "only for CodeStarSourceConnection source actions; our pipelines use CodeCommit",
    ),
    *_unused(_BUCKET, "AbacStatus", "s3:PutBucketAbac", "attribute-based access control"),
    *_unused(
        _BUCKET, "AccelerateConfiguration", "s3:PutAccelerateConfiguration", "transfer acceleration"
    ),
    *_unused(_BUCKET, "AccessControl", "s3:PutBucketAcl s3:PutObjectAcl", "legacy canned ACLs"),
    *_unused(
        _BUCKET,
        "AnalyticsConfigurations",
        "s3:PutAnalyticsConfiguration s3:DeleteBucketAnalyticsConfiguration",
        "storage-class analytics",
    ),
    *_unused(_BUCKET, "CorsConfiguration", "s3:PutBucketCORS s3:DeleteBucketCors", "CORS rules"),
    *_unused(
        _BUCKET,
        "IntelligentTieringConfigurations",
        "s3:PutIntelligentTieringConfiguration",
        "Intelligent-Tiering archive settings",
    ),
    *_unused(
        _BUCKET, "InventoryConfigurations", "s3:PutInventoryConfiguration", "inventory reports"
    ),
    *_unused(
        _BUCKET,
        "LifecycleConfiguration",
        "s3:PutLifecycleConfiguration s3:DeleteBucketLifecycle",
        "lifecycle rules",
    ),
    *_unused(_BUCKET, "LoggingConfiguration", "s3:PutBucketLogging", "server access logging"),
    *_unused(
        _BUCKET,
        "MetadataTableConfiguration",
        "s3:CreateBucketMetadataTableConfiguration s3:DeleteBucketMetadataTableConfiguration",
        "S3 Metadata tables",
    ),
    *_unused(
        _BUCKET,
        "MetadataConfiguration",
        "s3:UpdateBucketMetadataJournalTableConfiguration "
        "s3:UpdateBucketMetadataInventoryTableConfiguration "
        "s3:UpdateBucketMetadataAnnotationTableConfiguration "
        "s3tables:CreateNamespace s3tables:CreateTable s3tables:CreateTableBucket "
        "s3tables:GetTable s3tables:PutTableBucketPolicy s3tables:PutTableEncryption "
        "s3tables:PutTablePolicy s3tables:GetTableMetadataLocation "
        "s3tables:UpdateTableMetadataLocation",
        "S3 Metadata configuration backed by S3 Tables",
    ),
    *_unused(
        _BUCKET,
        "MetricsConfigurations",
        "s3:PutMetricsConfiguration s3:DeleteBucketMetricsConfiguration",
        "request metrics",
    ),
    *_unused(
        _BUCKET, "NotificationConfiguration", "s3:PutBucketNotification", "event notifications"
    ),
    *_unused(
        _BUCKET,
        "ObjectLockConfiguration",
        "s3:PutBucketObjectLockConfiguration s3:PutObjectLockConfiguration",
        "Object Lock",
    ),
    *_unused(
        _BUCKET, "OwnershipControls", "s3:PutBucketOwnershipControls", "object ownership settings"
    ),
    *_unused(
        _BUCKET,
        "ReplicationConfiguration",
        "s3:PutBucketReplication s3:PutReplicationConfiguration s3:DeleteBucketReplication "
        "iam:PassRole",
        "replication and its role",
    ),
    *_unused(
        _BUCKET,
        "WebsiteConfiguration",
        "s3:PutBucketWebsite s3:DeleteBucketWebsite",
        "static website hosting",
    ),
    HandlerExclusion(
        _BUCKET,
        "s3:DeleteBucketEncryption",
        "removes default encryption when BucketEncryption is dropped from a template; every "
        "tier that has the bucket always sets BucketEncryption",
    ),
    *_unused(
        _LOG_GROUP,
        "DataProtectionPolicy",
        "logs:PutDataProtectionPolicy logs:CreateLogDelivery firehose:TagDeliveryStream",
        "data-protection policies and their audit delivery",
    ),
    HandlerExclusion(
        _LOG_GROUP,
        "s3:REST.PUT.OBJECT",
        "not an IAM action (an S3 REST operation name listed by the handler)",
        not_iam=True,
    ),
    *_unused(
        _LOG_GROUP,
        "FieldIndexPolicies",
        "logs:PutIndexPolicy logs:DeleteIndexPolicy",
        "field index policies",
    ),
    *_unused(
        _LOG_GROUP,
        "ResourcePolicyDocument",
        "logs:PutResourcePolicy logs:DeleteResourcePolicy",
        "log-group resource policies",
    ),
    *_unused(
        _LOG_GROUP,
        "BearerTokenAuthenticationEnabled",
        "logs:PutBearerTokenAuthentication",
        "bearer-token ingestion",
    ),
    *_unused(
        _LOG_GROUP,
        "DeletionProtectionEnabled",
        "logs:PutLogGroupDeletionProtection",
        "deletion protection (prod log groups are retained by DeletionPolicy instead)",
    ),
    *_unused(
        "AWS::SNS::Topic",
        "DeliveryStatusLogging",
        "iam:GetRole iam:PassRole",
        "delivery-status logging roles",
    ),
    *_unused(
        "AWS::SNS::Topic",
        "DataProtectionPolicy",
        "sns:PutDataProtectionPolicy",
        "message data protection",
    ),
    *_unused(
        "AWS::EC2::VPCEndpoint",
        "ServiceNetworkArn",
        "vpc-lattice:CreateServiceNetworkVpcEndpointAssociation",
        "VPC Lattice service-network endpoints",
    ),
    HandlerExclusion(
        "AWS::EC2::VPCEndpoint",
        "vpc-lattice:DescribeServiceNetworkVpcEndpointAssociation",
        "not an IAM action (absent from the IAM catalogue); Lattice endpoints are never used",
        not_iam=True,
    ),
    *_unused(
        "AWS::EC2::VPCEndpoint", "ServiceRegion", "vpce:AllowMultiRegion", "cross-region endpoints"
    ),
)

_INDEX = frozenset((e.resource_type, e.permission) for e in EXCLUSIONS)


def excluded(resource_type: str, permission: str) -> bool:
    return (resource_type, permission) in _INDEX
