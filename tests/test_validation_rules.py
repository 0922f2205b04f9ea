"""Validation fails closed (issue 15): the rules for S3 bucket names, VPC CIDRs, git branch
names, ASCII-only digits and optional lists, each over several cases and, where a rule has an
independent oracle (git itself, the ipaddress module, S3's documented rules written out a
second way), over generated ones; bad configs end in one message and exit 2 through the CLI."""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
import types
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from conftest import EXAMPLES, CliRunner
from provisioner.config.deployment import DeploymentTargets, OperationPreferences
from provisioner.config.git_branch import branch_name_problems
from provisioner.config.ml import MlConfig
from provisioner.config.sec import SecConfig, TrustedAccount
from provisioner.config.vpc_cidr import vpc_cidr_problems
from provisioner.naming.bucket import bucket_name_problems
from provisioner.naming.sec import SecNames
from provisioner.sec.resources import xacct_resources

STARTER = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
ENTERPRISE = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml"
PROFESSIONAL = "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"
SEC_MEDIUM = "edge-prod-b001-us-west-1-sec.yaml"
BUCKET_PREFIX = "techcorp-prod-a001-us-west-2-"
SEC_BUCKET_PREFIX = "edge-prod-b001-us-west-1-"

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
FULL_WIDTH = "０１２３４５６７８９"
DEVANAGARI = "०१२३४५६७८९"
FOREIGN_DIGITS = [ARABIC_INDIC, FULL_WIDTH, DEVANAGARI]


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / name).read_text())
    return data


