"""Gap: moto's `AWS::IAM::Role` stores each inline policy of `Policies` as the Python repr of
its document (GetRolePolicy returns "{'Version': ...}", not JSON), and an update of the stack
never changes them."""

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
    wrap_classmethod,
)


def _put_declared(role: Role, props: dict[str, Any], account_id: str, region_name: str) -> None:
    iam = iam_backends[account_id][partition(region_name)]
    declared = {p["PolicyName"]: p["PolicyDocument"] for p in props.get("Policies", [])}
    for name in set(role.policies) - set(declared):
        iam.delete_role_policy(role.name, name)
    for name, document in declared.items():
        text = document if isinstance(document, str) else json.dumps(document)
        iam.put_role_policy(role.name, name, text)


def _create(original: Any, *args: Any, **kwargs: Any) -> Any:
    role = original(*args, **kwargs)
    _, template, account_id, region_name = arguments(CREATE, args, kwargs)
    _put_declared(role, properties(template), account_id, region_name)
    return role


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    role = original(*args, **kwargs)
    _, _, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    _put_declared(role, properties(template), account_id, region_name)
    return role


def install() -> None:
    wrap_classmethod(Role, "create_from_cloudformation_json", _create)
    wrap_classmethod(Role, "update_from_cloudformation_json", _update)
