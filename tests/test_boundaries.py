"""The tenant's boundaries break nothing: every grant of every role policy either tool
generates lies within the boundary its roles carry. And the bootstrap itself is proven like the
operator policies: its administrator policy is sufficient and scoped for its template."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import (
    all_ml_configs,
    all_sec_configs,
    handler_permissions,
    largest_sec_config,
    partition_sec_configs,
)
from policy_checks import assert_valid_and_scoped
from proofs.policy_proofs import gaps
from provisioner.bootstrap.admin_policy import bootstrap_policy
from provisioner.bootstrap.boundaries import boundary
from provisioner.bootstrap.plan import plan_bootstrap
from provisioner.cfn.template import PlannedResource, StackPlan
from provisioner.ml.plan import plan_stack
from provisioner.naming.tenant import ML_BOUNDARY, SEC_BOUNDARY, TenantNames
from provisioner.policy.evaluation import Request, evaluate
from provisioner.sec.plan import plan_stacks

ADMIN = [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
                                                  "Resource": "*"}]}]  # fmt: skip


def _resolve(value: Any, plan: StackPlan, sample: str) -> list[str]:
    """Concrete ARNs for a grant's Resource: intrinsics resolved to the planned resources,
    a wildcard filled with a name of the tenant's (what the roles act on)."""
    by_id = {r.logical_id: r for r in plan.resources}
    if isinstance(value, list):
        return [x for v in value for x in _resolve(v, plan, sample)]
    if isinstance(value, dict):
        ref = value.get("Ref") or (value.get("Fn::GetAtt") or [None])[0]
        assert ref in by_id, value
        return [by_id[ref].arn]
    assert isinstance(value, str)
    return ["*" if value == "*" else value.replace("*", sample)]


def _tags(resource: PlannedResource) -> dict[str, str]:
    tags = resource.properties.get("Tags", [])
    return {t["Key"]: t["Value"] for t in tags} if isinstance(tags, list) else dict(tags)


def _outside(plan: StackPlan, limit: dict[str, Any], t: TenantNames) -> list[str]:
    """Every (action, resource) a role policy of `plan` grants that the boundary does not."""
    by_arn = {r.arn: r for r in plan.resources}
    found = []
    for policy in plan.resources:
        if policy.type != "AWS::IAM::ManagedPolicy" or "Roles" not in policy.properties:
            continue
        for statement in policy.properties["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            for action in [actions] if isinstance(actions, str) else actions:
                for resource in _resolve(statement["Resource"], plan, f"{t.regional}-x"):
                    # The context the grant's own conditions ask for (they hold when it is used).
                    context: dict[str, Any] = {}
                    for keys in statement.get("Condition", {}).values():
                        for key, value in keys.items():
                            context[key] = value if isinstance(value, str) else value[0]
                    target = by_arn.get(resource)
                    key_policy = None
                    if target is not None:
                        context.update(
                            {f"aws:ResourceTag/{k}": v for k, v in _tags(target).items()}
                        )
                        key_policy = target.properties.get("KeyPolicy")
                    role = f"arn:aws:iam::{t.account}:role/{t.tenant}-role-x"
                    request = Request(action, resource, context, role)
                    decided = evaluate(
                        request, ADMIN, boundaries=[limit], resource_policy=key_policy
                    )
                    if not decided.allowed:
                        found.append(f"{policy.logical_id}: {action} on {resource}")
    return found


def _ml_plans() -> list[tuple[str, Any, StackPlan]]:
    return [
        (f"{c.use_case}-{s or 'live'}", c, plan_stack(c, s))
        for c in all_ml_configs() for s in (None, "tffff")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "config", "plan"), _ml_plans(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_ml_role_policies_lie_within_the_ml_boundary(
    name: str, config: Any, plan: StackPlan
) -> None:
    limit = boundary(TenantNames.of(config), ML_BOUNDARY).to_json()
    assert _outside(plan, limit, TenantNames.of(config)) == []


def _sec_configs() -> list[Any]:
    return [*all_sec_configs(), largest_sec_config("medium")]


@pytest.mark.parametrize("config", _sec_configs(), ids=lambda c: f"{c.company_prefix}-{c.tier}")
def test_sec_role_policies_lie_within_the_sec_boundary(config: Any) -> None:
    limit = boundary(TenantNames.of(config), SEC_BOUNDARY).to_json()
    for plan in plan_stacks(config):
        assert _outside(plan, limit, TenantNames.of(config)) == []


def test_a_grant_beyond_the_boundary_is_found() -> None:
    """A role policy that reached another tenant's bucket would be reported."""
    config = all_ml_configs()[0]
    plan = plan_stack(config)
    limit = boundary(TenantNames.of(config), ML_BOUNDARY).to_json()
    policy = next(r for r in plan.resources if r.type == "AWS::IAM::ManagedPolicy")
    document = policy.properties["PolicyDocument"]
    widened = {
        **document,
        "Statement": [
            *document["Statement"],
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::othercorp-x/*"},
        ],
    }
    changed = PlannedResource(**{**policy.__dict__, "properties": {
        **policy.properties, "PolicyDocument": widened}})  # fmt: skip
    resources = tuple(changed if r is policy else r for r in plan.resources)
    t = TenantNames.of(config)
    assert _outside(StackPlan(plan.stack_name, plan.description, resources), limit, t) == [
        f"{policy.logical_id}: s3:GetObject on arn:aws:s3:::othercorp-x/{t.regional}-x"
    ]


@pytest.mark.parametrize(
    "config",
    [*all_sec_configs(), *partition_sec_configs()],
    ids=lambda c: f"{c.company_prefix}-{c.env}-{c.region}",
)
def test_bootstrap_policy_is_sufficient_scoped_and_valid(config: Any) -> None:
    t = TenantNames.of(config)
    plan = plan_bootstrap(t)
    policy = bootstrap_policy(t, config.is_prod)
    handlers = {r.type: handler_permissions(config.region, r.type) for r in plan.resources}
    for scoped in (False, True):
        found = gaps([plan], policy, handlers, scoped=scoped, account=config.account_id)
        assert [g.render() for g in found] == []
    assert_valid_and_scoped(policy)
    assert ("DenyChangesWithoutMfa" in {s.sid for s in policy.statements}) == config.is_prod


def test_every_role_carries_its_tools_boundary() -> None:
    for config in all_ml_configs():
        arn = TenantNames.of(config).boundary_arn(ML_BOUNDARY)
        roles = [r for r in plan_stack(config).resources if r.type == "AWS::IAM::Role"]
        assert roles and all(r.properties["PermissionsBoundary"] == arn for r in roles)
    for config in all_sec_configs():
        arn = TenantNames.of(config).boundary_arn(SEC_BOUNDARY)
        roles = [r for p in plan_stacks(config) for r in p.resources if r.type == "AWS::IAM::Role"]
        assert roles and all(r.properties["PermissionsBoundary"] == arn for r in roles)
