"""A tier image's cap (cli/image_tier.py), without docker: the image's environment, given to the
CLI, refuses a config of a higher tier or with more teams than the image takes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import CliResult
from provisioner.cli import ml as ml_cli
from provisioner.cli import sec as sec_cli

STARTER = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
PROFESSIONAL = "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"
ENTERPRISE_ML = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml"
SMALL = "techcorp-dev-a001-us-west-2-sec.yaml"  # 2 teams
MEDIUM = "edge-prod-b001-us-west-1-sec.yaml"  # 5 teams
ENTERPRISE_SEC = "globalbank-prod-c001-us-east-1-sec.yaml"


def image_env(tool: str, tier: str, max_teams: str = "") -> dict[str, str]:
    return {
        "PROVISIONER_IMAGE_TOOL": tool,
        "PROVISIONER_IMAGE_TIER": tier,
        "PROVISIONER_IMAGE_MAX_TEAMS": max_teams,
    }


def run(tool: str, workdir: Path, config: str, env: dict[str, str]) -> CliResult:
    main = ml_cli.main if tool == "ml-provisioner" else sec_cli.main
    out, err = io.StringIO(), io.StringIO()
    code = main(["-con", config, "-act", "validate"], cwd=workdir, stdout=out, stderr=err, env=env)
    return CliResult(int(code), out.getvalue(), err.getvalue())


@pytest.mark.parametrize(
    ("image_tier", "config"),
    [
        ("starter", STARTER),
        ("professional", STARTER),
        ("professional", PROFESSIONAL),
        ("enterprise", STARTER),
        ("enterprise", PROFESSIONAL),
        ("enterprise", ENTERPRISE_ML),
    ],
)
def test_an_ml_image_takes_its_tier_and_below(workdir: Path, image_tier: str, config: str) -> None:
    result = run("ml-provisioner", workdir, config, image_env("ml-provisioner", image_tier))
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("image_tier", "config", "needed"),
    [
        ("starter", PROFESSIONAL, "professional"),
        ("starter", ENTERPRISE_ML, "enterprise"),
        ("professional", ENTERPRISE_ML, "enterprise"),
    ],
)
def test_an_ml_image_refuses_a_higher_tier_naming_the_image_to_use(
    workdir: Path, image_tier: str, config: str, needed: str
) -> None:
    result = run("ml-provisioner", workdir, config, image_env("ml-provisioner", image_tier))
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1, result.err  # one message, no traceback
    assert f"ml-provisioner:{image_tier}" in result.err
    assert f"run it with ml-provisioner:{needed}\n" in result.err


@pytest.mark.parametrize(
    ("image_tier", "max_teams", "config"),
    [
        ("small", "3", SMALL),
        ("medium", "10", SMALL),
        ("medium", "5", MEDIUM),  # exactly at the suffix's cap
        ("medium", "", MEDIUM),  # no suffix: the tier's own cap
        ("enterprise", "50", MEDIUM),
        ("enterprise", "50", ENTERPRISE_SEC),
    ],
)
def test_a_sec_image_takes_its_tier_and_size_and_below(
    workdir: Path, image_tier: str, max_teams: str, config: str
) -> None:
    env = image_env("sec-provisioner", image_tier, max_teams)
    result = run("sec-provisioner", workdir, config, env)
    assert result.code == 0, result.err


def test_a_sec_image_refuses_more_teams_than_its_size_suffix(workdir: Path) -> None:
    result = run("sec-provisioner", workdir, MEDIUM, image_env("sec-provisioner", "medium", "4"))
    assert result.code == 2
    assert result.err == (
        f"error: {MEDIUM}: does not fit this image (sec-provisioner:medium-4): it has 5 teams, "
        "the image takes 4; run it with sec-provisioner:medium\n"
    )


def test_a_sec_image_refuses_a_higher_tier(workdir: Path) -> None:
    result = run("sec-provisioner", workdir, MEDIUM, image_env("sec-provisioner", "small", "3"))
    assert result.code == 2
    assert (
        "(sec-provisioner:small-3): it is a medium tier config; it has 5 teams, the image takes 3"
        in result.err
    )
    assert result.err.endswith("run it with sec-provisioner:medium\n")


def test_every_action_that_loads_the_config_is_capped(workdir: Path) -> None:
    """Not only validate: the policy a user exports is capped too, and nothing is written."""
    out, err = io.StringIO(), io.StringIO()
    env = image_env("ml-provisioner", "starter")
    code = ml_cli.main(
        ["-con", PROFESSIONAL, "-act", "create-policy"],
        cwd=workdir,
        stdout=out,
        stderr=err,
        env=env,
    )
    assert code == 2, err.getvalue()
    assert not (workdir / "policies").exists()


def test_without_an_image_every_tier_is_taken(workdir: Path) -> None:
    """The pip-installed tool has no image environment."""
    assert run("ml-provisioner", workdir, ENTERPRISE_ML, {}).code == 0
    assert run("sec-provisioner", workdir, ENTERPRISE_SEC, {}).code == 0


def test_the_other_tools_image_environment_does_not_cap(workdir: Path) -> None:
    env = image_env("sec-provisioner", "small", "1")
    assert run("ml-provisioner", workdir, ENTERPRISE_ML, env).code == 0


@pytest.mark.parametrize(
    ("tier", "max_teams", "named"),
    [
        ("huge", "", "PROVISIONER_IMAGE_TIER: 'huge' is not a tier of sec-provisioner"),
        ("medium", "ten", "PROVISIONER_IMAGE_MAX_TEAMS: 'ten' is not a positive whole number"),
        ("medium", "0", "PROVISIONER_IMAGE_MAX_TEAMS: '0' is not a positive whole number"),
    ],
)
def test_a_broken_image_environment_is_one_clear_message(
    workdir: Path, tier: str, max_teams: str, named: str
) -> None:
    result = run("sec-provisioner", workdir, SMALL, image_env("sec-provisioner", tier, max_teams))
    assert result.code == 2
    assert result.err.startswith(f"error: {named}"), result.err
