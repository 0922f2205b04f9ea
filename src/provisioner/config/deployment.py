"""The optional `deployment` section both configs share: deploy the config's stacks through a
CloudFormation stack set, to accounts or organizational units × regions (issue 14).

The rules are CloudFormation's (CreateStackSet, CreateStackInstances and
StackSetOperationPreferences in its API reference), checked here so that a bad combination is
refused at `validate` with the field it concerns, not by AWS halfway through a rollout:

- self-managed stack sets deploy to accounts only, with an administration and an execution
  role the tool can write (`create-stackset-roles`); service-managed ones deploy to
  organizational units (optionally narrowed or widened by accounts through an account filter),
  with auto-deployment and, for a delegated administrator, `CallAs: DELEGATED_ADMIN`;
- of failure tolerance and of max concurrency, a count or a percentage, never both; a count
  from 0 (tolerance) or 1 (concurrency), a percentage 0-100 or 1-100; in CloudFormation's
  default strict failure-tolerance mode, at most one more concurrent account than failures
  tolerated;
- the region order, when given, names each target region once.

Where in doubt the section is refused: every list is distinct, bounded and of ASCII ids.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from provisioner.config.common import (
    AccountId,
    BucketName,
    FieldProblems,
    Region,
    StrictModel,
    enum_from_text,
)
from provisioner.errors import Problem
from provisioner.partition import partition_of

# CloudFormation's pattern for DeploymentTargets.OrganizationalUnitIds: an OU id or the
# organization's root. ASCII classes only (no `\w`, no `\d`).
OU_ID_PATTERN = r"^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$"
OrganizationalUnitId = Annotated[str, StringConstraints(pattern=OU_ID_PATTERN)]

# Bounds that keep one config's rollout reviewable; CloudFormation's own quota is 2,000 stack
# instances per stack set, which these stay far below (100 × 50 would exceed it: checked).
MAX_TARGET_ACCOUNTS = 100
MAX_TARGET_OUS = 50
MAX_TARGET_REGIONS = 50
MAX_STACK_INSTANCES = 2000


class PermissionModel(StrEnum):
    SELF_MANAGED = "self-managed"
    SERVICE_MANAGED = "service-managed"

    @property
    def api(self) -> str:
        return {"self-managed": "SELF_MANAGED", "service-managed": "SERVICE_MANAGED"}[self.value]


class CallAs(StrEnum):
    SELF = "self"
    DELEGATED_ADMIN = "delegated-admin"

    @property
    def api(self) -> str:
        return {"self": "SELF", "delegated-admin": "DELEGATED_ADMIN"}[self.value]


class AccountFilter(StrEnum):
    """Service-managed only: how `accounts` combine with the OUs' accounts."""

    INTERSECTION = "intersection"  # only the listed accounts of the OUs
    DIFFERENCE = "difference"  # the OUs' accounts but the listed ones
    UNION = "union"  # the OUs' accounts and the listed ones

    @property
    def api(self) -> str:
        return self.value.upper()


class RegionConcurrency(StrEnum):
    SEQUENTIAL = "sequential"
    PARALLEL = "parallel"

    @property
    def api(self) -> str:
        return self.value.upper()


def _distinct(value: list[str]) -> list[str]:
    repeated = sorted({v for v in value if value.count(v) > 1})
    if repeated:
        raise ValueError(f"must not repeat: {', '.join(repeated)}")
    return value


