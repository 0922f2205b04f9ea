"""Read-only calls of each service's own API, one typed method each, for smoke checks.

Every call goes through the gateway (its session, retries, error mapping and call count).
"""

from __future__ import annotations

import json
from typing import Any

from provisioner.deploy.gateway import AwsGateway


class ServiceReads:
    def __init__(self, gateway: AwsGateway) -> None:
        self._read = gateway.read

    def get_role(self, name: str) -> dict[str, Any]:
        raw = self._read("iam", f"GetRole {name}", lambda c: c.get_role(RoleName=name))
        return dict(raw["Role"])

    def attached_role_policies(self, name: str) -> list[str]:
        raw = self._read(
            "iam", f"ListAttachedRolePolicies {name}",
            lambda c: c.list_attached_role_policies(RoleName=name),
        )  # fmt: skip
        return [p["PolicyArn"] for p in raw.get("AttachedPolicies", [])]

    def get_group(self, name: str) -> dict[str, Any]:
        raw = self._read("iam", f"GetGroup {name}", lambda c: c.get_group(GroupName=name))
        return dict(raw["Group"])

    def get_managed_policy(self, arn: str) -> dict[str, Any]:
        raw = self._read("iam", f"GetPolicy {arn}", lambda c: c.get_policy(PolicyArn=arn))
        return dict(raw["Policy"])

    def get_repository(self, name: str) -> dict[str, Any]:
        raw = self._read(
            "codecommit", f"GetRepository {name}",
            lambda c: c.get_repository(repositoryName=name),
        )  # fmt: skip
        return dict(raw["repositoryMetadata"])

    def get_build_project(self, name: str) -> dict[str, Any] | None:
        raw = self._read(
            "codebuild", f"BatchGetProjects {name}", lambda c: c.batch_get_projects(names=[name])
        )
        projects = raw.get("projects", [])
        return dict(projects[0]) if projects else None

    def get_pipeline(self, name: str) -> dict[str, Any]:
        raw = self._read("codepipeline", f"GetPipeline {name}", lambda c: c.get_pipeline(name=name))
        return dict(raw["pipeline"])

    def get_model_package_group(self, name: str) -> dict[str, Any]:
        return dict(
            self._read(
                "sagemaker", f"DescribeModelPackageGroup {name}",
                lambda c: c.describe_model_package_group(ModelPackageGroupName=name),
            )
        )  # fmt: skip

    def get_parameter(self, name: str) -> str:
        raw = self._read("ssm", f"GetParameter {name}", lambda c: c.get_parameter(Name=name))
        return str(raw["Parameter"]["Value"])

    def bucket_versioning(self, bucket: str) -> str:
        raw = self._read(
            "s3", f"GetBucketVersioning {bucket}", lambda c: c.get_bucket_versioning(Bucket=bucket)
        )
        return str(raw.get("Status", ""))

    def bucket_policy(self, bucket: str) -> dict[str, Any]:
        raw = self._read(
            "s3", f"GetBucketPolicy {bucket}", lambda c: c.get_bucket_policy(Bucket=bucket)
        )
        return dict(json.loads(raw["Policy"]))

    def describe_key(self, key_id: str) -> dict[str, Any]:
        raw = self._read("kms", f"DescribeKey {key_id}", lambda c: c.describe_key(KeyId=key_id))
        return dict(raw["KeyMetadata"])

    def key_rotation_enabled(self, key_id: str) -> bool:
        raw = self._read(
            "kms", f"GetKeyRotationStatus {key_id}",
            lambda c: c.get_key_rotation_status(KeyId=key_id),
        )  # fmt: skip
        return bool(raw.get("KeyRotationEnabled"))

    def log_group(self, name: str) -> dict[str, Any] | None:
        raw = self._read(
            "logs", f"DescribeLogGroups {name}",
            lambda c: c.describe_log_groups(logGroupNamePrefix=name),
        )  # fmt: skip
        return next((dict(g) for g in raw.get("logGroups", []) if g["logGroupName"] == name), None)

    def topic_attributes(self, arn: str) -> dict[str, str]:
        raw = self._read(
            "sns", f"GetTopicAttributes {arn}", lambda c: c.get_topic_attributes(TopicArn=arn)
        )
        return dict(raw.get("Attributes", {}))

    def events_rule(self, name: str) -> dict[str, Any]:
        return dict(
            self._read("events", f"DescribeRule {name}", lambda c: c.describe_rule(Name=name))
        )

    def dashboard(self, name: str) -> dict[str, Any]:
        return dict(
            self._read(
                "cloudwatch", f"GetDashboard {name}",
                lambda c: c.get_dashboard(DashboardName=name),
            )
        )  # fmt: skip

    def security_group(self, group_id: str) -> dict[str, Any]:
        raw = self._read(
            "ec2", f"DescribeSecurityGroups {group_id}",
            lambda c: c.describe_security_groups(GroupIds=[group_id]),
        )  # fmt: skip
        return dict(raw["SecurityGroups"][0])

    def vpc_endpoint(self, endpoint_id: str) -> dict[str, Any]:
        raw = self._read(
            "ec2", f"DescribeVpcEndpoints {endpoint_id}",
            lambda c: c.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id]),
        )  # fmt: skip
        return dict(raw["VpcEndpoints"][0])
