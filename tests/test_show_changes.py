"""show-changes' tables, pure: what a Modify changes and whether it replaces, and what a change
does to access, never cut (the emulator's change sets: tests/test_emulator.py; the action end
to end: tests/test_deploy.py)."""

from __future__ import annotations

import json
from typing import Any

from provisioner.cfn.security_diff import security_diff
from provisioner.deploy.records import ChangedTarget, change_from_api
from provisioner.deploy.render import change_table, security_table
from provisioner.results.changes import AccessChange, Change

TEAMS = [f"team-{name}-with-a-long-descriptive-name" for name in ("fraud", "churn", "forecast")]


def _detail(name: str, recreation: str, attribute: str = "Properties") -> dict[str, Any]:
    target = {"Attribute": attribute, "Name": name, "RequiresRecreation": recreation}
    return {"Target": target, "Evaluation": "Static", "ChangeSource": "DirectModification"}


def _modify(replacement: str, *details: dict[str, Any]) -> Any:
    return {
        "Type": "Resource",
        "ResourceChange": {
            "Action": "Modify",
            "LogicalResourceId": "Param",
            "ResourceType": "AWS::SSM::Parameter",
            "Replacement": replacement,
            "Details": list(details),
        },
    }


def test_a_modify_names_its_changed_properties_and_which_replace() -> None:
    change = change_from_api(
        _modify(
            "True",
            _detail("Value", "Never"),
            _detail("Name", "Always"),
            # CloudFormation lists a property once per source; the stronger answer holds.
            _detail("Name", "Never"),
        )
    )
    assert change.replacement == "True"
    assert change.targets == (
        ChangedTarget("Properties", "Value", "Never"),
        ChangedTarget("Properties", "Name", "Always"),
    )
    [header, row] = change_table([change])
    assert header.split() == ["ACTION", "LOGICAL", "ID", "TYPE", "REPLACEMENT", "CHANGES"]
    assert row.split(None, 4) == ["Modify", "Param", "AWS::SSM::Parameter", "True",
                                  "Value, Name (replaces)"]  # fmt: skip
    document = Change.of(change).model_dump()
    assert document["replacement"] == "True"
    assert document["changed"] == [
        {"attribute": "Properties", "name": "Value", "requires_recreation": "Never"},
        {"attribute": "Properties", "name": "Name", "requires_recreation": "Always"},
    ]


def test_an_in_place_modify_and_an_attribute_change() -> None:
    change = change_from_api(
        _modify("False", _detail("Description", "Never"), _detail("", "Never", "Metadata"))
    )
    [_, row] = change_table([change])
    assert row.split(None, 4)[3:] == ["False", "Description, Metadata"]
    added = change_from_api({"ResourceChange": {"Action": "Add", "LogicalResourceId": "New",
                                                "ResourceType": "AWS::SNS::Topic"}})  # fmt: skip
    assert change_table([added])[1].split() == ["Add", "New", "AWS::SNS::Topic", "-", "-"]


def _role(statements: list[dict[str, Any]]) -> dict[str, Any]:
    document = {"Version": "2012-10-17", "Statement": statements}
    return {
        "Resources": {
            "Reader": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {"PolicyDocument": document},
            }
        }
    }


