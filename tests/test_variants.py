"""The operator policy's variants (policy/variants.py): each allows exactly its actions.

Access levels come from policy_sentry's database, not from the project's own reading of names.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from policy_sentry.querying.actions import get_action_data

from conftest import all_ml_configs, all_sec_configs, govcloud_ml_configs, partition_sec_configs
from provisioner.ml.operator_policy import operator_policies as ml_policies
from provisioner.naming.ml import MlNames
from provisioner.naming.sec import SecNames
from provisioner.partition import partition_of
from provisioner.policy.document import PolicyDocument
from provisioner.policy.evaluation import Request, evaluate
from provisioner.policy.guardrails import is_read
from provisioner.policy.variants import Variant
from provisioner.sec.operator_policy import operator_policies as sec_policies

READ_LEVELS = {"Read", "List"}
CHANGE_LEVELS = {"Write", "Permissions management", "Tagging"}


@cache
def access_level(action: str) -> str:
    service, name = action.split(":", 1)
    rows = get_action_data(service, name).get(service, [])
    levels = {r["access_level"] for r in rows}
    assert len(levels) == 1, f"{action}: {levels or 'unknown to policy_sentry'}"
    return str(levels.pop())


def every_policy() -> list[tuple[str, Any, dict[Variant, PolicyDocument]]]:
    found: list[tuple[str, Any, dict[Variant, PolicyDocument]]] = []
    ml = [*all_ml_configs(), *govcloud_ml_configs()]
    sec = [*all_sec_configs(), *partition_sec_configs()]
    found += [(f"ml-{c.use_case}-{c.region}", c, ml_policies(c)) for c in ml]
    found += [(f"sec-{c.company_prefix}-{c.env}-{c.region}", c, sec_policies(c)) for c in sec]
    return found


POLICIES = every_policy()
IDS = [p[0] for p in POLICIES]


def test_read_classification_agrees_with_policy_sentry() -> None:
    """`is_read` decides what the read-only variant keeps: it must agree with AWS's levels."""
    actions = {
        a for _, _, by_variant in POLICIES for p in by_variant.values()
        for s in p.allow_statements for a in s.actions
    }  # fmt: skip
    assert len(actions) > 150
    wrong = {a: access_level(a) for a in actions if is_read(a) != (access_level(a) in READ_LEVELS)}
    assert wrong == {}


@pytest.mark.parametrize(("name", "config", "policies"), POLICIES, ids=IDS)
def test_read_only_holds_only_reads(name: str, config: Any, policies: Any) -> None:
    levels = {access_level(a) for a in policies[Variant.READ_ONLY].actions}
    assert levels <= READ_LEVELS and "Read" in levels


def _stack_arn(config: Any, live: bool = True) -> str:
    if hasattr(config, "use_case"):
        names = MlNames(config, None if live else "t1a2b")
        stack = names.stack
    else:
        stack = SecNames(config, None if live else "t1a2b").stack("teams-01")
    arn = partition_of(config.region).arn
    return arn("cloudformation", config.region, config.account_id, f"stack/{stack}/id")


def _decide(policy: PolicyDocument, action: str, resource: str, **context: Any) -> bool:
    ctx = {"aws:MultiFactorAuthPresent": True, **context}
    return evaluate(Request(action, resource, ctx), [policy.to_json()]).allowed


@pytest.mark.parametrize(("name", "config", "policies"), POLICIES, ids=IDS)
def test_stack_operations_per_variant(name: str, config: Any, policies: Any) -> None:
    live, test = _stack_arn(config), _stack_arn(config, live=False)
    review = {"aws:ResourceTag/provisioner-review": "true"}
    expected = {
        # action, resource, context → deployer, no-delete, reviewer, read-only
        ("cloudformation:ExecuteChangeSet", live, ()): (True, True, False, False),
        ("cloudformation:CreateChangeSet", live, ()): (True, True, True, False),
        ("cloudformation:DeleteChangeSet", live, ()): (True, True, True, False),
        ("cloudformation:DeleteStack", live, ()): (True, False, False, False),
        ("cloudformation:DeleteStack", test, ()): (True, True, False, False),
        ("cloudformation:DeleteStack", live, tuple(review.items())): (True, True, True, False),
        ("cloudformation:UpdateStack", live, ()): (True, True, False, False),
        ("cloudformation:DescribeStacks", live, ()): (True, True, True, True),
        ("cloudformation:DetectStackDrift", live, ()): (True, True, True, True),
    }
    for (action, resource, context), want in expected.items():
        got = tuple(_decide(policies[v], action, resource, **dict(context)) for v in Variant)
        assert got == want, (action, resource, context)


@pytest.mark.parametrize(("name", "config", "policies"), POLICIES, ids=IDS)
def test_reviewer_changes_nothing(name: str, config: Any, policies: Any) -> None:
    """Beyond reads, only change sets (made, looked at, deleted) and, where the tier uploads
    templates, the template objects."""
    extra = {a for a in policies[Variant.REVIEWER].actions if access_level(a) in CHANGE_LEVELS}
    allowed = {
        "cloudformation:CreateChangeSet", "cloudformation:DeleteChangeSet",
        "cloudformation:DeleteStack", "s3:PutObject", "s3:DeleteObject",
    }  # fmt: skip
    assert extra <= allowed and "cloudformation:CreateChangeSet" in extra
    assert "cloudformation:ExecuteChangeSet" not in policies[Variant.REVIEWER].actions