def ml_errors(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        MlConfig.model_validate(data)
    return str(caught.value)


def sec_errors(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        SecConfig.model_validate(data)
    return str(caught.value)


def one_clear_rejection(result: Any, *needles: str) -> str:
    """Exit 2, one `error:` message naming the problem, no traceback, nothing on stdout."""
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    assert result.err.startswith("error: ") and result.err.count("error: ") == 1
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in result.err, (needle, result.err)
    return str(result.err)


# --- trusted_accounts[].teams: only an omitted list means every team ----------------------


@pytest.mark.parametrize(
    ("teams", "needle"),
    [([], "is an empty list"), (None, "is null"), (["fraud", "fraud"], "must not repeat")],
    ids=["empty", "null", "repeated"],
)
def test_trusted_account_teams_that_do_not_say_which(
    run_sec: CliRunner, workdir: Path, teams: Any, needle: str
) -> None:
    data = example(SEC_MEDIUM)
    data["trusted_accounts"][0]["teams"] = teams
    (workdir / "configs" / SEC_MEDIUM).write_text(yaml.safe_dump(data))
    err = one_clear_rejection(
        run_sec("--config", SEC_MEDIUM, "--action", "validate"), "trusted_accounts[0].teams", needle
    )
    if teams != ["fraud", "fraud"]:
        assert "omit `teams` to let the account read every team, or list the teams" in err


def test_bare_teams_key_in_yaml_is_refused(run_sec: CliRunner, workdir: Path) -> None:
    # `teams:` with nothing after it is YAML null: it read as "every team" before.
    text = (EXAMPLES / SEC_MEDIUM).read_text().replace("teams: [fraud, risk]", "teams:")
    assert "teams:\n" in text
    (workdir / "configs" / SEC_MEDIUM).write_text(text)
    one_clear_rejection(
        run_sec("--config", SEC_MEDIUM, "--action", "validate"), "trusted_accounts[0].teams"
    )


def _read_teams(config: SecConfig, account: TrustedAccount) -> set[str]:
    """The teams the cross-account role's policies name in their team-tag conditions."""
    resources, _ = xacct_resources(SecNames(config), account)
    teams: set[str] = set()
    for resource in resources:
        if resource.type != "AWS::IAM::ManagedPolicy":
            continue
        for statement in resource.properties["PolicyDocument"]["Statement"]:
            for condition in statement.get("Condition", {}).values():
                value = condition.get("aws:ResourceTag/team", [])
                teams |= set([value] if isinstance(value, str) else value)
    return teams


def test_omitted_teams_read_every_team_and_listed_teams_only_those() -> None:
    config = SecConfig.model_validate(example(SEC_MEDIUM))
    listed, omitted = config.trusted_accounts
    assert listed.teams is not None and omitted.teams is None
    assert _read_teams(config, listed) == set(listed.teams)
    assert _read_teams(config, omitted) == {t.name for t in config.teams}
    # Past validation too, an empty list means no team, never all of them.
    empty = listed.model_copy(update={"teams": []})
    assert _read_teams(config, empty) == set()


def _optional_lists(model: type[BaseModel], at: str = "") -> list[tuple[str, type[BaseModel]]]:
    """Every field, at any depth, that is `list[...] | None`: where `[]` could read as 'all'."""
    found = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        args = typing.get_args(annotation)
        optional = isinstance(annotation, types.UnionType) and type(None) in args
        if optional and any(typing.get_origin(a) is list for a in args):
            found.append((f"{at}{name}", model))
        for arg in [annotation, *args, *(a for x in args for a in typing.get_args(x))]:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                found += _optional_lists(arg, f"{at}{name}.")
    return found


# A valid instance of each model that holds an optional list, to set that list in.
_VALID_PARTS: dict[type[BaseModel], dict[str, Any]] = {
    TrustedAccount: example(SEC_MEDIUM)["trusted_accounts"][0],
    OperationPreferences: {},
    DeploymentTargets: {"accounts": ["111122223333"], "regions": ["us-west-2"]},
}


def test_no_optional_list_in_either_config_takes_an_empty_list() -> None:
    fields = _optional_lists(MlConfig) + _optional_lists(SecConfig)
    assert ("trusted_accounts.teams", TrustedAccount) in fields  # the walk finds nested ones
    for path, model in fields:
        name = path.rsplit(".", 1)[-1]
        assert model in _VALID_PARTS, f"{path}: add a valid {model.__name__} to _VALID_PARTS"
        model.model_validate(_VALID_PARTS[model])
        with pytest.raises(ValidationError, match=name):
            model.model_validate({**_VALID_PARTS[model], name: []})


# --- S3 bucket names ------------------------------------------------------------------------

S3_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"]
S3_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]


def s3_accepts(name: str) -> bool:
    """S3's general purpose bucket rules, written out from its documentation as a list."""
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789.-")
    ends = set("abcdefghijklmnopqrstuvwxyz0123456789")
    parts = name.split(".")
    ip_like = len(parts) == 4 and all(p and set(p) <= set("0123456789") for p in parts)
    return (
        3 <= len(name) <= 63
        and set(name) <= allowed
        and name[0] in ends
        and name[-1] in ends
        and ".." not in name
        and not ip_like
        and not any(name.startswith(p) for p in S3_RESERVED_PREFIXES)
        and not any(name.endswith(s) for s in S3_RESERVED_SUFFIXES)
    )


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("ab", "is 2 characters; S3 allows 3 to 63"),
        ("a" * 64, "is 64 characters"),
        ("mY-bucket", "contains 'Y'"),
        ("my_bucket", "contains '_'"),
        ("my bucket", "contains ' '"),
        ("buck" + ARABIC_INDIC[3] + "et", "contains '٣'"),
        ("buck" + FULL_WIDTH[3] + "et", "contains '３'"),
        ("bücket", "contains 'ü'"),
        ("-bucket", "begin and end with a lowercase letter or digit"),
        ("bucket-", "begin and end"),
        (".bucket", "begin and end"),
        ("bucket.", "begin and end"),
        ("my..bucket", "two dots in a row"),
        ("192.168.5.4", "formatted as an IP address"),
        ("10.0.0.1", "formatted as an IP address"),
        ("xn--bucket", "must not begin with 'xn--'"),
        ("sthree-bucket", "must not begin with 'sthree-'"),
        ("amzn-s3-demo-bucket", "must not begin with 'amzn-s3-demo-'"),
        ("bucket-s3alias", "must not end with '-s3alias'"),
        ("bucket--ol-s3", "must not end with '--ol-s3'"),
        ("bucket.mrap", "must not end with '.mrap'"),
        ("bucket--x-s3", "must not end with '--x-s3'"),
        ("bucket--table-s3", "must not end with '--table-s3'"),
    ],
)
def test_each_s3_rule_broken_alone_has_its_own_message(name: str, needle: str) -> None:
    problems = bucket_name_problems(name)
    assert len(problems) == 1 and needle in problems[0], problems


