"""The SEC provisioner's config: one tenant's ML teams and trusted accounts (SPEC §2, §3)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from provisioner.config.common import (
    AccountId,
    CommonConfig,
    StrictModel,
    enum_from_text,
    reserved_tag_problems,
)


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


TeamName = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", min_length=2, max_length=16)
]
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
        default=None, description="Teams whose resources it may read (default: all)"
    )

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
    template_bucket: (
        Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")] | None
    ) = Field(default=None, description="medium/enterprise: bucket for templates over 51,200 B")

    @field_validator("tier", mode="before")
    @classmethod
    def _tier_from_text(cls, value: object) -> object:
        return enum_from_text(SecTier, value)

    @model_validator(mode="after")
    def _cross_field(self) -> SecConfig:
        problems = reserved_tag_problems(self.tags)
        names = [t.name for t in self.teams]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            problems.append(f"duplicate team names: {', '.join(duplicates)}")
        if len(self.teams) > self.tier.max_teams:
            problems.append(
                f"{len(self.teams)} teams exceed the {self.tier.value} tier's limit of "
                f"{self.tier.max_teams}; move up a tier"
            )
        if len(self.trusted_accounts) > self.tier.max_trusted_accounts:
            problems.append(
                f"{len(self.trusted_accounts)} trusted accounts exceed the {self.tier.value} "
                f"tier's limit of {self.tier.max_trusted_accounts}"
            )
        trusted_names = [a.name for a in self.trusted_accounts]
        if len(set(trusted_names)) != len(trusted_names):
            problems.append("trusted account names must be distinct")
        for account in self.trusted_accounts:
            if account.account_id == self.account_id:
                problems.append(
                    f"trusted account {account.name!r} is the tenant's own account "
                    f"{self.account_id}; cross-account roles are for other accounts"
                )
            unknown = sorted(set(account.teams or []) - set(names))
            if unknown:
                problems.append(
                    f"trusted account {account.name!r} names unknown teams: {', '.join(unknown)}"
                )
        prefix = f"{self.company_prefix}-{self.env}-{self.tenant_id}-{self.region}-"
        if self.tier is SecTier.SMALL and self.template_bucket is not None:
            problems.append("template_bucket is not used by the small tier")
        if self.tier is not SecTier.SMALL:
            if self.template_bucket is None:
                problems.append(
                    f"template_bucket is required for the {self.tier.value} tier "
                    f"(an existing bucket named {prefix}*)"
                )
            elif not self.template_bucket.startswith(prefix):
                problems.append(
                    f"template_bucket must be named {prefix}* to match the operator policy, "
                    f"got {self.template_bucket!r}"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self
