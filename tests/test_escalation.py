"""No operator policy is a path to administrator (issue 9, proof 5a).

cloudsplaining (`-aR`: every statement counts, conditions and ARNs ignored) lists the
privilege-escalation methods whose actions a policy grants at all. cloudsplaining does not read
conditions, so for each method it reports, the concrete escalation requests are evaluated here
against the policy with the IAM evaluator: each must be denied, or lead only to a role that
the tenant's boundary caps (no IAM write but PassRole of the tenant's roles).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

import pytest
from cloudsplaining.scan.policy_document import PolicyDocument as Scanned
from policy_sentry.querying.actions import get_actions_with_access_level

from conftest import (
    all_ml_configs,
    all_sec_configs,
    govcloud_ml_configs,
    largest_sec_config,
    partition_sec_configs,
)
from provisioner.bootstrap.boundaries import boundary
from provisioner.ml.operator_policy import operator_policies as ml_policies
from provisioner.naming.tenant import BOUNDARY_KINDS, ML_BOUNDARY, SEC_BOUNDARY, TenantNames
from provisioner.policy.document import PolicyDocument
from provisioner.policy.evaluation import Request, evaluate
from provisioner.policy.variants import Variant
from provisioner.sec.operator_policy import operator_policies as sec_policies


def _admin(t: TenantNames) -> str:
    """AWS's own AdministratorAccess policy, in the tenant's partition."""
    return f"arn:{t.partition.name}:iam::aws:policy/AdministratorAccess"


CFN = ["cloudformation.amazonaws.com"]


def _cases() -> Iterator[tuple[str, TenantNames, str, Variant, PolicyDocument]]:
    for config in [*all_ml_configs(), *govcloud_ml_configs()]:
        t = TenantNames.of(config)
        for variant, policy in ml_policies(config).items():
            yield f"ml-{t.regional}-{config.use_case}-{variant}", t, ML_BOUNDARY, variant, policy
    for config in [*all_sec_configs(), largest_sec_config("enterprise"), *partition_sec_configs()]:
        t = TenantNames.of(config)
        for variant, policy in sec_policies(config).items():
            yield f"sec-{t.regional}-{config.tier}-{variant}", t, SEC_BOUNDARY, variant, policy


CASES = list(_cases())


def _operator(t: TenantNames) -> str:
    return f"arn:{t.partition.name}:iam::{t.account}:role/stolen-operator"


def _allowed(policy: PolicyDocument, t: TenantNames, action: str, resource: str,
             context: Mapping[str, str] | None = None, *, mfa: bool = True,
             via_cfn: bool = False) -> bool:  # fmt: skip
    """Whether the stolen operator credential gets `action` — with MFA, the strongest case;
    `context`: the request's condition keys besides those."""
    ctx: dict[str, Any] = {"aws:PrincipalArn": _operator(t), **(context or {})}
    if mfa:
        ctx["aws:MultiFactorAuthPresent"] = True
    if via_cfn:
        ctx["aws:CalledVia"] = CFN
    request = Request(action, resource, ctx, _operator(t))
    return evaluate(request, [policy.to_json()]).allowed


def _in_scope_role(t: TenantNames, kind: str) -> str:
    """A role name the policy's IAM scope covers (a tool role, or one the attacker makes)."""
    if kind == SEC_BOUNDARY:
        return f"arn:{t.partition.name}:iam::{t.account}:role/{t.tenant}-role-evil"
    return f"arn:{t.partition.name}:iam::{t.account}:role/{t.tenant}-x-evil-role"


def _in_scope_policy(t: TenantNames, kind: str) -> str:
    word = "policy-evil" if kind == SEC_BOUNDARY else "x-evil-policy"
    return f"arn:{t.partition.name}:iam::{t.account}:policy/{t.tenant}-{word}"


def _scope(policy: PolicyDocument, kind: str, t: TenantNames) -> tuple[str, str]:
    """A role and a policy inside the policy's own naming scope (ML's scope is per use case)."""
    for statement in policy.statements:
        for resource in statement.resources:
            if statement.is_allow and ":role/" in resource and resource.endswith("-*"):
                role = resource.replace("*", "evil")
                return role, role.replace(":role/", ":policy/")
    return _in_scope_role(t, kind), _in_scope_policy(t, kind)


# -- the escalation requests, by what a method needs ------------------------------------------
Check = Callable[[PolicyDocument, TenantNames, str], list[str]]


