"""status: each stack's state, outputs, protection, last change, and the SSM parameters."""

from __future__ import annotations

from collections.abc import Sequence

from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Say
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_state import failed_create_keeps, roll_back_first
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.status import StackState, StatusResult


def what_to_do(
    status: str, production: bool = False, stack: str = "STACK", kept: Sequence[str] = ()
) -> str | None:
    """For a stack left unusable by a failed operation, what brings it back; None otherwise.
    In production a first create is gated like any broadening change (deploy/apply.py).
    `kept`: for CREATE_FAILED, what a delete would keep (stack_state.failed_create_keeps)."""
    again = "the same config with --action"
    if status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
        create_again = "deploy --force --allow-broadening" if production else "deploy --force"
        return (
            "its first create failed and nothing of it is usable; see why in the stack's "
            f"events, fix the cause, then run {again} {create_again} (it deletes the stack "
            "and creates it anew)"
        )
    if status == "CREATE_FAILED":  # rollback disabled, outside this tool: see stack_state
        create_again = "deploy --force --allow-broadening" if production else "deploy --force"
        if kept:
            return (
                "its first create failed with rollback disabled (outside this tool), and a "
                f"delete would keep what it made of {', '.join(kept)} (DeletionPolicy Retain); "
                f"see why in the stack's events and fix the cause. {roll_back_first(stack)}, "
                f"then run {again} {create_again} (it deletes the empty stack and creates it "
                "anew)"
            )
        return (
            "its first create failed with rollback disabled (outside this tool); what it made "
            "is still there, but the stack is not usable. See why in the stack's events, fix "
            f"the cause, then run {again} {create_again} (it deletes the stack, with what "
            "that create made, and creates it anew)"
        )
    if status == "DELETE_FAILED":
        return (
            "a delete failed part-way; see in the stack's events which resources stayed and "
            f"why, remove what holds them, then run {again} delete --force"
        )
    if status == "UPDATE_ROLLBACK_FAILED":
        return (
            "an update failed and could not be rolled back; continue the rollback in the "
            "CloudFormation console (or: aws cloudformation continue-update-rollback), then "
            f"run {again} deploy --force"
        )
    if status == "UPDATE_FAILED":
        return (
            "an update failed and was not rolled back; roll it back in the CloudFormation "
            "console (or: aws cloudformation rollback-stack), fix the cause, then run "
            f"{again} deploy --force"
        )
    if status.endswith("_FAILED"):
        return (
            "the last operation failed; see why in the stack's events and finish or roll it "
            f"back in the CloudFormation console, then run {again} deploy --force"
        )
    return None


def status(gateway: AwsGateway, target: DeployTarget, say: Say) -> ActionResult[StatusResult]:
    stacks: list[StackState] = []
    broken: list[str] = []
    for template in target.stacks:
        stack = gateway.describe_stack(template.stack_name)
        if stack is None or stack.status == "DELETE_COMPLETE":
            say(f"{template.stack_name}: not deployed")
            stacks.append(
                StackState(stack=template.stack_name, status="NOT_DEPLOYED", reason=None,
                           termination_protection=None, last_changed=None, outputs={},
                           to_do=None)
            )  # fmt: skip
            continue
        changed = stack.last_updated or stack.created
        say(
            f"{stack.name}: {stack.status}"
            + (f" ({stack.status_reason})" if stack.status_reason else "")
        )
        kept = failed_create_keeps(gateway, stack) if stack.status == "CREATE_FAILED" else []
        advice = what_to_do(stack.status, target.production, stack.name, kept)
        if advice is not None:
            broken.append(stack.name)
            say(f"  to do                   {advice}")
        say(f"  termination protection  {'on' if stack.termination_protection else 'off'}")
        say(f"  last changed            {changed.isoformat() if changed else '-'}")
        width = max((len(key) for key in stack.outputs), default=0)
        for key, value in sorted(stack.outputs.items()):
            say(f"  output {key:<{width}}  {value}")
        stacks.append(
            StackState(
                stack=stack.name,
                status=stack.status,
                reason=stack.status_reason,
                termination_protection=stack.termination_protection,
                last_changed=changed.isoformat() if changed else None,
                outputs=stack.outputs,
                to_do=advice,
            )
        )
    parameters = target.own_parameters(gateway.parameters_under(target.ssm_path))
    say(f"SSM parameters under {target.ssm_path}: {len(parameters)}")
    for name, value in parameters.items():
        say(f"  {name} = {value}")
    if broken:
        say(f"{len(broken)} stack(s) left unusable by a failed operation: {', '.join(broken)}")
    code = ExitCode.AWS_FAILURE if broken else ExitCode.OK
    return ActionResult(StatusResult(stacks=stacks, ssm_parameters=parameters), code)
