"""sec-provisioner: the seed's command line, the permission model, names, templates split
within CloudFormation's limits, policies that pass the linters, the operator policy proven."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from parliament import analyze_policy_string
from pydantic import ValidationError

from conftest import (
    SEC_EXAMPLES,
    CliRunner,
    all_sec_configs,
    catalogue_entry,
    cfn_lint,
    handler_permissions,
    largest_sec_config,
    partition_sec_configs,
)
from policy_checks import assert_valid_and_scoped
from proofs.policy_proofs import gaps
from provisioner.aws_limits import (
    MANAGED_POLICY_MAX_CHARS,
    STACK_MAX_RESOURCES,
    TEMPLATE_BODY_MAX_BYTES,
    TEMPLATE_URL_MAX_BYTES,
)
from provisioner.config.sec import Persona, SecConfig, SecTier
from provisioner.config.sec_loader import load_sec_config
from provisioner.errors import Problem
from provisioner.naming.arn import glob_matches
from provisioner.naming.tenant import TenantNames
from provisioner.policy.document import split_to_fit
from provisioner.sec.operator_policy import operator_policies, operator_policy
from provisioner.sec.operator_seed import SEED_STATEMENTS
from provisioner.sec.plan import plan_stacks
from provisioner.sec.plan_checks import checked_plan, plan_problems, plan_tenant_iam

EDGE = "edge-prod-b001-us-west-1-sec.yaml"


def derived_problems(config: SecConfig) -> list[Problem]:
    """What validation finds on the config's plan: its derived names, region and stack sizes."""
    return plan_problems(plan_tenant_iam(config))


@pytest.fixture(params=SEC_EXAMPLES, ids=lambda p: p.name.split("-")[0])
def sec_config(request: pytest.FixtureRequest) -> SecConfig:
    return load_sec_config(request.param)


# The proofs run for every example, and for each moved to GovCloud and to China.
PROVEN = [*all_sec_configs(), *partition_sec_configs()]


@pytest.fixture(params=PROVEN, ids=[f"{c.company_prefix}-{c.env}-{c.region}" for c in PROVEN])
def proven_config(request: pytest.FixtureRequest) -> SecConfig:
    config: SecConfig = request.param
    return config


def iam_documents(config: SecConfig) -> list[tuple[str, str, dict[str, Any]]]:
    """(resource, kind, document) for every IAM policy document the templates hold, with
    intrinsic references replaced by the ARN they resolve to."""
    arns = {r.logical_id: r.arn for p in plan_stacks(config) for r in p.resources}

    def resolve(value: Any) -> Any:
        if isinstance(value, dict):
            if "Fn::GetAtt" in value:
                return arns[value["Fn::GetAtt"][0]]
            if "Ref" in value:
                return arns[value["Ref"]]
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    found = []
    for plan in plan_stacks(config):
        for r in plan.resources:
            props = r.properties
            if r.type == "AWS::IAM::ManagedPolicy":
                found.append((r.logical_id, "identity", resolve(props["PolicyDocument"])))
            elif r.type == "AWS::IAM::Group":
                for inline in props["Policies"]:
                    found.append((r.logical_id, "identity", resolve(inline["PolicyDocument"])))
            elif r.type == "AWS::IAM::Role":
                found.append((r.logical_id, "trust", props["AssumeRolePolicyDocument"]))
    return found


# -- the seed's command line ------------------------------------------------------------
def test_seed_command_line(run_sec: CliRunner, workdir: Path) -> None:
    result = run_sec("--config", EDGE, "--action", "export-iam-policy")
    assert result.code == 0, result.err
    path = workdir / "policies" / "edge-prod-b001-us-west-1-sec-iam-policy.json"
    assert json.loads(path.read_text())["Version"] == "2012-10-17"
    assert run_sec("-con", EDGE, "-act", "create-policy").code == 0


def test_examples_cover_every_tier() -> None:
    configs = all_sec_configs()
    assert {c.tier for c in configs} == set(SecTier)
    edge = next(c for c in configs if c.company_prefix == "edge")
    assert edge.tier is SecTier.MEDIUM and len(edge.teams) > 1


