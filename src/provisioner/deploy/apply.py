"""deploy: every stack of the target, in order, through change sets, with live progress."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping

from provisioner.cfn.security_diff import Grant, SecurityDiff
from provisioner.deploy import adoption, change_sets
from provisioner.deploy.change_set_cleanup import removed_if_interrupted
from provisioner.deploy.errors import Interrupted, StackBusy, interruption
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Outcome, Poller, Say, follow
from provisioner.deploy.records import EventMark, StackInfo
from provisioner.deploy.render import change_table
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_state import (
    Read,
    check_recreatable,
    ready_for_change,
    wait_until_idle,
)
from provisioner.deploy.target import DeployTarget, StackTemplate
from provisioner.errors import InputError
from provisioner.exit_codes import ExitCode
from provisioner.results.changes import AccessChange, Change
from provisioner.results.deploy import DeployedStack, DeployResult, FailedResource

_BUSY_RETRIES = 3


def access_changes(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    poller: Poller | None,
    seen: dict[str, StackInfo | None] | None = None,
) -> tuple[dict[str, SecurityDiff], set[str]]:
    """Read-only first pass: what each stack's change does to access, and which stacks are
    live (an update, not a first create); `seen` gets each stack as read."""
    diffs, live = {}, set()
    for template in target.stacks:
        existing = wait_until_idle(gateway, template.stack_name, say, poller)
        if seen is not None:
            seen[template.stack_name] = existing
        if existing is not None and existing.never_created:
            check_recreatable(gateway, existing)  # a refusal here changes nothing
            existing = None
        if existing is not None:
            live.add(template.stack_name)
        diffs[template.stack_name] = change_sets.access_change(gateway, template, existing)
    return diffs, live


def _broadening_lines(stack: str, grants: tuple[Grant, ...]) -> list[str]:
    return [f"{stack}: {g.resource} {g.document}: {g.describe()}" for g in grants]


def _first_create(stack: str, grants: tuple[Grant, ...]) -> str:
    """A new stack's grants by kind: one line, where its hundreds of grants would be cut."""
    kinds = Counter(g.kind for g in grants)
    by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    return (
        f"{stack} (first create): grants {len(grants)} ({by_kind}), each in "
        "--action show-changes --output json"
    )


def refuse_broadening(
    target: DeployTarget, diffs: Mapping[str, SecurityDiff], live: Collection[str]
) -> None:
    """InputError naming every grant that broadens access, when one does (a production deploy
    without --allow-broadening). A first create grants everything it adds: in production it
    broadens from nothing."""
    wide = {name: diff.broadening for name, diff in diffs.items() if diff.broadening}
    if not wide:
        return
    lines = [
        line
        for name, grants in wide.items()
        for line in (
            _broadening_lines(name, grants) if name in live else [_first_create(name, grants)]
        )
    ]
    raise InputError(
        target.config_stem,
        "this change broadens access in production; review it with "
        "--action show-changes, then deploy with --allow-broadening:\n    " + "\n    ".join(lines),
    )


def check_prerequisites(gateway: AwsGateway, target: DeployTarget) -> None:
    """The tenant's trust root (and, for ML, the owning team) must be deployed first: their
    roles would otherwise fail on a boundary or team that does not exist, half-way through."""
    for need in target.prerequisites:
        if not gateway.prerequisite_present(need.path):
            raise InputError(target.config_stem, f"{need.missing}; nothing was changed")


def deploy(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    *,
    allow_broadening: bool = False,
    poller: Poller | None = None,
) -> ActionResult[DeployResult]:
    """Ctrl-C ends it with Interrupted, carrying the stacks deployed so far."""
    stacks: list[DeployedStack] = []
    try:
        return _deploy(gateway, target, say, allow_broadening, poller, stacks)
    except (Interrupted, KeyboardInterrupt) as stopped:
        cut = interruption(stopped, "deploy", target.stack_names, len(stacks))
        done = DeployResult(
            stacks=stacks, ssm_parameters=None, parameters_not_matching_outputs=[],
            interrupted=cut.entry(),
        )  # fmt: skip
        raise cut.with_result(done) from None


def _deploy(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    allow_broadening: bool,
    poller: Poller | None,
    stacks: list[DeployedStack],
) -> ActionResult[DeployResult]:
    check_prerequisites(gateway, target)
    change_sets.upload_templates(gateway, target)
    seen: dict[str, StackInfo | None] = {}
    diffs, live = access_changes(gateway, target, say, poller, seen)
    if target.production and not allow_broadening:
        refuse_broadening(target, diffs, live)
    for template in target.stacks:
        access = AccessChange.of(diffs[template.stack_name])
        orphans = () if template.stack_name in live else adoption.find_orphans(gateway, template)
        if orphans:
            adoption.adopt(gateway, target, template, orphans, say, poller)
        # As read by the first pass, unless the adoption just made it: one DescribeStacks
        # less. Should another run have changed it since, its change set is refused as busy,
        # and the stack is read again.
        first = template.stack_name in seen and not orphans
        known = Read(seen[template.stack_name]) if first else None
        stack = _deploy_stack(gateway, target, template, access, say, poller, known)
        if orphans:
            stack = stack.model_copy(update={"adopted": [o.result() for o in orphans]})
        stacks.append(stack)
        if stack.result == "failed":
            failed = DeployResult(
                stacks=stacks, ssm_parameters=None, parameters_not_matching_outputs=[]
            )
            return ActionResult(failed, ExitCode.AWS_FAILURE)
    return ActionResult(deployed_result(gateway, target, stacks, say))


