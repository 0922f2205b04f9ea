"""The seeds' "Permission Summary by Action" table, filled in for one config.

Local actions make no AWS calls. `show-changes` only creates, reads and deletes a change set.
`status` reads the stack and its SSM parameters. `detect-drift` needs read access to every
resource (CloudFormation reads them with the caller's credentials), and `deploy`,
`test-deploy` and `delete` need every service of the tier (each resource's handler runs with
the caller's credentials).
"""

from __future__ import annotations

from provisioner.policy.document import PolicyDocument
from provisioner.policy.permission_summary import (
    PermissionSummary,
    SummaryRow,
    services_in,
    summarize,
)

# Column order of the seed's table, then the services our tiers add that it has no column for;
# a config's table shows only the services its tier's policy grants.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("cloudformation", "CFN"),
    ("sagemaker", "SageMaker"),
    ("codecommit", "CodeCommit"),
    ("codebuild", "CodeBuild"),
    ("codepipeline", "CodePipeline"),
    ("iam", "IAM"),
    ("ssm", "SSM"),
    ("s3", "S3"),
    ("events", "Events"),
    ("kms", "KMS"),
    ("ec2", "EC2"),
    ("cloudwatch", "CloudWatch"),
    ("logs", "Logs"),
    ("sns", "SNS"),
)

LOCAL_ACTIONS = (
    "validate",
    "create-template",
    "create-policy",
    "create-report",
    "list-resources",
    "create-seed-code",
)
AWS_ACTIONS = ("show-changes", "status", "detect-drift", "deploy", "test-deploy", "delete")


def permission_summary(policy: PolicyDocument) -> PermissionSummary:
    tier_services = services_in(policy)
    needs_by_action: dict[str, set[str]] = {action: set() for action in LOCAL_ACTIONS}
    needs_by_action.update(
        {
            "show-changes": {"cloudformation"},
            "status": {"cloudformation", "ssm"},
            "detect-drift": tier_services,
            "deploy": tier_services,
            "test-deploy": tier_services,
            "delete": tier_services,
        }
    )
    return summarize(policy, COLUMNS, needs_by_action)


__all__ = [
    "AWS_ACTIONS",
    "COLUMNS",
    "LOCAL_ACTIONS",
    "PermissionSummary",
    "SummaryRow",
    "permission_summary",
]
