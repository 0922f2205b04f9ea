"""Honest messages: each says what is true of the input and what to do, not what the code
assumed. Offline ones first; then those against the emulator (fixtures of test_deploy)."""

# ruff: noqa: F811 - the emulator fixtures of test_deploy, imported by name, are parameters here
from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import botocore.model
import botocore.session
import pytest

from conftest import EXAMPLES, ML_EXAMPLES, SEC_EXAMPLES, CliRunner
from provisioner.cli.flags import flags_of
from provisioner.config.sec_loader import load_sec_config
from provisioner.deploy.status import what_to_do
from provisioner.sec.plan import plan_stacks
from test_deploy import (  # noqa: F401 - fixtures, used by name
    ACCOUNT,
    SEC_MEDIUM,
    SEC_SMALL,
    STARTER,
    Tenant,
    cloud,
    expect,
    run_sec_here,
    tenant,
)

ML_LOCAL = ["validate", "create-template", "create-policy", "create-report", "list-resources"]
SEC_LOCAL = ["validate", "create-template", "export-iam-policy", "create-report", "list-resources"]


# -- a config given to the other tool --------------------------------------------------------
@pytest.mark.parametrize("config", SEC_EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("action", [*ML_LOCAL, "status", "deploy"])
def test_a_sec_config_given_to_ml_provisioner(run_ml: CliRunner, workdir: Path, config: Path,
                                              action: str) -> None:  # fmt: skip
    force = ["--force"] if "--force" in flags_of("ml-provisioner", action) else []
    result = run_ml("-con", config.name, "-act", action, *force)
    assert result.code == 2 and result.out == ""
    assert "is a config for sec-provisioner" in result.err
    assert f"sec-provisioner --config {config.name} --action validate" in result.err
    assert "unknown field" not in result.err and result.err.count("\n") == 1


@pytest.mark.parametrize("config", ML_EXAMPLES, ids=lambda p: p.name.split("-")[0])
@pytest.mark.parametrize("action", [*SEC_LOCAL, "bootstrap", "status"])
def test_an_ml_config_given_to_sec_provisioner(run_sec: CliRunner, config: Path,
                                               action: str) -> None:  # fmt: skip
    force = ["--force"] if "--force" in flags_of("sec-provisioner", action) else []
    result = run_sec("-con", config.name, "-act", action, *force)
    assert result.code == 2 and result.out == ""
    assert "is a config for ml-provisioner" in result.err
    assert f"ml-provisioner --config {config.name} --action validate" in result.err
    assert "unknown field" not in result.err


def test_an_ml_config_given_as_sec_config(run_ml: CliRunner) -> None:
    result = run_ml("-con", STARTER, "-act", "validate", "--sec-config", STARTER)
    assert result.code == 2 and result.out == ""
    assert "is a config for ml-provisioner" in result.err


def test_a_config_of_neither_tool_still_lists_its_problems(run_ml: CliRunner,
                                                           workdir: Path) -> None:  # fmt: skip
    # One field of each tool: which tool it is for is not clear, so the problems are listed.
    text = (EXAMPLES / STARTER).read_text() + "teams: []\n"
    (workdir / "configs" / STARTER).write_text(text)
    result = run_ml("-con", STARTER, "-act", "validate")
    assert result.code == 2 and "teams" in result.err and "config for" not in result.err


# -- validate does not claim what only deploy does -------------------------------------------
def test_validate_says_deploy_uploads_large_templates(run_sec: CliRunner) -> None:
    result = run_sec("-con", SEC_MEDIUM, "-act", "validate")
    assert result.code == 0, result.err
    assert "uploaded" not in result.out
    assert "deploy uploads it to template_bucket" in result.out


# -- credentials: where they came from, never a guess ----------------------------------------
@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
                 "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with socket.socket() as probe:  # no call is sent without credentials; nobody listens here
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://localhost:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    return url


@pytest.mark.parametrize("action", [["status"], ["deploy", "--force"], ["delete", "--force"]])
def test_no_credentials_at_all_claims_no_profile(run_ml: CliRunner, no_credentials: str,
                                                 action: list[str]) -> None:  # fmt: skip
    result = run_ml("-con", STARTER, "-act", *action)
    assert result.code == 2 and "Traceback" not in result.err
    assert "no usable AWS credentials" in result.err
    assert "profile" not in result.err.split("found none")[0]
    assert "profile 'default'" not in result.err
    assert "found none: no --profile or AWS_PROFILE, no AWS_ACCESS_KEY_ID" in result.err


def test_credentials_of_the_default_profile_are_named_so(
    cloud: Any, run_ml: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provisioner.emulator.faults import FAULTS, Fault

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    credentials = tmp_path / "credentials"
    credentials.write_text("[default]\naws_access_key_id = a\naws_secret_access_key = b\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    FAULTS.add(Fault("*", 403, "ExpiredToken", 5, "The security token included is expired"))
    result = expect(run_ml("-con", STARTER, "-act", "status"), 2)
    assert "credentials from profile 'default' (shared credentials file)" in result.err


# -- status of a stack a failed operation left unusable --------------------------------------
CF_STATUSES = botocore.session.get_session().get_service_model("cloudformation")
_STACK_STATUS = CF_STATUSES.shape_for("StackStatus")
assert isinstance(_STACK_STATUS, botocore.model.StringShape)  # an enum of strings
STACK_STATUSES = _STACK_STATUS.enum


@pytest.mark.parametrize("status", STACK_STATUSES)
def test_every_failed_stack_status_has_something_to_do(status: str) -> None:
    """Every status CloudFormation names, from botocore's model: the failed ones (and a first
    create rolled back) say what to do; the others are not failures."""
    advice = what_to_do(status)
    unusable = status == "ROLLBACK_COMPLETE" or status.endswith("_FAILED")
    assert (advice is not None) == unusable
    if advice is not None:
        assert "--action" in advice and ("events" in advice or "console" in advice)


def test_a_failed_first_create_in_production_is_redone_with_allow_broadening() -> None:
    """A production first create needs --allow-broadening (README, deploy): the advice for a
    first create that rolled back says so there, and only there."""
    for status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
        prod, dev = what_to_do(status, production=True), what_to_do(status)
        assert prod is not None and "deploy --force --allow-broadening" in prod
        assert dev is not None and "--allow-broadening" not in dev and "deploy --force" in dev


def _set_stack_status(name: str, status: str, region: str = "us-west-2") -> None:
    """Put a stack of the in-process emulator into a status no test can reach through the
    API in reasonable time (a delete or rollback that fails)."""
    from moto.cloudformation.models import cloudformation_backends

    stacks = cloudformation_backends[ACCOUNT][region].stacks
    found = [s for s in stacks.values() if s.name == name and s.status != "DELETE_COMPLETE"]
    assert len(found) == 1
    found[0].status = status


@pytest.mark.parametrize(
    "status",
    ["ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_FAILED", "UPDATE_FAILED",
     "UPDATE_ROLLBACK_FAILED", "IMPORT_ROLLBACK_FAILED"],
)  # fmt: skip
def test_status_of_an_unusable_stack_exits_1_with_what_to_do(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant, status: str
) -> None:
    tenant(SEC_SMALL)
    expect(run_sec_here("--config", SEC_SMALL, "--action", "deploy", "--force"), 0)
    plans = plan_stacks(load_sec_config(workdir / "configs" / SEC_SMALL))
    _set_stack_status(plans[0].stack_name, status)
    result = expect(run_sec_here("--config", SEC_SMALL, "--action", "status"), 1)
    assert f"{plans[0].stack_name}: {status}" in result.out
    advice = what_to_do(status)
    assert advice is not None and f"to do                   {advice}" in result.out
    assert f"1 stack(s) left unusable by a failed operation: {plans[0].stack_name}" in result.out


def test_status_of_a_first_create_that_rolled_back(
    cloud: Any, run_ml: CliRunner, workdir: Path, tenant: Tenant
) -> None:
    """Reached through the API: a resource in the way makes the first create fail."""
    from provisioner.config.ml_loader import load_ml_config
    from provisioner.ml.plan import plan_stack

    tenant(STARTER)
    plan = plan_stack(load_ml_config(workdir / "configs" / STARTER))
    role = next(r for r in plan.resources if r.type == "AWS::IAM::Role")
    cloud.client("iam").create_role(RoleName=role.physical_name, AssumeRolePolicyDocument="{}")
    expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 1)
    result = expect(run_ml("-con", STARTER, "-act", "status"), 1)
    assert f"{plan.stack_name}: ROLLBACK_COMPLETE" in result.out
    # A production config: creating it anew is a first create, gated by --allow-broadening.
    assert "deploy --force --allow-broadening (it deletes the stack and creates it anew)" in (
        result.out
    )


def test_status_of_healthy_stacks_exits_0(cloud: Any, run_sec_here: CliRunner,
                                          tenant: Tenant) -> None:  # fmt: skip
    tenant(SEC_SMALL)
    expect(run_sec_here("--config", SEC_SMALL, "--action", "deploy", "--force"), 0)
    result = expect(run_sec_here("--config", SEC_SMALL, "--action", "status"), 0)
    assert "to do" not in result.out and "unusable" not in result.out


# -- a missing template bucket ---------------------------------------------------------------
@pytest.mark.parametrize("action", [["deploy", "--force"], ["show-changes"], ["test-deploy"]])
def test_a_missing_template_bucket_is_named_with_what_to_do(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant, action: list[str]
) -> None:
    config = load_sec_config(workdir / "configs" / SEC_MEDIUM)
    before = tenant(SEC_MEDIUM)  # the bucket is not created
    result = expect(run_sec_here("--config", SEC_MEDIUM, "--action", *action), 2)
    assert result.err.startswith("error: template_bucket: ") and result.err.count("\n") == 1
    assert (
        f"the bucket {config.template_bucket!r} does not exist; create it in {config.region}"
        in result.err
    )
    assert "Traceback" not in result.err
    assert cloud.stacks(config.region) == before  # nothing changed, no stack half-way


# -- delete of what is not deployed ----------------------------------------------------------
@pytest.mark.parametrize("config", [STARTER, SEC_SMALL])
def test_nothing_to_delete_is_said_once(cloud: Any, run_ml: CliRunner, run_sec_here: CliRunner,
                                        config: str) -> None:  # fmt: skip
    run = run_ml if config == STARTER else run_sec_here
    result = expect(run("--config", config, "--action", "delete", "--force"), 0)
    assert result.out.count("nothing to delete") == 1, result.out
    assert result.out.count("does not exist") >= 1
