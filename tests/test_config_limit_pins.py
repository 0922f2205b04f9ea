"""The length and count limits of config fields, pinned at their boundaries.

These limits are module-level constants and `Annotated` types, which mutmut does not mutate
(docs/mutation-testing.md); the expected values are written here from the README's config
reference and AWS's documented limits, not read from the code.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from provisioner.config.common import TagKey, TagValue, TeamName, TenantId, Token, tag_problems
from provisioner.config.ml import BranchName
from provisioner.config.sec import ExternalId, TrustedAccount

# (what, type, shortest accepted, longest accepted, a character it accepts)
FIELD_LENGTHS: list[tuple[str, Any, int, int, str]] = [
    ("company_prefix/env", Token, 2, 16, "a"),
    ("tenant_id", TenantId, 2, 8, "a"),
    ("team name", TeamName, 2, 16, "a"),
    # AWS: tag keys 1-128 characters, tag values 0-256.
    ("tag key", TagKey, 1, 128, "k"),
    ("tag value", TagValue, 0, 256, "v"),
    # STS AssumeRole: ExternalId at most 1,224 characters.
    ("external_id", ExternalId, 1, 1224, "x"),
    ("branch", BranchName, 1, 100, "b"),
]


@pytest.mark.parametrize(
    ("what", "annotated", "shortest", "longest", "char"),
    FIELD_LENGTHS,
    ids=[f[0] for f in FIELD_LENGTHS],
)
def test_field_lengths_at_and_beyond_their_limits(
    what: str, annotated: Any, shortest: int, longest: int, char: str
) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(annotated)
    assert adapter.validate_python(char * longest) == char * longest
    assert adapter.validate_python(char * shortest) == char * shortest
    with pytest.raises(ValidationError, match=f"at most {longest} characters"):
        adapter.validate_python(char * (longest + 1))
    if shortest > 0:
        with pytest.raises(ValidationError):
            adapter.validate_python(char * (shortest - 1))


def test_slug_fields_take_up_to_40_characters() -> None:
    from provisioner.config.common import Slug

    adapter: TypeAdapter[str] = TypeAdapter(Slug)
    assert adapter.validate_python("a" * 40) == "a" * 40
    with pytest.raises(ValidationError, match="at most 40 characters"):
        adapter.validate_python("a" * 41)
    with pytest.raises(ValidationError, match="at least 2 characters"):
        adapter.validate_python("a")


def _account(external_id: str) -> TrustedAccount:
    return TrustedAccount.model_validate(
        {"name": "analytics", "account_id": "222233334444", "external_id": external_id}
    )


def test_an_external_id_needs_at_least_16_characters() -> None:
    assert _account("x" * 16).external_id == "x" * 16
    with pytest.raises(ValidationError, match="external_id is 15 characters; use at least 16"):
        _account("x" * 15)


# AWS allows 50 tags a resource; a config may add as many as the tool leaves room for.
@pytest.mark.parametrize("own", [6, 8])
def test_tags_up_to_50_per_resource_including_the_tools_own(own: int) -> None:
    room = 50 - own
    fits = {f"k{i}": "v" for i in range(room)}
    assert tag_problems(fits, frozenset(), own) == []
    over = {f"k{i}": "v" for i in range(room + 1)}
    assert tag_problems(over, frozenset(), own) == [
        f"{room + 1} tags is too many: AWS allows 50 per resource and the tool adds up to "
        f"{own} of its own, so at most {room}"
    ]


def test_the_tools_own_tags_leave_the_room_the_readme_states() -> None:
    from provisioner.config.ml import ML_OWN_TAGS_PER_RESOURCE
    from provisioner.config.sec import SEC_OWN_TAGS_PER_RESOURCE

    # README: at most 42 extra tags in an ML config (the tool sets 8), 44 in a SEC config.
    assert (50 - ML_OWN_TAGS_PER_RESOURCE, 50 - SEC_OWN_TAGS_PER_RESOURCE) == (42, 44)
