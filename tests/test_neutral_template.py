"""A stack's template as its stack set deploys it (stack_sets/neutral_template.py): the config's
account and region as pseudo parameters, so one body serves every target. Checked on every
example's templates (cfn-lint clean, no literal left where CloudFormation evaluates, the same
template again when resolved for the config's own account and region) and on the forms a
template could take."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import all_ml_configs, all_sec_configs, cfn_lint
from provisioner.ml.plan import plan_stack
from provisioner.sec.plan import plan_stacks
from provisioner.stack_sets.neutral_template import NotNeutral, neutral_body, neutral_template

ACCOUNT = "111122223333"
REGION = "us-west-2"


def example_templates() -> list[tuple[str, str, str, str]]:
    """(stack name, body, account, region) of every example's stacks."""
    found = [(p.stack_name, p.render(), c.account_id, c.region)
             for c in all_sec_configs() for p in plan_stacks(c)]  # fmt: skip
    for config in all_ml_configs():
        stack = plan_stack(config)
        found.append((stack.stack_name, stack.render(), config.account_id, config.region))
    return found


EXAMPLES = example_templates()


def resolved(value: Any, account: str, region: str) -> Any:
    """What CloudFormation makes of the pseudo parameters and escapes (for the test's own
    check; only the Fn::Sub forms neutral_template writes)."""
    if isinstance(value, list):
        return [resolved(v, account, region) for v in value]
    if not isinstance(value, dict):
        return value
    if list(value) == ["Fn::Sub"] and isinstance(value["Fn::Sub"], str):
        text = value["Fn::Sub"]
        if "${" not in text.replace("${AWS::AccountId}", "").replace("${AWS::Region}", "") \
                .replace("${!", ""):  # fmt: skip
            return (text.replace("${AWS::AccountId}", account).replace("${AWS::Region}", region)
                    .replace("${!", "${"))  # fmt: skip
    return {k: resolved(v, account, region) for k, v in value.items()}


def evaluated(template: dict[str, Any]) -> str:
    return json.dumps({k: template[k] for k in ("Resources", "Outputs") if k in template})


@pytest.mark.parametrize(("stack", "body", "account", "region"), EXAMPLES,
                         ids=[e[0] for e in EXAMPLES])  # fmt: skip
def test_every_examples_template_goes_neutral(
    stack: str, body: str, account: str, region: str
) -> None:
    original = json.loads(body)
    neutral = json.loads(neutral_body(body, account, region))
    assert account in evaluated(original) and region in evaluated(original)
    assert account not in evaluated(neutral) and region not in evaluated(neutral)
    # For the config's own account and region it is the template it was.
    assert resolved(neutral, account, region) == original
    # For another, nothing of the config's account is left, and its own stands in.
    elsewhere = json.dumps(resolved(neutral["Resources"], "999988887777", "eu-west-1"))
    assert account not in elsewhere and "999988887777" in elsewhere
    assert neutral["Description"] == original["Description"]  # documentation, as it was
    assert cfn_lint(json.dumps(neutral), region) == []


def template(**resources: Any) -> dict[str, Any]:
    return {"Resources": {k: {"Type": "AWS::SSM::Parameter", "Properties": v}
                          for k, v in resources.items()}}  # fmt: skip


def neutral_props(**properties: Any) -> dict[str, Any]:
    done: dict[str, Any] = neutral_template(template(P=properties), ACCOUNT, REGION)
    return dict(done["Resources"]["P"]["Properties"])


def test_a_string_with_a_literal_becomes_a_sub_and_its_own_placeholders_are_escaped() -> None:
    got = neutral_props(Value=f"arn:aws:ssm:{REGION}:{ACCOUNT}:x ${{NotMine}}", Name="plain")
    assert got == {"Value": {"Fn::Sub": "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:x "
                                        "${!NotMine}"}, "Name": "plain"}  # fmt: skip


def test_a_sub_keeps_its_placeholders_and_variables() -> None:
    got = neutral_props(
        A={"Fn::Sub": f"{REGION}-${{Env}}-{ACCOUNT}"},
        B={"Fn::Sub": [f"${{X}}:{ACCOUNT}", {"X": {"Ref": "Thing"}, "Y": f"{REGION}"}]},
        C={"Fn::Join": [":", [f"{ACCOUNT}", {"Ref": "AWS::Region"}]]},
    )
    assert got["A"] == {"Fn::Sub": "${AWS::Region}-${Env}-${AWS::AccountId}"}
    variables = {"X": {"Ref": "Thing"}, "Y": {"Fn::Sub": "${AWS::Region}"}}
    assert got["B"] == {"Fn::Sub": ["${X}:${AWS::AccountId}", variables]}
    assert got["C"] == {"Fn::Join": [":", [{"Fn::Sub": "${AWS::AccountId}"},
                                           {"Ref": "AWS::Region"}]]}  # fmt: skip


