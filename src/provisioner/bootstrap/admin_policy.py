"""The policy of the administrator who bootstraps a tenant: exactly the bootstrap stack, its two
boundary policies and their published parameters. Neither operator policy holds any of it."""

from __future__ import annotations

from provisioner.naming.tenant import TenantNames
from provisioner.policy.document import PolicyDocument, Statement, build_document
from provisioner.policy.guardrails import is_read, require_mfa
from provisioner.policy.operator_common import CLOUDFORMATION_STACK_ACTIONS, cloudformation_unscoped

_BOUNDARY_POLICY_ACTIONS = (
    "iam:CreatePolicy",
    "iam:DeletePolicy",
    "iam:GetPolicy",
    "iam:TagPolicy",
    "iam:UntagPolicy",
    # managed-policy handler: versions on update, attachments on delete
    "iam:CreatePolicyVersion",
    "iam:DeletePolicyVersion",
    "iam:GetPolicyVersion",
    "iam:ListPolicyVersions",
    "iam:ListEntitiesForPolicy",
)

# The seeds' SSM actions plus what the parameter handler needs for tags on read and update, and
# the batch delete of the parameters a deleted stack leaves behind.
_BOUNDARY_PARAMETER_ACTIONS = (
    "ssm:PutParameter",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:DeleteParameter",
    # delete: the parameters its stacks leave behind go ten at a time (DeleteParameters)
    "ssm:DeleteParameters",
    "ssm:AddTagsToResource",
    "ssm:ListTagsForResource",
    "ssm:RemoveTagsFromResource",
)


def bootstrap_policy(t: TenantNames, production: bool) -> PolicyDocument:
    statements = [
        Statement("BootstrapStack", CLOUDFORMATION_STACK_ACTIONS, (t.bootstrap_stack_arn_pattern,)),
        cloudformation_unscoped(),
        Statement("BoundaryPolicies", _BOUNDARY_POLICY_ACTIONS, t.boundary_arns),
        Statement(
            "BoundaryParameters",
            _BOUNDARY_PARAMETER_ACTIONS,
            (t.ssm_arn(f"{t.bootstrap_path}/*"),),
        ),
    ]
    if production:
        statements.append(
            require_mfa(a.split(":", 1)[0] for s in statements for a in s.actions if not is_read(a))
        )
    return build_document(statements)