def test_create_template_writes_stacks_and_manifest(run_sec: CliRunner, workdir: Path) -> None:
    assert run_sec("-con", EDGE, "-act", "create-template").code == 0
    manifest = json.loads(
        (workdir / "manifests" / "edge-prod-b001-us-west-1-sec-manifest.json").read_text()
    )["stacks"]
    assert [s["order"] for s in manifest] == list(range(1, len(manifest) + 1))
    for stack in manifest:
        body = (workdir / stack["template"]).read_bytes()
        assert len(body) == stack["bytes"]
        if len(body) > TEMPLATE_BODY_MAX_BYTES:
            assert stack["deploy_with"] == "TemplateURL"
            assert stack["template_bucket"] == "edge-prod-b001-us-west-1-cfn-templates"
            assert stack["template_key"].startswith("templates/")
        else:
            assert stack["deploy_with"] == "TemplateBody"
    assert any(s["deploy_with"] == "TemplateURL" for s in manifest)


def test_list_resources_and_validate(run_sec: CliRunner) -> None:
    listed = run_sec("-con", EDGE, "-act", "list-resources")
    assert listed.code == 0
    assert "edge-prod-b001-role-fraud-ds" in listed.out
    assert "edge-prod-b001-xacct-analytics" in listed.out
    validated = run_sec("-con", EDGE, "-act", "validate")
    assert validated.code == 0 and "5 of 10" in validated.out


# -- names ------------------------------------------------------------------------------
def test_names_and_scoping_exactly_as_the_seed(sec_config: SecConfig) -> None:
    c = sec_config
    tenant = f"{c.company_prefix}-{c.env}-{c.tenant_id}"
    for plan in [*plan_stacks(c), *plan_stacks(c, "tbeef")]:
        assert glob_matches(f"{tenant}-{c.region}-*-sec-stack", plan.stack_name)
        for r in plan.resources:
            name = r.physical_name
            if r.type == "AWS::IAM::Group":
                assert name.startswith(f"{tenant}-group-")
            elif r.type == "AWS::IAM::Role":
                assert name.startswith((f"{tenant}-role-", f"{tenant}-xacct-"))
                assert name.startswith(f"{tenant}-xacct-") == ("xacct" in r.logical_id.lower())
            elif r.type == "AWS::IAM::ManagedPolicy":
                assert name.startswith(f"{tenant}-policy-")
            elif r.type == "AWS::SSM::Parameter":
                assert name.startswith(f"/security/{tenant}-{c.region}/")
            else:
                pytest.fail(f"unexpected type {r.type}")
            assert len(name) <= {"AWS::IAM::Role": 64}.get(r.type, 128)


def test_seed_example_role_name() -> None:
    edge = next(c for c in all_sec_configs() if c.company_prefix == "edge")
    names = {r.physical_name for p in plan_stacks(edge) for r in p.resources}
    assert "edge-prod-b001-role-fraud-ds" in names  # SPEC §2's example


# -- the permission model ---------------------------------------------------------------
def persona_policy(config: SecConfig, team: str, persona: Persona) -> dict[str, Any]:
    for plan in plan_stacks(config):
        for r in plan.resources:
            if r.physical_name.endswith(f"-policy-{team}-{persona.short}"):
                doc: dict[str, Any] = r.properties["PolicyDocument"]
                return doc
    raise KeyError((team, persona))


def actions_of(document: dict[str, Any]) -> set[str]:
    return {a for s in document["Statement"] for a in s["Action"]}


def test_personas_are_cumulative_and_separated() -> None:
    edge = next(c for c in all_sec_configs() if c.company_prefix == "edge")
    viewer = actions_of(persona_policy(edge, "fraud", Persona.VIEWER))
    scientist = actions_of(persona_policy(edge, "fraud", Persona.DATA_SCIENTIST))
    engineer = actions_of(persona_policy(edge, "fraud", Persona.ML_ENGINEER))
    assert viewer < scientist < engineer
    assert not any(
        a.split(":")[1].startswith(("Create", "Update", "Delete", "Put", "Start", "Stop", "Pass"))
        for a in viewer
    )
    assert "sagemaker:CreateTrainingJob" in scientist
    assert "sagemaker:UpdateModelPackage" not in scientist  # cannot approve own models
    assert {"sagemaker:UpdateModelPackage", "sagemaker:CreateEndpoint"} <= engineer


