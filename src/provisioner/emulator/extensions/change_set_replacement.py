"""Gap: a change set's Modify rows say nothing of what changes: moto gives no Replacement, Scope
or Details. CloudFormation names each changed property (Details), whether changing it recreates
the resource (RequiresRecreation Always for a create-only property, else Never) and, for the
whole resource, Replacement True when any create-only property changes, else False.

The create-only properties are the registry schema's (`createOnlyProperties`, as cfn-lint
ships it), so every type is covered, modelled here or not. The emulator compares the templates
as written: a property is changed when its declaration differs (a `Ref` to a parameter whose
value changed goes unseen, as moto's own diff leaves such a resource out)."""

from __future__ import annotations

from functools import cache
from typing import Any

from moto.cloudformation.models import Change, ChangeSet

# Resource attributes CloudFormation reports in Scope and Details beside Properties.
_SCOPED_ATTRIBUTES = (
    "Metadata",
    "CreationPolicy",
    "UpdatePolicy",
    "DeletionPolicy",
    "UpdateReplacePolicy",
)
# The region whose schemas are read: create-only properties do not differ between regions.
_SCHEMA_REGION = "us-east-1"
_ANY_ITEM = "*"


@cache
def create_only_paths(cfn_type: str) -> tuple[tuple[str, ...], ...]:
    """The type's create-only property paths below /properties ('*' for any list item);
    none for a type without a schema."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(_SCHEMA_REGION, cfn_type).schema
    except Exception:  # an unknown or custom type: CloudFormation knows none either
        return ()
    paths = []
    for pointer in schema.get("createOnlyProperties", []):
        parts = tuple(pointer.strip("/").split("/"))
        if parts[:1] == ("properties",) and len(parts) > 1:
            paths.append(parts[1:])
    return tuple(paths)


_MISSING = object()


def _at(value: Any, path: tuple[str, ...]) -> Any:
    """The value at `path`, stopping at the first '*' (the whole list is compared)."""
    for part in path:
        if part == _ANY_ITEM:
            return value
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def recreates(cfn_type: str, name: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Changing top-level property `name` from `old` to `new` properties needs a new resource:
    a create-only path at or below it differs."""
    return any(
        path[0] == name and _at(old, path) != _at(new, path) for path in create_only_paths(cfn_type)
    )


def _detail(target: dict[str, str]) -> dict[str, Any]:
    return {"Target": target, "Evaluation": "Static", "ChangeSource": "DirectModification"}


def resource_change(
    change: Change, old: dict[str, Any], new: dict[str, Any]
) -> tuple[str, list[str], list[dict[str, Any]]]:
    """CloudFormation's Replacement, Scope and Details for one Modify."""
    before = old.get("Properties") or {}
    after = new.get("Properties") or {}
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    details = []
    replaced = False
    for name in changed:
        recreation = recreates(change.resource_type, name, before, after)
        replaced |= recreation
        recreation_says = "Always" if recreation else "Never"
        target = {"Attribute": "Properties", "Name": name, "RequiresRecreation": recreation_says}
        details.append(_detail(target))
    scope = ["Properties"] if changed else []
    for attribute in _SCOPED_ATTRIBUTES:
        if old.get(attribute) != new.get(attribute):
            scope.append(attribute)
            details.append(_detail({"Attribute": attribute, "RequiresRecreation": "Never"}))
    return ("True" if replaced else "False"), scope, details


def install() -> None:
    original = ChangeSet.diff
    if getattr(original, "_says_replacement", False):
        return

    def diff(self: ChangeSet) -> list[Change]:
        changes = original(self)
        old_resources = self.stack.resource_map._resource_json_map
        new_resources = (self.template_dict or {}).get("Resources") or {}
        for change in changes:
            if change.action != "Modify":
                continue
            old = old_resources.get(change.logical_resource_id) or {}
            new = new_resources.get(change.logical_resource_id) or {}
            # Change has no such attributes: the response serializer reads them by name.
            replacement, scope, details = resource_change(change, old, new)
            change.replacement = replacement  # type: ignore[attr-defined]
            change.scope = scope  # type: ignore[attr-defined]
            change.details = details  # type: ignore[attr-defined]
        return changes

    diff._says_replacement = True  # type: ignore[attr-defined]
    ChangeSet.diff = diff  # type: ignore[method-assign]
