"""AWS's IAM policy evaluation logic for one request in one account, pure and fail-closed.

This exists to *prove* things about policies (an operator cannot escalate, a persona can or
cannot reach a resource), so a wrong answer in either direction is a false proof. Wherever AWS's
documentation leaves the outcome open, or the input uses something not modelled here, the
evaluator raises UnsupportedPolicy instead of guessing.

Sources, all in the IAM User Guide: "Policy evaluation logic", "IAM JSON policy elements:
Condition operators", "Creating a condition with multiple keys or values", "Single-valued vs.
multivalued condition keys", "IAM policy elements: Variables and tags", "AWS JSON policy
elements: Principal" and "NotPrincipal", "Permissions boundaries for IAM entities".

Not modelled (callers must not rely on them): SCPs, session policies, cross-account requests,
the root user, anonymous callers, web-identity and SAML principals.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from functools import lru_cache
from typing import Any, Final, Literal, TypeVar, cast

Json = Any
ContextValue = str | bool | int | Sequence[str]

__all__ = [
    "ContextValue",
    "Decision",
    "Json",
    "Request",
    "Result",
    "UnsupportedPolicy",
    "evaluate",
    "statement_applies",
]


class UnsupportedPolicy(ValueError):
    """The evaluator met something it cannot evaluate exactly as AWS would."""


class Decision(StrEnum):
    ALLOW = "allow"
    IMPLICIT_DENY = "implicit-deny"
    EXPLICIT_DENY = "explicit-deny"


@dataclass(frozen=True)
class Request:
    """One authorisation request.

    `context` maps condition keys (any case) to values; a non-string sequence is a multivalued
    key such as aws:TagKeys. `principal` is the caller's ARN (an IAM user or role, an STS
    assumed-role or federated-user session) or a service principal such as
    "lambda.amazonaws.com"; it is needed only when a resource policy is evaluated, and stands in
    for aws:PrincipalArn when the context lacks it.
    """

    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    principal: str | None = None
    _keys: dict[str, ContextValue] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _ACTION_RE.fullmatch(self.action):
            raise ValueError(f"request action must look like 'service:Action': {self.action!r}")
        if self.resource != "*" and len(self.resource.split(":", 5)) != 6:
            raise ValueError(f"request resource must be '*' or an ARN: {self.resource!r}")
        keys: dict[str, ContextValue] = {}
        for key, value in self.context.items():
            if not isinstance(key, str):
                raise TypeError(f"context key {key!r} is not a string")
            _check_context_value(key, value)
            folded = key.lower()
            if folded in keys:
                # Key names are case-insensitive, so two spellings would be one key twice.
                raise ValueError(f"context key {key!r} is given twice (keys ignore case)")
            keys[folded] = value
        object.__setattr__(self, "_keys", keys)


@dataclass(frozen=True)
class Result:
    """The decision, and the statements that made it.

    Each entry of `matched` is "<policy>:<sid>", where <policy> is "identity[i]", "boundary[i]"
    (i indexes the sequence passed in) or "resource", and <sid> is the statement's Sid or "#<n>"
    (its index) when it has none. For an explicit deny these are every Deny that applied; for an
    allow, the Allow statements that granted it (and, when boundaries limit the grant, those of
    each boundary that let it through). An implicit deny has none.
    """

    decision: Decision
    matched: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW


def evaluate(
    request: Request,
    identity: Sequence[Json],
    *,
    boundaries: Sequence[Json] = (),
    resource_policy: Json | None = None,
) -> Result:
    """Decide `request` against the caller's identity policies, its permissions boundaries
    (none given = no boundary) and the target resource's policy, as AWS does in one account."""
    for name, documents in (("identity", identity), ("boundaries", boundaries)):
        if isinstance(documents, Mapping | str):
            raise TypeError(f"{name} must be a sequence of policy documents, not one document")
    identity_policies = [
        _parse_policy(doc, f"identity[{i}]", resource_based=False) for i, doc in enumerate(identity)
    ]
    boundary_policies = [
        _parse_policy(doc, f"boundary[{i}]", resource_based=False)
        for i, doc in enumerate(boundaries)
    ]
    resource_statements = (
        _parse_policy(resource_policy, "resource", resource_based=True)
        if resource_policy is not None
        else ()
    )
    caller = _caller(request) if resource_statements else None
    if caller is not None:
        _require_same_account(request, caller)
    has_boundary = bool(boundary_policies)

    # An explicit deny in any policy type is final, so every Deny is looked for first.
    denies = [
        s.label
        for policy in (*identity_policies, *boundary_policies)
        for s in policy
        if s.effect == "Deny" and _applies(s, request)
    ]
    denies += [
        s.label
        for s in resource_statements
        if s.effect == "Deny" and _resource_grant(s, request, caller, has_boundary) is not None
    ]
    if denies:
        return Result(Decision.EXPLICIT_DENY, tuple(denies))

    needs_resource_policy = _resource_policy_required(request)
    if needs_resource_policy and resource_policy is None:
        # A KMS key always has a key policy and a role always has a trust policy; without it
        # neither an allow (it may not delegate to IAM) nor a deny (it may grant the caller
        # directly) can be proven.
        raise UnsupportedPolicy(
            f"{request.action} on {request.resource} is decided by the key or trust policy "
            "as well: pass it as resource_policy"
        )

    identity_allows = [
        s.label
        for policy in identity_policies
        for s in policy
        if s.effect == "Allow" and _applies(s, request)
    ]
    unbounded: list[str] = []
    bounded: list[str] = []
    delegations: list[str] = []
    for s in resource_statements:
        if s.effect != "Allow":
            continue
        via = _resource_grant(s, request, caller, has_boundary)
        if via in _UNBOUNDED:
            unbounded.append(s.label)
        elif via is _Via.ROLE:
            bounded.append(s.label)
        elif via is _Via.ACCOUNT:
            delegations.append(s.label)

    # Granting to users, sessions, services or "*" is direct: AWS does not let an implicit deny
    # in identity policies or boundaries limit it (Principal page, boundaries page).
    if unbounded:
        return Result(Decision.ALLOW, tuple(unbounded))

    # An account principal only delegates to the account's IAM policies. For most resources
    # IAM policies need no delegation; for key and trust policies they count only through it.
    if needs_resource_policy and not delegations:
        identity_allows = []
    grants = identity_allows + bounded
    if needs_resource_policy and identity_allows:
        grants += delegations
    if not grants:
        return Result(Decision.IMPLICIT_DENY)

    # Boundaries cap identity policies and, in the same account, resource-policy grants that
    # name the role ARN (not a session): AWS applies the permissions boundary to those too.
    boundary_allows: list[str] = []
    for policy in boundary_policies:
        allows = [s.label for s in policy if s.effect == "Allow" and _applies(s, request)]
        if not allows:
            return Result(Decision.IMPLICIT_DENY)
        boundary_allows += allows
    return Result(Decision.ALLOW, tuple(grants + boundary_allows))


