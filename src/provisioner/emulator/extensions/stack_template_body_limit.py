"""Gap: moto accepts a `TemplateBody` of any size; CloudFormation refuses one over 51,200 bytes
(larger templates must be uploaded to S3 and passed by `TemplateURL`). Without the limit a
deploy that sends a large template inline passes against the emulator and fails in AWS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.responses import CloudFormationResponse

# AWS's limit, not imported from the tools' own: the emulator checks them, not agrees with them.
TEMPLATE_BODY_MAX_BYTES = 51_200
ACTIONS = ("create_stack", "update_stack", "create_change_set", "validate_template",
           "get_template_summary", "create_stack_set", "update_stack_set")  # fmt: skip


def _limited(action: Callable[..., Any]) -> Callable[..., Any]:
    def limited(self: CloudFormationResponse) -> Any:
        body = self._get_param("TemplateBody") or ""
        size = len(body.encode("utf-8"))
        if size > TEMPLATE_BODY_MAX_BYTES:
            raise ValidationError(
                message="1 validation error detected: Value at 'templateBody' failed to satisfy "
                f"constraint: Member must have length less than or equal to "
                f"{TEMPLATE_BODY_MAX_BYTES} (it has {size} bytes)"
            )
        return action(self)

    limited._limited = True  # type: ignore[attr-defined]
    return limited


def install() -> None:
    for name in ACTIONS:
        action = getattr(CloudFormationResponse, name)
        if not getattr(action, "_limited", False):
            setattr(CloudFormationResponse, name, _limited(action))
