"""The least-privilege policy for the operator who deploys a tenant's SEC stacks.

The seed's five statements with their Sids and resource patterns (the two S3 ones only for
medium and enterprise, which upload templates), plus what CloudFormation's IAM and SSM handlers
need. Actions IAM cannot scope move to `*Unscoped` statements (see docs/operator-policy.md).
"""

from __future__ import annotations

from provisioner.config.sec import SecConfig, SecTier
from provisioner.naming.sec import regional_prefix, tenant_prefix
from provisioner.policy.document import PolicyDocument, Statement, build_document
from provisioner.policy.operator_common import (
    CLOUDFORMATION_STACK_ACTIONS,
    SSM_PARAMETER_ACTIONS,
    cloudformation_unscoped,
)
from provisioner.policy.unscopable import unscoped_statement


def operator_policy(config: SecConfig) -> PolicyDocument:
    account, region = config.account_id, config.region
    tenant, regional = tenant_prefix(config), regional_prefix(config)
    iam = f"arn:aws:iam::{account}"
    statements = [
        Statement(
            "IAMManagement",
            (
                "iam:CreateGroup",
                "iam:DeleteGroup",
                "iam:GetGroup",
                "iam:ListAttachedGroupPolicies",
                "iam:ListGroupPolicies",
                "iam:CreateRole",
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:ListAttachedRolePolicies",
                "iam:ListRolePolicies",
                "iam:CreatePolicy",
                "iam:DeletePolicy",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
                "iam:AttachGroupPolicy",
                "iam:DetachGroupPolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutGroupPolicy",
                "iam:DeleteGroupPolicy",
                "iam:PutRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:TagRole",
                "iam:TagPolicy",
                "iam:UntagRole",
                "iam:UntagPolicy",
                "iam:PassRole",
                # handlers: inline-policy reads, updates of groups, roles and policy versions
                "iam:GetGroupPolicy",
                "iam:UpdateGroup",
                "iam:GetRolePolicy",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                "iam:UpdateAssumeRolePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:ListEntitiesForPolicy",
            ),
            (
                f"{iam}:group/{tenant}-group-*",
                f"{iam}:role/{tenant}-role-*",
                f"{iam}:role/{tenant}-xacct-*",
                f"{iam}:policy/{tenant}-policy-*",
            ),
        ),
        # The seed lists these in IAMManagement; IAM defines no resource for them.
        unscoped_statement("IAMUnscoped", ["iam:ListGroups", "iam:ListPolicies", "iam:ListRoles"]),
        Statement(
            "CloudFormationManagement",
            CLOUDFORMATION_STACK_ACTIONS,
            (f"arn:aws:cloudformation:{region}:{account}:stack/{regional}-*-sec-stack/*",),
        ),
        cloudformation_unscoped(),
    ]
    if config.tier is not SecTier.SMALL:
        statements += [
            Statement(
                "S3TemplateAccess",
                ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                (f"arn:aws:s3:::{regional}-*/templates/*",),
            ),
            Statement("S3BucketList", ("s3:ListBucket",), (f"arn:aws:s3:::{regional}-*",)),
        ]
    statements.append(
        Statement(
            "SSMParameterManagement",
            SSM_PARAMETER_ACTIONS,
            (f"arn:aws:ssm:{region}:{account}:parameter/security/{regional}/*",),
        )
    )
    return build_document(statements)
