"""The local AWS emulator: every resource type both provisioners generate is created, read
through its own service API, updated in place and read again, and deleted through
CloudFormation, over HTTP with boto3; each extension's gap is shown failing on plain moto."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from conftest import all_ml_configs, all_sec_configs, resource_schema
from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES
from provisioner.cfn.template import PlannedResource, StackPlan, render_json
from provisioner.config.ml import MlTier, NetworkConfig
from provisioner.ml.plan import plan_stack
from provisioner.sec.plan import plan_stacks

if TYPE_CHECKING:
    from provisioner.deploy.clients import ServiceName

Client = Callable[..., Any]


def _physical(resource: PlannedResource) -> str:
    return resource.physical_name


# Reads each resource through its own service's API; raises ClientError if it is gone.
READERS: dict[str, Callable[[Client, PlannedResource, dict[str, Any]], Any]] = {
    "AWS::SageMaker::ModelPackageGroup": lambda c, r, s: c(
        "sagemaker").describe_model_package_group(ModelPackageGroupName=r.physical_name),
    "AWS::CodeCommit::Repository": lambda c, r, s: c("codecommit").get_repository(
        repositoryName=r.physical_name),
    "AWS::CodeBuild::Project": lambda c, r, s: _one(c("codebuild").batch_get_projects(
        names=[r.physical_name])["projects"]),
    "AWS::CodePipeline::Pipeline": lambda c, r, s: c("codepipeline").get_pipeline(
        name=r.physical_name),
    "AWS::IAM::Role": lambda c, r, s: c("iam").get_role(RoleName=r.physical_name),
    "AWS::IAM::Group": lambda c, r, s: c("iam").get_group(GroupName=r.physical_name),
    "AWS::IAM::ManagedPolicy": lambda c, r, s: c("iam").get_policy(PolicyArn=s[r.logical_id]),
    "AWS::SSM::Parameter": lambda c, r, s: c("ssm").get_parameter(Name=r.physical_name),
    "AWS::S3::Bucket": lambda c, r, s: c("s3").head_bucket(Bucket=r.physical_name),
    "AWS::S3::BucketPolicy": lambda c, r, s: c("s3").get_bucket_policy(Bucket=r.physical_name),
    "AWS::Events::Rule": lambda c, r, s: c("events").describe_rule(Name=r.physical_name),
    "AWS::CloudWatch::Dashboard": lambda c, r, s: c("cloudwatch").get_dashboard(
        DashboardName=r.physical_name),
    "AWS::KMS::Key": lambda c, r, s: c("kms").describe_key(KeyId=s[r.logical_id]),
    "AWS::KMS::Alias": lambda c, r, s: c("kms").describe_key(KeyId=r.physical_name),
    "AWS::Logs::LogGroup": lambda c, r, s: _one(c("logs").describe_log_groups(
        logGroupNamePrefix=r.physical_name)["logGroups"]),
    "AWS::SNS::Topic": lambda c, r, s: c("sns").get_topic_attributes(TopicArn=s[r.logical_id]),
    "AWS::SNS::TopicPolicy": lambda c, r, s: c("sns").get_topic_attributes(TopicArn=r.arn),
    "AWS::EC2::SecurityGroup": lambda c, r, s: c("ec2").describe_security_groups(
        GroupIds=[s[r.logical_id]]),
    "AWS::EC2::VPCEndpoint": lambda c, r, s: _one([  # AWS lists deleted endpoints a while
        e for e in c("ec2").describe_vpc_endpoints(VpcEndpointIds=[s[r.logical_id]])[
            "VpcEndpoints"] if e["State"].lower() != "deleted"]),
}  # fmt: skip


def _one(items: list[Any]) -> Any:
    if len(items) != 1:
        raise ClientError({"Error": {"Code": "NotFound", "Message": "gone"}}, "read")
    return items[0]


EMULATOR_ACCOUNT = "123456789012"  # moto's default account


def in_emulator(config: Any) -> Any:
    return config.model_copy(update={"account_id": EMULATOR_ACCOUNT})


def with_vpc(aws: Client, config: Any) -> Any:
    """Enterprise configs name a VPC: create one in the emulator and point the config at it."""
    config = in_emulator(config)
    if config.tier is not MlTier.ENTERPRISE:
        return config
    ec2 = aws("ec2", config.region)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24")["Subnet"]["SubnetId"]
        for i in (1, 2)
    ]
    network = NetworkConfig(vpc_id=vpc, vpc_cidr="10.20.0.0/16", subnet_ids=subnets)
    return config.model_copy(update={"network": network})


TEMPLATE_BUCKET = "emulator-test-templates"


def template(aws: Client, body: str) -> dict[str, str]:
    """TemplateBody, or over CloudFormation's 51,200-byte limit an S3 upload and TemplateURL."""
    if len(body.encode("utf-8")) <= TEMPLATE_BODY_MAX_BYTES:
        return {"TemplateBody": body}
    s3 = aws("s3")
    if TEMPLATE_BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=TEMPLATE_BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": "us-west-2"})  # fmt: skip
    key = f"templates/{hashlib.sha256(body.encode()).hexdigest()}.json"
    s3.put_object(Bucket=TEMPLATE_BUCKET, Key=key, Body=body.encode())
    return {"TemplateURL": f"{s3.meta.endpoint_url}/{TEMPLATE_BUCKET}/{key}"}


def create_boundaries(iam: Any, body: str) -> None:
    """Make the permissions boundaries a template's roles name and it does not declare
    itself, as they exist before a deploy in AWS (made by another stack or by hand): IAM
    refuses a role whose boundary does not exist. Only the emulator's account's: a boundary
    in another account is a mistake the deploy must show."""
    resources = json.loads(body).get("Resources", {})
    declared = {r.get("Properties", {}).get("ManagedPolicyName") for r in resources.values()
                if r.get("Type") == "AWS::IAM::ManagedPolicy"}  # fmt: skip
    existing = {p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]}
    for resource in resources.values():
        arn = resource.get("Properties", {}).get("PermissionsBoundary")
        if resource.get("Type") != "AWS::IAM::Role" or not isinstance(arn, str):
            continue
        _, _, _, _, account, name = arn.split(":", 5)
        path, _, name = name.removeprefix("policy").rpartition("/")
        if account != EMULATOR_ACCOUNT or arn in existing or name in declared:
            continue
        iam.create_policy(PolicyName=name, Path=f"{path}/", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))  # fmt: skip
        existing.add(arn)


def deploy(aws: Client, region: str, plan: StackPlan) -> dict[str, str]:
    cf = aws("cloudformation", region)
    create_boundaries(aws("iam"), plan.render())
    cf.create_stack(StackName=plan.stack_name, Capabilities=["CAPABILITY_NAMED_IAM"],
                    **template(aws, plan.render()))  # fmt: skip
    stack = cf.describe_stacks(StackName=plan.stack_name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    resources = cf.describe_stack_resources(StackName=plan.stack_name)["StackResources"]
    assert sorted(r["LogicalResourceId"] for r in resources) == sorted(
        r.logical_id for r in plan.resources
    )
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    assert set(outputs) == {o.logical_id for o in plan.outputs}
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}


def lifecycle(aws: Client, region: str, plans: list[StackPlan]) -> set[str]:
    checked = set()
    regional = lambda service: aws(service, region)  # noqa: E731
    for plan in plans:
        physical = deploy(aws, region, plan)
        for resource in plan.resources:
            READERS[resource.type](regional, resource, physical)
            checked.add(resource.type)
        update(aws, region, plan, physical)
        stack_id = aws("cloudformation", region).describe_stacks(StackName=plan.stack_name)[
            "Stacks"][0]["StackId"]  # fmt: skip
        aws("cloudformation", region).delete_stack(StackName=plan.stack_name)
        status = aws("cloudformation", region).describe_stacks(StackName=stack_id)["Stacks"][0]
        assert status["StackStatus"] == "DELETE_COMPLETE"
        for resource in plan.resources:
            if resource.retain:
                READERS[resource.type](regional, resource, physical)  # kept on purpose
                continue
            if resource.type in ("AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy"):
                continue  # their parent's absence is checked
            with pytest.raises(ClientError):
                READERS[resource.type](regional, resource, physical)
                pytest.fail(f"{resource.logical_id} ({resource.type}) survived its stack")
    return checked


# -- the update step ----------------------------------------------------------------------------
UPDATED = "updated by the lifecycle test"


@dataclass(frozen=True)
class Update:
    """How the update step changes one resource type, and how the change is read back.

    `prop` is a property CloudFormation updates in place (not create-only in the type's
    registry schema), so the physical id must not change. `change` edits the template's
    resources and returns what `read` must see afterwards (a `{"Ref": id}` stands for that
    resource's new physical id)."""

    prop: str
    change: Callable[[dict[str, Any], str], Any]
    read: Callable[[Client, PlannedResource, dict[str, str]], Any]


def _props(resources: dict[str, Any], logical_id: str) -> dict[str, Any]:
    properties: dict[str, Any] = resources[logical_id]["Properties"]
    return properties


def _set(prop: str, value: Callable[[Any], Any]) -> Callable[[dict[str, Any], str], Any]:
    def change(resources: dict[str, Any], logical_id: str) -> Any:
        properties = _props(resources, logical_id)
        properties[prop] = value(properties.get(prop))
        return properties[prop]

    return change


def _first_sid(document_prop: str) -> Callable[[dict[str, Any], str], Any]:
    """Rename the first statement of a policy document (a change IAM, S3, SNS all keep)."""

    def change(resources: dict[str, Any], logical_id: str) -> Any:
        properties = _props(resources, logical_id)
        holder = properties
        if document_prop == "Policies":  # a group's inline policies: change the first one
            holder = properties["Policies"][0]
        holder["PolicyDocument"]["Statement"][0]["Sid"] = "LifecycleUpdated"
        return "LifecycleUpdated"

    return change


def _retarget_alias(resources: dict[str, Any], logical_id: str) -> Any:
    """An alias can only be pointed at another key: add one to the stack."""
    properties = _props(resources, logical_id)
    target = properties["TargetKeyId"]["Ref"]
    resources[f"{target}Updated"] = copy.deepcopy(resources[target])
    properties["TargetKeyId"] = {"Ref": f"{target}Updated"}
    return {"Ref": f"{target}Updated"}


def _first_ingress_description(resources: dict[str, Any], logical_id: str) -> Any:
    _props(resources, logical_id)["SecurityGroupIngress"][0]["Description"] = UPDATED
    return UPDATED


def _pipeline_branch(resources: dict[str, Any], logical_id: str) -> Any:
    source = _props(resources, logical_id)["Stages"][0]["Actions"][0]
    source["Configuration"]["BranchName"] = "release"
    return {"branch": "release", "version": 2}  # CodePipeline counts every update


def _tag_map(tags: list[dict[str, str]]) -> dict[str, str]:
    """The tags a template declares (not the aws:cloudformation:* ones the service adds)."""
    return {t["Key"]: t["Value"] for t in tags if not t["Key"].startswith("aws:")}


def _retag(tags: list[dict[str, str]] | None) -> list[dict[str, str]]:
    return [t for t in tags or [] if t["Key"] != "lifecycle"] + [
        {"Key": "lifecycle", "Value": "updated"}
    ]


def _sid(document: Any) -> Any:
    document = json.loads(document) if isinstance(document, str) else document
    return document["Statement"][0]["Sid"]


def _policy_version(c: Client, arn: str) -> Any:
    iam = c("iam")
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]


