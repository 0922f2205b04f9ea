"""deploy --plan: execute a saved plan's change sets (saved_plan.py), exactly those, once
everything they were reviewed against is checked to be as it was; else nothing is executed."""

from __future__ import annotations

from collections.abc import Callable

from provisioner.deploy.apply import check_prerequisites, deployed_result, follow_execution, protect
from provisioner.deploy.change_sets import PlannedChange
from provisioner.deploy.errors import AwsFailure
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.records import StackInfo
from provisioner.deploy.render import change_table
from provisioner.deploy.result import ActionResult
from provisioner.deploy.saved_plan import ReviewedStack, SavedPlan
from provisioner.deploy.target import DeployTarget, StackTemplate
from provisioner.errors import InputError
from provisioner.exit_codes import ExitCode
from provisioner.results.deploy import DeployedStack, DeployResult

_AGAIN = "; nothing was changed. Review again with --action show-changes --save-plan FILE"


def deploy_plan(
    gateway: AwsGateway,
    target: DeployTarget,
    plan: SavedPlan,
    source: str,
    say: Say,
    *,
    spend: Callable[[], None],
    allow_broadening: bool = False,
    poller: Poller | None = None,
) -> ActionResult[DeployResult]:
    """`source`: the plan file as given; `spend`: marks it executed, before the first change
    set runs, so that it is never run twice. The caller has checked the plan against the
    config and the clock (saved_plan.check_plan, check_templates)."""
    if target.production and plan.broadening and not allow_broadening:
        # The gate of every production deploy, on the diff the plan's review showed (the
        # stacks are checked below to be as they were then, so it is still the diff).
        raise InputError(
            source,
            f"this plan broadens access in production ({', '.join(plan.broadening)}), as its "
            "review showed; deploy it with --allow-broadening to accept that (nothing was "
            "changed)",
        )
    check_prerequisites(gateway, target)
    templates = {t.stack_name: t for t in target.stacks}
    ready = [_as_reviewed(gateway, templates[r.stack], r, source) for r in plan.stacks]
    spend()
    say(f"executing the saved plan {source} (saved {plan.created:%Y-%m-%d %H:%M:%S} UTC)")
    stacks: list[DeployedStack] = []
    for reviewed, (stack, planned) in zip(plan.stacks, ready, strict=True):
        if planned is None:
            say(f"{reviewed.stack}: no changes")
            protect(gateway, target, stack, say)
            unchanged = DeployedStack(
                stack=reviewed.stack, result="no changes", final_status=None,
                outputs=stack.outputs, changes=[], failures=[], security=reviewed.security,
            )  # fmt: skip
            stacks.append(unchanged)
            continue
        verb = "creating" if planned.change_set_type == "CREATE" else "updating"
        changes = planned.change_set.changes
        say(f"{reviewed.stack}: {verb} ({len(changes)} resource changes, as reviewed)")
        for line in change_table(changes):
            say(line)
        gateway.execute_change_set(planned.change_set.change_set_id)
        deployed = follow_execution(gateway, target, planned, reviewed.security, say, poller)
        stacks.append(deployed)
        if deployed.result == "failed":
            failed = DeployResult(
                stacks=stacks, ssm_parameters=None, parameters_not_matching_outputs=[],
                plan=source,
            )  # fmt: skip
            return ActionResult(failed, ExitCode.AWS_FAILURE)
    done = deployed_result(gateway, target, stacks, say)
    return ActionResult(done.model_copy(update={"plan": source}))


def _as_reviewed(
    gateway: AwsGateway, template: StackTemplate, reviewed: ReviewedStack, source: str
) -> tuple[StackInfo, PlannedChange | None]:
    """The stack and its change set, still as the review left them; InputError if not."""
    name = reviewed.stack

    def refuse(why: str) -> InputError:
        return InputError(source, f"{name}: {why}{_AGAIN}")

    stack = gateway.describe_stack(name)
    if stack is None or stack.status == "DELETE_COMPLETE":
        raise refuse(
            "the stack is gone since the review (a later show-changes or delete cleans up an "
            "unused plan's stack to create)"
        )
    if stack.stack_id != reviewed.stack_id:
        raise refuse("is another stack than the one reviewed (deleted and created anew since)")
    if (stack.status, stack.last_updated) != (reviewed.status, reviewed.last_updated):
        was = _state(reviewed.status, reviewed.last_updated)
        now = _state(stack.status, stack.last_updated)
        raise refuse(f"the stack changed since the review: it was {was}, it is {now}")
    if reviewed.change_set_id is None:
        return stack, None
    try:
        change_set = gateway.describe_change_set(reviewed.change_set_id)
    except AwsFailure as exc:
        if "does not exist" in str(exc) or "NotFound" in str(exc):
            raise refuse(
                "its change set is gone (a later show-changes or delete cleans up an unused "
                "plan; a deploy of the stack removes it)"
            ) from None
        raise
    if change_set.stack_id != reviewed.stack_id:
        raise refuse("its change set is another stack's")
    if (change_set.status, change_set.execution_status) != ("CREATE_COMPLETE", "AVAILABLE"):
        raise refuse(
            f"its change set is {change_set.status}, {change_set.execution_status}, not ready "
            "to execute (already executed?)"
        )
    return stack, PlannedChange(template, change_set, reviewed.operation)


def _state(status: str, last_updated: object) -> str:
    return f"{status}, last updated {last_updated or 'never'}"
