"""What a refused config is told, word for word (config/loader.py problems_from, the
`deployment` section's checks, the branch rule): each message as a user reads it, pinned
whole, so a changed word, a lost hint or a cut value is noticed. Written from the messages
as they should read, and checked by mutation testing (docs/mutation-testing.md): these are
the mutants of config/ that survived every other test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from conftest import EXAMPLES
from provisioner.config.loader import problems_from
from provisioner.config.ml import MlConfig
from provisioner.config.sec import SecConfig

ML: dict[str, Any] = yaml.safe_load(
    (EXAMPLES / "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml").read_text()
)
SEC: dict[str, Any] = yaml.safe_load(
    (EXAMPLES / "techcorp-prod-a001-us-west-2-sec.yaml").read_text()
)
ACCOUNT = "111122223333"


def problems(model: type[BaseModel], data: Any) -> list[str]:
    try:
        model.model_validate(data)
    except ValidationError as error:
        return [p.render() for p in problems_from(error, model)]
    return []


def test_an_unquoted_account_id_is_told_to_be_quoted_and_nothing_else_is() -> None:
    assert problems(MlConfig, {**ML, "account_id": int(ACCOUNT)}) == [
        f"account_id: must be text, got int {ACCOUNT} "
        "(write the account id in quotes, e.g. '123456789012')"
    ]
    assert problems(MlConfig, {**ML, "company_prefix": 5}) == [
        "company_prefix: must be text, got int 5"
    ]


def test_a_value_shown_in_a_message_is_cut_past_60_characters() -> None:
    """Its repr whole up to 60 characters; longer, its first 57 and `...`."""
    sixty = ["x" * 56]  # repr ['xxx…'] is 60 characters
    assert len(repr(sixty)) == 60
    assert problems(MlConfig, {**ML, "company_prefix": sixty}) == [
        f"company_prefix: must be text, got list {sixty!r}"
    ]
    sixty_one = ["x" * 57]
    assert problems(MlConfig, {**ML, "company_prefix": sixty_one}) == [
        f"company_prefix: must be text, got list {repr(sixty_one)[:57]}..."
    ]


def test_a_pattern_mismatch_shows_the_value_and_the_pattern() -> None:
    assert problems(MlConfig, {**ML, "account_id": "12345"}) == [
        "account_id: '12345' does not match the allowed pattern ^[0-9]{12}$"
    ]


def test_a_literal_names_the_value_it_must_be() -> None:
    assert problems(MlConfig, {**ML, "scenario": "github"}) == [
        "scenario: must be 'codecommit', got 'github'"
    ]


def test_a_config_that_is_no_mapping_is_refused_at_the_top_level() -> None:
    assert problems(MlConfig, [1]) == ["(top level): must be a mapping, got list [1]"]


def test_an_unknown_field_in_a_list_item_names_that_items_fields() -> None:
    team = {**SEC["teams"][0], "bogus": 1}
    assert problems(SecConfig, {**SEC, "teams": [team]}) == [
        "teams[0].bogus: unknown field; allowed fields here: name, personas"
    ]


def test_every_problem_is_reported_a_rules_and_the_fields_alike() -> None:
    """A field's own rule (the branch's) and a plain type error: both, in field order."""
    found = problems(MlConfig, {**ML, "branch": "a b", "use_case": 5, "env": 7})
    assert found == [
        "env: must be text, got int 7",
        "use_case: must be text, got int 5",
        "branch: a git branch name cannot contain space",
    ]


def test_a_rules_problems_do_not_hide_the_next_fields() -> None:
    """Two fields refused by their own rules (the branch's, the section's): both reported."""
    section = _section(accounts=[ACCOUNT], organizational_units=["ou-ab12-cdef5678"],
                       regions=["us-west-2"])  # fmt: skip
    assert problems(MlConfig, {**section, "branch": "a b"}) == [
        "branch: a git branch name cannot contain space",
        "deployment.targets.organizational_units: service-managed only: a self-managed stack "
        "set deploys to accounts; list them in targets.accounts or use permission_model: "
        "service-managed",
    ]


def test_a_branch_git_allows_but_a_shell_would_not() -> None:
    assert problems(MlConfig, {**ML, "branch": "feature/caf\u00e9"}) == [
        "branch: 'feature/café': git allows it, but the seed code's shell commands need a "
        "branch of ASCII letters, digits, '.', '_', '/' and '-' only"
    ]


def _section(**targets: Any) -> dict[str, Any]:
    permission = targets.pop("permission_model", "self-managed")
    section = {"permission_model": permission, "targets": targets}
    if permission == "service-managed":
        section["template_bucket"] = "techcorp-reviewed-templates"
    return {**ML, "deployment": section}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            _section(accounts=[ACCOUNT], organizational_units=["ou-ab12-cdef5678"],
                     regions=["us-west-2"]),
            ["deployment.targets.organizational_units: service-managed only: a self-managed "
             "stack set deploys to accounts; list them in targets.accounts or use "
             "permission_model: service-managed"],
        ),
        (
            _section(accounts=[ACCOUNT], account_filter="union", regions=["us-west-2"]),
            ["deployment.targets.account_filter: service-managed only (it filters OUs)"],
        ),
        (
            _section(permission_model="service-managed", accounts=[ACCOUNT],
                     regions=["us-west-2"]),
            ["deployment.targets.organizational_units: required for a service-managed stack "
             "set (it deploys to OUs; accounts only narrow or widen them through "
             "account_filter)",
             "deployment.targets.account_filter: required with targets.accounts in a "
             "service-managed stack set: intersection, difference or union with the OUs' "
             "accounts"],
        ),
        (
            _section(accounts=[ACCOUNT, "444455556666", ACCOUNT, "444455556666"],
                     regions=["us-west-2"]),
            ["deployment.targets.accounts: must not repeat: 111122223333, 444455556666"],
        ),
    ],
    ids=["ous in self-managed", "filter in self-managed", "service-managed without ous",
         "repeated accounts"],
)  # fmt: skip
def test_the_sections_refusals_word_for_word(section: dict[str, Any], expected: list[str]) -> None:
    assert problems(MlConfig, section) == expected


def test_a_region_order_must_name_each_region_once() -> None:
    """(An empty order is refused by its own rule first: the message's "got nothing" is never
    reached, docs/mutation-testing.md.)"""
    base = _section(accounts=[ACCOUNT], regions=["us-west-2", "eu-west-1"])["deployment"]
    twice = "us-west-2, us-west-2"
    for order, got in ((["us-west-2"], "us-west-2"), (["us-west-2", "us-west-2"], twice)):
        section = {**base, "operation_preferences": {"region_order": order}}
        assert problems(MlConfig, {**ML, "deployment": section}) == [
            "deployment.operation_preferences.region_order: must name each of targets.regions "
            f"once (us-west-2, eu-west-1), got {got}"
        ]


def test_exactly_2000_stack_instances_are_allowed() -> None:
    """CloudFormation's quota is 2,000 per set: 100 accounts × 20 regions is at it."""
    accounts = [f"{n:012d}" for n in range(1, 101)]
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
               "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1",
               "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
               "ca-central-1", "sa-east-1", "eu-south-1", "me-south-1", "af-south-1"]  # fmt: skip
    assert len(accounts) * len(regions) == 2000
    assert problems(MlConfig, _section(accounts=accounts, regions=regions)) == []


