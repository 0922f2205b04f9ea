"""Gap: moto's update of an `AWS::IAM::Role` sets only its Description: it resets
MaxSessionDuration to 3600 (it reads the property `RoleDescription`) and ignores a changed
trust policy (AssumeRolePolicyDocument), PermissionsBoundary and Tags.

A PermissionsBoundary added or changed is put (PutRolePermissionsBoundary, which fails the
update when the policy does not exist: see iam_role_permissions_boundary); one the template
no longer declares is deleted (DeleteRolePermissionsBoundary). A boundary set outside the
stack on a role whose template never declared one is left alone, as CloudFormation leaves
what it does not manage."""

from __future__ import annotations

import json
from typing import Any

from moto.iam.models import Role, iam_backends

from provisioner.emulator.extensions._patch import (
    CREATE,
    UPDATE,
    arguments,
    partition,
    properties,
    tag_map,
    wrap_classmethod,
)

# Whether the role's stack declared a PermissionsBoundary when it last created or updated it.
DECLARED = "cfn_permissions_boundary_declared"


def _create(original: Any, *args: Any, **kwargs: Any) -> Any:
    role = original(*args, **kwargs)
    _, template, _, _ = arguments(CREATE, args, kwargs)
    setattr(role, DECLARED, bool(properties(template).get("PermissionsBoundary")))
    return role


def _set_boundary(iam: Any, role: Role, boundary: str | None) -> None:
    if boundary:
        if boundary != role.permissions_boundary_arn:
            iam.put_role_permissions_boundary(role.name, boundary)
    elif getattr(role, DECLARED, False) and role.permissions_boundary_arn:
        iam.delete_role_permissions_boundary(role.name)
    setattr(role, DECLARED, bool(boundary))


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    role, _, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    props = properties(template)
    if props.get("RoleName", role.name) != role.name or props.get("Path", "/") != role.path:
        return original(*args, **kwargs)  # create-only: moto's own (replacing) path
    iam = iam_backends[account_id][partition(region_name)]
    _set_boundary(iam, role, props.get("PermissionsBoundary"))  # first: it can fail
    document = props["AssumeRolePolicyDocument"]
    iam.update_assume_role_policy(
        role.name, document if isinstance(document, str) else json.dumps(document)
    )
    iam.update_role(role.name, props.get("Description", ""), props.get("MaxSessionDuration", 3600))
    declared = tag_map(props.get("Tags"))
    iam.untag_role(role.name, [t["Key"] for t in role.tags if t["Key"] not in declared])
    if declared:
        iam.tag_role(role.name, [{"Key": k, "Value": v} for k, v in declared.items()])
    return role


def install() -> None:
    wrap_classmethod(Role, "create_from_cloudformation_json", _create)
    wrap_classmethod(Role, "update_from_cloudformation_json", _update)
