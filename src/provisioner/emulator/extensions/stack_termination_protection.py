"""Gap: moto implements no `UpdateTerminationProtection` and never enforces protection:
DeleteStack removes a protected stack."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult


def _update_termination_protection(self: CloudFormationResponse) -> ActionResult:
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = bool(self._get_bool_param("EnableTerminationProtection"))
    return ActionResult({"StackId": stack.stack_id})


def install() -> None:
    original = CloudFormationBackend.delete_stack
    if getattr(original, "_enforces_protection", False):
        return

    def delete_stack(self: CloudFormationBackend, name_or_stack_id: str) -> Any:
        for stack in list(self.stacks.values()):
            if name_or_stack_id in (stack.stack_id, stack.name) and (
                stack.enable_termination_protection
            ):
                raise ValidationError(
                    message=f"Stack [{stack.name}] cannot be deleted while "
                    "TerminationProtection is enabled"
                )
        return original(self, name_or_stack_id)

    delete_stack._enforces_protection = True  # type: ignore[attr-defined]
    CloudFormationBackend.delete_stack = delete_stack  # type: ignore[method-assign]
    CloudFormationResponse.update_termination_protection = (  # type: ignore[attr-defined]
        _update_termination_protection
    )
