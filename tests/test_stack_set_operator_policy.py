"""The operator's policy for a self-managed stack set (stack_sets/operator_policy.py), proven
like the operator policies: sufficient for every call the stack-set engine makes in a deploy,
a status and a delete; scoped to the config's stack sets, account, regions, target accounts
and administration role; valid against the IAM catalogue; within IAM's size limit; and no path
to administrator under test_escalation.py's checks.

Each call's resources are written from IAM's Service Authorization Reference (CloudFormation:
`stackset/{name}:{id}`, `stackset-target/{stack set id}/{account}`, `type/resource/{type}`,
the last two for CreateStackInstances, DeleteStackInstances and UpdateStackSet; CreateStackSet
on `*`) and AWS's StackSets permission examples; a request is allowed only when every
resource it names is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import boto3
import pytest

from conftest import all_ml_configs, all_sec_configs, govcloud_ml_configs, partition_sec_configs
from policy_checks import assert_valid_and_scoped
from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS
from provisioner.config.ml import MlConfig
from provisioner.config.sec import SecConfig, SecTier
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.stack_set_apply import deploy_stack_sets
from provisioner.deploy.stack_set_delete import delete_stack_sets
from provisioner.deploy.stack_set_drift import detect_stack_set_drift
from provisioner.deploy.stack_set_status import stack_set_status
from provisioner.exit_codes import ExitCode
from provisioner.naming.tenant import ML_BOUNDARY, SEC_BOUNDARY, TenantNames
from provisioner.partition import Partition
from provisioner.policy.document import PolicyDocument
from provisioner.policy.evaluation import Request, evaluate
from provisioner.stack_sets.operator_policy import stack_set_operator_policy
from provisioner.stack_sets.roles import StackSetSubject, administration_policy
from provisioner.stack_sets.subjects import ml_subject, sec_subject
from test_escalation import CHECKS, _pass_role, _policy_versions, _reported, _role_writes
from test_stack_set_engine import target as engine_target
from test_stackset_roles import TEST_SUFFIX, _plans
from test_stackset_roles import _self_managed as self_managed

TARGETS = ("111100001111", "222200002222", "333300003333")
OTHER_ACCOUNT = "999900009999"
SET_ID = "4a3c1f0e-1d2b-4c5d-8e9f-0a1b2c3d4e5f"  # CloudFormation's stack set id: `{name}:{uuid}`


@cache
def _cases() -> tuple[MlConfig | SecConfig, ...]:
    ml = [*all_ml_configs(), *govcloud_ml_configs()]
    sec = [*all_sec_configs(), *partition_sec_configs()]
    return tuple(self_managed(c, TARGETS) for c in [*ml, *sec])


def _subject(config: Any) -> StackSetSubject:
    return ml_subject(config) if isinstance(config, MlConfig) else sec_subject(config)


def _name(config: Any) -> str:
    t = TenantNames.of(config)
    what = config.use_case if isinstance(config, MlConfig) else f"sec-{config.tier}"
    return f"{t.regional}-{what}"


CASES = list(_cases())
IDS = [_name(c) for c in CASES]


# -- the requests ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """One API call: its IAM action, every resource IAM authorizes it on, its condition keys."""

    action: str
    resources: tuple[str, ...]
    context: dict[str, Any]


class SetArns:
    """The ARNs IAM authorizes a stack-set call on, in one account and region (IAM's Service
    Authorization Reference: `stackset/{name}:{id}`, `stackset-target/{set id}/{target}`,
    `type/resource/{type}`)."""

    p: Partition
    account: str
    region: str

    def stack_set(self, stack: str) -> str:
        return self.p.arn("cloudformation", self.region, self.account, f"stackset/{stack}:{SET_ID}")

    def targets(self, stack: str, targets: tuple[str, ...]) -> tuple[str, ...]:
        """Accounts or OUs."""
        return tuple(
            self.p.arn(
                "cloudformation", self.region, self.account, f"stackset-target/{stack}:{SET_ID}/{t}"
            )
            for t in targets
        )

    def types(self, config: Any) -> tuple[str, ...]:
        kinds = sorted({r.type for plan in _plans(config) for r in plan.resources})
        return tuple(
            self.p.arn(
                "cloudformation", self.region, self.account, f"type/resource/{k.replace('::', '-')}"
            )
            for k in kinds
        )


class Where(SetArns):
    """The ARNs of one config's stack-set world, movable to another account or region."""

    def __init__(self, config: Any, *, account: str | None = None, region: str | None = None):
        subject = _subject(config)
        self.subject = subject
        self.p = subject.partition
        self.account = account or subject.administration_account
        self.region = region or subject.home_region

    @property
    def administration_role(self) -> str:
        return self.p.iam_arn(self.account, f"role/{self.subject.names.administration_role}")


