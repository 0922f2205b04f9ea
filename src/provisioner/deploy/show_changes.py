"""show-changes: what a deploy would do, from real change sets, leaving nothing behind."""

from __future__ import annotations

from collections.abc import Callable

from provisioner.cfn.security_diff import SecurityDiff
from provisioner.deploy import adoption, change_sets
from provisioner.deploy.change_set_cleanup import removed_if_interrupted
from provisioner.deploy.errors import AwsFailure, Interrupted, interruption
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.records import ResourceChange
from provisioner.deploy.render import change_table, security_table
from provisioner.deploy.result import ActionResult
from provisioner.deploy.saved_plan import ReviewedStack, saved_plan_change_set_name, sha256_hex
from provisioner.deploy.stack_state import check_recreatable, wait_until_idle
from provisioner.deploy.target import DeployTarget
from provisioner.deploy.unused_plans import clean_unused_plans
from provisioner.errors import InputError
from provisioner.exit_codes import ExitCode
from provisioner.results.changes import AccessChange, Change
from provisioner.results.show_changes import PlanFile, ShowChangesResult, StackPreview

# Writes the saved plan of the stacks reviewed (show-changes --save-plan), saying where.
SavePlan = Callable[[list[ReviewedStack]], PlanFile]


def show_changes(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    poller: Poller | None = None,
    *,
    fail_on_broadening: bool = False,
    save: SavePlan | None = None,
) -> ActionResult[ShowChangesResult]:
    """The preview of every stack; with `fail_on_broadening`, exit BROADENING when any stack's
    change broadens access (a first create grants all it adds: it broadens from nothing).
    With `save`, the change sets are kept and saved as a plan (deploy/saved_plan.py); an
    unused plan's are deleted first, whether or not a new one is saved. Ctrl-C ends it with
    Interrupted, carrying the stacks previewed so far."""
    clean_unused_plans(gateway, target, say)
    if save is None:
        return _interruptible(gateway, target, say, poller, fail_on_broadening, None)
    kept: list[ReviewedStack] = []
    try:
        done = _interruptible(gateway, target, say, poller, fail_on_broadening, kept)
        plan = save(kept)
    except BaseException:  # no plan, then no change sets kept for it either
        clean_unused_plans(gateway, target, lambda _: None)
        raise
    say(f"saved the plan to {plan.path} (expires {plan.expires:%Y-%m-%d %H:%M:%S} UTC)")
    return ActionResult(done.result.model_copy(update={"plan": plan}), done.code)


def _interruptible(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    poller: Poller | None,
    fail_on_broadening: bool,
    kept: list[ReviewedStack] | None,
) -> ActionResult[ShowChangesResult]:
    stacks: list[StackPreview] = []
    try:
        return _preview(gateway, target, say, poller, fail_on_broadening, kept, stacks)
    except (Interrupted, KeyboardInterrupt) as stopped:
        cut = interruption(stopped, "show-changes", target.stack_names, len(stacks))
        raise cut.with_result(ShowChangesResult(stacks=stacks, interrupted=cut.entry())) from None


def _preview(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    poller: Poller | None,
    fail_on_broadening: bool,
    kept: list[ReviewedStack] | None,
    stacks: list[StackPreview],
) -> ActionResult[ShowChangesResult]:
    change_sets.upload_templates(gateway, target)
    for template in target.stacks:
        name = template.stack_name
        existing = wait_until_idle(gateway, name, say, poller)
        note = ""
        if existing is not None and existing.never_created:
            # A plan's CREATE change set attaches to a stack under review, as a deploy's does.
            if kept is None or existing.status != "REVIEW_IN_PROGRESS":
                check_recreatable(gateway, existing)  # what deploy would refuse, this does too
                note = f"left in {existing.status}: deploy deletes it and creates it anew"
                if existing.status == "CREATE_FAILED":  # not live: what it made goes
                    note = (
                        "left in CREATE_FAILED by a create with rollback disabled: deploy "
                        "deletes it, with what that create made, and creates it anew"
                    )
            existing = None
        access = change_sets.access_change(gateway, template, existing)
        orphans = adoption.find_orphans(gateway, template) if existing is None else ()
        verb = "create" if existing is None else "update"
        if orphans and kept is not None:  # fail closed: deploy --plan would not import them
            raise InputError(
                target.config_stem,
                f"{name}: resources it retains exist with no stack holding them "
                f"({', '.join(o.result().logical_id for o in orphans)}); a saved plan does not "
                "adopt them. Deploy without --plan (it imports them first), then save plans "
                "again (no plan was saved)",
            )
        if note and kept is not None:
            raise InputError(
                target.config_stem,
                f"{name} is {note.removeprefix('left ')}; a saved plan cannot hold its change "
                "set. Deploy without --plan, or delete the stack, then save the plan again "
                "(no plan was saved)",
            )
        if note:  # a change set cannot be made beside the dead stack: everything is added
            changes = tuple(
                ResourceChange("Add", logical_id, body.get("Type", ""))
                for logical_id, body in sorted(template.document.get("Resources", {}).items())
            )
            no_changes = False
        else:
            saved = saved_plan_change_set_name(target.tool) if kept is not None else None
            planned = change_sets.create(
                gateway, target, template, existing, poller, review=saved is None, name=saved,
                say=say,
            )  # fmt: skip
            # Ctrl-C during the review removes the change set too (change_set_cleanup).
            with removed_if_interrupted(gateway, planned.unexecuted, say, poller):
                try:
                    changes, no_changes = planned.change_set.changes, planned.no_changes
                finally:
                    if saved is None or no_changes:
                        change_sets.discard(gateway, planned)
                if kept is not None:
                    kept.append(_reviewed(gateway, template.body, planned, access))
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
    return gated(result, wide, say, fail_on_broadening=fail_on_broadening)


def gated(
    result: ShowChangesResult, wide: list[str], say: Say, *, fail_on_broadening: bool
) -> ActionResult[ShowChangesResult]:
    """The preview's ending: exit BROADENING when asked to and access broadens in `wide`."""
    if fail_on_broadening and wide:
        say(
            f"access broadens in {', '.join(wide)}: exit {ExitCode.BROADENING.value} "
            "(--fail-on-broadening)"
        )
        return ActionResult(result, ExitCode.BROADENING)
    return ActionResult(result)


def _reviewed(
    gateway: AwsGateway, body: str, planned: change_sets.PlannedChange, access: SecurityDiff
) -> ReviewedStack:
    """The stack as reviewed, read after its change set was made (a CREATE's made it)."""
    stack = gateway.describe_stack(planned.stack_id or planned.template.stack_name)
    if stack is None:
        raise AwsFailure(f"{planned.template.stack_name}: gone while it was reviewed")
    return ReviewedStack(
        stack=stack.name,
        stack_id=stack.stack_id,
        operation="CREATE" if planned.change_set_type == "CREATE" else "UPDATE",
        change_set_id=None if planned.no_changes else planned.change_set.change_set_id,
        template_sha256=sha256_hex(body),
        status=stack.status,
        last_updated=stack.last_updated,
        changes=[Change.of(c) for c in planned.change_set.changes],
        security=AccessChange.of(access),
    )
