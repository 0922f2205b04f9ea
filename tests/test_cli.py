"""The seeds' command line, as written, from a directory holding configs/."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CliRunner

TECHCORP = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
EDGE = "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"
GLOBALBANK = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml"


def test_seed_command_line_writes_the_seed_policy_path(run_ml: CliRunner, workdir: Path) -> None:
    result = run_ml("-con", TECHCORP, "-act", "create-policy")
    assert result.code == 0, result.err
    path = (
        workdir
        / "policies"
        / "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit-iam-policy.json"
    )
    document = json.loads(path.read_text())
    assert document["Version"] == "2012-10-17"
    assert str(path) in result.out


def test_long_forms_and_alias(run_ml: CliRunner, workdir: Path) -> None:
    result = run_ml("--config", EDGE, "--action", "export-iam-policy")
    assert result.code == 0, result.err
    assert (
        workdir
        / "policies"
        / "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit-iam-policy.json"
    ).is_file()


def test_config_given_as_path(run_ml: CliRunner, workdir: Path, tmp_path: Path) -> None:
    result = run_ml("-con", str(workdir / "configs" / TECHCORP), "-act", "validate")
    assert result.code == 0, result.err


def test_enterprise_policy_is_split_and_says_so(run_ml: CliRunner, workdir: Path) -> None:
    result = run_ml("-con", GLOBALBANK, "-act", "create-policy")
    assert result.code == 0, result.err
    stem = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit-iam-policy"
    parts = sorted((workdir / "policies").glob(f"{stem}-*.json"))
    assert [p.name for p in parts] == [f"{stem}-1.json", f"{stem}-2.json"]
    assert not (workdir / "policies" / f"{stem}.json").exists()
    assert "split into 2 policies" in result.out
    for part in parts:
        text = json.dumps(json.loads(part.read_text()), separators=(",", ":"))
        assert len(text) <= 6144


def test_stale_policy_parts_are_removed(run_ml: CliRunner, workdir: Path) -> None:
    stem = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit-iam-policy"
    (workdir / "policies").mkdir()
    (workdir / "policies" / f"{stem}-3.json").write_text("{}")
    assert run_ml("-con", TECHCORP, "-act", "create-policy").code == 0
    assert sorted(p.name for p in (workdir / "policies").iterdir()) == [f"{stem}.json"]


def test_create_template_is_byte_identical_across_runs(run_ml: CliRunner, workdir: Path) -> None:
    path = workdir / "templates" / "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-stack.json"
    assert run_ml("-con", EDGE, "-act", "create-template").code == 0
    first = path.read_bytes()
    assert run_ml("-con", EDGE, "-act", "create-template").code == 0
    assert path.read_bytes() == first
    assert json.loads(first)["Resources"]


def test_validate_prints_a_summary(run_ml: CliRunner) -> None:
    result = run_ml("-con", GLOBALBANK, "-act", "validate")
    assert result.code == 0
    assert "globalbank-prod-c001-us-west-2-demand-forecasting-ml" in result.out
    assert "enterprise" in result.out and "2 parts" in result.out


def test_validate_writes_nothing(run_ml: CliRunner, workdir: Path) -> None:
    before = sorted(workdir.rglob("*"))
    assert run_ml("-con", TECHCORP, "-act", "validate").code == 0
    assert sorted(workdir.rglob("*")) == before


def test_list_resources_prints_every_physical_name(run_ml: CliRunner) -> None:
    from conftest import EXAMPLES
    from provisioner.config.ml_loader import load_ml_config
    from provisioner.ml.plan import plan_stack

    result = run_ml("-con", EDGE, "-act", "list-resources")
    assert result.code == 0
    plan = plan_stack(load_ml_config(EXAMPLES / EDGE))
    for resource in plan.resources:
        assert resource.logical_id in result.out and resource.physical_name in result.out
    assert f"{len(plan.resources)} resources" in result.out


def test_unknown_action_lists_allowed(run_ml: CliRunner) -> None:
    result = run_ml("-con", TECHCORP, "-act", "launch")
    assert result.code == 2
    assert "unknown action 'launch'" in result.err and "create-template" in result.err


def test_missing_arguments(run_ml: CliRunner) -> None:
    result = run_ml("-act", "validate")
    assert result.code == 2 and "--config" in result.err
