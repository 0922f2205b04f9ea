"""The seed's operator statements for the SEC provisioner ("IAM Permissions" page): Sid →
actions, as the seed lists them. They are the floor of the operator policy
(sec/operator_policy.py): each action stays granted, in the statement its type's grant routes
it to (docs/operator-policy.md)."""

from __future__ import annotations

from collections.abc import Mapping

SEED_STATEMENTS: Mapping[str, tuple[str, ...]] = {
    "IAMManagement": (
        "iam:CreateGroup",
        "iam:DeleteGroup",
        "iam:GetGroup",
        "iam:ListGroups",
        "iam:ListAttachedGroupPolicies",
        "iam:ListGroupPolicies",
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:ListRoles",
        "iam:ListAttachedRolePolicies",
        "iam:ListRolePolicies",
        "iam:CreatePolicy",
        "iam:DeletePolicy",
        "iam:GetPolicy",
        "iam:ListPolicies",
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
    ),
    "CloudFormationManagement": (
        "cloudformation:CreateStack",
        "cloudformation:DeleteStack",
        "cloudformation:DescribeStacks",
        "cloudformation:UpdateStack",
        "cloudformation:ValidateTemplate",
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStackResources",
        "cloudformation:CreateChangeSet",
        "cloudformation:DescribeChangeSet",
        "cloudformation:ExecuteChangeSet",
        "cloudformation:DeleteChangeSet",
        "cloudformation:DetectStackDrift",
        "cloudformation:DescribeStackDriftDetectionStatus",
        "cloudformation:DescribeStackResourceDrifts",
    ),
    # medium and enterprise: templates uploaded to the tenant's bucket
    "S3TemplateAccess": ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
    "S3BucketList": ("s3:ListBucket",),
    "SSMParameterManagement": (
        "ssm:PutParameter",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "ssm:DeleteParameter",
        "ssm:AddTagsToResource",
    ),
}
