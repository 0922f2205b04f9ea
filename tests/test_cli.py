"""The seeds' command line, as written, from a directory holding configs/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import EXAMPLES, CliRunner
from provisioner.config.ml_loader import load_ml_config
from provisioner.ml.operator_policy import operator_policies, operator_policy
from provisioner.policy.document import split_to_fit
from provisioner.policy.variants import Variant

TECHCORP = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
EDGE = "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"
GLOBALBANK = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml"
TECHCORP_SEC = "techcorp-prod-a001-us-west-2-sec.yaml"


def policy_files(config: str, variant: Variant = Variant.DEPLOYER) -> list[str]:
    """The files create-policy writes for one variant: the seed's `{stem}{infix}-iam-policy.json`,
    or `-1.json`, `-2.json`… when IAM's size limit splits the policy."""
    loaded = load_ml_config(EXAMPLES / config)
    stem = f"{config.removesuffix('.yaml')}{variant.file_infix}-iam-policy"
    parts = len(split_to_fit(operator_policies(loaded)[variant]))
    return [f"{stem}.json"] if parts == 1 else [f"{stem}-{i}.json" for i in range(1, parts + 1)]


def written(out: str) -> set[str]:
    return {Path(p).name for p in re.findall(r"^wrote (\S+)", out, re.M)}


def allowed_actions(path: Path) -> set[str]:
    document = json.loads(path.read_text())
    assert document["Version"] == "2012-10-17"
    actions: set[str] = set()
    for statement in document["Statement"]:
        if statement["Effect"] == "Allow" and "Action" in statement:
            listed = statement["Action"]
            actions |= {listed} if isinstance(listed, str) else set(listed)
    return actions


def test_seed_command_line_writes_the_seed_policy_path(run_ml: CliRunner, workdir: Path) -> None:
    result = run_ml("-con", TECHCORP, "-act", "create-policy")
    assert result.code == 0, result.err
    stem = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit-iam-policy"
    files = policy_files(TECHCORP)
    # The seed's path, or its numbered parts when the deployer policy is over IAM's limit.
    assert files == [f"{stem}.json"] or files == [
        f"{stem}-{i}.json" for i in range(1, len(files) + 1)
    ]
    actions: set[str] = set()
    for name in files:
        path = workdir / "policies" / name
        actions |= allowed_actions(path)
        assert str(path) in result.out
    assert actions == operator_policy(load_ml_config(EXAMPLES / TECHCORP)).actions


def test_create_policy_writes_the_four_variants(run_ml: CliRunner, workdir: Path) -> None:
    result = run_ml("-con", TECHCORP, "-act", "create-policy")
    assert result.code == 0, result.err
    expected = {name for variant in Variant for name in policy_files(TECHCORP, variant)}
    assert {p.name for p in (workdir / "policies").iterdir()} == expected == written(result.out)
    policies = operator_policies(load_ml_config(EXAMPLES / TECHCORP))
    for variant in Variant:
        actions: set[str] = set()
        for name in policy_files(TECHCORP, variant):
            actions |= allowed_actions(workdir / "policies" / name)
        assert actions == policies[variant].actions, variant
    # No variant grants what the deployer does not.
    assert all(policies[v].actions <= policies[Variant.DEPLOYER].actions for v in Variant)


def test_sec_export_writes_the_variants_and_the_bootstrap_policy(
    run_sec: CliRunner, workdir: Path
) -> None:
    result = run_sec("--config", TECHCORP_SEC, "--action", "export-iam-policy")
    assert result.code == 0, result.err
    names = {p.name for p in (workdir / "policies").iterdir()}
    assert names == written(result.out)
    stem = TECHCORP_SEC.removesuffix(".yaml")
    for variant in Variant:
        assert any(re.fullmatch(rf"{stem}{variant.file_infix}-iam-policy(-\d+)?\.json", n)
                   for n in names), variant  # fmt: skip
    bootstrap = "techcorp-prod-a001-us-west-2-bootstrap-iam-policy.json"
    assert bootstrap in names
    assert "cloudformation:CreateChangeSet" in allowed_actions(workdir / "policies" / bootstrap)


def test_long_forms_and_alias(run_ml: CliRunner, workdir: Path) -> None:
    result = run_ml("--config", EDGE, "--action", "export-iam-policy")
    assert result.code == 0, result.err
    for name in policy_files(EDGE):
        assert name.startswith(
            "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit-iam-policy"
        )
        assert (workdir / "policies" / name).is_file()


def test_config_given_as_path(run_ml: CliRunner, workdir: Path, tmp_path: Path) -> None:
    result = run_ml("-con", str(workdir / "configs" / TECHCORP), "-act", "validate")
    assert result.code == 0, result.err


