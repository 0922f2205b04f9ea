"""create-policy: the seeds' statements, proven sufficient, valid, scoped and within size."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from conftest import (
    all_ml_configs,
    all_sec_configs,
    catalogue_entry,
    govcloud_ml_configs,
    handler_permissions,
    largest_sec_config,
    resource_schema,
)
from policy_checks import assert_valid_and_scoped
from proofs.policy_proofs import HandlerPermissions, gaps
from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS
from provisioner.cfn.template import PlannedResource
from provisioner.config.ml import MlConfig, MlTier
from provisioner.config.sec import SecTier
from provisioner.ml.operator_policy import operator_policies, operator_policy
from provisioner.ml.operator_seed import seed_floor
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import MlNames
from provisioner.policy.document import PolicyDocument, Statement, split_to_fit
from provisioner.policy.unscopable import UNSCOPABLE_ACTIONS
from provisioner.resource_types.handler_exclusions import EXCLUSIONS
from provisioner.resource_types.reviewed_handlers import REVIEWED_HANDLERS
from provisioner.sec.plan import plan_stacks

SEED_SIDS = {
    MlTier.STARTER: [
        "CloudFormationManagement",
        "SageMakerUnscoped",
        "SageMakerScoped",
        "CodeCommitManagement",
        "CodeBuildManagement",
        "CodePipelineManagement",
        "IAMRoleManagement",
        "SSMManageMlParameters",
    ],
    MlTier.PROFESSIONAL: [
        "S3ArtifactsBucketManagement",
        "EventBridgeManagement",
        "CloudWatchDashboardManagement",
    ],
    MlTier.ENTERPRISE: [
        "KMSKeyManagement",
        "CloudWatchLogsManagement",
        "SNSManagement",
        "VPCEndpointManagement",
    ],
}
TEST_SUFFIXES = ("t0000", "tffff", "t9a3c")


def handlers_for(config: MlConfig) -> HandlerPermissions:
    types = {r.type for r in plan_stack(config).resources}
    found: dict[str, dict[str, list[str]]] = {}
    for resource_type in types:
        declared = handler_permissions(config.region, resource_type)
        if declared:
            assert resource_type not in REVIEWED_HANDLERS, "schema now has handlers: drop ours"
            found[resource_type] = declared
        else:
            found[resource_type] = REVIEWED_HANDLERS[resource_type]
    return found


# The proofs run for every example, and for each moved to GovCloud (partition aws-us-gov).
PROVEN = [*all_ml_configs(), *govcloud_ml_configs()]


@pytest.fixture(params=PROVEN, ids=[f"{c.use_case}-{c.region}" for c in PROVEN])
def proven_config(request: pytest.FixtureRequest) -> MlConfig:
    config: MlConfig = request.param
    return config


def plans(config: MlConfig) -> list:  # type: ignore[type-arg]
    return [plan_stack(config), *(plan_stack(config, s) for s in TEST_SUFFIXES)]


def test_seed_statements_by_tier(ml_config: MlConfig) -> None:
    sids = [s.sid for s in operator_policy(ml_config).statements]
    for tier, expected in SEED_SIDS.items():
        for sid in expected:
            assert (sid in sids) == ml_config.tier.includes(tier), sid


def test_every_seed_action_stays_granted(ml_config: MlConfig) -> None:
    """The seed's statements are the floor: each of their actions (by IAM's name where the
    seed's is not one) is granted in every tier that has the statement."""
    actions = operator_policy(ml_config).actions
    for tier, sids in SEED_SIDS.items():
        if ml_config.tier.includes(tier):
            for sid in sids:
                missing = set(seed_floor()[sid]) - actions
                assert not missing, (sid, sorted(missing))
    assert set(seed_floor()) == {sid for sids in SEED_SIDS.values() for sid in sids}


