"""`--output json` (docs/output-json.md): every action of both tools prints exactly one JSON
document on stdout, which its published schema (docs/schemas/) accepts; progress goes to
stderr; an AWS action's report file is that same document, byte for byte; an error is still
one message on stderr and its exit code, with a document saying so. The committed schemas are
the result models' own, so a change to the output is a reviewed diff."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import ML_EXAMPLES, ROOT, SEC_EXAMPLES, CliResult, CliRunner
from provisioner.cli import ml, sec
from provisioner.cli.schemas import ENVELOPE, SAVED_PLAN, published_schemas, render, schema_file
from provisioner.cli.shell import actions_of
from provisioner.config.ml_loader import load_ml_config
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import ml_name
from test_deploy import cloud, run_sec_here, tenant  # noqa: F401 - the emulator fixtures

SCHEMAS = ROOT / "docs" / "schemas"
STARTER = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
STARTER_SEC = "techcorp-prod-a001-us-west-2-sec.yaml"
AWS_ACTIONS = {"show-changes", "deploy", "test-deploy", "status", "detect-drift", "delete"}


def _closed(node: Any) -> Any:
    """The schema with every object closed to fields it does not name: the tests check that
    the tool prints nothing its schema does not document. (The published schemas stay open:
    a field added in the same version must not break a consumer's validation.)"""
    if isinstance(node, list):
        return [_closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    closed = {key: _closed(value) for key, value in node.items()}
    if "properties" in closed and "additionalProperties" not in closed:
        closed["additionalProperties"] = False
    return closed


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(_closed(schema))
    return validator


def document(result: CliResult) -> dict[str, Any]:
    """The one document on stdout, checked against the schema of the action it names and
    against the envelope every document has."""
    assert result.out.endswith("}\n"), result.out
    data: dict[str, Any] = json.loads(result.out)  # one document, nothing before or after it
    assert data["exit_code"] == result.code
    jsonschema.validate(data, json.loads((SCHEMAS / ENVELOPE).read_text(encoding="utf-8")))
    _validator(schema_file(data["tool"], data["action"])).validate(data)
    return data


def _files_named(result: dict[str, Any]) -> list[str]:
    """Every file a local action's result says it wrote."""
    found = [result[key] for key in ("manifest", "directory") if key in result]
    found += [entry["path"] for key in ("templates", "files") for entry in result.get(key, [])
              if isinstance(entry, dict)]  # fmt: skip
    found += [entry for entry in result.get("files", []) if isinstance(entry, str)]
    return found


# -- the published schemas --------------------------------------------------------------
def test_the_committed_schemas_are_the_models() -> None:
    """scripts/regen-schemas rewrites docs/schemas/ from the models; review the diff."""
    published = published_schemas()
    assert {p.name for p in SCHEMAS.glob("*.json")} == set(published)
    for name, schema in published.items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == render(schema), (
            f"docs/schemas/{name} is not what the models say: run scripts/regen-schemas"
        )


def test_there_is_a_schema_for_every_action_of_both_tools_and_no_alias() -> None:
    names = {schema_file(tool.PROG, spec.name) for tool in (ml, sec)
             for spec in actions_of(tool.TOOL)}  # fmt: skip
    # …and the one document of a run over several configs (docs/estate.md), and the plan file.
    assert names | {ENVELOPE, "estate.v2.json", SAVED_PLAN} == set(published_schemas())
    assert schema_file("sec-provisioner", "bootstrap") in names
    assert schema_file("sec-provisioner", "create-policy") not in names  # an alias


def test_a_document_does_not_pass_for_another_tools_or_actions() -> None:
    data: dict[str, Any] = {
        "schema_version": 2, "tool": "ml-provisioner", "action": "list-resources",
        "config": "x.yaml", "exit_code": 2, "result": None, "error": {"message": "m"},
        "aws": None,
    }  # fmt: skip
    _validator(schema_file("ml-provisioner", "list-resources")).validate(data)
    for other in (schema_file("sec-provisioner", "list-resources"),
                  schema_file("ml-provisioner", "validate")):  # fmt: skip
        with pytest.raises(jsonschema.ValidationError, match="was expected"):
            _validator(other).validate(data)
    with pytest.raises(jsonschema.ValidationError, match="is not one of"):
        _validator(schema_file("ml-provisioner", "list-resources")).validate(
            {**data, "exit_code": 7}
        )


# -- every local action, on every bundled example --------------------------------------
SELF_MANAGED_STACK_SET = """
deployment:
  permission_model: self-managed
  targets: {accounts: ["444455556666"], regions: [us-west-2]}
"""


def _local_cases() -> list[tuple[str, str, str]]:
    cases = []
    for tool, examples in ((ml, ML_EXAMPLES), (sec, SEC_EXAMPLES)):
        for spec in actions_of(tool.TOOL):
            if spec.name in AWS_ACTIONS or spec.name == "bootstrap":
                continue
            cases += [(tool.PROG, spec.name, example.name) for example in examples]
    return cases


@pytest.mark.parametrize(("prog", "action", "example"), _local_cases())
def test_every_local_action_prints_one_document_its_schema_accepts(
    prog: str, action: str, example: str, run_ml: CliRunner, run_sec: CliRunner, workdir: Path
) -> None:
    run = run_ml if prog == ml.PROG else run_sec
    if action == "create-stackset-roles":  # for a config with a self-managed stack set only
        config = workdir / "configs" / example
        written = config.read_text()
        # Its own account: a set reaching another would name the ML artifacts bucket with the
        # account, which the longer examples' names leave no room for (validate says so).
        own = written.split('account_id: "', 1)[1].split('"', 1)[0]
        config.write_text(written + SELF_MANAGED_STACK_SET.replace("444455556666", own))
    done = run("--config", example, "--action", action, "--output", "json")
    assert done.code == 0, done.err
    assert done.err == ""  # a local action's document says it all: no progress to show
    data = document(done)
    assert (data["tool"], data["action"], data["config"]) == (prog, action, example)
    assert data["error"] is None and data["aws"] is None
    for path in _files_named(data["result"]):
        assert Path(path).exists() and Path(path).is_relative_to(workdir), path
    # The same action without the flag prints its text, and writes the same files.
    text = run("--config", example, "--action", action)
    assert text.code == 0 and text.out and not text.out.lstrip().startswith("{")
    assert text.out == run("--config", example, "--action", action, "--output", "text").out


def test_what_validate_and_list_resources_say_in_json(run_ml: CliRunner) -> None:
    config = load_ml_config(ROOT / "examples" / "configs" / STARTER)
    plan = plan_stack(config)
    checked = document(run_ml("-con", STARTER, "-act", "validate", "--sec-config", STARTER_SEC,
                              "--output", "json"))["result"]  # fmt: skip
    assert checked["ml_name"] == ml_name(config) and checked["tier"] == "starter"
    assert checked["team"] == {"team": config.team, "sec_config": STARTER_SEC}
    assert [s["stack"] for s in checked["stacks"]] == [plan.stack_name]
    listed = document(run_ml("-con", STARTER, "-act", "list-resources", "--output", "json"))
    assert [(r["logical_id"], r["type"], r["physical_name"]) for r in listed["result"]["resources"]
            ] == [(r.logical_id, r.type, r.physical_name) for r in plan.resources]  # fmt: skip


def test_an_alias_is_named_by_its_action(run_sec: CliRunner) -> None:
    done = run_sec("--config", STARTER_SEC, "--action", "create-policy", "--output", "json")
    assert done.code == 0 and document(done)["action"] == "export-iam-policy"


# -- errors: one message on stderr, the exit code, and a document saying why -----------
def _error_document(done: CliResult) -> dict[str, Any]:
    assert done.code == 2
    assert done.err.startswith("error: ") and done.err.endswith("\n")
    data = document(done)
    assert data["result"] is None and data["aws"] is None
    assert data["error"] == {"message": done.err.removeprefix("error: ").removesuffix("\n")}
    return data


def test_a_bad_config_is_one_message_and_a_document(run_ml: CliRunner, workdir: Path) -> None:
    bad = workdir / "configs" / "bad.yaml"
    bad.write_text((workdir / "configs" / STARTER).read_text().replace("tier: starter",
                                                                       "tier: huge"))  # fmt: skip
    data = _error_document(run_ml("-con", "bad.yaml", "-act", "create-template",
                                  "--output", "json"))  # fmt: skip
    assert data["action"] == "create-template" and "tier" in data["error"]["message"]
    assert sorted(p.name for p in workdir.iterdir()) == ["configs"]  # nothing written


def test_a_flag_the_action_does_not_take_is_a_document_too(run_ml: CliRunner) -> None:
    data = _error_document(run_ml("-con", STARTER, "-act", "create-template", "--dry-run",
                                  "--output", "json"))  # fmt: skip
    assert "does not take --dry-run" in data["error"]["message"]


def test_an_unknown_action_has_only_the_envelope(run_ml: CliRunner) -> None:
    done = run_ml("-con", STARTER, "-act", "launch", "--output", "json")
    assert done.code == 2
    data = json.loads(done.out)
    jsonschema.validate(data, json.loads((SCHEMAS / ENVELOPE).read_text(encoding="utf-8")))
    assert data["action"] == "launch" and "unknown action 'launch'" in data["error"]["message"]


@pytest.mark.parametrize(
    "argv",
    [
        ["-con", STARTER, "--output", "json"],  # no action
        ["-con", STARTER, "-act", "validate", "--output", "yaml"],
        ["-con", STARTER, "-act", "validate", "--output", "json", "--output", "json"],
    ],
    ids=["no-action", "unknown-format", "given-twice"],
)
def test_arguments_that_do_not_parse_print_no_document(argv: list[str], run_ml: CliRunner) -> None:
    done = run_ml(*argv)
    assert done.code == 2 and done.out == "" and done.err.count("\n") == 1, done.err


# -- the AWS actions, against the emulator ----------------------------------------------
def _aws(run: CliRunner, workdir: Path, *argv: str, code: int = 0) -> dict[str, Any]:
    done = run(*argv, "--output", "json")
    assert done.code == code, done.err
    data = document(done)
    assert data["aws"]["region"] == "us-west-2" and data["aws"]["api_calls"]["count"] > 0
    # The bootstrap's files are the tenant's (naming/tenant.py), its other reports the config's.
    bootstrap = data["action"] == "bootstrap"
    stem = "techcorp-prod-a001-us-west-2-bootstrap" if bootstrap else Path(argv[1]).stem
    written = workdir / "reports" / f"{stem}-{data['action']}.json"
    assert written.read_text(encoding="utf-8") == done.out  # the report is the same document
    assert f"wrote {written}\n" in done.err  # progress, on stderr
    return data


def test_every_aws_action_prints_the_document_it_writes(
    cloud: Any,  # noqa: F811
    tenant: Any,  # noqa: F811
    run_ml: CliRunner,
    run_sec_here: CliRunner,  # noqa: F811
    workdir: Path,
) -> None:
    tenant(STARTER)  # the tenant's trust root and SEC stacks, deployed as a user does
    name = plan_stack(load_ml_config(workdir / "configs" / STARTER)).stack_name
    preview = _aws(run_ml, workdir, "-con", STARTER, "-act", "show-changes")
    assert [s["operation"] for s in preview["result"]["stacks"]] == ["CREATE"]
    dry = _aws(run_ml, workdir, "-con", STARTER, "-act", "deploy", "--dry-run")
    assert dry["action"] == "show-changes"  # deploy --dry-run is show-changes, and says so
    deployed = _aws(
        run_ml, workdir, "-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"
    )
    stack = deployed["result"]["stacks"][0]
    assert (stack["stack"], stack["result"]) == (name, "CREATE_COMPLETE")
    assert deployed["result"]["ssm_parameters"]
    status = _aws(run_ml, workdir, "-con", STARTER, "-act", "status")
    assert status["result"]["stacks"][0]["status"] == "CREATE_COMPLETE"
    drift = _aws(run_ml, workdir, "-con", STARTER, "-act", "detect-drift")
    assert drift["result"]["drifted"] is False
    tested = _aws(run_ml, workdir, "-con", STARTER, "-act", "test-deploy")
    assert tested["result"]["smoke"] and all(s["ok"] for s in tested["result"]["smoke"])
    assert tested["result"]["cleanup"] is not None and not tested["result"]["kept"]
    deleted = _aws(run_ml, workdir, "-con", STARTER, "-act", "delete", "--force",
                   "--disable-termination-protection")  # fmt: skip
    assert [s["stack"] for s in deleted["result"]["stacks"]] == [name]
    again = _aws(run_sec_here, workdir, "--config", STARTER_SEC, "--action", "bootstrap",
                 "--force")  # fmt: skip
    assert again["result"]["stacks"][0]["result"] == "no changes"


def test_an_aws_action_refused_is_a_document_and_writes_no_report(
    cloud: Any,  # noqa: F811
    run_ml: CliRunner,
    workdir: Path,
) -> None:
    path = workdir / "configs" / STARTER
    account = load_ml_config(path).account_id
    path.write_text(path.read_text().replace(f'"{account}"', '"111122223333"'))
    data = _error_document(run_ml("-con", STARTER, "-act", "status", "--output", "json"))
    assert "111122223333" in data["error"]["message"]
    assert not list((workdir / "reports").glob("*.json"))
