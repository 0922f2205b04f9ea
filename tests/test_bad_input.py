"""Bad input of every kind: one clear message, exit code 2, no traceback, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, CliRunner
from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES
from provisioner.config.ml import MlConfig
from provisioner.ml.plan import plan_stack

TECHCORP = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
GLOBALBANK = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml"
WRITING_ACTIONS = ["create-template", "create-policy", "create-report", "create-seed-code"]


def example(name: str = TECHCORP) -> dict:  # type: ignore[type-arg]
    data: dict = yaml.safe_load((EXAMPLES / name).read_text())  # type: ignore[type-arg]
    return data


def write(workdir: Path, data: object, name: str = TECHCORP) -> str:
    path = workdir / "configs" / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return name


def outputs(workdir: Path) -> list[Path]:
    return [p for p in workdir.rglob("*") if "configs" not in p.parts]


def assert_rejected(run_ml: CliRunner, workdir: Path, config: str, *needles: str) -> str:
    for action in ["validate", *WRITING_ACTIONS]:
        result = run_ml("-con", config, "-act", action)
        assert result.code == 2, (action, result.out, result.err)
        assert "Traceback" not in result.err
        assert result.err.startswith("error: ")
        assert result.out == ""
        for needle in needles:
            assert needle in result.err, (needle, result.err)
        assert outputs(workdir) == [], action
    return result.err


def test_malformed_yaml(run_ml: CliRunner, workdir: Path) -> None:
    config = write(workdir, "company_prefix: techcorp\nenv: [prod\n")
    assert_rejected(run_ml, workdir, config, TECHCORP, "malformed YAML", "line 2")


def test_top_level_not_a_mapping(run_ml: CliRunner, workdir: Path) -> None:
    config = write(workdir, "- just\n- a list\n")
    assert_rejected(run_ml, workdir, config, "top level must be a mapping")


def test_empty_file(run_ml: CliRunner, workdir: Path) -> None:
    assert_rejected(run_ml, workdir, write(workdir, ""), "empty")


def test_duplicate_key(run_ml: CliRunner, workdir: Path) -> None:
    text = (EXAMPLES / TECHCORP).read_text() + "tier: enterprise\n"
    assert_rejected(run_ml, workdir, write(workdir, text), "duplicate key 'tier'")


def test_unknown_key(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["teir"] = "starter"
    err = assert_rejected(run_ml, workdir, write(workdir, data), "teir", "unknown field")
    assert "tier" in err  # names what is allowed


def test_unknown_nested_key(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["build"] = {"computetype": "BUILD_GENERAL1_SMALL"}
    assert_rejected(run_ml, workdir, write(workdir, data), "build.computetype", "compute_type")


def test_wrong_type(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["build"] = {"timeout_minutes": "sixty"}
    assert_rejected(run_ml, workdir, write(workdir, data), "build.timeout_minutes", "whole number")


def test_account_id_as_number(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["account_id"] = 111122223333
    assert_rejected(run_ml, workdir, write(workdir, data), "account_id", "quotes")


def test_bad_account_id(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["account_id"] = "12345"
    assert_rejected(run_ml, workdir, write(workdir, data), "account_id", "pattern")


def test_bad_region(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["region"] = "us-west-9"
    assert_rejected(run_ml, workdir, write(workdir, data), "region", "us-west-9")


def test_bad_tier(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["tier"] = "gold"
    assert_rejected(run_ml, workdir, write(workdir, data), "tier", "starter, professional")


@pytest.mark.parametrize("value", [["starter"], None, 3], ids=["list", "null", "number"])
def test_tier_not_text_names_the_allowed_values(
    run_ml: CliRunner, workdir: Path, value: object
) -> None:
    data = example()
    data["tier"] = value
    err = assert_rejected(
        run_ml, workdir, write(workdir, data), "tier: must be one of: starter, professional"
    )
    assert "instance of" not in err


def test_missing_required_field(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    del data["use_case"]
    assert_rejected(run_ml, workdir, write(workdir, data), "use_case", "required")


def test_name_over_aws_limit(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["use_case"] = "customer-churn-prediction-long"
    name = "techcorp-prod-a001-us-west-2-customer-churn-prediction-long-ml-codecommit.yaml"
    mpg = "techcorp-prod-a001-us-west-2-customer-churn-prediction-long-ml-mpg"
    err = assert_rejected(run_ml, workdir, write(workdir, data, name), mpg)
    assert f"is {len(mpg)} characters" in err and "at most 63" in err
    assert "test-deploy" not in err  # the live name is the problem


def test_name_fits_live_but_not_in_test_deploy_form(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["use_case"] = "customer-churn-predictor"  # mpg: 60 characters live, 66 in test-deploy
    name = "techcorp-prod-a001-us-west-2-customer-churn-predictor-ml-codecommit.yaml"
    err = assert_rejected(run_ml, workdir, write(workdir, data, name), "test-deploy form")
    assert "is 66 characters; AWS allows at most 63" in err


def test_tags_that_take_the_template_over_template_body(run_ml: CliRunner, workdir: Path) -> None:
    # The reviewer's case: the enterprise example with eight more tags was 51,941 bytes, which
    # validation accepted and CloudFormation would refuse (the ML tool has no template bucket).
    data = example(GLOBALBANK)
    data["tags"].update({f"cost-allocation-{i}": "x" * 50 for i in range(8)})
    config = MlConfig.model_validate(data)  # nothing wrong with each field on its own...
    assert plan_stack(config).body_bytes > TEMPLATE_BODY_MAX_BYTES  # ...but it cannot deploy
    err = assert_rejected(
        run_ml,
        workdir,
        write(workdir, data, GLOBALBANK),
        "tags: the template of stack globalbank-prod-c001-us-west-2-demand-forecasting-ml-stack "
        f"would be {plan_stack(config).body_bytes:,} bytes, over CloudFormation's 51,200-byte "
        "TemplateBody limit",
        "the 9 extra tags",
    )
    assert "problems" not in err  # one message


@pytest.mark.parametrize("count", [43, 44])
def test_more_tags_than_a_resource_takes(run_ml: CliRunner, workdir: Path, count: int) -> None:
    # AWS allows 50 a resource; the tool sets 8 (company, env, tenant, team, use-case, tier,
    # managed-by, and Name on EC2 resources).
    data = example()
    data["tags"] = {f"t{i}": "v" for i in range(count)}
    assert_rejected(
        run_ml, workdir, write(workdir, data), f"tags: {count} tags is too many", "so at most 42"
    )


def test_as_many_tags_as_a_resource_takes(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["tags"] = {f"t{i}": "v" for i in range(42)}
    result = run_ml("-con", write(workdir, data), "-act", "validate")
    assert result.code == 0, result.err


def test_team_is_a_tag_the_tool_sets(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["tags"] = {"team": "someone-else"}
    assert_rejected(
        run_ml, workdir, write(workdir, data), "tags: tag key 'team' is set by the tool"
    )


def test_missing_team(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    del data["team"]
    assert_rejected(run_ml, workdir, write(workdir, data), "team", "required")


@pytest.mark.parametrize("team", ["Churn", "c", "churn_team", "a-very-long-team-name"])
def test_bad_team_name(run_ml: CliRunner, workdir: Path, team: str) -> None:
    data = example()
    data["team"] = team
    assert_rejected(run_ml, workdir, write(workdir, data), "team")


@pytest.mark.parametrize("team", ["bootstrap", "xacct"])
def test_team_no_sec_config_can_define(run_ml: CliRunner, workdir: Path, team: str) -> None:
    # /security/{tenant}-{region}/bootstrap/ holds the trust root's parameters and .../xacct/
    # the cross-account roles': neither is a team, however the SSM path looks.
    data = example()
    data["team"] = team
    assert_rejected(run_ml, workdir, write(workdir, data), f"team: '{team}' is reserved")


def test_starter_artifact_bucket_outside_the_tenant(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["artifact_bucket"] = "my-pipeline-artifacts"
    assert_rejected(
        run_ml,
        workdir,
        write(workdir, data),
        "artifact_bucket: must be one of the tenant's buckets, named "
        "techcorp-prod-a001-us-west-2-*",
    )


def test_tag_keys_the_tool_or_aws_reserve(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    data["tags"] = {"Name": "mine", "aws:createdBy": "me", "tier": "gold"}
    assert_rejected(
        run_ml,
        workdir,
        write(workdir, data),
        "tags: tag key 'Name' is set by the tool itself",
        "tags: tag key 'tier' is set by the tool itself",
        "tags: tag key 'aws:createdBy': keys beginning with 'aws:' are reserved by AWS",
    )


def test_file_name_disagrees_with_contents(run_ml: CliRunner, workdir: Path) -> None:
    shutil.copy(EXAMPLES / TECHCORP, workdir / "configs" / "churn.yaml")
    assert_rejected(run_ml, workdir, "churn.yaml", "file name disagrees", TECHCORP)


def test_enterprise_without_vpc(run_ml: CliRunner, workdir: Path) -> None:
    data = example(GLOBALBANK)
    del data["network"]
    assert_rejected(run_ml, workdir, write(workdir, data, GLOBALBANK), "network", "enterprise")


def test_starter_without_artifact_bucket(run_ml: CliRunner, workdir: Path) -> None:
    data = example()
    del data["artifact_bucket"]
    assert_rejected(run_ml, workdir, write(workdir, data), "artifact_bucket", "starter")


def test_bad_subnet_and_retention(run_ml: CliRunner, workdir: Path) -> None:
    data = example(GLOBALBANK)
    data["network"]["subnet_ids"] = ["subnet-zz"]
    data["log_retention_days"] = 100
    err = assert_rejected(run_ml, workdir, write(workdir, data, GLOBALBANK), "2 problems")
    assert "network.subnet_ids" in err and "log_retention_days" in err


def test_missing_config_file(run_ml: CliRunner, workdir: Path) -> None:
    err = assert_rejected(run_ml, workdir, "nope-ml-codecommit.yaml", "not found")
    assert "configs" in err


def test_config_is_a_directory(run_ml: CliRunner, workdir: Path) -> None:
    (workdir / "configs" / "dir.yaml").mkdir()
    err = assert_rejected(run_ml, workdir, "dir.yaml", "is a directory, not a config file")
    assert "not found" not in err  # other kinds of file: test_input_limits.py


def test_not_utf8(run_ml: CliRunner, workdir: Path) -> None:
    (workdir / "configs" / TECHCORP).write_bytes(b"company_prefix: \xff\xfe\n")
    assert_rejected(run_ml, workdir, TECHCORP, "UTF-8")


@pytest.mark.parametrize("action", WRITING_ACTIONS)
def test_unwritable_output_directory(run_ml: CliRunner, workdir: Path, action: str) -> None:
    # A file where the output directory should be (root ignores permission bits).
    for directory in ("templates", "policies", "reports", "seed-code"):
        (workdir / directory).write_text("not a directory")
    result = run_ml("-con", TECHCORP, "-act", action)
    assert result.code == 2 and "Traceback" not in result.err
    assert "output directory" in result.err
    assert all((workdir / d).is_file() for d in ("templates", "policies", "reports", "seed-code"))
