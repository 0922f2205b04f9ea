"""The self-managed stack set's roles (issue 14, points 1 and 3): the administration role may
only assume the execution role of the target accounts; the execution role's policies are
proven like the operator policies — sufficient for every handler permission of every resource
of the config's stacks in each target account and region, scoped, valid against the IAM
catalogue, within IAM's size limits, and no path to administrator; both templates lint clean.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    all_ml_configs,
    all_sec_configs,
    cfn_lint,
    govcloud_ml_configs,
    partition_sec_configs,
)
from policy_checks import assert_valid_and_scoped
from proofs.policy_proofs import gaps
from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS
from provisioner.cfn.template import StackPlan
from provisioner.config.deployment import DeploymentConfig
from provisioner.config.ml import MlConfig
from provisioner.config.sec import SecConfig
from provisioner.ml.operator_policy import operator_policy as ml_operator_policy
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import iam_short_prefix
from provisioner.naming.sec import tenant_prefix
from provisioner.naming.tenant import ML_BOUNDARY, SEC_BOUNDARY, TenantNames
from provisioner.policy.document import PolicyDocument, Statement
from provisioner.policy.evaluation import Request, evaluate
from provisioner.sec.operator_policy import operator_policy as sec_operator_policy
from provisioner.sec.plan import plan_stacks
from provisioner.stack_sets.roles import (
    ACCOUNT_REFERENCE,
    MAX_POLICIES_PER_ROLE,
    StackSetSubject,
    administration_policy,
    administration_template,
    execution_policies,
    execution_policy,
    execution_template,
)
from provisioner.stack_sets.subjects import ml_subject, sec_subject
from test_escalation import CHECKS, _pass_role, _reported, _role_writes, _role_writes_via_cfn
from test_policy import handlers_for
from test_sec import sec_handlers

TARGETS = ("444455556666", "777788889999")
# A second region of each partition, beside the config's own.
# (ML: SageMaker model package groups are not in us-gov-east-1, so GovCloud ML stays in one.)
_SECOND_REGION = {"aws": "eu-west-1", "aws-us-gov": "us-gov-east-1", "aws-cn": "cn-northwest-1"}
# IAM's quota for a role's inline policies together (characters, whitespace excluded).
ROLE_INLINE_POLICIES_MAX_CHARS = 10_240


def _regions(config: MlConfig | SecConfig) -> list[str]:
    partition = TenantNames.of(config).partition.name
    if isinstance(config, MlConfig) and partition == "aws-us-gov":
        return [config.region]
    second = _SECOND_REGION[partition]
    if second == config.region:
        second = "us-east-1"
    return [config.region, second]


def _self_managed(config: Any, accounts: tuple[str, ...] = TARGETS) -> Any:
    deployment = DeploymentConfig.model_validate(
        {
            "permission_model": "self-managed",
            "targets": {"accounts": list(accounts), "regions": _regions(config)},
        }
    )
    return config.model_copy(update={"deployment": deployment})


@cache
def _ml_cases() -> tuple[MlConfig, ...]:
    return tuple(_self_managed(c) for c in [*all_ml_configs(), *govcloud_ml_configs()])


@cache
def _sec_cases() -> tuple[SecConfig, ...]:
    return tuple(_self_managed(c) for c in [*all_sec_configs(), *partition_sec_configs()])


def _moved(config: Any, account: str, region: str) -> Any:
    return config.model_copy(update={"account_id": account, "region": region})


def _subject(config: Any) -> StackSetSubject:
    return ml_subject(config) if isinstance(config, MlConfig) else sec_subject(config)


TEST_SUFFIX = "t1a2b"  # a test-deploy's, as the canary's stack sets have


def _plans(config: Any, suffix: str | None = None) -> list[StackPlan]:
    if isinstance(config, MlConfig):
        return [plan_stack(config, suffix)]
    return list(plan_stacks(config, suffix))


def _handlers(config: Any) -> Any:
    return handlers_for(config) if isinstance(config, MlConfig) else sec_handlers(config)


def _boundary_kind(config: Any) -> str:
    return ML_BOUNDARY if isinstance(config, MlConfig) else SEC_BOUNDARY


def _name(config: Any) -> str:
    t = TenantNames.of(config)
    what = config.use_case if isinstance(config, MlConfig) else f"sec-{config.tier}"
    return f"{t.regional}-{what}"


CASES = [*_ml_cases(), *_sec_cases()]
IDS = [_name(c) for c in CASES]


def _placements(config: Any) -> Iterator[tuple[str, str]]:
    """Each target region, in one target account: the accounts' policies differ in the
    account id alone (test_template_resolves_to_the_proven_policies covers both)."""
    for region in config.deployment.region_order:
        yield TARGETS[-1], region


def _resolved(value: Any, account: str) -> Any:
    """The template's value as CloudFormation resolves it in `account`."""
    if isinstance(value, dict):
        if set(value) == {"Fn::Sub"}:
            return value["Fn::Sub"].replace(ACCOUNT_REFERENCE, account)
        return {k: _resolved(v, account) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, account) for v in value]
    return value