def test_every_persona_statement_is_scoped_to_its_team(sec_config: SecConfig) -> None:
    c = sec_config
    regional = f"{c.company_prefix}-{c.env}-{c.tenant_id}-{c.region}"
    for team in c.teams:
        for persona in team.personas:
            for s in persona_policy(c, team.name, persona)["Statement"]:
                resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
                condition = json.dumps(s.get("Condition", {}))
                if resources == ["*"]:
                    assert all(a in UNSCOPABLE_LIST_ACTIONS for a in s["Action"]), s["Sid"]
                elif any(r.startswith("arn:aws:s3:::") for r in resources):
                    assert all(
                        r.startswith(f"arn:aws:s3:::{regional}-{team.name}--") for r in resources
                    )
                elif s["Action"] == ["iam:PassRole"]:
                    assert resources == [
                        f"arn:aws:iam::{c.account_id}:role/"
                        f"{c.company_prefix}-{c.env}-{c.tenant_id}-role-"
                        f"{team.name}-sagemaker"
                    ]
                    assert '"iam:PassedToService": "sagemaker.amazonaws.com"' in condition
                else:
                    assert f'/team": "{team.name}"' in condition, s["Sid"]


def s3_patterns(document: dict[str, Any], action: str) -> list[str]:
    """The resources of the statements allowing `action` on the tenant's own buckets (their
    one condition: the bucket's account is the tenant's)."""
    found = []
    for s in document["Statement"]:
        own = list(s.get("Condition", {}).get("StringEquals", {})) == ["s3:ResourceAccount"]
        if action in s["Action"] and ("Condition" not in s or own):
            found += s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
    return found


def test_team_data_grants_hold_to_the_tenants_own_account() -> None:
    """S3 ARNs hold no account and bucket names are global: every grant on the teams' data
    buckets holds s3:ResourceAccount to the tenant's account, so a bucket of the same name in
    another account is not reached, from this account or through a stack set in another."""
    from provisioner.policy.evaluation import Request, evaluate

    for config in all_sec_configs():
        for plan in plan_stacks(config):
            for r in plan.resources:
                if r.type != "AWS::IAM::ManagedPolicy":
                    continue
                document = r.properties["PolicyDocument"]
                for statement in document["Statement"]:
                    if any(str(a).startswith("s3:") for a in statement["Action"]):
                        assert statement["Condition"] == {
                            "StringEquals": {"s3:ResourceAccount": config.account_id}
                        }, (r.physical_name, statement["Sid"])
    config = all_sec_configs()[0]
    policy = next(
        r.properties["PolicyDocument"]
        for p in plan_stacks(config)
        for r in p.resources
        if r.physical_name.endswith("-ds") and r.type == "AWS::IAM::ManagedPolicy"
    )
    team = config.teams[0].name
    bucket = f"arn:aws:s3:::{TenantNames.of(config).regional}-{team}--data/x.csv"
    principal = f"arn:aws:iam::{config.account_id}:role/p"
    for account, allowed in ((config.account_id, True), ("999988887776", False)):
        context = {"s3:ResourceAccount": account, "aws:PrincipalArn": principal}
        request = Request("s3:GetObject", bucket, context, principal)
        assert evaluate(request, [policy]).allowed is allowed, account