def test_seed_resource_scoping_for_starter_example() -> None:
    """The seed's patterns, filled in for techcorp (reviewed by hand against the seed)."""
    config = next(c for c in all_ml_configs() if c.company_prefix == "techcorp")
    policy = operator_policy(config)
    ml, acct, region = "techcorp-prod-a001-us-west-2-customer-churn-ml", "111122223333", "us-west-2"
    expected = {
        "CloudFormationManagement": (f"arn:aws:cloudformation:{region}:{acct}:stack/{ml}-*",),
        "SageMakerUnscoped": ("*",),
        "SageMakerScoped": (f"arn:aws:sagemaker:{region}:{acct}:*/{ml}-*",),
        "CodeCommitManagement": (f"arn:aws:codecommit:{region}:{acct}:{ml}-*",),
        "CodeBuildManagement": (f"arn:aws:codebuild:{region}:{acct}:project/{ml}-*",),
        "CodePipelineManagement": (f"arn:aws:codepipeline:{region}:{acct}:{ml}-*",),
        "IAMRoleManagement": (
            f"arn:aws:iam::{acct}:role/techcorp-prod-a001-customer-churn-*",
            f"arn:aws:iam::{acct}:policy/techcorp-prod-a001-customer-churn-*",
        ),
        # the seed's pattern, and the path itself, on which IAM authorizes GetParametersByPath
        "SSMManageMlParameters": (
            f"arn:aws:ssm:{region}:{acct}:parameter/ml/{ml}",
            f"arn:aws:ssm:{region}:{acct}:parameter/ml/{ml}/*",
        ),
    }
    for sid, resources in expected.items():
        assert policy.statement(sid).resources == resources, sid


def test_iam_is_scoped_by_the_short_prefix_not_the_ml_name() -> None:
    """The seed's IAMRoleManagement names `{ml_name}-*`; its scoping section, and this project,
    the short prefix (docs/operator-policy.md): role names with the ml_name would not fit."""
    config = next(c for c in all_ml_configs() if c.company_prefix == "globalbank")
    names = MlNames(config)
    assert len(f"{names.ml_name}-sagemaker-role") > 64  # IAM's role name limit
    roles = [r for r in plan_stack(config, "tffff").resources if r.type == "AWS::IAM::Role"]
    assert roles and all(len(r.physical_name) <= 64 for r in roles)
    assert all(config.region not in r.physical_name for r in roles)  # IAM is global
    statement = operator_policy(config).statement("IAMRoleManagement")
    assert all(names.ml_name not in pattern for pattern in statement.resources)


def test_professional_and_enterprise_scoping() -> None:
    for config in all_ml_configs():
        policy = operator_policy(config)
        ml = f"{config.company_prefix}-{config.env}-{config.tenant_id}-{config.region}-"
        if config.tier.includes(MlTier.PROFESSIONAL):
            s3 = policy.statement("S3ArtifactsBucketManagement").resources
            assert (
                s3[0]
                == f"arn:aws:s3:::{ml}{config.use_case}"
                + (f"-{config.workload}" if config.workload else "")
                + "-ml-artifacts"
            )
            events = policy.statement("EventBridgeManagement").resources[0]
            assert events.endswith("-ml-*") and ":rule/" + ml in events
        if config.tier.includes(MlTier.ENTERPRISE):
            logs = policy.statement("CloudWatchLogsManagement").resources[0]
            assert logs.endswith(f"log-group:/ml/{ml}{config.use_case}-ml/*")


def test_seed_actions_that_iam_does_not_define_are_replaced(ml_config: MlConfig) -> None:
    actions = {a.lower() for a in operator_policy(ml_config).actions}
    assert "sagemaker:updatemodelpackagegroup" not in actions
    assert "s3:putbucketencryption" not in actions
    if ml_config.tier.includes(MlTier.PROFESSIONAL):
        assert "s3:putencryptionconfiguration" in actions
    # and the catalogue agrees that the seed's two names are not IAM actions
    assert catalogue_entry("sagemaker:UpdateModelPackageGroup") is None
    assert catalogue_entry("s3:PutBucketEncryption") is None


def test_handler_gaps_the_seed_missed_are_included(ml_config: MlConfig) -> None:
    actions = operator_policy(ml_config).actions
    for needed in (
        "iam:ListAttachedRolePolicies",
        "iam:ListRolePolicies",
        "iam:UntagRole",
        "codepipeline:TagResource",
        "sagemaker:AddTags",
        "ssm:ListTagsForResource",
    ):
        assert needed in actions


