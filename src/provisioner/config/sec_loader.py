"""Loading a SEC provisioner config file."""

from __future__ import annotations

from pathlib import Path

from provisioner.config.loader import load_config
from provisioner.config.sec import SecConfig, SecTier
from provisioner.errors import Problem
from provisioner.naming.sec import config_file_stem, name_problems


def region_problems(config: SecConfig) -> list[Problem]:
    """Resource types the tenant's bootstrap and the config's stacks plan that the region does
    not offer (taken from the planners)."""
    from provisioner.bootstrap.plan import plan_bootstrap
    from provisioner.naming.tenant import TenantNames
    from provisioner.region_services import availability_problems
    from provisioner.sec.plan import plan_stacks

    planned = {r.type for plan in plan_stacks(config) for r in plan.resources}
    planned |= {r.type for r in plan_bootstrap(TenantNames.of(config)).resources}
    what = f"the {config.tier.value} tier"
    return [Problem("region", p) for p in availability_problems(config.region, planned, what)]


def derived_problems(config: SecConfig) -> list[str | Problem]:
    """What the config's region, derived names and stacks would break: a service the region
    lacks, AWS limits, two things of one name, a small-tier stack too big to deploy by
    TemplateBody."""
    from provisioner.sec.plan import duplicate_name_problems, plan_stacks, stack_parts

    problems: list[str | Problem] = [
        *name_problems(config, stack_parts(config)),
        *duplicate_name_problems(config),
    ]
    if not problems:
        problems += region_problems(config)
    if problems or config.tier is not SecTier.SMALL:
        return problems
    from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES

    for plan in plan_stacks(config):
        if plan.needs_template_url:
            problems.append(
                f"stack {plan.stack_name} would be {plan.body_bytes:,} bytes, over the "
                f"{TEMPLATE_BODY_MAX_BYTES:,}-byte TemplateBody limit that the small tier "
                "deploys with; move up to the medium tier (templates uploaded to S3)"
            )
    return problems


def load_sec_config(path: Path) -> SecConfig:
    return load_config(path, SecConfig, config_file_stem, derived_problems)
