"""ml-provisioner's refusal of a template over CloudFormation's 51,200-byte TemplateBody
(ml/plan_checks.py template_size_problems), at the limit, word for word: the live form and the
test-deploy form each checked, the bytes over counted. The plans are stand-ins of a given size,
so the boundary is hit exactly (a real config's size moves by tens of bytes per character)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from conftest import all_ml_configs
from provisioner.errors import Problem
from provisioner.ml.plan_checks import template_size_problems

LIMIT = 51_200  # CloudFormation's TemplateBody, from its documented quotas


def _plan(live: int, test: int, tags: dict[str, str] | None = None) -> Any:
    config = all_ml_configs()[0].model_copy(update={"tags": tags or {}})

    def stack(name: str, size: int) -> Any:
        return SimpleNamespace(stack_name=name, body_bytes=size, resources=())

    return SimpleNamespace(
        config=config, live=stack("live-stack", live), test_form=stack("test-stack", test)
    )


def _refusal(name: str, size: int) -> str:
    return (
        f"the template of stack {name} would be {size:,} bytes, over CloudFormation's "
        "51,200-byte TemplateBody limit (ml-provisioner deploys without a template bucket); "
        "shorten the names or use fewer tags"
    )


@pytest.mark.parametrize(
    ("live", "test", "expected"),
    [
        (LIMIT, LIMIT, []),
        (LIMIT + 1, LIMIT, [Problem("", _refusal("live-stack", LIMIT + 1))]),
        (LIMIT, LIMIT + 1,
         [Problem("", _refusal("test-stack in its test-deploy form", LIMIT + 1))]),
        (LIMIT + 7, LIMIT + 9, [Problem("", _refusal("live-stack", LIMIT + 7))]),
    ],
    ids=["both at the limit", "live one over", "test-deploy form one over", "both over"],
)  # fmt: skip
def test_a_template_over_template_body_is_refused_word_for_word(
    live: int, test: int, expected: list[Problem]
) -> None:
    assert template_size_problems(_plan(live, test)) == expected


@pytest.mark.parametrize("form", ["live", "test-deploy"])
def test_extra_tags_to_blame_are_named_with_the_bytes_to_shed(form: str) -> None:
    """Over the limit with tags, where the stack without them fits: the tags are named, with
    the bytes they add (against the same form planned without them) and how many fewer it
    takes (the size over the limit)."""
    from provisioner.ml.plan import plan_stack
    from provisioner.naming.ml import WIDEST_TEST_SUFFIX

    live = form == "live"
    plan = _plan(LIMIT + 5 if live else LIMIT, LIMIT if live else LIMIT + 5, {"cost": "x"})
    suffix = None if live else WIDEST_TEST_SUFFIX
    untagged = plan_stack(plan.config.model_copy(update={"tags": {}}), suffix).body_bytes
    assert untagged <= LIMIT
    name = "live-stack" if live else "test-stack in its test-deploy form"
    (problem,) = template_size_problems(plan)
    assert problem == Problem(
        "tags",
        f"{_refusal(name, LIMIT + 5).split(';')[0]}: the 1 extra tags, copied onto each "
        f"of its 0 tagged resources, add {LIMIT + 5 - untagged:,} bytes; use fewer or shorter "
        "tags (at least 5 bytes fewer)",
    )


@pytest.mark.parametrize(
    ("untagged", "blamed"), [(LIMIT, True), (LIMIT + 1, False)], ids=["fits", "over"]
)
def test_tags_are_blamed_only_when_the_stack_fits_without_them(
    monkeypatch: pytest.MonkeyPatch, untagged: int, blamed: bool
) -> None:
    """The stack planned without the extra tags decides: at the limit it fits, so the tags
    are named (and its tagged resources counted); one byte over, the names are to shorten."""
    import provisioner.ml.plan_checks as checks

    monkeypatch.setattr(checks, "plan_stack", lambda *_: SimpleNamespace(body_bytes=untagged))
    plan = _plan(LIMIT + 40, LIMIT, {"cost": "x"})
    tagged, untagged_resource = (
        SimpleNamespace(properties={"Tags": []}),
        SimpleNamespace(properties={}),
    )
    plan.live.resources = (tagged, untagged_resource, tagged)
    (problem,) = template_size_problems(plan)
    if blamed:
        assert problem == Problem(
            "tags",
            f"{_refusal('live-stack', LIMIT + 40).split(';')[0]}: the 1 extra tags, copied onto "
            f"each of its 2 tagged resources, add {LIMIT + 40 - untagged:,} bytes; use fewer or "
            "shorter tags (at least 40 bytes fewer)",
        )
    else:
        assert problem == Problem("", _refusal("live-stack", LIMIT + 40))