def test_a_refused_file_is_named_in_its_error(tmp_path: Path) -> None:
    from provisioner.config.ml_loader import load_ml_config
    from provisioner.errors import InputError

    path = tmp_path / "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
    path.write_text(yaml.safe_dump({**ML, "company_prefix": 5}))
    with pytest.raises(InputError) as refused:
        load_ml_config(path)
    assert str(refused.value).startswith(f"{path}: company_prefix: must be text, got int 5")


def test_a_config_may_be_named_yml_as_well(tmp_path: Path) -> None:
    from provisioner.config.ml_loader import load_ml_config

    stem = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit"
    for suffix in (".yaml", ".yml"):
        path = tmp_path / f"{stem}{suffix}"
        path.write_text(yaml.safe_dump(ML))
        assert load_ml_config(path).use_case == ML["use_case"]


def test_a_file_named_unlike_its_contents_is_refused_saying_what_it_should_be(
    tmp_path: Path,
) -> None:
    from provisioner.config.ml_loader import load_ml_config
    from provisioner.errors import InputError

    stem = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit"
    for name in ("other.yaml", stem):  # another name; the right one without .yaml
        path = tmp_path / name
        path.write_text(yaml.safe_dump(ML))
        with pytest.raises(InputError) as refused:
            load_ml_config(path)
        assert str(refused.value) == (
            f"{path}: file name disagrees with its contents: expected '{stem}.yaml' (built "
            f"from the config's fields), got '{name}'"
        )


@pytest.mark.parametrize(
    ("tier", "got"), [(None, "nothing"), (3, "int 3"), ("huge", "'huge'")], ids=str
)
def test_an_enum_field_names_its_values_and_what_it_got(tier: Any, got: str) -> None:
    assert problems(MlConfig, {**ML, "tier": tier}) == [
        f"tier: must be one of: starter, professional, enterprise (got {got})"
    ]


DEV_SEC: dict[str, Any] = yaml.safe_load(
    (EXAMPLES / "techcorp-dev-a001-us-west-2-sec.yaml").read_text()
)


def test_trusted_accounts_refusals_word_for_word() -> None:
    first = DEV_SEC["trusted_accounts"][0]  # reporting, 210987654321
    other = {**first, "name": "audit", "account_id": "210987654322"}
    cases = [
        (
            [first, other, {**first, "account_id": "210987654323"}],
            "trusted_accounts[2].name: 'reporting' is already the name of trusted_accounts[0]; "
            "names must be distinct",
        ),
        (
            [first, other, {**other, "name": "third"}],
            "trusted_accounts[2].account_id: account 210987654322 is already trusted as "
            "'audit' (trusted_accounts[1]); give each account one entry, listing every team it "
            "may read",
        ),
        (
            [{**first, "account_id": DEV_SEC["account_id"]}],
            f"trusted_accounts[0].account_id: {DEV_SEC['account_id']} is the tenant's own "
            "account; cross-account roles are for other accounts",
        ),
        (
            [{**first, "teams": ["zz", "nope"]}],
            "trusted_accounts[0].teams: names unknown teams: nope, zz",
        ),
    ]
    for accounts, expected in cases:
        bucket = "techcorp-dev-a001-us-west-2-templates"
        config = {**DEV_SEC, "tier": "medium", "template_bucket": bucket,
                  "trusted_accounts": accounts}  # fmt: skip
        assert problems(SecConfig, config) == [expected]