def _role_writes(policy: PolicyDocument, t: TenantNames, kind: str) -> list[str]:
    """Writing permissions onto a role: only onto roles that carry the tenant's boundary."""
    role, own = _scope(policy, kind, t)
    other = f"arn:{t.partition.name}:iam::{t.account}:policy/someone-else"
    wrong = t.boundary_arn(ML_BOUNDARY if kind == SEC_BOUNDARY else SEC_BOUNDARY)
    failures = []
    for action in ("iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:CreateRole",
                   "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy"):  # fmt: skip
        for label, ctx in (("no boundary", {}), ("the other tool's boundary", {
                "iam:PermissionsBoundary": wrong})):  # fmt: skip
            extra = {"iam:PolicyARN": own} if action == "iam:AttachRolePolicy" else {}
            if _allowed(policy, t, action, role, {**ctx, **extra}):
                failures.append(f"{action} on a role with {label}")
    bounded = {"iam:PermissionsBoundary": t.boundary_arn(kind)}
    for policy_arn in (_admin(t), other, *t.boundary_arns):
        if _allowed(policy, t, "iam:AttachRolePolicy", role,
                    {**bounded, "iam:PolicyARN": policy_arn}):  # fmt: skip
            failures.append(f"AttachRolePolicy of {policy_arn}")
    if _allowed(policy, t, "iam:DeleteRolePermissionsBoundary", role, bounded):
        failures.append("DeleteRolePermissionsBoundary")
    return failures


def _policy_versions(policy: PolicyDocument, t: TenantNames, kind: str) -> list[str]:
    """New versions of a policy: never of the boundaries, never outside the tool's names."""
    failures = []
    for action in ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
                   "iam:DeletePolicy", "iam:DeletePolicyVersion"):  # fmt: skip
        for target in (
            *t.boundary_arns,
            _admin(t),
            f"arn:{t.partition.name}:iam::{t.account}:policy/other",
        ):
            if _allowed(policy, t, action, target):
                failures.append(f"{action} on {target}")
    return failures


def _pass_role(policy: PolicyDocument, t: TenantNames, kind: str) -> list[str]:
    """A role is passed only to the service it is for; never a role outside the tenant."""
    role, _ = _scope(policy, kind, t)
    # In-scope names shaped like each tool role a PassRole statement names.
    mine = [role.replace("evil", f"evil{end}") for end in ("", "-build-role", "-sagemaker")]
    outside = f"arn:{t.partition.name}:iam::{t.account}:role/admin"
    failures = []
    for service in ("lambda.amazonaws.com", "ec2.amazonaws.com", "cloudformation.amazonaws.com",
                    "glue.amazonaws.com", "ecs-tasks.amazonaws.com"):  # fmt: skip
        for target in (*mine, outside):
            if _allowed(policy, t, "iam:PassRole", target, {"iam:PassedToService": service}):
                failures.append(f"PassRole of {target} to {service}")
    for service in ("codebuild.amazonaws.com", "sagemaker.amazonaws.com"):
        if _allowed(policy, t, "iam:PassRole", outside, {"iam:PassedToService": service}):
            failures.append(f"PassRole of a role outside the tenant to {service}")
    return failures


def _through_cloudformation(policy: PolicyDocument, t: TenantNames, kind: str) -> list[str]:
    """A stack the operator may change can only make what the operator may make itself: its
    role writes are conditioned the same, and no service role can be handed to it."""
    failures = _role_writes_via_cfn(policy, t, kind)
    bootstrap = t.regional_arn("cloudformation", f"stack/{t.bootstrap_stack}/x")
    if _allowed(policy, t, "cloudformation:CreateChangeSet", bootstrap):
        failures.append("a change set of the bootstrap stack")
    return failures + _pass_role(policy, t, kind)


def _role_writes_via_cfn(policy: PolicyDocument, t: TenantNames, kind: str) -> list[str]:
    role, _ = _scope(policy, kind, t)
    return [
        f"{action} via CloudFormation without the boundary"
        for action in ("iam:CreateRole", "iam:PutRolePolicy")
        if _allowed(policy, t, action, role, mfa=False, via_cfn=True)
    ]


def _not_granted(*actions: str) -> Check:
    def check(policy: PolicyDocument, t: TenantNames, kind: str) -> list[str]:
        user = t.iam_arn("user/x")
        return [a for a in actions if any(s.matches(a, "*") or s.matches(a, user)
                                          for s in policy.allow_statements)]  # fmt: skip

    return check


def _assume_after_trust_change(policy: PolicyDocument, t: TenantNames, kind: str) -> list[str]:
    """Rewriting a trust policy is allowed only on roles carrying the boundary; assuming such a
    role gains at most the boundary, which allows no IAM write (test_boundary_caps_a_role)."""
    return _role_writes(policy, t, kind)


