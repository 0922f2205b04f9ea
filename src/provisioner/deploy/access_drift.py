"""detect-drift's own reads: each role's and group's inline policies, attached managed
policies and boundary, each key's policy, each bucket's policy and public access block, read
through their services' APIs and compared with the deployed template
(cfn/declared_access.py). One list call per kind and resource, no waits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from provisioner.cfn.declared_access import (
    Context,
    Difference,
    Unresolved,
    declared_principals,
    document_differences,
    principal_differences,
    public_access_differences,
)
from provisioner.deploy.service_reads import ServiceReads


@dataclass
class AccessDrift:
    differences: dict[str, list[Difference]] = field(default_factory=dict)  # by logical id
    read: dict[str, int] = field(default_factory=dict)  # resource type → how many were read
    not_compared: list[str] = field(default_factory=list)  # what the template left unresolved

    def add(self, logical_id: str, found: list[Difference]) -> None:
        if found:
            self.differences.setdefault(logical_id, []).extend(found)

    def counted(self, resource_type: str) -> None:
        self.read[resource_type] = self.read.get(resource_type, 0) + 1


def access_drift(
    reads: ServiceReads, resources: dict[str, Any], context: Context, gone: set[str]
) -> AccessDrift:
    """What AWS holds beyond (or short of) what `resources` (the deployed template's) declare;
    `gone`: logical ids CloudFormation found deleted, not read again."""
    drift = AccessDrift()
    for principal in declared_principals(resources, context):
        if principal.logical_id in gone:
            continue
        name = context.physical[principal.logical_id]
        drift.not_compared += [f"{principal.logical_id}: {p}" for p in principal.unresolved]
        if principal.resource_type == "AWS::IAM::Role":
            inline = reads.role_inline_policies(name)
            managed = reads.attached_role_policies(name)
            bound = reads.get_role(name).get("PermissionsBoundary", {})
            boundary = bound.get("PermissionsBoundaryArn") if bound else None
        else:
            inline = reads.group_inline_policies(name)
            managed = reads.attached_group_policies(name)
            boundary = None
        drift.counted(principal.resource_type)
        drift.add(principal.logical_id, principal_differences(principal, inline, managed, boundary))
    bucket_policies: dict[str, tuple[str, Any]] = {}  # bucket name → policy's logical id, doc
    for logical_id, body in resources.items():
        if body.get("Type") == "AWS::S3::BucketPolicy":
            props = body.get("Properties", {})
            try:
                bucket = str(context.resolve(props.get("Bucket")))
                bucket_policies[bucket] = (logical_id, context.resolve(props["PolicyDocument"]))
            except Unresolved as exc:
                drift.not_compared.append(f"{logical_id}: {exc}")
    for logical_id, body in sorted(resources.items()):
        kind, props = body.get("Type"), body.get("Properties", {})
        if logical_id in gone or logical_id not in context.physical:
            continue
        physical = context.physical[logical_id]
        try:
            if kind == "AWS::KMS::Key" and "KeyPolicy" in props:
                declared = context.resolve(props["KeyPolicy"])
                drift.counted(kind)
                drift.add(logical_id, document_differences(
                    "/KeyPolicy", declared, reads.key_policy(physical)))  # fmt: skip
            elif kind == "AWS::S3::Bucket":
                drift.counted(kind)
                if "PublicAccessBlockConfiguration" in props:
                    declared = context.resolve(props["PublicAccessBlockConfiguration"])
                    drift.add(logical_id, public_access_differences(
                        declared, reads.public_access_block(physical)))  # fmt: skip
                policy_id, document = bucket_policies.get(physical, (logical_id, None))
                path = "/PolicyDocument" if document is not None else "/BucketPolicy"
                if policy_id in gone:
                    continue
                drift.add(policy_id, document_differences(
                    path, document, reads.bucket_policy_if_any(physical)))  # fmt: skip
        except Unresolved as exc:
            drift.not_compared.append(f"{logical_id}: {exc}")
    return drift
