"""One run's plan of a SEC config, and what the plan would break before it reaches AWS.

Loading a config (config/sec_loader.py) checks its fields but plans nothing. Its derived names
need the plan: how many stacks the teams and trusted accounts take decides the stacks' names.
A run plans the stacks here once and checks them: names over AWS's limits, two teams or
accounts of one derived name, a resource type the region does not offer, a small-tier stack
too big for TemplateBody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES
from provisioner.bootstrap.plan import plan_bootstrap
from provisioner.cfn.template import StackPlan
from provisioner.config.sec import SecConfig, SecTier
from provisioner.errors import InputError, Problem
from provisioner.naming.sec import name_problems
from provisioner.naming.tenant import TenantNames
from provisioner.region_services import availability_problems, target_region_problems
from provisioner.sec.plan import duplicate_name_problems, plan_stacks_by_part
from provisioner.stack_sets.deployability import spans_regions


@dataclass(frozen=True)
class SecPlan:
    """A config's stacks in deploy order, the part of each name that tells them apart
    (`teams-01`, `xacct`, …), and the tenant's bootstrap stack (its trust root)."""

    config: SecConfig
    stacks: tuple[StackPlan, ...]
    parts: tuple[str, ...]
    bootstrap: StackPlan


def plan_tenant_iam(config: SecConfig) -> SecPlan:
    by_part = plan_stacks_by_part(config)
    return SecPlan(
        config=config,
        stacks=tuple(by_part.values()),
        parts=tuple(by_part),
        bootstrap=plan_bootstrap(TenantNames.of(config), spanned_tenants(config)),
    )


def spanned_tenants(config: SecConfig) -> tuple[TenantNames, ...]:
    """The tenant's names in the other regions its stack set spans, if it spans several."""
    deployment = config.deployment
    if deployment is None or not spans_regions(deployment):
        return ()
    return tuple(
        TenantNames.of(config.model_copy(update={"region": r}))
        for r in deployment.region_order
        if r != config.region
    )


def target_name_problems(plan: SecPlan) -> list[Problem]:
    """The names a stack set's instances give in each target region other than the config's:
    they hold their own region (stack_sets/neutral_template.py), which may be longer."""
    config = plan.config
    if config.deployment is None:
        return []
    return [
        Problem(f"deployment.targets.regions[{i}]", f"{problem} (in {region})")
        for i, region in enumerate(config.deployment.targets.regions)
        if region != config.region
        for problem in name_problems(config.model_copy(update={"region": region}), plan.parts)
    ]


def region_problems(plan: SecPlan) -> list[Problem]:
    """Resource types the tenant's bootstrap and the config's stacks plan that the region does
    not offer (read off the plan)."""
    planned = {r.type for stack in (*plan.stacks, plan.bootstrap) for r in stack.resources}
    what = f"the {plan.config.tier.value} tier"
    problems = [
        Problem("region", p) for p in availability_problems(plan.config.region, planned, what)
    ]
    return problems + target_region_problems(plan.config.deployment, planned, what)


def template_body_problems(config: SecConfig, stacks: Sequence[StackPlan]) -> list[Problem]:
    """The small tier deploys by TemplateBody (it has no template bucket): a stack over its
    limit needs the medium tier."""
    if config.tier is not SecTier.SMALL:
        return []
    return [
        Problem(
            "",
            f"stack {stack.stack_name} would be {stack.body_bytes:,} bytes, over the "
            f"{TEMPLATE_BODY_MAX_BYTES:,}-byte TemplateBody limit that the small tier "
            "deploys with; move up to the medium tier (templates uploaded to S3)",
        )
        for stack in stacks
        if stack.needs_template_url
    ]


def plan_problems(plan: SecPlan) -> list[Problem]:
    """Derived names over AWS's limits or shared by two things, else a region without the
    tier's services, else a small-tier stack too big to deploy by TemplateBody."""
    config = plan.config
    problems = [Problem("", p) for p in name_problems(config, plan.parts)]
    problems += duplicate_name_problems(config)
    return (
        problems
        or target_name_problems(plan)
        or region_problems(plan)
        or template_body_problems(config, plan.stacks)
    )


def checked_plan(config: SecConfig, source: str) -> SecPlan:
    """The run's plan of a loaded config; InputError (from `source`) if the plan breaks a
    limit or a naming rule."""
    plan = plan_tenant_iam(config)
    problems = plan_problems(plan)
    if problems:
        raise InputError(source, problems)
    return plan