def statement_applies(
    statement: Json,
    request: Request,
    *,
    version: str = "2012-10-17",
    has_boundary: bool = False,
) -> bool:
    """Whether every element of `statement` matches `request`: action, resource, condition and,
    when the statement has Principal or NotPrincipal (a resource policy's), the principal.

    `version` is the enclosing document's Version (it decides whether policy variables are
    substituted); `has_boundary` says whether the caller has a permissions boundary, which
    changes what a Deny with NotPrincipal matches. An Allow naming the caller's account
    applies here even though, in evaluate(), it only delegates to IAM policies.
    """
    resource_based = isinstance(statement, Mapping) and (
        "Principal" in statement or "NotPrincipal" in statement
    )
    parsed = _parse_statement(
        statement, "statement", 0, resource_based=resource_based, variables=_variables(version)
    )
    if not resource_based:
        return _applies(parsed, request)
    caller = _caller(request)
    _require_same_account(request, caller)
    return _resource_grant(parsed, request, caller, has_boundary) is not None


# --- Request context -------------------------------------------------------------------------

_ACTION_RE: Final = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9]+")


def _check_context_value(key: str, value: object) -> None:
    if isinstance(value, str | bool | int):
        return
    if (
        isinstance(value, Sequence)
        and not isinstance(value, bytes | bytearray)
        and all(isinstance(v, str) for v in value)
    ):
        return
    raise TypeError(f"context value for {key!r} must be str, bool, int or a sequence of str")


def _lookup(request: Request, key: str) -> ContextValue | None:
    """The key's value, or None when the request context does not have it."""
    folded = key.lower()
    if folded in request._keys:
        return request._keys[folded]
    if folded == "aws:principalarn" and request.principal is not None:
        kind = _classify(request.principal).kind
        if kind == "session":
            # For a role session aws:PrincipalArn is the role's ARN, path included, which the
            # session ARN does not carry.
            raise UnsupportedPolicy(
                "aws:PrincipalArn of an assumed-role session is its role's ARN, which cannot be "
                "derived from the session ARN: put aws:PrincipalArn in the request context"
            )
        if kind != "service":
            return request.principal
    return None


