"""Adopting what a deleted stack retained: a production delete keeps the bucket, key and log
groups (DeletionPolicy Retain), and a new stack of the same config would fail on the names they
still hold. When the stack does not exist and they do, deploy imports them into a new stack
through an IMPORT change set first, then updates that stack with the full template as usual.

What is found, and how, is each type's record (resource_types/, `Adoption`): a bucket and a
log group by their names, a key (no name; its alias goes with the stack) as the key the found
bucket or log groups are still encrypted with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from provisioner.cfn.import_template import import_template
from provisioner.cfn.template import render_json
from provisioner.deploy.change_sets import change_set_name
from provisioner.deploy.errors import AwsFailure
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say, follow
from provisioner.deploy.records import EventMark, ResourceChange, ResourceToImport
from provisioner.deploy.render import table
from provisioner.deploy.service_reads import ServiceReads
from provisioner.deploy.stack_state import ready_for_change
from provisioner.deploy.target import DeployTarget, StackTemplate
from provisioner.resource_types.adoption import Retained
from provisioner.resource_types.registry import BY_CFN_TYPE
from provisioner.results.adoption import AdoptedResource

# The policies that keep a resource when its stack is deleted; AWS imports only resources
# with a DeletionPolicy.
_KEPT = ("Retain", "RetainExceptOnCreate")
_PENDING = ("CREATE_PENDING", "CREATE_IN_PROGRESS")


@dataclass(frozen=True)
class Orphan:
    """A retained resource of the template that exists, and no stack holds."""

    logical_id: str
    resource_type: str
    identifier: str  # the type's primary identifier property
    value: str

    @property
    def named(self) -> str:
        return f"{self.identifier}={self.value}"

    def to_import(self) -> ResourceToImport:
        return ResourceToImport(self.logical_id, self.resource_type, {self.identifier: self.value})

    def result(self) -> AdoptedResource:
        return AdoptedResource(
            logical_id=self.logical_id, type=self.resource_type,
            identifier={self.identifier: self.value},
        )  # fmt: skip


def find_orphans(gateway: AwsGateway, template: StackTemplate) -> tuple[Orphan, ...]:
    """The template's retained resources that exist: call only for a stack that does not
    exist (a live stack holds its own)."""
    resources: dict[str, Any] = template.document.get("Resources", {})
    kept = [
        (i, body) for i, body in sorted(resources.items()) if body.get("DeletionPolicy") in _KEPT
    ]
    reads = ServiceReads(gateway)
    found: dict[str, str] = {}
    orphans = []
    for through_others in (False, True):  # a key is found through the named ones
        for logical_id, body in kept:
            record = BY_CFN_TYPE.get(body.get("Type", ""))
            adoption = record.adoption if record is not None else None
            if adoption is None or adoption.through_others != through_others:
                continue
            retained = Retained(logical_id, body["Type"], body.get("Properties") or {},
                                resources, dict(found))  # fmt: skip
            value = adoption.find(reads, retained)
            if value:
                found[logical_id] = value
                orphans.append(Orphan(logical_id, body["Type"], adoption.identifier, value))
    return tuple(orphans)


def as_imports(
    changes: Sequence[ResourceChange], orphans: Sequence[Orphan]
) -> tuple[ResourceChange, ...]:
    """A new stack's change rows with the adopted resources' Add rows as Import rows."""
    adopted = {o.logical_id: o for o in orphans}
    return tuple(
        ResourceChange("Import", c.logical_id, c.resource_type, adopted[c.logical_id].value)
        if c.action == "Add" and c.logical_id in adopted
        else c
        for c in changes
    )


def announce(name: str, orphans: Sequence[Orphan], say: Say, *, will: bool) -> None:
    verb = "deploy will adopt" if will else "adopting"
    say(
        f"{name}: {verb} {len(orphans)} retained resource(s) found without their stack (as an "
        "earlier delete leaves them), through a resource import (IMPORT change set), then "
        "update the stack with the full template:"
    )
    rows = [("ACTION", "LOGICAL ID", "TYPE", "IDENTIFIER")]
    rows += [
        ("Import", o.logical_id, o.resource_type, f"{o.identifier}={o.value}") for o in orphans
    ]
    for line in table(rows):
        say(line)


def adopt(
    gateway: AwsGateway,
    target: DeployTarget,
    template: StackTemplate,
    orphans: Sequence[Orphan],
    say: Say,
    poller: Poller | None = None,
) -> None:
    """Create the stack from the orphans alone; raises AwsFailure when it is refused or
    does not end in IMPORT_COMPLETE."""
    name = template.stack_name
    if ready_for_change(gateway, name, say, poller) is not None:
        return  # made by another run meanwhile: the update that follows is all there is
    announce(name, orphans, say, will=False)
    body = render_json(import_template(template.document, [o.logical_id for o in orphans]))
    change_set_id = gateway.create_change_set(
        name, change_set_name(target.tool), "IMPORT", body=body, url=None,
        description=f"{target.tool} {target.config_stem}: adopt retained resources",
        tags=target.tags, resources_to_import=tuple(o.to_import() for o in orphans),
    )  # fmt: skip
    poller = poller or Poller()
    while True:
        with gateway.polling():
            info = gateway.describe_change_set(change_set_id)
        if info.status not in _PENDING:
            break
        poller.wait(activity=False)
    if info.status == "FAILED":
        gateway.delete_change_set(change_set_id)
        stack = gateway.describe_stack(info.stack_id or name)
        if stack is not None and stack.status == "REVIEW_IN_PROGRESS":
            gateway.delete_stack(stack.stack_id)  # the empty stack the change set made
        raise AwsFailure(
            f"{name}: the import of its retained resources was refused: {info.status_reason}"
        )
    gateway.execute_change_set(change_set_id)
    outcome = follow(gateway, info.stack_id, name, "IMPORT", after=EventMark(info.created,
                     frozenset()), total=len(orphans), say=say, poller=poller)  # fmt: skip
    if outcome.final_status != "IMPORT_COMPLETE":
        reasons = "; ".join(f"{e.logical_id}: {e.reason}" for e in outcome.failures)
        raise AwsFailure(
            f"{name}: the import of its retained resources ended in {outcome.final_status}: "
            f"{reasons or 'see the stack events'}"
        )
    say(f"{name}: IMPORT_COMPLETE")