def test_a_team_cannot_reach_the_data_of_a_team_named_like_it() -> None:
    """Team `fraud` must not write `fraud-ops`' buckets, though one name begins the other."""
    teams = ["fraud", "fraud-ops", "fraud-ops-eu", "ops"]
    config = SecConfig.model_validate(
        {
            **json.loads(largest_sec_config("medium").model_dump_json()),
            "teams": [
                {"name": t, "personas": ["data-scientist", "ml-engineer", "viewer"]} for t in teams
            ],
            "trusted_accounts": [
                {
                    "name": "audit",
                    "account_id": "210987654300",
                    "external_id": "x" * 16,
                    "teams": ["fraud"],
                }
            ],
        }
    )
    regional = "bigcorp-prod-z999-eu-central-1"
    documents = {
        r.physical_name: r.properties["PolicyDocument"]
        for p in plan_stacks(config)
        for r in p.resources
        if r.type == "AWS::IAM::ManagedPolicy"
    }
    owner_of_policy = {name: name.rsplit("-policy-", 1)[1] for name in documents}
    checked = 0
    for policy_name, document in documents.items():
        owner = owner_of_policy[policy_name]
        may_read = ["fraud"] if owner.startswith("xacct-") else [owner.rsplit("-", 1)[0]]
        for action, suffix in [("s3:GetObject", "/train.csv"), ("s3:PutObject", "/model.tar.gz")]:
            patterns = s3_patterns(document, action)
            for team in teams:
                bucket = f"arn:aws:s3:::{regional}-{team}--datasets{suffix}"
                allowed = any(glob_matches(p, bucket) for p in patterns)
                assert allowed == (bool(patterns) and team in may_read), (policy_name, bucket)
                checked += allowed
    assert checked > 0


UNSCOPABLE_LIST_ACTIONS = {
    "sagemaker:ListEndpoints",
    "sagemaker:ListModelPackageGroups",
    "sagemaker:ListModels",
    "sagemaker:ListPipelines",
    "sagemaker:ListProcessingJobs",
    "sagemaker:ListTrainingJobs",
}


def test_unscoped_persona_actions_really_are_unscopable() -> None:
    for action in UNSCOPABLE_LIST_ACTIONS:
        entry = catalogue_entry(action)
        assert entry is not None and not entry.get("Resources"), action


def test_no_star_actions_and_no_privilege_escalation(proven_config: SecConfig) -> None:
    for resource, kind, document in iam_documents(proven_config):
        for s in document["Statement"]:
            actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            for action in actions:
                assert "*" not in action, (resource, action)
                if kind == "identity" and action.startswith("iam:"):
                    assert action == "iam:PassRole", (resource, action)
                    assert "iam:PassedToService" in json.dumps(s["Condition"])
                    assert s["Resource"].endswith("-sagemaker")


def test_trust_relationships(sec_config: SecConfig) -> None:
    c = sec_config
    trusted = {a.name: a for a in c.trusted_accounts}
    for plan in plan_stacks(c):
        for r in plan.resources:
            if r.type != "AWS::IAM::Role":
                continue
            (statement,) = r.properties["AssumeRolePolicyDocument"]["Statement"]
            condition = statement.get("Condition", {})
            if "-xacct-" in r.physical_name:
                account = trusted[r.physical_name.rsplit("-xacct-", 1)[1]]
                assert statement["Principal"] == {"AWS": f"arn:aws:iam::{account.account_id}:root"}
                assert condition == {"StringEquals": {"sts:ExternalId": account.external_id}}
            elif r.physical_name.endswith("-sagemaker"):
                assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
            else:
                assert statement["Principal"] == {"AWS": f"arn:aws:iam::{c.account_id}:root"}
                mfa = condition.get("Bool", {}).get("aws:MultiFactorAuthPresent")
                assert mfa == ("true" if c.env == "prod" else None)


def test_groups_assume_only_their_own_persona_role(proven_config: SecConfig) -> None:
    for plan in plan_stacks(proven_config):
        for r in plan.resources:
            if r.type == "AWS::IAM::Group":
                (inline,) = r.properties["Policies"]
                (statement,) = inline["PolicyDocument"]["Statement"]
                assert statement["Action"] == "sts:AssumeRole"
                role = plan.resource(statement["Resource"]["Fn::GetAtt"][0])
                assert role.physical_name == r.physical_name.replace("-group-", "-role-")
                mfa = statement.get("Condition", {}).get("Bool", {})
                assert (mfa == {"aws:MultiFactorAuthPresent": "true"}) == (
                    proven_config.env == "prod"
                )