def _scalar_text(value: str | bool | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- Strings with wildcards and policy variables ---------------------------------------------


class _Wild(Enum):
    STAR = "*"
    ONE = "?"


@dataclass(frozen=True)
class _Var:
    key: str
    default: str | None


_Raw = str | _Wild | _Var
_Resolved = str | _Wild
_T = TypeVar("_T", _Raw, _Resolved)
# ASCII classes here and below (`[0-9]`, re.ASCII): Python's `\d` and `\s` also take other
# scripts' digits and spaces, and Decimal() would read Arabic-Indic digits as a number.
_VAR_BODY: Final = re.compile(
    r"(?P<key>[^\s,'{}$]+(?:[^,'{}$]*[^\s,'{}$])?)(?:, '(?P<default>[^']*)')?", re.ASCII
)
_ESCAPES: Final = frozenset({"*", "?", "$"})


def _tokenize(text: str, *, wildcards: bool, variables: bool, what: str) -> tuple[_Raw, ...]:
    tokens: list[_Raw] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            tokens.append("".join(literal))
            literal.clear()

    i = 0
    while i < len(text):
        if variables and text.startswith("${", i):
            end = text.find("}", i + 2)
            if end < 0:
                raise UnsupportedPolicy(f"{what}: unterminated policy variable in {text!r}")
            body = text[i + 2 : end]
            if body in _ESCAPES:
                # ${*}, ${?} and ${$} stand for the character itself, never a wildcard.
                literal.append(body)
            else:
                match = _VAR_BODY.fullmatch(body)
                if match is None:
                    raise UnsupportedPolicy(f"{what}: cannot read policy variable ${{{body}}}")
                flush()
                tokens.append(_Var(match["key"], match["default"]))
            i = end + 1
            continue
        char = text[i]
        if wildcards and char in "*?":
            flush()
            tokens.append(_Wild(char))
        else:
            literal.append(char)
        i += 1
    flush()
    return tuple(tokens)


def _resolve(
    tokens: tuple[_Raw, ...], request: Request, *, wildcards: bool, what: str
) -> tuple[_Resolved, ...] | None:
    """Substitute policy variables; None when one has no value (such a value matches nothing)."""
    out: list[_Resolved] = []
    for token in tokens:
        if not isinstance(token, _Var):
            out.append(token)
            continue
        value = _lookup(request, token.key)
        if value is None:
            if token.default is None:
                return None
            text = token.default
        elif isinstance(value, str | bool | int):
            text = _scalar_text(value)
        else:
            raise UnsupportedPolicy(
                f"{what}: multivalued key {token.key} cannot be used as a policy variable"
            )
        if wildcards and ("*" in text or "?" in text):
            # AWS does not say whether a substituted * or ? is a wildcard or a literal.
            raise UnsupportedPolicy(
                f"{what}: the value of ${{{token.key}}} contains a wildcard character"
            )
        out.append(text)
    return tuple(out)


@lru_cache(maxsize=4096)
def _regex(tokens: tuple[_Resolved, ...], ignore_case: bool) -> re.Pattern[str]:
    parts = []
    for token in tokens:
        if token is _Wild.STAR:
            parts.append(".*")
        elif token is _Wild.ONE:
            parts.append(".")
        else:
            assert isinstance(token, str)
            parts.append(re.escape(token))
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("".join(parts), flags)


def _literal(tokens: tuple[_Resolved, ...]) -> str:
    assert all(isinstance(t, str) for t in tokens)
    return "".join(t for t in tokens if isinstance(t, str))


def _no_variables(tokens: tuple[_Raw, ...]) -> tuple[_Resolved, ...]:
    return tuple(t for t in tokens if not isinstance(t, _Var))


def _arn_segments(tokens: Sequence[_T]) -> list[list[_T]]:
    """Split on the first five colons; the sixth segment (the resource) keeps its colons."""
    segments: list[list[_T]] = [[]]
    for token in tokens:
        if not isinstance(token, str):
            segments[-1].append(token)
            continue
        pieces = token.split(":", 6 - len(segments))
        for n, piece in enumerate(pieces):
            if n:
                segments.append([])
            if piece:
                segments[-1].append(cast(_T, piece))
    return segments


def _arn_matches(pattern: tuple[_Resolved, ...], arn: str) -> bool:
    segments = _arn_segments(pattern)
    values = arn.split(":", 5)
    if len(segments) != 6 or len(values) != 6:
        return False
    return all(
        _regex(tuple(s), False).fullmatch(v) is not None
        for s, v in zip(segments, values, strict=True)
    )


def _only_stars(tokens: Sequence[_Raw]) -> bool:
    return bool(tokens) and all(t is _Wild.STAR for t in tokens)


# --- Policy documents ------------------------------------------------------------------------

_STATEMENT_KEYS: Final = frozenset(
    {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    }
)


@dataclass(frozen=True)
class _Principals:
    wildcard: bool
    aws: tuple[str, ...]
    services: tuple[str, ...]


@dataclass(frozen=True)
class _Statement:
    label: str
    effect: Literal["Allow", "Deny"]
    actions: tuple[re.Pattern[str], ...]
    not_action: bool
    resources: tuple[tuple[_Raw, ...], ...] | None  # None: absent, i.e. the policy's resource
    not_resource: bool
    principals: _Principals | None
    not_principal: bool
    conditions: tuple[_Condition, ...]


def _variables(version: object) -> bool:
    # Without Version 2012-10-17, ${...} is literal text (Variables page).
    if version == "2012-10-17":
        return True
    if version is None or version == "2008-10-17":
        return False
    raise UnsupportedPolicy(f"unknown policy Version {version!r}")


def _parse_policy(document: Json, where: str, *, resource_based: bool) -> tuple[_Statement, ...]:
    if not isinstance(document, Mapping):
        raise UnsupportedPolicy(f"{where}: a policy document must be a JSON object")
    unknown = set(document) - {"Version", "Id", "Statement"}
    if unknown:
        raise UnsupportedPolicy(f"{where}: unknown policy element(s) {sorted(unknown)}")
    if "Statement" not in document:
        raise UnsupportedPolicy(f"{where}: the policy has no Statement")
    variables = _variables(document.get("Version"))
    statements = document["Statement"]
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise UnsupportedPolicy(f"{where}: Statement must be an object or a non-empty list")
    return tuple(
        _parse_statement(s, where, i, resource_based=resource_based, variables=variables)
        for i, s in enumerate(statements)
    )


def _strings(value: object, what: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) for v in values):
        raise UnsupportedPolicy(f"{what} must be a string or a non-empty list of strings")
    return [v for v in values if isinstance(v, str)]


