"""Checks that an operator policy covers what CloudFormation's handlers do with a stack."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from proofs.handler_requests import handler_requests
from provisioner.cfn.intrinsics import referenced_ids
from provisioner.cfn.template import PlannedResource, StackPlan, render_json
from provisioner.policy.document import PolicyDocument
from provisioner.policy.evaluation import evaluate
from provisioner.policy.handler_grants import S3_OBJECT_PERMISSIONS
from provisioner.policy.unscopable import UNSCOPABLE_ACTIONS
from provisioner.resource_types.handler_exclusions import excluded
from provisioner.resource_types.permission_table import HANDLER_OPERATIONS
from provisioner.resource_types.registry import BY_CFN_TYPE

# type → operation → permissions, as in the registry schemas' `handlers`.
HandlerPermissions = Mapping[str, Mapping[str, Sequence[str]]]


@dataclass(frozen=True)
class Gap:
    resource: str
    resource_type: str
    permission: str
    target: str
    why: str

    def render(self) -> str:
        where = f"{self.resource} ({self.resource_type})"
        return f"{where}: {self.permission} on {self.target}: {self.why}"


def _service_of_permission(permission: str) -> str:
    return permission.split(":", 1)[0].lower()


def _passed_role_properties(resource_type: str) -> tuple[str, ...]:
    """Where a type that passes a role names it (its record's `passes_role`)."""
    record = BY_CFN_TYPE.get(resource_type)
    return record.passes_role.properties if record and record.passes_role else ()


_ROLE_ATTACHMENTS = frozenset({"iam:attachrolepolicy", "iam:detachrolepolicy"})


def targets(plan: StackPlan, resource: PlannedResource, permission: str) -> list[str]:
    """The ARNs a handler permission acts on: the resource's own for its own service (its
    objects, for S3 object permissions); for another service, the resources of that service
    it references (e.g. the role a pipeline passes). Empty when it references none: then the
    handler has nothing of that service to call the permission on."""
    service = _service_of_permission(permission)
    if permission.lower() in _ROLE_ATTACHMENTS and resource.type == "AWS::IAM::ManagedPolicy":
        # IAM authorizes attaching on the role; the policy is the request's iam:PolicyARN.
        by_id = {r.logical_id: r for r in plan.resources}
        return sorted(
            by_id[ref].arn
            for ref in resource.references()
            if ref in by_id and by_id[ref].type == "AWS::IAM::Role"
        )
    if permission.lower() == "iam:passrole":
        # A handler passes the roles named where the type takes a role, nothing else it
        # references (a build's environment may name a role its build passes at run time).
        by_id = {r.logical_id: r for r in plan.resources}
        named = referenced_ids(
            [resource.properties.get(p) for p in _passed_role_properties(resource.type)]
        )
        return sorted(
            by_id[ref].arn for ref in named if ref in by_id and by_id[ref].type == "AWS::IAM::Role"
        )
    if service == resource.service:
        if permission.lower() in S3_OBJECT_PERMISSIONS:
            return [f"{resource.arn}/any-object-key"]
        return [resource.arn]
    by_id = {r.logical_id: r for r in plan.resources}
    return sorted(
        by_id[ref].arn
        for ref in resource.references()
        if ref in by_id and by_id[ref].service == service
    )


def permissions_for(resource_type: str, handlers: HandlerPermissions) -> list[str]:
    operations = handlers.get(resource_type)
    if operations is None:
        raise KeyError(f"no handler permissions known for {resource_type}")
    found: set[str] = set()
    for operation in HANDLER_OPERATIONS:
        found.update(operations.get(operation, ()))
    return sorted(found)


def gaps(
    plans: Iterable[StackPlan],
    policy: PolicyDocument,
    handlers: HandlerPermissions,
    *,
    scoped: bool,
    account: str,
) -> list[Gap]:
    """Every handler permission (not excluded) that the policy does not allow on its target,
    each call evaluated with the context it carries (proofs/handler_requests.py).

    With `scoped=True`, a `"Resource": "*"` grant counts only for actions IAM cannot scope:
    every other permission must be allowed by a pattern that names the resource.
    """
    found: list[Gap] = []
    kept = [s for s in policy.statements if not (scoped and s.is_allow and s.is_unscoped)]
    document = PolicyDocument(tuple(kept)).to_json()
    for plan in plans:
        for resource in plan.resources:
            for permission in permissions_for(resource.type, handlers):
                if excluded(resource.type, permission):
                    continue
                unscopable = permission in UNSCOPABLE_ACTIONS
                if scoped and unscopable:
                    continue
                arns = targets(plan, resource, permission)
                if not arns and _names_foreign_arn(resource, permission):
                    found.append(
                        Gap(
                            resource.logical_id,
                            resource.type,
                            permission,
                            "-",
                            "acts on a resource outside the stack; cannot prove",
                        )
                    )
                for arn in arns:
                    for call in handler_requests(plan, resource, permission, arn, account):
                        if not evaluate(
                            call.request, [document], resource_policy=call.resource_policy
                        ).allowed:
                            why = "no statement names this resource" if scoped else "not allowed"
                            found.append(
                                Gap(resource.logical_id, resource.type, permission, arn, why)
                            )
                            break
    return found


def _names_foreign_arn(resource: PlannedResource, permission: str) -> bool:
    """Whether the properties name a literal ARN of the permission's service. A managed
    policy attaches to the roles its `Roles` names, not to ARNs its document mentions."""
    if permission.lower() in _ROLE_ATTACHMENTS and resource.type == "AWS::IAM::ManagedPolicy":
        return _names_arn_of("iam", render_json(resource.properties.get("Roles", [])))
    return _names_arn_of(_service_of_permission(permission), render_json(resource.properties))


def _names_arn_of(service: str, text: str) -> bool:
    """Whether `text` holds a literal ARN of `service`, in any partition."""
    return re.search(rf"arn:aws(-[a-z-]+)?:{re.escape(service)}:", text) is not None
