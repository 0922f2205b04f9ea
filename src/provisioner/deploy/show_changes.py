"""show-changes: what a deploy would do, from real change sets, leaving nothing behind."""

from __future__ import annotations

from provisioner.deploy import adoption, change_sets
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.records import ResourceChange
from provisioner.deploy.render import change_table, security_table
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_state import wait_until_idle
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.changes import AccessChange, Change
from provisioner.results.show_changes import ShowChangesResult, StackPreview


def show_changes(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    poller: Poller | None = None,
    *,
    fail_on_broadening: bool = False,
) -> ActionResult[ShowChangesResult]:
    """The preview of every stack; with `fail_on_broadening`, exit BROADENING when any stack's
    change broadens access (a first create grants all it adds: it broadens from nothing)."""
    stacks: list[StackPreview] = []
    change_sets.upload_templates(gateway, target)
    for template in target.stacks:
        name = template.stack_name
        existing = wait_until_idle(gateway, name, say, poller)
        note = ""
        if existing is not None and existing.never_created:
            note = f"left in {existing.status}: deploy deletes it and creates it anew"
            existing = None
        access = change_sets.access_change(gateway, template, existing)
        orphans = adoption.find_orphans(gateway, template) if existing is None else ()
        verb = "create" if existing is None else "update"
        if note:  # a change set cannot be made beside the dead stack: everything is added
            changes = tuple(
                ResourceChange("Add", logical_id, body.get("Type", ""))
                for logical_id, body in sorted(template.document.get("Resources", {}).items())
            )
            no_changes = False
        else:
            planned = change_sets.create(gateway, target, template, existing, poller, review=True)
            try:
                changes, no_changes = planned.change_set.changes, planned.no_changes
            finally:
                change_sets.discard(gateway, planned)
        changes = adoption.as_imports(changes, orphans)
        if no_changes:
            say(f"{name}: no changes")
        else:
            say(f"{name}: would {verb}" + (f" ({note})" if note else ""))
            for line in change_table(changes):
                say(line)
        if orphans:
            adoption.announce(name, orphans, say, will=True)
        say(f"{name}: security changes")
        for line in security_table(access, new_stack=existing is None):
            say(line)
        if access.broadening and existing is not None:
            say(f"  {len(access.broadening)} change(s) broaden access")
        stacks.append(
            StackPreview(
                stack=name,
                operation="CREATE" if existing is None else "UPDATE",
                note=note,
                no_changes=no_changes,
                changes=[Change.of(c) for c in changes],
                security=AccessChange.of(access),
                adopts=[o.result() for o in orphans],
            )
        )
    result = ShowChangesResult(stacks=stacks)
    wide = [s.stack for s in stacks if s.security.broadens_access]
    if fail_on_broadening and wide:
        say(
            f"access broadens in {', '.join(wide)}: exit {ExitCode.BROADENING.value} "
            "(--fail-on-broadening)"
        )
        return ActionResult(result, ExitCode.BROADENING)
    return ActionResult(result)
