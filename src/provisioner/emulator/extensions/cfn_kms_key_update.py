"""Gap: moto cannot update an `AWS::KMS::Key`: on a stack update the key drops out of the
stack (no physical id; the alias and every Fn::GetAtt on it break) and its Description,
KeyPolicy, EnableKeyRotation, Enabled and Tags stay the old ones."""

from __future__ import annotations

import json
from typing import Any

from moto.kms.models import Key, kms_backends

from provisioner.emulator.extensions._patch import (
    UPDATE,
    arguments,
    properties,
    tag_map,
    wrap_classmethod,
)


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    key, _, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    props = properties(template)
    kms = kms_backends[account_id][region_name]
    kms.update_key_description(key.id, props.get("Description", ""))
    policy = props["KeyPolicy"]
    kms.put_key_policy(key.id, policy if isinstance(policy, str) else json.dumps(policy))
    if props.get("EnableKeyRotation", False):
        kms.enable_key_rotation(key.id)
    else:
        kms.disable_key_rotation(key.id)
    if props.get("Enabled", True):
        kms.enable_key(key.id)
    else:
        kms.disable_key(key.id)
    declared = tag_map(props.get("Tags"))
    current = kms.tagger.get_tag_dict_for_resource(key.id)
    kms.untag_resource(key.arn, [k for k in current if k not in declared])
    kms.tag_resource(key.arn, declared)
    return key


def install() -> None:
    wrap_classmethod(Key, "update_from_cloudformation_json", _update)
