"""Exact behaviour of the naming modules, where a looser test let a mutant survive
(scripts/mutation, docs/mutation-testing.md)."""

from __future__ import annotations

import pytest

from conftest import all_sec_configs
from provisioner.config.ml import MlConfig
from provisioner.naming.arn import action_matches, glob_matches
from provisioner.naming.bucket import bucket_name_problems
from provisioner.naming.ml import MlNames
from provisioner.naming.sec import SecNames
from provisioner.naming.tenant import TenantNames

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
