"""Operator-policy pieces both tools (and the bootstrap administrator) share: the stack actions."""

from __future__ import annotations

from provisioner.policy.document import Statement
from provisioner.policy.unscopable import unscoped_statement

# The seeds' CloudFormation actions, less the two IAM cannot scope, plus termination protection.
CLOUDFORMATION_STACK_ACTIONS = (
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "cloudformation:DeleteStack",
    "cloudformation:DescribeStacks",
    "cloudformation:DescribeStackEvents",
    "cloudformation:DescribeStackResources",
    "cloudformation:CreateChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:DescribeChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:DetectStackDrift",
    "cloudformation:DescribeStackResourceDrifts",
    # deploy: termination protection for prod stacks (SPEC §4)
    "cloudformation:UpdateTerminationProtection",
    # show-changes and deploy: the deployed template, for the security diff
    "cloudformation:GetTemplate",
)


def cloudformation_unscoped() -> Statement:
    return unscoped_statement(
        "CloudFormationUnscoped",
        ["cloudformation:ValidateTemplate", "cloudformation:DescribeStackDriftDetectionStatus"],
    )
