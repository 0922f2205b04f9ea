"""create-seed-code: a model-build project whose names agree with the template's."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from conftest import CliRunner
from provisioner.cfn.intrinsics import get_att
from provisioner.config.ml import MlConfig
from provisioner.ml.components.build_project import environment_variables
from provisioner.ml.context import MlContext
from provisioner.ml.plan import plan_stack
from provisioner.ml.seed_code import seed_code_files
from provisioner.naming.ml import MlNames


def defaults_of(script: str) -> dict[str, str]:
    for node in ast.parse(script).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DEFAULTS":
            value: dict[str, str] = ast.literal_eval(node.value)
            return value
    raise AssertionError("no DEFAULTS in run_pipeline.py")


def test_python_compiles_and_buildspec_is_valid(ml_config: MlConfig) -> None:
    files = seed_code_files(ml_config)
    assert {
        "buildspec.yml",
        "README.md",
        "requirements.txt",
        "pipelines/run_pipeline.py",
        "pipelines/preprocess.py",
        "pipelines/train.py",
    } <= set(files)
    for path, text in files.items():
        if path.endswith(".py"):
            compile(text, path, "exec")
    spec = yaml.safe_load(files["buildspec.yml"])
    assert spec["version"] == 0.2
    assert "python pipelines/run_pipeline.py" in spec["phases"]["build"]["commands"]


def test_names_agree_with_the_template(ml_config: MlConfig) -> None:
    plan = plan_stack(ml_config)
    files = seed_code_files(ml_config)
    defaults = defaults_of(files["pipelines/run_pipeline.py"])
    project = plan.resource("BuildProject").properties
    env = {v["Name"]: v["Value"] for v in project["Environment"]["EnvironmentVariables"]}
    # Every variable the script reads is set by the build project with the same value.
    role = plan.resource("SageMakerExecutionRole")
    for key, value in defaults.items():
        declared = env[key]
        if declared == get_att("SageMakerExecutionRole", "Arn"):
            assert value == role.arn
        else:
            assert value == declared, key
    assert defaults["MODEL_PACKAGE_GROUP_NAME"] == plan.resource("ModelPackageGroup").physical_name
    readme = files["README.md"]
    for logical_id in ("Repository", "Pipeline", "BuildProject", "ModelPackageGroup"):
        assert f"`{plan.resource(logical_id).physical_name}`" in readme
    assert f"/v1/repos/{plan.resource('Repository').physical_name}" in readme
    assert set(env) == set(environment_variables(MlContext(MlNames(ml_config))))


def test_seed_code_differs_between_configs() -> None:
    from conftest import all_ml_configs

    scripts = {seed_code_files(c)["pipelines/run_pipeline.py"] for c in all_ml_configs()}
    assert len(scripts) == len(all_ml_configs())


def test_importing_the_pipeline_script_does_nothing(tmp_path: Path, ml_config: MlConfig) -> None:
    code = seed_code_files(ml_config)["pipelines/run_pipeline.py"]
    namespace: dict[str, object] = {"__name__": "seed"}
    exec(compile(code, "run_pipeline.py", "exec"), namespace)  # sagemaker is not imported
    assert "build_pipeline" in namespace and "sagemaker" not in namespace


def test_cli_writes_the_project(run_ml: CliRunner, workdir: Path) -> None:
    config = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
    result = run_ml("-con", config, "-act", "create-seed-code")
    assert result.code == 0, result.err
    root = workdir / "seed-code" / "techcorp-prod-a001-us-west-2-customer-churn-ml"
    assert (root / "pipelines" / "run_pipeline.py").is_file()
    assert (root / "buildspec.yml").is_file()
