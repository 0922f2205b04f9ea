"""What a template change does to access: IAM statements, trust policies, key and resource
policies, and policy attachments, compared between two templates (pure).

Every policy document is flattened into grants — one (effect, principal, action, resource,
condition) each — so a change is a set difference. A change *broadens* access when it adds an
Allow grant that was not there before with the same or a looser condition, or removes a Deny.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Policy documents by resource type: property path → kind of document.
_DOCUMENTS: dict[str, dict[str, str]] = {
    "AWS::IAM::Role": {"AssumeRolePolicyDocument": "trust", "Policies": "identity"},
    "AWS::IAM::Group": {"Policies": "identity"},
    "AWS::IAM::User": {"Policies": "identity"},
    "AWS::IAM::ManagedPolicy": {"PolicyDocument": "identity"},
    "AWS::IAM::Policy": {"PolicyDocument": "identity"},
    "AWS::KMS::Key": {"KeyPolicy": "key"},
    "AWS::S3::BucketPolicy": {"PolicyDocument": "resource"},
    "AWS::SNS::TopicPolicy": {"PolicyDocument": "resource"},
    "AWS::SQS::QueuePolicy": {"PolicyDocument": "resource"},
    "AWS::SageMaker::ModelPackageGroup": {"ModelPackageGroupPolicy": "resource"},
}
# Attachments: who holds a managed policy, which managed policies a principal holds.
_ATTACHMENTS: dict[str, tuple[str, ...]] = {
    "AWS::IAM::Role": ("ManagedPolicyArns",),
    "AWS::IAM::Group": ("ManagedPolicyArns",),
    "AWS::IAM::User": ("ManagedPolicyArns",),
    "AWS::IAM::ManagedPolicy": ("Roles", "Groups", "Users"),
    "AWS::IAM::Policy": ("Roles", "Groups", "Users"),
}


def _canonical(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True, order=True)
class Grant:
    """One thing a policy says, about one resource of the template."""

    resource: str  # logical id
    document: str  # e.g. AssumeRolePolicyDocument, Policies/read, attachment
    kind: str  # trust | identity | key | resource | attachment
    effect: str
    principal: str
    action: str
    target: str
    condition: str

    @property
    def key(self) -> tuple[str, ...]:
        """Identity of the grant apart from its condition."""
        return (self.resource, self.document, self.effect, self.principal, self.action, self.target)

    def describe(self, *, condition: bool = True) -> str:
        """One line; `condition=False` leaves the condition out (for a table that shows it
        apart, entry by entry)."""
        parts = [f"{self.effect} {self.action}"]
        if self.principal != "-":
            parts.append(f"for {self.principal}")
        if self.target != "-":
            parts.append(f"on {self.target}")
        if condition and self.condition != "-":
            parts.append(f"if {self.condition}")
        return " ".join(parts)


def _principals(statement: dict[str, Any]) -> list[str]:
    if "Principal" in statement:
        principal = statement["Principal"]
        if principal == "*":
            return ["*"]
        if isinstance(principal, dict):
            return [
                f"{kind}:{_canonical(p)}" for kind, v in sorted(principal.items()) for p in _list(v)
            ]
        return [_canonical(principal)]
    if "NotPrincipal" in statement:
        return [f"not {_canonical(statement['NotPrincipal'])}"]
    return ["-"]


def _statement_grants(resource: str, document: str, kind: str, policy: Any) -> Iterator[Grant]:
    if not isinstance(policy, dict):  # an intrinsic or a string we cannot read: whole document
        yield Grant(resource, document, kind, "Allow", "-", _canonical(policy), "-", "-")
        return
    for statement in _list(policy.get("Statement")):
        if not isinstance(statement, dict):
            continue
        effect = str(statement.get("Effect", "Allow"))
        actions = [_canonical(a) for a in _list(statement.get("Action"))]
        actions += [f"not {_canonical(a)}" for a in _list(statement.get("NotAction"))]
        targets = [_canonical(r) for r in _list(statement.get("Resource"))]
        targets += [f"not {_canonical(r)}" for r in _list(statement.get("NotResource"))]
        condition = _canonical(statement["Condition"]) if "Condition" in statement else "-"
        for principal in _principals(statement):
            for action in actions or ["-"]:
                for target in targets or ["-"]:
                    yield Grant(
                        resource, document, kind, effect, principal, action, target, condition
                    )


def grants(template: dict[str, Any]) -> set[Grant]:
    """Every grant the template's policies and attachments make."""
    found: set[Grant] = set()
    for logical_id, body in (template.get("Resources") or {}).items():
        if not isinstance(body, dict):
            continue
        kind = body.get("Type", "")
        properties = body.get("Properties") or {}
        for prop, doc_kind in _DOCUMENTS.get(kind, {}).items():
            if prop not in properties:
                continue
            if prop == "Policies":
                for inline in _list(properties[prop]):
                    name = inline.get("PolicyName", "?") if isinstance(inline, dict) else "?"
                    document = inline.get("PolicyDocument") if isinstance(inline, dict) else inline
                    label = f"Policies/{_canonical(name)}"
                    found.update(_statement_grants(logical_id, label, doc_kind, document))
            else:
                found.update(_statement_grants(logical_id, prop, doc_kind, properties[prop]))
        for prop in _ATTACHMENTS.get(kind, ()):
            for attached in _list(properties.get(prop)):
                action = f"attach {_canonical(attached)}"
                found.add(Grant(logical_id, prop, "attachment", "Allow", "-", action, "-", "-"))
    return found