def test_every_rule_a_name_breaks_is_reported() -> None:
    problems = bucket_name_problems("Xbucket..name_--x-s3")
    assert len(problems) == 4, problems
    assert "contains 'X', '_'" in problems[0]
    assert "begin and end" in problems[1]
    assert "two dots in a row" in problems[2]
    assert "'--x-s3'" in problems[3]


@pytest.mark.parametrize(
    "name",
    [
        "abc",
        "a" * 63,
        "my-bucket",
        "my.bucket.example",
        "1bucket",
        "192.168.5.a",
        "xn-bucket",
        "bucket-s3",
        "bucket--ol",
        "s3alias-bucket",
        "a.b-c.d",
    ],
)
def test_names_s3_accepts_pass(name: str) -> None:
    assert bucket_name_problems(name) == []


_BUCKET_PIECES = st.sampled_from(
    [
        "a",
        "z",
        "0",
        "9",
        ".",
        "-",
        "--",
        "..",
        "A",
        "_",
        " ",
        ARABIC_INDIC[1],
        FULL_WIDTH[2],
        "192",
        *S3_RESERVED_PREFIXES,
        *S3_RESERVED_SUFFIXES,
    ]
)
_BUCKET_NAMES = st.one_of(
    st.lists(_BUCKET_PIECES, max_size=12).map("".join),
    st.text(alphabet="abc019.-", min_size=0, max_size=70),
    st.lists(st.integers(0, 999).map(str), min_size=3, max_size=5).map(".".join),
)


@settings(max_examples=600, deadline=None)
@given(name=_BUCKET_NAMES)
def test_bucket_rule_accepts_exactly_what_s3_accepts(name: str) -> None:
    problems = bucket_name_problems(name)
    assert (problems == []) == s3_accepts(name), (name, problems)
    assert len(set(problems)) == len(problems)


def _write(workdir: Path, name: str, data: dict[str, Any]) -> str:
    (workdir / "configs" / name).write_text(yaml.safe_dump(data, allow_unicode=True))
    return name


@pytest.mark.parametrize(
    ("rest", "needle"),
    [
        ("data-s3alias", "must not end with '-s3alias'"),
        ("data--ol-s3", "must not end with '--ol-s3'"),
        ("data.mrap", "must not end with '.mrap'"),
        ("data--x-s3", "must not end with '--x-s3'"),
        ("data--table-s3", "must not end with '--table-s3'"),
        ("a..b", "two dots in a row"),
        ("Data", "contains 'D'"),
        ("data-", "begin and end"),
        ("x" * 40, "is 69 characters"),
    ],
)
def test_artifact_bucket_breaking_an_s3_rule(
    run_ml: CliRunner, workdir: Path, rest: str, needle: str
) -> None:
    data = example(STARTER)
    data["artifact_bucket"] = BUCKET_PREFIX + rest
    result = run_ml("--config", _write(workdir, STARTER, data), "--action", "validate")
    one_clear_rejection(result, "artifact_bucket: ", needle)


@pytest.mark.parametrize(
    ("rest", "needle"),
    [
        ("cfn.mrap", "must not end with '.mrap'"),
        ("cfn--x-s3", "must not end with '--x-s3'"),
        ("cfn_templates", "contains '_'"),
        ("cfn..templates", "two dots in a row"),
    ],
)
def test_template_bucket_breaking_an_s3_rule(
    run_sec: CliRunner, workdir: Path, rest: str, needle: str
) -> None:
    data = example(SEC_MEDIUM)
    data["template_bucket"] = SEC_BUCKET_PREFIX + rest
    result = run_sec("--config", _write(workdir, SEC_MEDIUM, data), "--action", "validate")
    one_clear_rejection(result, "template_bucket: ", needle)


