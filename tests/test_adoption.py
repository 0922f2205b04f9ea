"""Adoption: a production delete retains the bucket, key and log groups; the next deploy of the
same config imports them into the new stack (an IMPORT change set) instead of failing on their
names. End to end with the CLIs against the emulator, the emulator's IMPORT change sets on their
own, and the pure parts (the import template, how each type is found again)."""

# ruff: noqa: F811 - the emulator fixtures of test_deploy, imported by name, are parameters here
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conftest import CliRunner, all_ml_configs, all_sec_configs, resource_schema
from provisioner.cfn.import_template import import_template
from provisioner.config.sec_loader import load_sec_config
from provisioner.emulator.settings import SETTINGS
from provisioner.ml.operator_policy import operator_policies as ml_operator_policies
from provisioner.ml.operator_policy import operator_policy as ml_operator_policy
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import MlNames
from provisioner.naming.sec import SecNames
from provisioner.partition import partition_of
from provisioner.policy.evaluation import Request, evaluate
from provisioner.policy.variants import Variant
from provisioner.resource_types.adoption import Retained
from provisioner.resource_types.kms_key import find as find_key
from provisioner.resource_types.registry import RESOURCE_TYPES
from provisioner.sec.operator_policy import operator_policies as sec_operator_policies
from provisioner.sec.plan import plan_stacks
from test_deploy import (  # noqa: F401 - fixtures, used by name
    ACCOUNT,
    ENTERPRISE,
    PROFESSIONAL,
    SEC_SMALL,
    Tenant,
    _not_allowed,
    cloud,
    enterprise_network,
    expect,
    ml_config,
    mode,
    report,
    report_result,
    run_sec_here,
    tenant,
)

STEM = ENTERPRISE.removesuffix(".yaml")


# The artifacts bucket's policy denies every request not made over TLS, and moto enforces it;
# the emulator serves plain HTTP, so the test writes and reads the object in the emulator's S3
# state (in this process) instead.
def _put_object(bucket: str, key: str, body: bytes) -> None:
    from moto.s3.models import s3_backends

    s3_backends[ACCOUNT]["aws"].put_object(bucket, key, body)


def _object(bucket: str, key: str) -> bytes | None:
    from moto.s3.models import s3_backends

    found = s3_backends[ACCOUNT]["aws"].get_object(bucket, key)
    return bytes(found.value) if found is not None else None