def condition_values(condition: str) -> dict[tuple[str, str], tuple[str, ...]] | None:
    """A grant's condition as (operator, key) → its values, each canonical; None when the
    condition is not a document of operator blocks (an intrinsic, say)."""
    if condition == "-":
        return {}
    try:
        parsed = json.loads(condition)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or not all(isinstance(b, dict) for b in parsed.values()):
        return None
    return {
        (operator, key): tuple(_canonical(v) for v in _list(value))
        for operator, block in parsed.items()
        for key, value in block.items()
    }


def _values_narrow_with_fewer(operator: str) -> bool | None:
    """True where a condition operator matches when ANY of its values does (fewer values is
    stricter), False for the negated ones (more values is stricter), None where neither holds
    (numbers, dates, Bool, Null: only the same values are as strict)."""
    base = operator.split(":")[-1].removesuffix("IfExists")
    if base in ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
                "IpAddress", "BinaryEquals"):  # fmt: skip
        return True
    if ":" in operator:  # ForAnyValue:/ForAllValues: over a negation: only the same values
        return None
    if base in ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike",
                "ArnNotEquals", "ArnNotLike", "NotIpAddress"):  # fmt: skip
        return False
    return None


def at_least_as_strict(new: str, old: str) -> bool:
    """Whether condition `new` admits no request `old` refuses: every (operator, key) of the
    old condition is still there, with the same values or, for a matching operator, a subset
    of them (a team taken out of a list), for a negated one a superset. Unreadable conditions
    (an intrinsic) are as strict only when they are the same text: when in doubt, broader."""
    if new == old:
        return True
    before, after = condition_values(old), condition_values(new)
    if before is None or after is None:
        return False
    for block, old_values in before.items():
        if block not in after:
            return False
        now, then = set(after[block]), set(old_values)
        fewer_is_stricter = _values_narrow_with_fewer(block[0])
        if fewer_is_stricter is True and not now <= then:
            return False
        if fewer_is_stricter is False and not now >= then:
            return False
        if fewer_is_stricter is None and now != then:
            return False
    return True


@dataclass(frozen=True)
class SecurityDiff:
    added: tuple[Grant, ...]
    removed: tuple[Grant, ...]

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed

    @property
    def broadening(self) -> tuple[Grant, ...]:
        """Added Allows not already granted under the same or a looser condition; removed Denies."""
        previous: dict[tuple[str, ...], list[str]] = {}
        for grant in self.removed:
            previous.setdefault(grant.key, []).append(grant.condition)
        wider = []
        for grant in self.added:
            if grant.effect == "Allow":
                olds = previous.get(grant.key, [])
                if not any(at_least_as_strict(grant.condition, old) for old in olds):
                    wider.append(grant)
        wider += [g for g in self.removed if g.effect == "Deny"]
        return tuple(wider)

    def is_broadening(self, grant: Grant) -> bool:
        return grant in self.broadening


def security_diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> SecurityDiff:
    before = grants(old or {})
    after = grants(new or {})
    return SecurityDiff(added=tuple(sorted(after - before)), removed=tuple(sorted(before - after)))
