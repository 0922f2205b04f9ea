"""An IAM identity policy as immutable data, with IAM's size rule and a splitter."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS
from provisioner.naming.arn import action_matches, glob_matches

VERSION = "2012-10-17"


ALLOW = "Allow"
DENY = "Deny"
# A statement's Condition block: operator → key → value(s), as IAM writes it.
Condition = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: Condition | None = None
    effect: str = ALLOW
    # `actions` are the statement's NotAction: it applies to every action but these.
    not_actions: bool = False

    def to_json(self) -> dict[str, Any]:
        actions: Any = list(self.actions) if len(self.actions) > 1 else self.actions[0]
        resources: Any = list(self.resources) if len(self.resources) > 1 else self.resources[0]
        body: dict[str, Any] = {
            "Sid": self.sid,
            "Effect": self.effect,
            "NotAction" if self.not_actions else "Action": actions,
            "Resource": resources,
        }
        if self.condition:
            body["Condition"] = {
                op: {key: _condition_value(v) for key, v in sorted(keys.items())}
                for op, keys in sorted(self.condition.items())
            }
        return body

    def matches(self, action: str, resource_arn: str) -> bool:
        """Action and resource match, conditions aside."""
        named = any(action_matches(a, action) for a in self.actions)
        return named != self.not_actions and any(
            glob_matches(r, resource_arn) for r in self.resources
        )

    def allows(self, action: str, resource_arn: str) -> bool:
        """An unconditional Allow that matches; conditional grants need the evaluator
        (policy/evaluation.py), which knows the request's context."""
        return self.is_allow and not self.condition and self.matches(action, resource_arn)

    @property
    def is_allow(self) -> bool:
        return self.effect == ALLOW

    @property
    def is_unscoped(self) -> bool:
        return "*" in self.resources


def _condition_value(value: Any) -> Any:
    if isinstance(value, tuple | list):
        items = sorted(set(value))
        return items[0] if len(items) == 1 else items
    return value


@dataclass(frozen=True)
class PolicyDocument:
    statements: tuple[Statement, ...]

    def to_json(self) -> dict[str, Any]:
        return {"Version": VERSION, "Statement": [s.to_json() for s in self.statements]}

    def render(self) -> str:
        """Pretty JSON for people; deterministic."""
        return json.dumps(self.to_json(), indent=2) + "\n"

    @property
    def size(self) -> int:
        """Characters as IAM counts them for the managed-policy quota: whitespace excluded."""
        return len(json.dumps(self.to_json(), separators=(",", ":")))

    @staticmethod
    def size_of(rendered: str) -> int:
        return len(json.dumps(json.loads(rendered), separators=(",", ":")))

    def allows(self, action: str, resource_arn: str) -> bool:
        """Granted unconditionally and not denied by a statement that matches (conditions
        aside: a conditional Deny counts as denying). For conditional grants, evaluate the
        document with policy/evaluation.py."""
        if any(not s.is_allow and s.matches(action, resource_arn) for s in self.statements):
            return False
        return any(s.allows(action, resource_arn) for s in self.statements)

    def statement(self, sid: str) -> Statement:
        for statement in self.statements:
            if statement.sid == sid:
                return statement
        raise KeyError(sid)

    @property
    def actions(self) -> set[str]:
        """Every action some statement allows (under its conditions)."""
        return {a for s in self.statements if s.is_allow and not s.not_actions for a in s.actions}

    @property
    def allow_statements(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.is_allow)


def build_document(statements: Iterable[Statement]) -> PolicyDocument:
    """Merge statements with the same Sid, sort and de-duplicate their actions."""
    merged: dict[str, Statement] = {}
    for statement in statements:
        if statement.sid in merged:
            old = merged[statement.sid]
            if (old.resources, old.condition, old.effect) != (
                statement.resources,
                statement.condition,
                statement.effect,
            ):
                raise ValueError(f"statement {statement.sid} declared with different scope")
            statement = replace(old, actions=old.actions + statement.actions)
        merged[statement.sid] = statement
    return PolicyDocument(
        tuple(
            replace(s, actions=tuple(sorted(set(s.actions), key=str.lower)))
            for s in merged.values()
        )
    )


def split_to_fit(
    document: PolicyDocument, limit: int = MANAGED_POLICY_MAX_CHARS
) -> list[PolicyDocument]:
    """Pack whole statements into as few documents as fit `limit`; a statement too large
    on its own is cut into numbered parts by action."""
    if document.size <= limit:
        return [document]
    pieces: list[Statement] = []
    for statement in document.statements:
        pieces.extend(_cut(statement, limit))
    parts: list[list[Statement]] = []
    for piece in sorted(pieces, key=lambda s: -PolicyDocument((s,)).size):
        for part in parts:
            if PolicyDocument((*part, piece)).size <= limit:
                part.append(piece)
                break
        else:
            parts.append([piece])
    order = {id(p): i for i, p in enumerate(pieces)}
    return [PolicyDocument(tuple(sorted(part, key=lambda s: order[id(s)]))) for part in parts]


def _cut(statement: Statement, limit: int) -> list[Statement]:
    if PolicyDocument((statement,)).size <= limit:
        return [statement]
    chunks: list[list[str]] = [[]]
    for action in statement.actions:
        trial = replace(statement, actions=(*chunks[-1], action))
        if chunks[-1] and PolicyDocument((trial,)).size > limit:
            chunks.append([])
        chunks[-1].append(action)
    return [
        replace(statement, sid=f"{statement.sid}{i + 1}", actions=tuple(chunk))
        for i, chunk in enumerate(chunks)
    ]