# -- end to end: prod delete, then redeploy, with the data still in the bucket -------------------
def test_a_redeploy_after_a_production_delete_adopts_what_was_retained(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant, mode: str
) -> None:
    """In both emulator modes: synchronous, and asynchronous (the import in the background,
    followed as any operation)."""
    enterprise_network(cloud, workdir)
    tenant(ENTERPRISE)
    plan = plan_stack(ml_config(workdir, ENTERPRISE))
    name = plan.stack_name
    retained = {r.logical_id: r for r in plan.resources if r.retain}
    assert {r.type for r in retained.values()} == {
        "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"}  # fmt: skip
    bucket = next(r.physical_name for r in retained.values() if r.type == "AWS::S3::Bucket")
    logs = sorted(r.physical_name for r in retained.values() if r.type == "AWS::Logs::LogGroup")

    expect(run_ml("-con", ENTERPRISE, "-act", "deploy", "--force", "--allow-broadening"), 0)
    key_arn = {o["OutputKey"]: o["OutputValue"] for o in cloud.stack(name)["Outputs"]}["KmsKeyArn"]
    s3 = cloud.client("s3")
    _put_object(bucket, "models/churn.pkl", b"the team's model")
    created = {b["Name"]: b["CreationDate"] for b in s3.list_buckets()["Buckets"]}[bucket]

    deleted = expect(run_ml("-con", ENTERPRISE, "-act", "delete", "--force",
                            "--disable-termination-protection"), 0)  # fmt: skip
    assert "deploying this config again adopts them" in deleted.out
    assert name not in cloud.stacks()

    preview = expect(run_ml("-con", ENTERPRISE, "-act", "show-changes"), 0)
    assert f"{name}: would create" in preview.out
    assert f"deploy will adopt {len(retained)} retained resource(s)" in preview.out
    for logical_id in retained:
        assert re.search(rf"Import +{logical_id} ", preview.out), logical_id
    shown = report_result(workdir, STEM, "show-changes")["stacks"][0]
    imports = {c["logical_id"] for c in shown["changes"] if c["action"] == "Import"}
    assert imports == set(retained), "each retained resource is an Import row, not an Add"
    adopts = {a["logical_id"]: a["identifier"] for a in shown["adopts"]}
    assert adopts[next(i for i, r in retained.items() if r.type == "AWS::S3::Bucket")] == {
        "BucketName": bucket}  # fmt: skip
    assert adopts[next(i for i, r in retained.items() if r.type == "AWS::KMS::Key")] == {
        "KeyId": key_arn.rsplit("/", 1)[1]}  # fmt: skip
    assert name not in cloud.stacks(), "show-changes leaves nothing behind"
    _allowed_by_the_operator_policy(workdir, "show-changes")

    redeployed = expect(run_ml("-con", ENTERPRISE, "-act", "deploy", "--force",
                               "--allow-broadening"), 0)  # fmt: skip
    assert "IMPORT_COMPLETE" in redeployed.out
    stack = cloud.stack(name)
    assert stack["StackStatus"] == "UPDATE_COMPLETE"  # the import, then the full template
    assert stack["EnableTerminationProtection"] is True
    # The same bucket, with its object; the same key; the log groups not made again.
    assert {b["Name"]: b["CreationDate"] for b in s3.list_buckets()["Buckets"]}[bucket] == created
    assert _object(bucket, "models/churn.pkl") == b"the team's model"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["KmsKeyArn"] == key_arn
    groups = cloud.client("logs").describe_log_groups(logGroupNamePrefix="/ml/")["logGroups"]
    assert sorted(g["logGroupName"] for g in groups if g["logGroupName"] in logs) == logs
    held = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in
            cloud.client("cloudformation").describe_stack_resources(StackName=name)
            ["StackResources"]}  # fmt: skip
    assert held[next(i for i, r in retained.items() if r.type == "AWS::S3::Bucket")] == bucket
    assert set(held) == {r.logical_id for r in plan.resources}
    alias = next(r.physical_name for r in plan.resources if r.type == "AWS::KMS::Alias")
    assert cloud.client("kms").describe_key(KeyId=alias)["KeyMetadata"]["Arn"] == key_arn
    deployed = report_result(workdir, STEM, "deploy")["stacks"][0]
    assert {a["logical_id"] for a in deployed["adopted"]} == set(retained)

    _allowed_by_the_operator_policy(workdir, "deploy")  # the finding, the import, the update

    expect(run_ml("-con", ENTERPRISE, "-act", "detect-drift"), 0)  # in sync

    # Deleted again, the same resources are kept again, and adopted again.
    expect(run_ml("-con", ENTERPRISE, "-act", "delete", "--force",
                  "--disable-termination-protection"), 0)  # fmt: skip
    expect(run_ml("-con", ENTERPRISE, "-act", "deploy", "--force", "--allow-broadening"), 0)
    assert _object(bucket, "models/churn.pkl") == b"the team's model"