def _one_of(statement: Mapping[str, Any], names: tuple[str, str], what: str) -> str | None:
    present = [n for n in names if n in statement]
    if len(present) > 1:
        raise UnsupportedPolicy(f"{what}: has both {names[0]} and {names[1]}")
    return present[0] if present else None


def _parse_statement(
    statement: Json, where: str, index: int, *, resource_based: bool, variables: bool
) -> _Statement:
    if not isinstance(statement, Mapping):
        raise UnsupportedPolicy(f"{where}: statement #{index} is not a JSON object")
    sid = statement.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise UnsupportedPolicy(f"{where}: statement #{index} has a non-string Sid")
    label = f"{where}:{sid if sid else f'#{index}'}"
    unknown = set(statement) - _STATEMENT_KEYS
    if unknown:
        raise UnsupportedPolicy(f"{label}: unknown statement element(s) {sorted(unknown)}")
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise UnsupportedPolicy(f"{label}: Effect must be 'Allow' or 'Deny', not {effect!r}")

    action_key = _one_of(statement, ("Action", "NotAction"), label)
    if action_key is None:
        raise UnsupportedPolicy(f"{label}: has neither Action nor NotAction")
    actions = tuple(_action_pattern(a, label) for a in _strings(statement[action_key], label))

    resource_key = _one_of(statement, ("Resource", "NotResource"), label)
    resources: tuple[tuple[_Raw, ...], ...] | None = None
    if resource_key is not None:
        resources = tuple(
            _resource_pattern(r, label, variables)
            for r in _strings(statement[resource_key], f"{label}: {resource_key}")
        )
    elif not resource_based:
        # A role trust policy has no Resource: it is the role. Identity policies must say.
        raise UnsupportedPolicy(f"{label}: has neither Resource nor NotResource")

    principal_key = _one_of(statement, ("Principal", "NotPrincipal"), label)
    principals = None
    if resource_based:
        if principal_key is None:
            raise UnsupportedPolicy(f"{label}: a resource policy statement needs a Principal")
        principals = _parse_principals(statement[principal_key], f"{label}: {principal_key}")
        if principal_key == "NotPrincipal" and effect == "Allow":
            # AWS restricts NotPrincipal with Allow and does not document who it then reaches.
            raise UnsupportedPolicy(f"{label}: NotPrincipal with Effect Allow is not supported")
    elif principal_key is not None:
        raise UnsupportedPolicy(f"{label}: {principal_key} is only valid in a resource policy")

    return _Statement(
        label=label,
        effect=effect,
        actions=actions,
        not_action=action_key == "NotAction",
        resources=resources,
        not_resource=resource_key == "NotResource",
        principals=principals,
        not_principal=principal_key == "NotPrincipal",
        conditions=_parse_conditions(statement.get("Condition"), label, variables),
    )


_ACTION_PATTERN_RE: Final = re.compile(r"\*+|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+")


def _action_pattern(action: str, label: str) -> re.Pattern[str]:
    if not _ACTION_PATTERN_RE.fullmatch(action):
        raise UnsupportedPolicy(f"{label}: cannot read action {action!r}")
    # Action names ignore case, and a * may span anything, ':' included.
    tokens = _tokenize(action, wildcards=True, variables=False, what=label)
    return _regex(_no_variables(tokens), True)


def _resource_pattern(resource: str, label: str, variables: bool) -> tuple[_Raw, ...]:
    tokens = _tokenize(resource, wildcards=True, variables=variables, what=label)
    if _only_stars(tokens):
        return tokens
    segments = _arn_segments(tokens)
    if len(segments) != 6 or segments[0] != ["arn"]:
        # AWS matches ARNs segment by segment; a pattern that is not a whole ARN has no
        # documented meaning.
        raise UnsupportedPolicy(f"{label}: Resource {resource!r} is neither '*' nor an ARN")
    if any(not isinstance(t, str) for t in segments[2]):
        raise UnsupportedPolicy(f"{label}: Resource {resource!r} has a wildcard in its service")
    if any(isinstance(t, _Var) for segment in segments[:5] for t in segment):
        raise UnsupportedPolicy(
            f"{label}: Resource {resource!r} uses a policy variable before the fifth colon"
        )
    return tokens


