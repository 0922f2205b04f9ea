"""Gap: moto's `AWS::IAM::Role` ignores `ManagedPolicyArns`: nothing is attached
(ListAttachedRolePolicies is empty), on create or update."""

from __future__ import annotations

from typing import Any

from moto.iam.models import Role, iam_backends

from provisioner.emulator.extensions._patch import (
    CREATE,
    DELETE,
    UPDATE,
    arguments,
    partition,
    properties,
    wrap_classmethod,
)

# The role remembers the ARNs its stack declared: on update and delete, CloudFormation
# detaches what it attached and leaves attachments made by others alone.
DECLARED = "cfn_managed_policy_arns"


def _attach_declared(role: Role, props: dict[str, Any], account_id: str, region_name: str) -> None:
    iam = iam_backends[account_id][partition(region_name)]
    before: set[str] = getattr(role, DECLARED, set())
    after = set(props.get("ManagedPolicyArns", []))
    for arn in before - after:
        if arn in role.managed_policies:
            iam.detach_role_policy(arn, role.name)
    for arn in sorted(after - set(role.managed_policies)):
        iam.attach_role_policy(arn, role.name)
    setattr(role, DECLARED, after)


def _create(original: Any, *args: Any, **kwargs: Any) -> Any:
    role = original(*args, **kwargs)
    _, template, account_id, region_name = arguments(CREATE, args, kwargs)
    _attach_declared(role, properties(template), account_id, region_name)
    return role


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    role = original(*args, **kwargs)
    _, _, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    _attach_declared(role, properties(template), account_id, region_name)
    return role


def _delete(original: Any, *args: Any, **kwargs: Any) -> Any:
    name, _, account_id, region_name = arguments(DELETE, args, kwargs)
    iam = iam_backends[account_id][partition(region_name)]
    for role in [r for r in iam.roles.values() if r.name == name]:
        for arn in getattr(role, DECLARED, set()) & set(role.managed_policies):
            iam.detach_role_policy(arn, name)
    return original(*args, **kwargs)


def install() -> None:
    wrap_classmethod(Role, "create_from_cloudformation_json", _create)
    wrap_classmethod(Role, "update_from_cloudformation_json", _update)
    wrap_classmethod(Role, "delete_from_cloudformation_json", _delete)
