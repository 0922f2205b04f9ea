"""status: each stack's state, outputs, protection, last change, and the SSM parameters."""

from __future__ import annotations

from typing import Any

from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Say
from provisioner.deploy.result import ActionResult
from provisioner.deploy.target import DeployTarget


def status(gateway: AwsGateway, target: DeployTarget, say: Say) -> ActionResult:
    stacks: list[dict[str, Any]] = []
    for template in target.stacks:
        stack = gateway.describe_stack(template.stack_name)
        if stack is None or stack.status == "DELETE_COMPLETE":
            say(f"{template.stack_name}: not deployed")
            stacks.append({"stack": template.stack_name, "status": "NOT_DEPLOYED"})
            continue
        changed = stack.last_updated or stack.created
        say(
            f"{stack.name}: {stack.status}"
            + (f" ({stack.status_reason})" if stack.status_reason else "")
        )
        say(f"  termination protection  {'on' if stack.termination_protection else 'off'}")
        say(f"  last changed            {changed.isoformat() if changed else '-'}")
        width = max((len(key) for key in stack.outputs), default=0)
        for key, value in sorted(stack.outputs.items()):
            say(f"  output {key:<{width}}  {value}")
        stacks.append(
            {
                "stack": stack.name,
                "status": stack.status,
                "reason": stack.status_reason,
                "termination_protection": stack.termination_protection,
                "last_changed": changed.isoformat() if changed else None,
                "outputs": stack.outputs,
            }
        )
    parameters = target.own_parameters(gateway.parameters_under(target.ssm_path))
    say(f"SSM parameters under {target.ssm_path}: {len(parameters)}")
    for name, value in parameters.items():
        say(f"  {name} = {value}")
    return ActionResult(report={"stacks": stacks, "ssm_parameters": parameters})
