"""The seed's operator statements for the ML provisioner ("IAM Permissions" page, "Generated
Policy — Permissions by Tier"): Sid → actions, as the seed lists them. They are the floor of
the operator policy (ml/operator_policy.py): each action stays granted, in the statement its
type's grant routes it to, except where IAM wins (docs/operator-policy.md).
"""

from __future__ import annotations

from collections.abc import Mapping

SEED_STATEMENTS: Mapping[str, tuple[str, ...]] = {
    "CloudFormationManagement": (
        "cloudformation:CreateStack",
        "cloudformation:UpdateStack",
        "cloudformation:DeleteStack",
        "cloudformation:DescribeStacks",
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStackResources",
        "cloudformation:ValidateTemplate",
        "cloudformation:CreateChangeSet",
        "cloudformation:DeleteChangeSet",
        "cloudformation:DescribeChangeSet",
        "cloudformation:ExecuteChangeSet",
        "cloudformation:DetectStackDrift",
        "cloudformation:DescribeStackDriftDetectionStatus",
        "cloudformation:DescribeStackResourceDrifts",
    ),
    "SageMakerUnscoped": (
        "sagemaker:CreateModelPackageGroup",
        "sagemaker:ListModelPackageGroups",
    ),
    "SageMakerScoped": (
        "sagemaker:DeleteModelPackageGroup",
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:UpdateModelPackageGroup",
    ),
    "CodeCommitManagement": (
        "codecommit:CreateRepository",
        "codecommit:DeleteRepository",
        "codecommit:GetRepository",
        "codecommit:TagResource",
    ),
    "CodeBuildManagement": (
        "codebuild:CreateProject",
        "codebuild:DeleteProject",
        "codebuild:UpdateProject",
        "codebuild:BatchGetProjects",
    ),
    "CodePipelineManagement": (
        "codepipeline:CreatePipeline",
        "codepipeline:DeletePipeline",
        "codepipeline:UpdatePipeline",
        "codepipeline:GetPipeline",
        "codepipeline:GetPipelineState",
        "codepipeline:StartPipelineExecution",
    ),
    "IAMRoleManagement": (
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:PassRole",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:CreatePolicy",
        "iam:DeletePolicy",
        "iam:GetPolicy",
        "iam:TagRole",
        "iam:TagPolicy",
    ),
    "SSMManageMlParameters": (
        "ssm:PutParameter",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "ssm:DeleteParameter",
        "ssm:AddTagsToResource",
    ),
    # professional
    "S3ArtifactsBucketManagement": (
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:GetBucketVersioning",
        "s3:PutBucketVersioning",
        "s3:PutBucketEncryption",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketTagging",
    ),
    "EventBridgeManagement": (
        "events:PutRule",
        "events:DeleteRule",
        "events:DescribeRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:TagResource",
    ),
    "CloudWatchDashboardManagement": (
        "cloudwatch:PutDashboard",
        "cloudwatch:DeleteDashboards",
        "cloudwatch:GetDashboard",
    ),
    # enterprise
    "KMSKeyManagement": (
        "kms:CreateKey",
        "kms:DescribeKey",
        "kms:EnableKeyRotation",
        "kms:ScheduleKeyDeletion",
        "kms:CreateAlias",
        "kms:DeleteAlias",
        "kms:TagResource",
    ),
    "CloudWatchLogsManagement": (
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:TagLogGroup",
    ),
    "SNSManagement": (
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:TagResource",
    ),
    "VPCEndpointManagement": (
        "ec2:CreateVpcEndpoint",
        "ec2:DeleteVpcEndpoints",
        "ec2:DescribeVpcEndpoints",
        "ec2:ModifyVpcEndpoint",
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:CreateSecurityGroup",
        "ec2:DeleteSecurityGroup",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:CreateTags",
    ),
}

# The seed's names that are not IAM actions: the permission IAM checks instead, or None where
# there is none (docs/operator-policy.md).
NOT_IAM: Mapping[str, str | None] = {
    "s3:PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "sagemaker:UpdateModelPackageGroup": None,
}


def seed_floor() -> dict[str, tuple[str, ...]]:
    """The seed's statements with IAM's names for its actions."""
    return {
        sid: tuple(replaced for a in actions if (replaced := NOT_IAM.get(a, a)) is not None)
        for sid, actions in SEED_STATEMENTS.items()
    }
