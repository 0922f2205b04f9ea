"""Gap: moto ignores `DisableRollback` (CreateStack, ExecuteChangeSet) and `OnFailure`
(CreateStack): a failed create always rolls back. CloudFormation, asked not to roll back,
stops the failed create at CREATE_FAILED and keeps what it made ("preserve successfully
provisioned resources"); the stack then reports `DisableRollback: true`.

This module reads the request's choice; stack_operations' failed create acts on it. Updates
are not covered: the tools never disable rollback, and only a first create left in
CREATE_FAILED is a state they must handle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from moto.cloudformation.responses import CloudFormationResponse

# The choice of the request being handled, read as stack_retain_except_on_create reads its
# flag: before the operation may move to a background thread (asynchronous mode).
_REQUESTED: ContextVar[bool] = ContextVar("disable_rollback", default=False)


def requested() -> bool:
    """Whether the request being handled asked a failed create not to roll back."""
    return _REQUESTED.get()


def _reading_choice(handler: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handler)
    def read(self: CloudFormationResponse) -> Any:
        disabled = bool(self._get_bool_param("DisableRollback", False))
        disabled = disabled or self._get_param("OnFailure") == "DO_NOTHING"
        token = _REQUESTED.set(disabled)
        try:
            return handler(self)
        finally:
            _REQUESTED.reset(token)

    return read


def install() -> None:
    for action in ("create_stack", "execute_change_set"):
        handler = getattr(CloudFormationResponse, action)
        setattr(CloudFormationResponse, action, _reading_choice(handler))
