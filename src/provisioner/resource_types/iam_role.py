"""`AWS::IAM::Role`: ML's pipeline, build, events and SageMaker execution roles; SEC's persona,
team execution and cross-account roles. Every one carries its tenant's boundary."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def _document(document: Any) -> dict[str, Any]:
    """A trust policy as read back: a document, or its URL-encoded JSON text."""
    if isinstance(document, str):
        document = json.loads(unquote(document))
    return dict(document)


def _literal_principals(trust: dict[str, Any]) -> set[str]:
    found = set()
    for statement in trust.get("Statement", []):
        principal = statement.get("Principal", {})
        if isinstance(principal, dict):
            for kind, values in principal.items():
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str):
                        found.add(f"{kind}:{value}")
    return found


def _condition_keys(trust: dict[str, Any]) -> set[str]:
    return {
        key
        for statement in trust.get("Statement", [])
        for block in (statement.get("Condition") or {}).values()
        for key in block
    }


def smoke(reads: ServiceReads, r: Declared) -> str:
    role = reads.get_role(r.name("RoleName"))
    declared = r.properties.get("AssumeRolePolicyDocument", {})
    actual = _document(role.get("AssumeRolePolicyDocument", {}))
    missing = _literal_principals(declared) - _literal_principals(actual)
    expect(not missing, f"trust policy lacks principals {sorted(missing)}")
    keys = _condition_keys(declared) - _condition_keys(actual)
    expect(not keys, f"trust policy lacks conditions on {sorted(keys)}")
    trusted = ", ".join(sorted(_literal_principals(actual))) or "principals from intrinsics"
    conditions = sorted(_condition_keys(actual))
    return f"trusts {trusted}" + (f" if {', '.join(conditions)}" if conditions else "")


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::IAM::Role",
    label="IAM role",
    typical_seconds=20,
    name_kind=NameKind.IAM_ROLE,
    smoke=smoke,
    ml_tier=MlTier.STARTER,
    ml_grant=StatementGrant("IAMRoleManagement"),
    sec=True,
    sec_grant=StatementGrant("IAMManagement", unscoped_sid="IAMUnscoped"),
    emulation=Emulation(
        updates=("cfn_iam_role_update",),
        properties=("cfn_iam_role_inline_policies", "cfn_iam_role_managed_policy_arns"),
    ),
)