UPDATES: dict[str, Update] = {
    "AWS::SageMaker::ModelPackageGroup": Update("Tags",
        lambda res, i: _tag_map(_set("Tags", _retag)(res, i)),
        lambda c, r, s: _tag_map(c("sagemaker").list_tags(ResourceArn=s[r.logical_id])["Tags"])),
    "AWS::CodeCommit::Repository": Update("RepositoryDescription", _set(
        "RepositoryDescription", lambda _: UPDATED),
        lambda c, r, s: c("codecommit").get_repository(repositoryName=r.physical_name)[
            "repositoryMetadata"]["repositoryDescription"]),
    "AWS::CodeBuild::Project": Update("Description", _set("Description", lambda _: UPDATED),
        lambda c, r, s: _one(c("codebuild").batch_get_projects(names=[r.physical_name])[
            "projects"])["description"]),
    "AWS::CodePipeline::Pipeline": Update("Stages", _pipeline_branch,
        lambda c, r, s: (lambda p: {"branch": p["stages"][0]["actions"][0]["configuration"][
            "BranchName"], "version": p["version"]})(
            c("codepipeline").get_pipeline(name=r.physical_name)["pipeline"])),
    "AWS::IAM::Role": Update("MaxSessionDuration", _set("MaxSessionDuration", lambda _: 7200),
        lambda c, r, s: c("iam").get_role(RoleName=r.physical_name)["Role"][
            "MaxSessionDuration"]),
    "AWS::IAM::Group": Update("Policies", _first_sid("Policies"),
        lambda c, r, s: _sid(c("iam").get_group_policy(GroupName=r.physical_name,
            PolicyName="assume-persona-role")["PolicyDocument"])),
    "AWS::IAM::ManagedPolicy": Update("PolicyDocument", _first_sid("PolicyDocument"),
        lambda c, r, s: _sid(_policy_version(c, s[r.logical_id]))),
    "AWS::SSM::Parameter": Update("Value", _set("Value", lambda _: UPDATED),
        lambda c, r, s: c("ssm").get_parameter(Name=r.physical_name)["Parameter"]["Value"]),
    "AWS::S3::Bucket": Update("VersioningConfiguration", _set(
        "VersioningConfiguration", lambda _: {"Status": "Suspended"}),
        lambda c, r, s: {"Status": c("s3").get_bucket_versioning(Bucket=r.physical_name)[
            "Status"]}),
    "AWS::S3::BucketPolicy": Update("PolicyDocument", _first_sid("PolicyDocument"),
        lambda c, r, s: _sid(c("s3").get_bucket_policy(Bucket=r.physical_name)["Policy"])),
    "AWS::Events::Rule": Update("State", _set("State", lambda _: "DISABLED"),
        lambda c, r, s: c("events").describe_rule(Name=r.physical_name)["State"]),
    "AWS::CloudWatch::Dashboard": Update("DashboardBody", _set(
        "DashboardBody", lambda _: '{"widgets":[]}'),
        lambda c, r, s: c("cloudwatch").get_dashboard(DashboardName=r.physical_name)[
            "DashboardBody"]),
    "AWS::KMS::Key": Update("Description", _set("Description", lambda _: UPDATED),
        lambda c, r, s: c("kms").describe_key(KeyId=s[r.logical_id])["KeyMetadata"][
            "Description"]),
    "AWS::KMS::Alias": Update("TargetKeyId", _retarget_alias,
        lambda c, r, s: c("kms").describe_key(KeyId=r.physical_name)["KeyMetadata"]["KeyId"]),
    "AWS::Logs::LogGroup": Update("RetentionInDays", _set(
        "RetentionInDays", lambda days: 60 if days == 30 else 30),
        lambda c, r, s: _one(c("logs").describe_log_groups(logGroupNamePrefix=r.physical_name)[
            "logGroups"])["retentionInDays"]),
    "AWS::SNS::Topic": Update("DisplayName", _set("DisplayName", lambda _: "updated"),
        lambda c, r, s: c("sns").get_topic_attributes(TopicArn=s[r.logical_id])[
            "Attributes"]["DisplayName"]),
    "AWS::SNS::TopicPolicy": Update("PolicyDocument", _first_sid("PolicyDocument"),
        lambda c, r, s: _sid(c("sns").get_topic_attributes(TopicArn=r.arn)[
            "Attributes"]["Policy"])),
    "AWS::EC2::SecurityGroup": Update("SecurityGroupIngress", _first_ingress_description,
        lambda c, r, s: _one(c("ec2").describe_security_groups(GroupIds=[s[r.logical_id]])[
            "SecurityGroups"])["IpPermissions"][0]["IpRanges"][0]["Description"]),
    "AWS::EC2::VPCEndpoint": Update("PrivateDnsEnabled", _set(
        "PrivateDnsEnabled", lambda enabled: not enabled),
        lambda c, r, s: _one(c("ec2").describe_vpc_endpoints(VpcEndpointIds=[s[r.logical_id]])[
            "VpcEndpoints"])["PrivateDnsEnabled"]),
}  # fmt: skip


def test_each_update_changes_a_property_cloudformation_updates_in_place() -> None:
    for resource_type, how in UPDATES.items():
        schema = resource_schema("us-west-2", resource_type)
        assert f"/properties/{how.prop}" not in schema.get("createOnlyProperties", [])


def update(aws: Client, region: str, plan: StackPlan, before: dict[str, str]) -> None:
    """Redeploy the stack with one in-place change per resource; each change must reach the
    service, no resource may be replaced, and each one reports UPDATE_COMPLETE."""
    changed = copy.deepcopy(plan.to_cfn())
    resources: dict[str, Any] = changed["Resources"]
    expected = {r.logical_id: UPDATES[r.type].change(resources, r.logical_id)
                for r in plan.resources}  # fmt: skip
    cf = aws("cloudformation", region)
    cf.update_stack(StackName=plan.stack_name, Capabilities=["CAPABILITY_NAMED_IAM"],
                    **template(aws, render_json(changed)))  # fmt: skip
    stack = cf.describe_stacks(StackName=plan.stack_name)["Stacks"][0]
    reasons = [e[2] for e in events(cf, plan.stack_name) if e[1].endswith("FAILED")]
    assert stack["StackStatus"] == "UPDATE_COMPLETE", reasons
    listed = cf.describe_stack_resources(StackName=plan.stack_name)["StackResources"]
    after = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in listed}
    assert {k: after[k] for k in before} == before  # updated in place, nothing replaced
    regional = lambda service: aws(service, region)  # noqa: E731
    for resource in plan.resources:
        want = expected[resource.logical_id]
        if isinstance(want, dict) and set(want) == {"Ref"}:
            want = after[want["Ref"]]
        got = UPDATES[resource.type].read(regional, resource, after)
        assert got == want, f"{resource.logical_id} ({resource.type}): {got!r} != {want!r}"
    updated = {e[0] for e in events(cf, plan.stack_name) if e[1] == "UPDATE_COMPLETE"}
    assert {r.logical_id for r in plan.resources} <= updated


@pytest.mark.parametrize("tier", list(MlTier))
def test_ml_stack_lifecycle_every_tier(aws: Client, tier: MlTier) -> None:
    config = next(c for c in all_ml_configs() if c.tier is tier)
    config = with_vpc(aws, config)
    checked = lifecycle(aws, config.region, [plan_stack(config)])
    assert checked == {r.type for r in plan_stack(config).resources}


def test_ml_non_prod_deletes_everything(aws: Client) -> None:
    config = next(c for c in all_ml_configs() if c.tier is MlTier.ENTERPRISE)
    config = with_vpc(aws, config.model_copy(update={"env": "dev"}))
    lifecycle(aws, config.region, [plan_stack(config)])


@pytest.mark.parametrize("tier", sorted({c.tier.value for c in all_sec_configs()}))
def test_sec_stacks_lifecycle_every_tier(aws: Client, tier: str) -> None:
    config = in_emulator(next(c for c in all_sec_configs() if c.tier.value == tier))
    checked = lifecycle(aws, config.region, plan_stacks(config))
    assert checked == {"AWS::IAM::Role", "AWS::IAM::Group", "AWS::IAM::ManagedPolicy",
                       "AWS::SSM::Parameter"}  # fmt: skip


def test_group_inline_policy_is_stored_as_json(aws: Client) -> None:
    config = in_emulator(all_sec_configs()[0])
    plan = plan_stacks(config)[0]
    deploy(aws, config.region, plan)
    group = next(r for r in plan.resources if r.type == "AWS::IAM::Group")
    iam = aws("iam")
    document = iam.get_group_policy(GroupName=group.physical_name,
                                    PolicyName="assume-persona-role")["PolicyDocument"]  # fmt: skip
    document = json.loads(document) if isinstance(document, str) else document
    assert document["Statement"][0]["Action"] == "sts:AssumeRole"


# -- each extension closes a gap that plain moto has ------------------------------------------
def role(service: str) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": f"gap-{service}-role",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": f"{service}.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
        },
    }


ROLE = role("codebuild")  # fmt: skip
GAPS: dict[str, dict[str, Any]] = {
    "AWS::IAM::Group": {"Thing": {"Type": "AWS::IAM::Group",
                                  "Properties": {"GroupName": "gap-group"}}},
    "AWS::SageMaker::ModelPackageGroup": {"Thing": {"Type": "AWS::SageMaker::ModelPackageGroup",
        "Properties": {"ModelPackageGroupName": "gap-mpg"}}},
    "AWS::CodeCommit::Repository": {"Thing": {"Type": "AWS::CodeCommit::Repository",
        "Properties": {"RepositoryName": "gap-repo"}}},
    "AWS::CodeBuild::Project": {"Role": ROLE, "Thing": {"Type": "AWS::CodeBuild::Project",
        "Properties": {"Name": "gap-build", "ServiceRole": {"Fn::GetAtt": ["Role", "Arn"]},
                       "Source": {"Type": "NO_SOURCE", "BuildSpec": "version: 0.2"},
                       "Artifacts": {"Type": "NO_ARTIFACTS"},
                       "Environment": {"Type": "LINUX_CONTAINER",
                                       "Image": "aws/codebuild/standard:7.0",
                                       "ComputeType": "BUILD_GENERAL1_SMALL"}}}},
    "AWS::CodePipeline::Pipeline": {"Role": role("codepipeline"), "Thing": {
        "Type": "AWS::CodePipeline::Pipeline",
        "Properties": {"Name": "gap-pipeline", "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                       "ArtifactStore": {"Type": "S3", "Location": "gap-bucket"},
                       "Stages": [{"Name": "Source", "Actions": [{"Name": "S", "ActionTypeId": {
                           "Category": "Source", "Owner": "AWS", "Provider": "CodeCommit",
                           "Version": "1"}, "Configuration": {"RepositoryName": "r",
                           "BranchName": "main"}, "OutputArtifacts": [{"Name": "Src"}]}]},
                           {"Name": "Build", "Actions": [{"Name": "B", "ActionTypeId": {
                           "Category": "Build", "Owner": "AWS", "Provider": "CodeBuild",
                           "Version": "1"}, "Configuration": {"ProjectName": "p"},
                           "InputArtifacts": [{"Name": "Src"}]}]}]}}},
    "AWS::SSM::Parameter": {"Thing": {"Type": "AWS::SSM::Parameter", "Properties": {
        "Name": "/gap/param", "Type": "String", "Value": "v", "Tags": {"team": "x"}}}},
    "AWS::KMS::Key": {"Thing": {"Type": "AWS::KMS::Key", "Properties": {
        "KeyPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*",
            "Resource": "*"}]}, "Tags": [{"Key": "team", "Value": "x"}]}}},
    "AWS::S3::BucketPolicy": {"Bucket": {"Type": "AWS::S3::Bucket",
        "Properties": {"BucketName": "gap-policy-bucket"}},
        "Thing": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Bucket"},
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
            "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::gap-policy-bucket/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}},
    "AWS::IAM::ManagedPolicy": {"Role": ROLE, "Thing": {"Type": "AWS::IAM::ManagedPolicy",
        "Properties": {"ManagedPolicyName": "gap-policy", "Roles": [{"Ref": "Role"}],
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "*"}]}}}},
}  # fmt: skip


class Divergence(AssertionError):
    """Where a lifecycle departs from CloudFormation's: the step, and the AWS error code or
    the wrong value seen there (a canary on plain moto asserts exactly that)."""


SERVER_ERROR = "HTTP 500, no AWS error (moto's server raised)"


@contextmanager
def step(name: str) -> Iterator[None]:
    """Name the step an AWS error comes from."""
    try:
        yield
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        raise Divergence(f"{name}: {SERVER_ERROR if code == '500' else code}") from exc
    except ResponseParserError as exc:  # botocore could not parse the HTML error page
        raise Divergence(f"{name}: {SERVER_ERROR}") from exc


@contextmanager
def first_failing_call() -> Iterator[None]:
    """Raise Divergence naming the first AWS operation that fails, and how, whichever client
    of the scenario makes it."""
    from unittest import mock

    from botocore.client import BaseClient

    original = BaseClient._make_api_call  # type: ignore[attr-defined]  # private: every call's way

    def call(client: Any, operation: str, params: Any) -> Any:
        with step(operation):
            return original(client, operation, params)

    with mock.patch.object(BaseClient, "_make_api_call", call):
        yield


def expect(name: str, seen: Any, expected: Any) -> None:
    if seen != expected:
        raise Divergence(f"{name}: {seen!r}")


