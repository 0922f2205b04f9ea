"""A config with a `deployment` section deploys its stacks through stack sets. What the CLI
turns that section into for the engine (deploy/stack_set_target.py), and what it refuses:

- `show-changes`, `deploy`, `status`, `detect-drift` and `delete` run through self-managed
  stack sets, each stack's template in its neutral form (stack_sets/neutral_template.py: the
  account and region as pseudo parameters), when one such template can serve every target
  (stack_sets/deployability.py); any other section is refused, saying why;
- `test-deploy` deploys the stacks' test-deploy form as stack sets of their own on one canary
  account and region (`canary`), then deletes them;
- a saved plan is refused: it holds change sets, which stack sets have none of;
- bootstrap deploys the trust root to the config's own account, as without the section; each
  other target account's administrator bootstraps it there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES
from provisioner.cfn.template import StackPlan, render_json
from provisioner.cli.invocation import Invocation
from provisioner.cli.local_actions import template_key
from provisioner.cli.manifest import stack_set_template_path
from provisioner.config.deployment import DeploymentConfig, OperationPreferences, PermissionModel
from provisioner.deploy.stack_set_target import StackSetTarget
from provisioner.deploy.target import PublishedAt, StackTemplate
from provisioner.errors import InputError
from provisioner.policy.document import PolicyDocument
from provisioner.stack_sets.deployability import not_deployable_because, planned_regions
from provisioner.stack_sets.neutral_template import neutral_body
from provisioner.stack_sets.published import canary_suffix, content_key
from provisioner.stack_sets.roles import StackSetSubject
from provisioner.stack_sets.service_managed_policy import ServiceManagedSubject
from provisioner.stack_sets.spanning_template import set_template

STACK_SET_ACTIONS = ("show-changes", "deploy", "test-deploy", "status", "detect-drift", "delete")


def _refuse(inv: Invocation, why: str) -> InputError:
    return InputError(f"{inv.config}: deployment", f"{why} (nothing was done)")


# The bodies of the stacks given beside it (same order, same form) as planned for the config
# moved to another region: what a set spanning several regions is made of.
Regional = Callable[[str], Sequence[str]]


def planned_templates(
    deployment: DeploymentConfig,
    region: str,
    stacks: Sequence[StackTemplate],
    regional: Regional,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Each stack (name → region → its template there, for each of
    deployability.planned_regions)."""
    others = {r: regional(r) for r in planned_regions(deployment, region)[1:]}
    return {
        s.stack_name: {
            region: s.document,
            **{r: json.loads(bodies[i]) for r, bodies in others.items()},
        }
        for i, s in enumerate(stacks)
    }


def planned_templates_of(
    deployment: DeploymentConfig | None,
    region: str,
    plans: Sequence[StackPlan],
    regional: Regional,
) -> dict[str, dict[str, dict[str, Any]]]:
    """planned_templates of the plans, for validate's summary; nothing without the section."""
    if deployment is None:
        return {}
    stacks = [StackTemplate(p.stack_name, p.render()) for p in plans]
    return planned_templates(deployment, region, stacks, regional)


def set_bodies(
    deployment: DeploymentConfig,
    account: str,
    region: str,
    stacks: Sequence[StackTemplate],
    regional: Regional,
) -> dict[str, str]:
    """Each stack's template as its stack set deploys it everywhere (stack → body): neutral,
    spanning when the set has several regions (NotNeutral, NotSpanning when it cannot be)."""
    planned = planned_templates(deployment, region, stacks, regional)
    return {
        stack: render_json(set_template(templates, account, region))
        for stack, templates in planned.items()
    }


def refuse_undeployable(
    inv: Invocation,
    deployment: DeploymentConfig,
    account: str,
    region: str,
    stacks: tuple[StackTemplate, ...],
    regional: Regional,
) -> None:
    """InputError (exit 2) for a section the AWS actions cannot deploy today, saying why."""
    templates = planned_templates(deployment, region, stacks, regional)
    why = not_deployable_because(deployment, account, region, templates)
    if why is not None:
        raise _refuse(inv, why)


@dataclass(frozen=True)
class StackSetDeployment:
    """What a deploy through stack sets is given: the engine's target, and the stacks'
    templates in their neutral form."""

    target: StackSetTarget
    stacks: tuple[StackTemplate, ...]