@pytest.mark.parametrize(("name", "config", "policies"), POLICIES, ids=IDS)
def test_production_changes_need_mfa(name: str, config: Any, policies: Any) -> None:
    """In prod every change the operator makes itself needs MFA; CloudFormation's calls within
    a stack operation (started with MFA) carry aws:CalledVia instead."""
    for variant, policy in policies.items():
        changes = sorted(a for a in policy.actions if access_level(a) in CHANGE_LEVELS)
        for action in changes:
            direct = evaluate(Request(action, "*", {"aws:MultiFactorAuthPresent": False}),
                              [policy.to_json()])  # fmt: skip
            missing = evaluate(Request(action, "*"), [policy.to_json()])
            if config.is_prod:
                assert direct.decision == "explicit-deny", (variant, action)
                assert missing.decision == "explicit-deny", (variant, action)
            else:
                assert direct.decision != "explicit-deny" or action.startswith(
                    ("iam:DeleteRolePermissionsBoundary",)), (variant, action)  # fmt: skip
        for action in policy.actions:
            if access_level(action) in READ_LEVELS:
                no_mfa = evaluate(Request(action, "*"), [policy.to_json()])
                assert no_mfa.decision != "explicit-deny", (variant, action)
    assert any(c.is_prod for _, c, _ in POLICIES) and any(not c.is_prod for _, c, _ in POLICIES)


RECORDED = json.loads((Path(__file__).parent / "recorded_calls.json").read_text())


def _target(call: str, config: Any, live: bool = True) -> str:
    """The ARN a recorded call acts on: the tool's live stack, its SSM path, its templates."""
    service, operation = call.split(":")
    if service == "cloudformation" and operation not in {
        "ValidateTemplate", "DescribeStackDriftDetectionStatus"}:  # fmt: skip
        return _stack_arn(config, live)
    if service == "ssm":
        root = MlNames(config).path_root if hasattr(config, "use_case") else (
            SecNames(config).ssm_root)  # fmt: skip
        return partition_of(config.region).arn(
            "ssm", config.region, config.account_id, f"parameter{root}"
        )
    if service == "s3" and getattr(config, "template_bucket", None):
        return partition_of(config.region).s3_arn(f"{config.template_bucket}/templates/x.json")
    return "*"


@pytest.mark.parametrize(("name", "config", "policies"), POLICIES, ids=IDS)
def test_each_variant_runs_exactly_its_actions(name: str, config: Any, policies: Any) -> None:
    """The calls each tool action made against the emulator (tests/recorded_calls.json, from
    test_every_call_of_the_lifecycle_is_allowed_by_the_operator_policy with RECORD_CALLS=1)
    are allowed by the variants that serve the action, on the live ARNs they touch; each other
    variant is denied at least one call of it."""
    tool = "ml" if hasattr(config, "use_case") else "sec"
    for action, calls in RECORDED[tool].items():
        if action == "bootstrap":
            continue
        # The CloudFormation and SSM calls, whose live ARNs are known here; the smoke checks'
        # service reads are checked by name in test_deploy.py.
        calls = [c for c in calls if c.startswith(("cloudformation:", "ssm:"))]
        if tool == "sec" and config.tier.value == "small":
            calls = [c for c in calls if not c.startswith("s3:")]  # small uploads nothing
        for variant, policy in policies.items():
            # show-changes deletes only the stack it made to review a new one (tagged so).
            tag = {"aws:ResourceTag/provisioner-review": "true"} if action == "show-changes" else {}
            decided = {
                c: _decide(policy, c, _target(c, config, action != "test-deploy"), **tag)
                for c in calls
            }
            if action in variant.actions:
                assert all(decided.values()), (variant, action, decided)
            else:
                assert not all(decided.values()), (variant, action)


# detect-drift's own reads (deploy/access_drift.py), by the type of resource they read.
DRIFT_READS = {
    "AWS::IAM::Role": ("iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"),
    "AWS::IAM::Group": ("iam:ListGroupPolicies", "iam:ListAttachedGroupPolicies"),
    "AWS::KMS::Key": ("kms:GetKeyPolicy",),
    "AWS::S3::Bucket": ("s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock"),
}


@pytest.mark.parametrize(("name", "config", "policies"), POLICIES, ids=IDS)
def test_every_variant_that_detects_drift_reads_what_cloudformation_does_not(
    name: str, config: Any, policies: Any
) -> None:
    """Each role's and group's inline and attached policies, each key's and bucket's policy and
    the bucket's public access block: allowed on the planned resource's ARN by every variant
    that serves detect-drift (the reviewer and read-only ones too)."""
    from provisioner.ml.plan import plan_stack
    from provisioner.sec.plan import plan_stacks

    plans = [plan_stack(config)] if hasattr(config, "use_case") else plan_stacks(config)
    resources = [r for plan in plans for r in plan.resources if r.type in DRIFT_READS]
    assert resources
    serving = [v for v in policies if "detect-drift" in v.actions]
    assert Variant.READ_ONLY in serving and Variant.REVIEWER in serving
    operator = partition_of(config.region).iam_arn(config.account_id, "user/operator")

    def allowed(policy: PolicyDocument, action: str, r: Any) -> bool:
        tags = {f"aws:ResourceTag/{t['Key']}": t["Value"] for t in r.properties.get("Tags", [])}
        if r.type != "AWS::KMS::Key":
            return _decide(policy, action, r.arn, **tags)
        # A key's reads are decided by its key policy too (it delegates to the account's IAM).
        request = Request(action, r.arn, {"aws:MultiFactorAuthPresent": True, **tags}, operator)
        decided = evaluate(request, [policy.to_json()], resource_policy=r.properties["KeyPolicy"])
        return decided.allowed

    denied = [
        (variant.value, action, r.arn)
        for variant in serving
        for r in resources
        for action in DRIFT_READS[r.type]
        if not allowed(policies[variant], action, r)
    ]
    assert denied == []