def _action_matches(statement: _Statement, action: str) -> bool:
    hit = any(p.fullmatch(action) for p in statement.actions)
    return hit != statement.not_action


def _resource_matches(statement: _Statement, request: Request) -> bool:
    if statement.resources is None:
        return True
    hit = False
    for raw in statement.resources:
        pattern = _resolve(raw, request, wildcards=True, what=statement.label)
        if pattern is None:
            continue  # a variable without a value: this entry matches no resource
        if _only_stars(pattern):
            hit = True
        elif request.resource != "*":
            # A resource-less action ("*") is matched only by a Resource of "*".
            hit = _arn_matches(pattern, request.resource)
        if hit:
            break
    return hit != statement.not_resource


def _applies(statement: _Statement, request: Request) -> bool:
    return (
        _action_matches(statement, request.action)
        and _resource_matches(statement, request)
        and all(_condition_holds(c, request) for c in statement.conditions)
    )


# --- Principals ------------------------------------------------------------------------------

_ACCOUNT_RE: Final = re.compile(r"[0-9]{12}")
_ROOT_RE: Final = re.compile(r"arn:[a-z-]+:iam::(?P<account>[0-9]{12}):root")
_IAM_ARN_RE: Final = re.compile(
    r"arn:(?P<partition>[a-z-]+):(?P<service>iam|sts)::(?P<account>[0-9]{12}):(?P<resource>.+)"
)
_SERVICE_RE: Final = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?")


class _Via(Enum):
    """How a resource policy statement reached the caller, which decides what limits it."""

    WILDCARD = "wildcard"
    DIRECT = "direct"
    SERVICE = "service"
    ROLE = "role"
    ACCOUNT = "account"


_UNBOUNDED: Final = frozenset({_Via.WILDCARD, _Via.DIRECT, _Via.SERVICE})
_STRENGTH: Final = (_Via.WILDCARD, _Via.DIRECT, _Via.SERVICE, _Via.ROLE, _Via.ACCOUNT)


@dataclass(frozen=True)
class _Caller:
    kind: Literal["user", "role", "session", "federated", "service"]
    arn: str
    partition: str = ""
    account: str = ""
    role_name: str = ""


def _classify(principal: str) -> _Caller:
    if _SERVICE_RE.fullmatch(principal):
        return _Caller("service", principal)
    match = _IAM_ARN_RE.fullmatch(principal)
    if match is None or _ROOT_RE.fullmatch(principal):
        raise UnsupportedPolicy(
            f"caller {principal!r} is not an IAM user, role, STS session or service principal"
        )
    partition, service, account, resource = match.group(
        "partition", "service", "account", "resource"
    )
    parts = resource.split("/")
    if service == "iam" and parts[0] in ("user", "role") and len(parts) >= 2 and all(parts[1:]):
        kind: Literal["user", "role"] = "user" if parts[0] == "user" else "role"
        return _Caller(kind, principal, partition, account, parts[-1] if kind == "role" else "")
    if service == "sts" and parts[0] == "assumed-role" and len(parts) == 3 and all(parts[1:]):
        return _Caller("session", principal, partition, account, parts[1])
    if service == "sts" and parts[0] == "federated-user" and len(parts) == 2 and parts[1]:
        return _Caller("federated", principal, partition, account)
    raise UnsupportedPolicy(f"caller {principal!r} is not a principal this evaluator models")


def _caller(request: Request) -> _Caller:
    if request.principal is None:
        raise UnsupportedPolicy("a resource policy needs Request.principal to match its Principal")
    return _classify(request.principal)


def _require_same_account(request: Request, caller: _Caller) -> None:
    if request.resource == "*" or caller.kind == "service":
        return
    account = request.resource.split(":", 5)[4]
    if _ACCOUNT_RE.fullmatch(account) and account != caller.account:
        raise UnsupportedPolicy(
            f"{caller.arn} and {request.resource} are in different accounts: cross-account "
            "evaluation is not modelled"
        )


