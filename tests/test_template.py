"""create-template: every resource the tier calls for, named by SPEC §2, lint-clean,
deterministic, within the TemplateBody limit, tagged, retained in prod, bucket locked down."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import all_ml_configs, cfn_lint, resource_schema
from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES
from provisioner.config.ml import ML_OWN_TAGS_PER_RESOURCE, MlConfig, MlTier
from provisioner.errors import Problem
from provisioner.ml.operator_policy import operator_policy
from provisioner.ml.plan import plan_stack
from provisioner.ml.plan_checks import plan_problems, plan_use_case
from provisioner.naming.ml import MlNames, ml_name

# SPEC §3, reviewed by hand: resource types each tier adds (tiers are cumulative).
TIER_TYPES = {
    MlTier.STARTER: {
        "AWS::SageMaker::ModelPackageGroup",
        "AWS::CodeCommit::Repository",
        "AWS::CodeBuild::Project",
        "AWS::CodePipeline::Pipeline",
        "AWS::IAM::Role",
        "AWS::IAM::ManagedPolicy",
        "AWS::SSM::Parameter",
    },
    MlTier.PROFESSIONAL: {
        "AWS::S3::Bucket",
        "AWS::S3::BucketPolicy",
        "AWS::Events::Rule",
        "AWS::CloudWatch::Dashboard",
    },
    MlTier.ENTERPRISE: {
        "AWS::KMS::Key",
        "AWS::KMS::Alias",
        "AWS::Logs::LogGroup",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::VPCEndpoint",
    },
}
REQUIRED_TAG_KEYS = {"company", "env", "tenant", "use-case", "tier", "managed-by"}
DATA_BEARING = {"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"}


def expected_types(tier: MlTier) -> set[str]:
    return set().union(*(types for t, types in TIER_TYPES.items() if tier.includes(t)))


def test_every_resource_the_tier_calls_for(ml_config: MlConfig) -> None:
    plan = plan_stack(ml_config)
    assert {r.type for r in plan.resources} == expected_types(ml_config.tier)


@pytest.mark.parametrize("suffix", [None, "t0a9f"])
def test_zero_cfn_lint_findings(ml_config: MlConfig, suffix: str | None) -> None:
    plan = plan_stack(ml_config, suffix)
    assert cfn_lint(plan.render(), ml_config.region) == []


def test_cfn_lint_check_catches_warnings_and_errors(ml_config: MlConfig) -> None:
    """The lint check above is only worth something if it reports problems: break one."""
    template = plan_stack(ml_config).to_cfn()
    template["Parameters"] = {"Unused": {"Type": "String"}}  # W2001: unused parameter
    template["Resources"]["Repository"]["Properties"]["Bogus"] = 1  # E3002
    findings = cfn_lint(json.dumps(template), ml_config.region)
    assert any(f.startswith("W2001") for f in findings)
    assert any(f.startswith("E3002") for f in findings)


def test_byte_identical_across_runs(ml_config: MlConfig) -> None:
    first = plan_stack(ml_config).render()
    assert plan_stack(ml_config).render() == first
    canonical = json.dumps(
        json.loads(first), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert first == canonical  # minified, sorted: the same config gives the same bytes


def test_within_template_body_limit_every_tier(ml_config: MlConfig) -> None:
    for suffix in (None, "tffff"):
        plan = plan_stack(ml_config, suffix)
        assert plan.body_bytes <= TEMPLATE_BODY_MAX_BYTES
        assert not plan.needs_template_url


tag_text = st.text("abcdefghij-", min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(tags=st.dictionaries(tag_text, tag_text, max_size=40), tier=st.sampled_from(list(MlTier)))
def test_every_config_that_validates_fits_template_body(tags: dict[str, str], tier: MlTier) -> None:
    """Tags are copied onto every resource: validation must turn away any that would take the
    template past TemplateBody, live or in test-deploy form, and only those."""
    base = next(c for c in all_ml_configs() if c.tier is tier)
    data = {**json.loads(base.model_dump_json()), "tags": tags}
    config = MlConfig.model_validate(data)
    sizes = [plan_stack(config, s).body_bytes for s in (None, "tffff")]
    problems = plan_problems(plan_use_case(config))
    assert bool(problems) == (max(sizes) > TEMPLATE_BODY_MAX_BYTES)
    if problems:
        (problem,) = problems
        assert isinstance(problem, Problem) and problem.field == "tags"
        assert "51,200-byte TemplateBody limit" in problem.message


def test_most_tags_allowed_stay_within_the_tag_limit() -> None:
    from conftest import max_tags

    for base in all_ml_configs():
        config = base.model_copy(update={"tags": max_tags(ML_OWN_TAGS_PER_RESOURCE)})
        for resource in plan_stack(config).resources:
            tags = resource.properties.get("Tags", [])
            assert len(tags) <= 50, resource.logical_id


def test_operator_cannot_upload_templates(ml_config: MlConfig) -> None:
    """Templates must go inline (TemplateBody): the ML operator has no S3 upload permission."""
    policy = operator_policy(ml_config)
    assert not any(a.lower() == "s3:putobject" for a in policy.actions)
    assert not policy.allows("s3:PutObject", "arn:aws:s3:::any-bucket/templates/x.json")


def test_every_taggable_resource_carries_all_tags(ml_config: MlConfig) -> None:
    plan = plan_stack(ml_config)
    untaggable = set()
    for resource in plan.resources:
        schema = resource_schema(ml_config.region, resource.type)
        if "Tags" not in schema["properties"]:
            untaggable.add(resource.type)
            continue
        tags = resource.properties.get("Tags")
        assert tags is not None, resource.logical_id
        keys = set(tags) if isinstance(tags, dict) else {t["Key"] for t in tags or []}
        assert keys >= REQUIRED_TAG_KEYS, resource.logical_id
        values = tags if isinstance(tags, dict) else {t["Key"]: t["Value"] for t in tags}
        assert values["managed-by"] == "ml-provisioner"
        assert values["tier"] == ml_config.tier.value
        assert values["use-case"] == ml_config.use_case
    # Only types CloudFormation gives no Tags property may go untagged.
    assert untaggable <= {
        "AWS::IAM::ManagedPolicy",
        "AWS::S3::BucketPolicy",
        "AWS::KMS::Alias",
        "AWS::SNS::TopicPolicy",
    }


def test_user_tags_are_added() -> None:
    tagged = [c for c in all_ml_configs() if c.tags]
    assert tagged, "the examples should show extra tags"
    for config in tagged:
        repo = plan_stack(config).resource("Repository")
        pairs = {(t["Key"], t["Value"]) for t in repo.properties["Tags"]}
        assert set(config.tags.items()) <= pairs


@pytest.mark.parametrize("env", ["prod", "dev"])
def test_data_bearing_resources_retained_only_in_prod(env: str) -> None:
    config = next(c for c in all_ml_configs() if c.tier is MlTier.ENTERPRISE)
    config = config.model_copy(update={"env": env})
    template = plan_stack(config).to_cfn()["Resources"]
    data_bearing = [r for r in template.values() if r["Type"] in DATA_BEARING]
    assert {r["Type"] for r in data_bearing} == DATA_BEARING
    for resource in template.values():
        retained = resource.get("DeletionPolicy") == "Retain"
        assert retained == (resource.get("UpdateReplacePolicy") == "Retain")
        assert retained == (env == "prod" and resource["Type"] in DATA_BEARING)


def test_bucket_is_encrypted_versioned_private_and_tls_only() -> None:
    for config in all_ml_configs():
        if not config.tier.includes(MlTier.PROFESSIONAL):
            continue
        plan = plan_stack(config)
        bucket = plan.resource("ArtifactsBucket").properties
        rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        algorithm = rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
        assert algorithm == ("aws:kms" if config.tier is MlTier.ENTERPRISE else "AES256")
        assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
        assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
        assert len(bucket["PublicAccessBlockConfiguration"]) == 4
        statements = plan.resource("ArtifactsBucketPolicy").properties["PolicyDocument"][
            "Statement"
        ]
        tls = [s for s in statements if s["Effect"] == "Deny"]
        assert tls and tls[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert tls[0]["Principal"] == "*"


def test_names_follow_spec(ml_config: MlConfig) -> None:
    names = MlNames(ml_config)
    ml = ml_name(ml_config)
    short = f"{ml_config.company_prefix}-{ml_config.env}-{ml_config.tenant_id}-{ml_config.use_case}"
    plan = plan_stack(ml_config)
    assert plan.stack_name.startswith(f"{ml}-")
    for resource in plan.resources:
        if resource.type in ("AWS::IAM::Role", "AWS::IAM::ManagedPolicy"):
            assert resource.physical_name.startswith(f"{short}-")
            assert ml_config.region not in resource.physical_name  # IAM is global
        elif resource.type == "AWS::SSM::Parameter" or resource.type == "AWS::Logs::LogGroup":
            assert resource.physical_name.startswith(f"/ml/{ml}/")
        elif resource.type == "AWS::S3::Bucket":
            assert resource.physical_name == f"{ml}-artifacts"
        elif resource.type == "AWS::KMS::Alias":
            assert resource.physical_name == f"alias/{ml}"
        elif not resource.physical_name.startswith("("):
            assert resource.physical_name.startswith(f"{ml}-"), resource.logical_id
    assert names.ml_name == ml


def test_seed_ml_names() -> None:
    assert sorted(ml_name(c) for c in all_ml_configs()) == [
        "edge-prod-b001-us-west-2-fraud-detection-realtime-ml",
        "globalbank-prod-c001-us-west-2-demand-forecasting-ml",
        "techcorp-prod-a001-us-west-2-customer-churn-ml",
    ]
    tiers = {ml_name(c): c.tier for c in all_ml_configs()}
    assert tiers["techcorp-prod-a001-us-west-2-customer-churn-ml"] is MlTier.STARTER
    assert tiers["edge-prod-b001-us-west-2-fraud-detection-realtime-ml"] is MlTier.PROFESSIONAL
    assert tiers["globalbank-prod-c001-us-west-2-demand-forecasting-ml"] is MlTier.ENTERPRISE


def test_test_deploy_variant_differs_everywhere(ml_config: MlConfig) -> None:
    """A test-deploy may run beside the live stack: no physical name may collide."""
    live = {r.physical_name for r in plan_stack(ml_config).resources}
    test = {r.physical_name for r in plan_stack(ml_config, "t1234").resources}
    assigned = {n for n in live if n.startswith("(")}
    assert not (live - assigned) & (test - {n for n in test if n.startswith("(")})
    assert plan_stack(ml_config, "t1234").stack_name != plan_stack(ml_config).stack_name


def test_outputs_match_ssm_parameters(ml_config: MlConfig) -> None:
    template = plan_stack(ml_config).to_cfn()
    outputs = template["Outputs"]
    parameters = {
        lid.removesuffix("Parameter"): r["Properties"]["Value"]
        for lid, r in template["Resources"].items()
        if r["Type"] == "AWS::SSM::Parameter"
    }
    assert parameters == {k: v["Value"] for k, v in outputs.items()}
