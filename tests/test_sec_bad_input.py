"""sec-provisioner bad input: one clear message, exit 2, nothing written; SEC's own cases;
fuzzing shows no traceback."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, CliRunner
from provisioner.cli import sec as sec_cli

EDGE = "edge-prod-b001-us-west-1-sec.yaml"
SMALL = "techcorp-dev-a001-us-west-2-sec.yaml"
ACTIONS = ["validate", "create-template", "export-iam-policy", "create-report", "list-resources"]


def example(name: str = EDGE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / name).read_text())
    return data


def rejected(run_sec: CliRunner, workdir: Path, data: Any, *needles: str, name: str = EDGE) -> str:
    path = workdir / "configs" / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    err = ""
    for action in ACTIONS:
        result = run_sec("--config", name, "--action", action)
        assert result.code == 2, (action, result.out, result.err)
        assert result.err.startswith("error: ") and "Traceback" not in result.err
        assert result.out == ""
        for needle in needles:
            assert needle in result.err, (needle, result.err)
        assert [p for p in workdir.rglob("*") if "configs" not in p.parts] == []
        err = result.err
    return err


def test_duplicate_team_names(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["teams"].append({"name": "fraud", "personas": ["viewer"]})
    rejected(run_sec, workdir, data, "duplicate team names: fraud")


def test_team_without_personas(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["teams"][1]["personas"] = []
    rejected(run_sec, workdir, data, "teams[1].personas", "at least one persona")


def test_unknown_persona(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["teams"][0]["personas"] = ["admin"]
    rejected(run_sec, workdir, data, "teams[0].personas", "'admin'", "data-scientist")


@pytest.mark.parametrize("value", [["small"], None], ids=["list", "null"])
def test_tier_not_text_names_the_allowed_values(
    run_sec: CliRunner, workdir: Path, value: object
) -> None:
    data = example()
    data["tier"] = value
    err = rejected(run_sec, workdir, data, "tier: must be one of: small, medium, enterprise")
    assert "instance of" not in err


def test_persona_not_text_names_the_allowed_values(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["teams"][1]["personas"] = ["viewer", 5]
    err = rejected(
        run_sec,
        workdir,
        data,
        "teams[1].personas[1]: must be one of: data-scientist, ml-engineer, viewer (got int 5)",
    )
    assert "instance of" not in err


def test_trusted_account_is_own_account(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["trusted_accounts"][0]["account_id"] = data["account_id"]
    err = rejected(
        run_sec,
        workdir,
        data,
        "trusted_accounts[0].account_id: 444455556666 is the tenant's own account; "
        "cross-account roles are for other accounts",
    )
    assert "problems" not in err  # one message, not split in two


def test_same_account_trusted_twice(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["trusted_accounts"][1]["account_id"] = data["trusted_accounts"][0]["account_id"]
    rejected(
        run_sec,
        workdir,
        data,
        "trusted_accounts[1].account_id: account 999988887777 is already trusted as 'analytics'",
    )


def test_team_named_xacct_is_reserved(run_sec: CliRunner, workdir: Path) -> None:
    # Unreserved, team xacct's data-scientist policy and SSM parameter would take the names of
    # the cross-account policy and parameter of trusted accounts `ds` and `data-scientist`.
    data = example()
    data["teams"][2]["name"] = "xacct"
    data["trusted_accounts"][1]["name"] = "data-scientist"
    rejected(run_sec, workdir, data, "teams[2].name: 'xacct' is reserved")


def test_team_named_bootstrap_is_reserved(run_sec: CliRunner, workdir: Path) -> None:
    # Unreserved, the team's parameters would sit under the trust root's SSM path
    # /security/{tenant}-{region}/bootstrap/, which both operator policies deny writing.
    data = example()
    data["teams"][2]["name"] = "bootstrap"
    rejected(run_sec, workdir, data, "teams[2].name: 'bootstrap' is reserved")


def test_team_and_trusted_account_with_one_derived_name(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["teams"][2]["name"] = "xacct-ds"
    data["trusted_accounts"][1]["name"] = "ds-viewer"
    rejected(
        run_sec,
        workdir,
        data,
        "trusted_accounts[1].name: team 'xacct-ds' and trusted account 'ds-viewer' would both "
        "create IAM managed policy 'edge-prod-b001-policy-xacct-ds-viewer'",
    )


def test_teams_with_one_logical_id(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["teams"][2]["name"] = "a-1b"
    data["teams"][3]["name"] = "a1b"
    rejected(
        run_sec,
        workdir,
        data,
        "teams[3].name: team 'a-1b' and team 'a1b' would both use the CloudFormation logical id",
    )


def test_external_id_too_short(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["trusted_accounts"][0]["external_id"] = "abc123"
    rejected(run_sec, workdir, data, "trusted_accounts[0].external_id", "at least 16")


def test_more_teams_than_the_tier_allows(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["teams"] = [{"name": f"team{i}", "personas": ["viewer"]} for i in range(11)]
    data["trusted_accounts"] = []
    rejected(
        run_sec, workdir, data, "11 teams exceed the medium tier's limit of 10", "move up a tier"
    )


def test_trusted_account_names_unknown_team(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["trusted_accounts"][0]["teams"] = ["nosuchteam"]
    rejected(run_sec, workdir, data, "unknown teams: nosuchteam")


def test_template_bucket_outside_scope(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["template_bucket"] = "somebody-elses-bucket"
    rejected(run_sec, workdir, data, "template_bucket: must be named edge-prod-b001-us-west-1-*")


def test_medium_tier_needs_template_bucket(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    del data["template_bucket"]
    rejected(run_sec, workdir, data, "template_bucket: required for the medium tier")


def test_name_over_limit(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["company_prefix"] = "averyverylongcomp"[:16]
    data["env"] = "productionstage"
    data["teams"][0]["name"] = "fraud-detection1"
    data["trusted_accounts"] = []
    data["template_bucket"] = "averyverylongcom-productionstage-b001-us-west-1-cfn"
    name = "averyverylongcom-productionstage-b001-us-west-1-sec.yaml"
    err = rejected(run_sec, workdir, data, "IAM role name", "at most 64", name=name)
    assert "averyverylongcom-productionstage-b001-role-fraud-detection1-sagemaker" in err


def test_more_tags_than_a_resource_takes(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["tags"] = {f"t{i}": "v" for i in range(45)}
    rejected(run_sec, workdir, data, "tags: 45 tags is too many", "so at most 44")


def test_tag_keys_the_tool_sets_on_team_resources(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["tags"] = {"team": "platform", "trusted-account": "x"}
    rejected(
        run_sec,
        workdir,
        data,
        "tags: tag key 'team' is set by the tool itself",
        "tags: tag key 'trusted-account' is set by the tool itself",
    )


def test_wrong_types_and_unknown_keys(run_sec: CliRunner, workdir: Path) -> None:
    data = example()
    data["teams"] = "fraud"
    data["admins"] = ["me"]
    rejected(run_sec, workdir, data, "teams: must be a list", "admins: unknown field")


def test_file_name_disagrees(run_sec: CliRunner, workdir: Path) -> None:
    shutil.copy(EXAMPLES / EDGE, workdir / "configs" / "edge-sec.yaml")
    for action in ACTIONS:
        result = run_sec("--config", "edge-sec.yaml", "--action", action)
        assert result.code == 2 and "file name disagrees" in result.err and EDGE in result.err


def test_malformed_yaml_and_missing_file(run_sec: CliRunner, workdir: Path) -> None:
    rejected(run_sec, workdir, "teams: [\n", "malformed YAML")
    result = run_sec("--config", "missing-sec.yaml", "--action", "validate")
    assert result.code == 2 and "not found" in result.err


@pytest.mark.parametrize("action", ["create-template", "export-iam-policy", "create-report"])
def test_unwritable_output_dir(run_sec: CliRunner, workdir: Path, action: str) -> None:
    for directory in ("templates", "policies", "reports"):
        (workdir / directory).write_text("not a directory")
    result = run_sec("--config", EDGE, "--action", action)
    assert result.code == 2 and "output directory" in result.err


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=40),
    st.sampled_from(["viewer", "ml-engineer", "fraud", "444455556666", ""]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=10,
)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = example(draw(st.sampled_from([EDGE, SMALL])))
    for key in draw(st.lists(st.sampled_from(sorted(data)), max_size=3, unique=True)):
        data[key] = draw(values)
    if draw(st.booleans()) and isinstance(data.get("teams"), list) and data["teams"]:
        data["teams"][0] = draw(values)
    if draw(st.booleans()) and isinstance(data.get("trusted_accounts"), list):
        data["trusted_accounts"].append(draw(values))
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_fuzzed_configs_never_traceback(tmp_path_factory: Any, data: dict[str, Any]) -> None:
    workdir: Path = tmp_path_factory.mktemp("secfuzz")
    (workdir / "configs").mkdir()
    parts = [data.get(k) for k in ("company_prefix", "env", "tenant_id", "region")]
    simple = all(isinstance(p, str) and re.fullmatch(r"[a-z0-9-]{1,20}", p) for p in parts)
    name = "-".join(map(str, parts)) + "-sec.yaml" if simple else "fuzz-sec.yaml"
    (workdir / "configs" / name).write_text(yaml.safe_dump(data))
    for action in ("validate", "create-template"):
        out, err = io.StringIO(), io.StringIO()
        code = sec_cli.main(
            ["--config", name, "--action", action], cwd=workdir, stdout=out, stderr=err
        )
        assert code in (0, 2) and "Traceback" not in err.getvalue()
        if code == 2:
            assert err.getvalue().startswith("error: ")
    shutil.rmtree(workdir)


def test_name_fits_live_but_not_in_test_deploy_form(run_sec: CliRunner, workdir: Path) -> None:
    """A test-deploy puts `tffff-` into every IAM name: a role of 59 characters live is 65 in
    that form, over IAM's 64, and validation refuses it (test-deploy would fail in AWS)."""
    data = example()
    company, tenant = "e" + "d" * 15, "b0012345"  # both at their longest
    data.update(company_prefix=company, tenant_id=tenant)
    data["template_bucket"] = f"{company}-prod-{tenant}-us-west-1-cfn"
    data["teams"][3]["name"] = "m" * 13
    role = f"{company}-prod-{tenant}-role-tffff-{'m' * 13}-sagemaker"
    err = rejected(
        run_sec,
        workdir,
        data,
        "(test-deploy form)",
        name=f"{company}-prod-{tenant}-us-west-1-sec.yaml",
    )
    assert f"IAM role name '{role}' is 65 characters; AWS allows at most 64" in err