def gap_lifecycle(url: str, resource_type: str) -> None:
    """Create the stack, read the resource through its own API, delete the stack; nothing
    may be left behind. Raises Divergence at the first step that does not behave as
    CloudFormation does."""
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t",
                                    region_name="us-west-2")  # fmt: skip

    def client(service: ServiceName) -> Any:
        return session.client(service, endpoint_url=url)

    name = "gap-" + resource_type.replace("::", "-").lower()
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": GAPS[resource_type]}
    cf = client("cloudformation")
    with step("create"):
        cf.create_stack(StackName=name, TemplateBody=json.dumps(template),
                        Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
        resources = cf.describe_stack_resources(StackName=name)["StackResources"]
    things = [r for r in resources if r.get("LogicalResourceId") == "Thing"]
    if not things:
        status = cf.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        raise Divergence(f"create: {status} with no resource Thing in the stack")
    physical = things[0]["PhysicalResourceId"]
    check: Callable[[], object] = {
        "AWS::IAM::Group": lambda: client("iam").get_group(GroupName="gap-group"),
        "AWS::SageMaker::ModelPackageGroup": lambda: client("sagemaker")
        .describe_model_package_group(ModelPackageGroupName="gap-mpg"),
        "AWS::CodeCommit::Repository": lambda: client("codecommit").get_repository(
            repositoryName="gap-repo"),
        "AWS::CodeBuild::Project": lambda: _one(client("codebuild").batch_get_projects(
            names=["gap-build"])["projects"]),
        "AWS::CodePipeline::Pipeline": lambda: client("codepipeline").get_pipeline(
            name="gap-pipeline"),
        "AWS::SSM::Parameter": lambda: client("ssm").get_parameter(Name="/gap/param"),
        "AWS::KMS::Key": lambda: client("kms").get_key_policy(KeyId=physical,
                                                             PolicyName="default"),
        "AWS::S3::BucketPolicy": lambda: client("s3").get_bucket_policy(
            Bucket="gap-policy-bucket"),
        "AWS::IAM::ManagedPolicy": lambda: client("iam").get_policy(PolicyArn=physical),
    }[resource_type]  # fmt: skip
    with step("read"):
        check()
    stack_id = cf.describe_stacks(StackName=name)["Stacks"][0]["StackId"]
    with step("delete"):
        cf.delete_stack(StackName=name)
    expect("delete", cf.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"],
           "DELETE_COMPLETE")  # fmt: skip
    try:
        check()
    except ClientError:
        return
    raise Divergence("after delete: the resource is still there")


_SKIPPED = "create: CREATE_COMPLETE with no resource Thing in the stack"
# What plain moto does with each type: moto's CloudFormation skips a type it does not model
# (the stack completes, holding nothing), or fails one step.
PLAIN_MOTO_GAPS = {
    "AWS::CodeBuild::Project": _SKIPPED,
    "AWS::CodeCommit::Repository": _SKIPPED,
    "AWS::CodePipeline::Pipeline": _SKIPPED,
    "AWS::IAM::Group": _SKIPPED,
    "AWS::SageMaker::ModelPackageGroup": _SKIPPED,
    "AWS::S3::BucketPolicy": _SKIPPED,
    # Tags in CloudFormation's {Key, Value} shape, not KMS's: CreateStack raises.
    "AWS::KMS::Key": f"create: {SERVER_ERROR}",
    # Tags as CloudFormation's key→value map, read as a list: CreateStack raises.
    "AWS::SSM::Parameter": f"create: {SERVER_ERROR}",
    # The policy is never deleted, so the role it stays attached to cannot be.
    "AWS::IAM::ManagedPolicy": "delete: DeleteConflict",
}


@pytest.mark.parametrize("resource_type", sorted(GAPS))
def test_extension_closes_a_moto_gap(emulator: Any, plain_moto: str, resource_type: str) -> None:
    emulator.reset()
    gap_lifecycle(emulator.url, resource_type)
    reset(plain_moto)
    with pytest.raises(Divergence) as shown:
        gap_lifecycle(plain_moto, resource_type)
    assert str(shown.value) == PLAIN_MOTO_GAPS[resource_type]


# -- property and update gaps: each extension's own scenario -----------------------------------
@dataclass(frozen=True)
class Gap:
    """A stack, optionally an update of it, and what the service must hold after each.

    `read(client, physical ids)` returns what the service's own API shows; `between` runs
    before the update (a change made outside the stack that the update must keep)."""

    created: dict[str, Any]
    read: Callable[[Callable[[ServiceName], Any], dict[str, str]], Any]
    expect_created: Any
    updated: dict[str, Any] | None = None
    expect_updated: Any = None
    between: Callable[[Callable[[ServiceName], Any], dict[str, str]], None] | None = None


def _doc(sid: str, action: str = "s3:GetObject") -> dict[str, Any]:
    statement = {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": "*"}
    return {"Version": "2012-10-17", "Statement": [statement]}


def _with(resource: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {**resource, "Properties": {**resource["Properties"], **properties}}


def _trusting(service: str) -> dict[str, Any]:
    return role(service)["Properties"]["AssumeRolePolicyDocument"]  # type: ignore[no-any-return]


GAP_ROLE = _with(ROLE, RoleName="gap-role")
GAP_POLICY = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
    "ManagedPolicyName": "gap-attached", "PolicyDocument": _doc("One")}}  # fmt: skip
GAP_POLICY_2 = _with(GAP_POLICY, ManagedPolicyName="gap-attached-2")
GAP_BUCKET = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "gap-props-bucket"}}
GAP_VPC = {
    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.30.0.0/16"}},
    "SubnetA": {"Type": "AWS::EC2::Subnet", "Properties": {
        "VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.30.1.0/24"}},
    "SubnetB": {"Type": "AWS::EC2::Subnet", "Properties": {
        "VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.30.2.0/24"}},
}  # fmt: skip
GAP_GROUP = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
    "GroupName": "gap-sg", "GroupDescription": "gap", "VpcId": {"Ref": "Vpc"},
    "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                              "CidrIp": "10.30.0.0/16", "Description": "https in"}],
    "SecurityGroupEgress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                             "CidrIp": "10.30.0.0/16", "Description": "https out"}]}}  # fmt: skip
GAP_ENDPOINT = {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
    "VpcId": {"Ref": "Vpc"}, "ServiceName": "com.amazonaws.us-west-2.kms",
    "VpcEndpointType": "Interface", "PrivateDnsEnabled": True,
    "SubnetIds": [{"Ref": "SubnetA"}], "Tags": [{"Key": "team", "Value": "one"}]}}  # fmt: skip
GAP_TOPIC = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "gap-topic",
                                                       "DisplayName": "one"}}  # fmt: skip
GAP_PARAM = {"Type": "AWS::SSM::Parameter", "Properties": {
    "Name": "/gap/update", "Type": "String", "Value": "one"}}  # fmt: skip
GAP_KEY = {"Type": "AWS::KMS::Key", "Properties": {
    "Description": "one", "EnableKeyRotation": True, "KeyPolicy": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Resource": "*"}]}}}  # fmt: skip
GAP_LOGS = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/gap/logs",
                                                          "RetentionInDays": 7}}  # fmt: skip


def _attached(c: Callable[[ServiceName], Any], s: dict[str, str]) -> list[str]:
    found = c("iam").list_attached_role_policies(RoleName="gap-role")["AttachedPolicies"]
    return sorted(p["PolicyName"] for p in found)


