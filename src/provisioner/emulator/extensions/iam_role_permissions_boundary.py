"""Gap: moto's IAM answers a role's permissions boundary as `{PermissionsBoundaryType:
PermissionsBoundaryPolicy, ...}` (botocore's enum, which is wrong: IAM answers `Policy`, as
its own documentation of the type says), and it accepts a boundary naming a policy that does
not exist: CreateRole, PutRolePermissionsBoundary and so an `AWS::IAM::Role`'s
`PermissionsBoundary` succeed where IAM answers NoSuchEntity ("Scope ARN: … does not exist or
is not attachable.") and CloudFormation fails the role's create or update with it.

AWS managed policies (`arn:aws:iam::aws:policy/…`) are not loaded into moto unless asked
(see docs/emulator.md), so a boundary naming one is accepted without being checked.
"""

from __future__ import annotations

import re
from typing import Any

from moto.iam.exceptions import NotFoundException
from moto.iam.models import IAMBackend, Role

_AWS_MANAGED = re.compile(r"^arn:[^:]+:iam::aws:policy/")


def _boundary(role: Role) -> dict[str, str] | None:
    if not role.permissions_boundary_arn:
        return None
    return {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": role.permissions_boundary_arn,
    }


def _check(iam: IAMBackend, boundary: str | None) -> None:
    """IAM's refusal of a boundary naming no policy it has. A malformed ARN is left to moto,
    which answers InvalidParameterValue as IAM does."""
    if not boundary or not iam.policy_arn_regex.match(boundary):
        return
    if boundary in iam.managed_policies:
        return
    if _AWS_MANAGED.match(boundary) and not iam.aws_managed_policies:
        return  # not loaded: cannot tell
    raise NotFoundException(f"Scope ARN: {boundary} does not exist or is not attachable.")


def install() -> None:
    Role.permissions_boundary = property(_boundary)  # type: ignore[assignment,method-assign]
    create_role = IAMBackend.create_role
    put_boundary = IAMBackend.put_role_permissions_boundary

    def checked_create_role(self: IAMBackend, *args: Any, **kwargs: Any) -> Role:
        boundary = kwargs.get("permissions_boundary", args[3] if len(args) > 3 else None)
        _check(self, boundary)
        return create_role(self, *args, **kwargs)

    def checked_put_boundary(self: IAMBackend, role_name: str, permissions_boundary: str) -> None:
        self.get_role(role_name)  # NoSuchEntity for the role first, as IAM
        _check(self, permissions_boundary)
        put_boundary(self, role_name, permissions_boundary)

    IAMBackend.create_role = checked_create_role  # type: ignore[method-assign]
    IAMBackend.put_role_permissions_boundary = checked_put_boundary  # type: ignore[method-assign]
