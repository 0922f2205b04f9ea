"""Gap: moto's ListChangeSets ignores StackName and lists every stack's change sets (and those
of deleted stacks); CloudFormation lists the named stack's only."""

from __future__ import annotations

from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult


def _list_change_sets(self: CloudFormationResponse) -> ActionResult:
    backend = self.cloudformation_backend
    # A stack name means the live stack of that name; get_stack refuses an unknown one, as
    # CloudFormation does.
    stack_id = backend.get_stack(self._get_param("StackName")).stack_id
    listed = [c for c in backend.list_change_sets() if c.stack_id == stack_id]
    return ActionResult({"Summaries": listed})


def install() -> None:
    CloudFormationResponse.list_change_sets = _list_change_sets  # type: ignore[method-assign]