def deployed_result(
    gateway: AwsGateway, target: DeployTarget, stacks: list[DeployedStack], say: Say
) -> DeployResult:
    """Every stack deployed: the SSM parameters their outputs left, and any that differ."""
    parameters = target.own_parameters(gateway.parameters_under(target.ssm_path))
    say(f"{len(parameters)} SSM parameters under {target.ssm_path}")
    for name, value in parameters.items():
        say(f"  {name} = {value}")
    outputs = {value for stack in stacks for value in stack.outputs.values()}
    strays = sorted(name for name, value in parameters.items() if value not in outputs)
    if strays:  # CloudFormation leaves a parameter edited out of band as it is
        say(
            f"warning: {len(strays)} SSM parameter(s) hold a value no stack output has "
            f"({', '.join(strays)}): changed outside CloudFormation? see --action detect-drift"
        )
    return DeployResult(
        stacks=stacks, ssm_parameters=parameters, parameters_not_matching_outputs=strays
    )


def _deploy_stack(
    gateway: AwsGateway,
    target: DeployTarget,
    template: StackTemplate,
    access: AccessChange,
    say: Say,
    poller: Poller | None,
    known: Read | None = None,
) -> DeployedStack:
    name = template.stack_name
    for attempt in range(_BUSY_RETRIES + 1):
        existing = ready_for_change(gateway, name, say, poller, known=known)
        known = None  # a retry reads it afresh
        try:  # another run may get in first, at either step: wait for it, then plan again
            planned = change_sets.create(gateway, target, template, existing, poller, say=say)
            # Ctrl-C until CloudFormation has it: the change set is removed, the run ends.
            with removed_if_interrupted(gateway, planned.unexecuted, say, poller):
                if planned.no_changes:
                    change_sets.discard(gateway, planned)
                    say(f"{name}: no changes")
                    protect(gateway, target, existing, say)
                    return DeployedStack(
                        stack=name, result="no changes", final_status=None,
                        outputs=existing.outputs if existing else {}, changes=[], failures=[],
                        security=access,
                    )  # fmt: skip
                verb = "creating" if existing is None else "updating"
                changes = planned.change_set.changes
                say(f"{name}: {verb} ({len(changes)} resource changes)")
                for line in change_table(changes):
                    say(line)
                try:
                    gateway.execute_change_set(planned.change_set.change_set_id)
                except StackBusy:
                    change_sets.discard(gateway, planned)
                    raise
        except StackBusy as busy:
            if attempt == _BUSY_RETRIES:
                raise
            say(f"{name}: {busy}; waiting for that operation, then trying again")
            continue
        return follow_execution(gateway, target, planned, access, say, poller)
    raise AssertionError("unreachable")


def follow_execution(
    gateway: AwsGateway,
    target: DeployTarget,
    planned: change_sets.PlannedChange,
    access: AccessChange,
    say: Say,
    poller: Poller | None,
) -> DeployedStack:
    """Follow an executed change set to its end: the stack as deployed, or why it failed."""
    name, changes = planned.template.stack_name, planned.change_set.changes
    outcome = follow(
        gateway,
        planned.stack_id,
        name,
        planned.change_set_type,
        after=EventMark(planned.change_set.created, frozenset()),
        total=len(changes),
        say=say,
        poller=poller,
    )
    if not outcome.succeeded:
        _report_failure(name, outcome, say)
        failures = [
            FailedResource(logical_id=e.logical_id, type=e.resource_type, status=e.status,
                           reason=e.reason)
            for e in outcome.failures
        ]  # fmt: skip
        return DeployedStack(
            stack=name, result="failed", final_status=outcome.final_status, outputs={},
            changes=[Change.of(c) for c in changes], failures=failures, security=access,
        )  # fmt: skip
    say(f"{name}: {outcome.final_status}")
    deployed = gateway.describe_stack(planned.stack_id)
    protect(gateway, target, deployed, say)
    return DeployedStack(
        stack=name, result=outcome.final_status, final_status=outcome.final_status,
        outputs=deployed.outputs if deployed else {}, changes=[Change.of(c) for c in changes],
        failures=[], security=access,
    )  # fmt: skip


def protect(gateway: AwsGateway, target: DeployTarget, stack: StackInfo | None, say: Say) -> None:
    if target.production and stack is not None and not stack.termination_protection:
        gateway.set_termination_protection(stack.stack_id, True)
        say(f"{stack.name}: termination protection on (production)")


def _report_failure(name: str, outcome: Outcome, say: Say) -> None:
    say(f"FAILED: {name} ended in {outcome.final_status}")
    shown = set()
    for event in outcome.failures:
        line = f"  {event.logical_id} ({event.resource_type}) {event.status}: {event.reason}"
        if line not in shown:
            shown.add(line)
            say(line)
