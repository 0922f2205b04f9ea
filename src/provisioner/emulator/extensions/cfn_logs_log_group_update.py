"""Gap: moto cannot update an `AWS::Logs::LogGroup`: on a stack update the group drops out of
the stack (no physical id) and its RetentionInDays and Tags stay the old ones."""

from __future__ import annotations

from typing import Any

from moto.logs.models import LogGroup, logs_backends

from provisioner.emulator.extensions._patch import (
    UPDATE,
    arguments,
    properties,
    replacement_refused,
    tag_map,
    wrap_classmethod,
)


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    group, _, template, account_id, region_name = arguments(UPDATE, args, kwargs)
    props = properties(template)
    if props.get("LogGroupName", group.name) != group.name:
        raise replacement_refused(group.name)  # create-only with a custom name
    logs = logs_backends[account_id][region_name]
    if "RetentionInDays" in props:
        logs.put_retention_policy(group.name, props["RetentionInDays"])
    else:
        logs.delete_retention_policy(group.name)
    group.kms_key_id = props.get("KmsKeyId")
    declared = tag_map(props.get("Tags"))
    current = logs.list_tags_log_group(group.name)
    logs.untag_log_group(group.name, [k for k in current if k not in declared])
    logs.tag_log_group(group.name, declared)
    return group


def install() -> None:
    wrap_classmethod(LogGroup, "update_from_cloudformation_json", _update)