def _read(teams: list[str]) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::shared-data-bucket/*",
        "Condition": {
            "StringEquals": {"aws:PrincipalTag/team": teams},
            "Bool": {"aws:SecureTransport": "true"},
        },
    }


def test_a_team_added_to_a_long_condition_is_shown() -> None:
    before, after = _role([_read(TEAMS[:2])]), _role([_read(TEAMS)])
    diff = security_diff(before, after)
    assert len(json.dumps(after["Resources"]["Reader"]["Properties"]["PolicyDocument"])) > 150
    lines = security_table(diff)
    text = "\n".join(lines)
    assert "…" not in text
    # One grant, its condition changed: one row, and the one value added.
    [row] = [line for line in lines if line.lstrip().startswith("~")]
    assert "Reader" in row and "BROADENS ACCESS" in row
    assert "Allow s3:GetObject on arn:aws:s3:::shared-data-bucket/*" in row
    under = [line.strip() for line in lines[lines.index(row) + 1 : -1]]
    assert under == [
        "if Bool aws:SecureTransport true",  # unchanged: shown, unmarked
        "if StringEquals aws:PrincipalTag/team",
        TEAMS[0],
        TEAMS[1],
        f"+     {TEAMS[2]}",
    ]
    assert lines[-1] == (
        "  grants: 0 added, 0 removed, 1 changed; denies: 0 added, 0 removed, 0 changed"
    )


def test_teams_removed_from_a_condition_are_shown() -> None:
    lines = security_table(security_diff(_role([_read(TEAMS)]), _role([_read(TEAMS[:1])])))
    changed = [line.strip() for line in lines if line.strip().startswith(("+ ", "- "))]
    assert changed == [f"-     {t}" for t in TEAMS[1:]]


def test_a_new_grant_shows_its_whole_condition() -> None:
    lines = security_table(security_diff(_role([]), _role([_read(TEAMS)])))
    conditions = [line.strip() for line in lines if line.strip().startswith("if ")]
    assert conditions == [
        "if Bool aws:SecureTransport true",
        f"if StringEquals aws:PrincipalTag/team [{', '.join(TEAMS)}]",
    ]


DENY = {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}


def test_denies_are_counted_apart_from_grants() -> None:
    new = _role([_read(TEAMS), DENY])
    [header, row] = security_table(security_diff(None, new), new_stack=True)
    assert header.split() == ["RESOURCE", "DOCUMENT", "GRANTS", "DENIES"]
    assert row.split() == ["+", "Reader", "PolicyDocument", "1", "1"]
    # An update that adds a Deny counts it as one, and does not broaden access.
    added = security_diff(_role([_read(TEAMS)]), new)
    lines = security_table(added)
    assert lines[-1] == (
        "  grants: 0 added, 0 removed, 0 changed; denies: 1 added, 0 removed, 0 changed"
    )
    assert not AccessChange.of(added).broadens_access
    removed = security_diff(new, _role([_read(TEAMS)]))
    assert security_table(removed)[-1] == (
        "  grants: 0 added, 0 removed, 0 changed; denies: 0 added, 1 removed, 0 changed"
    )
    assert AccessChange.of(removed).broadens_access  # a Deny taken away widens access


def test_a_condition_entry_added_and_one_removed() -> None:
    before = _read(TEAMS[:1])
    after = {**before, "Condition": {"StringEquals": {"aws:PrincipalTag/team": TEAMS[:1],
                                                      "aws:SourceVpc": "vpc-0abc"}}}  # fmt: skip
    lines = security_table(security_diff(_role([before]), _role([after])))
    assert [line.strip() for line in lines[2:-1]] == [
        "- if Bool aws:SecureTransport true",
        f"if StringEquals aws:PrincipalTag/team {TEAMS[0]}",
        "+ if StringEquals aws:SourceVpc vpc-0abc",
    ]
    # Dropping the transport condition loosens the grant: flagged.
    assert "BROADENS ACCESS" in lines[1]


def test_teams_taken_out_of_a_condition_narrow_access() -> None:
    """StringEquals matches when any listed value does: fewer teams admit fewer principals,
    so taking teams out is not broadening; putting them in is."""
    narrower = security_diff(_role([_read(TEAMS)]), _role([_read(TEAMS[:1])]))
    assert narrower.broadening == ()
    assert not AccessChange.of(narrower).broadens_access
    wider = security_diff(_role([_read(TEAMS[:1])]), _role([_read(TEAMS)]))
    assert len(wider.broadening) == 1


def _with(condition: dict[str, Any]) -> dict[str, Any]:
    return {**_read(TEAMS), "Condition": condition}


def test_negated_and_exact_operators_narrow_only_as_iam_reads_them() -> None:
    key = "aws:PrincipalTag/team"
    # StringNotEquals refuses the listed values: more values are stricter, fewer looser.
    few, many = {"StringNotEquals": {key: TEAMS[:1]}}, {"StringNotEquals": {key: TEAMS}}
    assert security_diff(_role([_with(few)]), _role([_with(many)])).broadening == ()
    assert len(security_diff(_role([_with(many)]), _role([_with(few)])).broadening) == 1
    # A number is as strict only when it is the same number.
    young = {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}
    old = {"NumericLessThan": {"aws:MultiFactorAuthAge": "900"}}
    assert len(security_diff(_role([_with(old)]), _role([_with(young)])).broadening) == 1
    # An extra condition block only narrows; dropping one broadens.
    both = {"StringEquals": {key: TEAMS}, "Bool": {"aws:SecureTransport": "true"}}
    one = {"StringEquals": {key: TEAMS}}
    assert security_diff(_role([_with(one)]), _role([_with(both)])).broadening == ()
    assert len(security_diff(_role([_with(both)]), _role([_with(one)])).broadening) == 1
    # A set operator over a negation: only the same values count as as strict.
    any_not = {"ForAnyValue:StringNotEquals": {key: TEAMS}}
    any_not_more = {"ForAnyValue:StringNotEquals": {key: [*TEAMS, "extra"]}}
    assert len(security_diff(_role([_with(any_not)]), _role([_with(any_not_more)])).broadening) == 1