@pytest.mark.parametrize(
    ("company", "env", "tenant", "prefix"),
    [("sthree", "prod", "b001", "sthree-"), ("amzn", "s3", "demo", "amzn-s3-demo-")],
)
def test_derived_bucket_names_follow_s3_rules(
    run_ml: CliRunner, workdir: Path, company: str, env: str, tenant: str, prefix: str
) -> None:
    # The professional tier's own bucket is named from the config: `{ml_name}-artifacts`.
    data = example(PROFESSIONAL)
    data.update(company_prefix=company, env=env, tenant_id=tenant)
    name = f"{company}-{env}-{tenant}-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"
    result = run_ml("--config", _write(workdir, name, data), "--action", "validate")
    one_clear_rejection(
        result,
        f"S3 bucket name '{company}-{env}-{tenant}-us-west-2-fraud-detection-realtime-ml-artifacts'"
        f" must not begin with '{prefix}'",
    )


# --- vpc_cidr -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cidr", "needle"),
    [
        ("0.0.0.0/0", "/0 is not a VPC's size"),
        ("10.20.3.4/16", "host bits set; the network address of that block is 10.20.0.0/16"),
        ("10.0.0.1/28", "host bits set"),
        ("10.0.0.0/8", "/8 is not a VPC's size: AWS allows prefix lengths from /16 to /28"),
        ("10.0.0.0/15", "/15 is not a VPC's size"),
        ("10.0.0.0/29", "/29 is not a VPC's size"),
        ("10.0.0.0/32", "/32 is not a VPC's size"),
        ("10.0.0.0/33", "not a valid IPv4 CIDR block"),
        ("256.1.0.0/16", "not a valid IPv4 CIDR block"),
        ("010.1.0.0/16", "not a valid IPv4 CIDR block"),
        ("10.0.0.0", "not an IPv4 CIDR block written as a.b.c.d/n"),
        ("10.0.0.0/255.255.0.0", "written as a.b.c.d/n"),
        ("10.0.0.0/016", "written as a.b.c.d/n"),
        (" 10.0.0.0/16", "written as a.b.c.d/n"),
        ("10.0.0.0/16\n", "written as a.b.c.d/n"),
        ("fd00::/48", "written as a.b.c.d/n"),
        ("١٠.0.0.0/16", "written as a.b.c.d/n"),
        ("10.0.0.0/" + FULL_WIDTH[1] + FULL_WIDTH[6], "written as a.b.c.d/n"),
        ("127.0.0.0/16", "not unicast address space"),
        ("169.254.0.0/16", "not unicast address space"),
        ("224.0.0.0/16", "not unicast address space"),
        ("240.0.0.0/16", "not unicast address space"),
        ("0.0.0.0/16", "not unicast address space"),
    ],
)
def test_cidrs_a_vpc_cannot_have(cidr: str, needle: str) -> None:
    problems = vpc_cidr_problems(cidr)
    assert any(needle in p for p in problems), problems


@pytest.mark.parametrize(
    "cidr",
    [
        "10.20.0.0/16",
        "172.16.0.0/20",
        "192.168.1.0/24",
        "100.64.0.0/16",
        "10.0.0.16/28",
        "52.94.0.0/16",
    ],
)
def test_cidrs_a_vpc_can_have(cidr: str) -> None:
    assert vpc_cidr_problems(cidr) == []


def _vpc_may_use(address: int, prefix: int) -> bool:
    """AWS's VPC sizes, the block's own network address, and no special-purpose space."""
    first, second = address >> 24, (address >> 16) & 0xFF
    special = first in (0, 127) or first >= 224 or (first, second) == (169, 254)
    host_bits = address & ((1 << (32 - prefix)) - 1)
    return 16 <= prefix <= 28 and host_bits == 0 and not special


@settings(max_examples=600, deadline=None)
@given(
    address=st.one_of(
        st.integers(0, 2**32 - 1),
        st.integers(0, 2**16 - 1).map(lambda n: n << 16),
        st.integers(0, 2**28 - 1).map(lambda n: n << 4),
    ),
    prefix=st.integers(0, 32),
)
def test_random_cidrs_accepted_exactly_when_a_vpc_may_use_them(address: int, prefix: int) -> None:
    cidr = f"{ipaddress.IPv4Address(address)}/{prefix}"
    problems = vpc_cidr_problems(cidr)
    assert (problems == []) == _vpc_may_use(address, prefix), (cidr, problems)
    if not problems:
        assert str(ipaddress.IPv4Network(cidr, strict=True)) == cidr


