"""What a deployed template declares about access, resolved to the names AWS shows, and how
that compares with what AWS holds: the drift CloudFormation's own detection does not report.

CloudFormation compares only the properties a template declares on a resource
(cloudformation-coverage-roadmap #936): an inline policy put on a role, a managed policy
attached to it out of band or a boundary set on it stay IN_SYNC. Here a role's or group's
inline policy names, attached managed policies and boundary, a key's policy, a bucket's policy
and public access block are expected to be exactly what the template declares; anything else
present is drift. Pure: detect-drift reads AWS and hands the answers in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from provisioner.partition import Partition

NOT_DECLARED = "(not declared)"
ABSENT = "(absent)"


class Unresolved(Exception):
    """A value built from an intrinsic this resolver does not know (a parameter, an import)."""


@dataclass(frozen=True)
class Difference:
    kind: str  # ADD (present, not declared) | REMOVE (declared, absent) | NOT_EQUAL
    path: str
    expected: str
    actual: str


@dataclass(frozen=True)
class Context:
    """What intrinsics resolve against: the stack's physical ids and where it lives."""

    physical: dict[str, str]  # logical id → physical id
    types: dict[str, str]  # logical id → resource type
    account: str
    region: str
    partition: Partition
    stack_name: str

    def pseudo(self, name: str) -> str:
        values = {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": self.partition.name,
            "AWS::URLSuffix": self.partition.dns_suffix,
            "AWS::StackName": self.stack_name,
        }
        if name not in values:
            raise Unresolved(name)
        return values[name]

    def ref(self, name: str) -> str:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name not in self.physical:
            raise Unresolved(f"Ref {name}")
        return self.physical[name]

    def arn(self, logical_id: str) -> str:
        """Fn::GetAtt X.Arn for the types whose ARN follows from their physical id."""
        physical, kind = self.ref(logical_id), self.types.get(logical_id, "")
        iam = {"AWS::IAM::Role": "role", "AWS::IAM::Group": "group", "AWS::IAM::User": "user"}
        if kind in iam:
            return self.partition.iam_arn(self.account, f"{iam[kind]}/{physical}")
        if kind == "AWS::KMS::Key":
            return self.partition.arn("kms", self.region, self.account, f"key/{physical}")
        if kind == "AWS::S3::Bucket":
            return self.partition.s3_arn(physical)
        if kind == "AWS::IAM::ManagedPolicy":
            return physical  # its physical id is its ARN
        raise Unresolved(f"Fn::GetAtt {logical_id}.Arn ({kind})")

    def get_att(self, logical_id: str, attribute: str) -> str:
        if attribute in ("Arn", "PolicyArn"):
            return self.arn(logical_id)
        raise Unresolved(f"Fn::GetAtt {logical_id}.{attribute}")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, inner), = value.items()  # fmt: skip
            if key == "Ref" and isinstance(inner, str):
                return self.ref(inner)
            if key == "Fn::GetAtt":
                parts = inner.split(".", 1) if isinstance(inner, str) else list(inner)
                return self.get_att(str(parts[0]), str(parts[1]))
            if key == "Fn::Sub":
                return self._sub(inner)
            if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2:
                return str(inner[0]).join(str(self.resolve(v)) for v in inner[1])
            if key.startswith("Fn::") or key == "Condition":
                raise Unresolved(key)
        return {k: self.resolve(v) for k, v in value.items()}

    def _sub(self, inner: Any) -> str:
        text, names = (inner, {}) if isinstance(inner, str) else (inner[0], inner[1])

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in names:
                return str(self.resolve(names[name]))
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return self.get_att(logical_id, attribute)
            return self.ref(name)

        return re.sub(r"\$\{([^}]+)\}", one, str(text))


@dataclass(frozen=True)
class DeclaredPrincipal:
    """A role or group as the template declares its permissions."""

    logical_id: str
    resource_type: str  # AWS::IAM::Role | AWS::IAM::Group
    inline: frozenset[str]
    managed: frozenset[str]
    boundary: str | None = None  # roles only
    unresolved: tuple[str, ...] = field(default_factory=tuple)  # what could not be compared