def _on_set(action: str, where: Where, stack: str) -> Call:
    return Call(action, (where.stack_set(stack),), {})


def _on_instances(
    action: str,
    config: Any,
    where: Where,
    stack: str,
    accounts: tuple[str, ...] = TARGETS,
    regions: tuple[str, ...] | None = None,
    extra: dict[str, Any] | None = None,
) -> Call:
    resources = (where.stack_set(stack), *where.targets(stack, accounts), *where.types(config))
    regions = regions if regions is not None else tuple(config.deployment.region_order)
    return Call(action, resources, {"cloudformation:TargetRegion": list(regions), **(extra or {})})


def _pass(where: Where) -> Call:
    return Call(
        "iam:PassRole",
        (where.administration_role,),
        {"iam:PassedToService": "cloudformation.amazonaws.com"},
    )


def _follow(where: Where, stack: str) -> list[Call]:
    """run_operation: busy → ListStackSetOperations; then poll the operation and its results."""
    return [
        _on_set(f"cloudformation:{a}", where, stack)
        for a in (
            "ListStackSetOperations",
            "DescribeStackSetOperation",
            "ListStackSetOperationResults",
        )
    ]


def _template_objects(config: Any) -> list[Call]:
    bucket = getattr(config, "template_bucket", None)
    if bucket is None:
        return []
    key = f"arn:{TenantNames.of(config).partition.name}:s3:::{bucket}/templates/{'0' * 64}.json"
    return [Call("s3:PutObject", (key,), {}), Call("s3:GetObject", (key,), {})]


def engine_calls(config: Any) -> dict[str, list[Call]]:
    """Every call of a deploy (create, then update and grow), a status and a delete, for each
    of the config's stacks, as deploy/stack_set_gateway.py makes them."""
    where = Where(config)
    role = {"cloudformation:RoleArn": where.administration_role}
    deploy, status, drift, delete = _template_objects(config), [], [], []
    for stack in _subject(config).stacks:
        deploy += [
            _on_set("cloudformation:DescribeStackSet", where, stack),
            Call("cloudformation:CreateStackSet", ("*",), role),
            _pass(where),
            _on_set("cloudformation:ListStackInstances", where, stack),
            _on_instances("cloudformation:UpdateStackSet", config, where, stack, extra=role),
            _on_instances("cloudformation:CreateStackInstances", config, where, stack),
            *_follow(where, stack),
        ]
        status += [
            _on_set("cloudformation:DescribeStackSet", where, stack),
            _on_set("cloudformation:ListStackInstances", where, stack),
        ]
        drift += [
            _on_set("cloudformation:DescribeStackSet", where, stack),
            _on_set("cloudformation:DetectStackSetDrift", where, stack),
            *_follow(where, stack),
            _on_set("cloudformation:ListStackInstances", where, stack),
        ]
        delete += [
            _on_set("cloudformation:DescribeStackSet", where, stack),
            _on_set("cloudformation:ListStackInstances", where, stack),
            _on_instances("cloudformation:DeleteStackInstances", config, where, stack),
            *_follow(where, stack),
            _on_set("cloudformation:DeleteStackSet", where, stack),
        ]
    # test-deploy: the stacks' test-deploy form as sets of their own, on the canary alone.
    canary = ((TARGETS[0],), (config.deployment.region_order[0],))
    test = []
    for stack in [p.stack_name for p in _plans(config, TEST_SUFFIX)]:
        test += [
            _on_set("cloudformation:DescribeStackSet", where, stack),
            Call("cloudformation:CreateStackSet", ("*",), role),
            _pass(where),
            _on_instances("cloudformation:CreateStackInstances", config, where, stack, *canary),
            *_follow(where, stack),
            _on_set("cloudformation:ListStackInstances", where, stack),
            _on_instances("cloudformation:DeleteStackInstances", config, where, stack, *canary),
            _on_set("cloudformation:DeleteStackSet", where, stack),
        ]
    return {"deploy": deploy, "status": status, "detect-drift": drift, "delete": delete,
            "test-deploy": test}  # fmt: skip