def _parse_principals(value: Json, what: str) -> _Principals:
    if value == "*":
        return _Principals(True, (), ())
    if not isinstance(value, Mapping) or not value:
        raise UnsupportedPolicy(f"{what} must be '*' or an object")
    wildcard = False
    aws: list[str] = []
    services: list[str] = []
    for kind, entries in value.items():
        names = _strings(entries, f"{what}.{kind}")
        if kind == "AWS":
            for name in names:
                if name == "*":
                    wildcard = True
                elif not _known_aws_principal(name):
                    raise UnsupportedPolicy(f"{what}: cannot evaluate AWS principal {name!r}")
                else:
                    aws.append(name)
        elif kind == "Service":
            for name in names:
                if not _SERVICE_RE.fullmatch(name):
                    raise UnsupportedPolicy(f"{what}: cannot evaluate service principal {name!r}")
            services += names
        elif kind == "Federated":
            # Identity providers reach a role only through AssumeRoleWithWebIdentity/SAML; an
            # IAM or service caller is never one of them, so these entries match nobody here.
            pass
        else:
            raise UnsupportedPolicy(f"{what}: cannot evaluate principal type {kind!r}")
    return _Principals(wildcard, tuple(aws), tuple(services))


def _known_aws_principal(name: str) -> bool:
    # Principals cannot be partly wildcarded; anything else (e.g. a unique ID left by a deleted
    # role) cannot be matched against a caller's ARN.
    if "*" in name or "?" in name:
        return False
    if _ACCOUNT_RE.fullmatch(name) or _ROOT_RE.fullmatch(name):
        return True
    try:
        _classify(name)
    except UnsupportedPolicy:
        return False
    return True


def _account_of(name: str) -> str | None:
    if _ACCOUNT_RE.fullmatch(name):
        return name
    match = _ROOT_RE.fullmatch(name)
    return match["account"] if match else None


def _names_role_of(name: str, caller: _Caller) -> bool:
    """Whether `name` is the ARN of the role whose session `caller` is."""
    match = _IAM_ARN_RE.fullmatch(name)
    if caller.kind != "session" or match is None or match["service"] != "iam":
        return False
    parts = match["resource"].split("/")
    return (
        parts[0] == "role"
        and (match["partition"], match["account"]) == (caller.partition, caller.account)
        # A session ARN carries the role's name but not its path.
        and parts[-1] == caller.role_name
    )


def _principal_via(principals: _Principals, caller: _Caller) -> _Via | None:
    found: set[_Via] = set()
    if principals.wildcard:
        found.add(_Via.WILDCARD)
    for name in principals.aws:
        if _account_of(name) is not None:
            if caller.kind != "service" and _account_of(name) == caller.account:
                found.add(_Via.ACCOUNT)
        elif name == caller.arn:
            found.add(_Via.ROLE if caller.kind == "role" else _Via.DIRECT)
        elif _names_role_of(name, caller):
            found.add(_Via.ROLE)
    if caller.kind == "service" and caller.arn in principals.services:
        found.add(_Via.SERVICE)
    return next((via for via in _STRENGTH if via in found), None)


def _not_principal_excludes(principals: _Principals, caller: _Caller) -> bool:
    """Whether NotPrincipal (with Deny) spares the caller.

    AWS may check the account, then the role or user, then the session, so the caller is
    spared only when each link of that chain is listed; AWS says a partial list "might" deny
    the account, so a partial list is not evaluated.
    """
    if principals.wildcard:
        return True
    if caller.kind == "service":
        return caller.arn in principals.services
    if caller.kind == "federated":
        raise UnsupportedPolicy("NotPrincipal against a federated-user session is not modelled")
    chain = [any(_account_of(n) == caller.account for n in principals.aws)]
    if caller.kind == "session":
        chain.append(any(_names_role_of(n, caller) for n in principals.aws))
    chain.append(caller.arn in principals.aws)
    if all(chain):
        return True
    if not any(chain):
        return False
    raise UnsupportedPolicy(
        f"NotPrincipal lists only part of {caller.arn}'s account/role/session chain; AWS does "
        "not document the outcome"
    )


def _resource_grant(
    statement: _Statement, request: Request, caller: _Caller | None, has_boundary: bool
) -> _Via | None:
    """How a resource policy statement reaches this request, or None if it does not apply."""
    assert statement.principals is not None and caller is not None
    if not (_action_matches(statement, request.action) and _resource_matches(statement, request)):
        return None
    if statement.not_principal:
        # Boundaries page: "NotPrincipal with Deny will always deny any IAM principal that has a
        # permissions boundary policy attached, regardless of the values" it lists.
        spared = not has_boundary and _not_principal_excludes(statement.principals, caller)
        via: _Via | None = None if spared else _Via.DIRECT
    else:
        via = _principal_via(statement.principals, caller)
    if via is None or not all(_condition_holds(c, request) for c in statement.conditions):
        return None
    return via


def _resource_policy_required(request: Request) -> bool:
    """Key policies and role trust policies must allow the caller even in the same account."""
    if request.resource == "*":
        return False
    _, _, service, _, _, resource = request.resource.split(":", 5)
    if service == "kms" and resource.startswith("key/"):
        return True
    return (
        service == "iam"
        and resource.startswith("role/")
        and request.action.lower().startswith("sts:")
    )


# --- Conditions ------------------------------------------------------------------------------

_Family = Literal["string", "string-ic", "like", "arn", "numeric", "date", "bool", "binary", "ip"]
_Compare = Literal["eq", "lt", "le", "gt", "ge"]

