"""AWS limits that derived names and generated documents must respect.

Each name limit is (max length, what AWS calls it); checked at validation time so that a
config whose names would not fit is rejected before anything is generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from provisioner.naming.bucket import BUCKET_NAME_MAX_LENGTH, bucket_form_problems

TEMPLATE_BODY_MAX_BYTES = 51_200
TEMPLATE_URL_MAX_BYTES = 1_000_000
STACK_MAX_RESOURCES = 500
STACK_MAX_OUTPUTS = 200
MANAGED_POLICY_MAX_CHARS = 6_144


class NameKind(Enum):
    """Kinds of physical names, each with its AWS length limit."""

    STACK = (128, "CloudFormation stack name")
    IAM_ROLE = (64, "IAM role name")
    IAM_GROUP = (128, "IAM group name")
    IAM_POLICY = (128, "IAM managed policy name")
    S3_BUCKET = (BUCKET_NAME_MAX_LENGTH, "S3 bucket name")
    MODEL_PACKAGE_GROUP = (63, "SageMaker model package group name")
    SAGEMAKER_PIPELINE = (256, "SageMaker pipeline name")
    CODECOMMIT_REPOSITORY = (100, "CodeCommit repository name")
    CODEBUILD_PROJECT = (255, "CodeBuild project name")
    CODEPIPELINE = (100, "CodePipeline pipeline name")
    SSM_PARAMETER = (1011, "SSM parameter name")
    EVENTS_RULE = (64, "EventBridge rule name")
    DASHBOARD = (255, "CloudWatch dashboard name")
    KMS_ALIAS = (256, "KMS alias name")
    LOG_GROUP = (512, "CloudWatch log group name")
    SNS_TOPIC = (256, "SNS topic name")
    SECURITY_GROUP = (255, "EC2 security group name")

    @property
    def max_length(self) -> int:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class NamedThing:
    """A derived physical name and what kind of AWS name it is."""

    kind: NameKind
    name: str

    def problems(self) -> list[str]:
        """Over its kind's length limit; for a bucket, also any other S3 naming rule broken
        (a company prefix `sthree` makes every derived bucket name one S3 refuses)."""
        problems = []
        if len(self.name) > self.kind.max_length:
            problems.append(
                f"{self.kind.label} {self.name!r} is {len(self.name)} characters; "
                f"AWS allows at most {self.kind.max_length}"
            )
        if self.kind is NameKind.S3_BUCKET:
            problems += [
                f"{self.kind.label} {self.name!r} {p}" for p in bucket_form_problems(self.name)
            ]
        return problems
