"""The names a stack-set deployment adds to a config's own.

- A stack set is named after the stack it deploys (`{stack}`), so it stays inside the names the
  config's operator policy scopes.
- CloudFormation names each stack instance's stack `StackSet-{stack set}-{id}` in the target
  account and region; the execution role is scoped to stacks of that form.
- The self-managed roles are IAM names of the config's own (`{iam_base}-ss-admin-role` and
  `…-ss-exec-role` for an ML use case, `{tenant}-role-stackset-admin` / `…-exec` for SEC), so
  they lie inside its operator's IAM scope, where every role write needs the tenant's
  permissions boundary: the operator, who never has the boundary on these roles, can change
  neither their policies nor their trust.
"""

from __future__ import annotations

from dataclasses import dataclass

from provisioner.aws_limits import NamedThing, NameKind
from provisioner.partition import Partition

INSTANCE_STACK_PREFIX = "StackSet-"


def stack_set_name(stack_name: str) -> str:
    return stack_name


@dataclass(frozen=True)
class StackSetRoleNames:
    administration_role: str
    execution_role: str
    execution_policy_stem: str  # `{stem}-{n}-policy`, one per managed policy of the role

    def execution_policy(self, number: int) -> str:
        return f"{self.execution_policy_stem}-{number}-policy"

    def named_things(self, policies: int) -> list[NamedThing]:
        return [
            NamedThing(NameKind.IAM_ROLE, self.administration_role),
            NamedThing(NameKind.IAM_ROLE, self.execution_role),
            *(
                NamedThing(NameKind.IAM_POLICY, self.execution_policy(n))
                for n in range(1, policies + 1)
            ),
        ]


def instance_stacks(partition: Partition, region: str, account: str, stack: str) -> str:
    """The ARN pattern of the stacks a stack set named for `stack` creates in one account and
    region."""
    name = f"{INSTANCE_STACK_PREFIX}{stack_set_name(stack)}-*"
    return partition.arn("cloudformation", region, account, f"stack/{name}/*")


def stack_set_arns(partition: Partition, account: str, stacks: tuple[str, ...]) -> list[str]:
    """The stack sets of the administration account, in any region (`aws:SourceArn`)."""
    return [
        partition.arn("cloudformation", "*", account, f"stackset/{stack_set_name(s)}:*")
        for s in stacks
    ]