def stack_set_deployment(
    inv: Invocation,
    deployment: DeploymentConfig | None,
    subject: Callable[[], StackSetSubject],
    account: str,
    region: str,
    stacks: tuple[StackTemplate, ...],
    regional: Regional,
    template_bucket: str | None = None,
) -> StackSetDeployment | None:
    """None for a config without a `deployment` section; InputError (exit 2) for what is
    refused (the module's docstring). `regional`: `stacks` as planned in another region."""
    if deployment is None:
        return None
    if inv.action not in STACK_SET_ACTIONS:
        raise _refuse(
            inv,
            f"--action {inv.action} is not built for stack sets yet; "
            f"{', '.join(STACK_SET_ACTIONS)} are. Remove `deployment` to work on the stacks "
            "in the config's own account instead",
        )
    refuse_undeployable(inv, deployment, account, region, stacks, regional)
    # test-deploy's canary is one region: its sets need no spanning template.
    bodies = (
        {s.stack_name: neutral_body(s.body, account, region) for s in stacks}
        if inv.action == "test-deploy"
        else set_bodies(deployment, account, region, stacks, regional)
    )
    if deployment.permission_model is PermissionModel.SERVICE_MANAGED:
        return _service_managed(inv, deployment, account, region, stacks, bodies)
    made = subject()
    admin = made.partition.iam_arn(
        made.administration_account, f"role/{made.names.administration_role}"
    )
    accounts = tuple(deployment.targets.accounts or ())
    regions = tuple(deployment.region_order)
    if inv.action == "test-deploy":
        accounts, regions = canary(accounts, regions, account, region, deployment.canary_account)
    target = StackSetTarget(
        permission_model="SELF_MANAGED",
        regions=regions,
        accounts=accounts,
        preferences=api_preferences(deployment.operation_preferences, list(regions)),
        administration_role_arn=admin,
        execution_role_name=made.names.execution_role,
    )
    neutral = tuple(
        _neutral(inv, s.stack_name, bodies[s.stack_name], template_bucket) for s in stacks
    )
    return StackSetDeployment(target, neutral)


def _service_managed(
    inv: Invocation,
    deployment: DeploymentConfig,
    account: str,
    region: str,
    stacks: tuple[StackTemplate, ...],
    bodies: dict[str, str],
) -> StackSetDeployment:
    """Each stack deployed by the URL of its published neutral template (published.py),
    which deploy reads back and compares before anything changes."""
    bucket = deployment.template_bucket
    if bucket is None:  # validation requires it for service-managed
        raise _refuse(inv, "template_bucket is required for a service-managed stack set")
    auto = deployment.auto_deployment_or_default
    call_as = deployment.call_as_or_default
    filtered = deployment.targets.account_filter
    target = StackSetTarget(
        permission_model="SERVICE_MANAGED",
        regions=tuple(deployment.region_order),
        accounts=tuple(deployment.targets.accounts) if deployment.targets.accounts else None,
        organizational_units=tuple(deployment.targets.organizational_units or ()),
        account_filter=None if filtered is None else filtered.api,
        call_as=None if call_as is None else call_as.api,
        auto_deployment=(
            None if auto is None else (auto.enabled, auto.retain_stacks_on_account_removal)
        ),
        preferences=api_preferences(deployment.operation_preferences, deployment.region_order),
    )
    if inv.action == "test-deploy":
        if deployment.canary_account is None:
            raise _refuse(
                inv,
                "test-deploy of a service-managed stack set needs deployment.canary_account: "
                "the one account of the OUs its canary deploys to (the tool cannot list an "
                "OU's accounts)",
            )
        # The OUs narrowed to the canary alone, in one region, and never deployed to accounts
        # that join the OUs later.
        (canary_region,) = canary((), target.regions, account, region)[1]
        target = replace(
            target,
            regions=(canary_region,),
            accounts=(deployment.canary_account,),
            account_filter="INTERSECTION",
            auto_deployment=(False, False),
            preferences=api_preferences(deployment.operation_preferences, [canary_region]),
        )
    published = []
    for stack in stacks:
        body = bodies[stack.stack_name]
        key = content_key(body)
        how = (
            f"an administrator reviews and publishes it: `aws s3 cp "
            f"{stack_set_template_path(stack.stack_name)} s3://{bucket}/{key} --content-type "
            "application/json` (create-template writes that file), and applies the stack-set "
            "operator policy create-policy writes, which pins its URL"
        )
        published.append(
            StackTemplate(
                stack.stack_name, body, published=PublishedAt(bucket, key, how, owner=account)
            )
        )
    return StackSetDeployment(target, tuple(published))


def published_test_suffix(
    deployment: DeploymentConfig | None, account: str, region: str, live: Sequence[StackPlan]
) -> str | None:
    """A service-managed set's test-deploy suffix: derived from its live templates, so that the
    canary's templates can be published and pinned ahead of the run (published.py); None for
    any other config (test-deploy makes one for the run)."""
    if deployment is None or deployment.permission_model is not PermissionModel.SERVICE_MANAGED:
        return None
    return canary_suffix(neutral_body(p.render(), account, region) for p in live)


