"""Gap: moto's update of an `AWS::IAM::Role` sets only its Description: it resets
MaxSessionDuration to 3600 (it reads the property `RoleDescription`) and ignores a changed
trust policy (AssumeRolePolicyDocument) and Tags."""

from __future__ import annotations

import json
from typing import Any

from moto.iam.models import Role, iam_backends

from provisioner.emulator.extensions._patch import (
    UPDATE,
    arguments,
    properties,
    tag_map,
    wrap_classmethod,
)


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    role, _, template, account_id, _ = arguments(UPDATE, args, kwargs)
    props = properties(template)
    if props.get("RoleName", role.name) != role.name or props.get("Path", "/") != role.path:
        return original(*args, **kwargs)  # create-only: moto's own (replacing) path
    iam = iam_backends[account_id]["aws"]
    document = props["AssumeRolePolicyDocument"]
    iam.update_assume_role_policy(
        role.name, document if isinstance(document, str) else json.dumps(document)
    )
    iam.update_role(role.name, props.get("Description", ""), props.get("MaxSessionDuration", 3600))
    iam.put_role_permissions_boundary(role.name, props.get("PermissionsBoundary", ""))
    declared = tag_map(props.get("Tags"))
    iam.untag_role(role.name, [t["Key"] for t in role.tags if t["Key"] not in declared])
    if declared:
        iam.tag_role(role.name, [{"Key": k, "Value": v} for k, v in declared.items()])
    return role


def install() -> None:
    wrap_classmethod(Role, "update_from_cloudformation_json", _update)
