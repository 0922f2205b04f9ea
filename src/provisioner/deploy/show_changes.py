"""show-changes: what a deploy would do, from real change sets, leaving nothing behind."""

from __future__ import annotations

from provisioner.deploy import change_sets
from provisioner.deploy.change_set_cleanup import removed_if_interrupted
from provisioner.deploy.errors import Interrupted, interruption
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.records import ResourceChange
from provisioner.deploy.render import change_table, security_table
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_state import check_recreatable, wait_until_idle
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
    change broadens access (a first create grants all it adds: it broadens from nothing).
    Ctrl-C ends it with Interrupted, carrying the stacks previewed so far."""
    stacks: list[StackPreview] = []
    try:
        return _show_changes(gateway, target, say, poller, fail_on_broadening, stacks)
    except (Interrupted, KeyboardInterrupt) as stopped:
        cut = interruption(stopped, "show-changes", target.stack_names, len(stacks))
        raise cut.with_result(ShowChangesResult(stacks=stacks, interrupted=cut.entry())) from None


def _show_changes(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    poller: Poller | None,
    fail_on_broadening: bool,
    stacks: list[StackPreview],
) -> ActionResult[ShowChangesResult]:
    change_sets.upload_templates(gateway, target)
    for template in target.stacks:
        name = template.stack_name
        existing = wait_until_idle(gateway, name, say, poller)
        note = ""
        if existing is not None and existing.never_created:
            check_recreatable(gateway, existing)  # what deploy would refuse, this does too
            note = f"left in {existing.status}: deploy deletes it and creates it anew"
            if existing.status == "CREATE_FAILED":  # not live: what it made goes
                note = (
                    "left in CREATE_FAILED by a create with rollback disabled: deploy deletes "
                    "it, with what that create made, and creates it anew"
                )
            existing = None
        access = change_sets.access_change(gateway, template, existing)
        verb = "create" if existing is None else "update"
        if note:  # a change set cannot be made beside the dead stack: everything is added
            changes = tuple(
                ResourceChange("Add", logical_id, body.get("Type", ""))
                for logical_id, body in sorted(template.document.get("Resources", {}).items())
            )
            no_changes = False
        else:
            planned = change_sets.create(
                gateway, target, template, existing, poller, review=True, say=say
            )
            # Ctrl-C during the review removes the change set too (change_set_cleanup).
            with removed_if_interrupted(gateway, planned.unexecuted, say, poller):
                changes, no_changes = planned.change_set.changes, planned.no_changes
                change_sets.discard(gateway, planned)
        if no_changes:
            say(f"{name}: no changes")
        else:
            say(f"{name}: would {verb}" + (f" ({note})" if note else ""))
            for line in change_table(changes):
                say(line)
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
