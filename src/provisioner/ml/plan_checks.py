"""One run's plan of an ML use case, and what the plan would break before it reaches AWS.

Loading a config (config/ml_loader.py) checks its fields but plans nothing. A run plans the
stack here, once in each form it needs, and checks the plan: a derived name over its AWS limit,
a resource type the region does not offer, or a template too big to deploy by TemplateBody.
"""

from __future__ import annotations

from dataclasses import dataclass

from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES, NamedThing
from provisioner.bootstrap.plan import plan_bootstrap
from provisioner.cfn.template import StackPlan
from provisioner.config.ml import MlConfig
from provisioner.errors import InputError, Problem
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import WIDEST_TEST_SUFFIX, MlNames, unplanned_names
from provisioner.naming.planned import planned_names
from provisioner.naming.tenant import TenantNames
from provisioner.region_services import availability_problems, target_region_problems


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


def live_names(plan: MlPlan) -> list[NamedThing]:
    """The names a deploy gives: the tenant's trust root (deploy needs it), then the stack's,
    each read off its plan (naming/planned.py), then the one the stack does not hold."""
    return [
        *planned_names(plan.bootstrap),
        *planned_names(plan.live),
        *unplanned_names(MlNames(plan.config)),
    ]


def names_in_test_form(plan: MlPlan) -> list[NamedThing]:
    """The longest names a test-deploy gives the stack: under the widest suffix."""
    names = MlNames(plan.config, WIDEST_TEST_SUFFIX)
    return [*planned_names(plan.test_form), *unplanned_names(names)]


def name_problems(plan: MlPlan) -> list[Problem]:
    """Live names over their AWS limits; only if those fit, the test-deploy form's."""
    problems = [p for thing in live_names(plan) for p in thing.problems()]
    bucket = MlNames(plan.config).artifacts_bucket
    if problems:
        return [Problem("", p + _why_bucket_holds_the_account(plan, bucket, p)) for p in problems]
    test = [p for thing in names_in_test_form(plan) for p in thing.problems()]
    return [Problem("", f"{p} (test-deploy form)") for p in test]


def _why_bucket_holds_the_account(plan: MlPlan, bucket: str, problem: str) -> str:
    deployment = plan.config.deployment
    if repr(bucket) not in problem or deployment is None:
        return ""
    if not deployment.reaches_other_accounts(plan.config.account_id):
        return ""
    return (
        " (the deployment section reaches accounts other than the config's, so the artifacts "
        "bucket is named {ml_name}-{account id}, one per account: shorten use_case or workload)"
    )


def target_name_problems(plan: MlPlan) -> list[Problem]:
    """The names a stack set's instances give in each target region other than the config's:
    they hold their own region (stack_sets/neutral_template.py), which may be longer."""
    config = plan.config
    if config.deployment is None:
        return []
    return [
        Problem(f"deployment.targets.regions[{i}]", f"{problem.message} (in {region})")
        for i, region in enumerate(config.deployment.targets.regions)
        if region != config.region
        for problem in name_problems(plan_use_case(config.model_copy(update={"region": region})))
    ]


def region_problems(plan: MlPlan) -> list[Problem]:
    """Resource types the stack (and the tenant's bootstrap before it) plans that the region
    does not offer: read off the plan, so a type a tier adds is checked too."""
    config = plan.config
    planned = {r.type for stack in (plan.live, plan.bootstrap) for r in stack.resources}
    what = f"the {config.tier.value} tier (scenario {config.scenario})"
    problems = [Problem("region", p) for p in availability_problems(config.region, planned, what)]
    return problems + target_region_problems(config.deployment, planned, what)


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
    """Derived names over AWS's limits, else a region without the tier's services, else a
    template too big to deploy."""
    return (
        name_problems(plan)
        or target_name_problems(plan)
        or region_problems(plan)
        or template_size_problems(plan)
    )


def checked_plan(config: MlConfig, source: str) -> MlPlan:
    """The run's plan of a loaded config; InputError (from `source`) if the plan breaks a
    limit."""
    plan = plan_use_case(config)
    problems = plan_problems(plan)
    if problems:
        raise InputError(source, problems)
    return plan
