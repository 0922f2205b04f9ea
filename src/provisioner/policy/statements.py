"""Plain-data IAM statements for policies embedded in templates (they may hold intrinsics)."""

from __future__ import annotations

from typing import Any


def allow_statement(
    sid: str, actions: list[str], resources: Any, condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": sorted(actions),
        "Resource": resources,
    }
    if condition:
        statement["Condition"] = condition
    return statement
