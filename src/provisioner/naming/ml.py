"""Every physical name the ML provisioner derives from a config.

`MlNames(config)` gives the live names; `MlNames(config, suffix="t3f9a")` the names of a
test-deploy, which stay inside the operator policy's scope: `{ml_name}-{suffix}-...` for names
scoped by `{ml_name}-*`, `{short}-{suffix}-...` for IAM, `/ml/{ml_name}/{suffix}/...` for SSM
and logs, and `{ml_name}-{suffix}` for the bucket (its live name `{ml_name}-artifacts` leaves
no room for a suffix inside S3's 63 characters). A config whose `deployment` section reaches
accounts other than its own names the bucket `{ml_name}-{account id}`: S3 names are global,
and each account's instance of the stack set makes its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from provisioner.aws_limits import NamedThing, NameKind
from provisioner.config.ml import MlConfig
from provisioner.partition import Partition, partition_of

TEST_SUFFIX_PATTERN = re.compile(r"^t[0-9a-f]{4}$")
# The widest suffix, for checking that test-deploy names fit AWS limits too.
WIDEST_TEST_SUFFIX = "tffff"


def ml_name(config: MlConfig) -> str:
    parts = [config.company_prefix, config.env, config.tenant_id, config.region, config.use_case]
    if config.workload:
        parts.append(config.workload)
    return "-".join([*parts, "ml"])


def iam_short_prefix(config: MlConfig) -> str:
    """IAM is global, so IAM names omit the region (seed: 'short prefix pattern')."""
    return "-".join([config.company_prefix, config.env, config.tenant_id, config.use_case])


def config_file_stem(config: MlConfig) -> str:
    return f"{ml_name(config)}-{config.scenario}"


@dataclass(frozen=True)
class MlNames:
    config: MlConfig
    suffix: str | None = None

    def __post_init__(self) -> None:
        if self.suffix is not None and not TEST_SUFFIX_PATTERN.fullmatch(self.suffix):
            raise ValueError(f"test-deploy suffix must match {TEST_SUFFIX_PATTERN.pattern}")

    # -- roots -------------------------------------------------------------------------
    @cached_property
    def ml_name(self) -> str:
        return ml_name(self.config)

    @cached_property
    def short_prefix(self) -> str:
        return iam_short_prefix(self.config)

    @cached_property
    def base(self) -> str:
        """Root of names scoped by `{ml_name}-*`."""
        return f"{self.ml_name}-{self.suffix}" if self.suffix else self.ml_name

    @cached_property
    def iam_base(self) -> str:
        parts = [self.short_prefix]
        if self.config.workload:
            parts.append(self.config.workload)
        if self.suffix:
            parts.append(self.suffix)
        return "-".join(parts)

    @cached_property
    def path_root(self) -> str:
        """Root of SSM parameter and log group paths: `/ml/{ml_name}[/{suffix}]`."""
        root = f"/ml/{self.ml_name}"
        return f"{root}/{self.suffix}" if self.suffix else root

    @property
    def region(self) -> str:
        return self.config.region

    @property
    def account(self) -> str:
        return self.config.account_id

    # -- names -------------------------------------------------------------------------
    @property
    def stack(self) -> str:
        return f"{self.base}-stack"

    @property
    def model_package_group(self) -> str:
        return f"{self.base}-mpg"

    @property
    def sagemaker_pipeline(self) -> str:
        return f"{self.base}-model-build"

    @property
    def repository(self) -> str:
        return f"{self.base}-model-build"

    @property
    def build_project(self) -> str:
        return f"{self.base}-build"

    @property
    def pipeline(self) -> str:
        return f"{self.base}-pipeline"

    def role(self, purpose: str) -> str:
        return f"{self.iam_base}-{purpose}-role"

    def managed_policy(self, purpose: str) -> str:
        return f"{self.iam_base}-{purpose}-policy"

    def parameter(self, key: str) -> str:
        return f"{self.path_root}/{key}"

    @property
    def artifacts_bucket(self) -> str:
        if self.suffix:
            return f"{self.ml_name}-{self.suffix}"
        deployment = self.config.deployment
        if deployment is not None and deployment.reaches_other_accounts(self.account):
            # S3 names are global: through a stack set reaching other accounts, each account's
            # instance has its own (the account id is ${AWS::AccountId} there).
            return f"{self.ml_name}-{self.account}"
        return f"{self.ml_name}-artifacts"

    def events_rule(self, purpose: str) -> str:
        return f"{self.base}-{purpose}"

    @property
    def dashboard(self) -> str:
        return f"{self.base}-dashboard"

    @property
    def kms_alias(self) -> str:
        return f"alias/{self.base}"

    def log_group(self, purpose: str) -> str:
        return f"{self.path_root}/{purpose}"

    def topic(self, purpose: str) -> str:
        return f"{self.base}-{purpose}"

    @property
    def security_group(self) -> str:
        return f"{self.base}-endpoints-sg"

    # -- ARNs --------------------------------------------------------------------------
    @property
    def partition(self) -> Partition:
        return partition_of(self.region)

    def regional_arn(self, service: str, resource: str) -> str:
        return self.partition.arn(service, self.region, self.account, resource)

    def iam_arn(self, resource: str) -> str:
        return self.partition.iam_arn(self.account, resource)

    def s3_arn(self, resource: str) -> str:
        return self.partition.s3_arn(resource)


def unplanned_names(names: MlNames) -> list[NamedThing]:
    """Names the tool derives that are no resource of the stack, so no plan measures them:
    the SageMaker pipeline, which the build upserts (seed code)."""
    return [NamedThing(NameKind.SAGEMAKER_PIPELINE, names.sagemaker_pipeline)]