def _role_facts(c: Callable[[ServiceName], Any], s: dict[str, str]) -> dict[str, Any]:
    found = c("iam").get_role(RoleName="gap-role")["Role"]
    return {"Description": found.get("Description"),
            "MaxSessionDuration": found["MaxSessionDuration"],
            "Trusts": found["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "Tags": _tag_map(found.get("Tags", []))}  # fmt: skip


def _rules(c: Callable[[ServiceName], Any], s: dict[str, str]) -> dict[str, Any]:
    group = _one(c("ec2").describe_security_groups(GroupIds=[s["Group"]])["SecurityGroups"])

    def shape(rules: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return sorted((r["IpProtocol"], r.get("FromPort"), r.get("ToPort"),
                       tuple((x["CidrIp"], x.get("Description")) for x in r["IpRanges"]))
                      for r in rules)  # fmt: skip

    return {"in": shape(group["IpPermissions"]), "out": shape(group["IpPermissionsEgress"]),
            "tags": _tag_map(group.get("Tags", []))}  # fmt: skip


def _endpoint(c: Callable[[ServiceName], Any], s: dict[str, str]) -> dict[str, Any]:
    found = _one(c("ec2").describe_vpc_endpoints(VpcEndpointIds=[s["Endpoint"]])["VpcEndpoints"])
    subnets = {s["SubnetA"]: "A", s["SubnetB"]: "B"}
    return {"subnets": sorted(subnets[i] for i in found["SubnetIds"]),
            "dns": found["PrivateDnsEnabled"]}  # fmt: skip


def _subscribe(c: Callable[[ServiceName], Any], s: dict[str, str]) -> None:
    c("sns").subscribe(TopicArn=s["Topic"], Protocol="email", Endpoint="ops@example.com")


def _topic(c: Callable[[ServiceName], Any], s: dict[str, str]) -> dict[str, Any]:
    sns = c("sns")
    attributes = sns.get_topic_attributes(TopicArn=s["Topic"])["Attributes"]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=s["Topic"])["Subscriptions"]
    return {"DisplayName": attributes["DisplayName"], "subscriptions": len(subscriptions)}


def _parameter(c: Callable[[ServiceName], Any], s: dict[str, str]) -> tuple[str, int]:
    found = c("ssm").get_parameter(Name="/gap/update")["Parameter"]
    return found["Value"], found["Version"]


def _key(c: Callable[[ServiceName], Any], s: dict[str, str]) -> tuple[str, bool]:
    kms = c("kms")
    description = kms.describe_key(KeyId=s["Key"])["KeyMetadata"]["Description"]
    return description, kms.get_key_rotation_status(KeyId=s["Key"])["KeyRotationEnabled"]


def _encryption(c: Callable[[ServiceName], Any], s: dict[str, str]) -> Any:
    rules = c("s3").get_bucket_encryption(Bucket="gap-props-bucket")[
        "ServerSideEncryptionConfiguration"]["Rules"]  # fmt: skip
    return rules[0].get("BucketKeyEnabled")


def _encrypted(key_enabled: bool) -> dict[str, Any]:
    return {"ServerSideEncryptionConfiguration": [{"BucketKeyEnabled": key_enabled,
            "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": "arn:aws:kms:us-west-2:123456789012:key/gap"}}]}  # fmt: skip


BLOCK_ALL = {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
             "RestrictPublicBuckets": True}  # fmt: skip

PROPERTY_GAPS: dict[str, Gap] = {
    "cfn_iam_role_managed_policy_arns": Gap(
        {"P": GAP_POLICY, "Q": GAP_POLICY_2,
         "Role": _with(GAP_ROLE, ManagedPolicyArns=[{"Ref": "P"}])},
        _attached, ["gap-attached"],
        {"P": GAP_POLICY, "Q": GAP_POLICY_2,
         "Role": _with(GAP_ROLE, ManagedPolicyArns=[{"Ref": "Q"}])},
        ["gap-attached-2"]),
    "cfn_iam_role_inline_policies": Gap(
        {"Role": _with(GAP_ROLE, Policies=[{"PolicyName": "inline",
                                            "PolicyDocument": _doc("One")}])},
        lambda c, s: c("iam").get_role_policy(RoleName="gap-role", PolicyName="inline")[
            "PolicyDocument"], _doc("One"),
        {"Role": _with(GAP_ROLE, Policies=[{"PolicyName": "inline",
                                            "PolicyDocument": _doc("Two")}])},
        _doc("Two")),
    "cfn_iam_role_update": Gap(
        {"Role": _with(GAP_ROLE, Description="one", MaxSessionDuration=7200,
                       Tags=[{"Key": "team", "Value": "one"}])},
        _role_facts, {"Description": "one", "MaxSessionDuration": 7200,
                      "Trusts": "codebuild.amazonaws.com", "Tags": {"team": "one"}},
        {"Role": _with(GAP_ROLE, Description="two", MaxSessionDuration=7200,
                       AssumeRolePolicyDocument=_trusting("codepipeline"),
                       Tags=[{"Key": "team", "Value": "two"}])},
        {"Description": "two", "MaxSessionDuration": 7200,
         "Trusts": "codepipeline.amazonaws.com", "Tags": {"team": "two"}}),
    "cfn_iam_managed_policy_update": Gap(
        {"Role": GAP_ROLE, "Policy": _with(GAP_POLICY, Roles=[{"Ref": "Role"}])},
        lambda c, s: (_sid(_policy_version(c, s["Policy"])), _attached(c, s)),
        ("One", ["gap-attached"]),
        {"Role": GAP_ROLE, "Policy": _with(GAP_POLICY, PolicyDocument=_doc("Two"), Roles=[])},
        ("Two", [])),
    "cfn_kms_key_update": Gap(
        {"Key": GAP_KEY}, _key, ("one", True),
        {"Key": _with(GAP_KEY, Description="two", EnableKeyRotation=False)}, ("two", False)),
    "cfn_logs_log_group_update": Gap(
        {"Logs": GAP_LOGS},
        lambda c, s: _one(c("logs").describe_log_groups(logGroupNamePrefix="/gap/logs")[
            "logGroups"])["retentionInDays"], 7,
        {"Logs": _with(GAP_LOGS, RetentionInDays=30)}, 30),
    "cfn_ec2_vpc_endpoint_update": Gap(
        {**GAP_VPC, "Endpoint": GAP_ENDPOINT}, _endpoint, {"subnets": ["A"], "dns": True},
        {**GAP_VPC, "Endpoint": _with(GAP_ENDPOINT, PrivateDnsEnabled=False,
                                      SubnetIds=[{"Ref": "SubnetA"}, {"Ref": "SubnetB"}])},
        {"subnets": ["A", "B"], "dns": False}),
    "cfn_ec2_vpc_endpoint_tags": Gap(
        {**GAP_VPC, "Endpoint": GAP_ENDPOINT},
        lambda c, s: _tag_map(_one(c("ec2").describe_vpc_endpoints(
            VpcEndpointIds=[s["Endpoint"]])["VpcEndpoints"]).get("Tags", [])), {"team": "one"},
        {**GAP_VPC, "Endpoint": _with(GAP_ENDPOINT, Tags=[{"Key": "team", "Value": "two"}])},
        {"team": "two"}),
    "cfn_ec2_security_group_rules": Gap(
        {**GAP_VPC, "Group": GAP_GROUP}, _rules,
        {"in": [("tcp", 443, 443, (("10.30.0.0/16", "https in"),))],
         "out": [("tcp", 443, 443, (("10.30.0.0/16", "https out"),))], "tags": {}}),
    "cfn_ec2_security_group_update": Gap(
        {**GAP_VPC, "Group": GAP_GROUP}, lambda c, s: _rules(c, s)["tags"], {},
        {**GAP_VPC, "Group": _with(GAP_GROUP, Tags=[{"Key": "team", "Value": "two"}])},
        {"team": "two"}),
    "cfn_sns_topic_update": Gap(
        {"Topic": GAP_TOPIC}, _topic, {"DisplayName": "one", "subscriptions": 0},
        {"Topic": _with(GAP_TOPIC, DisplayName="two")},
        {"DisplayName": "two", "subscriptions": 1}, between=_subscribe),
    "cfn_ssm_parameter_update": Gap(
        {"Param": GAP_PARAM}, _parameter, ("one", 1),
        {"Param": _with(GAP_PARAM, Value="two")}, ("two", 2)),
    "cfn_s3_bucket_versioning": Gap(
        {"Bucket": _with(GAP_BUCKET, VersioningConfiguration={"Status": "Enabled"})},
        lambda c, s: c("s3").get_bucket_versioning(Bucket="gap-props-bucket").get("Status"),
        "Enabled",
        {"Bucket": _with(GAP_BUCKET, VersioningConfiguration={"Status": "Suspended"})},
        "Suspended"),
    "cfn_s3_bucket_public_access_block": Gap(
        {"Bucket": _with(GAP_BUCKET, PublicAccessBlockConfiguration=BLOCK_ALL)},
        lambda c, s: c("s3").get_public_access_block(Bucket="gap-props-bucket")[
            "PublicAccessBlockConfiguration"], BLOCK_ALL,
        {"Bucket": _with(GAP_BUCKET, PublicAccessBlockConfiguration={
            **BLOCK_ALL, "BlockPublicPolicy": False})},
        {**BLOCK_ALL, "BlockPublicPolicy": False}),
    "cfn_s3_bucket_encryption_bucket_key": Gap(
        {"Bucket": _with(GAP_BUCKET, BucketEncryption=_encrypted(True))}, _encryption, True,
        {"Bucket": _with(GAP_BUCKET, BucketEncryption=_encrypted(False))}, False),
}  # fmt: skip


def reset(url: str) -> None:
    """Forget every resource of a moto server (plain moto is shared by a worker's tests, and
    what a failing scenario leaves there must not decide the next one)."""
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()


def gap_scenario(url: str, name: str, gap: Gap) -> None:
    """Create, read, (change out of band,) update, read, delete; raise where the service or the
    stack does not behave as CloudFormation does."""
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t",
                                    region_name="us-west-2")  # fmt: skip
    clients: dict[str, Any] = {}

    def client(service: ServiceName) -> Any:
        return clients.setdefault(service, session.client(service, endpoint_url=url))

    cf = client("cloudformation")
    stack = name.replace("_", "-")

    def physical_ids() -> dict[str, str]:
        listed = cf.describe_stack_resources(StackName=stack)["StackResources"]
        return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in listed
                if "LogicalResourceId" in r}  # fmt: skip

    def apply(name: str, resources: dict[str, Any], call: Callable[..., Any], status: str) -> None:
        with step(name):
            call(StackName=stack, TemplateBody=json.dumps({"Resources": resources}),
                 Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
            reached = wait(cf, stack)
        if reached != status:
            reasons = [e[2] for e in events(cf, stack) if e[1].endswith("FAILED")]
            raise Divergence(f"{name}: {reached}: {reasons}")

    def read(name: str, expected: Any) -> None:
        with step(name):
            seen = gap.read(client, created)
        expect(name, seen, expected)

    apply("create", gap.created, cf.create_stack, "CREATE_COMPLETE")
    with step("create"):
        created = physical_ids()
    missing = sorted(gap.created.keys() - created.keys())
    if missing:
        raise Divergence(f"create: CREATE_COMPLETE without {', '.join(missing)}")
    read("read created", gap.expect_created)
    if gap.updated is not None:
        if gap.between is not None:
            gap.between(client, created)
        apply("update", gap.updated, cf.update_stack, "UPDATE_COMPLETE")
        now = physical_ids()  # CloudFormation updates these properties in place
        dropped = sorted(created.keys() - now.keys())
        if dropped:
            raise Divergence(f"update: {', '.join(dropped)} dropped out of the stack")
        replaced = sorted(k for k in created if now[k] != created[k])
        if replaced:
            raise Divergence(f"update: replaced {', '.join(replaced)}")
        read("read updated", gap.expect_updated)
    stack_id = cf.describe_stacks(StackName=stack)["Stacks"][0]["StackId"]
    with step("delete"):
        cf.delete_stack(StackName=stack)
    expect("delete", wait(cf, stack_id), "DELETE_COMPLETE")


# The first step of each scenario where plain moto departs from CloudFormation, and what it
# shows there (each extension's docstring describes its gap).
PLAIN_MOTO_PROPERTY_GAPS = {
    # The default allow-all egress rule kept, the rules' descriptions dropped.
    "cfn_ec2_security_group_rules": "read created: {'in': [('tcp', 443, 443, (("
    "'10.30.0.0/16', None),))], 'out': [('-1', None, None, (('0.0.0.0/0', None),))], 'tags': {}}",
    "cfn_ec2_security_group_update": "update: replaced Group",
    "cfn_ec2_vpc_endpoint_tags": "read created: {}",
    "cfn_ec2_vpc_endpoint_update": "update: Endpoint dropped out of the stack",
    "cfn_iam_managed_policy_update": "update: Policy dropped out of the stack",
    # The Python repr of the document, not the document.
    "cfn_iam_role_inline_policies": "read created: \"{'Version': '2012-10-17', 'Statement': "
    "[{'Sid': 'One', 'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]}\"",
    "cfn_iam_role_managed_policy_arns": "read created: []",
    # Only the description follows: MaxSessionDuration reset, trust policy and tags kept.
    "cfn_iam_role_update": "read updated: {'Description': 'two', 'MaxSessionDuration': 3600, "
    "'Trusts': 'codebuild.amazonaws.com', 'Tags': {'team': 'one'}}",
    # Before the update gap, the one cfn_kms_key_properties closes: the KeyPolicy stored as
    # an object breaks DescribeKey.
    "cfn_kms_key_update": f"read created: {SERVER_ERROR}",
    "cfn_logs_log_group_update": "update: Logs dropped out of the stack",
    "cfn_s3_bucket_encryption_bucket_key": "read created: False",
    "cfn_s3_bucket_public_access_block": "read created: NoSuchPublicAccessBlockConfiguration",
    "cfn_s3_bucket_versioning": "read created: None",
    # Re-created, not updated: the subscription made outside the stack is gone.
    "cfn_sns_topic_update": "read updated: {'DisplayName': 'two', 'subscriptions': 0}",
    # Re-created, not overwritten: the version starts again at 1.
    "cfn_ssm_parameter_update": "read updated: ('two', 1)",
}


@pytest.mark.parametrize("extension", sorted(PROPERTY_GAPS))
def test_extension_closes_a_moto_property_gap(
    emulator: Any, plain_moto: str, extension: str
) -> None:
    from provisioner.emulator.extensions import EXTENSIONS

    assert extension in EXTENSIONS
    emulator.reset()
    gap_scenario(emulator.url, extension, PROPERTY_GAPS[extension])
    reset(plain_moto)
    with pytest.raises(Divergence) as shown:
        gap_scenario(plain_moto, extension, PROPERTY_GAPS[extension])
    assert str(shown.value) == PLAIN_MOTO_PROPERTY_GAPS[extension]


def unsupported_update(url: str) -> tuple[str, set[str]]:
    """Update a resource of a type moto cannot update (an internet gateway's tags)."""
    cf = _cf(url)
    gateway = {"Type": "AWS::EC2::InternetGateway",
               "Properties": {"Tags": [{"Key": "team", "Value": "one"}]}}  # fmt: skip
    cf.create_stack(StackName="unsupported", TemplateBody=json.dumps({"Resources": {
        "Gateway": gateway}}))  # fmt: skip
    changed = {**gateway, "Properties": {"Tags": [{"Key": "team", "Value": "two"}]}}
    cf.update_stack(StackName="unsupported", TemplateBody=json.dumps({"Resources": {
        "Gateway": changed}}))  # fmt: skip
    status = wait(cf, "unsupported")
    listed = cf.describe_stack_resources(StackName="unsupported")["StackResources"]
    return status, {r.get("LogicalResourceId", "") for r in listed}


def test_an_update_the_emulator_cannot_make_fails_and_rolls_back(
    emulator: Any, plain_moto: str
) -> None:
    emulator.reset()
    assert unsupported_update(emulator.url) == ("UPDATE_ROLLBACK_COMPLETE", {"Gateway"})
    reasons = [e[2] for e in events(_cf(emulator.url), "unsupported") if e[1] == "UPDATE_FAILED"]
    # moto tries the update four times; CloudFormation reports the failure once
    assert len(reasons) == 1 and "cannot update AWS::EC2::InternetGateway" in reasons[0]
    # plain moto reports success and loses track of the gateway
    reset(plain_moto)
    assert unsupported_update(plain_moto) == ("UPDATE_COMPLETE", {""})


def oversized_body(url: str) -> str:
    """Create a stack from a TemplateBody just over CloudFormation's limit."""
    body = _template("x" * TEMPLATE_BODY_MAX_BYTES, "/oversized/p")
    _cf(url).create_stack(StackName="oversized", TemplateBody=body)
    return str(_cf(url).describe_stacks(StackName="oversized")["Stacks"][0]["StackStatus"])


def test_template_body_over_the_limit_is_refused(emulator: Any, plain_moto: str) -> None:
    emulator.reset()
    with pytest.raises(ClientError) as refused:
        oversized_body(emulator.url)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert "less than or equal to 51200" in str(refused.value)
    reset(plain_moto)
    assert oversized_body(plain_moto) == "CREATE_COMPLETE"  # moto takes any size


def test_json_templates_are_read_as_json_and_yaml_ones_by_moto(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto reads every template with PyYAML's pure-Python loader first; the emulator reads a
    JSON one as JSON (a third of its time in a run of many stacks went to the YAML path).
    With PyYAML failing outright, a JSON stack is still made; a YAML one goes to moto."""
    import yaml  # the module moto's CloudFormation reads templates with

    emulator.reset()
    real_load = yaml.load
    calls: list[str] = []

    def counted(stream: str, Loader: Any) -> Any:
        calls.append(stream)
        return real_load(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "load", counted)
    cf = _cf(emulator.url)
    body = _template("json", "/parse/json")
    cs = cf.create_change_set(StackName="parse-json", ChangeSetName="c", TemplateBody=body,
                              ChangeSetType="CREATE")  # fmt: skip
    cf.execute_change_set(ChangeSetName=cs["Id"])
    cf.create_stack(StackName="parse-json-direct", TemplateBody=_template("j2", "/parse/j2"))
    assert calls == []
    yaml_body = (
        "Resources:\n  Param:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
        "      Name: /parse/yaml\n      Type: String\n      Value: yaml\n"
        "Outputs:\n  Name:\n    Value: !Ref Param\n"
    )
    cf.create_stack(StackName="parse-yaml", TemplateBody=yaml_body)
    assert calls and all(c == yaml_body for c in calls)
    for name, value in (("parse-json", "/parse/json"), ("parse-yaml", "/parse/yaml")):
        stack = cf.describe_stacks(StackName=name)["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        assert outputs["Name"] == value


def test_requests_at_once_are_all_answered(emulator: Any) -> None:
    """moto's backends are not thread-safe: CreateStack calls at once (as sceptre launches a
    stack group) failed some with HTTP 500. 300 of them from 32 threads failed about one run
    in two without the lock (a race: the test cannot always show it); each is now answered."""
    from provisioner.emulator.settings import SETTINGS

    emulator.reset()
    SETTINGS.resource_delay = 0.01  # operations run beside the requests, as in AWS
    try:
        with ThreadPoolExecutor(32) as pool:
            made = list(pool.map(lambda n: _cf_once(emulator.url).create_stack(
                StackName=f"at-once-{n}", TemplateBody=_template(f"v{n}", f"/at-once/{n}")),
                range(300)))  # fmt: skip
        assert len({m["StackId"] for m in made}) == 300
        cf = _cf(emulator.url)
        deadline = time.monotonic() + 60
        while any(s["StackStatus"] != "CREATE_COMPLETE"
                  for s in cf.describe_stacks()["Stacks"]):  # fmt: skip
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        SETTINGS.resource_delay = 0.0


# -- stack behaviour ----------------------------------------------------------------------------
def _cf(url: str) -> Any:
    return boto3.client("cloudformation", endpoint_url=url, region_name="us-west-2",
                        aws_access_key_id="t", aws_secret_access_key="t")  # fmt: skip


def _cf_once(url: str) -> Any:
    """A client that does not retry (botocore retries 5xx answers, with back-off)."""
    return boto3.client("cloudformation", endpoint_url=url, region_name="us-west-2",
                        aws_access_key_id="t", aws_secret_access_key="t",
                        config=Config(retries={"total_max_attempts": 1}))  # fmt: skip


def _template(value: str, name: str = "/cs/p") -> str:
    # Each test names its own parameter: plain moto is shared by a worker's tests, and its
    # stacks are not always deleted (a failed delete there is the gap shown).
    return json.dumps({
        "Resources": {"Param": {"Type": "AWS::SSM::Parameter",
                                "Properties": {"Name": name, "Type": "String", "Value": value}}},
        "Outputs": {"Value": {"Value": value, "Description": "v"},
                    "Name": {"Value": {"Ref": "Param"}, "Description": "n"}},
    })  # fmt: skip


def change_set_outputs(url: str) -> list[dict[str, str]]:
    """Create a stack through a CREATE change set, update it through an UPDATE one; return
    the outputs after each."""
    cf = _cf(url)
    seen = []
    for kind, value in (("CREATE", "one"), ("UPDATE", "two")):
        cs = cf.create_change_set(StackName="cs-stack", ChangeSetName=f"cs-{kind.lower()}",
                                  TemplateBody=_template(value), ChangeSetType=kind)  # fmt: skip
        cf.execute_change_set(ChangeSetName=cs["Id"])
        stack = cf.describe_stacks(StackName="cs-stack")["Stacks"][0]
        assert stack["StackStatus"] == f"{kind}_COMPLETE"
        seen.append({o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])})
    return seen


def test_change_sets_give_current_outputs(emulator: Any, plain_moto: str) -> None:
    emulator.reset()
    assert change_set_outputs(emulator.url) == [
        {"Value": "one", "Name": "/cs/p"}, {"Value": "two", "Name": "/cs/p"}]  # fmt: skip
    try:  # plain moto either gives stale outputs or, depending on its state, fails outright
        plain = change_set_outputs(plain_moto)
    except ClientError:
        plain = []
    finally:
        _cf(plain_moto).delete_stack(StackName="cs-stack")
    assert plain != [{"Value": "one", "Name": "/cs/p"}, {"Value": "two", "Name": "/cs/p"}]


def change_sets_under_review(url: str) -> list[str]:
    """Two CREATE change sets for one new stack; the stack ids they name."""
    cf = _cf(url)
    made = [cf.create_change_set(StackName="reviewed", ChangeSetName=f"cs-{n}",
                                 ChangeSetType="CREATE",
                                 TemplateBody=_template(n, "/reviewed/p"))
            for n in ("one", "two")]  # fmt: skip
    return [m["StackId"] for m in made]


def test_a_create_change_set_joins_the_stack_under_review(emulator: Any, plain_moto: str) -> None:
    """CloudFormation attaches a second CREATE change set to the REVIEW_IN_PROGRESS stack the
    first one made; moto makes a second stack of the same name."""
    emulator.reset()
    cf = _cf(emulator.url)
    one, two = change_sets_under_review(emulator.url)
    assert one == two
    listed = [s for s in cf.list_stacks()["StackSummaries"] if s["StackName"] == "reviewed"]
    assert [s["StackStatus"] for s in listed] == ["REVIEW_IN_PROGRESS"]
    assert cf.describe_change_set(ChangeSetName="cs-two", StackName="reviewed")["StackId"] == one
    cf.execute_change_set(ChangeSetName="cs-one", StackName="reviewed")
    assert wait(cf, "reviewed") == "CREATE_COMPLETE"
    with pytest.raises(ClientError) as refused:  # the other was computed for no stack at all
        cf.execute_change_set(ChangeSetName="cs-two", StackName="reviewed")
    assert refused.value.response["Error"]["Code"] == "InvalidChangeSetStatus"

    # Concurrent calls for a new stack make one stack between them.
    def create(n: int) -> str:
        made = cf.create_change_set(
            StackName="raced",
            ChangeSetName=f"cs-{n}",
            ChangeSetType="CREATE",
            TemplateBody=_template("x", "/raced/p"),
        )
        return str(made["StackId"])

    with ThreadPoolExecutor(4) as pool:
        assert len(set(pool.map(create, range(4)))) == 1
    reset(plain_moto)
    one, two = change_sets_under_review(plain_moto)
    assert one != two


def delete_unknown_change_set(url: str) -> Any:
    """The error DeleteChangeSet gives for a change set that does not exist."""
    cf = _cf_once(url)
    with pytest.raises(Exception) as refused:  # plain moto answers no ClientError: HTML
        cf.delete_change_set(
            ChangeSetName="arn:aws:cloudformation:us-west-2:123456789012:changeSet/none/0"
        )
    return refused.value


def test_deleting_an_unknown_change_set_is_not_found(emulator: Any, plain_moto: str) -> None:
    emulator.reset()
    error = delete_unknown_change_set(emulator.url)
    assert isinstance(error, ClientError)
    assert error.response["Error"]["Code"] == "ChangeSetNotFound"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    plain = delete_unknown_change_set(plain_moto)  # moto's lookup raises: an HTML error page
    assert isinstance(plain, ResponseParserError) and "500 Internal Server Error" in str(plain)


def import_existing_bucket(url: str) -> str:
    """An IMPORT change set of a bucket that exists, executed; the stack's status after it
    (or the error executing it raised)."""
    s3, cf = _client(url, "s3"), _cf_once(url)
    s3.create_bucket(Bucket="imported-bucket",
                     CreateBucketConfiguration={"LocationConstraint": "us-west-2"})  # fmt: skip
    bucket = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
              "Properties": {"BucketName": "imported-bucket"}}  # fmt: skip
    made = cf.create_change_set(
        StackName="importing", ChangeSetName="cs", ChangeSetType="IMPORT",
        TemplateBody=json.dumps({"Resources": {"B": bucket}}),
        ResourcesToImport=[{"ResourceType": "AWS::S3::Bucket", "LogicalResourceId": "B",
                            "ResourceIdentifier": {"BucketName": "imported-bucket"}}],
    )  # fmt: skip
    try:
        cf.execute_change_set(ChangeSetName=made["Id"])
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return wait(cf, "importing")


def test_an_import_change_set_imports(emulator: Any, plain_moto: str) -> None:
    """moto takes an IMPORT change set for a CREATE (and runs it as an update): it creates the
    bucket anew, and ExecuteChangeSet fails on the name the existing one holds
    (BucketAlreadyExists). The emulator imports it (tests/test_adoption.py has the rest)."""
    emulator.reset()
    assert import_existing_bucket(emulator.url) == "IMPORT_COMPLETE"
    reset(plain_moto)
    plain = import_existing_bucket(plain_moto)
    assert plain == "BucketAlreadyExists"


def change_sets_listed(url: str) -> list[str]:
    """A change set of the same name on two stacks; the stacks of those ListChangeSets gives
    for the first."""
    cf = _cf(url)
    for stack in ("listed-a", "listed-b"):
        cf.create_change_set(StackName=stack, ChangeSetName="cs", ChangeSetType="CREATE",
                             TemplateBody=_template("x", f"/{stack}/p"))  # fmt: skip
    return [c["StackName"] for c in cf.list_change_sets(StackName="listed-a")["Summaries"]]


def test_list_change_sets_lists_the_named_stacks_only(emulator: Any, plain_moto: str) -> None:
    emulator.reset()
    assert change_sets_listed(emulator.url) == ["listed-a"]
    cf = _cf(emulator.url)  # a change set named with its stack is that stack's one
    cf.delete_change_set(ChangeSetName="cs", StackName="listed-b")
    assert cf.list_change_sets(StackName="listed-b")["Summaries"] == []
    assert len(cf.list_change_sets(StackName="listed-a")["Summaries"]) == 1
    reset(plain_moto)
    assert change_sets_listed(plain_moto) == ["listed-a", "listed-b"]


def modify_described(url: str, stack: str, **changed: str) -> dict[str, Any]:
    """An SSM parameter stack, then an UPDATE change set with `changed` properties: its one
    ResourceChange (the change set is left unexecuted)."""
    cf = _cf(url)
    declared = {"Name": f"/{stack}/p", "Type": "String", "Value": "one"}

    def body(properties: dict[str, str]) -> str:
        return json.dumps({"Resources": {"Param": {"Type": "AWS::SSM::Parameter",
                                                   "Properties": properties}}})  # fmt: skip

    cf.create_stack(StackName=stack, TemplateBody=body(declared))
    cs = cf.create_change_set(StackName=stack, ChangeSetName="cs", ChangeSetType="UPDATE",
                              TemplateBody=body({**declared, **changed}))  # fmt: skip
    change = _one(cf.describe_change_set(ChangeSetName=cs["Id"])["Changes"])
    resource_change: dict[str, Any] = change["ResourceChange"]
    return resource_change


def _targets(resource_change: dict[str, Any]) -> list[tuple[str, str]]:
    return [(d["Target"]["Name"], d["Target"]["RequiresRecreation"])
            for d in resource_change.get("Details", [])]  # fmt: skip


def test_a_nested_create_only_property_replaces_only_when_it_changes() -> None:
    from provisioner.emulator.extensions.change_set_replacement import recreates

    # AWS::EC2::VPCEndpoint's schema: /properties/DnsOptions/PrivateDnsPreference is
    # create-only, DnsOptions/DnsRecordIpType is not.
    endpoint = "AWS::EC2::VPCEndpoint"
    old = {"DnsOptions": {"PrivateDnsPreference": "ALL_DOMAINS", "DnsRecordIpType": "ipv4"}}
    retyped = {"DnsOptions": {**old["DnsOptions"], "DnsRecordIpType": "dualstack"}}
    narrowed = {"DnsOptions": {**old["DnsOptions"], "PrivateDnsPreference": "VERIFIED_DOMAINS"}}
    assert not recreates(endpoint, "DnsOptions", old, retyped)
    assert recreates(endpoint, "DnsOptions", old, narrowed)
    assert recreates("AWS::IAM::Role", "RoleName", {"RoleName": "a"}, {"RoleName": "b"})
    assert not recreates("AWS::IAM::Role", "Description", {}, {"Description": "b"})
    assert not recreates("Custom::Unknown", "Name", {"Name": "a"}, {"Name": "b"})  # no schema


def test_a_change_set_says_which_properties_change_and_whether_they_replace(
    emulator: Any, plain_moto: str
) -> None:
    emulator.reset()
    # An SSM parameter's Name is create-only (AWS::SSM::Parameter's registry schema): a new
    # name is a new parameter.
    renamed = modify_described(emulator.url, "renamed", Name="/renamed/q")
    assert renamed["Action"] == "Modify"
    assert renamed["Replacement"] == "True"
    assert renamed["Scope"] == ["Properties"]
    assert _targets(renamed) == [("Name", "Always")]
    assert renamed["Details"][0]["Target"]["Attribute"] == "Properties"
    assert renamed["Details"][0]["ChangeSource"] == "DirectModification"
    # Value and Description are updated in place.
    revalued = modify_described(emulator.url, "revalued", Value="two", Description="now two")
    assert revalued["Replacement"] == "False"
    assert _targets(revalued) == [("Description", "Never"), ("Value", "Never")]
    reset(plain_moto)
    plain = modify_described(plain_moto, "renamed", Name="/renamed/q")
    assert "Replacement" not in plain and _targets(plain) == []


def protected_delete(url: str) -> str:
    cf = _cf(url)
    cf.create_stack(StackName="protected", TemplateBody=_template("x", "/protected/p"))
    cf.update_termination_protection(StackName="protected", EnableTerminationProtection=True)
    assert cf.describe_stacks(StackName="protected")["Stacks"][0][
        "EnableTerminationProtection"] is True  # fmt: skip
    with pytest.raises(ClientError) as refused:
        cf.delete_stack(StackName="protected")
    assert cf.describe_stacks(StackName="protected")["Stacks"][0]["StackStatus"] == (
        "CREATE_COMPLETE"
    )
    cf.update_termination_protection(StackName="protected", EnableTerminationProtection=False)
    cf.delete_stack(StackName="protected")
    return str(refused.value)


def test_termination_protection_blocks_delete(emulator: Any, plain_moto: str) -> None:
    emulator.reset()
    assert "cannot be deleted while TerminationProtection is enabled" in protected_delete(
        emulator.url
    )
    with pytest.raises(Divergence) as shown, first_failing_call():
        protected_delete(plain_moto)
    assert str(shown.value) == f"UpdateTerminationProtection: {SERVER_ERROR}"  # not in moto


def test_replacing_a_custom_named_resource_fails_as_in_cloudformation(emulator: Any) -> None:
    """A model package group's description is create-only: changing it needs a new group,
    which cannot have the same name; CloudFormation refuses and rolls back."""
    emulator.reset()
    cf = _cf(emulator.url)
    group = GAPS["AWS::SageMaker::ModelPackageGroup"]["Thing"]
    cf.create_stack(StackName="renamed", TemplateBody=json.dumps({"Resources": {"G": group}}))
    changed = {**group, "Properties": {**group["Properties"],
                                       "ModelPackageGroupDescription": "changed"}}  # fmt: skip
    cf.update_stack(StackName="renamed", TemplateBody=json.dumps({"Resources": {"G": changed}}))
    assert wait(cf, "renamed") == "UPDATE_ROLLBACK_COMPLETE"
    reasons = [e[2] for e in events(cf, "renamed") if e[1] == "UPDATE_FAILED"]
    assert "cannot update a stack when a custom-named resource requires replacing" in reasons[0]


# -- failure semantics, per-resource events, asynchronous mode ---------------------------------
FAILING_PIPELINE = {  # the role does not trust CodePipeline: the service refuses the pipeline
    "Role": role("codebuild"),
    "Broken": {**GAPS["AWS::CodePipeline::Pipeline"]["Thing"]},
}
PARAM: dict[str, Any] = {"Type": "AWS::SSM::Parameter",
         "Properties": {"Name": "/fail/ok", "Type": "String", "Value": "v"}}  # fmt: skip


def events(cf: Any, stack: str) -> list[tuple[str, str, str]]:
    found = cf.describe_stack_events(StackName=stack)["StackEvents"]
    ordered = sorted(found, key=lambda e: e["Timestamp"])
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason", ""))
            for e in ordered]  # fmt: skip


def wait(cf: Any, stack: str, timeout: float = 20) -> str:
    import time

    deadline = time.monotonic() + timeout
    while True:
        status: str = cf.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
        if not status.endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def test_failed_create_rolls_back_with_reason(emulator: Any) -> None:
    emulator.reset()
    cf = _cf(emulator.url)
    template = {"Resources": {"Param": PARAM, **FAILING_PIPELINE}}
    stack_id = cf.create_stack(StackName="fails", TemplateBody=json.dumps(template),
                               Capabilities=["CAPABILITY_NAMED_IAM"])["StackId"]  # fmt: skip
    assert wait(cf, stack_id) == "ROLLBACK_COMPLETE"
    seen = events(cf, stack_id)
    failed = [e for e in seen if e[1] == "CREATE_FAILED"]
    assert failed and failed[0][0] == "Broken"
    assert "not authorized to perform AssumeRole" in failed[0][2]
    assert ("fails", "ROLLBACK_COMPLETE", "") in [(a, b, c or "") for a, b, c in seen]
    # the resources created before the failure were rolled back, not leaked
    with pytest.raises(ClientError):
        boto3.client("ssm", endpoint_url=emulator.url, region_name="us-west-2",
                     aws_access_key_id="t", aws_secret_access_key="t").get_parameter(
            Name="/fail/ok")  # fmt: skip


def test_failed_update_rolls_back(emulator: Any) -> None:
    emulator.reset()
    cf = _cf(emulator.url)
    cf.create_stack(StackName="upd", TemplateBody=json.dumps({"Resources": {"Param": PARAM}}))
    assert wait(cf, "upd") == "CREATE_COMPLETE"
    broken = {"Resources": {"Param": PARAM, **FAILING_PIPELINE}}
    cf.update_stack(StackName="upd", TemplateBody=json.dumps(broken),
                    Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
    assert wait(cf, "upd") == "UPDATE_ROLLBACK_COMPLETE"
    assert any(e[1] == "CREATE_FAILED" and e[0] == "Broken" for e in events(cf, "upd"))


def test_a_failed_update_keeps_what_it_would_have_removed(emulator: Any) -> None:
    """moto deletes what an update drops before updating the rest; CloudFormation deletes it
    last (cleanup), so when the rest fails the dropped resource is still there."""
    emulator.reset()
    cf = _cf(emulator.url)
    gateway = {"Type": "AWS::EC2::InternetGateway",
               "Properties": {"Tags": [{"Key": "team", "Value": "one"}]}}  # fmt: skip
    dropped = _with(PARAM, Name="/dropped")
    cf.create_stack(StackName="dropping", TemplateBody=json.dumps({"Resources": {
        "Gateway": gateway, "Dropped": dropped}}))  # fmt: skip
    cannot = _with(gateway, Tags=[{"Key": "team", "Value": "two"}])  # no update in the emulator
    cf.update_stack(StackName="dropping", TemplateBody=json.dumps({"Resources": {
        "Gateway": cannot}}))  # fmt: skip
    assert wait(cf, "dropping") == "UPDATE_ROLLBACK_COMPLETE"
    assert _client(emulator.url, "ssm").get_parameter(Name="/dropped")["Parameter"]["Value"] == "v"
    assert ("Dropped", "DELETE_IN_PROGRESS") not in [(e[0], e[1]) for e in events(cf, "dropping")]
    # A successful update deletes it in the cleanup phase, after the rest.
    cf.update_stack(StackName="dropping", TemplateBody=json.dumps({"Resources": {
        "Gateway": gateway, "Param": PARAM}}))  # fmt: skip
    assert wait(cf, "dropping") == "UPDATE_COMPLETE"
    seen = [(e[0], e[1]) for e in events(cf, "dropping")]
    cleanup = seen.index(("dropping", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"))
    assert seen.index(("Param", "CREATE_COMPLETE")) < cleanup
    assert cleanup < seen.index(("Dropped", "DELETE_COMPLETE"))


def test_failed_delete_keeps_the_stack(emulator: Any) -> None:
    emulator.reset()
    cf = _cf(emulator.url)
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "not-empty-bucket"}}
    cf.create_stack(StackName="del", TemplateBody=json.dumps({"Resources": {"B": bucket}}))
    s3 = boto3.client("s3", endpoint_url=emulator.url, region_name="us-west-2",
                      aws_access_key_id="t", aws_secret_access_key="t")  # fmt: skip
    s3.put_object(Bucket="not-empty-bucket", Key="k", Body=b"data")
    cf.delete_stack(StackName="del")
    assert wait(cf, "del") == "DELETE_FAILED"
    assert any(e[1] == "DELETE_FAILED" and e[0] == "B" for e in events(cf, "del"))
    s3.delete_object(Bucket="not-empty-bucket", Key="k")
    stack_id = cf.describe_stacks(StackName="del")["Stacks"][0]["StackId"]
    cf.delete_stack(StackName="del")
    assert wait(cf, stack_id) == "DELETE_COMPLETE"


def _client(url: str, service: ServiceName) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-west-2",
                        aws_access_key_id="t", aws_secret_access_key="t")  # fmt: skip


def _role_with_policy(n: int) -> dict[str, Any]:
    """A role and a managed policy attached to it: moto deletes the role before the policy as
    often as not, which fails ("must detach all policies first") until the policy is gone."""
    return {f"Role{n}": _with(ROLE, RoleName=f"retried-role-{n}"),
            f"Policy{n}": _with(GAP_POLICY, ManagedPolicyName=f"retried-policy-{n}",
                                Roles=[{"Ref": f"Role{n}"}])}  # fmt: skip


def test_moto_retries_are_not_reported_as_failures(emulator: Any) -> None:
    """moto retries a delete that fails while a dependency is still there; CloudFormation
    reports only real failures, and each resource's start and end once."""
    emulator.reset()
    cf = _cf(emulator.url)
    pairs = {k: v for n in range(4) for k, v in _role_with_policy(n).items()}
    cf.create_stack(StackName="retried", Capabilities=["CAPABILITY_NAMED_IAM"],
                    TemplateBody=json.dumps({"Resources": {**pairs, "Param": PARAM}}))  # fmt: skip
    # An update removes resources in template order: Role0's delete always fails first.
    cf.update_stack(StackName="retried", TemplateBody=json.dumps({"Resources": {"Param": PARAM}}))
    assert wait(cf, "retried") == "UPDATE_COMPLETE"
    cf.create_stack(StackName="deleted", Capabilities=["CAPABILITY_NAMED_IAM"],
                    TemplateBody=json.dumps({"Resources": pairs}))  # fmt: skip
    stack_id = cf.describe_stacks(StackName="deleted")["Stacks"][0]["StackId"]
    cf.delete_stack(StackName="deleted")
    assert wait(cf, stack_id) == "DELETE_COMPLETE"
    for stack in ("retried", stack_id):
        seen = [(e[0], e[1]) for e in events(cf, stack)]
        assert not [e for e in seen if e[1].endswith("_FAILED")], seen
        for logical_id in pairs:
            assert seen.count((logical_id, "DELETE_IN_PROGRESS")) == 1, (stack, seen)
            assert seen.count((logical_id, "DELETE_COMPLETE")) == 1, (stack, seen)


def test_a_real_failure_is_reported_once_on_its_own_resource(emulator: Any) -> None:
    emulator.reset()
    cf = _cf(emulator.url)
    # A non-empty bucket: moto tries its delete on every pass, and fails each time.
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "full-bucket"}}
    cf.create_stack(StackName="full", TemplateBody=json.dumps({"Resources": {
        "Bucket": bucket, "Param": PARAM}}))  # fmt: skip
    _client(emulator.url, "s3").put_object(Bucket="full-bucket", Key="k", Body=b"data")
    cf.delete_stack(StackName="full")
    assert wait(cf, "full") == "DELETE_FAILED"
    seen = events(cf, "full")
    failed = [e for e in seen if e[1] == "DELETE_FAILED"]
    assert [e[0] for e in failed] == ["Bucket", "full"]
    assert "bucket you tried to delete is not empty" in failed[0][2]
    assert failed[1][2] == "The following resource(s) failed to delete: [Bucket]."
    assert ("Param", "DELETE_COMPLETE") in [(e[0], e[1]) for e in seen]
    # A resource that needs a failing one never starts, so it cannot carry its failure.
    _client(emulator.url, "iam").create_role(
        RoleName="taken-role", AssumeRolePolicyDocument=json.dumps(_trusting("codebuild"))
    )
    needs_role = {
        "Type": "AWS::SSM::Parameter",
        "Properties": {
            "Name": "/needs/role",
            "Type": "String",
            "Value": {"Fn::GetAtt": ["Role", "Arn"]},
        },
    }
    template = {"Resources": {"NeedsRole": needs_role,
                              "Role": _with(ROLE, RoleName="taken-role")}}  # fmt: skip
    cf.create_stack(StackName="taken", TemplateBody=json.dumps(template),
                    Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
    assert wait(cf, "taken") == "ROLLBACK_COMPLETE"
    seen = events(cf, "taken")
    assert [e[0] for e in seen if e[1] == "CREATE_FAILED"] == ["Role"]
    assert "already exists" in next(e[2] for e in seen if e[1] == "CREATE_FAILED")
    assert "NeedsRole" not in {e[0] for e in seen}
    assert ("taken", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: "
            "[Role]. Rollback requested by user.") in seen  # fmt: skip


def test_reading_a_failed_or_deleted_stack_creates_nothing(emulator: Any) -> None:
    """moto makes a stack's resources on first read; after a rollback or a delete, a read
    would re-run the failed creation or re-create what was deleted (and leak it)."""
    emulator.reset()
    url = emulator.url
    cf, ssm = _cf(url), _client(url, "ssm")

    def param(name: str) -> dict[str, Any]:
        return _with(PARAM, Name=name)

    def outputs(*names: str, export: bool = False) -> dict[str, Any]:
        def exported(n: str) -> dict[str, Any]:
            return {"Export": {"Name": f"{n}-export"}} if export else {}

        return {n: {"Value": {"Ref": n}, **exported(n)} for n in names}

    def gone(name: str) -> bool:
        return not ssm.get_parameters(Names=[name])["Parameters"]

    _client(url, "iam").create_role(
        RoleName="taken-role", AssumeRolePolicyDocument=json.dumps(_trusting("codebuild"))
    )
    cf.create_stack(StackName="rolled-back", Capabilities=["CAPABILITY_NAMED_IAM"],
                    TemplateBody=json.dumps({
                        "Resources": {"Param": param("/rolled-back"),
                                      "Role": _with(ROLE, RoleName="taken-role")},
                        "Outputs": outputs("Param", "Role")}))  # fmt: skip
    assert wait(cf, "rolled-back") == "ROLLBACK_COMPLETE"
    seen = events(cf, "rolled-back")
    assert "Outputs" not in cf.describe_stacks(StackName="rolled-back")["Stacks"][0]
    assert cf.describe_stack_resources(StackName="rolled-back")["StackResources"] == []
    assert events(cf, "rolled-back") == seen and gone("/rolled-back")
    # A failed delete keeps the stack, and what it deleted stays deleted.
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "read-full-bucket"}}
    cf.create_stack(StackName="half-deleted", TemplateBody=json.dumps({
        "Resources": {"Bucket": bucket, "Param": param("/half-deleted")},
        "Outputs": outputs("Param")}))  # fmt: skip
    _client(url, "s3").put_object(Bucket="read-full-bucket", Key="k", Body=b"data")
    cf.delete_stack(StackName="half-deleted")
    assert wait(cf, "half-deleted") == "DELETE_FAILED"
    cf.describe_stacks(StackName="half-deleted")
    listed = cf.describe_stack_resources(StackName="half-deleted")["StackResources"]
    assert [r["LogicalResourceId"] for r in listed] == ["Bucket"] and gone("/half-deleted")
    # Deleting a stack with exports removes them without re-creating what they name.
    cf.create_stack(StackName="exporting", TemplateBody=json.dumps({
        "Resources": {"Param": param("/exporting")},
        "Outputs": outputs("Param", export=True)}))  # fmt: skip
    cf.delete_stack(StackName="exporting")
    assert gone("/exporting") and cf.list_exports()["Exports"] == []