def _template_policies(config: Any, account: str) -> list[dict[str, Any]]:
    resources = execution_template(_subject(config))["Resources"]
    return [
        _resolved(r["Properties"]["PolicyDocument"], account)
        for r in resources.values()
        if r["Type"] == "AWS::IAM::ManagedPolicy"
    ]


def _by_sid_and_resources(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Each (Sid without a part number, effect, resources, condition) → its actions."""
    grants: dict[str, set[str]] = {}
    for s in statements:
        key = json.dumps(
            [s["Sid"].rstrip("0123456789"), s["Effect"], s.get("Resource"), s.get("Condition")],
            sort_keys=True,
        )
        actions: str | list[str] = s.get("Action", s.get("NotAction", []))
        grants.setdefault(key, set()).update([actions] if isinstance(actions, str) else actions)
    return grants


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_template_resolves_to_the_proven_policies(config: Any) -> None:
    """What the proofs below check is what the template grants in each target account: the
    statements of each region's execution policy, in documents within IAM's size limit."""
    subject = _subject(config)
    for account in TARGETS:
        documents = _template_policies(config, account)
        granted = [s for d in documents for s in d["Statement"]]
        proven = [
            s
            for region in config.deployment.region_order
            for s in execution_policy(subject, account, region).to_json()["Statement"]
        ]
        # split_to_fit packs whole statements (and cuts an oversized one by action): compare
        # what is granted, not the packing.
        assert _by_sid_and_resources(granted) == _by_sid_and_resources(proven)
        assert ACCOUNT_REFERENCE not in json.dumps(documents)
        assert 1 <= len(documents) <= MAX_POLICIES_PER_ROLE
        for document in documents:
            assert PolicyDocument.size_of(json.dumps(document)) <= MANAGED_POLICY_MAX_CHARS
            sids = [s["Sid"] for s in document["Statement"]]
            assert len(set(sids)) == len(sids)


@pytest.mark.parametrize("scoped", [False, True], ids=["sufficient", "scoped"])
@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_execution_policy_proven(config: Any, scoped: bool) -> None:
    """Every handler permission of every resource of the config's stacks, moved to each
    target account and region, is allowed (scoped: by a statement naming the resource); in
    their test-deploy form too, as the canary's stack sets deploy them."""
    subject = _subject(config)
    for account, region in _placements(config):
        moved = _moved(config, account, region)
        for suffix in (None, TEST_SUFFIX):
            found = gaps(
                _plans(moved, suffix),
                execution_policy(subject, account, region),
                _handlers(moved),
                scoped=scoped,
                account=account,
            )
            assert [g.render() for g in found] == [], (account, region, suffix)


def test_proofs_notice_a_missing_permission() -> None:
    config = _ml_cases()[0]
    account, region = TARGETS[0], config.region
    policy = execution_policy(_subject(config), account, region)
    weakened = PolicyDocument(
        tuple(
            Statement(s.sid, tuple(a for a in s.actions if a != "iam:ListRolePolicies"),
                      s.resources, s.condition, effect=s.effect, not_actions=s.not_actions)
            for s in policy.statements
        )
    )  # fmt: skip
    moved = _moved(config, account, region)
    found = gaps(_plans(moved), weakened, _handlers(moved), scoped=False, account=account)
    assert {g.permission for g in found} == {"iam:ListRolePolicies"}


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_execution_policy_valid_scoped_and_within_size(config: Any) -> None:
    subject = _subject(config)
    for account in TARGETS:
        parts = execution_policies(subject, account)
        assert 1 <= len(parts) <= MAX_POLICIES_PER_ROLE
        for part in parts:
            assert_valid_and_scoped(part)
            assert part.size <= MANAGED_POLICY_MAX_CHARS
            # Never another account's resources, never a wildcard account.
            for statement in part.statements:
                for resource in statement.resources:
                    if resource != "*" and resource.split(":")[2] not in ("s3", "iam"):
                        assert resource.split(":")[4] == account, resource
                    if resource.split(":")[2:3] == ["iam"] and resource != "*":
                        assert resource.split(":")[4] in (account, "aws"), resource
        # No production MFA deny: no person's MFA reaches the stack-set service.
        assert all(s.sid != "DenyChangesWithoutMfa" for p in parts for s in p.statements)


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_execution_role_acts_on_the_stack_sets_stacks_only(config: Any) -> None:
    """CloudFormation names an instance's stack `StackSet-{stack set}-{id}`: the stack actions
    reach those stacks of the target account and region, not the operator's own stacks."""
    subject = _subject(config)
    account, region = TARGETS[1], _regions(config)[-1]
    policy = execution_policy(subject, account, region).to_json()
    partition = TenantNames.of(config).partition
    canary = [p.stack_name for p in _plans(config, TEST_SUFFIX)]
    for stack in (*subject.stacks, *canary):
        instance = partition.arn(
            "cloudformation", region, account, f"stack/StackSet-{stack}-0a1b2c3d/abc"
        )
        own = partition.arn("cloudformation", region, account, f"stack/{stack}/abc")
        other = partition.arn("cloudformation", region, TARGETS[0], f"stack/StackSet-{stack}-x/a")
        ctx = {"aws:PrincipalArn": f"arn:{partition.name}:iam::{account}:role/x"}
        for arn, allowed in ((instance, True), (own, False), (other, False)):
            request = Request("cloudformation:UpdateStack", arn, ctx, ctx["aws:PrincipalArn"])
            assert evaluate(request, [policy]).allowed is allowed, arn


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_execution_policy_is_no_escalation_path(config: Any) -> None:
    """The operator-policy issue's escalation checks, on the execution role in each target
    account and region: every method cloudsplaining reports is denied by its requests."""
    subject = _subject(config)
    kind = _boundary_kind(config)
    for account, region in _placements(config):
        t = TenantNames.of(_moved(config, account, region))
        for part in execution_policies(subject, account):
            methods = _reported(part.render())
            assert not [m for m in methods if m not in CHECKS], methods
            assert {m: f for m in methods if (f := CHECKS[m](part, t, kind))} == {}
            assert _role_writes(part, t, kind) == []
            assert _pass_role(part, t, kind) == []
            assert _role_writes_via_cfn(part, t, kind) == []


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_operator_cannot_take_over_the_stack_set_roles(config: Any) -> None:
    """The roles are named inside the operator's IAM scope, without the tenant's boundary:
    the operator can change neither their policies nor their trust, nor pass them."""
    subject = _subject(config)
    t = TenantNames.of(config)
    operator = (
        ml_operator_policy(config) if isinstance(config, MlConfig) else sec_operator_policy(config)
    ).to_json()
    principal = f"arn:{t.partition.name}:iam::{t.account}:role/operator"
    for role in (subject.names.administration_role, subject.names.execution_role):
        arn = t.iam_arn(f"role/{role}")
        for action in ("iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy",
                       "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"):  # fmt: skip
            ctx: dict[str, Any] = {
                "aws:PrincipalArn": principal,
                "aws:MultiFactorAuthPresent": True,
            }
            if action == "iam:AttachRolePolicy":
                ctx["iam:PolicyARN"] = f"arn:{t.partition.name}:iam::aws:policy/AdministratorAccess"
            assert not evaluate(Request(action, arn, ctx, principal), [operator]).allowed, action
        for service in ("cloudformation.amazonaws.com", "sagemaker.amazonaws.com"):
            ctx = {"aws:PrincipalArn": principal, "iam:PassedToService": service}
            request = Request("iam:PassRole", arn, ctx, principal)
            assert not evaluate(request, [operator]).allowed, (role, service)


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_roles_are_named_in_the_config_scope(config: Any) -> None:
    names = _subject(config).names
    if isinstance(config, MlConfig):
        prefix = f"{iam_short_prefix(config)}-"
    else:
        prefix = f"{tenant_prefix(config)}-role-"
    assert names.administration_role.startswith(prefix)
    assert names.execution_role.startswith(prefix)
    assert all(len(n) <= 64 for n in (names.administration_role, names.execution_role))


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_administration_role(config: Any) -> None:
    """Trusted by CloudFormation for this account's stack sets only; allowed nothing but
    sts:AssumeRole of the execution role in each target account."""
    subject = _subject(config)
    t = TenantNames.of(config)
    role = administration_template(subject)["Resources"]["AdministrationRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "cloudformation.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": t.account}
    (policy,) = role["Policies"]
    document = policy["PolicyDocument"]
    assert document == administration_policy(subject).to_json()
    assert PolicyDocument.size_of(json.dumps(document)) <= ROLE_INLINE_POLICIES_MAX_CHARS
    (statement,) = document["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "sts:AssumeRole"
    assert statement["Resource"] == [
        f"arn:{t.partition.name}:iam::{a}:role/{subject.names.execution_role}" for a in TARGETS
    ]
    assert _reported(json.dumps(document)) == ()


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_execution_role_trusts_the_administration_role_only(config: Any) -> None:
    subject = _subject(config)
    t = TenantNames.of(config)
    role = execution_template(subject)["Resources"]["ExecutionRole"]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": t.iam_arn(f"role/{subject.names.administration_role}")},
            "Action": "sts:AssumeRole",
        }
    ]


@pytest.mark.parametrize(
    "config", [*_ml_cases()[:1], *_sec_cases()[:1]], ids=[*IDS[:1], IDS[len(_ml_cases())]]
)
def test_templates_lint_clean(config: Any) -> None:
    subject = _subject(config)
    for template in (administration_template(subject), execution_template(subject)):
        assert cfn_lint(json.dumps(template), config.region) == []


# -- the CLI -------------------------------------------------------------------------------
_DEPLOYMENT = """
deployment:
  permission_model: {model}
  targets:
    {where}
    regions: [us-west-2]
"""
ML = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
SEC = "techcorp-prod-a001-us-west-2-sec.yaml"


def _with_deployment(workdir: Path, name: str, model: str, where: str) -> None:
    path = workdir / "configs" / name
    section = _DEPLOYMENT.format(model=model, where=where)
    if model == "service-managed":  # required there
        section += "  template_bucket: techcorp-reviewed-templates\n"
    path.write_text(path.read_text() + section)


def test_cli_writes_both_templates(workdir: Path, run_ml: Any, run_sec: Any) -> None:
    _with_deployment(workdir, ML, "self-managed", 'accounts: ["444455556666"]')
    _with_deployment(workdir, SEC, "self-managed", 'accounts: ["444455556666"]')
    for run, name in ((run_ml, ML), (run_sec, SEC)):
        result = run("-con", name, "-act", "create-stackset-roles")
        assert result.code == 0, result.err
        stem = name.removesuffix(".yaml")
        for role in ("administration", "execution"):
            written = workdir / "templates" / f"{stem}-stackset-{role}-role.json"
            assert cfn_lint(written.read_text(), "us-west-2") == []


@pytest.mark.parametrize(
    ("model", "where", "message"),
    [
        (None, None, "has no `deployment` section"),
        ("service-managed", "organizational_units: [ou-ab12-cdef5678]",
         "writes roles for self-managed stack sets only"),
    ],
)  # fmt: skip
def test_cli_refuses_without_a_self_managed_stack_set(
    workdir: Path, run_ml: Any, model: str | None, where: str | None, message: str
) -> None:
    if model is not None and where is not None:
        _with_deployment(workdir, ML, model, where)
    result = run_ml("-con", ML, "-act", "create-stackset-roles")
    assert result.code == 2 and message in result.err
    assert not (workdir / "templates").exists()


@pytest.mark.parametrize("others", [(), ("777766665555",)], ids=["own account only", "two"])
def test_the_execution_role_names_the_bucket_the_sets_template_makes(
    others: tuple[str, ...],
) -> None:
    """The role's policies are built for `${AWS::AccountId}`; they name the artifacts bucket the
    set's template makes, whatever accounts the section targets (with the account in its name
    only where the section reaches another)."""
    from provisioner.cli.stack_sets import set_bodies
    from provisioner.deploy.target import StackTemplate

    config = next(c for c in all_ml_configs() if c.tier.value == "professional")
    config = config.model_copy(update={"use_case": "fraud"})  # room for the account id
    deployment = DeploymentConfig.model_validate(
        {
            "permission_model": "self-managed",
            "targets": {"accounts": [config.account_id, *others], "regions": [config.region]},
        }
    )
    config = config.model_copy(update={"deployment": deployment})
    plan = plan_stack(config)
    body = set_bodies(deployment, config.account_id, config.region,
                      [StackTemplate(plan.stack_name, plan.render())],
                      lambda r: [plan_stack(config.model_copy(update={"region": r})).render()],
                      )[plan.stack_name]  # fmt: skip
    (bucket,) = [r for r in json.loads(body)["Resources"].values()
                 if r["Type"] == "AWS::S3::Bucket"]  # fmt: skip
    # The role's policies are per region: the template's name resolved for the config's. It
    # holds the account only where the section reaches another account.
    name = bucket["Properties"]["BucketName"]["Fn::Sub"].replace("${AWS::Region}", config.region)
    assert name.endswith(f"-{ACCOUNT_REFERENCE}" if others else "-fraud-realtime-ml-artifacts")
    granted = json.dumps(
        [p.to_json() for p in execution_policies(ml_subject(config), ACCOUNT_REFERENCE)]
    )
    assert f"arn:aws:s3:::{name}" in granted
    other_form = "-ml-artifacts" if others else f"-ml-{ACCOUNT_REFERENCE}"
    assert other_form not in granted
