"""delete: the stacks in reverse deploy order, then their SSM parameters; what is retained on
purpose (bucket, key, log groups in production) is listed by name."""

from __future__ import annotations

from typing import Any

from provisioner.deploy.errors import Interrupted, interruption
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.records import StackInfo
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_state import delete_and_follow, wait_until_idle
from provisioner.deploy.target import DeployTarget
from provisioner.deploy.unused_plans import clean_unused_plans
from provisioner.errors import InputError
from provisioner.results.delete import DeletedStack, DeleteResult, RetainedResource


def delete(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    *,
    disable_protection: bool = False,
    poller: Poller | None = None,
) -> ActionResult[DeleteResult]:
    """Ctrl-C ends it with Interrupted, carrying the stacks deleted so far."""
    deleted: list[DeletedStack] = []
    kept: list[RetainedResource] = []
    try:
        return _delete(gateway, target, say, disable_protection, poller, deleted, kept)
    except (Interrupted, KeyboardInterrupt) as stopped:
        cut = interruption(stopped, "delete")
        done = DeleteResult(stacks=deleted, retained=kept, deleted_parameters=[],
                            interrupted=cut.entry())  # fmt: skip
        raise cut.with_result(done) from None


def _delete(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    disable_protection: bool,
    poller: Poller | None,
    deleted: list[DeletedStack],
    kept: list[RetainedResource],
) -> ActionResult[DeleteResult]:
    found: list[tuple[StackInfo, Any]] = []
    for template in reversed(target.stacks):
        stack = wait_until_idle(gateway, template.stack_name, say, poller)
        if stack is None:
            say(f"{template.stack_name}: does not exist")
            continue
        found.append((stack, template))
    protected = [s.name for s, _ in found if s.termination_protection]
    if protected and not disable_protection:
        raise InputError(
            target.config_stem,
            f"termination protection is on for {', '.join(protected)}; to delete, pass "
            "--disable-termination-protection as well (nothing was changed)",
        )
    emptied = clean_unused_plans(gateway, target, say)  # a stack only a plan made is gone
    for stack, template in [(s, t) for s, t in found if s.name not in emptied]:
        physical = {r.logical_id: r.physical_id for r in gateway.stack_resources(stack.stack_id)}
        retained = [
            RetainedResource(stack=stack.name, logical_id=logical_id, type=kind,
                             name=physical.get(logical_id, ""))
            for logical_id, kind in template.retained()
            if logical_id in physical
        ]  # fmt: skip
        if stack.termination_protection:
            gateway.set_termination_protection(stack.stack_id, False)
            say(f"{stack.name}: termination protection turned off")
        say(f"{stack.name}: deleting")
        status = delete_and_follow(gateway, stack, say, poller, total=len(physical))
        say(f"{stack.name}: {status}")
        deleted.append(DeletedStack(stack=stack.name, result=status))
        kept += retained
    leftovers = list(target.own_parameters(gateway.parameters_under(target.ssm_path)))
    if leftovers:
        gateway.delete_parameters(leftovers)
        say(f"deleted {len(leftovers)} SSM parameters left under {target.ssm_path}")
    for resource in kept:
        say(f"kept (DeletionPolicy Retain): {resource.type} {resource.name}")
    if kept:
        say(
            "note: they keep their data; deploying this config again adopts them (imports "
            "them into the new stack) rather than creating them anew: see --action show-changes"
        )
    if not found:
        say("nothing to delete")
    return ActionResult(DeleteResult(stacks=deleted, retained=kept, deleted_parameters=leftovers))
