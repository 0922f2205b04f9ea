"""Cleaning up a saved plan nobody executed: its change sets wait in CloudFormation under
one name per tool (saved_plan.saved_plan_change_set_name), found and deleted by that name
before a show-changes reviews again and before a delete."""

from __future__ import annotations

from provisioner.deploy.errors import AwsFailure
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Say
from provisioner.deploy.saved_plan import saved_plan_change_set_name
from provisioner.deploy.target import DeployTarget


def clean_unused_plans(gateway: AwsGateway, target: DeployTarget, say: Say) -> set[str]:
    """Delete each stack's saved-plan change set, and a stack that only a plan's CREATE change
    set made (REVIEW_IN_PROGRESS); the names of those stacks deleted."""
    name = saved_plan_change_set_name(target.tool)
    emptied: set[str] = set()
    for template in target.stacks:
        stack = template.stack_name
        if not gateway.delete_change_set_named(stack, name):
            continue
        say(f"{stack}: deleted the change set of an unused saved plan")
        left = gateway.describe_stack(stack)
        if left is not None and left.status == "REVIEW_IN_PROGRESS":
            try:
                gateway.delete_stack(left.stack_id)
            except AwsFailure as exc:
                if "AccessDenied" not in str(exc):
                    raise
                # The reviewer policy deletes only stacks tagged for review, and a plan's
                # stack is not (it would keep the tag once created). Left, it is harmless:
                # a deploy creates the stack in it.
                say(
                    f"{stack}: the empty stack that plan would have created is left "
                    f"(not allowed to delete it: {exc}); a deploy creates the stack in it"
                )
                continue
            say(f"{stack}: deleted the empty stack that plan would have created")
            emptied.add(stack)
    return emptied
