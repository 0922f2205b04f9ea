"""The SEC provisioner's config: one tenant's ML teams and trusted accounts (SPEC §2, §3)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from provisioner.config.common import (
    RESERVED_TAG_KEYS,
    AccountId,
    BucketName,
    CommonConfig,
    FieldProblems,
    StrictModel,
    TeamName,
    enum_from_text,
    tag_problems,
)
from provisioner.config.deployment import DeploymentConfig, partition_problems
from provisioner.errors import Problem

# The tool's tags (sec/resources.py): company, env, tenant, tier, managed-by on every resource,
# plus `team` on a team's resources or `trusted-account` on a cross-account role's.
SEC_RESERVED_TAG_KEYS = RESERVED_TAG_KEYS | {"team", "trusted-account"}
SEC_OWN_TAGS_PER_RESOURCE = 6


class SecTier(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    ENTERPRISE = "enterprise"

    @property
    def max_teams(self) -> int:
        return _MAX_TEAMS[self]

    @property
    def max_trusted_accounts(self) -> int:
        return _MAX_TRUSTED[self]


# The seed's image tag `medium-10` names the medium tier's team cap.
_MAX_TEAMS = {SecTier.SMALL: 3, SecTier.MEDIUM: 10, SecTier.ENTERPRISE: 50}
_MAX_TRUSTED = {SecTier.SMALL: 2, SecTier.MEDIUM: 5, SecTier.ENTERPRISE: 20}


class Persona(StrEnum):
    """Who works in a team; see docs/sec-permission-model.md for what each may do."""

    DATA_SCIENTIST = "data-scientist"
    ML_ENGINEER = "ml-engineer"
    VIEWER = "viewer"

    @property
    def short(self) -> str:
        return {"data-scientist": "ds", "ml-engineer": "mle", "viewer": "viewer"}[self.value]


ExternalId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+=,.@:/-]+$", max_length=1224)]
MIN_EXTERNAL_ID = 16


def _persona(value: object) -> object:
    return enum_from_text(Persona, value)


class Team(StrictModel):
    name: TeamName = Field(description="Team name, e.g. fraud")
    # Validated one by one so that a bad entry is reported with its index.
    personas: list[Annotated[Persona, BeforeValidator(_persona)]] = Field(
        description="Personas in the team"
    )

    @field_validator("personas")
    @classmethod
    def _non_empty(cls, value: list[Persona]) -> list[Persona]:
        if not value:
            raise ValueError("a team needs at least one persona")
        if len(set(value)) != len(value):
            raise ValueError("personas must not repeat")
        return value


class TrustedAccount(StrictModel):
    name: TeamName = Field(description="Short name of the trusted party, e.g. analytics")
    account_id: AccountId
    external_id: ExternalId = Field(description=f"At least {MIN_EXTERNAL_ID} characters")
    teams: list[TeamName] | None = Field(
        default=None, description="Teams whose resources it may read (omitted: all)"
    )

    @field_validator("teams", mode="before")
    @classmethod
    def _teams_given(cls, value: object) -> object:
        # Only "omitted" means every team: an empty list or a bare `teams:` (null) is more
        # likely a list someone forgot to fill in than a grant of everything.
        if value is None or value == []:
            written = "null (a bare `teams:`)" if value is None else "an empty list"
            raise ValueError(
                f"is {written}; omit `teams` to let the account read every team, "
                "or list the teams it may read"
            )
        return value

    @field_validator("teams")
    @classmethod
    def _teams_distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("teams must not repeat")
        return value

    @field_validator("external_id")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value) < MIN_EXTERNAL_ID:
            raise ValueError(
                f"external_id is {len(value)} characters; use at least {MIN_EXTERNAL_ID} "
                "(a random, unguessable value)"
            )
        return value


class SecConfig(CommonConfig):
    tier: SecTier = Field(description="small | medium | enterprise")
    teams: list[Team] = Field(min_length=1, description="The tenant's ML teams")
    trusted_accounts: list[TrustedAccount] = Field(default_factory=list)
    template_bucket: BucketName | None = Field(
        default=None, description="medium/enterprise: bucket for templates over 51,200 B"
    )
    deployment: DeploymentConfig | None = Field(
        default=None,
        description="Optional: deploy through a stack set to accounts or OUs x regions "
        "(self-managed; `validate` says whether one template can serve every target)",
    )

    @field_validator("tier", mode="before")
    @classmethod
    def _tier_from_text(cls, value: object) -> object:
        return enum_from_text(SecTier, value)

    @model_validator(mode="after")
    def _cross_field(self) -> SecConfig:
        problems = [
            Problem("tags", m)
            for m in tag_problems(self.tags, SEC_RESERVED_TAG_KEYS, SEC_OWN_TAGS_PER_RESOURCE)
        ]
        names = [t.name for t in self.teams]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            problems.append(Problem("teams", f"duplicate team names: {', '.join(duplicates)}"))
        if len(self.teams) > self.tier.max_teams:
            problems.append(
                Problem(
                    "teams",
                    f"{len(self.teams)} teams exceed the {self.tier.value} tier's limit of "
                    f"{self.tier.max_teams}; move up a tier",
                )
            )
        if len(self.trusted_accounts) > self.tier.max_trusted_accounts:
            problems.append(
                Problem(
                    "trusted_accounts",
                    f"{len(self.trusted_accounts)} trusted accounts exceed the "
                    f"{self.tier.value} tier's limit of {self.tier.max_trusted_accounts}",
                )
            )
        problems += self._trusted_account_problems(names)
        prefix = f"{self.company_prefix}-{self.env}-{self.tenant_id}-{self.region}-"
        if self.tier is SecTier.SMALL and self.template_bucket is not None:
            problems.append(Problem("template_bucket", "not used by the small tier"))
        if self.tier is not SecTier.SMALL:
            if self.template_bucket is None:
                problems.append(
                    Problem(
                        "template_bucket",
                        f"required for the {self.tier.value} tier "
                        f"(an existing bucket named {prefix}*)",
                    )
                )
            elif not self.template_bucket.startswith(prefix):
                problems.append(
                    Problem(
                        "template_bucket",
                        f"must be named {prefix}* to match the operator policy, "
                        f"got {self.template_bucket!r}",
                    )
                )
        if self.deployment is not None:
            problems += partition_problems(self.deployment, self.region)
        if problems:
            raise FieldProblems(problems)
        return self

    def _trusted_account_problems(self, team_names: list[str]) -> list[Problem]:
        problems = []
        first_by_name: dict[str, int] = {}
        first_by_id: dict[str, int] = {}
        for index, account in enumerate(self.trusted_accounts):
            at = f"trusted_accounts[{index}]"
            if account.name in first_by_name:
                problems.append(
                    Problem(
                        f"{at}.name",
                        f"{account.name!r} is already the name of "
                        f"trusted_accounts[{first_by_name[account.name]}]; names must be distinct",
                    )
                )
            first_by_name.setdefault(account.name, index)
            if account.account_id == self.account_id:
                problems.append(
                    Problem(
                        f"{at}.account_id",
                        f"{account.account_id} is the tenant's own account; cross-account "
                        "roles are for other accounts",
                    )
                )
            elif account.account_id in first_by_id:
                first = first_by_id[account.account_id]
                problems.append(
                    Problem(
                        f"{at}.account_id",
                        f"account {account.account_id} is already trusted as "
                        f"{self.trusted_accounts[first].name!r} (trusted_accounts[{first}]); "
                        "give each account one entry, listing every team it may read",
                    )
                )
            first_by_id.setdefault(account.account_id, index)
            unknown = sorted(set(account.teams or []) - set(team_names))
            if unknown:
                problems.append(
                    Problem(f"{at}.teams", f"names unknown teams: {', '.join(unknown)}")
                )
        return problems