# -- templates and linters --------------------------------------------------------------
def test_templates_lint_clean_and_deterministic(proven_config: SecConfig) -> None:
    for plan in plan_stacks(proven_config):
        assert cfn_lint(plan.render(), proven_config.region) == []
        assert (
            plan.render()
            == plan_stacks(proven_config)[plan_stacks(proven_config).index(plan)].render()
        )


def test_policy_documents_pass_parliament(proven_config: SecConfig) -> None:
    for resource, kind, document in iam_documents(proven_config):
        if kind == "identity":
            findings = analyze_policy_string(json.dumps(document)).findings
            assert [(f.issue, f.detail) for f in findings] == [], resource


def test_parliament_check_catches_problems() -> None:
    bad = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:PutBucketEncryption"], "Resource": "*"}],
    }
    assert analyze_policy_string(json.dumps(bad)).findings


@pytest.mark.parametrize("tier", [t.value for t in SecTier])
def test_largest_config_of_each_tier_fits_cloudformation(tier: str) -> None:
    config = largest_sec_config(tier)
    plans = plan_stacks(config)
    for plan in plans:
        assert len(plan.resources) <= STACK_MAX_RESOURCES
        assert plan.body_bytes <= TEMPLATE_URL_MAX_BYTES
        assert len(plan.outputs) <= 200  # CloudFormation's outputs-per-stack quota
        assert plan.resources
    test_deploy = plan_stacks(config, "tffff")  # longer names, same stacks, all within limits
    assert len(test_deploy) == len(plans)
    assert all(p.body_bytes <= TEMPLATE_URL_MAX_BYTES for p in test_deploy)
    every = [r for p in plans for r in p.resources]
    assert len(every) == len({r.logical_id for r in every})  # nothing lost or repeated
    if config.tier is SecTier.SMALL:
        # So many tags take the small tier past TemplateBody: validation says to move up...
        assert any(p.needs_template_url for p in plans)
        assert "move up to the medium tier" in str(derived_problems(config))
        # ...and so do names at their longest: the most teams and accounts it allows, without
        # extra tags, fit only with shorter names (every role now names its boundary).
        untagged = config.model_copy(update={"tags": {}})
        assert any(p.needs_template_url for p in plan_stacks(untagged))
        assert "move up to the medium tier" in str(derived_problems(untagged))
    else:
        assert derived_problems(config) == []
        assert config.template_bucket is not None
    assert len({p.stack_name for p in plans}) == len(plans)
    lint_target = max(plans, key=lambda p: p.body_bytes)
    assert cfn_lint(lint_target.render(), config.region) == []


def test_many_tags_split_teams_over_more_stacks_by_size() -> None:
    tagged = largest_sec_config("enterprise")
    untagged = tagged.model_copy(update={"tags": {}})
    plain, heavy = plan_stacks(untagged), plan_stacks(tagged)
    # Without tags: ten teams a stack; the teams stay in config order either way.
    assert [len(p.metadata["Teams"]) for p in plain if "Teams" in p.metadata] == [10] * 5
    teams = [t for p in heavy if "Teams" in p.metadata for t in p.metadata["Teams"]]
    assert teams == [t.name for t in tagged.teams]
    assert len(heavy) > len(plain)
    xacct = [p.stack_name for p in heavy if "Teams" not in p.metadata]
    assert xacct[0].endswith("-xacct-sec-stack")  # the first keeps its name; more are numbered
    assert all(n.endswith(f"-xacct-{i:02d}-sec-stack") for i, n in enumerate(xacct[1:], 2))
    assert max(p.body_bytes for p in heavy) > 0.9 * TEMPLATE_URL_MAX_BYTES  # packed, not spread


def test_every_resource_within_the_tag_limit_at_the_most_tags() -> None:
    config = largest_sec_config("enterprise")
    for plan in plan_stacks(config):
        for r in plan.resources:
            tags = r.properties.get("Tags", [])
            assert len(tags) <= 50, (r.logical_id, len(tags))
    assert len(plan_stacks(config)[0].resources[0].properties["Tags"]) == 50


