"""Smoke checks after a test-deploy: every resource read back through its own service's API
and compared with what the template declared, where the declaration is a literal.

One small check per resource type, collected in `CHECKS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from provisioner.deploy.errors import AwsFailure
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.service_reads import ServiceReads
from provisioner.deploy.target import StackTemplate


@dataclass(frozen=True)
class Declared:
    """A resource as the template declared it, and what CloudFormation made of it."""

    logical_id: str
    type: str
    physical_id: str
    properties: dict[str, Any]
    physical_ids: dict[str, str]  # every logical id of the stack → its physical id

    def name(self, key: str) -> str:
        """The resource's name as declared, else its physical id (which is not always the
        name: a repository's is its id, a model package group's its ARN)."""
        declared = self.literal(key)
        return declared if isinstance(declared, str) and declared else self.physical_id

    def literal(self, key: str) -> Any:
        value = self.properties.get(key)
        if (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)).startswith(("Fn::", "Ref"))
        ):
            if "Ref" in value and isinstance(value["Ref"], str):
                return self.physical_ids.get(value["Ref"])
            return None
        return value


@dataclass(frozen=True)
class SmokeResult:
    stack: str
    logical_id: str
    type: str
    physical_id: str
    ok: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack, "logical_id": self.logical_id, "type": self.type,
            "physical_id": self.physical_id, "ok": self.ok, "detail": self.detail,
        }  # fmt: skip


Check = Callable[[ServiceReads, Declared], str]  # returns what it saw; raises SmokeMismatch


class SmokeMismatch(Exception):
    pass


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeMismatch(message)


def _policy(document: Any) -> dict[str, Any]:
    if isinstance(document, str):
        from urllib.parse import unquote

        document = json.loads(unquote(document))
    return dict(document)


def _literal_principals(trust: dict[str, Any]) -> set[str]:
    found = set()
    for statement in trust.get("Statement", []):
        principal = statement.get("Principal", {})
        if isinstance(principal, dict):
            for kind, values in principal.items():
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str):
                        found.add(f"{kind}:{value}")
    return found


def _condition_keys(trust: dict[str, Any]) -> set[str]:
    return {
        key
        for statement in trust.get("Statement", [])
        for block in (statement.get("Condition") or {}).values()
        for key in block
    }


def _role(gateway: ServiceReads, r: Declared) -> str:
    role = gateway.get_role(r.name("RoleName"))
    declared = r.properties.get("AssumeRolePolicyDocument", {})
    actual = _policy(role.get("AssumeRolePolicyDocument", {}))
    missing = _literal_principals(declared) - _literal_principals(actual)
    _expect(not missing, f"trust policy lacks principals {sorted(missing)}")
    keys = _condition_keys(declared) - _condition_keys(actual)
    _expect(not keys, f"trust policy lacks conditions on {sorted(keys)}")
    trusted = ", ".join(sorted(_literal_principals(actual))) or "principals from intrinsics"
    conditions = sorted(_condition_keys(actual))
    return f"trusts {trusted}" + (f" if {', '.join(conditions)}" if conditions else "")


def _group(gateway: ServiceReads, r: Declared) -> str:
    return f"group {gateway.get_group(r.name('GroupName'))['GroupName']} exists"


def _managed_policy(gateway: ServiceReads, r: Declared) -> str:
    policy = gateway.get_managed_policy(r.physical_id)
    name = r.literal("ManagedPolicyName")
    _expect(name is None or policy["PolicyName"] == name, f"named {policy['PolicyName']}")
    return f"policy {policy['PolicyName']} exists"


def _repository(gateway: ServiceReads, r: Declared) -> str:
    repo = gateway.get_repository(r.name("RepositoryName"))
    return f"repository {repo['repositoryName']} exists"


def _build_project(gateway: ServiceReads, r: Declared) -> str:
    project = gateway.get_build_project(r.name("Name"))
    _expect(project is not None, "project not found")
    assert project is not None
    return f"project {project['name']} exists"


def _pipeline(gateway: ServiceReads, r: Declared) -> str:
    pipeline = gateway.get_pipeline(r.name("Name"))
    declared = [s.get("Name") for s in r.properties.get("Stages", [])]
    actual = [s.get("name") for s in pipeline.get("stages", [])]
    _expect(actual == declared, f"stages {actual}, declared {declared}")
    return f"stages {' → '.join(str(s) for s in actual)}"


def _model_package_group(gateway: ServiceReads, r: Declared) -> str:
    group = gateway.get_model_package_group(r.name("ModelPackageGroupName"))
    return f"model package group {group['ModelPackageGroupName']} exists"


def _parameter(gateway: ServiceReads, r: Declared) -> str:
    value = gateway.get_parameter(r.name("Name"))
    declared = r.literal("Value")
    _expect(declared is None or value == declared, f"value {value!r}, declared {declared!r}")
    return f"value {value}"


def _bucket(gateway: ServiceReads, r: Declared) -> str:
    declared = (r.properties.get("VersioningConfiguration") or {}).get("Status")
    status = gateway.bucket_versioning(r.name("BucketName"))
    _expect(declared is None or status == declared, f"versioning {status!r}, declared {declared!r}")
    return f"bucket exists, versioning {status or 'off'}"


def _bucket_policy(gateway: ServiceReads, r: Declared) -> str:
    bucket = r.literal("Bucket")
    _expect(isinstance(bucket, str), "bucket not known")
    policy = gateway.bucket_policy(str(bucket))
    return f"{len(policy.get('Statement', []))} statements"


def _key(gateway: ServiceReads, r: Declared) -> str:
    key = gateway.describe_key(r.physical_id)
    _expect(key.get("Enabled", True), "key disabled")
    if r.properties.get("EnableKeyRotation"):
        _expect(gateway.key_rotation_enabled(r.physical_id), "rotation off")
    return f"key {key['KeyId']} enabled"


def _alias(gateway: ServiceReads, r: Declared) -> str:
    key = gateway.describe_key(r.name("AliasName"))
    return f"points at {key['KeyId']}"


def _log_group(gateway: ServiceReads, r: Declared) -> str:
    group = gateway.log_group(r.name("LogGroupName"))
    _expect(group is not None, "log group not found")
    assert group is not None
    declared = r.literal("RetentionInDays")
    kept = group.get("retentionInDays")
    _expect(declared is None or kept == declared, f"retention {kept}, declared {declared}")
    return f"retention {kept} days"


def _topic(gateway: ServiceReads, r: Declared) -> str:
    attributes = gateway.topic_attributes(r.physical_id)
    return f"topic {attributes.get('TopicArn', r.physical_id)} exists"


def _topic_policy(gateway: ServiceReads, r: Declared) -> str:
    topics = r.properties.get("Topics", [])
    arns = [r.physical_ids.get(t["Ref"]) if isinstance(t, dict) else t for t in topics]
    for arn in arns:
        _expect(bool(arn), "topic not known")
        policy = gateway.topic_attributes(str(arn)).get("Policy", "")
        _expect(bool(policy), f"{arn} has no policy")
    return f"policy on {len(arns)} topic(s)"


def _rule(gateway: ServiceReads, r: Declared) -> str:
    rule = gateway.events_rule(r.name("Name"))
    declared = r.literal("State")
    _expect(declared is None or rule.get("State") == declared, f"state {rule.get('State')}")
    return f"rule {rule.get('Name')} {rule.get('State')}"


def _dashboard(gateway: ServiceReads, r: Declared) -> str:
    dashboard = gateway.dashboard(r.name("DashboardName"))
    return f"dashboard {dashboard.get('DashboardName')} exists"


def _security_group(gateway: ServiceReads, r: Declared) -> str:
    group = gateway.security_group(r.physical_id)
    return f"security group {group['GroupId']} in {group.get('VpcId')}"


def _vpc_endpoint(gateway: ServiceReads, r: Declared) -> str:
    endpoint = gateway.vpc_endpoint(r.physical_id)
    declared = r.literal("ServiceName")
    _expect(declared is None or endpoint.get("ServiceName") == declared,
            f"service {endpoint.get('ServiceName')}")  # fmt: skip
    return f"endpoint {endpoint.get('ServiceName')} {endpoint.get('State')}"


CHECKS: dict[str, Check] = {
    "AWS::IAM::Role": _role,
    "AWS::IAM::Group": _group,
    "AWS::IAM::ManagedPolicy": _managed_policy,
    "AWS::CodeCommit::Repository": _repository,
    "AWS::CodeBuild::Project": _build_project,
    "AWS::CodePipeline::Pipeline": _pipeline,
    "AWS::SageMaker::ModelPackageGroup": _model_package_group,
    "AWS::SSM::Parameter": _parameter,
    "AWS::S3::Bucket": _bucket,
    "AWS::S3::BucketPolicy": _bucket_policy,
    "AWS::KMS::Key": _key,
    "AWS::KMS::Alias": _alias,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::SNS::Topic": _topic,
    "AWS::SNS::TopicPolicy": _topic_policy,
    "AWS::Events::Rule": _rule,
    "AWS::CloudWatch::Dashboard": _dashboard,
    "AWS::EC2::SecurityGroup": _security_group,
    "AWS::EC2::VPCEndpoint": _vpc_endpoint,
}


def smoke_check(gateway: AwsGateway, template: StackTemplate) -> list[SmokeResult]:
    physical = {r.logical_id: r.physical_id for r in gateway.stack_resources(template.stack_name)}
    reads = ServiceReads(gateway)
    results = []
    for logical_id, body in sorted(template.document.get("Resources", {}).items()):
        kind = body["Type"]
        declared = Declared(logical_id, kind, physical.get(logical_id, ""),
                            body.get("Properties", {}), physical)  # fmt: skip
        check = CHECKS.get(kind)
        if check is None:
            missing = "no smoke check for this type"
            result = SmokeResult(
                template.stack_name, logical_id, kind, declared.physical_id, False, missing
            )
            results.append(result)
            continue
        try:
            ok, detail = True, check(reads, declared)
        except (SmokeMismatch, AwsFailure) as problem:
            ok, detail = False, str(problem)
        results.append(SmokeResult(template.stack_name, logical_id, kind, declared.physical_id,
                                   ok, detail))  # fmt: skip
    return results