def _retained_bucket(name: str) -> dict[str, Any]:
    return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
            "Properties": {"BucketName": name}}  # fmt: skip


def _bucket_exists(url: str, name: str) -> bool:
    return name in [b["Name"] for b in _client(url, "s3").list_buckets()["Buckets"]]


def failing_with_retained_bucket(bucket: str) -> str:
    """A retained bucket, then a role whose name is taken (`taken-role`): the create fails
    after the bucket is made."""
    return json.dumps({"Resources": {
        "Bucket": _retained_bucket(bucket),
        "Role": {**_with(ROLE, RoleName="taken-role"), "DependsOn": "Bucket"}}})  # fmt: skip


def test_retain_except_on_create_deletes_retained_resources_on_rollback(emulator: Any) -> None:
    emulator.reset()
    url = emulator.url
    cf = _cf(url)
    _client(url, "iam").create_role(
        RoleName="taken-role", AssumeRolePolicyDocument=json.dumps(_trusting("codebuild"))
    )
    named = {"Capabilities": ["CAPABILITY_NAMED_IAM"]}
    # ExecuteChangeSet with the flag, as the deploy tool runs a first create: nothing is left.
    created = cf.create_change_set(
        StackName="flagged",
        ChangeSetName="first",
        **named,
        ChangeSetType="CREATE",
        TemplateBody=failing_with_retained_bucket("flagged-bucket"),
    )
    cf.execute_change_set(ChangeSetName=created["Id"], RetainExceptOnCreate=True)
    assert wait(cf, "flagged") == "ROLLBACK_COMPLETE"
    assert not _bucket_exists(url, "flagged-bucket")
    assert ("Bucket", "DELETE_COMPLETE") in [(e[0], e[1]) for e in events(cf, "flagged")]
    # Without it, CloudFormation keeps the retained bucket and says so.
    cf.create_stack(StackName="plain", TemplateBody=failing_with_retained_bucket("plain-bucket"),
                    **named)  # fmt: skip
    assert wait(cf, "plain") == "ROLLBACK_COMPLETE"
    assert _bucket_exists(url, "plain-bucket")
    assert ("Bucket", "DELETE_SKIPPED") in [(e[0], e[1]) for e in events(cf, "plain")]
    # An update's rollback removes what the update created, retained too with the flag only.
    for flag in (True, False):
        stack = f"updated-{str(flag).lower()}"
        cf.create_stack(StackName=stack, TemplateBody=json.dumps({"Resources": {
            "Param": _with(PARAM, Name=f"/{stack}")}}))  # fmt: skip
        broken = json.loads(failing_with_retained_bucket(f"{stack}-bucket"))
        broken["Resources"]["Param"] = _with(PARAM, Name=f"/{stack}")
        cf.update_stack(StackName=stack, TemplateBody=json.dumps(broken),
                        RetainExceptOnCreate=flag, **named)  # fmt: skip
        assert wait(cf, stack) == "UPDATE_ROLLBACK_COMPLETE"
        assert _bucket_exists(url, f"{stack}-bucket") is not flag
    # A stack created with the flag still keeps retained resources when it is deleted.
    cf.create_stack(StackName="kept", RetainExceptOnCreate=True, TemplateBody=json.dumps(
        {"Resources": {"Bucket": _retained_bucket("kept-bucket")}}))  # fmt: skip
    cf.delete_stack(StackName="kept")
    assert _bucket_exists(url, "kept-bucket")


