"""Read-only calls of each service's own API, one typed method each, for smoke checks and
detect-drift's own reads of what CloudFormation's drift detection does not look at.

Every call goes through the gateway (its session, retries, error mapping and call count).
"""

from __future__ import annotations

import json
from typing import Any

from provisioner.deploy.errors import AwsFailure
from provisioner.deploy.gateway import AwsGateway


class ServiceReads:
    def __init__(self, gateway: AwsGateway) -> None:
        self._client = gateway.client
        self._read = gateway.read

    def get_role(self, name: str) -> dict[str, Any]:
        iam = self._client("iam")
        raw = self._read(f"GetRole {name}", lambda: iam.get_role(RoleName=name))
        return dict(raw["Role"])

    def attached_role_policies(self, name: str) -> list[str]:
        iam = self._client("iam")
        raw = self._read(
            f"ListAttachedRolePolicies {name}",
            lambda: iam.list_attached_role_policies(RoleName=name),
        )
        return [p["PolicyArn"] for p in raw.get("AttachedPolicies", [])]

    def role_inline_policies(self, name: str) -> list[str]:
        iam = self._client("iam")
        pages = iam.get_paginator("list_role_policies")
        raw = self._read(
            f"ListRolePolicies {name}",
            lambda: [n for page in pages.paginate(RoleName=name) for n in page["PolicyNames"]],
        )
        return sorted(raw)

    def group_inline_policies(self, name: str) -> list[str]:
        iam = self._client("iam")
        pages = iam.get_paginator("list_group_policies")
        raw = self._read(
            f"ListGroupPolicies {name}",
            lambda: [n for page in pages.paginate(GroupName=name) for n in page["PolicyNames"]],
        )
        return sorted(raw)

    def attached_group_policies(self, name: str) -> list[str]:
        iam = self._client("iam")
        pages = iam.get_paginator("list_attached_group_policies")
        raw = self._read(
            f"ListAttachedGroupPolicies {name}",
            lambda: [
                p["PolicyArn"]
                for page in pages.paginate(GroupName=name)
                for p in page["AttachedPolicies"]
                if "PolicyArn" in p
            ],
        )
        return sorted(raw)

    def get_group(self, name: str) -> dict[str, Any]:
        iam = self._client("iam")
        raw = self._read(f"GetGroup {name}", lambda: iam.get_group(GroupName=name))
        return dict(raw["Group"])

    def get_managed_policy(self, arn: str) -> dict[str, Any]:
        iam = self._client("iam")
        raw = self._read(f"GetPolicy {arn}", lambda: iam.get_policy(PolicyArn=arn))
        return dict(raw["Policy"])

    def get_repository(self, name: str) -> dict[str, Any]:
        codecommit = self._client("codecommit")
        raw = self._read(
            f"GetRepository {name}",
            lambda: codecommit.get_repository(repositoryName=name),
        )
        return dict(raw["repositoryMetadata"])

    def get_build_project(self, name: str) -> dict[str, Any] | None:
        codebuild = self._client("codebuild")
        raw = self._read(
            f"BatchGetProjects {name}",
            lambda: codebuild.batch_get_projects(names=[name]),
        )
        projects = raw.get("projects", [])
        return dict(projects[0]) if projects else None

    def get_pipeline(self, name: str) -> dict[str, Any]:
        codepipeline = self._client("codepipeline")
        raw = self._read(f"GetPipeline {name}", lambda: codepipeline.get_pipeline(name=name))
        return dict(raw["pipeline"])

    def get_model_package_group(self, name: str) -> dict[str, Any]:
        sagemaker = self._client("sagemaker")
        return dict(
            self._read(
                f"DescribeModelPackageGroup {name}",
                lambda: sagemaker.describe_model_package_group(ModelPackageGroupName=name),
            )
        )

    def get_parameter(self, name: str) -> str:
        ssm = self._client("ssm")
        raw = self._read(f"GetParameter {name}", lambda: ssm.get_parameter(Name=name))
        return str(raw["Parameter"]["Value"])

    def bucket_versioning(self, bucket: str) -> str:
        s3 = self._client("s3")
        raw = self._read(
            f"GetBucketVersioning {bucket}",
            lambda: s3.get_bucket_versioning(Bucket=bucket),
        )
        return str(raw.get("Status", ""))

    def bucket_policy(self, bucket: str) -> dict[str, Any]:
        s3 = self._client("s3")
        raw = self._read(f"GetBucketPolicy {bucket}", lambda: s3.get_bucket_policy(Bucket=bucket))
        return dict(json.loads(raw["Policy"]))

    def bucket_policy_if_any(self, bucket: str) -> dict[str, Any] | None:
        """The bucket's policy, or None when it has none (S3 answers NoSuchBucketPolicy)."""
        try:
            return self.bucket_policy(bucket)
        except AwsFailure as exc:
            if ": NoSuchBucketPolicy:" in str(exc):
                return None
            raise

    def public_access_block(self, bucket: str) -> dict[str, bool] | None:
        """The bucket's four public access block settings, or None when it has no
        configuration (S3 answers NoSuchPublicAccessBlockConfiguration). Named by its IAM
        action, s3:GetBucketPublicAccessBlock."""
        s3 = self._client("s3")
        try:
            raw = self._read(
                f"GetBucketPublicAccessBlock {bucket}",
                lambda: s3.get_public_access_block(Bucket=bucket),
            )
        except AwsFailure as exc:
            if ": NoSuchPublicAccessBlockConfiguration:" in str(exc):
                return None
            raise
        settings = raw.get("PublicAccessBlockConfiguration", {})
        return {key: bool(value) for key, value in settings.items()}

    def bucket_exists(self, name: str) -> bool:
        """Whether this account has the bucket: S3 answers 404 when no bucket has the name,
        403 when another account's has it (neither can be adopted). HeadBucket, named by its
        IAM action, s3:ListBucket."""
        s3 = self._client("s3")
        try:
            self._read(f"ListBucket {name}", lambda: s3.head_bucket(Bucket=name))
        except AwsFailure as exc:
            if any(f": {code}:" in str(exc) for code in ("404", "403", "NoSuchBucket")):
                return False
            raise
        return True

    def bucket_kms_key(self, name: str) -> str | None:
        """The KMS key of the bucket's default encryption, None when it uses none.
        GetBucketEncryption, named by its IAM action, s3:GetEncryptionConfiguration."""
        s3 = self._client("s3")
        try:
            raw = self._read(
                f"GetEncryptionConfiguration {name}",
                lambda: s3.get_bucket_encryption(Bucket=name),
            )
        except AwsFailure as exc:
            if ": ServerSideEncryptionConfigurationNotFoundError:" in str(exc):
                return None
            raise
        for rule in raw.get("ServerSideEncryptionConfiguration", {}).get("Rules", []):
            key = rule.get("ApplyServerSideEncryptionByDefault", {}).get("KMSMasterKeyID")
            if key:
                return str(key)
        return None

    def key_if_exists(self, key_id: str) -> dict[str, Any] | None:
        """The key, or None when it does not exist or is not this operator's to read (the
        operator policy reads only keys with the use case's tags: another key is not ours)."""
        try:
            return self.describe_key(key_id)
        except AwsFailure as exc:
            if any(code in str(exc) for code in ("NotFoundException", "AccessDeniedException")):
                return None
            raise

    def key_policy(self, key_id: str) -> dict[str, Any]:
        kms = self._client("kms")
        raw = self._read(
            f"GetKeyPolicy {key_id}",
            lambda: kms.get_key_policy(KeyId=key_id, PolicyName="default"),
        )
        return dict(json.loads(raw["Policy"]))

    def describe_key(self, key_id: str) -> dict[str, Any]:
        kms = self._client("kms")
        raw = self._read(f"DescribeKey {key_id}", lambda: kms.describe_key(KeyId=key_id))
        return dict(raw["KeyMetadata"])

    def key_rotation_enabled(self, key_id: str) -> bool:
        kms = self._client("kms")
        raw = self._read(
            f"GetKeyRotationStatus {key_id}",
            lambda: kms.get_key_rotation_status(KeyId=key_id),
        )
        return bool(raw.get("KeyRotationEnabled"))

    def log_group(self, name: str) -> dict[str, Any] | None:
        logs = self._client("logs")
        raw = self._read(
            f"DescribeLogGroups {name}",
            lambda: logs.describe_log_groups(logGroupNamePrefix=name),
        )
        return next((dict(g) for g in raw.get("logGroups", []) if g["logGroupName"] == name), None)

    def topic_attributes(self, arn: str) -> dict[str, str]:
        sns = self._client("sns")
        raw = self._read(
            f"GetTopicAttributes {arn}",
            lambda: sns.get_topic_attributes(TopicArn=arn),
        )
        return dict(raw.get("Attributes", {}))

    def events_rule(self, name: str) -> dict[str, Any]:
        events = self._client("events")
        return dict(self._read(f"DescribeRule {name}", lambda: events.describe_rule(Name=name)))

    def dashboard(self, name: str) -> dict[str, Any]:
        cloudwatch = self._client("cloudwatch")
        return dict(
            self._read(
                f"GetDashboard {name}",
                lambda: cloudwatch.get_dashboard(DashboardName=name),
            )
        )

    def security_group(self, group_id: str) -> dict[str, Any]:
        ec2 = self._client("ec2")
        raw = self._read(
            f"DescribeSecurityGroups {group_id}",
            lambda: ec2.describe_security_groups(GroupIds=[group_id]),
        )
        return dict(raw["SecurityGroups"][0])

    def vpc_endpoint(self, endpoint_id: str) -> dict[str, Any]:
        ec2 = self._client("ec2")
        raw = self._read(
            f"DescribeVpcEndpoints {endpoint_id}",
            lambda: ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id]),
        )
        return dict(raw["VpcEndpoints"][0])