@pytest.mark.parametrize(
    ("cidr", "needle"),
    [("0.0.0.0/0", "/0 is not a VPC's size"), ("10.20.3.4/16", "host bits set")],
)
def test_bad_vpc_cidr_through_the_cli(
    run_ml: CliRunner, workdir: Path, cidr: str, needle: str
) -> None:
    data = example(ENTERPRISE)
    data["network"]["vpc_cidr"] = cidr
    result = run_ml("--config", _write(workdir, ENTERPRISE, data), "--action", "validate")
    one_clear_rejection(result, "network.vpc_cidr: ", needle)


# --- branch ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("branch", "needle"),
    [
        ("a..b", "cannot contain '..'"),
        ("a b", "cannot contain space"),
        ("a~1", "'~'"),
        ("a^1", "'^'"),
        ("a:b", "':'"),
        ("a?b", "'?'"),
        ("a*b", "'*'"),
        ("a[b", "'['"),
        ("a\\b", "'\\\\'"),
        ("a\tb", "ASCII control characters"),
        ("a\x7fb", "ASCII control characters"),
        ("/a", "cannot begin or end with '/'"),
        ("a/", "cannot begin or end with '/'"),
        ("a//b", "cannot contain '//'"),
        (".a", "can begin with '.'"),
        ("a/.b", "can begin with '.'"),
        ("a.lock", "can end with '.lock'"),
        ("a/b.lock/c", "can end with '.lock'"),
        ("a.", "cannot end with '.'"),
        ("a@{1}", "cannot contain '@{'"),
        ("@", "'@' alone"),
        ("-a", "cannot begin with '-'"),
        ("HEAD", "'HEAD' is not a valid git branch name"),
        ("", "cannot be empty"),
    ],
)
def test_branches_git_refuses(branch: str, needle: str) -> None:
    problems = branch_name_problems(branch)
    assert any(needle in p for p in problems), problems
    data = example(STARTER)
    data["branch"] = branch
    assert "branch" in ml_errors(data)


@pytest.mark.parametrize(
    "branch", ["main", "feature/x-1", "release/1.2.3", "user/JIRA-12_fix", "a.b", "v2", "a/b/c"]
)
def test_branches_git_and_the_tool_accept(branch: str) -> None:
    assert branch_name_problems(branch) == []
    data = example(STARTER)
    data["branch"] = branch
    assert MlConfig.model_validate(data).branch == branch


@pytest.mark.parametrize("branch", ["a$b", "a;b", "it's", "a@b", "a&b", "feat(x)", "ä"])
def test_branches_git_accepts_but_the_seed_code_cannot_paste(branch: str) -> None:
    assert branch_name_problems(branch) == []
    data = example(STARTER)
    data["branch"] = branch
    assert "git allows it, but the seed code's shell commands" in ml_errors(data)


def _git_accepts_branch(name: str) -> bool:
    """git's own verdict on `refs/heads/{name}`, plus what `git branch` refuses besides."""
    if name.startswith("-") or name in ("@", "HEAD"):
        return False
    checked = subprocess.run(
        ["git", "check-ref-format", f"refs/heads/{name}"], capture_output=True, check=False
    )
    return checked.returncode == 0


_BRANCH_PIECES = st.sampled_from(
    [
        "a",
        "b",
        "1",
        ".",
        "/",
        "-",
        "_",
        "@",
        "{",
        "..",
        ".lock",
        "@{",
        "//",
        "~",
        "^",
        ":",
        "?",
        "*",
        "[",
        "\\",
        " ",
        "\t",
        "\x7f",
        "\x01",
        "ä",
        "HEAD",
    ]
)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git as the oracle")
@settings(max_examples=400, deadline=None)
@given(branch=st.lists(_BRANCH_PIECES, max_size=8).map("".join))
def test_branch_rule_agrees_with_git(branch: str) -> None:
    problems = branch_name_problems(branch)
    assert (problems == []) == _git_accepts_branch(branch), (branch, problems)


def test_bad_branch_through_the_cli(run_ml: CliRunner, workdir: Path) -> None:
    data = example(STARTER)
    data["branch"] = "a..b"
    result = run_ml("--config", _write(workdir, STARTER, data), "--action", "validate")
    one_clear_rejection(result, "branch: a git branch name cannot contain '..'")


