"""What a deployed template declares about access, and how what AWS holds differs from it
(cfn/declared_access.py): the drift detect-drift reads beyond CloudFormation's."""

from __future__ import annotations

from typing import Any

import pytest

from provisioner.cfn.declared_access import (
    Context,
    Difference,
    Unresolved,
    declared_principals,
    document_differences,
    principal_differences,
    public_access_differences,
)
from provisioner.partition import partition_of

ACCOUNT = "111122223333"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
POLICY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/team"


def context(region: str = "us-west-2") -> Context:
    return Context(
        physical={"Role": "team-role", "Group": "team-group", "Key": "1234abcd",
                  "Bucket": "team-bucket", "Policy": POLICY_ARN},
        types={"Role": "AWS::IAM::Role", "Group": "AWS::IAM::Group", "Key": "AWS::KMS::Key",
               "Bucket": "AWS::S3::Bucket", "Policy": "AWS::IAM::ManagedPolicy"},
        account=ACCOUNT, region=region, partition=partition_of(region), stack_name="s",
    )  # fmt: skip


def test_intrinsics_resolve_to_what_aws_shows() -> None:
    c = context()
    assert c.resolve({"Ref": "Role"}) == "team-role"
    assert c.resolve({"Fn::GetAtt": ["Role", "Arn"]}) == f"arn:aws:iam::{ACCOUNT}:role/team-role"
    assert c.resolve({"Fn::GetAtt": "Key.Arn"}) == f"arn:aws:kms:us-west-2:{ACCOUNT}:key/1234abcd"
    assert c.resolve({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"}) == (
        "arn:aws:s3:::team-bucket/*"
    )
    assert c.resolve({"Fn::Sub": ["${X}-${!Literal}", {"X": {"Ref": "AWS::AccountId"}}]}) == (
        f"{ACCOUNT}-${{Literal}}"
    )
    assert c.resolve({"Fn::Join": [":", ["a", {"Ref": "Group"}]]}) == "a:team-group"
    gov = context("us-gov-west-1")
    assert gov.resolve({"Fn::GetAtt": ["Bucket", "Arn"]}) == "arn:aws-us-gov:s3:::team-bucket"
    for unknown in ({"Ref": "SomeParameter"}, {"Fn::ImportValue": "x"},
                    {"Fn::GetAtt": ["Role", "RoleId"]}):  # fmt: skip
        with pytest.raises(Unresolved):
            c.resolve(unknown)


def test_a_role_is_declared_with_what_other_resources_attach_to_it() -> None:
    resources: dict[str, Any] = {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "PermissionsBoundary": BOUNDARY, "Policies": [{"PolicyName": "own"}]}},
        "Group": {"Type": "AWS::IAM::Group", "Properties": {
            "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnly"}]}},
        "Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"Roles": [{"Ref": "Role"}]}},
        "Inline": {"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": "shared", "Groups": [{"Ref": "Group"}], "Roles": ["team-role"]}},
    }  # fmt: skip
    group, role = declared_principals(resources, context())
    assert (role.logical_id, role.inline, role.managed, role.boundary) == (
        "Role", frozenset({"own", "shared"}), frozenset({POLICY_ARN}), BOUNDARY)  # fmt: skip
    assert (group.inline, group.managed, group.boundary) == (
        frozenset({"shared"}), frozenset({"arn:aws:iam::aws:policy/ReadOnly"}), None)  # fmt: skip


def test_what_iam_lists_beyond_the_template_is_drift() -> None:
    resources = {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "Policies": [{"PolicyName": "own"}]}}}  # fmt: skip
    [role] = declared_principals(resources, context())
    assert principal_differences(role, ["own"], [], None) == []
    found = principal_differences(role, ["extra"], [POLICY_ARN], BOUNDARY)
    assert [(d.kind, d.path) for d in found] == [
        ("ADD", "/Policies/extra"),
        ("REMOVE", "/Policies/own"),
        ("ADD", f"/ManagedPolicyArns/{POLICY_ARN}"),
        ("ADD", "/PermissionsBoundary"),  # set on a role whose template declares none
    ]


STATEMENT = {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": ["b", "a"]},
             "Action": ["s3:ListBucket", "s3:GetObject"],
             "Resource": "arn:aws:s3:::x/*"}  # fmt: skip


def test_a_policy_in_another_order_or_form_is_the_same_policy() -> None:
    declared = {"Version": "2012-10-17", "Statement": [STATEMENT]}
    reordered = {"Version": "2012-10-17", "Statement": {
        **STATEMENT, "Principal": {"AWS": ["a", "b"]}, "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::x/*"]}}  # fmt: skip
    assert document_differences("/KeyPolicy", declared, reordered) == []


def test_statements_added_changed_or_removed_are_named() -> None:
    declared = {"Statement": [STATEMENT, {"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    widened = {**STATEMENT, "Action": "s3:*"}
    actual = {"Statement": [widened, {"Sid": "New", "Effect": "Allow", "Action": "s3:*",
                                      "Resource": "*", "Principal": "*"}]}  # fmt: skip
    found = {d.path: d.kind for d in document_differences("/PolicyDocument", declared, actual)}
    assert found == {"/PolicyDocument/Statement/Read": "NOT_EQUAL",
                     "/PolicyDocument/Statement/#1": "REMOVE",
                     "/PolicyDocument/Statement/New": "ADD"}  # fmt: skip
    [added] = document_differences("/BucketPolicy", None, actual)
    assert (added.kind, added.expected) == ("ADD", "(not declared)")
    [removed] = document_differences("/PolicyDocument", declared, None)
    assert (removed.kind, removed.actual) == ("REMOVE", "(absent)")


def test_a_loosened_or_missing_public_access_block_is_drift() -> None:
    declared = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True}  # fmt: skip
    assert public_access_differences(declared, dict(declared)) == []
    loosened = public_access_differences(declared, {**declared, "BlockPublicPolicy": False})
    assert loosened == [Difference("NOT_EQUAL", "/PublicAccessBlockConfiguration/BlockPublicPolicy",
                                   "true", "false")]  # fmt: skip
    assert len(public_access_differences(declared, None)) == 4
