"""Exact behaviour of the naming modules, where a looser test let a mutant survive
(scripts/mutation, docs/mutation-testing.md)."""

from __future__ import annotations

import pytest

from conftest import all_sec_configs
from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlConfig
from provisioner.ml.plan_checks import live_names, names_in_test_form, plan_use_case
from provisioner.naming.arn import action_matches, glob_matches
from provisioner.naming.bucket import bucket_name_problems
from provisioner.naming.ml import MlNames
from provisioner.naming.sec import SecNames
from provisioner.naming.sec import named_things as sec_named_things
from provisioner.naming.tenant import TenantNames
from provisioner.sec.plan import plan_stacks, stack_parts

S3_CHARACTERS = "S3 allows only lowercase letters a-z, digits 0-9, hyphens and dots"


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        ("", ["is 0 characters; S3 allows 3 to 63"]),
        ("my_buc ket", [f"contains ' ', '_'; {S3_CHARACTERS}"]),
        ("-bucket", ["must begin and end with a lowercase letter or digit"]),
        ("my..bucket", ["must not contain two dots in a row"]),
        ("10.0.0.1", ["must not be formatted as an IP address"]),
        ("xn--bucket", ["must not begin with 'xn--' (S3 reserves that prefix)"]),
        ("bucket.mrap", ["must not end with '.mrap' (S3 reserves that suffix)"]),
    ],
)
def test_bucket_rule_messages_in_full(name: str, problems: list[str]) -> None:
    assert bucket_name_problems(name) == problems


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b.txt", True),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/line\nbreak", True),  # `*` spans any character
        ("arn:aws:s3:::b?", "arn:aws:s3:::bx", True),
        ("arn:aws:s3:::b?", "arn:aws:s3:::bxy", False),  # `?` is one character, no more
        ("arn:aws:s3:::b?", "arn:aws:s3:::b", False),
        ("arn:aws:s3:::a.b", "arn:aws:s3:::axb", False),  # `.` is itself, not any character
        ("arn:aws:s3:::b", "arn:aws:s3:::B", False),  # resources are case-sensitive
        ("arn:aws:s3:::b", "arn:aws:s3:::b2", False),  # the whole value, not a prefix
    ],
)
def test_resource_glob_matching(pattern: str, value: str, matches: bool) -> None:
    assert glob_matches(pattern, value) is matches


def test_action_matching_ignores_case_on_both_sides() -> None:
    assert action_matches("S3:Get*", "s3:getobject")
    assert action_matches("s3:getobject", "S3:GetObject")
    assert not action_matches("s3:Get*", "s3:PutObject")


def test_a_test_deploy_suffix_outside_the_pattern_is_refused(
    ml_config: MlConfig,
) -> None:
    for bad in ("t12345", "tABCD", "x1234"):
        with pytest.raises(ValueError, match=r"test-deploy suffix must match \^t\[0-9a-f\]"):
            MlNames(ml_config, bad)
        with pytest.raises(ValueError, match=r"test-deploy suffix must match \^t\[0-9a-f\]"):
            SecNames(all_sec_configs()[0], bad)
    assert MlNames(ml_config, "t0a9f").base == f"{MlNames(ml_config).ml_name}-t0a9f"


def test_only_the_two_boundaries_have_names(ml_config: MlConfig) -> None:
    names = TenantNames.of(ml_config)
    assert names.boundary_name("ml").endswith(f"-{ml_config.region}-ml-boundary")
    with pytest.raises(ValueError, match="unknown boundary 'admin'"):
        names.boundary_name("admin")


@pytest.mark.parametrize("form", ["live", "test-deploy"])
def test_every_name_the_ml_limit_check_measures_is_in_a_template(
    ml_config: MlConfig, form: str
) -> None:
    plan = plan_use_case(ml_config)
    if form == "live":
        measured, stacks = live_names(plan), [plan.bootstrap, plan.live]
    else:
        measured, stacks = names_in_test_form(plan), [plan.test_form]
    bodies = "".join(s.render() for s in stacks)
    # Stack names are not in the bodies; the SageMaker pipeline's is, though no resource.
    assert [t.name for t in measured if t.name not in bodies] == [s.stack_name for s in stacks]


@pytest.mark.parametrize("suffix", [None, "t0a9f"])
def test_every_name_the_sec_limit_check_measures_is_in_a_template(suffix: str | None) -> None:
    for config in all_sec_configs():
        plans = plan_stacks(config, suffix)
        bodies = "".join(p.render() for p in plans)
        measured = sec_named_things(SecNames(config, suffix), stack_parts(config))
        missing = [t.name for t in measured if t.name not in bodies]
        stacks = {p.stack_name for p in plans}
        # Stack names are not in the bodies; the xacct policy is measured as its 9th part,
        # the longest name a split cross-account policy can take.
        assert {n for n in missing if n not in stacks} == {
            SecNames(config, suffix).xacct_policy(a.name, 9) for a in config.trusted_accounts
        }
        assert stacks <= {t.name for t in measured}


def test_a_tenants_trust_root_names_and_their_kinds() -> None:
    names = TenantNames("acme", "prod", "a001", "us-west-2", "111122223333")
    assert [(t.kind, t.name) for t in names.named_things()] == [
        (NameKind.STACK, "acme-prod-a001-us-west-2-bootstrap-stack"),
        (NameKind.IAM_POLICY, "acme-prod-a001-us-west-2-sec-boundary"),
        (NameKind.SSM_PARAMETER, "/security/acme-prod-a001-us-west-2/bootstrap/sec-boundary-arn"),
        (NameKind.IAM_POLICY, "acme-prod-a001-us-west-2-ml-boundary"),
        (NameKind.SSM_PARAMETER, "/security/acme-prod-a001-us-west-2/bootstrap/ml-boundary-arn"),
    ]


def test_the_longest_tenant_the_config_allows_has_trust_root_names_that_fit() -> None:
    # company_prefix and env take 16 characters, tenant_id 8 (README's config reference).
    names = TenantNames("p" * 16, "e" * 16, "t" * 8, "ap-southeast-2", "111122223333")
    assert [p for t in names.named_things() for p in t.problems()] == []


def test_cross_account_read_policies_are_numbered_from_the_second() -> None:
    """docs/sec-permission-model.md: `…-policy-xacct-{name}[-2…]`: the first policy has no
    number, every later one its own."""
    config = next(c for c in all_sec_configs() if c.trusted_accounts)
    names = SecNames(config)
    tenant = f"{config.company_prefix}-{config.env}-{config.tenant_id}"
    assert names.xacct_policy("audit") == f"{tenant}-policy-xacct-audit"
    assert names.xacct_policy("audit", 1) == names.xacct_policy("audit")
    assert names.xacct_policy("audit", 2) == f"{names.xacct_policy('audit')}-2"
    assert names.xacct_policy("audit", 3) == f"{names.xacct_policy('audit')}-3"
