"""Gap: moto implements no `UpdateTerminationProtection` and never enforces protection:
DeleteStack removes a protected stack."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult


def _update_termination_protection(self: CloudFormationResponse) -> ActionResult:
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = bool(self._get_bool_param("EnableTerminationProtection"))
    return ActionResult({"StackId": stack.stack_id})


def refuse_if_protected(stack: Any) -> None:
    """DeleteStack calls this first (see stack_operations)."""
    if stack.enable_termination_protection:
        raise ValidationError(
            message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
        )


def install() -> None:
    CloudFormationResponse.update_termination_protection = (  # type: ignore[attr-defined]
        _update_termination_protection
    )
