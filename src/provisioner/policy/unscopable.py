"""Actions that IAM cannot scope to a resource, so the operator policy grants them on "*".

Each is listed with the reason; a test checks that the IAM action catalogue indeed defines no
resource type for every one of them, and that nothing else is granted on "*".
"""

from __future__ import annotations

from provisioner.policy.document import Statement

UNSCOPABLE_ACTIONS: dict[str, str] = {
    "cloudformation:ValidateTemplate": "validates a template body; no stack exists to name",
    "cloudformation:DescribeStackDriftDetectionStatus": (
        "takes a drift-detection id, not a stack; IAM defines no resource for it"
    ),
    "sagemaker:ListModelPackageGroups": "list call over the account; IAM defines no resource",
    "codecommit:ListRepositories": "list call the repository handler makes on delete and read",
    "kms:CreateKey": "the key and its id do not exist until the call returns",
    "kms:ListAliases": "list call the alias handler makes on read",
    "logs:DescribeLogGroups": "list call the log-group handler makes on every operation",
    "logs:DescribeResourcePolicies": "list call the log-group handler makes on read",
    "logs:DescribeIndexPolicies": "list call the log-group handler makes on read",
    "ec2:DescribeVpcEndpoints": "EC2 Describe* calls support no resource-level permissions",
    "ec2:DescribeVpcs": "EC2 Describe* calls support no resource-level permissions",
    "ec2:DescribeSubnets": "EC2 Describe* calls support no resource-level permissions",
    "ec2:DescribeSecurityGroups": "EC2 Describe* calls support no resource-level permissions",
    "ec2:DescribeInstances": "security-group delete checks for attached instances",
    "iam:ListGroups": "list call over the account; IAM defines no resource",
    "iam:ListRoles": "list call over the account; IAM defines no resource",
    "iam:ListPolicies": "list call over the account; IAM defines no resource",
}


# Actions granted on "*" because AWS authorizes them before the resource exists; each only
# under conditions that tie it to the tool's own resources (a test checks both).
STAR_WITH_CONDITION: dict[str, str] = {
    "cloudformation:CreateStackSet": (
        "IAM defines no resource for it (the set does not exist until it returns); allowed "
        "only with the config's administration role (cloudformation:RoleArn), in the "
        "stack-set operator policy"
    ),
    "kms:TagResource": (
        "a key created with tags (CreateKey) is authorized for TagResource on all keys, before "
        "it exists (KMS developer guide, 'Permissions for tags'); allowed only with this use "
        "case's tags and within a stack operation"
    ),
}


def unscoped_statement(sid: str, actions: list[str]) -> Statement:
    unknown = [a for a in actions if a not in UNSCOPABLE_ACTIONS]
    if unknown:
        raise ValueError(f"not known to be unscopable: {unknown}")
    return Statement(sid, tuple(actions), ("*",))