def test_small_tier_that_would_not_fit_is_told_to_move_up(tmp_path: Path) -> None:
    import yaml

    from provisioner.config.sec_loader import load_sec_config as load

    config = largest_sec_config("small")
    data = json.loads(config.model_dump_json(exclude_none=True))
    data["teams"] = [{**t, "name": f"{t['name'][:12]}"} for t in data["teams"]]
    # Force a body over the limit by adding many extra tags to every resource.
    data["tags"] = {f"tag-key-{i:02d}": "v" * 200 for i in range(40)}
    path = tmp_path / "bigcorp-prod-z999-eu-central-1-sec.yaml"
    path.write_text(yaml.safe_dump(data))
    from provisioner.errors import InputError

    with pytest.raises(InputError) as error:
        checked_plan(load(path), str(path))
    assert "move up to the medium tier" in error.value.render()


# -- the operator policy ----------------------------------------------------------------
SEED_SIDS = [
    "IAMManagement",
    "CloudFormationManagement",
    "S3TemplateAccess",
    "S3BucketList",
    "SSMParameterManagement",
]


def test_operator_policy_seed_statements(sec_config: SecConfig) -> None:
    c = sec_config
    p, a, r = f"{c.company_prefix}-{c.env}-{c.tenant_id}", c.account_id, c.region
    policy = operator_policy(c)
    sids = [s.sid for s in policy.statements]
    for sid in SEED_SIDS:
        assert (sid in sids) == (sid.startswith("S3") is False or c.tier is not SecTier.SMALL)
    assert policy.statement("IAMManagement").resources == (
        f"arn:aws:iam::{a}:group/{p}-group-*",
        f"arn:aws:iam::{a}:role/{p}-role-*",
        f"arn:aws:iam::{a}:role/{p}-xacct-*",
        f"arn:aws:iam::{a}:policy/{p}-policy-*",
    )
    assert policy.statement("CloudFormationManagement").resources == (
        f"arn:aws:cloudformation:{r}:{a}:stack/{p}-{r}-*-sec-stack/*",
    )
    # The seed's pattern, and the path itself, on which IAM authorizes GetParametersByPath.
    assert policy.statement("SSMParameterManagement").resources == (
        f"arn:aws:ssm:{r}:{a}:parameter/security/{p}-{r}",
        f"arn:aws:ssm:{r}:{a}:parameter/security/{p}-{r}/*",
    )
    if c.tier is not SecTier.SMALL:
        assert policy.statement("S3TemplateAccess").resources == (
            f"arn:aws:s3:::{p}-{r}-*/templates/*",
        )
        assert policy.statement("S3BucketList").resources == (f"arn:aws:s3:::{p}-{r}-*",)
        assert c.template_bucket and glob_matches(f"{p}-{r}-*", c.template_bucket)


def test_every_seed_action_stays_granted(sec_config: SecConfig) -> None:
    actions = operator_policy(sec_config).actions
    for sid, seeded in SEED_STATEMENTS.items():
        if sid.startswith("S3") and sec_config.tier is SecTier.SMALL:
            continue  # the small tier uploads no templates
        assert not set(seeded) - actions, sid
    assert set(SEED_STATEMENTS) == set(SEED_SIDS)


def sec_handlers(config: SecConfig) -> dict[str, dict[str, list[str]]]:
    types = {r.type for p in plan_stacks(config) for r in p.resources}
    return {t: handler_permissions(config.region, t) for t in types}


@pytest.mark.parametrize("scoped", [False, True], ids=["sufficient", "scoped"])
def test_operator_policy_proven(proven_config: SecConfig, scoped: bool) -> None:
    plans = [*plan_stacks(proven_config), *plan_stacks(proven_config, "t0f3a")]
    found = gaps(
        plans,
        operator_policy(proven_config),
        sec_handlers(proven_config),
        scoped=scoped,
        account=proven_config.account_id,
    )
    assert [g.render() for g in found] == []