def test_a_professional_redeploy_adopts_its_bucket(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    """Professional retains only its bucket (no key: S3-managed encryption)."""
    tenant(PROFESSIONAL)
    plan = plan_stack(ml_config(workdir, PROFESSIONAL))
    assert [r.type for r in plan.resources if r.retain] == ["AWS::S3::Bucket"]
    bucket = next(r for r in plan.resources if r.retain)
    argv = ("-con", PROFESSIONAL, "-act")
    expect(run_ml(*argv, "deploy", "--force", "--allow-broadening"), 0)
    _put_object(bucket.physical_name, "data.csv", b"rows")
    expect(run_ml(*argv, "delete", "--force", "--disable-termination-protection"), 0)
    expect(run_ml(*argv, "deploy", "--force", "--allow-broadening"), 0)
    adopted = report_result(workdir, PROFESSIONAL.removesuffix(".yaml"), "deploy")["stacks"][0]
    assert adopted["adopted"] == [{"logical_id": bucket.logical_id, "type": "AWS::S3::Bucket",
                                   "identifier": {"BucketName": bucket.physical_name}}]  # fmt: skip
    assert _object(bucket.physical_name, "data.csv") == b"rows"
    assert cloud.stack(plan.stack_name)["StackStatus"] == "UPDATE_COMPLETE"


def test_an_import_cloudformation_refuses_fails_the_deploy_with_its_reason(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    """The professional bucket exists but another stack holds it: the import is refused, the
    deploy ends with CloudFormation's reason (exit 1), and leaves no stack behind."""
    tenants = tenant(PROFESSIONAL)
    plan = plan_stack(ml_config(workdir, PROFESSIONAL))
    bucket = next(r.physical_name for r in plan.resources if r.type == "AWS::S3::Bucket")
    held = {"Resources": {"Bucket": _retained_bucket(bucket)}}
    cloud.client("cloudformation").create_stack(StackName="squatter", TemplateBody=json.dumps(held))
    failed = expect(run_ml("-con", PROFESSIONAL, "-act", "deploy", "--force",
                           "--allow-broadening"), 1)  # fmt: skip
    assert "Traceback" not in failed.err
    assert "the import of its retained resources was refused" in failed.err
    assert f"ArtifactsBucket (BucketName={bucket}) belongs to stack" in failed.err
    assert cloud.stacks() == {**tenants, "squatter": "CREATE_COMPLETE"}


def _allowed_by_the_operator_policy(workdir: Path, action: str) -> None:
    made = set(report(workdir, STEM, action)["aws"]["api_calls"]["by_operation"])
    assert {"s3:HeadBucket", "logs:DescribeLogGroups"} <= made  # what finds the retained ones
    allowed = ml_operator_policy(ml_config(workdir, ENTERPRISE)).actions
    assert not _not_allowed(made, allowed), (
        f"the operator policy lacks {_not_allowed(made, allowed)}"
    )


def test_a_deploy_with_nothing_retained_adopts_nothing(
    cloud: Any, workdir: Path, run_sec_here: CliRunner
) -> None:
    """A non-production config (here SEC's, which retains nothing in any environment) is
    deleted entirely: its redeploy is a plain create."""
    stacks = plan_stacks(load_sec_config(workdir / "configs" / SEC_SMALL))
    assert not any(r.retain for s in stacks for r in s.resources)
    argv = ("--config", SEC_SMALL, "--action")
    expect(run_sec_here(*argv, "bootstrap", "--force", "--allow-broadening"), 0)
    expect(run_sec_here(*argv, "deploy", "--force"), 0)
    expect(run_sec_here(*argv, "delete", "--force"), 0)
    preview = expect(run_sec_here(*argv, "show-changes"), 0)
    assert "adopt" not in preview.out and "Import" not in preview.out
    shown = report_result(workdir, SEC_SMALL.removesuffix(".yaml"), "show-changes")["stacks"]
    assert all(s["adopts"] == [] for s in shown)
    again = expect(run_sec_here(*argv, "deploy", "--force"), 0)
    assert "IMPORT" not in again.out
    deployed = report_result(workdir, SEC_SMALL.removesuffix(".yaml"), "deploy")["stacks"]
    assert all(s["adopted"] == [] for s in deployed)


# -- the emulator's IMPORT change sets ------------------------------------------------------------
_IN_REGION = {"LocationConstraint": "us-west-2"}
_BUCKET_B = ("AWS::S3::Bucket", {"BucketName": "bucket-b"})


def _retained_bucket(name: str) -> dict[str, Any]:
    return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
            "Properties": {"BucketName": name}}  # fmt: skip


def _import(cf: Any, stack: str, template: dict[str, Any],
            identifiers: dict[str, tuple[str, dict[str, str]]]) -> dict[str, Any]:  # fmt: skip
    made = cf.create_change_set(
        StackName=stack, ChangeSetName="adopt", ChangeSetType="IMPORT",
        TemplateBody=json.dumps(template),
        ResourcesToImport=[
            {"ResourceType": kind, "LogicalResourceId": logical_id, "ResourceIdentifier": ident}
            for logical_id, (kind, ident) in identifiers.items()
        ],
    )  # fmt: skip
    return dict(cf.describe_change_set(ChangeSetName=made["Id"]))


def test_an_import_change_set_takes_the_existing_resources(aws: Any) -> None:
    s3, kms, logs, cf = aws("s3"), aws("kms"), aws("logs"), aws("cloudformation")
    s3.create_bucket(
        Bucket="kept-data", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    s3.put_object(Bucket="kept-data", Key="k", Body=b"v")
    key_id = kms.create_key(Description="kept key")["KeyMetadata"]["KeyId"]
    logs.create_log_group(logGroupName="/kept/logs")
    template = {"Resources": {
        "Bucket": _retained_bucket("kept-data"),
        "Key": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain",
                "Properties": {"Description": "kept key"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain",
                 "Properties": {"LogGroupName": "/kept/logs"}},
    }}  # fmt: skip
    change_set = _import(cf, "adopting", template, {
        "Bucket": ("AWS::S3::Bucket", {"BucketName": "kept-data"}),
        "Key": ("AWS::KMS::Key", {"KeyId": key_id}),
        "Logs": ("AWS::Logs::LogGroup", {"LogGroupName": "/kept/logs"}),
    })  # fmt: skip
    assert change_set["Status"] == "CREATE_COMPLETE"
    assert cf.describe_stacks(StackName="adopting")["Stacks"][0]["StackStatus"] == (
        "REVIEW_IN_PROGRESS")  # fmt: skip
    rows = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]
            for c in change_set["Changes"]}  # fmt: skip
    assert {i: (r["Action"], r["PhysicalResourceId"]) for i, r in rows.items()} == {
        "Bucket": ("Import", "kept-data"), "Key": ("Import", key_id),
        "Logs": ("Import", "/kept/logs")}  # fmt: skip

    cf.execute_change_set(ChangeSetName=change_set["ChangeSetId"])
    assert cf.describe_stacks(StackName="adopting")["Stacks"][0]["StackStatus"] == "IMPORT_COMPLETE"
    events = [(e["LogicalResourceId"], e["ResourceStatus"]) for e in
              reversed(cf.describe_stack_events(StackName="adopting")["StackEvents"])]  # fmt: skip
    assert events[1] == ("adopting", "IMPORT_IN_PROGRESS") and events[-1] == (
        "adopting", "IMPORT_COMPLETE")  # fmt: skip
    for logical_id in rows:
        assert [s for i, s in events if i == logical_id] == [
            "IMPORT_IN_PROGRESS",
            "IMPORT_COMPLETE",
        ]
    held = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cf.describe_stack_resources(StackName="adopting")["StackResources"]
    }
    assert held == {"Bucket": "kept-data", "Key": key_id, "Logs": "/kept/logs"}
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept-data"]  # none made
    assert len(kms.list_keys()["Keys"]) == 1
    assert s3.get_object(Bucket="kept-data", Key="k")["Body"].read() == b"v"

    # An update after the import changes the imported resource in place.
    template["Resources"]["Bucket"]["Properties"]["VersioningConfiguration"] = {"Status": "Enabled"}
    update = cf.create_change_set(
        StackName="adopting", ChangeSetName="then", ChangeSetType="UPDATE",
        TemplateBody=json.dumps(template),
    )  # fmt: skip
    cf.execute_change_set(ChangeSetName=update["Id"])
    assert cf.describe_stacks(StackName="adopting")["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    assert s3.get_bucket_versioning(Bucket="kept-data")["Status"] == "Enabled"
    assert s3.get_object(Bucket="kept-data", Key="k")["Body"].read() == b"v"


def test_an_import_runs_in_the_background_when_resources_take_time(aws: Any) -> None:
    """In the emulator's asynchronous mode an import, like any operation, returns at once and
    the stack is IMPORT_IN_PROGRESS until its resources are taken."""
    s3, cf = aws("s3"), aws("cloudformation")
    s3.create_bucket(Bucket="slow-bucket", CreateBucketConfiguration=_IN_REGION)
    template = {"Resources": {"Bucket": _retained_bucket("slow-bucket")}}
    identifier = {"Bucket": ("AWS::S3::Bucket", {"BucketName": "slow-bucket"})}
    change_set = _import(cf, "slow", template, identifier)
    SETTINGS.resource_delay = 0.3
    try:
        cf.execute_change_set(ChangeSetName=change_set["ChangeSetId"])
        assert cf.describe_stacks(StackName="slow")["Stacks"][0]["StackStatus"] == (
            "IMPORT_IN_PROGRESS")  # fmt: skip
        deadline = time.monotonic() + 10
        while (status := cf.describe_stacks(StackName="slow")["Stacks"][0]["StackStatus"]) == (
            "IMPORT_IN_PROGRESS") and time.monotonic() < deadline:  # fmt: skip
            time.sleep(0.02)
    finally:
        SETTINGS.resource_delay = 0.0
    assert status == "IMPORT_COMPLETE"


def test_an_import_of_what_does_not_exist_fails_the_change_set(aws: Any) -> None:
    cf = aws("cloudformation")
    change_set = _import(cf, "nothing-there", {"Resources": {"Bucket": _retained_bucket("gone")}},
                         {"Bucket": ("AWS::S3::Bucket", {"BucketName": "gone"})})  # fmt: skip
    assert change_set["Status"] == "FAILED"
    assert change_set["ExecutionStatus"] == "UNAVAILABLE"
    assert "Bucket (BucketName=gone)" in change_set["StatusReason"]
    assert "do not exist" in change_set["StatusReason"]
    with pytest.raises(ClientError):
        cf.execute_change_set(ChangeSetName=change_set["ChangeSetId"])
    assert aws("s3").list_buckets()["Buckets"] == [], "nothing is created"


def test_an_import_of_a_resource_another_stack_holds_fails(aws: Any) -> None:
    s3, cf = aws("s3"), aws("cloudformation")
    s3.create_bucket(Bucket="held", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    template = {"Resources": {"Bucket": _retained_bucket("held")}}
    first = _import(cf, "first", template, {"Bucket": ("AWS::S3::Bucket", {"BucketName": "held"})})
    cf.execute_change_set(ChangeSetName=first["ChangeSetId"])
    second = _import(cf, "second", template,
                     {"Bucket": ("AWS::S3::Bucket", {"BucketName": "held"})})  # fmt: skip
    assert second["Status"] == "FAILED" and "already belong to a stack" in second["StatusReason"]


@pytest.mark.parametrize(
    ("resources", "imports", "says"),
    [
        ({"Bucket": _retained_bucket("bucket-b")}, {"Other": _BUCKET_B},
         "provided in ResourcesToImport do not exist in the template"),
        ({"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "bucket-b"}}},
         {"Bucket": _BUCKET_B}, "must have DeletionPolicy attribute specified"),
        ({"Bucket": _retained_bucket("bucket-b"), "Extra": _retained_bucket("bucket-c")},
         {"Bucket": _BUCKET_B}, "neither imported nor in the stack"),
    ],
    ids=["not-in-template", "no-deletion-policy", "not-imported"],
)  # fmt: skip
def test_an_import_change_set_is_refused_as_cloudformation_refuses_it(
    aws: Any, resources: dict[str, Any], imports: dict[str, Any], says: str
) -> None:
    aws("s3").create_bucket(
        Bucket="bucket-b", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    with pytest.raises(ClientError) as refused:
        _import(aws("cloudformation"), "refused", {"Resources": resources}, imports)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert says in refused.value.response["Error"]["Message"]
    assert aws("cloudformation").list_stacks()["StackSummaries"] == []


# -- the pure parts ---------------------------------------------------------------------------
def test_the_import_template_holds_only_the_imported_and_what_they_can_resolve() -> None:
    document = {
        "AWSTemplateFormatVersion": "2010-09-09", "Description": "d",
        "Resources": {
            "Key": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain",
                    "Properties": {"Description": "k"}},
            "Bucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "DependsOn": "Role",
                       "Properties": {"BucketName": "b",
                                      "Encryption": {"Fn::GetAtt": ["Key", "Arn"]},
                                      "Owner": {"Ref": "Role"}}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
        },
        "Outputs": {"B": {"Value": {"Ref": "Bucket"}}},
    }  # fmt: skip
    both = import_template(document, ["Bucket", "Key"])
    assert set(both["Resources"]) == {"Bucket", "Key"} and "Outputs" not in both
    bucket = both["Resources"]["Bucket"]
    assert bucket["Properties"] == {"BucketName": "b", "Encryption": {"Fn::GetAtt": ["Key", "Arn"]}}
    assert bucket["DeletionPolicy"] == "Retain" and "DependsOn" not in bucket
    alone = import_template(document, ["Bucket"])  # the key not found: its reference goes too
    assert alone["Resources"]["Bucket"]["Properties"] == {"BucketName": "b"}


class _Reads:
    def __init__(self, bucket_key: str | None, keys: dict[str, dict[str, Any]]) -> None:
        self.bucket_key, self.keys = bucket_key, keys

    def bucket_exists(self, name: str) -> bool:
        return True

    def bucket_kms_key(self, name: str) -> str | None:
        return self.bucket_key

    def log_group(self, name: str) -> dict[str, Any] | None:
        return None

    def key_if_exists(self, key_id: str) -> dict[str, Any] | None:
        return self.keys.get(key_id)


_ARN = "arn:aws:kms:us-west-2:123456789012:key/k-1"
_RESOURCES: dict[str, Any] = {
    "Key": {"Type": "AWS::KMS::Key", "Properties": {"Description": "ours"}},
    "Bucket": {"Type": "AWS::S3::Bucket",
               "Properties": {"BucketEncryption": {
                   "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}}},
}  # fmt: skip


@pytest.mark.parametrize(
    ("key", "found"),
    [
        ({"KeyId": "k-1", "KeyState": "Enabled", "Description": "ours"}, "k-1"),
        ({"KeyId": "k-1", "KeyState": "PendingDeletion", "Description": "ours"}, None),
        ({"KeyId": "k-1", "KeyState": "Enabled", "Description": "someone else's"}, None),
    ],
    ids=["ours", "pending-deletion", "another-key"],
)
def test_a_retained_key_is_the_one_the_found_bucket_is_encrypted_with(
    key: dict[str, Any], found: str | None
) -> None:
    properties: dict[str, Any] = _RESOURCES["Key"]["Properties"]
    retained = Retained("Key", "AWS::KMS::Key", properties, _RESOURCES, {"Bucket": "b"})
    assert find_key(_Reads(_ARN, {_ARN: key}), retained) == found
    nothing_found = Retained("Key", "AWS::KMS::Key", properties, _RESOURCES, {})
    assert find_key(_Reads(_ARN, {_ARN: key}), nothing_found) is None


def test_every_retained_type_of_the_templates_can_be_adopted() -> None:
    """What the ML templates retain in production, each type with a way to be found again and
    its registry schema's primary identifier."""
    retained_types = {"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"}
    for record in RESOURCE_TYPES:
        if record.cfn_type in retained_types:
            assert record.adoption is not None, record.cfn_type
            schema = resource_schema("us-east-1", record.cfn_type)
            assert schema["primaryIdentifier"] == [f"/properties/{record.adoption.identifier}"]


# -- the operator policy lets a deployer import exactly what its stack retains -----------------
def _may_import(config: Any, policy: Any, types: list[str]) -> bool:
    stack = f"stack/{MlNames(config).stack}/id"
    arn = partition_of(config.region).arn("cloudformation", config.region, config.account_id, stack)
    context: dict[str, bool | list[str]] = {
        "aws:MultiFactorAuthPresent": True,
        "cloudformation:ImportResourceTypes": types,
    }
    request = Request("cloudformation:CreateChangeSet", arn, context)
    return evaluate(request, [policy.to_json()]).allowed


@pytest.mark.parametrize("config", all_ml_configs(), ids=lambda c: f"{c.tier.value}-{c.env}")
def test_only_a_deployer_may_import_and_only_the_retained_types(config: Any) -> None:
    plan = plan_stack(config)
    retained = sorted({r.type for r in plan.resources if r.retain})
    for variant, policy in ml_operator_policies(config).items():
        assert _may_import(config, policy, []) == (variant is not Variant.READ_ONLY)  # no import
        deploys = variant in (Variant.DEPLOYER, Variant.DEPLOYER_NO_DELETE)
        if retained:
            assert _may_import(config, policy, retained) == deploys, variant
        for other in ("AWS::IAM::Role", "AWS::SSM::Parameter"):  # never, not even with the rest
            assert not _may_import(config, policy, [*retained, other]), (variant, other)
    assert not retained or config.is_prod


def test_sec_operators_may_import_nothing() -> None:
    for config in all_sec_configs():
        assert not any(r.retain for s in plan_stacks(config) for r in s.resources)
        for variant, policy in sec_operator_policies(config).items():
            stack = f"stack/{SecNames(config).stack('teams-01')}/id"
            arn = partition_of(config.region).arn("cloudformation", config.region,
                                                  config.account_id, stack)  # fmt: skip
            context: dict[str, bool | list[str]] = {
                "aws:MultiFactorAuthPresent": True,
                "cloudformation:ImportResourceTypes": ["AWS::S3::Bucket"],
            }
            request = Request("cloudformation:CreateChangeSet", arn, context)
            assert not evaluate(request, [policy.to_json()]).allowed, variant