class DeploymentTargets(StrictModel):
    accounts: Annotated[list[AccountId], Field(max_length=MAX_TARGET_ACCOUNTS)] | None = Field(
        default=None,
        description="12-digit account ids, quoted (self-managed; service-managed: with "
        "account_filter)",
    )
    organizational_units: (
        Annotated[list[OrganizationalUnitId], Field(max_length=MAX_TARGET_OUS)] | None
    ) = Field(default=None, description="service-managed only: ou-… or r-… ids")
    account_filter: AccountFilter | None = Field(
        default=None,
        description="service-managed with accounts: intersection | difference | union",
    )
    regions: Annotated[list[Region], Field(min_length=1, max_length=MAX_TARGET_REGIONS)] = Field(
        description="Regions to deploy to, in the config's partition"
    )

    @field_validator("account_filter", mode="before")
    @classmethod
    def _filter_from_text(cls, value: object) -> object:
        return None if value is None else enum_from_text(AccountFilter, value)

    @field_validator("accounts", "organizational_units", "regions")
    @classmethod
    def _each_once(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise ValueError("is an empty list; omit it or list at least one")
            _distinct(value)
        return value


class AutoDeployment(StrictModel):
    enabled: bool = Field(default=True, description="deploy to accounts that join a target OU")
    retain_stacks_on_account_removal: bool = Field(
        default=False, description="keep the stacks of an account that leaves (enabled only)"
    )

    @model_validator(mode="after")
    def _retain_needs_enabled(self) -> AutoDeployment:
        if self.retain_stacks_on_account_removal and not self.enabled:
            raise FieldProblems(
                [
                    Problem(
                        "retain_stacks_on_account_removal",
                        "only with enabled: true (CloudFormation keeps or removes stacks only "
                        "when it deploys automatically)",
                    )
                ]
            )
        return self


class OperationPreferences(StrictModel):
    failure_tolerance_count: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="accounts per region that may fail (default 0)"
    )
    failure_tolerance_percentage: Annotated[int, Field(ge=0, le=100)] | None = None
    max_concurrent_count: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="accounts per region at a time (default 1)"
    )
    max_concurrent_percentage: Annotated[int, Field(ge=1, le=100)] | None = None
    region_concurrency: Annotated[
        RegionConcurrency, BeforeValidator(lambda v: enum_from_text(RegionConcurrency, v))
    ] = Field(default=RegionConcurrency.SEQUENTIAL, description="sequential | parallel")
    region_order: list[Region] | None = Field(
        default=None, description="each target region once (default: regions as given)"
    )

    @field_validator("region_order")
    @classmethod
    def _an_order_names_regions(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:  # fail closed: no order is not "any order"
            raise ValueError("is an empty list; omit it (regions as given) or name each region")
        return value

    @model_validator(mode="after")
    def _one_of_each(self) -> OperationPreferences:
        problems = []
        if self.failure_tolerance_count is not None and (
            self.failure_tolerance_percentage is not None
        ):
            problems.append(
                Problem(
                    "failure_tolerance_percentage",
                    "give failure_tolerance_count or failure_tolerance_percentage, not both",
                )
            )
        if self.max_concurrent_count is not None and self.max_concurrent_percentage is not None:
            problems.append(
                Problem(
                    "max_concurrent_percentage",
                    "give max_concurrent_count or max_concurrent_percentage, not both",
                )
            )
        if (
            self.failure_tolerance_percentage is None
            and self.max_concurrent_percentage is None
            and self.max_concurrent_count_or_default > self.failure_tolerance_count_or_default + 1
        ):
            problems.append(
                Problem(
                    "max_concurrent_count",
                    f"{self.max_concurrent_count_or_default} exceeds failure tolerance + 1 "
                    f"({self.failure_tolerance_count_or_default + 1}): CloudFormation's strict "
                    "failure tolerance runs at most one more account at a time than may fail",
                )
            )
        if problems:
            raise FieldProblems(problems)
        return self

    @property
    def failure_tolerance_count_or_default(self) -> int:
        return 0 if self.failure_tolerance_count is None else self.failure_tolerance_count

    @property
    def max_concurrent_count_or_default(self) -> int:
        return 1 if self.max_concurrent_count is None else self.max_concurrent_count


class DeploymentConfig(StrictModel):
    """Where a stack set deploys the config's stacks, and how."""

    targets: DeploymentTargets
    permission_model: PermissionModel = Field(description="self-managed | service-managed")
    auto_deployment: AutoDeployment | None = Field(
        default=None,
        description="service-managed only (default: enabled, stacks removed with the account)",
    )
    call_as: CallAs | None = Field(
        default=None, description="service-managed only: self | delegated-admin (default self)"
    )
    operation_preferences: OperationPreferences = Field(default_factory=OperationPreferences)
    canary_account: AccountId | None = Field(
        default=None,
        description="the account test-deploy deploys its canary to: self-managed, one of "
        "targets.accounts (default: the config's own where targeted, else the first); "
        "service-managed, an account of the OUs (required for test-deploy there)",
    )
    template_bucket: BucketName | None = Field(
        default=None,
        description="service-managed only, and required there: the bucket an administrator "
        "publishes the reviewed stack-set templates to (templates/{sha256}.json), which the "
        "operator may read but not write",
    )

    @field_validator("permission_model", mode="before")
    @classmethod
    def _model_from_text(cls, value: object) -> object:
        return enum_from_text(PermissionModel, value)

    @field_validator("call_as", mode="before")
    @classmethod
    def _call_as_from_text(cls, value: object) -> object:
        return None if value is None else enum_from_text(CallAs, value)

    @model_validator(mode="after")
    def _combinations(self) -> DeploymentConfig:
        problems = self._target_problems()
        if self.permission_model is PermissionModel.SELF_MANAGED:
            for field in ("auto_deployment", "call_as"):
                if getattr(self, field) is not None:
                    problems.append(
                        Problem(
                            field,
                            "service-managed only: a self-managed stack set deploys through "
                            "its administration and execution roles",
                        )
                    )
            if self.template_bucket is not None:
                problems.append(
                    Problem(
                        "template_bucket",
                        "service-managed only: a self-managed stack set deploys the templates "
                        "the tool generates, bounded by its execution role",
                    )
                )
        problems += self._order_problems()
        listed = self.targets.accounts or []
        if (
            self.permission_model is PermissionModel.SELF_MANAGED
            and self.canary_account is not None
            and self.canary_account not in listed
        ):
            problems.append(
                Problem(
                    "canary_account",
                    f"{self.canary_account} is not one of targets.accounts: the canary is one "
                    "of the set's own targets",
                )
            )
        if problems:
            raise FieldProblems(problems)
        return self

    def _target_problems(self) -> list[Problem]:
        t = self.targets
        problems = []
        if self.permission_model is PermissionModel.SELF_MANAGED:
            if t.organizational_units is not None:
                problems.append(
                    Problem(
                        "targets.organizational_units",
                        "service-managed only: a self-managed stack set deploys to accounts; "
                        "list them in targets.accounts or use permission_model: service-managed",
                    )
                )
            if t.accounts is None:
                problems.append(
                    Problem("targets.accounts", "required for a self-managed stack set")
                )
            if t.account_filter is not None:
                problems.append(
                    Problem("targets.account_filter", "service-managed only (it filters OUs)")
                )
        else:
            if self.template_bucket is None:
                problems.append(
                    Problem(
                        "template_bucket",
                        "required for a service-managed stack set: CloudFormation deploys it "
                        "with administrator rights in every member account, so the operator "
                        "may deploy only templates an administrator has published to this "
                        "bucket (the operator policy pins their URLs)",
                    )
                )
            if t.organizational_units is None:
                problems.append(
                    Problem(
                        "targets.organizational_units",
                        "required for a service-managed stack set (it deploys to OUs; "
                        "accounts only narrow or widen them through account_filter)",
                    )
                )
            if t.accounts is not None and t.account_filter is None:
                problems.append(
                    Problem(
                        "targets.account_filter",
                        "required with targets.accounts in a service-managed stack set: "
                        "intersection, difference or union with the OUs' accounts",
                    )
                )
            if t.accounts is None and t.account_filter is not None:
                problems.append(
                    Problem("targets.account_filter", "filters by targets.accounts: list them")
                )
        instances = len(t.accounts or ()) * len(t.regions)
        if instances > MAX_STACK_INSTANCES:
            problems.append(
                Problem(
                    "targets",
                    f"{instances} stack instances exceed CloudFormation's "
                    f"{MAX_STACK_INSTANCES} per stack set",
                )
            )
        return problems

    def _order_problems(self) -> list[Problem]:
        order = self.operation_preferences.region_order
        if order is None:
            return []
        regions = self.targets.regions
        if sorted(order) != sorted(regions) or len(set(order)) != len(order):
            return [
                Problem(
                    "operation_preferences.region_order",
                    f"must name each of targets.regions once ({', '.join(regions)}), got "
                    f"{', '.join(order) or 'nothing'}",
                )
            ]
        return []

    def reaches_other_accounts(self, account: str) -> bool:
        """Whether an instance may be in an account other than `account` (the config's): a
        service-managed set's always may (its OUs' accounts)."""
        if self.permission_model is PermissionModel.SERVICE_MANAGED:
            return True
        return any(a != account for a in self.targets.accounts or ())

    @property
    def region_order(self) -> list[str]:
        """The order CloudFormation deploys in: as configured, else the regions as given."""
        return list(self.operation_preferences.region_order or self.targets.regions)

    @property
    def auto_deployment_or_default(self) -> AutoDeployment | None:
        if self.permission_model is PermissionModel.SELF_MANAGED:
            return None
        return self.auto_deployment or AutoDeployment()

    @property
    def call_as_or_default(self) -> CallAs | None:
        if self.permission_model is PermissionModel.SELF_MANAGED:
            return None
        return self.call_as or CallAs.SELF


def partition_problems(deployment: DeploymentConfig, region: str) -> list[Problem]:
    """Target regions outside the config's partition: one stack set stays in one partition."""
    partition = partition_of(region).name
    return [
        Problem(
            f"deployment.targets.regions[{i}]",
            f"{r!r} is in partition {partition_of(r).name}, but the config's region "
            f"{region!r} is in {partition}; a stack set deploys within one partition",
        )
        for i, r in enumerate(deployment.targets.regions)
        if partition_of(r).name != partition
    ]
