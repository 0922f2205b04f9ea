"""What a deploy through stack sets would change, read before it changes anything: for
show-changes, and for the production gate of the deploy itself.

Stack sets have no change sets: the diff is between the set's template as CloudFormation holds
it (DescribeStackSet) and the one the deploy would give it, resource by resource and grant by
grant (cfn/security_diff.py), so nothing is made in AWS and nothing is left behind. Every
instance gets the same template and no parameter overrides (the tool sets none), so one
template diff and one security diff hold for every instance; what differs per instance is
whether the deploy creates it, updates it or leaves it as it is. An instance the deploy
creates gets every grant of the template, as a first create does: a set that only grows
broadens access where it grows, with its template unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from provisioner.cfn.security_diff import SecurityDiff, security_diff
from provisioner.deploy.records import ChangedTarget, ResourceChange
from provisioner.deploy.stack_set_gateway import StackInstance, StackSetGateway, StackSetInfo
from provisioner.deploy.target import StackTemplate
from provisioner.stack_sets.names import stack_set_name

InstanceAction = Literal["create", "update", "unchanged", "untargeted"]
# The keys of a resource besides its Properties that a change to shows as changed.
_ATTRIBUTES = ("Metadata", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Condition")


@dataclass(frozen=True)
class SetPreview:
    name: str
    existing: StackSetInfo | None
    instances: tuple[StackInstance, ...]  # as they are
    changes: tuple[ResourceChange, ...]
    access: SecurityDiff  # the set's template against the deploy's: its instances' change
    updating: bool  # the set's template or tags differ, or an instance is not CURRENT
    # (account or "" for an OU's, region, what the deploy does there), in deploy order
    plan: tuple[tuple[str, str, InstanceAction], ...]
    # What an instance the deploy creates gets, from nothing (None: it creates none in a set
    # that exists; a new set's `access` is that already).
    access_where_created: SecurityDiff | None = None

    @property
    def no_changes(self) -> bool:
        return all(action in ("unchanged", "untargeted") for *_, action in self.plan)

    @property
    def created_where(self) -> list[str]:
        return [f"{a or '(its OUs)'}/{r}" for a, r, action in self.plan if action == "create"]

    @property
    def broadening_access(self) -> SecurityDiff:
        """What the production gate and --fail-on-broadening judge: every grant where an
        instance is created, else the instances' change."""
        return self.access_where_created or self.access


def preview(sets: StackSetGateway, template: StackTemplate, tags: dict[str, str]) -> SetPreview:
    name = stack_set_name(template.stack_name)
    existing = sets.describe(name)
    instances = tuple(sets.instances(name)) if existing is not None else ()
    old = _document(existing.template_body) if existing is not None else None
    new = template.document
    updating = existing is not None and (
        existing.template_body.strip() != template.body.strip()
        or existing.tags != tags
        or any(i.status != "CURRENT" for i in instances)
    )
    plan = _instance_plan(sets, instances, updating)
    grows = existing is not None and any(action == "create" for *_, action in plan)
    return SetPreview(
        name=name,
        existing=existing,
        instances=instances,
        changes=resource_changes(old, new),
        access=security_diff(old, new),
        updating=updating,
        plan=plan,
        access_where_created=security_diff(None, new) if grows else None,
    )


def gate_inputs(
    previews: list[SetPreview],
) -> tuple[dict[str, SecurityDiff], set[str]]:
    """refuse_broadening's diffs (by the name it shows) and which of them change what is
    live, grant by grant; the others are first creates (a new set, or new instances)."""
    diffs: dict[str, SecurityDiff] = {}
    live: set[str] = set()
    for p in previews:
        if p.access_where_created is not None:
            diffs[f"{p.name} in {', '.join(p.created_where)}"] = p.access_where_created
        else:
            diffs[p.name] = p.access
            if p.existing is not None:
                live.add(p.name)
    return diffs, live


def resource_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> tuple[ResourceChange, ...]:
    """Add, Remove and Modify by logical id; a Modify names each top-level property or
    attribute that differs (whether it replaces the resource, only a change set could say)."""
    before: dict[str, Any] = (old or {}).get("Resources", {})
    after: dict[str, Any] = new.get("Resources", {})
    changes: list[ResourceChange] = []
    for logical_id in sorted(set(before) | set(after)):
        was, now = before.get(logical_id), after.get(logical_id)
        if was is None:
            changes.append(ResourceChange("Add", logical_id, after[logical_id].get("Type", "")))
        elif now is None:
            changes.append(ResourceChange("Remove", logical_id, was.get("Type", "")))
        elif was != now:
            changed = _changed(was, now)
            changes.append(ResourceChange("Modify", logical_id, now.get("Type", ""),
                                          targets=changed))  # fmt: skip
    return tuple(changes)


def _changed(was: dict[str, Any], now: dict[str, Any]) -> tuple[ChangedTarget, ...]:
    before, after = was.get("Properties", {}), now.get("Properties", {})
    found = [
        ChangedTarget("Properties", key, "")
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]
    found += [ChangedTarget(key, "", "") for key in _ATTRIBUTES if was.get(key) != now.get(key)]
    if was.get("Type") != now.get("Type"):
        found.append(ChangedTarget("Type", "", "Always"))
    return tuple(found)


def _instance_plan(
    sets: StackSetGateway, instances: tuple[StackInstance, ...], updating: bool
) -> tuple[tuple[str, str, InstanceAction], ...]:
    """Missing targets are created; an update of the set reaches every instance it has,
    those the targets no longer name too."""
    t = sets.target
    wanted = t.wanted()
    have = {(i.account, i.region) for i in instances}
    plan: list[tuple[str, str, InstanceAction]] = []
    if wanted is None:  # OUs: the accounts are CloudFormation's; a region is missing or not
        regions = {i.region for i in instances}
        plan += [("", region, "create") for region in t.regions if region not in regions]
    else:
        plan += [
            (account, region, "create")
            for region in t.regions
            for account in t.accounts or ()
            if (account, region) not in have
        ]
    for i in instances:
        targeted = wanted is None or (i.account, i.region) in wanted
        kept: InstanceAction = "unchanged" if targeted else "untargeted"
        plan.append((i.account, i.region, "update" if updating else kept))
    return tuple(plan)


def _document(body: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body)
    except ValueError:  # a set made by hand in YAML: everything reads as new
        return None
    return parsed if isinstance(parsed, dict) else None
