"""The authorization requests CloudFormation's resource handlers make with the operator's
credentials, with the request context IAM sees, so conditional grants can be proven.

CloudFormation calls each service through a forward access session: the requests carry
`aws:CalledVia: cloudformation.amazonaws.com` and `aws:ViaAWSService`, and no MFA flag of the
caller's (AWS documents the FAS keys; it documents no MFA pass-through, so none is assumed).
Beyond that, what IAM puts into the context depends on the call:

- tags the resource is created with (`aws:RequestTag/…`, `aws:TagKeys`) and, once created,
  carries (`aws:ResourceTag/…`);
- for role writes, the boundary the role is given or has (`iam:PermissionsBoundary`);
- for attaching a policy, the policy (`iam:PolicyARN`);
- for passing a role, the service it is passed to (`iam:PassedToService`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from provisioner.cfn.template import PlannedResource, StackPlan
from provisioner.policy.evaluation import ContextValue, Request
from provisioner.resource_types.registry import BY_CFN_TYPE

CLOUDFORMATION = "cloudformation.amazonaws.com"
# Whoever runs the tool; any role name does, the policies never name the operator.
OPERATOR_ROLE = "operator"

_ATTACH = {"iam:attachrolepolicy", "iam:detachrolepolicy"}


@dataclass(frozen=True)
class HandlerRequest:
    request: Request
    resource_policy: Any  # the target's key policy, where IAM also needs it


def operator_arn(account: str, partition: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{OPERATOR_ROLE}"


def _partition_of(*arns: str) -> str:
    """The partition the planned ARNs are in (an operator acts in its own partition only)."""
    for arn in arns:
        if arn.startswith("arn:"):
            return arn.split(":")[1]
    raise ValueError(f"no ARN to tell the partition from in {arns!r}")


def _tags(resource: PlannedResource) -> dict[str, str]:
    tags = resource.properties.get("Tags")
    if isinstance(tags, list):
        return {t["Key"]: t["Value"] for t in tags if isinstance(t, dict)}
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    return {}


def handler_requests(
    plan: StackPlan, resource: PlannedResource, permission: str, target: str, account: str
) -> list[HandlerRequest]:
    """The requests a handler of `resource` makes for `permission` on `target`: more than one
    where the context differs per call (each policy attached to a role); none where the handler
    would not make the call (attaching when nothing is attached)."""
    by_arn = {r.arn: r for r in plan.resources}
    operator = operator_arn(account, _partition_of(target, resource.arn))
    context: dict[str, ContextValue] = {
        "aws:CalledVia": [CLOUDFORMATION],
        "aws:ViaAWSService": True,
        "aws:PrincipalArn": operator,
    }
    touched = by_arn.get(target)
    if touched is not None:
        for key, value in _tags(touched).items():
            context[f"aws:ResourceTag/{key}"] = value
            if touched is resource:
                context[f"aws:RequestTag/{key}"] = value
        if touched is resource and _tags(touched):
            context["aws:TagKeys"] = sorted(_tags(touched))
        boundary = touched.properties.get("PermissionsBoundary")
        if touched.type == "AWS::IAM::Role" and isinstance(boundary, str):
            context["iam:PermissionsBoundary"] = boundary
    lowered = permission.lower()
    record = BY_CFN_TYPE.get(resource.type)
    if lowered == "iam:passrole" and record is not None and record.passes_role is not None:
        # the service the type passes its role to (its record's `passes_role`)
        context["iam:PassedToService"] = record.passes_role.service
    key_policy = None
    if touched is not None and touched.type == "AWS::KMS::Key":
        key_policy = touched.properties.get("KeyPolicy")
    if lowered in _ATTACH:
        policies = _attached(plan, resource, touched)
        return [
            HandlerRequest(
                Request(permission, target, {**context, "iam:PolicyARN": p}, operator),
                key_policy,
            )
            for p in policies
        ]
    return [HandlerRequest(Request(permission, target, context, operator), key_policy)]


def _attached(
    plan: StackPlan, resource: PlannedResource, role: PlannedResource | None
) -> list[str]:
    """The managed policies a handler attaches to (or detaches from) `role`."""
    if resource.type == "AWS::IAM::ManagedPolicy":
        return [resource.arn]
    if role is None:
        return []
    found = [
        r.arn
        for r in plan.resources
        if r.type == "AWS::IAM::ManagedPolicy" and role.logical_id in r.references()
    ]
    arns = role.properties.get("ManagedPolicyArns")
    if isinstance(arns, list):
        found += [a for a in arns if isinstance(a, str)]
    return sorted(found)