def retained_by_update(url: str) -> bool:
    """Remove a retained bucket from its stack by an update; is the bucket still there?"""
    cf = _cf(url)
    bucket = _retained_bucket("update-retained-bucket")
    param = _with(PARAM, Name="/update-retained")
    cf.create_stack(StackName="update-retained", TemplateBody=json.dumps({"Resources": {
        "Bucket": bucket, "Param": param}}))  # fmt: skip
    cf.update_stack(StackName="update-retained",
                    TemplateBody=json.dumps({"Resources": {"Param": param}}))  # fmt: skip
    assert wait(cf, "update-retained") == "UPDATE_COMPLETE"
    return _bucket_exists(url, "update-retained-bucket")


def test_a_retained_resource_removed_by_an_update_is_kept(emulator: Any, plain_moto: str) -> None:
    emulator.reset()
    assert retained_by_update(emulator.url)
    seen = [(e[0], e[1]) for e in events(_cf(emulator.url), "update-retained")]
    assert ("Bucket", "DELETE_SKIPPED") in seen and ("Bucket", "DELETE_COMPLETE") not in seen
    reset(plain_moto)
    assert not retained_by_update(plain_moto)  # moto deletes it


def test_per_resource_events(emulator: Any) -> None:
    emulator.reset()
    cf = _cf(emulator.url)
    two = {"A": PARAM, "B": {**PARAM, "Properties": {**PARAM["Properties"], "Name": "/b"}}}
    cf.create_stack(StackName="ev", TemplateBody=json.dumps({"Resources": two}))
    statuses = [(e[0], e[1]) for e in events(cf, "ev")]
    for logical_id in ("A", "B"):
        started = statuses.index((logical_id, "CREATE_IN_PROGRESS"))
        done = statuses.index((logical_id, "CREATE_COMPLETE"))
        assert started < done < statuses.index(("ev", "CREATE_COMPLETE"))


