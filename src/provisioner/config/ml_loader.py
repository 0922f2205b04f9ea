"""Loading an ML provisioner config file."""

from __future__ import annotations

from pathlib import Path

from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES
from provisioner.config.loader import load_config
from provisioner.config.ml import MlConfig
from provisioner.errors import Problem
from provisioner.naming.ml import WIDEST_TEST_SUFFIX, config_file_stem, name_problems


def template_size_problems(config: MlConfig) -> list[Problem]:
    """ml-provisioner deploys its one stack by TemplateBody (the operator has no template
    bucket, nor S3 upload permission), so the template must fit CloudFormation's 51,200 bytes:
    live and in the test-deploy form, whose names are longer."""
    from provisioner.ml.plan import plan_stack

    for suffix, form in ((None, ""), (WIDEST_TEST_SUFFIX, " in its test-deploy form")):
        plan = plan_stack(config, suffix)
        size = plan.body_bytes
        if size <= TEMPLATE_BODY_MAX_BYTES:
            continue
        over = size - TEMPLATE_BODY_MAX_BYTES
        message = (
            f"the template of stack {plan.stack_name}{form} would be {size:,} bytes, over "
            f"CloudFormation's {TEMPLATE_BODY_MAX_BYTES:,}-byte TemplateBody limit "
            "(ml-provisioner deploys without a template bucket)"
        )
        untagged = plan_stack(config.model_copy(update={"tags": {}}), suffix).body_bytes
        if config.tags and untagged <= TEMPLATE_BODY_MAX_BYTES:
            tagged = sum("Tags" in r.properties for r in plan.resources)
            return [
                Problem(
                    "tags",
                    f"{message}: the {len(config.tags)} extra tags, copied onto each of its "
                    f"{tagged} tagged resources, add {size - untagged:,} bytes; use fewer or "
                    f"shorter tags (at least {over:,} bytes fewer)",
                )
            ]
        return [Problem("", f"{message}; shorten the names or use fewer tags")]
    return []


def region_problems(config: MlConfig) -> list[Problem]:
    """Resource types the config's stack (and the tenant's bootstrap before it) plans that the
    region does not offer: taken from the planner, so a type a tier adds is checked too."""
    from provisioner.bootstrap.plan import plan_bootstrap
    from provisioner.ml.plan import plan_stack
    from provisioner.naming.tenant import TenantNames
    from provisioner.region_services import availability_problems

    planned = {r.type for r in plan_stack(config).resources}
    planned |= {r.type for r in plan_bootstrap(TenantNames.of(config)).resources}
    what = f"the {config.tier.value} tier (scenario {config.scenario})"
    return [Problem("region", p) for p in availability_problems(config.region, planned, what)]


def derived_problems(config: MlConfig) -> list[str | Problem]:
    """A region without the tier's services, derived names over AWS's limits, or a template
    too big to deploy."""
    problems: list[str | Problem] = [*name_problems(config)]
    return problems or [*region_problems(config)] or [*template_size_problems(config)]


def load_ml_config(path: Path) -> MlConfig:
    return load_config(path, MlConfig, config_file_stem, derived_problems)
