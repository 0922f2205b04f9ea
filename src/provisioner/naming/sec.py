"""Every physical name the SEC provisioner derives (SPEC §2: `{prefix}-{env}-{tenant}-
{group|role|xacct|policy}-*`, stacks `{prefix}-{env}-{tenant}-{region}-*-sec-stack`, SSM
`/security/{prefix}-{env}-{tenant}-{region}/*`).

With a test-deploy suffix, the suffix follows the kind word (`-role-t3f9a-...`), the region
(`...-{region}-t3f9a-...-sec-stack`) and the SSM root, so every name stays inside the scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from provisioner.aws_limits import NamedThing, NameKind
from provisioner.config.sec import Persona, SecConfig
from provisioner.naming.ml import TEST_SUFFIX_PATTERN, WIDEST_TEST_SUFFIX
from provisioner.naming.tenant import TenantNames
from provisioner.partition import Partition, partition_of

# Teams one cross-account read policy covers (about 170 characters each, within 6,144).
TEAMS_PER_XACCT_POLICY = 20


def tenant_prefix(config: SecConfig) -> str:
    return f"{config.company_prefix}-{config.env}-{config.tenant_id}"


def regional_prefix(config: SecConfig) -> str:
    return f"{tenant_prefix(config)}-{config.region}"


def config_file_stem(config: SecConfig) -> str:
    return f"{regional_prefix(config)}-sec"


@dataclass(frozen=True)
class SecNames:
    config: SecConfig
    suffix: str | None = None

    def __post_init__(self) -> None:
        if self.suffix is not None and not TEST_SUFFIX_PATTERN.fullmatch(self.suffix):
            raise ValueError(f"test-deploy suffix must match {TEST_SUFFIX_PATTERN.pattern}")

    @cached_property
    def tenant(self) -> str:
        return tenant_prefix(self.config)

    @cached_property
    def regional(self) -> str:
        return regional_prefix(self.config)

    @property
    def account(self) -> str:
        return self.config.account_id

    @property
    def region(self) -> str:
        return self.config.region

    def _iam(self, kind: str, rest: str) -> str:
        middle = f"{self.suffix}-" if self.suffix else ""
        return f"{self.tenant}-{kind}-{middle}{rest}"

    def group(self, team: str, persona: Persona) -> str:
        return self._iam("group", f"{team}-{persona.short}")

    def persona_role(self, team: str, persona: Persona) -> str:
        return self._iam("role", f"{team}-{persona.short}")

    def execution_role(self, team: str) -> str:
        return self._iam("role", f"{team}-sagemaker")

    def team_policy(self, team: str, what: str) -> str:
        return self._iam("policy", f"{team}-{what}")

    def xacct_role(self, name: str) -> str:
        return self._iam("xacct", name)

    def xacct_policy(self, name: str, part: int = 1) -> str:
        """Reading many teams takes more than one policy's 6,144 characters: parts 2, 3…"""
        return self._iam("policy", f"xacct-{name}" + (f"-{part}" if part > 1 else ""))

    def stack(self, part: str) -> str:
        middle = f"{self.suffix}-" if self.suffix else ""
        return f"{self.regional}-{middle}{part}-sec-stack"

    @property
    def ssm_root(self) -> str:
        root = f"/security/{self.regional}"
        return f"{root}/{self.suffix}" if self.suffix else root

    def parameter(self, *parts: str) -> str:
        return "/".join([self.ssm_root, *parts])

    def team_data_bucket_pattern(self, team: str) -> str:
        """Buckets a team owns are named `{prefix}-{env}-{tenant}-{region}-{team}--*`.

        The `--` ends the team name (team names cannot hold two hyphens in a row): with a single
        hyphen, team `fraud`'s pattern `…-fraud-*` would also match team `fraud-ops`' buckets.
        """
        return f"{self.regional}-{team}--*"

    @property
    def partition(self) -> Partition:
        return partition_of(self.region)

    def iam_arn(self, resource: str) -> str:
        return self.partition.iam_arn(self.account, resource)

    def regional_arn(self, service: str, resource: str) -> str:
        return self.partition.arn(service, self.region, self.account, resource)

    def s3_arn(self, resource: str) -> str:
        return self.partition.s3_arn(resource)


def named_things(names: SecNames, stack_parts: Sequence[str]) -> list[NamedThing]:
    """Every derived name; `stack_parts` tell the stacks apart (see sec/plan.py)."""
    config = names.config
    things = [NamedThing(NameKind.STACK, names.stack(p)) for p in stack_parts]
    for team in config.teams:
        for persona in team.personas:
            things.append(NamedThing(NameKind.IAM_GROUP, names.group(team.name, persona)))
            things.append(NamedThing(NameKind.IAM_ROLE, names.persona_role(team.name, persona)))
            things.append(
                NamedThing(NameKind.IAM_POLICY, names.team_policy(team.name, persona.short))
            )
        things.append(NamedThing(NameKind.IAM_ROLE, names.execution_role(team.name)))
        things.append(NamedThing(NameKind.IAM_POLICY, names.team_policy(team.name, "sagemaker")))
    for account in config.trusted_accounts:
        things.append(NamedThing(NameKind.IAM_ROLE, names.xacct_role(account.name)))
        things.append(NamedThing(NameKind.IAM_POLICY, names.xacct_policy(account.name, 9)))
    return things


def name_problems(config: SecConfig, stack_parts: Sequence[str]) -> list[str]:
    # The tenant's trust root (bootstrap stack, boundaries, their parameters) too.
    live = [*TenantNames.of(config).named_things(), *named_things(SecNames(config), stack_parts)]
    problems = [p for t in live for p in t.problems()]
    if problems:
        return problems
    test = named_things(SecNames(config, WIDEST_TEST_SUFFIX), stack_parts)
    return [f"{p} (test-deploy form)" for t in test for p in t.problems()]
