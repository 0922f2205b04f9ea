"""Every AWS limit the validators enforce, pinned at its boundary.

The expected limits are written here from AWS's documentation, not read from the code: a limit
mistyped in aws_limits.py (S3's 63 raised to 64, say) fails these tests. mutmut does not mutate
module-level constants or enum values, so these tests are what covers them
(docs/mutation-testing.md).
"""

from __future__ import annotations

import pytest

from provisioner import aws_limits
from provisioner.aws_limits import NamedThing, NameKind
from provisioner.cfn.template import PlannedResource, StackPlan
from provisioner.naming.bucket import bucket_name_problems
from provisioner.policy.document import PolicyDocument, Statement, split_to_fit

# (documented maximum length, the name AWS gives it), per kind of physical name.
DOCUMENTED_NAME_LIMITS = {
    NameKind.STACK: (128, "CloudFormation stack name"),
    NameKind.IAM_ROLE: (64, "IAM role name"),
    NameKind.IAM_GROUP: (128, "IAM group name"),
    NameKind.IAM_POLICY: (128, "IAM managed policy name"),
    NameKind.S3_BUCKET: (63, "S3 bucket name"),
    NameKind.MODEL_PACKAGE_GROUP: (63, "SageMaker model package group name"),
    NameKind.SAGEMAKER_PIPELINE: (256, "SageMaker pipeline name"),
    NameKind.CODECOMMIT_REPOSITORY: (100, "CodeCommit repository name"),
    NameKind.CODEBUILD_PROJECT: (255, "CodeBuild project name"),
    NameKind.CODEPIPELINE: (100, "CodePipeline pipeline name"),
    NameKind.SSM_PARAMETER: (1011, "SSM parameter name"),
    NameKind.EVENTS_RULE: (64, "EventBridge rule name"),
    NameKind.DASHBOARD: (255, "CloudWatch dashboard name"),
    NameKind.KMS_ALIAS: (256, "KMS alias name"),
    NameKind.LOG_GROUP: (512, "CloudWatch log group name"),
    NameKind.SNS_TOPIC: (256, "SNS topic name"),
    NameKind.SECURITY_GROUP: (255, "EC2 security group name"),
}


def test_every_kind_of_name_has_a_documented_limit_here() -> None:
    assert set(DOCUMENTED_NAME_LIMITS) == set(NameKind)


@pytest.mark.parametrize("kind", list(NameKind), ids=lambda k: k.name)
def test_a_name_exactly_at_the_limit_is_accepted(kind: NameKind) -> None:
    limit, _label = DOCUMENTED_NAME_LIMITS[kind]
    assert NamedThing(kind, "a" * limit).problems() == []


@pytest.mark.parametrize("kind", list(NameKind), ids=lambda k: k.name)
def test_one_character_over_the_limit_is_refused_with_the_limit_named(kind: NameKind) -> None:
    limit, label = DOCUMENTED_NAME_LIMITS[kind]
    name = "a" * (limit + 1)
    assert NamedThing(kind, name).problems() == [
        f"{label} {name!r} is {limit + 1} characters; AWS allows at most {limit}"
    ]


def test_a_bucket_name_breaking_a_form_rule_is_refused_with_the_rule() -> None:
    assert NamedThing(NameKind.S3_BUCKET, "acme-artifacts--x-s3").problems() == [
        "S3 bucket name 'acme-artifacts--x-s3' must not end with '--x-s3' (S3 reserves that suffix)"
    ]


def test_a_bucket_name_too_long_and_badly_formed_is_refused_for_both() -> None:
    name = "a" * 63 + "-"
    assert NamedThing(NameKind.S3_BUCKET, name).problems() == [
        f"S3 bucket name {name!r} is 64 characters; AWS allows at most 63",
        f"S3 bucket name {name!r} must begin and end with a lowercase letter or digit",
    ]


def test_only_bucket_names_are_held_to_s3_form_rules() -> None:
    # `..` is fine in an SSM parameter name, not in a bucket name.
    assert NamedThing(NameKind.SSM_PARAMETER, "/ml/a..b").problems() == []


@pytest.mark.parametrize(("length", "accepted"), [(2, False), (3, True), (63, True), (64, False)])
def test_bucket_name_length_boundaries(length: int, accepted: bool) -> None:
    problems = bucket_name_problems("a" * length)
    if accepted:
        assert problems == []
    else:
        assert problems == [f"is {length} characters; S3 allows 3 to 63"]


# CloudFormation quotas: TemplateBody 51,200 bytes; a template from S3 1 MB (1,000,000
# bytes); 500 resources and 200 outputs per stack. IAM: 6,144 characters per managed policy.
def test_cloudformation_and_iam_quotas_are_the_documented_ones() -> None:
    assert aws_limits.TEMPLATE_BODY_MAX_BYTES == 51_200
    assert aws_limits.TEMPLATE_URL_MAX_BYTES == 1_000_000
    assert aws_limits.STACK_MAX_RESOURCES == 500
    assert aws_limits.STACK_MAX_OUTPUTS == 200
    assert aws_limits.MANAGED_POLICY_MAX_CHARS == 6_144


def _plan_of_bytes(size: int) -> StackPlan:
    def plan(padding: str) -> StackPlan:
        topic = PlannedResource("Topic", "AWS::SNS::Topic", {"DisplayName": padding}, "t", "arn")
        return StackPlan("s", "d", (topic,))

    empty = plan("").body_bytes
    sized = plan("x" * (size - empty))
    assert sized.body_bytes == size
    return sized


def test_a_template_body_exactly_at_51200_bytes_needs_no_url_one_byte_more_does() -> None:
    assert not _plan_of_bytes(51_200).needs_template_url
    assert _plan_of_bytes(51_201).needs_template_url


def _document_of_chars(size: int) -> PolicyDocument:
    def document(padding: str) -> PolicyDocument:
        read = Statement("Read", ("s3:GetObject",), ("arn:aws:s3:::b/*",))
        write = Statement("Write", ("s3:PutObject",), (f"arn:aws:s3:::b/{padding}",))
        return PolicyDocument((read, write))

    empty = document("").size
    sized = document("x" * (size - empty))
    assert sized.size == size
    return sized


def test_a_policy_exactly_at_6144_characters_stays_whole_one_more_is_split() -> None:
    whole = _document_of_chars(6_144)
    assert split_to_fit(whole) == [whole]
    over = _document_of_chars(6_145)
    parts = split_to_fit(over)
    assert [[s.sid for s in p.statements] for p in parts] == [["Write"], ["Read"]]


def test_validation_measures_the_tenants_trust_root_names_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both tools' name checks include the bootstrap's names: an over-long one is reported
    (ML reads them off the bootstrap plan it makes, SEC off TenantNames)."""
    from dataclasses import replace

    from conftest import all_ml_configs, all_sec_configs
    from provisioner.ml import plan_checks as ml_checks
    from provisioner.naming import sec as sec_naming
    from provisioner.naming.tenant import TenantNames
    from provisioner.sec.plan import stack_parts

    ml = ml_checks.plan_use_case(all_ml_configs()[0])
    sec = all_sec_configs()[0]
    assert ml_checks.name_problems(ml) == []
    too_long = "s" * 129
    ml = replace(ml, bootstrap=replace(ml.bootstrap, stack_name=too_long))
    assert any(too_long in p.message for p in ml_checks.name_problems(ml))
    monkeypatch.setattr(
        TenantNames, "named_things", lambda self: [NamedThing(NameKind.STACK, too_long)]
    )
    assert any(too_long in p for p in sec_naming.name_problems(sec, stack_parts(sec)))
