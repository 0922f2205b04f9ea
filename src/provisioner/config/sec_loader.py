"""Loading a SEC provisioner config file."""

from __future__ import annotations

from pathlib import Path

from provisioner.config.loader import load_config
from provisioner.config.sec import SecConfig, SecTier
from provisioner.errors import Problem
from provisioner.naming.sec import config_file_stem, name_problems


def derived_problems(config: SecConfig) -> list[str | Problem]:
    """What the config's derived names and stacks would break: AWS limits, two things of one
    name, a small-tier stack too big to deploy by TemplateBody."""
    from provisioner.sec.plan import duplicate_name_problems, plan_stacks, stack_parts

    problems: list[str | Problem] = [
        *name_problems(config, stack_parts(config)),
        *duplicate_name_problems(config),
    ]
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