# --- ASCII digits only ----------------------------------------------------------------------

# (example, path to a field, a valid value ending in an ASCII digit)
_DIGIT_FIELDS: list[tuple[str, tuple[str | int, ...], str]] = [
    (STARTER, ("account_id",), "111122223333"),
    (STARTER, ("tenant_id",), "a001"),
    (PROFESSIONAL, ("company_prefix",), "edge2"),
    (PROFESSIONAL, ("env",), "prod2"),
    (STARTER, ("use_case",), "churn-2"),
    (STARTER, ("workload",), "rt2"),
    (STARTER, ("team",), "churn2"),
    (STARTER, ("artifact_bucket",), BUCKET_PREFIX + "data2"),
    (STARTER, ("branch",), "release/2"),
    (STARTER, ("build", "image"), "aws/codebuild/standard:7"),
    (STARTER, ("tags", "cost-center"), "ml-2"),
    (ENTERPRISE, ("network", "vpc_id"), "vpc-0a1b2c32"),
    (ENTERPRISE, ("network", "subnet_ids", 0), "subnet-0a1b2c32"),
    (ENTERPRISE, ("network", "vpc_cidr"), "10.20.0.0/16"),
    (SEC_MEDIUM, ("account_id",), "444455556666"),
    (SEC_MEDIUM, ("tenant_id",), "b001"),
    (SEC_MEDIUM, ("teams", 2, "name"), "pricing2"),
    (SEC_MEDIUM, ("template_bucket",), SEC_BUCKET_PREFIX + "cfn2"),
    (SEC_MEDIUM, ("trusted_accounts", 0, "account_id"), "999988887777"),
    (SEC_MEDIUM, ("trusted_accounts", 0, "external_id"), "edge-analytics-7f3c9a1e5b22"),
    (SEC_MEDIUM, ("trusted_accounts", 1, "name"), "audit2"),
]


def _with(name: str, path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    data = example(name)
    if name == STARTER:
        data.setdefault("build", {})
    holder: Any = data
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return data


def _validate(name: str, data: dict[str, Any]) -> None:
    (SecConfig if name == SEC_MEDIUM else MlConfig).model_validate(data)


@pytest.mark.parametrize("digits", FOREIGN_DIGITS, ids=["arabic-indic", "full-width", "devanagari"])
@pytest.mark.parametrize(("name", "path", "value"), _DIGIT_FIELDS, ids=lambda v: str(v))
def test_only_ascii_digits(name: str, path: tuple[str | int, ...], value: str, digits: str) -> None:
    _validate(name, _with(name, path, value))  # valid with its ASCII digit...
    foreign = value[:-1] + digits[int(value[-1])]
    with pytest.raises(ValidationError) as caught:  # ...and refused with another script's
        _validate(name, _with(name, path, foreign))
    errors = caught.value.errors()
    assert [tuple(e["loc"])[: len(path)] for e in errors] == [path], errors


@pytest.mark.parametrize(("name", "path", "value"), _DIGIT_FIELDS, ids=lambda v: str(v))
def test_no_trailing_newline(name: str, path: tuple[str | int, ...], value: str) -> None:
    # Python's `$` matches before a final newline; the patterns must not.
    with pytest.raises(ValidationError):
        _validate(name, _with(name, path, value + "\n"))


@pytest.mark.parametrize("digits", FOREIGN_DIGITS[:2], ids=["arabic-indic", "full-width"])
def test_foreign_digit_account_ids_through_the_cli(
    run_ml: CliRunner, run_sec: CliRunner, workdir: Path, digits: str
) -> None:
    ml = example(STARTER)
    ml["account_id"] = "".join(digits[int(c)] for c in ml["account_id"])
    result = run_ml("--config", _write(workdir, STARTER, ml), "--action", "validate")
    one_clear_rejection(result, "account_id: ", "does not match the allowed pattern ^[0-9]{12}$")
    sec = example(SEC_MEDIUM)
    sec["trusted_accounts"][0]["account_id"] = digits[9] * 12
    result = run_sec("--config", _write(workdir, SEC_MEDIUM, sec), "--action", "validate")
    one_clear_rejection(result, "trusted_accounts[0].account_id: ")