def test_enterprise_policy_is_split_and_says_so(run_ml: CliRunner, workdir: Path) -> None:
    result = run_ml("-con", GLOBALBANK, "-act", "create-policy")
    assert result.code == 0, result.err
    stem = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit-iam-policy"
    count = len(policy_files(GLOBALBANK))
    assert count >= 2
    parts = sorted((workdir / "policies").glob(f"{stem}-*.json"))
    assert [p.name for p in parts] == [f"{stem}-{i}.json" for i in range(1, count + 1)]
    assert not (workdir / "policies" / f"{stem}.json").exists()
    assert f"{stem}: the enterprise tier's policy" in result.out
    assert f"split into {count} policies: attach all {count}" in result.out
    for part in parts:
        text = json.dumps(json.loads(part.read_text()), separators=(",", ":"))
        assert len(text) <= 6144


def test_stale_policy_parts_are_removed(run_ml: CliRunner, workdir: Path) -> None:
    stem = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit"
    (workdir / "policies").mkdir()
    stale = [f"{stem}-iam-policy-9.json", f"{stem}-reviewer-iam-policy-7.json"]
    # A part or whole policy of an earlier, differently split run is stale too.
    deployer = policy_files(TECHCORP)
    stale.append(f"{stem}-iam-policy.json" if len(deployer) > 1 else f"{stem}-iam-policy-1.json")
    for name in stale:
        (workdir / "policies" / name).write_text("{}")
    mine = workdir / "policies" / "my-own-notes.json"  # not ours: left alone
    mine.write_text("{}")
    result = run_ml("-con", TECHCORP, "-act", "create-policy")
    assert result.code == 0, result.err
    expected = {name for variant in Variant for name in policy_files(TECHCORP, variant)}
    assert {p.name for p in (workdir / "policies").iterdir()} == expected | {mine.name}


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
    parts = len(policy_files(GLOBALBANK))
    assert "enterprise" in result.out and f"{parts} parts" in result.out


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


# -- validate --sec-config: the use case against its tenant's SEC config, offline -------------
@pytest.mark.parametrize("config", sorted(p.name for p in EXAMPLES.glob("*-ml-codecommit.yaml")))
def test_every_ml_example_validates_against_its_tenants_sec_config(
    run_ml: CliRunner, workdir: Path, config: str
) -> None:
    from provisioner.emulator.examples import tenant_sec_config

    sec = tenant_sec_config(workdir / "configs" / config).name
    before = sorted(workdir.rglob("*"))
    result = run_ml("-con", config, "-act", "validate", "--sec-config", sec)
    assert result.code == 0, result.err
    team = load_ml_config(EXAMPLES / config).team
    assert f"team         {team}, defined in {sec}" in result.out
    assert sorted(workdir.rglob("*")) == before


def test_validate_sec_config_of_another_tenant(run_ml: CliRunner) -> None:
    other = "techcorp-dev-a001-us-west-2-sec.yaml"
    result = run_ml("-con", TECHCORP, "-act", "validate", "--sec-config", other)
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.startswith(f"error: {other}: ")
    assert "is for tenant techcorp-dev-a001-us-west-2 in account 111122223333" in result.err
    assert f"but {TECHCORP} is for techcorp-prod-a001-us-west-2" in result.err


def test_validate_sec_config_in_another_account(run_ml: CliRunner, workdir: Path) -> None:
    path = workdir / "configs" / TECHCORP_SEC
    path.write_text(path.read_text().replace('"111122223333"', '"999988887777"'))
    result = run_ml("-con", TECHCORP, "-act", "validate", "--sec-config", TECHCORP_SEC)
    assert result.code == 2
    assert "in account 999988887777" in result.err and "in account 111122223333" in result.err


def test_validate_sec_config_without_the_team(run_ml: CliRunner, workdir: Path) -> None:
    path = workdir / "configs" / TECHCORP
    path.write_text(path.read_text().replace("team: churn\n", "team: retention\n"))
    result = run_ml("-con", TECHCORP, "-act", "validate", "--sec-config", TECHCORP_SEC)
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.startswith(f"error: {TECHCORP}: ")
    assert f"team: 'retention' is not a team of {TECHCORP_SEC} (its teams: churn)" in result.err


def test_validate_sec_config_that_does_not_exist(run_ml: CliRunner) -> None:
    result = run_ml("-con", TECHCORP, "-act", "validate", "--sec-config", "nope-sec.yaml")
    assert result.code == 2 and "Traceback" not in result.err
    assert "nope-sec.yaml" in result.err and "not found" in result.err


def test_a_retry_mode_botocore_lacks_is_bad_input(
    run_ml: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS_RETRY_MODE takes botocore's modes only: another is named before any AWS call (it
    used to leave as botocore's InvalidRetryModeError, a traceback)."""
    monkeypatch.setenv("AWS_RETRY_MODE", "eager")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:9")  # never reached
    result = run_ml("-con", TECHCORP, "-act", "status")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err == (
        "error: AWS_RETRY_MODE: 'eager' is not one of botocore's retry modes: "
        "legacy, standard, adaptive\n"
    )
    assert not (workdir / "reports").exists() or not any((workdir / "reports").iterdir())