# positive operator -> (family, comparison)
_OPERATORS: Final[dict[str, tuple[_Family, _Compare]]] = {
    "StringEquals": ("string", "eq"),
    "StringEqualsIgnoreCase": ("string-ic", "eq"),
    "StringLike": ("like", "eq"),
    "NumericEquals": ("numeric", "eq"),
    "NumericLessThan": ("numeric", "lt"),
    "NumericLessThanEquals": ("numeric", "le"),
    "NumericGreaterThan": ("numeric", "gt"),
    "NumericGreaterThanEquals": ("numeric", "ge"),
    "DateEquals": ("date", "eq"),
    "DateLessThan": ("date", "lt"),
    "DateLessThanEquals": ("date", "le"),
    "DateGreaterThan": ("date", "gt"),
    "DateGreaterThanEquals": ("date", "ge"),
    "Bool": ("bool", "eq"),
    "BinaryEquals": ("binary", "eq"),
    "IpAddress": ("ip", "eq"),
    "ArnEquals": ("arn", "eq"),
    "ArnLike": ("arn", "eq"),
}
# negated operator -> the positive operator whose matches it must avoid (all of them: NOR)
_NEGATED: Final = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}
_OPERATOR_RE: Final = re.compile(
    r"(?:(?P<set>ForAllValues|ForAnyValue):)?(?P<op>[A-Za-z]+?)(?P<ifexists>IfExists)?"
)
_TEMPLATED: Final = frozenset({"string", "string-ic", "like", "arn"})


@dataclass(frozen=True)
class _Condition:
    operator: str
    key: str
    qualifier: str | None
    family: _Family | Literal["null"]
    compare: _Compare
    negated: bool
    if_exists: bool
    values: tuple[Any, ...]  # parsed per family; raw tokens for string and ARN families
    label: str


def _parse_conditions(block: Json, label: str, variables: bool) -> tuple[_Condition, ...]:
    if block is None:
        return ()
    if not isinstance(block, Mapping):
        raise UnsupportedPolicy(f"{label}: Condition must be an object")
    conditions = []
    for operator, keys in block.items():
        match = _OPERATOR_RE.fullmatch(operator) if isinstance(operator, str) else None
        base = match["op"] if match else ""
        if match is None or (base not in _OPERATORS and base not in _NEGATED and base != "Null"):
            raise UnsupportedPolicy(f"{label}: unknown condition operator {operator!r}")
        qualifier, if_exists = match["set"], match["ifexists"] is not None
        if base == "Null" and (qualifier or if_exists):
            raise UnsupportedPolicy(f"{label}: {operator} is not a valid operator")
        if qualifier and if_exists:
            # AWS documents IfExists and the set qualifiers separately, never together.
            raise UnsupportedPolicy(f"{label}: {operator} combines a set qualifier with IfExists")
        if not isinstance(keys, Mapping) or not keys:
            raise UnsupportedPolicy(f"{label}: {operator} must map condition keys to values")
        negated = base in _NEGATED
        family: _Family | Literal["null"]
        compare: _Compare = "eq"
        if base == "Null":
            family = "null"
        else:
            family, compare = _OPERATORS[_NEGATED.get(base, base)]
        for key, raw in keys.items():
            what = f"{label}: {operator} {key}"
            values = tuple(
                _parse_policy_value(family, text, variables, what)
                for text in _value_texts(raw, what)
            )
            conditions.append(
                _Condition(
                    operator, key, qualifier, family, compare, negated, if_exists, values, label
                )
            )
    return tuple(conditions)


def _value_texts(raw: object, what: str) -> list[str]:
    values = raw if isinstance(raw, list) else [raw]
    texts = []
    for value in values:
        if isinstance(value, bool):
            texts.append("true" if value else "false")
        elif isinstance(value, int | float | str):
            texts.append(str(value))
        else:
            raise UnsupportedPolicy(f"{what}: cannot read condition value {value!r}")
    if not texts:
        raise UnsupportedPolicy(f"{what}: has no values")
    return texts


def _parse_policy_value(family: str, text: str, variables: bool, what: str) -> Any:
    if family in _TEMPLATED:
        tokens = _tokenize(
            text, wildcards=family in ("like", "arn"), variables=variables, what=what
        )
        resolved_now = not any(isinstance(t, _Var) for t in tokens)
        if family == "arn" and resolved_now and len(_arn_segments(tokens)) != 6:
            raise UnsupportedPolicy(f"{what}: {text!r} is not an ARN")
        return tokens
    if variables and "${" in text:
        raise UnsupportedPolicy(f"{what}: policy variables are not evaluated with this operator")
    return _PARSERS[family](text, what)