CHECKS: dict[str, Check] = {
    "AttachRolePolicy": _role_writes,
    "PutRolePolicy": _role_writes,
    "UpdateRolePolicyToAssumeIt": _assume_after_trust_change,
    "AttachRolePolicyThenUpdateAssumeRolePolicy": _assume_after_trust_change,
    "PutRolePolicyThenUpdateAssumeRolePolicy": _assume_after_trust_change,
    "CreatePolicyVersionThenUpdateAssumeRolePolicy": lambda p, t, k: (
        _policy_versions(p, t, k) + _assume_after_trust_change(p, t, k)
    ),
    "CreateNewPolicyVersion": _policy_versions,
    "SetExistingDefaultPolicyVersion": _policy_versions,
    "CreatePolicyVersionThenAssumeRole": _policy_versions,
    "ExecuteCloudFormationChangeSet": _through_cloudformation,
    "PassExistingRoleToCloudFormation": _through_cloudformation,
    "PassExistingRoleToNewCodeBuildProjectThenBuild": _pass_role,
    "PassExistingRoleToNewCodeBuildProjectThenBuildBatch": _pass_role,
    "PassExistingRoleToNewSageMakerTrainingJob": _pass_role,
    "PassExistingRoleToNewSageMakerProcessingJob": _pass_role,
    "PassExistingRoleToNewSageMakerNotebookInstance": _pass_role,
    "PutGroupPolicy": _not_granted("iam:AddUserToGroup", "iam:CreateUser"),
    "AttachGroupPolicy": _not_granted("iam:AddUserToGroup", "iam:CreateUser"),
    "AddUserToGroup": _not_granted("iam:AddUserToGroup"),
}


@cache
def _reported(rendered: str) -> tuple[str, ...]:
    import json

    scanned = Scanned(
        json.loads(rendered), flag_conditional_statements=True, flag_resource_arn_statements=True
    )
    return tuple(sorted({f["type"] for f in scanned.allows_privilege_escalation}))


@pytest.mark.parametrize(
    ("name", "t", "kind", "variant", "policy"), CASES, ids=[c[0] for c in CASES]
)
def test_every_reported_escalation_is_denied(
    name: str, t: TenantNames, kind: str, variant: Variant, policy: PolicyDocument
) -> None:
    methods = _reported(policy.render())
    if variant in (Variant.DEPLOYER, Variant.DEPLOYER_NO_DELETE):
        assert methods, "cloudsplaining reports nothing: the scan itself is broken"
    unknown = [m for m in methods if m not in CHECKS]
    assert not unknown, f"review these escalation methods and add their requests: {unknown}"
    failures = {m: CHECKS[m](policy, t, kind) for m in methods}
    assert {m: f for m, f in failures.items() if f} == {}
    # And the requests every policy must refuse, whatever cloudsplaining says.
    assert _role_writes(policy, t, kind) == []
    assert _policy_versions(policy, t, kind) == []
    assert _pass_role(policy, t, kind) == []
    assert _role_writes_via_cfn(policy, t, kind) == []


def test_the_checks_notice_an_unguarded_policy() -> None:
    """The pre-boundary policy shape (role writes without conditions) fails the checks."""
    _, t, kind, _, policy = CASES[0]
    from dataclasses import replace

    loose = PolicyDocument(tuple(replace(s, condition=None) for s in policy.statements
                                 if s.is_allow))  # fmt: skip
    assert _role_writes(loose, t, kind)
    assert _pass_role(loose, t, kind)


_IAM_WRITES = sorted(
    {
        f"iam:{a.split(':')[1]}" if ":" in a else f"iam:{a}"
        for level in ("Write", "Permissions management", "Tagging")
        for a in get_actions_with_access_level("iam", level)
    }
)


@pytest.mark.parametrize("kind", BOUNDARY_KINDS)
def test_boundary_caps_a_role(kind: str) -> None:
    """Whatever policy a role of the tenant holds (here: every action on everything), its
    boundary lets no IAM write through but PassRole of the tenant's roles to their service."""
    config = all_ml_configs()[0]
    t = TenantNames.of(config)
    limit = [boundary(t, kind).to_json()]
    admin = [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}]  # fmt: skip
    assert len(_IAM_WRITES) > 100  # policy_sentry's catalogue answered
    leaked = [
        a for a in _IAM_WRITES
        for r in ("*", f"arn:{t.partition.name}:iam::{t.account}:role/{t.tenant}-role-x",
                  f"arn:{t.partition.name}:iam::{t.account}:policy/{t.tenant}-policy-x")
        if evaluate(Request(a, r, {"iam:PassedToService": "sagemaker.amazonaws.com"}),
                    admin, boundaries=limit).allowed
    ]  # fmt: skip
    assert sorted(set(leaked)) == ["iam:PassRole"]
    role = f"arn:{t.partition.name}:iam::{t.account}:role/{t.tenant}-role-x"
    for service in ("lambda.amazonaws.com", "ec2.amazonaws.com", "cloudformation.amazonaws.com"):
        request = Request("iam:PassRole", role, {"iam:PassedToService": service})
        assert not evaluate(request, admin, boundaries=limit).allowed
    other_tenant = f"arn:{t.partition.name}:s3:::othercorp-prod-z001-{t.region}-data/x"
    assert not evaluate(Request("s3:GetObject", other_tenant), admin, boundaries=limit).allowed
