"""The ML provisioner's config: one ML use case, one file (SPEC §2, §3)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from provisioner.config.common import (
    RESERVED_TAG_KEYS,
    BucketName,
    CommonConfig,
    FieldProblems,
    Slug,
    StrictModel,
    TeamName,
    checked_by,
    enum_from_text,
    tag_problems,
)
from provisioner.config.deployment import DeploymentConfig, partition_problems
from provisioner.config.git_branch import branch_name_problems
from provisioner.config.vpc_cidr import vpc_cidr_problems
from provisioner.errors import Problem

# The tool's tags (ml/context.py): the common six on every resource, and `Name` on the EC2
# resources, which show it in the console.
ML_RESERVED_TAG_KEYS = RESERVED_TAG_KEYS | {"Name"}
ML_OWN_TAGS_PER_RESOURCE = len(ML_RESERVED_TAG_KEYS)


class MlTier(StrEnum):
    STARTER = "starter"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"

    @property
    def rank(self) -> int:
        return list(MlTier).index(self)

    def includes(self, other: MlTier) -> bool:
        """Tiers are cumulative: enterprise includes professional includes starter."""
        return self.rank >= other.rank


VpcId = Annotated[str, StringConstraints(pattern=r"^vpc-[0-9a-f]{8}([0-9a-f]{9})?$")]
SubnetId = Annotated[str, StringConstraints(pattern=r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")]
VpcCidr = Annotated[str, checked_by(vpc_cidr_problems)]

# Characters a branch may hold beyond git's rules: the seed code's README pastes the branch
# into shell commands (`git init -b {branch}`), where `$`, `;`, quotes and the like would act.
_BRANCH_CHARACTERS = re.compile(r"[A-Za-z0-9._/-]+")
BRANCH_MAX_LENGTH = 100


def _branch_problems(value: str) -> list[str]:
    problems = branch_name_problems(value)
    if not problems and not _BRANCH_CHARACTERS.fullmatch(value):
        problems.append(
            f"{value!r}: git allows it, but the seed code's shell commands need a branch of "
            "ASCII letters, digits, '.', '_', '/' and '-' only"
        )
    return problems


BranchName = Annotated[
    str, StringConstraints(min_length=1, max_length=BRANCH_MAX_LENGTH), checked_by(_branch_problems)
]

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

CODEBUILD_COMPUTE_TYPES = (
    "BUILD_GENERAL1_SMALL",
    "BUILD_GENERAL1_MEDIUM",
    "BUILD_GENERAL1_LARGE",
)


class NetworkConfig(StrictModel):
    vpc_id: VpcId = Field(description="Existing VPC for the interface endpoints")
    vpc_cidr: VpcCidr = Field(
        description="The VPC's IPv4 CIDR (network address, /16 to /28); HTTPS from it may "
        "reach the endpoints"
    )
    subnet_ids: list[SubnetId] = Field(
        min_length=2, max_length=6, description="Private subnets for the endpoints (2-6)"
    )

    @field_validator("subnet_ids")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("subnet ids must be distinct")
        return value


class BuildConfig(StrictModel):
    compute_type: Literal[
        "BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"
    ] = "BUILD_GENERAL1_SMALL"
    image: Annotated[str, StringConstraints(pattern=r"^[a-z0-9./:_-]+$", max_length=200)] = (
        "aws/codebuild/standard:7.0"
    )
    timeout_minutes: Annotated[int, Field(ge=5, le=480)] = 60


class MlConfig(CommonConfig):
    """One ML use case. Tier-specific fields are checked against the tier."""

    use_case: Slug = Field(description="ML use case, e.g. customer-churn")
    workload: Slug | None = Field(default=None, description="Optional workload, e.g. realtime")
    team: TeamName = Field(
        description="The SEC team that owns the use case; its personas reach it by the team tag"
    )
    scenario: Literal["codecommit"] = Field(description="Source scenario; codecommit")
    tier: MlTier = Field(description="starter | professional | enterprise")
    branch: BranchName = Field(default="main", description="The branch the pipeline builds")
    artifact_bucket: BucketName | None = Field(
        default=None, description="starter only: existing S3 bucket for pipeline artifacts"
    )
    network: NetworkConfig | None = Field(
        default=None, description="enterprise only: VPC for endpoints"
    )
    log_retention_days: int = Field(default=90, description="enterprise: log retention in days")
    build: BuildConfig = Field(default_factory=BuildConfig)
    deployment: DeploymentConfig | None = Field(
        default=None,
        description="Optional: deploy through a stack set to accounts or OUs x regions "
        "(self-managed; `validate` says whether one template can serve every target)",
    )

    @field_validator("tier", mode="before")
    @classmethod
    def _tier_from_text(cls, value: object) -> object:
        return enum_from_text(MlTier, value)

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            allowed = ", ".join(str(d) for d in LOG_RETENTION_DAYS)
            raise ValueError(f"must be one of CloudWatch's retention periods: {allowed}")
        return value

    @model_validator(mode="after")
    def _tier_fields(self) -> MlConfig:
        problems = [
            Problem("tags", m)
            for m in tag_problems(self.tags, ML_RESERVED_TAG_KEYS, ML_OWN_TAGS_PER_RESOURCE)
        ]
        if self.tier is MlTier.STARTER and self.artifact_bucket is None:
            problems.append(
                Problem(
                    "artifact_bucket",
                    "required for the starter tier (an existing S3 bucket for pipeline artifacts)",
                )
            )
        regional = f"{self.company_prefix}-{self.env}-{self.tenant_id}-{self.region}-"
        if self.artifact_bucket is not None and not self.artifact_bucket.startswith(regional):
            # The tenant's permission boundary allows its roles only the tenant's buckets.
            problems.append(
                Problem(
                    "artifact_bucket",
                    f"must be one of the tenant's buckets, named {regional}*; the tenant's "
                    "permission boundary lets the pipeline's roles use no other bucket",
                )
            )
        if self.tier is not MlTier.STARTER and self.artifact_bucket is not None:
            problems.append(
                Problem(
                    "artifact_bucket",
                    f"only for the starter tier; the {self.tier.value} tier creates its own bucket",
                )
            )
        if self.tier is MlTier.ENTERPRISE and self.network is None:
            problems.append(
                Problem(
                    "network", "(vpc_id, vpc_cidr, subnet_ids) is required for the enterprise tier"
                )
            )
        if self.tier is not MlTier.ENTERPRISE and self.network is not None:
            problems.append(Problem("network", "only for the enterprise tier"))
        if self.deployment is not None:
            problems += partition_problems(self.deployment, self.region)
        if problems:
            raise FieldProblems(problems)
        return self