def test_operator_policy_valid_and_fits(proven_config: SecConfig) -> None:
    for policy in operator_policies(proven_config).values():
        assert_valid_and_scoped(policy)
        assert all(p.size <= MANAGED_POLICY_MAX_CHARS for p in split_to_fit(policy))


def test_operator_policy_fits_at_largest_size() -> None:
    for tier in SecTier:
        config = largest_sec_config(tier.value)
        assert operator_policy(config).size <= MANAGED_POLICY_MAX_CHARS
        plans = plan_stacks(config)
        assert (
            gaps(
                plans,
                operator_policy(config),
                sec_handlers(config),
                scoped=True,
                account=config.account_id,
            )
            == []
        )


IAM_SIZE_LIMITS = {"identity": MANAGED_POLICY_MAX_CHARS, "inline": 5_120, "trust": 2_048}


@pytest.mark.parametrize("tier", [t.value for t in SecTier])
def test_every_iam_document_within_iam_quotas_at_largest_size(tier: str) -> None:
    config = largest_sec_config(tier)
    for plan in plan_stacks(config):
        for r in plan.resources:
            docs = []
            if r.type == "AWS::IAM::ManagedPolicy":
                docs.append(("identity", r.properties["PolicyDocument"]))
            elif r.type == "AWS::IAM::Group":
                docs += [("inline", p["PolicyDocument"]) for p in r.properties["Policies"]]
            elif r.type == "AWS::IAM::Role":
                docs.append(("trust", r.properties["AssumeRolePolicyDocument"]))
            for kind, doc in docs:
                size = len(json.dumps(doc, separators=(",", ":")))
                assert size <= IAM_SIZE_LIMITS[kind], (r.physical_name, kind, size)
    resources = [r for p in plan_stacks(config) for r in p.resources]
    roles = [r for r in resources if r.type == "AWS::IAM::Role"]
    for role in roles:  # IAM's default quota of managed policies per role
        attached = [
            r
            for r in resources
            if r.type == "AWS::IAM::ManagedPolicy"
            and {"Ref": role.logical_id} in r.properties["Roles"]
        ]
        assert 1 <= len(attached) <= 10


def test_operator_scoped_statements_hold_only_scopable_actions(sec_config: SecConfig) -> None:
    for statement in operator_policy(sec_config).statements:
        if not statement.is_unscoped:
            for action in statement.actions:
                entry = catalogue_entry(action)
                assert entry is not None and entry.get("Resources"), (statement.sid, action)


# Words that make derived names meet: team names, persona and resource words, `xacct`.
_WORDS = ["xacct", "ds", "mle", "viewer", "sagemaker", "data", "scientist", "a", "1b", "a1b"]
_NAMES = (
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3)
    .map("-".join)
    .filter(lambda n: 2 <= len(n) <= 16 and n[0].isalpha())
)


@settings(max_examples=300, deadline=None)
@given(
    teams=st.lists(_NAMES, min_size=1, max_size=4, unique=True),
    accounts=st.lists(_NAMES, max_size=3, unique=True),
)
def test_a_config_that_validates_has_no_two_resources_of_one_name(
    teams: list[str], accounts: list[str]
) -> None:
    data = {
        "company_prefix": "acme",
        "env": "dev",
        "tenant_id": "a001",
        "region": "us-east-1",
        "account_id": "111122223333",
        "tier": "enterprise",
        "template_bucket": "acme-dev-a001-us-east-1-templates",
        "teams": [
            {"name": t, "personas": ["data-scientist", "ml-engineer", "viewer"]} for t in teams
        ],
        "trusted_accounts": [
            {"name": a, "account_id": f"{222233334444 + i}", "external_id": "x" * 16}
            for i, a in enumerate(accounts)
        ],
    }
    try:
        config = SecConfig.model_validate(data)
    except ValidationError:
        assume(False)
        return
    if derived_problems(config):
        return
    plans = plan_stacks(config)
    physical = [(r.type, r.physical_name) for p in plans for r in p.resources]
    assert len(set(physical)) == len(physical)
    logical = [r.logical_id for p in plans for r in p.resources]
    assert len(set(logical)) == len(logical)
