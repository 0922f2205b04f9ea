"""Gap: moto cannot update an `AWS::IAM::ManagedPolicy`: on a stack update the resource drops
out of the stack (no physical id, never deleted: it leaks), its document stays the old one
and its attachments do not follow `Roles`, `Groups`, `Users`."""

from __future__ import annotations

import json
from typing import Any

from moto.iam.models import ManagedPolicy, iam_backends

from provisioner.emulator.extensions._patch import (
    CREATE,
    UPDATE,
    arguments,
    partition,
    properties,
    replacement_refused,
    wrap_classmethod,
)

MAX_VERSIONS = 5  # IAM's limit; CloudFormation deletes the oldest non-default version first

# The policy remembers whom its stack attached it to, so an update detaches only those.
DECLARED = "cfn_attachments"
KINDS = ("Roles", "Groups", "Users")


def _declared(props: dict[str, Any]) -> dict[str, set[str]]:
    return {kind: set(props.get(kind, [])) for kind in KINDS}


def _create(original: Any, *args: Any, **kwargs: Any) -> Any:
    policy = original(*args, **kwargs)
    _, template, _, _ = arguments(CREATE, args, kwargs)
    setattr(policy, DECLARED, _declared(properties(template)))
    return policy


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    policy, _, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    props = properties(template)
    created_as = (policy.name, policy.path, policy.description)
    wanted = (props.get("ManagedPolicyName", policy.name), props.get("Path", "/"),
              props.get("Description", policy.description))  # fmt: skip
    if wanted != created_as:
        raise replacement_refused(policy.name)  # create-only properties with a custom name
    iam = iam_backends[account_id][partition(region_name)]
    document = props["PolicyDocument"]
    text = document if isinstance(document, str) else json.dumps(document)
    current = next(v for v in policy.versions if v.version_id == policy.default_version_id)
    if json.loads(current.document) != json.loads(text):
        if len(policy.versions) >= MAX_VERSIONS:
            oldest = min(
                (v for v in policy.versions if not v.is_default),
                key=lambda v: int(v.version_id.lstrip("v")),
            )
            iam.delete_policy_version(policy.arn, oldest.version_id)
        iam.create_policy_version(policy.arn, text, set_as_default=True)
    before: dict[str, set[str]] = getattr(policy, DECLARED, _declared({}))
    after = _declared(props)
    attach = {"Roles": iam.attach_role_policy, "Groups": iam.attach_group_policy,
              "Users": iam.attach_user_policy}  # fmt: skip
    detach = {"Roles": iam.detach_role_policy, "Groups": iam.detach_group_policy,
              "Users": iam.detach_user_policy}  # fmt: skip
    for kind in KINDS:
        for name in sorted(before[kind] - after[kind]):
            detach[kind](policy.arn, name)
        for name in sorted(after[kind] - before[kind]):
            attach[kind](policy.arn, name)
    setattr(policy, DECLARED, after)
    return policy


def install() -> None:
    wrap_classmethod(ManagedPolicy, "create_from_cloudformation_json", _create)
    wrap_classmethod(ManagedPolicy, "update_from_cloudformation_json", _update)