def test_only_whole_tokens_are_the_literals() -> None:
    got = neutral_props(
        Longer=f"9{ACCOUNT}", Shorter=ACCOUNT[1:], Zone=f"{REGION}a", Other=f"{REGION}0",
        Prefixed=f"x{REGION}",
    )  # fmt: skip
    assert got["Zone"] == {"Fn::Sub": "${AWS::Region}a"}  # an availability zone of it
    assert {k: v for k, v in got.items() if k != "Zone"} == {
        "Longer": f"9{ACCOUNT}", "Shorter": ACCOUNT[1:], "Other": f"{REGION}0",
        "Prefixed": f"x{REGION}"}  # fmt: skip


@pytest.mark.parametrize(
    "where",
    [
        {"Parameters": {"P": {"Type": "String", "Default": ACCOUNT}}},
        {"Mappings": {"M": {REGION: {"k": "v"}}}},
        {"Conditions": {"C": {"Fn::Equals": [{"Ref": "AWS::Region"}, REGION]}}},
        {"Resources": {"R": {"Type": "AWS::SSM::Parameter", "Properties": {
            f"Key-{ACCOUNT}": "v"}}}},
        {"Resources": {"R": {"Type": "AWS::SSM::Parameter", "Properties": {
            "Value": {"Ref": REGION}}}}},
        {"Resources": {"R": {"Type": "AWS::SSM::Parameter", "DependsOn": [REGION]}}},
        {"Outputs": {"O": {"Description": f"in {REGION}", "Value": "v"}}},
        {"Resources": {"R": {"Type": "AWS::SSM::Parameter", "Properties": {
            "Value": {"Fn::Sub": [f"{ACCOUNT}"]}}}}},
    ],
    ids=["parameter default", "mapping", "condition", "key", "ref", "depends on",
         "output description", "odd sub"],
)  # fmt: skip
def test_a_literal_where_no_intrinsic_can_stand_is_refused(where: dict[str, Any]) -> None:
    with pytest.raises(NotNeutral):
        neutral_template(where, ACCOUNT, REGION)


def test_documentation_is_left_as_it_is() -> None:
    given = {"Description": f"{ACCOUNT} in {REGION}", "Metadata": {"Region": REGION},
             "Resources": {}}  # fmt: skip
    assert neutral_template(given, ACCOUNT, REGION) == given


@pytest.mark.parametrize(
    "value",
    [
        int(ACCOUNT),  # the account id as a number
        {"Fn::Sub": [f"x-{ACCOUNT}", "not a map"]},
        {"Fn::If": [REGION, "a", "b"]},  # as a condition name
        {"Fn::GetAZs": REGION},
        {"Fn::FindInMap": ["M", REGION, "k"]},
        {"Fn::Sub": f"${{!{ACCOUNT}}}"},  # escaped: written as it is
        {"Fn::Join": ["", ["1111", "2222", "3333"]]},  # made only once joined
    ],
    ids=["number", "sub variables", "if condition", "get azs", "find in map", "escaped",
         "joined"],
)  # fmt: skip
def test_forms_no_sub_can_fix_are_refused(value: Any) -> None:
    with pytest.raises(NotNeutral):
        neutral_props(Value=value)


def test_if_branches_and_joined_parts_are_made_neutral() -> None:
    got = neutral_props(
        If={"Fn::If": ["IsProd", f"{ACCOUNT}", "other"]},
        Join={"Fn::Join": [":", [f"arn:aws:iam::{ACCOUNT}", "root"]]},
        Hex=f"a{ACCOUNT}", Dashed=f"x-{ACCOUNT}-y",
    )  # fmt: skip
    assert got["If"] == {"Fn::If": ["IsProd", {"Fn::Sub": "${AWS::AccountId}"}, "other"]}
    assert got["Join"] == {"Fn::Join": [":", [{"Fn::Sub": "arn:aws:iam::${AWS::AccountId}"},
                                              "root"]]}  # fmt: skip
    assert got["Hex"] == f"a{ACCOUNT}"  # inside a longer token: not the account id
    assert got["Dashed"] == {"Fn::Sub": "x-${AWS::AccountId}-y"}