def test_sufficient(proven_config: MlConfig) -> None:
    found = gaps(
        plans(proven_config),
        operator_policy(proven_config),
        handlers_for(proven_config),
        scoped=False,
        account=proven_config.account_id,
    )
    assert [g.render() for g in found] == []


def test_scoped(proven_config: MlConfig) -> None:
    found = gaps(
        plans(proven_config),
        operator_policy(proven_config),
        handlers_for(proven_config),
        scoped=True,
        account=proven_config.account_id,
    )
    assert [g.render() for g in found] == []


def test_proofs_detect_a_missing_permission(proven_config: MlConfig) -> None:
    """Drop one permission the role handler needs: the sufficiency proof must say so."""
    policy = operator_policy(proven_config)
    weakened = PolicyDocument(
        tuple(
            replace(s, actions=tuple(a for a in s.actions if a != "iam:ListRolePolicies"))
            for s in policy.statements
        )
    )
    found = gaps(
        plans(proven_config),
        weakened,
        handlers_for(proven_config),
        scoped=False,
        account=proven_config.account_id,
    )
    assert {g.permission for g in found} == {"iam:ListRolePolicies"}
    assert {g.resource_type for g in found} == {"AWS::IAM::Role"}


def test_proofs_detect_a_name_outside_the_scope(proven_config: MlConfig) -> None:
    """Narrow the SSM scope so live names fall outside: the scope proof must say so."""
    policy = operator_policy(proven_config)
    ssm = policy.statement("SSMManageMlParameters")
    narrowed = PolicyDocument(
        tuple(
            replace(s, resources=("arn:aws:ssm:*:*:parameter/other/*",)) if s is ssm else s
            for s in policy.statements
        )
    )
    found = gaps(
        plans(proven_config),
        narrowed,
        handlers_for(proven_config),
        scoped=True,
        account=proven_config.account_id,
    )
    assert found and {g.resource_type for g in found} == {"AWS::SSM::Parameter"}


def test_valid_and_scoped_in_every_variant(proven_config: MlConfig) -> None:
    for policy in operator_policies(proven_config).values():
        assert_valid_and_scoped(policy)


def test_unscopable_table_is_true() -> None:
    for action, reason in UNSCOPABLE_ACTIONS.items():
        entry = catalogue_entry(action)
        assert entry is not None and not entry.get("Resources"), action
        assert reason


def test_fits_iam_size_limit(proven_config: MlConfig) -> None:
    policy = operator_policy(proven_config)
    parts = split_to_fit(policy)
    assert all(p.size <= MANAGED_POLICY_MAX_CHARS for p in parts)

    def grants(statements: list[Statement]) -> set[tuple[str, str, str, str]]:
        return {
            (s.effect, a, r, repr(s.condition)) for s in statements for a in s.actions
            for r in s.resources
        }  # fmt: skip

    assert grants([s for p in parts for s in p.statements]) == grants(list(policy.statements))
    # The guards (conditions, denies) cost size: starter and professional take two parts.
    assert len(parts) <= (3 if proven_config.tier is MlTier.ENTERPRISE else 2)


def test_splitter_cuts_oversized_statements() -> None:
    actions = tuple(f"iam:GetRole{i:04d}" for i in range(600))
    doc = PolicyDocument((Statement("Big", actions, ("arn:aws:iam::1:role/x-*",)),))
    parts = split_to_fit(doc)
    assert len(parts) > 1 and all(p.size <= MANAGED_POLICY_MAX_CHARS for p in parts)
    assert sorted(a for p in parts for s in p.statements for a in s.actions) == sorted(actions)
    assert len({s.sid for p in parts for s in p.statements}) == sum(
        len(p.statements) for p in parts
    )