def _parse_decimal(text: str, what: str) -> Decimal:
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        raise UnsupportedPolicy(f"{what}: {text!r} is not a number")
    return Decimal(text)


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def _parse_date(text: str, what: str) -> Decimal:
    if re.fullmatch(r"[0-9]+", text):
        return Decimal(text)  # epoch seconds
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UnsupportedPolicy(f"{what}: {text!r} is not an ISO 8601 date or epoch time") from None
    if moment.tzinfo is None:
        # Which zone a bare date or time means is not documented.
        raise UnsupportedPolicy(f"{what}: {text!r} has no time zone")
    delta = moment - _EPOCH
    return Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6


def _parse_bool(text: str, what: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise UnsupportedPolicy(f"{what}: {text!r} is not true or false")
    return text.lower() == "true"


def _parse_binary(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise UnsupportedPolicy(f"{what}: {text!r} is not base-64") from None


def _parse_network(text: str, what: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        # A bare address means /32 (or /128), which ip_network already assumes.
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise UnsupportedPolicy(f"{what}: {text!r} is not an IP address or CIDR range") from None


_PARSERS: Final[dict[str, Callable[[str, str], Any]]] = {
    "numeric": _parse_decimal,
    "date": _parse_date,
    "bool": _parse_bool,
    "binary": _parse_binary,
    "ip": _parse_network,
    "null": _parse_bool,
}


def _condition_holds(condition: _Condition, request: Request) -> bool:
    value = _lookup(request, condition.key)
    if condition.family == "null":
        # An empty string or set is "null" too: the Condition page calls a user-supplied empty
        # string null, and the multivalued examples use Null false to reject empty values.
        absent = value is None or value == "" or (not isinstance(value, bool | int) and not value)
        return any(expected == absent for expected in condition.values)
    if value is None:
        # Condition operators page: a missing key fails a positive operator and satisfies a
        # negated one; IfExists makes it true. Multivalued page: ForAllValues over no values is
        # true, ForAnyValue false.
        if condition.qualifier == "ForAllValues":
            return True
        if condition.qualifier == "ForAnyValue":
            return False
        return condition.if_exists or condition.negated
    if condition.qualifier is None:
        if not isinstance(value, str | bool | int):
            # Multivalued keys "require" ForAllValues or ForAnyValue (Single- vs multivalued page).
            raise UnsupportedPolicy(
                f"{condition.label}: {condition.operator} on multivalued key {condition.key} "
                "needs ForAllValues or ForAnyValue"
            )
        return _single_holds(condition, value, request)
    members: list[str | bool | int]
    if isinstance(value, str | bool | int):
        # An empty string is the "null data set" the multivalued page describes.
        members = [] if value == "" else [value]
    else:
        members = list(value)
    results = (_single_holds(condition, member, request) for member in members)
    return all(results) if condition.qualifier == "ForAllValues" else any(results)


def _single_holds(condition: _Condition, value: str | bool | int, request: Request) -> bool:
    actual = _context_value(condition, value)
    hits = any(
        _value_matches(condition, actual, expected, request) for expected in condition.values
    )
    # Negated operators are a NOR over the policy's values (multiple-keys-or-values page).
    return not hits if condition.negated else hits


def _context_value(condition: _Condition, value: str | bool | int) -> Any:
    what = f"{condition.label}: context value of {condition.key}"
    family = condition.family
    if family in _TEMPLATED:
        text = _scalar_text(value)
        if family == "arn" and len(text.split(":", 5)) != 6:
            raise UnsupportedPolicy(f"{what} ({text!r}) is not an ARN")
        return text
    if family == "bool":
        return value if isinstance(value, bool) else _parse_bool(str(value), what)
    if isinstance(value, bool):
        raise UnsupportedPolicy(f"{what} is a boolean, not a {family} value")
    if family == "ip":
        try:
            return ipaddress.ip_address(str(value))
        except ValueError:
            raise UnsupportedPolicy(f"{what} ({value!r}) is not an IP address") from None
    return _PARSERS[family](str(value), what)


def _value_matches(condition: _Condition, actual: Any, expected: Any, request: Request) -> bool:
    family = condition.family
    if family in _TEMPLATED:
        pattern = _resolve(
            expected, request, wildcards=family in ("like", "arn"), what=condition.label
        )
        if pattern is None:
            return False  # Variables page: a variable with no value matches nothing
        if family == "string":
            return bool(actual == _literal(pattern))
        if family == "string-ic":
            return bool(actual.lower() == _literal(pattern).lower())
        if family == "like":
            return _regex(pattern, False).fullmatch(actual) is not None
        if len(_arn_segments(pattern)) != 6:
            raise UnsupportedPolicy(f"{condition.label}: {condition.key} value is not an ARN")
        return _arn_matches(pattern, actual)
    if family == "ip":
        return bool(actual.version == expected.version and actual in expected)
    compare = condition.compare
    if compare == "eq":
        return bool(actual == expected)
    if compare == "lt":
        return bool(actual < expected)
    if compare == "le":
        return bool(actual <= expected)
    if compare == "gt":
        return bool(actual > expected)
    return bool(actual >= expected)
