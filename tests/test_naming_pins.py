"""Exact behaviour of the naming modules, where a looser test let a mutant survive
(scripts/mutation, docs/mutation-testing.md)."""

from __future__ import annotations

import pytest

from provisioner.naming.bucket import bucket_name_problems

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
