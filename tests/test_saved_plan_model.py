"""The saved plan's file, pure (deploy/saved_plan.py): written whole and read back, and every
reason a plan is refused before AWS is asked anything. Against AWS: tests/test_saved_plan.py."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from provisioner.deploy.saved_plan import (
    DEFAULT_TTL,
    ReviewedStack,
    SavedPlan,
    check_plan,
    check_templates,
    parse_ttl,
    read_plan,
    saved_plan_change_set_name,
    sha256_hex,
    write_plan,
)
from provisioner.errors import InputError
from provisioner.results.changes import AccessChange

CREATED = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
BODY = '{"Resources": {}}'


def _plan(**changes: object) -> SavedPlan:
    stack = ReviewedStack(
        stack="s1", stack_id="arn:aws:cloudformation:us-west-2:1:stack/s1/x", operation="UPDATE",
        change_set_id="arn:aws:cloudformation:us-west-2:1:changeSet/n/y",
        template_sha256=hashlib.sha256(BODY.encode()).hexdigest(), status="UPDATE_COMPLETE",
        last_updated=CREATED - timedelta(days=1), changes=[],
        security=AccessChange(added=[], removed=[], broadens_access=False),
    )  # fmt: skip
    fields: dict[str, object] = {
        "tool": "ml-provisioner", "config": "c.yaml", "config_stem": "c",
        "config_sha256": "abc", "region": "us-west-2", "account_id": "123456789012",
        "production": True, "created": CREATED, "expires": CREATED + DEFAULT_TTL,
        "stacks": [stack],
    }  # fmt: skip
    return SavedPlan.model_validate({**fields, **changes})


def _check(plan: SavedPlan, **given: object) -> None:
    args: dict[str, object] = {
        "tool": "ml-provisioner", "config_stem": "c", "config_sha256": "abc",
        "now": CREATED + timedelta(minutes=5),
    }  # fmt: skip
    check_plan(plan, Path("p.json"), **{**args, **given})  # type: ignore[arg-type]


def test_a_plan_is_written_whole_and_read_back_equal(tmp_path: Path) -> None:
    plan = _plan()
    path = tmp_path / "deeper" / "p.json"
    write_plan(path, plan)
    assert read_plan(path) == plan
    data = json.loads(path.read_text())
    assert data["schema_version"] == 1 and data["kind"] == "provisioner-saved-plan"
    assert data["executed"] is None
    assert [p.name for p in path.parent.iterdir()] == ["p.json"], "no temp file left"


def test_a_usable_plan_passes() -> None:
    _check(_plan())


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"tool": "sec-provisioner"}, "is a plan of ml-provisioner, not sec-provisioner"),
        ({"config_stem": "other"}, "is a plan for config c, not other"),
        ({"config_sha256": "def"}, "the config c.yaml changed since the plan was saved"),
        ({"now": CREATED + DEFAULT_TTL}, "the plan expired at 2026-01-02 04:04:05 UTC"),
    ],
    ids=["tool", "config", "edited", "expired"],
)
def test_a_plan_is_refused_for(given: dict[str, object], why: str) -> None:
    with pytest.raises(InputError) as refused:
        _check(_plan(), **given)
    assert why in refused.value.render()
    assert "nothing was changed" in refused.value.render()


def test_a_spent_plan_is_refused() -> None:
    with pytest.raises(InputError, match="already executed at 2026-01-02 03:10:00 UTC"):
        _check(_plan(executed=CREATED.replace(minute=10, second=0, microsecond=0)))


def test_a_plan_one_microsecond_before_expiry_is_usable() -> None:
    _check(_plan(), now=CREATED + DEFAULT_TTL - timedelta(microseconds=1))


def test_the_templates_must_be_those_reviewed() -> None:
    check_templates(_plan(), Path("p.json"), {"s1": BODY})
    with pytest.raises(InputError, match="s1: the template the config renders now differs"):
        check_templates(_plan(), Path("p.json"), {"s1": BODY + " "})
    with pytest.raises(InputError, match="the plan holds stacks s1, the config now s1, s2"):
        check_templates(_plan(), Path("p.json"), {"s1": BODY, "s2": BODY})


def test_ttl_is_whole_minutes_up_to_a_week() -> None:
    assert parse_ttl(None) == DEFAULT_TTL == timedelta(hours=1)
    assert parse_ttl("1") == timedelta(minutes=1)
    assert parse_ttl("10080") == timedelta(days=7)
    for bad in ("0", "10081", "-5", "1.5", "1h", ""):
        with pytest.raises(InputError, match="--plan-ttl"):
            parse_ttl(bad)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("not json", "is not a saved plan of this version"),
        ('{"schema_version": 2}', "schema_version"),
        ("[]", "is not a saved plan"),
    ],
)
def test_what_is_no_plan_is_refused(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(text)
    with pytest.raises(InputError, match=why):
        read_plan(path)


def test_a_missing_plan_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such plan file; save one with"):
        read_plan(tmp_path / "none.json")


def test_the_hash_and_the_change_set_name() -> None:
    # SHA-256 of "abc", FIPS 180-2 appendix B.1.
    assert sha256_hex("abc") == ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert sha256_hex(b"abc") == sha256_hex("abc")
    assert saved_plan_change_set_name("sec-provisioner") == "sec-provisioner-saved-plan"