def _names(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def declared_principals(resources: dict[str, Any], context: Context) -> list[DeclaredPrincipal]:
    """Every role and group of the template with the inline policies, managed policies and
    boundary the template gives it, directly or through AWS::IAM::Policy and
    AWS::IAM::ManagedPolicy resources that name it."""
    attachments: dict[str, tuple[set[str], set[str]]] = {}  # physical name → inline, managed
    unresolved: dict[str, list[str]] = {}
    for logical_id, body in resources.items():
        kind = body.get("Type")
        if kind not in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            continue
        props = body.get("Properties", {})
        for key in ("Roles", "Groups"):
            try:
                holders = _names(context.resolve(props.get(key, [])))
                if kind == "AWS::IAM::Policy":
                    name = str(context.resolve(props.get("PolicyName", "")))
                else:
                    name = context.ref(logical_id)
            except Unresolved as exc:
                for holder in _names(props.get(key, [])):
                    unresolved.setdefault(holder, []).append(f"{logical_id}: {exc}")
                continue
            for holder in holders:
                inline, managed = attachments.setdefault(holder, (set(), set()))
                (inline if kind == "AWS::IAM::Policy" else managed).add(name)
    principals = []
    for logical_id, body in sorted(resources.items()):
        kind = body.get("Type")
        if kind not in ("AWS::IAM::Role", "AWS::IAM::Group") or logical_id not in context.physical:
            continue
        props, problems = body.get("Properties", {}), []
        name = context.physical[logical_id]
        inline, managed = (set(s) for s in attachments.get(name, (set(), set())))
        boundary: str | None = None
        try:
            inline |= {str(context.resolve(p.get("PolicyName"))) for p in props.get("Policies", [])}
            managed |= set(_names(context.resolve(props.get("ManagedPolicyArns", []))))
            if "PermissionsBoundary" in props:
                boundary = str(context.resolve(props["PermissionsBoundary"]))
        except Unresolved as exc:
            problems.append(str(exc))
        problems += unresolved.get(name, [])
        principals.append(
            DeclaredPrincipal(logical_id, kind, frozenset(inline), frozenset(managed),
                              boundary, tuple(problems))
        )  # fmt: skip
    return principals


def principal_differences(
    declared: DeclaredPrincipal, inline: list[str], managed: list[str], boundary: str | None
) -> list[Difference]:
    """A role's or group's permissions as IAM lists them against the template's."""
    found = [Difference("ADD", f"/Policies/{n}", NOT_DECLARED, f"inline policy {n}")
             for n in sorted(set(inline) - declared.inline)]  # fmt: skip
    found += [Difference("REMOVE", f"/Policies/{n}", f"inline policy {n}", ABSENT)
              for n in sorted(declared.inline - set(inline))]  # fmt: skip
    found += [Difference("ADD", f"/ManagedPolicyArns/{a}", NOT_DECLARED, f"attached {a}")
              for a in sorted(set(managed) - declared.managed)]  # fmt: skip
    found += [Difference("REMOVE", f"/ManagedPolicyArns/{a}", f"attached {a}", ABSENT)
              for a in sorted(declared.managed - set(managed))]  # fmt: skip
    if declared.resource_type == "AWS::IAM::Role" and boundary != declared.boundary:
        kind = "ADD" if declared.boundary is None else "REMOVE" if boundary is None else "NOT_EQUAL"
        found.append(Difference(kind, "/PermissionsBoundary", declared.boundary or NOT_DECLARED,
                                boundary or ABSENT))  # fmt: skip
    return found


def _listed(value: Any) -> Any:
    """A policy element in one form: single values as one-item lists, lists sorted."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return sorted((_listed(v) if isinstance(v, dict) else v for v in value), key=json.dumps)
    if isinstance(value, dict):
        return {k: _listed(v) for k, v in value.items()}
    return value


def _statement(statement: dict[str, Any]) -> dict[str, Any]:
    listed = ("Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal")
    canonical = dict(statement)
    for key in listed:
        if key in canonical and canonical[key] != "*":
            canonical[key] = _listed(canonical[key])
    if "Condition" in canonical:
        canonical["Condition"] = _listed(canonical["Condition"])
    return canonical


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document.get("Statement", [])
    return [_statement(s) for s in (statements if isinstance(statements, list) else [statements])]


def document_differences(path: str, declared: dict[str, Any] | None,
                         actual: dict[str, Any] | None) -> list[Difference]:  # fmt: skip
    """A resource policy as AWS holds it against the template's, statement by statement
    (paired by Sid, else by position); the order of values within a statement is not a
    difference, as it is not for AWS."""
    if declared is None and actual is None:
        return []
    if declared is None or actual is None:
        shown = json.dumps(actual if declared is None else declared, sort_keys=True)
        if declared is None:
            return [Difference("ADD", path, NOT_DECLARED, shown)]
        return [Difference("REMOVE", path, shown, ABSENT)]

    def keyed(document: dict[str, Any]) -> dict[str, str]:
        return {str(s.get("Sid") or f"#{i}"): json.dumps(s, sort_keys=True)
                for i, s in enumerate(_statements(document))}  # fmt: skip

    want, have = keyed(declared), keyed(actual)
    found = []
    for key in sorted(want.keys() | have.keys()):
        where = f"{path}/Statement/{key}"
        if key not in have:
            found.append(Difference("REMOVE", where, want[key], ABSENT))
        elif key not in want:
            found.append(Difference("ADD", where, NOT_DECLARED, have[key]))
        elif want[key] != have[key]:
            found.append(Difference("NOT_EQUAL", where, want[key], have[key]))
    return found


PUBLIC_ACCESS_SETTINGS = (
    "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"
)  # fmt: skip


def public_access_differences(declared: dict[str, Any],
                              actual: dict[str, bool] | None) -> list[Difference]:  # fmt: skip
    """A bucket's public access block against the template's (an absent configuration blocks
    nothing: each setting is false)."""
    found = []
    for setting in PUBLIC_ACCESS_SETTINGS:
        want = str(declared.get(setting, False)).lower() == "true"  # JSON true or "true"
        have = bool((actual or {}).get(setting, False))
        if want != have:
            found.append(Difference("NOT_EQUAL", f"/PublicAccessBlockConfiguration/{setting}",
                                    str(want).lower(), str(have).lower()))  # fmt: skip
    return found