@pytest.fixture
def slow_resources() -> Any:
    from provisioner.emulator.settings import SETTINGS

    SETTINGS.resource_delay = 0.15
    yield SETTINGS
    SETTINGS.resource_delay = 0.0


def test_async_mode_passes_through_in_progress(emulator: Any, slow_resources: Any) -> None:
    emulator.reset()
    cf = _cf(emulator.url)
    two = {"A": PARAM, "B": {**PARAM, "Properties": {**PARAM["Properties"], "Name": "/b"}}}
    stack_id = cf.create_stack(StackName="slow", TemplateBody=json.dumps({"Resources": two}))[
        "StackId"]  # fmt: skip
    assert cf.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == (
        "CREATE_IN_PROGRESS"
    )
    assert wait(cf, stack_id) == "CREATE_COMPLETE"
    statuses = [(e[0], e[1]) for e in events(cf, stack_id)]
    assert statuses[-1] == ("slow", "CREATE_COMPLETE")
    assert ("A", "CREATE_COMPLETE") in statuses and ("B", "CREATE_COMPLETE") in statuses
    cf.delete_stack(StackName=stack_id)
    assert cf.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == (
        "DELETE_IN_PROGRESS"
    )
    assert wait(cf, stack_id) == "DELETE_COMPLETE"


def test_async_mode_runs_two_stacks_operations_at_the_same_time(
    emulator: Any, slow_resources: Any
) -> None:
    """As in AWS, one stack's resources taking time does not hold another stack's back: the
    second stack's first resource completes before the first stack's last one starts."""
    emulator.reset()
    cf = _cf(emulator.url)

    def params(prefix: str) -> dict[str, Any]:
        return {f"P{i}": {**PARAM, "Properties": {**PARAM["Properties"], "Name": f"/{prefix}/{i}"}}
                for i in range(3)}  # fmt: skip

    for name in ("first", "second"):
        cf.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": params(name)}))
    assert wait(cf, "first") == "CREATE_COMPLETE" and wait(cf, "second") == "CREATE_COMPLETE"

    def stamps(stack: str, status: str) -> list[Any]:
        found = cf.describe_stack_events(StackName=stack)["StackEvents"]
        return sorted(e["Timestamp"] for e in found if e["ResourceStatus"] == status
                      and e["LogicalResourceId"] != stack)  # fmt: skip

    assert min(stamps("second", "CREATE_COMPLETE")) < max(stamps("first", "CREATE_IN_PROGRESS"))


# -- the server -------------------------------------------------------------------------------
class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.requests: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "POST / HTTP" in record.getMessage():
            self.requests.append(record.getMessage())


def test_requests_are_logged_only_when_verbose(emulator: Any) -> None:
    """werkzeug's access log (one line per request, hundreds per deploy) stays off unless
    asked for; server errors are still logged."""
    from provisioner.emulator.faults import FAULTS, Fault
    from provisioner.emulator.server import Emulator

    werkzeug = logging.getLogger("werkzeug")
    records, level = _Records(), werkzeug.level
    werkzeug.addHandler(records)
    werkzeug.setLevel(logging.INFO)
    try:
        _cf(emulator.url).list_stacks()
        assert records.requests == []
        FAULTS.add(Fault("ListStacks", status=500, code="InternalFailure"))
        with pytest.raises(ClientError):
            _cf_once(emulator.url).list_stacks()
        assert [r.split('" ')[1] for r in records.requests] == ["500 -"]
        records.requests.clear()
        with Emulator(verbose=True) as verbose:
            _cf(verbose.url).list_stacks()
        assert len(records.requests) == 1
    finally:
        werkzeug.removeHandler(records)
        werkzeug.setLevel(level)


def test_the_command_passes_verbose_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from provisioner.emulator import __main__ as command

    made: list[bool] = []

    class Started:
        url = "http://localhost:4566"

        def __init__(self, port: int, verbose: bool) -> None:
            made.append(verbose)

        def start(self) -> Started:
            return self

        def stop(self) -> None:
            pass

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "Emulator", Started)
    monkeypatch.setattr(command, "time", SimpleNamespace(sleep=interrupted))
    assert command.main([]) == 0 and command.main(["--verbose"]) == 0
    assert made == [False, True]


# -- drift detection ----------------------------------------------------------------------------
def detect_drift(cf: Any, stack: str) -> tuple[str, list[dict[str, Any]]]:
    detection = cf.detect_stack_drift(StackName=stack)["StackDriftDetectionId"]
    status = cf.describe_stack_drift_detection_status(StackDriftDetectionId=detection)
    assert status["DetectionStatus"] == "DETECTION_COMPLETE"
    drifts = cf.describe_stack_resource_drifts(StackName=stack)["StackResourceDrifts"]
    return status["StackDriftStatus"], drifts


def drift_scenario(url: str) -> tuple[str, str, list[dict[str, Any]]]:
    """Deploy the starter ML stack, detect drift; change the build role's managed policy and
    an SSM parameter out of band; detect again."""
    config = in_emulator(next(c for c in all_ml_configs() if c.tier is MlTier.STARTER))
    plan = plan_stack(config)
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t",
                                    region_name=config.region)  # fmt: skip
    cf = session.client("cloudformation", endpoint_url=url)
    create_boundaries(session.client("iam", endpoint_url=url), plan.render())
    cf.create_stack(StackName=plan.stack_name, TemplateBody=plan.render(),
                    Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
    before, _ = detect_drift(cf, plan.stack_name)
    iam = session.client("iam", endpoint_url=url)
    policy_arn = next(
        r["PhysicalResourceId"]
        for r in cf.describe_stack_resources(StackName=plan.stack_name)["StackResources"]
        if r["LogicalResourceId"] == "BuildPolicy"
    )
    widened = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
               "Action": "s3:GetObject", "Resource": "*"}]}  # fmt: skip
    iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=json.dumps(widened),
                              SetAsDefault=True)  # fmt: skip
    parameter = plan.resource("PipelineNameParameter").physical_name
    session.client("ssm", endpoint_url=url).put_parameter(
        Name=parameter, Value="edited", Type="String", Overwrite=True)  # fmt: skip
    after, drifts = detect_drift(cf, plan.stack_name)
    return before, after, drifts


def test_drift_reported_after_out_of_band_change_and_not_before(
    emulator: Any, plain_moto: str
) -> None:
    emulator.reset()
    before, after, drifts = drift_scenario(emulator.url)
    assert (before, after) == ("IN_SYNC", "DRIFTED")
    by_id = {d["LogicalResourceId"]: d for d in drifts}
    assert by_id["BuildPolicy"]["StackResourceDriftStatus"] == "MODIFIED"
    paths = {p["PropertyPath"] for p in by_id["BuildPolicy"]["PropertyDifferences"]}
    assert any(p.startswith("/PolicyDocument/Statement") for p in paths)
    value = by_id["PipelineNameParameter"]
    assert value["StackResourceDriftStatus"] == "MODIFIED"
    assert value["PropertyDifferences"][0]["ActualValue"] == "edited"
    assert by_id["Repository"]["StackResourceDriftStatus"] == "NOT_CHECKED"
    assert by_id["SageMakerExecutionRole"]["StackResourceDriftStatus"] == "IN_SYNC"
    # (drift_scenario's stack fails CreateStack on plain moto first: its SSM tags.)
    reset(plain_moto)
    cf = _cf(plain_moto)
    cf.create_stack(StackName="drift", TemplateBody=_template("x", "/drift/p"))
    with pytest.raises(Divergence) as shown, first_failing_call():
        cf.detect_stack_drift(StackName="drift")
    assert str(shown.value) == f"DetectStackDrift: {SERVER_ERROR}"  # not in moto


# -- permissions boundaries ---------------------------------------------------------------------
# The account's own boundary policy the tools name by a literal ARN, and one they would name in
# the wrong account (the techcorp example's, deployed to the emulator's account): IAM has no
# such policy in this account.
BOUNDARY_ARN = f"arn:aws:iam::{EMULATOR_ACCOUNT}:policy/"
FOREIGN_BOUNDARY = "arn:aws:iam::111122223333:policy/techcorp-prod-a001-us-west-2-ml-boundary"


def _boundary_policy(iam: Any, name: str) -> str:
    made = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(_doc("Bound", "*")))
    return str(made["Policy"]["Arn"])


def _bounded(name: str, boundary: str | None) -> dict[str, Any]:
    bounded = _with(ROLE, RoleName=name)
    if boundary is not None:
        bounded = _with(bounded, PermissionsBoundary=boundary)
    return bounded


def _shown_boundary(iam: Any, name: str) -> Any:
    return iam.get_role(RoleName=name)["Role"].get("PermissionsBoundary")