def _principal(config: Any) -> str:
    return f"arn:{TenantNames.of(config).partition.name}:iam::{config.account_id}:role/operator"


def denied_resources(
    policy: PolicyDocument, config: Any, call: Call, *, mfa: bool = True
) -> list[str]:
    """The resources of `call` the policy does not allow (by default with MFA, as a prod
    operator has)."""
    principal = _principal(config)
    context = {"aws:PrincipalArn": principal, "aws:MultiFactorAuthPresent": mfa, **call.context}
    document = [policy.to_json()]
    return [
        resource
        for resource in call.resources
        if not evaluate(Request(call.action, resource, context, principal), document).allowed
    ]


def allowed(policy: PolicyDocument, config: Any, call: Call) -> bool:
    return denied_resources(policy, config, call) == []


# -- the engine's calls are the ones proven ---------------------------------------------------
def test_the_proven_calls_are_the_engines(emulator: Any) -> None:
    """Run deploy (create; update and grow), status and delete against the emulator and
    record every AWS operation: the calls engine_calls proves are exactly those."""
    emulator.reset()
    made: set[str] = set()
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t")
    session.events.register(
        "before-call",
        lambda model, **_: made.add(f"{model.service_model.signing_name}:{model.name}"),
    )
    gateway = AwsGateway(session, "us-west-2", endpoint_url=emulator.url)
    gateway.client("s3").create_bucket(
        Bucket="engine-templates", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    made.clear()
    first = engine_target(accounts=("111111111111",))
    big = replace(
        first,
        stacks=tuple(
            replace(s, upload_to=("engine-templates", "templates/k")) for s in first.stacks
        ),
    )
    assert deploy_stack_sets(gateway, big, lambda _: None).code == ExitCode.OK
    assert deploy_stack_sets(gateway, engine_target("two"), lambda _: None).code == ExitCode.OK
    assert stack_set_status(gateway, engine_target("two"), lambda _: None).code == ExitCode.OK
    drift = detect_stack_set_drift(gateway, engine_target("two"), lambda _: None)
    assert drift.code == ExitCode.OK
    assert delete_stack_sets(gateway, engine_target("two"), lambda _: None).code == ExitCode.OK
    sec = next(c for c in CASES if isinstance(c, SecConfig) and c.template_bucket)
    proven = {c.action for calls in engine_calls(sec).values() for c in calls}
    # GetObject is CloudFormation's read of the TemplateURL with the caller's credentials;
    # PassRole is IAM's check of AdministrationRoleARN: neither is an API call of the engine.
    # ListStackSetOperations is made only while another operation holds the set.
    assert made == proven - {
        "s3:GetObject",
        "iam:PassRole",
        "cloudformation:ListStackSetOperations",
    }


# -- sufficient ---------------------------------------------------------------------------------
@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_every_engine_call_is_allowed(config: Any) -> None:
    policy = stack_set_operator_policy(_subject(config))
    refused = {
        (action, call.action, resource)
        for action, calls in engine_calls(config).items()
        for call in calls
        for resource in denied_resources(policy, config, call)
    }
    assert refused == set()


def test_the_proof_notices_a_missing_statement() -> None:
    config = next(c for c in CASES if isinstance(c, SecConfig) and c.template_bucket)
    policy = stack_set_operator_policy(_subject(config))
    for sid in (
        "CloudFormationStackSetManagement",
        "CloudFormationStackSetTargets",
        "CloudFormationStackSetCreate",
        "PassAdministrationRole",
        "S3TemplateUpload",
    ):
        dropped = PolicyDocument(tuple(s for s in policy.statements if s.sid != sid))
        refused = [
            c
            for calls in engine_calls(config).values()
            for c in calls
            if not allowed(dropped, config, c)
        ]
        assert refused, sid


# -- scoped ---------------------------------------------------------------------------------
def _other_config(config: Any) -> Any:
    """Another case whose stacks are not this one's."""
    mine = set(_subject(config).stacks)
    return next(c for c in CASES if not mine & set(_subject(c).stacks))


def _refusals(config: Any) -> Iterator[tuple[str, Call]]:
    subject = _subject(config)
    stack = subject.stacks[0]
    here = Where(config)
    # GovCloud's two regions may both be targets: then one the partition does not have.
    other_region = next(
        (r for r in sorted(subject.partition.regions) if r not in subject.regions), "xx-other-1"
    )
    elsewhere = {
        "another account's stack set": Where(config, account=OTHER_ACCOUNT),
        "the stack set in another region": Where(config, region=other_region),
    }
    for what, where in elsewhere.items():
        for action in ("DescribeStackSet", "DeleteStackSet", "ListStackInstances"):
            yield what, _on_set(f"cloudformation:{action}", where, stack)
        yield what, _on_instances("cloudformation:CreateStackInstances", config, where, stack)
    other = _other_config(config)
    for action in ("DescribeStackSet", "DeleteStackSet", "StopStackSetOperation"):
        yield (
            "another config's stack set",
            _on_set(f"cloudformation:{action}", here, _subject(other).stacks[0]),
        )
    yield "a stack set named like it", _on_set("cloudformation:DeleteStackSet", here, f"{stack}-x")
    for action in ("cloudformation:CreateStackInstances", "cloudformation:UpdateStackSet"):
        yield (
            "instances in another account",
            _on_instances(action, config, here, stack, (OTHER_ACCOUNT,)),
        )
        yield (
            "instances in another region",
            _on_instances(action, config, here, stack, regions=(other_region,)),
        )
    stranger = subject.partition.iam_arn(subject.administration_account, "role/admin")
    yield (
        "a stack set under another role",
        Call("cloudformation:CreateStackSet", ("*",), {"cloudformation:RoleArn": stranger}),
    )
    yield "a stack set under the default role", Call("cloudformation:CreateStackSet", ("*",), {})
    yield (
        "another role passed",
        Call("iam:PassRole", (stranger,), {"iam:PassedToService": "cloudformation.amazonaws.com"}),
    )
    yield (
        "the role passed to another service",
        Call(
            "iam:PassRole",
            (here.administration_role,),
            {"iam:PassedToService": "lambda.amazonaws.com"},
        ),
    )
    yield (
        "a single stack of its name",
        Call(
            "cloudformation:CreateStack",
            (
                subject.partition.arn(
                    "cloudformation",
                    subject.home_region,
                    subject.administration_account,
                    f"stack/{stack}/x",
                ),
            ),
            {},
        ),
    )
    bucket = getattr(config, "template_bucket", None) or "some-bucket"
    yield (
        "another object of the bucket",
        Call("s3:PutObject", (subject.partition.s3_arn(f"{bucket}/other/x.json"),), {}),
    )
    yield (
        "another bucket's templates",
        Call("s3:PutObject", (subject.partition.s3_arn(f"{bucket}x/templates/x.json"),), {}),
    )


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_everything_else_is_denied(config: Any) -> None:
    policy = stack_set_operator_policy(_subject(config))
    wrongly = [
        (what, call.action) for what, call in _refusals(config) if allowed(policy, config, call)
    ]
    assert wrongly == []


def test_the_scope_checks_notice_a_loose_policy() -> None:
    config = CASES[0]
    policy = stack_set_operator_policy(_subject(config))
    loose = PolicyDocument(
        tuple(replace(s, resources=("*",), condition=None) for s in policy.statements if s.is_allow)
    )
    wrongly = {what for what, call in _refusals(config) if allowed(loose, config, call)}
    assert len(_stack_set_roles(config, loose)) == 8
    assert {
        "another account's stack set",
        "another config's stack set",
        "instances in another region",
        "a stack set under another role",
        "another role passed",
    } <= wrongly


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_without_mfa_in_production_only_reads_pass(config: Any) -> None:
    policy = stack_set_operator_policy(_subject(config))
    principal = _principal(config)
    calls = engine_calls(config)
    # DetectStackSetDrift starts an operation: in production it needs MFA, as deploy does.
    for call in calls["deploy"] + calls["detect-drift"]:
        context = {
            "aws:PrincipalArn": principal,
            "aws:MultiFactorAuthPresent": False,
            **call.context,
        }
        results = {
            evaluate(Request(call.action, r, context, principal), [policy.to_json()]).allowed
            for r in call.resources
        }
        read = call.action.split(":")[1].startswith(("Describe", "List", "Get"))
        assert results == {read or not config.is_prod}, call.action


# -- valid, within size, no escalation ----------------------------------------------------------
@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_valid_and_within_size(config: Any) -> None:
    subject = _subject(config)
    policy = stack_set_operator_policy(subject)
    assert_valid_and_scoped(policy)
    assert PolicyDocument.size_of(policy.render()) <= MANAGED_POLICY_MAX_CHARS
    sids = [s.sid for s in policy.statements]
    assert len(set(sids)) == len(sids)
    # The template bucket's statement exactly where deploy uploads.
    uploads = "S3TemplateUpload" in sids
    assert uploads == (isinstance(config, SecConfig) and config.tier is not SecTier.SMALL)
    # Every CloudFormation ARN names the config's own account (types name none).
    for statement in policy.allow_statements:
        for resource in statement.resources:
            parts = resource.split(":")
            if resource != "*" and parts[2] == "cloudformation" and "type/" not in parts[5]:
                assert parts[4] == subject.administration_account, resource


def _stack_set_roles(config: Any, policy: PolicyDocument) -> list[str]:
    """cloudsplaining's stack-set methods: pass a role to CloudFormation and create or update a
    stack set that runs under it. Only the administration role can be passed, and a set can be
    created only under it; that role may only assume the execution roles, which hold the
    operator's own deployer statements in the target accounts (test_stackset_roles.py)."""
    subject, where = _subject(config), Where(config)
    p, account = subject.partition, subject.administration_account
    others = [
        p.iam_arn(account, f"role/{n}")
        for n in (
            subject.names.execution_role,
            "admin",
            "AWSCloudFormationStackSetAdministrationRole",
            f"{subject.names.administration_role}-x",
        )
    ]
    failures = [
        f"PassRole of {role} to CloudFormation"
        for role in others
        if allowed(
            policy,
            config,
            Call("iam:PassRole", (role,), {"iam:PassedToService": "cloudformation.amazonaws.com"}),
        )
    ]
    failures += [
        f"CreateStackSet under {role}"
        for role in others
        if allowed(
            policy,
            config,
            Call("cloudformation:CreateStackSet", ("*",), {"cloudformation:RoleArn": role}),
        )
    ]
    granted = administration_policy(subject).statements
    if [(s.actions, s.effect) for s in granted] != [(("sts:AssumeRole",), "Allow")] or any(
        not r.endswith(f":role/{subject.names.execution_role}") for r in granted[0].resources
    ):
        failures.append(f"the administration role {where.administration_role} may do more")
    return failures


STACK_SET_METHODS = (
    "PassExistingRoleToNewCloudFormationStackSet",
    "PassRoleToUpdateCloudFormationStackSet",
)


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_no_escalation_path(config: Any) -> None:
    policy = stack_set_operator_policy(_subject(config))
    t = TenantNames.of(config)
    kind = ML_BOUNDARY if isinstance(config, MlConfig) else SEC_BOUNDARY
    methods = _reported(policy.render())
    # A method neither table knows fails the test, so a new one gets reviewed.
    assert set(STACK_SET_METHODS) <= set(methods), "the scan itself is broken"
    assert not [m for m in methods if m not in CHECKS and m not in STACK_SET_METHODS], methods
    assert {m: f for m in methods if m in CHECKS and (f := CHECKS[m](policy, t, kind))} == {}
    assert _stack_set_roles(config, policy) == []
    assert _role_writes(policy, t, kind) == []
    assert _policy_versions(policy, t, kind) == []
    assert _pass_role(policy, t, kind) == []
    # The one role it passes may itself only assume the execution roles (test_stackset_roles).
    passes = [s for s in policy.allow_statements if "iam:PassRole" in s.actions]
    assert [s.resources for s in passes] == [(Where(config).administration_role,)]
    assert json.dumps(policy.to_json()).count("iam:PassRole") == 1
