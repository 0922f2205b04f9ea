"""One stack-set template for several regions of an account (stack_sets/spanning_template.py):
on every SEC example, the IAM resources are made in the config's region only and grant
exactly the union of what the stacks as planned for each target region grant (each of those
is the tool's own policy for that region); the template lints clean for both regions; and
what cannot be made right is refused, on small templates."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from conftest import all_sec_configs, cfn_lint, partition_sec_configs
from provisioner.sec.plan import plan_stacks
from provisioner.stack_sets.spanning_template import (
    HOME_CONDITION,
    NotSpanning,
    conditioned,
    set_template,
    spanning_template,
)
from test_neutral_template import resolved

SECOND = {"aws": "eu-west-1", "aws-us-gov": "us-gov-east-1", "aws-cn": "cn-northwest-1"}
IAM_TYPES = ("AWS::IAM::Role", "AWS::IAM::ManagedPolicy", "AWS::IAM::Group")


def _cases() -> list[tuple[str, Any, str]]:
    cases = []
    for config in [*all_sec_configs(), *partition_sec_configs()]:
        partition = "aws-us-gov" if config.region.startswith("us-gov") else (
            "aws-cn" if config.region.startswith("cn-") else "aws")  # fmt: skip
        second = SECOND[partition]
        if second == config.region:
            second = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1",
                      "aws-cn": "cn-north-1"}[partition]  # fmt: skip
        cases.append((f"{config.company_prefix}-{config.region}-{config.tier}", config, second))
    return cases


CASES = _cases()


def _planned(config: Any, second: str) -> list[dict[str, dict[str, Any]]]:
    """Per stack: region → its template as planned for the config, and for it moved to
    `second`."""
    home = plan_stacks(config)
    there = plan_stacks(config.model_copy(update={"region": second}))
    return [
        {config.region: json.loads(a.render()), second: json.loads(b.render())}
        for a, b in zip(home, there, strict=True)
    ]


def _atoms(template: dict[str, Any]) -> set[tuple[str, str, str, str, str]]:
    """(resource, Sid, effect+actions, condition, one resource) of every grant its IAM
    resources make: what a policy allows, statement by statement, resource by resource."""
    found = set()
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] not in IAM_TYPES:
            continue
        properties = resource["Properties"]
        documents = [properties.get("PolicyDocument")] + [
            p["PolicyDocument"] for p in properties.get("Policies", [])
        ]
        for document in filter(None, documents):
            for s in document["Statement"]:
                targets = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
                for target in targets:
                    found.add((logical_id, s["Sid"], json.dumps([s["Effect"], s["Action"]]),
                               json.dumps(s.get("Condition"), sort_keys=True),
                               json.dumps(target, sort_keys=True)))  # fmt: skip
    return found


@pytest.mark.parametrize(("name", "config", "second"), CASES, ids=[c[0] for c in CASES])
def test_iam_is_made_once_and_grants_what_each_regions_plan_grants(
    name: str, config: Any, second: str
) -> None:
    for planned in _planned(config, second):
        made = set_template(planned, config.account_id, config.region)
        assert made["Conditions"][HOME_CONDITION] == {
            "Fn::Equals": [{"Ref": "AWS::Region"}, config.region]
        }
        for resource in made["Resources"].values():
            assert (resource.get("Condition") == HOME_CONDITION) == (
                resource["Type"] in IAM_TYPES
            ), resource["Type"]
        # Resolved where IAM is made (the config's account and region), its grants are the
        # union of the two regions' plans, statement by statement: no more, no less.
        own = resolved(made, config.account_id, config.region)
        mine, theirs = planned[config.region], planned[second]
        assert _atoms(own) == _atoms(mine) | _atoms(theirs)
        assert _atoms(theirs) - _atoms(mine), "the second region adds grants"
        body = json.dumps(made)
        for region in (config.region, second):
            assert cfn_lint(body, region) == [], (name, region)


def test_the_other_regions_instances_name_the_roles_by_arn() -> None:
    _, config, second = CASES[0]
    made = set_template(_planned(config, second)[0], config.account_id, config.region)
    parameters = [r for r in made["Resources"].values() if r["Type"] == "AWS::SSM::Parameter"]
    assert parameters
    for parameter in parameters:
        value = parameter["Properties"]["Value"]
        assert "Fn::GetAtt" not in json.dumps(value)
        assert value["Fn::Sub"].startswith("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/")
    assert "Fn::GetAtt" not in json.dumps(made.get("Outputs", {}))


# -- refusals, on small templates ---------------------------------------------------------------
def _role(statement: dict[str, Any], **extra: Any) -> dict[str, Any]:
    document = {"Statement": [statement]}
    properties = {"ManagedPolicyName": "p", "PolicyDocument": document, **extra}
    return {"Type": "AWS::IAM::ManagedPolicy", "Properties": properties}


def _grant(resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Sid": "S", "Effect": "Allow", "Action": "s3:GetObject", "Resource": resource, **extra}


BUCKET = {"Type": "AWS::S3::Bucket"}


def _two(home: dict[str, Any], other: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"us-west-2": {"Resources": home}, "eu-west-1": {"Resources": other}}


def test_resources_are_merged_where_only_they_differ() -> None:
    made = spanning_template(
        _two(
            {"P": _role(_grant("arn:aws:s3:::a-us-west-2/*"))},
            {"P": _role(_grant("arn:aws:s3:::a-eu-west-1/*"))},
        ),
        "us-west-2",
    )
    statement = made["Resources"]["P"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == ["arn:aws:s3:::a-us-west-2/*", "arn:aws:s3:::a-eu-west-1/*"]


@pytest.mark.parametrize(
    ("home", "other", "why"),
    [
        ({"P": _role(_grant("a", Condition={"StringEquals": {"k": "us-west-2"}}))},
         {"P": _role(_grant("a", Condition={"StringEquals": {"k": "eu-west-1"}}))},
         "differs between the target regions in more than its resources"),
        ({"P": _role(_grant({"Fn::GetAtt": ["Bucket", "Arn"]})),
          "Bucket": {"Type": "AWS::S3::Bucket"}},
         {"P": _role(_grant({"Fn::GetAtt": ["Bucket", "Arn"]})),
          "Bucket": {"Type": "AWS::S3::Bucket"}},
         "P's policy refers to Bucket of its own stack"),
        ({"P": _role(_grant({"Fn::Sub": "${Bucket.Arn}/*"})), "Bucket": BUCKET},
         {"P": _role(_grant({"Fn::Sub": "${Bucket.Arn}/*"})), "Bucket": BUCKET},
         "P's policy refers to Bucket of its own stack"),
        ({"P": _role(_grant("a"))}, {"Q": _role(_grant("a"))}, "its resources differ"),
        # Each region's alone is about 3,300 characters: only their union is over.
        ({"P": _role(_grant([f"x{i:02d}" + "x" * 66 for i in range(45)]))},
         {"P": _role(_grant([f"y{i:02d}" + "y" * 66 for i in range(45)]))},
         "over IAM's 6,144: target fewer regions"),
        ({"P": _role(_grant("a"))},
         {"P": _role({**_grant("a"), "Sid": "T"})},
         "P's statement T is not in every region's plan"),
        ({"P": _role(_grant("a"))}, {"P": _role(_grant("a"), Description="other")},
         "P differs between us-west-2 and eu-west-1 in more than the region's name"),
        ({"Q": {"Type": "AWS::SSM::Parameter", "Properties": {"Value": "us-west-2"}}},
         {"Q": {"Type": "AWS::SSM::Parameter", "Properties": {"Value": "other"}}},
         "Q differs between us-west-2 and eu-west-1 in more than the region's name"),
        ({"U": {"Type": "AWS::IAM::Policy", "Properties": {}}},
         {"U": {"Type": "AWS::IAM::Policy", "Properties": {}}},
         "U is an IAM resource type the spanning form does not know"),
        ({"P": _role(_grant("a")), "Bucket": BUCKET},
         {"P": _role(_grant({"Fn::Sub": "${Bucket.Arn}"})), "Bucket": BUCKET},
         "P's policy refers to Bucket of its own stack"),
    ],
    ids=["condition differs", "GetAtt of a regional resource", "Sub of a regional resource",
         "other resources", "over size", "a statement of another region only",
         "an IAM property differs", "another resource differs", "an unknown IAM type",
         "a regional reference merged in"],
)  # fmt: skip
def test_what_would_grant_other_than_each_regions_plan_is_refused(
    home: dict[str, Any], other: dict[str, Any], why: str
) -> None:
    with pytest.raises(NotSpanning, match=why.replace("(", r"\(")):
        spanning_template(_two(home, other), "us-west-2")


ROLE = {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r", "AssumeRolePolicyDocument": {}}}


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        ({"Fn::GetAtt": ["Role", "RoleId"]}, "reads Role.RoleId, which exists in the home"),
        ({"Fn::Sub": "${Role.Arn}"}, "Param refers to Role in an Fn::Sub"),
        ({"Ref": "Role"}, None),
        ({"Fn::GetAtt": ["Role", "Arn"]}, None),
    ],
)
def test_references_to_iam_become_names_and_arns_or_are_refused(
    reference: dict[str, Any], why: str | None
) -> None:
    parameter = {"Type": "String", "Value": reference}
    template = {"Resources": {
        "Role": copy.deepcopy(ROLE),
        "Param": {"Type": "AWS::SSM::Parameter", "Properties": parameter},
    }}  # fmt: skip
    if why is not None:
        with pytest.raises(NotSpanning, match=why):
            conditioned(template, "us-west-2")
        return
    made = conditioned(template, "us-west-2")
    value = made["Resources"]["Param"]["Properties"]["Value"]
    expected = "r" if "Ref" in reference else {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r"}  # fmt: skip
    assert value == expected
    assert made["Resources"]["Role"]["Condition"] == HOME_CONDITION


def test_a_dependency_on_iam_is_refused_and_a_stack_without_iam_is_left_as_it_is() -> None:
    template = {"Resources": {"Role": copy.deepcopy(ROLE), "Param": {
        "Type": "AWS::SSM::Parameter", "DependsOn": "Role",
        "Properties": {"Type": "String", "Value": "v"}}}}  # fmt: skip
    with pytest.raises(NotSpanning, match="Param depends on an IAM resource"):
        conditioned(template, "us-west-2")
    del template["Resources"]["Role"], template["Resources"]["Param"]["DependsOn"]
    assert conditioned(template, "us-west-2") == template


@pytest.mark.parametrize(("name", "config", "second"), CASES, ids=[c[0] for c in CASES])
def test_the_boundary_the_roles_carry_covers_every_region_they_act_in(
    name: str, config: Any, second: str
) -> None:
    """The roles are made in the config's region and carry its trust root's SEC boundary: for
    a config spanning two regions that boundary is the union of both regions' (no more), so
    each region's role policies lie within it; the config's region's alone would cut the
    second region's grants off."""
    from provisioner.bootstrap.boundaries import boundary
    from provisioner.naming.tenant import SEC_BOUNDARY, TenantNames
    from test_boundaries import _outside

    here = TenantNames.of(config)
    moved = config.model_copy(update={"region": second})
    there = TenantNames.of(moved)
    spanning = boundary(here, SEC_BOUNDARY, (there,))
    alone = [boundary(t, SEC_BOUNDARY) for t in (here, there)]
    assert {(s.sid, r) for s in spanning.statements for r in s.resources} == {
        (s.sid, r) for b in alone for s in b.statements for r in s.resources
    }
    assert [(s.sid, s.actions, s.condition) for s in spanning.statements] == [
        (s.sid, s.actions, s.condition) for s in alone[0].statements
    ]
    for plans, names in ((plan_stacks(config), here), (plan_stacks(moved), there)):
        for plan in plans:
            assert _outside(plan, spanning.to_json(), names) == [], (name, plan.stack_name)
    cut = [
        found for plan in plan_stacks(moved) for found in _outside(plan, alone[0].to_json(), there)
    ]
    assert cut, "the config's region's boundary alone does not reach the second region"
