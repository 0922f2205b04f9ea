"""Which targets one neutral template can serve (stack_sets/deployability.py), on small
templates: names that vary with the instance's account and region do not clash; names that do
not, where AWS allows one per account or one in the world, do; and a bucket named exactly but
not created points other accounts' instances at the config's."""

from __future__ import annotations

from typing import Any

import pytest

from provisioner.config.deployment import DeploymentConfig
from provisioner.stack_sets.deployability import not_deployable_because

OWN = "111122223333"
OTHER = "444455556666"
REGION = "us-west-2"


def section(accounts: list[str], regions: list[str]) -> DeploymentConfig:
    targets = {"accounts": accounts, "regions": regions}
    return DeploymentConfig.model_validate({"permission_model": "self-managed", "targets": targets})


def why(resources: dict[str, Any], accounts: list[str], regions: list[str]) -> str | None:
    return not_deployable_because(
        section(accounts, regions), OWN, REGION, {"s": {REGION: {"Resources": resources}}}
    )


def role(name: Any = None) -> dict[str, Any]:
    properties: dict[str, Any] = {"AssumeRolePolicyDocument": {}}
    if name is not None:
        properties["RoleName"] = name
    return {"R": {"Type": "AWS::IAM::Role", "Properties": properties}}


def bucket(name: Any) -> dict[str, Any]:
    return {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": name}}}


def grant_on(arn: str) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": arn}
    document = {"Statement": [statement]}
    return {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": document}}}


TWO_REGIONS = [REGION, "eu-west-1"]


def test_iam_names_clash_across_regions_unless_they_hold_the_region() -> None:
    assert "IAM names are global to an account" in (why(role("fixed"), [OWN], TWO_REGIONS) or "")
    assert why(role(f"x-{REGION}"), [OWN], TWO_REGIONS) is None  # made ${AWS::Region}
    assert why(role(), [OWN], TWO_REGIONS) is None  # CloudFormation names it uniquely
    assert why(role("fixed"), [OWN, OTHER], [REGION]) is None  # one region: one per account


@pytest.mark.parametrize(
    ("name", "accounts", "regions", "clash"),
    [
        ("b-fixed", [OWN], [REGION], False),
        ("b-fixed", [OTHER], [REGION], False),  # one instance, in another account
        ("b-fixed", [OWN, OTHER], [REGION], True),
        (f"b-{OWN}", [OWN, OTHER], [REGION], False),
        (f"b-{OWN}", [OWN], TWO_REGIONS, True),
        (f"b-{OWN}-{REGION}", [OWN, OTHER], TWO_REGIONS, False),
    ],
)
def test_bucket_names_clash_unless_they_hold_what_differs(
    name: str, accounts: list[str], regions: list[str], clash: bool
) -> None:
    found = why(bucket(name), accounts, regions)
    assert (found is not None) == clash, found
    if clash:
        assert "S3 bucket names are global" in (found or "")


def test_a_bucket_name_the_tool_cannot_read_is_refused() -> None:
    assert "not a name the tool can read" in (why(bucket({"Ref": "P"}), [OWN], [REGION]) or "")


def test_a_bucket_named_but_not_created_is_refused_when_another_account_is_a_target() -> None:
    arn = "arn:aws:s3:::shared-artifacts/*"
    assert why(grant_on(arn), [OWN], TWO_REGIONS) is None
    assert "every target account would point at that one bucket" in (
        why(grant_on(arn), [OTHER], [REGION]) or ""
    )
    # A pattern matches names (the SEC grants hold s3:ResourceAccount to their account, so
    # each account's reach its own); one the stack creates is its own; one with the account
    # varies.
    assert why(grant_on("arn:aws:s3:::team-*/*"), [OWN, OTHER], [REGION]) is None
    assert why({**grant_on(f"arn:aws:s3:::b-{OWN}/*"), **bucket(f"b-{OWN}")},
               [OWN, OTHER], [REGION]) is None  # fmt: skip
    assert why(grant_on(f"arn:aws:s3:::own-{OWN}/*"), [OWN, OTHER], [REGION]) is None


def _to_an_ou(resources: dict[str, Any], accounts: list[str] | None = None) -> str | None:
    targets: dict[str, Any] = {"organizational_units": ["ou-ab12-cdef5678"], "regions": [REGION]}
    if accounts is not None:
        targets |= {"accounts": accounts, "account_filter": "intersection"}
    service = DeploymentConfig.model_validate(
        {"permission_model": "service-managed", "template_bucket": "reviewed", "targets": targets}
    )
    return not_deployable_because(service, OWN, REGION, {"s": {REGION: {"Resources": resources}}})


def test_an_ous_accounts_count_as_several_none_of_them_the_configs() -> None:
    """Organizations alone knows an OU's accounts, and StackSets never deploys to the
    management account: even narrowed to one listed account, a bucket name without the
    account would clash, and a bucket named exactly would be another account's."""
    assert _to_an_ou(role("fixed")) is None  # one region: one role per account
    for accounts in (None, [OWN]):
        clash = _to_an_ou(bucket(f"fixed-{REGION}"), accounts) or ""
        assert "holds no account, and S3 bucket names are global" in clash
        elsewhere = _to_an_ou(grant_on("arn:aws:s3:::shared/*"), accounts) or ""
        assert "which it does not create and whose name holds no account" in elsewhere
    assert _to_an_ou(bucket(f"b-{OWN}-{REGION}")) is None


def test_a_network_named_by_id_keeps_the_set_in_the_configs_account() -> None:
    """The ML enterprise tier's VPC endpoints name the config's VPC, subnets and security
    group: no other account has them."""
    endpoint = {"E": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
        "VpcId": "vpc-0a1b2c3d4e5f67890", "SubnetIds": ["subnet-0123456789abcdef0"]}}}  # fmt: skip
    assert why(endpoint, [OWN], [REGION]) is None
    refused = why(endpoint, [OWN, OTHER], [REGION]) or ""
    assert "it names subnet-0123456789abcdef0, the config's account's" in refused
    assert "Target the config's own account only" in refused
    assert "it names subnet-0123456789abcdef0" in (_to_an_ou(endpoint) or "")  # an OU: others
