"""Fields shared by ML and SEC configs (SPEC §2 inputs)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from provisioner.errors import Problem
from provisioner.naming.bucket import bucket_name_problems
from provisioner.partition import partition_of

E = TypeVar("E", bound=Enum)

_SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"


def _known_region(value: str) -> str:
    """A region of a supported partition (botocore's partition data; see partition.py)."""
    partition_of(value)  # raises UnsupportedRegion, a ValueError, with the reason
    return value


Token = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*$", min_length=2, max_length=16)]
TenantId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+$", min_length=2, max_length=8)]
Slug = Annotated[str, StringConstraints(pattern=_SLUG, min_length=2, max_length=40)]
Region = Annotated[str, AfterValidator(_known_region)]
# ASCII digits only: `\d` would also take Arabic-Indic or full-width digits into ARNs.
AccountId = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
# Names a team cannot take, in either config, because SEC's names already use them.
RESERVED_TEAM_NAMES = {
    "xacct": "the cross-account roles, policies and parameters are named with it",
    "bootstrap": "the tenant's trust root publishes its parameters under "
    "/security/{tenant}-{region}/bootstrap/",
}


def _not_reserved_team(value: str) -> str:
    if value in RESERVED_TEAM_NAMES:
        raise ValueError(f"{value!r} is reserved: {RESERVED_TEAM_NAMES[value]}; choose another")
    return value


# No two hyphens in a row: `--` ends the team name in its data buckets' names
# (naming/sec.py, team_data_bucket_pattern), so no team's pattern matches another's buckets.
TeamName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", min_length=2, max_length=16),
    AfterValidator(_not_reserved_team),
]
TagKey = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9 _.:/=+@-]+$", min_length=1, max_length=128)
]
TagValue = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 _.:/=+@-]*$", max_length=256)]

RESERVED_TAG_KEYS = frozenset(
    {"company", "env", "tenant", "use-case", "tier", "managed-by", "team"}
)

# Every resource type either tool tags takes at most 50 tags (IAM, SSM, S3, KMS, SageMaker,
# CodeBuild, CodePipeline, CodeCommit, EventBridge, Logs, SNS, EC2, CloudWatch).
MAX_TAGS_PER_RESOURCE = 50


class FieldProblems(ValueError):
    """Problems a validator finds, each with the field path it concerns (relative to the
    model or field validated), so the loader can report them one by one where they are."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.render() for p in problems))


def checked_by(rule: Callable[[str], list[str]]) -> AfterValidator:
    """A validator reporting each problem `rule` finds as a problem of its own at the field."""

    def check(value: str) -> str:
        problems = rule(value)
        if problems:
            raise FieldProblems([Problem("", p) for p in problems])
        return value

    return AfterValidator(check)


# An existing bucket a config names: S3's rules for general purpose buckets.
BucketName = Annotated[str, checked_by(bucket_name_problems)]


class StrictModel(BaseModel):
    """Unknown keys are errors; no silent type coercion; values never change after loading."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CommonConfig(StrictModel):
    company_prefix: Token = Field(description="Short company name, e.g. techcorp")
    env: Token = Field(description="Environment, e.g. dev, staging, prod")
    tenant_id: TenantId = Field(description="Tenant id, e.g. a001")
    region: Region = Field(description="AWS region code, e.g. us-west-2")
    account_id: AccountId = Field(description="12-digit AWS account id, quoted")
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict, description="Extra tags for every resource"
    )

    @property
    def is_prod(self) -> bool:
        return self.env == "prod"


def tag_problems(
    tags: dict[str, str], reserved: frozenset[str], own_per_resource: int
) -> list[str]:
    """The config's extra tags against the tool's own and AWS's limit per resource."""
    problems = [f"tag key {k!r} is set by the tool itself" for k in sorted(set(tags) & reserved)]
    problems += [
        f"tag key {k!r}: keys beginning with 'aws:' are reserved by AWS"
        for k in sorted(tags)
        if k.lower().startswith("aws:")
    ]
    room = MAX_TAGS_PER_RESOURCE - own_per_resource
    if len(tags) > room:
        problems.append(
            f"{len(tags)} tags is too many: AWS allows {MAX_TAGS_PER_RESOURCE} per resource and "
            f"the tool adds up to {own_per_resource} of its own, so at most {room}"
        )
    return problems


def enum_from_text(enum: type[E], value: object) -> object:
    """Strict mode refuses YAML text for an Enum field; accept exactly the enum's values.

    Anything else (a list, a number, nothing) is refused here too, so that the message names
    the allowed values rather than pydantic's "an instance of <class>".
    """
    if isinstance(value, enum):
        return value
    allowed = ", ".join(str(member.value) for member in enum)
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            raise ValueError(f"must be one of: {allowed} (got {value!r})") from None
    got = "nothing" if value is None else f"{type(value).__name__} {value!r}"
    raise ValueError(f"must be one of: {allowed} (got {got})")