def canary_forms(
    account: str, region: str, live: Sequence[StackPlan], test: Sequence[StackPlan]
) -> dict[str, tuple[str, str]]:
    """create-template's canary forms of a service-managed set: live stack → (its test-deploy
    stack, that stack's neutral body), for an administrator to publish with the live ones."""
    return {
        mine.stack_name: (theirs.stack_name, neutral_body(theirs.render(), account, region))
        for mine, theirs in zip(live, test, strict=True)
    }


def stack_set_forms(
    deployment: DeploymentConfig | None,
    account: str,
    region: str,
    plans: Sequence[StackPlan],
    regional: Regional,
) -> dict[str, str] | None:
    """create-template's stack-set form of each stack (stack → body), for review beside its
    template; None without the section, or when the section cannot be deployed (validate and
    the AWS actions say why): nothing is offered for publishing that deploy would refuse."""
    if deployment is None:
        return None
    stacks = [StackTemplate(p.stack_name, p.render()) for p in plans]
    templates = planned_templates(deployment, region, stacks, regional)
    if not_deployable_because(deployment, account, region, templates) is not None:
        return None
    return set_bodies(deployment, account, region, stacks, regional)


def canary(
    accounts: tuple[str, ...],
    regions: tuple[str, ...],
    account: str,
    region: str,
    chosen: str | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """test-deploy's one target: the section's canary_account (`chosen`), else the config's
    own account where the section targets it, else its first; the config's own region where
    the section targets it, else the first region of the deploy order."""
    if chosen is not None:
        picked: tuple[str, ...] = (chosen,)
    else:
        picked = (account,) if account in accounts else accounts[:1]
    return picked, (region,) if region in regions else regions[:1]


def _neutral(inv: Invocation, stack: str, body: str, bucket: str | None) -> StackTemplate:
    """The stack's template as its stack set deploys it (`body`); uploaded, as single stacks
    are, when it is over CloudFormation's TemplateBody limit."""
    if len(body.encode()) <= TEMPLATE_BODY_MAX_BYTES:
        return StackTemplate(stack, body)
    if bucket is None:
        raise _refuse(
            inv,
            f"{stack}'s template for its stack set is {len(body.encode()):,} bytes, "
            f"over CloudFormation's {TEMPLATE_BODY_MAX_BYTES:,}-byte TemplateBody, and the "
            "config has no template_bucket to upload it to",
        )
    return StackTemplate(stack, body, (bucket, template_key(body)))


def api_preferences(given: OperationPreferences, region_order: list[str]) -> dict[str, Any]:
    """OperationPreferences as CloudFormation takes them, the documented defaults written out
    (failure tolerance 0, one account at a time, regions one after another, in order)."""
    preferences: dict[str, Any] = {
        "RegionConcurrencyType": given.region_concurrency.api,
        "RegionOrder": list(region_order),
    }
    if given.failure_tolerance_percentage is not None:
        preferences["FailureTolerancePercentage"] = given.failure_tolerance_percentage
    else:
        preferences["FailureToleranceCount"] = given.failure_tolerance_count_or_default
    if given.max_concurrent_percentage is not None:
        preferences["MaxConcurrentPercentage"] = given.max_concurrent_percentage
    else:
        preferences["MaxConcurrentCount"] = given.max_concurrent_count_or_default
    return preferences


def bootstrap_targets(
    inv: Invocation,
    deployment: DeploymentConfig | None,
    account: str,
    region: str,
    stacks: Sequence[StackPlan],
    regional: Regional,
) -> None:
    """bootstrap deploys the trust root to the config's own account and region, as without
    the section; refused (exit 2) when the section is one the config's stacks cannot be
    deployed to, as the AWS actions refuse it."""
    if deployment is not None:
        templates = tuple(StackTemplate(s.stack_name, s.render()) for s in stacks)
        refuse_undeployable(inv, deployment, account, region, templates, regional)


def stack_set_policy_stem(stem: str) -> str:
    return f"{stem}-stackset-operator-policy"


def stack_set_policies(
    stem: str,
    deployment: DeploymentConfig | None,
    subject: Callable[[], StackSetSubject],
    service_managed: Callable[[], ServiceManagedSubject | None],
) -> dict[str, PolicyDocument]:
    """create-policy's extra file for a stack set: the operator's policy for deploy, status,
    detect-drift and delete through it (stack_sets/operator_policy.py for a self-managed set,
    service_managed_policy.py for a service-managed one, pinned to its published templates;
    none for a service-managed section that cannot be deployed: there is nothing to pin)."""
    if deployment is None:
        return {}
    if deployment.permission_model is PermissionModel.SERVICE_MANAGED:
        from provisioner.stack_sets.service_managed_policy import service_managed_operator_policy

        made = service_managed()
        if made is None:
            return {}
        return {stack_set_policy_stem(stem): service_managed_operator_policy(made)}
    from provisioner.stack_sets.operator_policy import stack_set_operator_policy

    return {stack_set_policy_stem(stem): stack_set_operator_policy(subject())}
