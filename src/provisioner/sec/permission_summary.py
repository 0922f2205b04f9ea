"""The SEC seed's "Permission Summary by Action" table (IAM, CloudFormation, S3, SSM), filled in
for one config from its generated operator policy.

Local actions make no AWS calls. `show-changes` creates, reads and deletes change sets, and a
template over 51,200 bytes must be in the template bucket before a change set can use it (S3:
medium and enterprise, the tiers whose policy has the seed's S3 statements). `status` reads the
stacks and the SSM parameters. `detect-drift` reads every resource — IAM groups, roles and
policies, SSM parameters — with the caller's credentials. `deploy` and `test-deploy` need every
service of the policy; `delete` all but S3 (nothing is uploaded to delete a stack).
"""

from __future__ import annotations

from provisioner.policy.document import PolicyDocument
from provisioner.policy.permission_summary import PermissionSummary, summarize

# The seed's column order; a config's table shows only the services its tier's policy grants
# (the small tier has no S3).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("iam", "IAM"),
    ("cloudformation", "CloudFormation"),
    ("s3", "S3"),
    ("ssm", "SSM"),
)

# The seed's six local rows (export-iam-policy and its alias create-policy each have one), and
# create-stackset-roles: local, it needs no AWS permission either.
LOCAL_ACTIONS = (
    "validate",
    "create-template",
    "export-iam-policy",
    "create-policy",
    "create-report",
    "list-resources",
    "create-stackset-roles",
)
_EVERYTHING = {"iam", "cloudformation", "s3", "ssm"}
NEEDS: dict[str, set[str]] = {
    **{action: set() for action in LOCAL_ACTIONS},
    "show-changes": {"cloudformation", "s3"},
    "status": {"cloudformation", "ssm"},
    "detect-drift": {"cloudformation", "iam", "ssm"},
    "deploy": _EVERYTHING,
    "test-deploy": _EVERYTHING,
    "delete": {"cloudformation", "iam", "ssm"},
}


def permission_summary(policy: PolicyDocument) -> PermissionSummary:
    return summarize(policy, COLUMNS, NEEDS)
