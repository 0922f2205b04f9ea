"""Gap: moto ignores `RetainExceptOnCreate` (CreateStack, UpdateStack, ExecuteChangeSet).
CloudFormation then deletes, when the operation rolls back, the resources it created even if
their DeletionPolicy is Retain (a later stack delete still keeps them), so a failed first
deploy leaves no orphaned bucket or key behind.

This module reads the flag from the request; stack_operations' rollback acts on it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from moto.cloudformation.responses import CloudFormationResponse

# The flag of the request being handled. Requests run one per server thread, and the
# operation reads it before it may move to a background thread (asynchronous mode).
_REQUESTED: ContextVar[bool] = ContextVar("retain_except_on_create", default=False)


def requested() -> bool:
    """Whether the request being handled asked for RetainExceptOnCreate."""
    return _REQUESTED.get()


def _reading_flag(handler: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handler)
    def read(self: CloudFormationResponse) -> Any:
        token = _REQUESTED.set(bool(self._get_bool_param("RetainExceptOnCreate", False)))
        try:
            return handler(self)
        finally:
            _REQUESTED.reset(token)

    return read


def install() -> None:
    for action in ("create_stack", "update_stack", "execute_change_set"):
        handler = getattr(CloudFormationResponse, action)
        setattr(CloudFormationResponse, action, _reading_flag(handler))
