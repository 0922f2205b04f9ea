"""One run's plan of an ML use case, and what the plan would break before it reaches AWS.

Loading a config (config/ml_loader.py) checks its fields and derived names but plans nothing.
A run plans the stack here, once in each form it needs, and checks the plan: a resource type
the region does not offer, or a template too big to deploy by TemplateBody.
"""

from __future__ import annotations

from dataclasses import dataclass

from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES
from provisioner.bootstrap.plan import plan_bootstrap
from provisioner.cfn.template import StackPlan
from provisioner.config.ml import MlConfig
from provisioner.errors import InputError, Problem
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import WIDEST_TEST_SUFFIX
from provisioner.naming.tenant import TenantNames
from provisioner.region_services import availability_problems


@dataclass(frozen=True)
class MlPlan:
    """A use case's stack as deployed and in its test-deploy form under the widest suffix
    (the longest names a test-deploy gives it), and the tenant's bootstrap stack it needs."""

    config: MlConfig
    live: StackPlan
    test_form: StackPlan
    bootstrap: StackPlan


def plan_use_case(config: MlConfig) -> MlPlan:
    return MlPlan(
        config=config,
        live=plan_stack(config),
        test_form=plan_stack(config, WIDEST_TEST_SUFFIX),
        bootstrap=plan_bootstrap(TenantNames.of(config)),
    )


def region_problems(plan: MlPlan) -> list[Problem]:
    """Resource types the stack (and the tenant's bootstrap before it) plans that the region
    does not offer: read off the plan, so a type a tier adds is checked too."""
    config = plan.config
    planned = {r.type for stack in (plan.live, plan.bootstrap) for r in stack.resources}
    what = f"the {config.tier.value} tier (scenario {config.scenario})"
    return [Problem("region", p) for p in availability_problems(config.region, planned, what)]


def template_size_problems(plan: MlPlan) -> list[Problem]:
    """ml-provisioner deploys its one stack by TemplateBody (the operator has no template
    bucket, nor S3 upload permission), so the template must fit CloudFormation's 51,200 bytes:
    live and in the test-deploy form, whose names are longer."""
    config = plan.config
    for stack, suffix, form in (
        (plan.live, None, ""),
        (plan.test_form, WIDEST_TEST_SUFFIX, " in its test-deploy form"),
    ):
        size = stack.body_bytes
        if size <= TEMPLATE_BODY_MAX_BYTES:
            continue
        over = size - TEMPLATE_BODY_MAX_BYTES
        message = (
            f"the template of stack {stack.stack_name}{form} would be {size:,} bytes, over "
            f"CloudFormation's {TEMPLATE_BODY_MAX_BYTES:,}-byte TemplateBody limit "
            "(ml-provisioner deploys without a template bucket)"
        )
        if not config.tags:
            return [Problem("", f"{message}; shorten the names or use fewer tags")]
        # Whether the extra tags are to blame takes the stack planned without them: only a
        # config already refused pays for this second plan.
        untagged = plan_stack(config.model_copy(update={"tags": {}}), suffix).body_bytes
        if untagged > TEMPLATE_BODY_MAX_BYTES:
            return [Problem("", f"{message}; shorten the names or use fewer tags")]
        tagged = sum("Tags" in r.properties for r in stack.resources)
        return [
            Problem(
                "tags",
                f"{message}: the {len(config.tags)} extra tags, copied onto each of its "
                f"{tagged} tagged resources, add {size - untagged:,} bytes; use fewer or "
                f"shorter tags (at least {over:,} bytes fewer)",
            )
        ]
    return []


def plan_problems(plan: MlPlan) -> list[Problem]:
    """A region without the tier's services, else a template too big to deploy."""
    return region_problems(plan) or template_size_problems(plan)


def checked_plan(config: MlConfig, source: str) -> MlPlan:
    """The run's plan of a loaded config; InputError (from `source`) if the plan breaks a
    limit."""
    plan = plan_use_case(config)
    problems = plan_problems(plan)
    if problems:
        raise InputError(source, problems)
    return plan