@pytest.mark.parametrize("exclusion", EXCLUSIONS, ids=lambda e: f"{e.resource_type}:{e.permission}")
def test_exclusion_is_still_true(exclusion) -> None:  # type: ignore[no-untyped-def]
    region = "us-west-2"
    declared = handler_permissions(region, exclusion.resource_type)
    assert any(exclusion.permission in perms for perms in declared.values()), "stale exclusion"
    if exclusion.not_iam:
        assert catalogue_entry(exclusion.permission) is None
    if exclusion.unused_property:
        schema = resource_schema(region, exclusion.resource_type)
        assert exclusion.unused_property in schema["properties"]
        checked = 0
        for resource in every_planned_resource():
            if resource.type == exclusion.resource_type:
                assert exclusion.unused_property not in resource.properties, resource.logical_id
                checked += 1
        assert checked, f"no generated template holds {exclusion.resource_type}: stale exclusion"
    if exclusion.always_set_property:
        typed = [r for r in every_planned_resource() if r.type == exclusion.resource_type]
        assert typed and all(exclusion.always_set_property in r.properties for r in typed)
        for config in all_ml_configs():
            assert not operator_policy(config).allows(exclusion.permission, "*")
            assert "DenyBoundaryRemoval" in {s.sid for s in operator_policy(config).statements}
    assert exclusion.reason


@cache
def every_planned_resource() -> tuple[PlannedResource, ...]:
    """Every resource either tool can generate: each ML example at each tier it can take, each
    SEC example and the largest config of each SEC tier; live and in test-deploy form."""
    plans = []
    for config in all_ml_configs():
        for tier in MlTier:
            variant = config.model_copy(update={"tier": tier})
            if tier is MlTier.ENTERPRISE and variant.network is None:
                continue
            plans += [plan_stack(variant, suffix) for suffix in (None, "tffff")]
    sec_configs = [*all_sec_configs(), *(largest_sec_config(t.value) for t in SecTier)]
    for sec_config in sec_configs:
        plans += [*plan_stacks(sec_config), *plan_stacks(sec_config, "tffff")]
    return tuple(r for plan in plans for r in plan.resources)


def test_exclusions_are_checked_against_both_tools() -> None:
    types = {r.type for r in every_planned_resource()}
    assert {"AWS::IAM::Group", "AWS::SSM::Parameter", "AWS::CodeBuild::Project"} <= types


def test_scoped_statements_hold_only_scopable_actions(ml_config: MlConfig) -> None:
    """A statement naming resources never matches an action IAM cannot scope: such an action
    must sit in an unscoped statement, or the operator is denied at run time."""
    for statement in operator_policy(ml_config).statements:
        if not statement.is_unscoped:
            for action in statement.actions:
                entry = catalogue_entry(action)
                assert entry is not None and entry.get("Resources"), (statement.sid, action)


def test_every_call_of_the_deploy_engine_is_granted() -> None:
    """What the engine calls with the operator's credentials (deploy/gateway.py and
    service_reads.py), beyond what
    CloudFormation's handlers do, must be in the operator policy of the tool that makes it."""
    import re

    from conftest import ROOT
    from provisioner.sec.operator_policy import operator_policy as sec_operator_policy

    engine = ROOT / "src" / "provisioner" / "deploy"
    source = (engine / "gateway.py").read_text() + (engine / "service_reads.py").read_text()
    services = {"cloudformation", "s3", "ssm"}  # what its _call()s go to
    calls = set(re.findall(r'_call\(\s*f?"([A-Z][A-Za-z]+)', source))
    calls.discard("GetCallerIdentity")  # sts: AWS requires no permission for it
    # service_reads.py: each method opens its service's client, then reads through it.
    reads = {
        (service, operation)
        for method in source.split("\n    def ")
        for service in re.findall(r'self\._client\(\s*"(\w+)"\)', method)
        for operation in re.findall(r'_read\(\s*f?"([A-Z][A-Za-z]+)', method)
    }
    assert len(calls) > 10 and len(reads) > 10  # the patterns still find the calls
    ml = set().union(*(operator_policy(c).actions for c in all_ml_configs()))
    sec = set().union(*(sec_operator_policy(c).actions for c in all_sec_configs()))
    missing = [c for c in sorted(calls) if not any(f"{s}:{c}" in ml | sec for s in services)]
    missing += [f"{s}:{c}" for s, c in sorted(reads) if f"{s}:{c}" not in ml | sec]
    assert missing == []
    assert "ssm:DeleteParameters" in ml and "ssm:DeleteParameters" in sec  # delete's clean-up