def boundaries_shown(url: str) -> tuple[str, list[Any]]:
    """A role with a PermissionsBoundary made by CreateStack, another by a CREATE change set;
    the boundary policy's ARN and what GetRole shows of each role's boundary."""
    iam, cf = _client(url, "iam"), _cf(url)
    arn = _boundary_policy(iam, "pb-shown")

    def body(n: int) -> str:
        return json.dumps({"Resources": {"Role": _bounded(f"pb-shown-{n}", arn)}})

    cf.create_stack(StackName="pb-shown-1", TemplateBody=body(1),
                    Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
    made = cf.create_change_set(StackName="pb-shown-2", ChangeSetName="pb",
                                ChangeSetType="CREATE", TemplateBody=body(2),
                                Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
    cf.execute_change_set(ChangeSetName=made["Id"])
    for stack in ("pb-shown-1", "pb-shown-2"):
        assert wait(cf, stack) == "CREATE_COMPLETE"
    return arn, [_shown_boundary(iam, f"pb-shown-{n}") for n in (1, 2)]


def test_a_roles_permissions_boundary_is_shown_as_iam_shows_it(
    emulator: Any, plain_moto: str
) -> None:
    # IAM answers `Policy`; botocore's enum (and so moto) says `PermissionsBoundaryPolicy`.
    emulator.reset()
    arn, shown = boundaries_shown(emulator.url)
    assert shown == [{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}] * 2
    reset(plain_moto)
    _, plain = boundaries_shown(plain_moto)
    assert {b["PermissionsBoundaryType"] for b in plain} == {"PermissionsBoundaryPolicy"}


def missing_boundary(url: str) -> tuple[str, list[tuple[str, str, str]]]:
    """A stack whose role names a boundary that does not exist (in this account)."""
    cf = _cf(url)
    template = {"Resources": {"Param": _with(PARAM, Name="/pb/missing"),
                              "Role": _bounded("pb-missing", FOREIGN_BOUNDARY)}}  # fmt: skip
    stack_id = cf.create_stack(StackName="pb-missing", TemplateBody=json.dumps(template),
                               Capabilities=["CAPABILITY_NAMED_IAM"])["StackId"]  # fmt: skip
    return wait(cf, stack_id), events(cf, stack_id)


def test_a_role_whose_boundary_does_not_exist_fails_to_create(
    emulator: Any, plain_moto: str
) -> None:
    emulator.reset()
    status, seen = missing_boundary(emulator.url)
    assert status == "ROLLBACK_COMPLETE"
    failed = [(e[0], e[2]) for e in seen if e[1] == "CREATE_FAILED"]
    assert failed == [("Role", f'Resource handler returned message: "Scope ARN: '
                       f'{FOREIGN_BOUNDARY} does not exist or is not attachable."')]  # fmt: skip
    with pytest.raises(ClientError, match="NoSuchEntity"):
        _client(emulator.url, "iam").get_role(RoleName="pb-missing")
    reset(plain_moto)
    assert missing_boundary(plain_moto)[0] == "CREATE_COMPLETE"  # moto takes any policy ARN


def boundary_updates(url: str) -> tuple[list[Any], set[str], list[tuple[str, str]]]:
    """Update a role's boundary: added, changed, changed to one that does not exist (the
    update fails and rolls back), removed. The boundary ARN after each step, the role ids
    seen, and the role's update events."""
    iam, cf = _client(url, "iam"), _cf(url)
    one, two = _boundary_policy(iam, "pb-one"), _boundary_policy(iam, "pb-two")
    seen: list[Any] = []
    ids = set()
    for step, boundary in enumerate((None, one, two, FOREIGN_BOUNDARY, None)):
        body = json.dumps({"Resources": {"Role": _bounded("pb-updated", boundary)}})
        call = cf.update_stack if step else cf.create_stack
        call(StackName="pb-updated", TemplateBody=body, Capabilities=["CAPABILITY_NAMED_IAM"])
        wait(cf, "pb-updated")
        role_now = iam.get_role(RoleName="pb-updated")["Role"]
        seen.append(role_now.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"))
        ids.add(role_now["RoleId"])
    updates = [(e[1], e[2]) for e in events(cf, "pb-updated")
               if e[0] == "Role" and e[1].startswith(("UPDATE", "DELETE"))]  # fmt: skip
    return seen, ids, updates


def test_a_permissions_boundary_is_added_changed_and_removed_in_place(
    emulator: Any, plain_moto: str
) -> None:
    """PermissionsBoundary is `Update requires: No interruption`: PutRolePermissionsBoundary
    or DeleteRolePermissionsBoundary on the same role, never a replacement."""
    emulator.reset()
    seen, ids, updates = boundary_updates(emulator.url)
    one, two = BOUNDARY_ARN + "pb-one", BOUNDARY_ARN + "pb-two"
    assert seen == [None, one, two, two, None]  # the missing one rolled back to `two`
    assert len(ids) == 1  # the same role throughout
    assert [u[0] for u in updates].count("UPDATE_FAILED") == 1
    assert f"Scope ARN: {FOREIGN_BOUNDARY} does not exist" in dict(updates)["UPDATE_FAILED"]
    assert not [u for u in updates if u[0].startswith("DELETE")]
    reset(plain_moto)
    assert boundary_updates(plain_moto)[0][1] is None  # moto's update ignores the boundary


def boundary_drift(url: str) -> tuple[str, dict[str, dict[str, Any]]]:
    """Two roles with a boundary; out of band, one's is changed, the other's removed."""
    iam, cf = _client(url, "iam"), _cf(url)
    one, two = _boundary_policy(iam, "pb-drift-one"), _boundary_policy(iam, "pb-drift-two")
    resources = {"Changed": _bounded("pb-drift-changed", one),
                 "Removed": _bounded("pb-drift-removed", one)}  # fmt: skip
    cf.create_stack(StackName="pb-drift", TemplateBody=json.dumps({"Resources": resources}),
                    Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
    assert wait(cf, "pb-drift") == "CREATE_COMPLETE"
    assert detect_drift(cf, "pb-drift")[0] == "IN_SYNC"
    iam.put_role_permissions_boundary(RoleName="pb-drift-changed", PermissionsBoundary=two)
    iam.delete_role_permissions_boundary(RoleName="pb-drift-removed")
    status, drifts = detect_drift(cf, "pb-drift")
    return status, {d["LogicalResourceId"]: d for d in drifts}


def test_drift_reports_a_permissions_boundary_changed_or_removed_out_of_band(
    emulator: Any, plain_moto: str
) -> None:
    emulator.reset()
    status, by_id = boundary_drift(emulator.url)
    one, two = BOUNDARY_ARN + "pb-drift-one", BOUNDARY_ARN + "pb-drift-two"
    assert status == "DRIFTED"
    assert {d["StackResourceDriftStatus"] for d in by_id.values()} == {"MODIFIED"}
    assert by_id["Changed"]["PropertyDifferences"] == [{
        "PropertyPath": "/PermissionsBoundary", "ExpectedValue": one, "ActualValue": two,
        "DifferenceType": "NOT_EQUAL"}]  # fmt: skip
    assert by_id["Removed"]["PropertyDifferences"] == [{
        "PropertyPath": "/PermissionsBoundary", "ExpectedValue": one, "ActualValue": "null",
        "DifferenceType": "REMOVE"}]  # fmt: skip
    assert "PermissionsBoundary" not in json.loads(by_id["Removed"]["ActualProperties"])
    reset(plain_moto)
    with pytest.raises(Divergence) as shown, first_failing_call():
        boundary_drift(plain_moto)
    assert str(shown.value) == f"DetectStackDrift: {SERVER_ERROR}"  # not in moto


def test_drift_ignores_policies_and_a_boundary_added_to_a_role_out_of_band(emulator: Any) -> None:
    """CloudFormation checks only the properties a template declares. A role declared without
    `Policies`, `ManagedPolicyArns` or `PermissionsBoundary` stays IN_SYNC when an inline
    policy is put on it (PutRolePolicy), a managed policy attached (AttachRolePolicy) or a
    boundary set outside the stack: AWS does not report those (coverage-roadmap #936), and
    the emulator must not either. The tool has to detect them itself (ListRolePolicies,
    ListAttachedRolePolicies, GetRole); this pins what CloudFormation gives it."""
    emulator.reset()
    iam, cf = _client(emulator.url, "iam"), _cf(emulator.url)
    declared = _with(ROLE, RoleName="pb-undeclared", Description="d")
    cf.create_stack(StackName="pb-undeclared", Capabilities=["CAPABILITY_NAMED_IAM"],
                    TemplateBody=json.dumps({"Resources": {"Role": declared}}))  # fmt: skip
    assert wait(cf, "pb-undeclared") == "CREATE_COMPLETE"
    iam.put_role_policy(RoleName="pb-undeclared", PolicyName="added",
                        PolicyDocument=json.dumps(_doc("Added", "s3:*")))  # fmt: skip
    attached = _boundary_policy(iam, "pb-attached")
    iam.attach_role_policy(RoleName="pb-undeclared", PolicyArn=attached)
    iam.put_role_permissions_boundary(RoleName="pb-undeclared", PermissionsBoundary=attached)
    status, drifts = detect_drift(cf, "pb-undeclared")
    assert status == "IN_SYNC"
    assert [(d["StackResourceDriftStatus"], d["PropertyDifferences"]) for d in drifts] == [
        ("IN_SYNC", [])]  # fmt: skip


def boundary_api(url: str) -> list[Any]:
    """IAM's own boundary calls on a role made by CreateRole: what GetRole shows after each,
    or the error code of a call IAM refuses."""
    iam = _client(url, "iam")
    one, two = _boundary_policy(iam, "pb-api-one"), _boundary_policy(iam, "pb-api-two")
    trust = json.dumps(_trusting("codebuild"))
    seen: list[Any] = []

    def step(call: Callable[[], Any]) -> None:
        try:
            call()
        except ClientError as error:
            seen.append(error.response["Error"]["Code"])
            return
        seen.append(_shown_boundary(iam, "pb-api"))

    step(lambda: iam.create_role(RoleName="pb-api", AssumeRolePolicyDocument=trust,
                                 PermissionsBoundary=one))  # fmt: skip
    step(lambda: iam.put_role_permissions_boundary(RoleName="pb-api", PermissionsBoundary=two))
    step(
        lambda: iam.put_role_permissions_boundary(
            RoleName="pb-api", PermissionsBoundary=FOREIGN_BOUNDARY
        )
    )
    step(lambda: iam.delete_role_permissions_boundary(RoleName="pb-api"))
    step(lambda: iam.create_role(RoleName="pb-api-missing", AssumeRolePolicyDocument=trust,
                                 PermissionsBoundary=BOUNDARY_ARN + "pb-api-nope"))  # fmt: skip
    return seen


def test_iam_permissions_boundary_calls(emulator: Any, plain_moto: str) -> None:
    emulator.reset()
    one, two = BOUNDARY_ARN + "pb-api-one", BOUNDARY_ARN + "pb-api-two"
    shown = [{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": a} for a in (one, two)]
    assert boundary_api(emulator.url) == [*shown, "NoSuchEntity", None, "NoSuchEntity"]
    with pytest.raises(ClientError, match="NoSuchEntity"):  # the refused role was not made
        _client(emulator.url, "iam").get_role(RoleName="pb-api-missing")
    reset(plain_moto)
    plain = boundary_api(plain_moto)
    assert "NoSuchEntity" not in plain  # moto sets a boundary that names no policy


# -- peers: the tools we benchmark against work unchanged -----------------------------------------
ROOT = Path(__file__).resolve().parent.parent


def peer_environment(url: str, region: str) -> dict[str, str]:
    """What points any AWS client at the emulator: its endpoint and any credentials."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**environment, "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "emulator",
            "AWS_SECRET_ACCESS_KEY": "emulator", "AWS_DEFAULT_REGION": region}  # fmt: skip


def starter_plan() -> StackPlan:
    return plan_stack(in_emulator(next(c for c in all_ml_configs() if c.tier is MlTier.STARTER)))


def _with_parameter_value(plan: StackPlan, logical_id: str, value: str) -> str:
    template = copy.deepcopy(plan.to_cfn())
    resources: dict[str, Any] = template["Resources"]
    resources[logical_id]["Properties"]["Value"] = value
    return render_json(template)


def test_aws_cli_cloudformation_deploy_works_unchanged(emulator: Any, tmp_path: Path) -> None:
    """`aws cloudformation deploy` (awscli v1) creates, updates, and finds nothing to change,
    through change sets and waiters, against the emulator as against AWS."""
    emulator.reset()
    plan = starter_plan()
    region = "us-west-2"
    environment = peer_environment(emulator.url, region)
    aws_cli = str(Path(sys.executable).parent / "aws")
    template = tmp_path / "starter.json"

    def deploy(body: str, *extra: str) -> subprocess.CompletedProcess[str]:
        template.write_text(body)
        return subprocess.run(
            [aws_cli, "cloudformation", "deploy", "--template-file", str(template),
             "--stack-name", plan.stack_name, "--capabilities", "CAPABILITY_NAMED_IAM", *extra],
            env=environment, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    def status() -> str:
        return str(_cf(emulator.url).describe_stacks(StackName=plan.stack_name)["Stacks"][0][
            "StackStatus"])  # fmt: skip

    create_boundaries(_client(emulator.url, "iam"), plan.render())
    created = deploy(plan.render())
    assert created.returncode == 0, created.stderr
    assert status() == "CREATE_COMPLETE"
    parameter = plan.resource("SageMakerPipelineNameParameter").physical_name
    changed = deploy(_with_parameter_value(plan, "SageMakerPipelineNameParameter", "changed"))
    assert changed.returncode == 0, changed.stderr
    assert status() == "UPDATE_COMPLETE"
    ssm = boto3.client("ssm", endpoint_url=emulator.url, region_name=region,
                       aws_access_key_id="t", aws_secret_access_key="t")  # fmt: skip
    assert ssm.get_parameter(Name=parameter)["Parameter"]["Value"] == "changed"
    same = deploy(_with_parameter_value(plan, "SageMakerPipelineNameParameter", "changed"),
                  "--no-fail-on-empty-changeset")  # fmt: skip
    assert same.returncode == 0, same.stderr
    assert "No changes to deploy" in same.stdout


def sceptre_venv() -> Path:
    """sceptre in its own venv under .peers/ (its old jsonschema breaks moto's server), made
    by scripts/peer-venvs on first use (~10 s, from the package index) and reused after."""
    subprocess.run([str(ROOT / "scripts" / "peer-venvs")], check=True, timeout=600,
                   env={**os.environ, "PYTHON": sys.executable})  # fmt: skip
    return ROOT / ".peers" / "sceptre-venv"


def test_sceptre_launch_works_unchanged(emulator: Any, tmp_path: Path) -> None:
    """`sceptre launch` of a minimal sceptre project holding a generated template."""
    sceptre = sceptre_venv() / "bin" / "sceptre"
    emulator.reset()
    plan = starter_plan()
    region = "us-west-2"
    (tmp_path / "config" / "dev").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "starter.json").write_text(plan.render())
    create_boundaries(_client(emulator.url, "iam"), plan.render())
    (tmp_path / "config" / "config.yaml").write_text(f"project_code: emulator\nregion: {region}\n")
    (tmp_path / "config" / "dev" / "starter.yaml").write_text(
        f"template:\n  path: starter.json\nstack_name: {plan.stack_name}\n"
    )
    launched = subprocess.run(
        [str(sceptre), "launch", "-y", "dev"], cwd=tmp_path, capture_output=True, text=True,
        env=peer_environment(emulator.url, region), timeout=120, check=False,
    )  # fmt: skip
    assert launched.returncode == 0, launched.stderr
    stack = _cf(emulator.url).describe_stacks(StackName=plan.stack_name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert {o["OutputKey"] for o in stack["Outputs"]} == {o.logical_id for o in plan.outputs}
