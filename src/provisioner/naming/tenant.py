"""The names of a tenant's trust root: the bootstrap stack, its two permission boundaries and
where their ARNs are published (SPEC §7, "Trust root per tenant").

A tenant is `{company_prefix}-{env}-{tenant_id}` in one region and account; both tools' configs
name it, so both derive these names the same way. The boundaries' names carry the region
because the bootstrap runs once per tenant *and region*. They sit outside both operator
policies' naming scopes where they can (`…-boundary-…` is no SEC kind word), and both operator
policies deny every write to them explicitly, since an ML use case could be named so that its
IAM scope `{tenant}-{use_case}-*` covers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from provisioner.aws_limits import NamedThing, NameKind
from provisioner.partition import Partition, partition_of


class TenantConfig(Protocol):
    @property
    def company_prefix(self) -> str: ...
    @property
    def env(self) -> str: ...
    @property
    def tenant_id(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def account_id(self) -> str: ...


# What each boundary is for: the roles sec-provisioner makes, and ML workload roles.
SEC_BOUNDARY = "sec"
ML_BOUNDARY = "ml"
BOUNDARY_KINDS = (SEC_BOUNDARY, ML_BOUNDARY)


@dataclass(frozen=True)
class TenantNames:
    company_prefix: str
    env: str
    tenant_id: str
    region: str
    account: str

    @classmethod
    def of(cls, config: TenantConfig) -> TenantNames:
        return cls(
            config.company_prefix, config.env, config.tenant_id, config.region, config.account_id
        )

    @property
    def tenant(self) -> str:
        """`{prefix}-{env}-{tenant}`: the root of both tools' IAM names."""
        return f"{self.company_prefix}-{self.env}-{self.tenant_id}"

    @property
    def regional(self) -> str:
        """`{prefix}-{env}-{tenant}-{region}`: the root of regional names."""
        return f"{self.tenant}-{self.region}"

    @property
    def bootstrap_stack(self) -> str:
        return f"{self.regional}-bootstrap-stack"

    @property
    def partition(self) -> Partition:
        return partition_of(self.region)

    def regional_arn(self, service: str, resource: str) -> str:
        return self.partition.arn(service, self.region, self.account, resource)

    def iam_arn(self, resource: str) -> str:
        return self.partition.iam_arn(self.account, resource)

    @property
    def bootstrap_stack_arn_pattern(self) -> str:
        return self.regional_arn("cloudformation", f"stack/{self.bootstrap_stack}/*")

    @property
    def config_stem(self) -> str:
        """The bootstrap's files: `{prefix}-{env}-{tenant}-{region}-bootstrap…`."""
        return f"{self.regional}-bootstrap"

    def boundary_name(self, kind: str) -> str:
        if kind not in BOUNDARY_KINDS:
            raise ValueError(f"unknown boundary {kind!r}")
        return f"{self.regional}-{kind}-boundary"

    def boundary_arn(self, kind: str) -> str:
        return self.iam_arn(f"policy/{self.boundary_name(kind)}")

    @property
    def boundary_arns(self) -> tuple[str, ...]:
        return tuple(self.boundary_arn(k) for k in BOUNDARY_KINDS)

    @property
    def security_root(self) -> str:
        """SEC's SSM root, `/security/{prefix}-{env}-{tenant}-{region}`."""
        return f"/security/{self.regional}"

    @property
    def bootstrap_path(self) -> str:
        return f"{self.security_root}/bootstrap"

    def boundary_parameter(self, kind: str) -> str:
        return f"{self.bootstrap_path}/{kind}-boundary-arn"

    def boundary_reach_path(self, region: str) -> str:
        """Where the trust root says its SEC boundary reaches `region` too (a SEC stack set
        spanning it): deploy checks it is there."""
        return f"{self.bootstrap_path}/sec-boundary-reaches/{region}"

    def team_path(self, team: str) -> str:
        """Where sec-provisioner publishes a team's role ARNs."""
        return f"{self.security_root}/{team}"

    def persona_role_arn(self, team: str, persona_short: str) -> str:
        """The role sec-provisioner deploys for one persona of a team (SecNames.persona_role
        without a test-deploy suffix): ML stacks name it to grant the owning team's people."""
        return self.iam_arn(f"role/{self.tenant}-role-{team}-{persona_short}")

    def ssm_arn(self, path: str) -> str:
        return self.regional_arn("ssm", f"parameter{path}")

    def named_things(self) -> list[NamedThing]:
        things = [NamedThing(NameKind.STACK, self.bootstrap_stack)]
        for kind in BOUNDARY_KINDS:
            things.append(NamedThing(NameKind.IAM_POLICY, self.boundary_name(kind)))
            things.append(NamedThing(NameKind.SSM_PARAMETER, self.boundary_parameter(kind)))
        return things
