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


# A test-deploy suffix (naming/ml.py TEST_SUFFIX_PATTERN: `t` and 4 hex digits) as an IAM
# pattern: `?` is one character.
TEST_SUFFIX_IAM_PATTERN = "t????"


def test_stack_pattern(widest_forms: list[str], widest_suffix: str) -> str:
    """The stacks' test-deploy names under any suffix, as one IAM pattern, from their names
    under the widest one: `{prefix}-t????-{…}` with the part after the suffix that differs
    between them as `*` (one pattern keeps the operator policy within IAM's size)."""
    part = f"-{widest_suffix}-"
    patterns = []
    for name in widest_forms:
        if name.count(part) != 1:  # the suffix is one part of the name, and only one
            raise ValueError(f"{name!r} holds {part!r} {name.count(part)} times")
        patterns.append(name.replace(part, f"-{TEST_SUFFIX_IAM_PATTERN}-"))
    if len(set(patterns)) == 1:
        return patterns[0]
    head = _common_start(patterns)
    tail = _common_start([p[::-1] for p in patterns])[::-1]
    fixed = head.split(f"-{TEST_SUFFIX_IAM_PATTERN}-", 1)
    if len(fixed) != 2:  # the wildcard must lie after the suffix, inside the config's names
        raise ValueError(f"the test-deploy names {patterns} share no prefix up to the suffix")
    return f"{fixed[0]}-{TEST_SUFFIX_IAM_PATTERN}-{fixed[1]}*{tail}"


def _common_start(texts: list[str]) -> str:
    first, last = min(texts), max(texts)  # what these share, all between them share
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


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
