"""The self-managed permission model's two roles, as CloudFormation templates an administrator
deploys (`create-stackset-roles`): the administration role in the config's account and the
execution role in each target account.

AWS's sample templates give the execution role AdministratorAccess. Here it holds exactly what
the config's operator may do with its stacks — the deployer statements of the tool's operator
policy (ml/ and sec/operator_policy.py), built for the target account and each target region —
with two changes that follow from who acts:

- its CloudFormation statement names the stacks the stack set creates
  (`StackSet-{stack}-*`, stack_sets/names.py) instead of the operator's own stack names;
- it has the operator policy's explicit denies (trust root, resource import) but not the
  production MFA deny: CloudFormation's stack-set service assumes the role, and no person's
  MFA reaches it. The MFA the operator needs stays where the stack-set operation starts.

The role's policies are written once for every target account: their ARNs name the account as
`${AWS::AccountId}` (Fn::Sub), which CloudFormation resolves in each account it deploys to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS, NamedThing, NameKind
from provisioner.partition import Partition
from provisioner.policy.document import PolicyDocument, Statement, build_document, split_to_fit
from provisioner.policy.guardrails import deny_resource_import, trust_root_denies
from provisioner.policy.variants import OperatorScope
from provisioner.stack_sets.names import (
    INSTANCE_STACK_PREFIX,
    StackSetRoleNames,
    instance_stacks,
    stack_set_arns,
)

# CloudFormation resolves this in each target account; the policies are built with it in place
# of the account id, and every string holding it becomes an Fn::Sub.
ACCOUNT_REFERENCE = "${AWS::AccountId}"
CLOUDFORMATION_PRINCIPAL = "cloudformation.amazonaws.com"
# IAM's default quota of managed policies attached to one role.
MAX_POLICIES_PER_ROLE = 10
# CloudFormation's stack-instance stack: `StackSet-{stack set}-{36-character id}`.
_INSTANCE_ID_LENGTH = 36
TEMPLATE_VERSION = "2010-09-09"


class StackSetRolesProblem(ValueError):
    """The roles cannot be written for this config; the message says why."""


@dataclass(frozen=True)
class StackSetSubject:
    """What the roles need of one config, whichever tool made it."""

    partition: Partition
    administration_account: str
    home_region: str  # the config's region: where its stack sets live
    target_accounts: tuple[str, ...]
    regions: tuple[str, ...]
    stacks: tuple[str, ...]  # the config's stack names: one stack set each
    names: StackSetRoleNames
    # (account, region) → the operator's policy scope for the config moved there.
    operator_scope: Callable[[str, str], OperatorScope]
    # Where deploy uploads templates over CloudFormation's TemplateBody limit (SEC medium and
    # enterprise), if the config has one.
    template_bucket: str | None = None
    # The stacks' test-deploy form, its suffix as the IAM pattern `t????` (names.py): the
    # canary's stack sets.
    test_stacks: tuple[str, ...] = ()

    @property
    def all_stacks(self) -> tuple[str, ...]:
        """The stack sets the roles and the operator work on: the live ones and the canary's."""
        return (*self.stacks, *self.test_stacks)


def execution_policy(subject: StackSetSubject, account: str, region: str) -> PolicyDocument:
    """What the execution role may do in `account` and `region`: the operator's deployer
    statements, on the stack set's instance stacks (see the module's docstring)."""
    scope = subject.operator_scope(account, region)
    stacks = tuple(
        instance_stacks(subject.partition, region, account, stack) for stack in subject.all_stacks
    )
    allows = [
        replace(s, resources=stacks) if s.sid == scope.stack_statement else s
        for s in scope.deployer
    ]
    denies = [*trust_root_denies(scope.tenant), deny_resource_import(stacks, scope.adoptable_types)]
    return build_document([*allows, *denies])


def execution_policies(subject: StackSetSubject, account: str) -> list[PolicyDocument]:
    """The execution role's managed policies in `account`: each region's policy, split to fit
    IAM's managed-policy size (Sids repeat across regions, never within one document)."""
    parts = [
        part
        for region in subject.regions
        for part in split_to_fit(execution_policy(subject, account, region))
    ]
    if len(parts) > MAX_POLICIES_PER_ROLE:
        raise StackSetRolesProblem(
            f"the execution role needs {len(parts)} managed policies for "
            f"{len(subject.regions)} region(s); IAM attaches at most {MAX_POLICIES_PER_ROLE} "
            "to a role by default: deploy fewer regions per stack set"
        )
    return parts


def administration_policy(subject: StackSetSubject) -> PolicyDocument:
    """The administration role assumes the execution role of each target account, nothing
    else."""
    return build_document(
        [
            Statement(
                "AssumeExecutionRoles",
                ("sts:AssumeRole",),
                tuple(
                    subject.partition.iam_arn(a, f"role/{subject.names.execution_role}")
                    for a in subject.target_accounts
                ),
            )
        ]
    )


def name_problems(subject: StackSetSubject) -> list[str]:
    things = subject.names.named_things(MAX_POLICIES_PER_ROLE)
    # The longest stack an instance gets: `StackSet-{stack}-{id}`.
    things += [
        NamedThing(NameKind.STACK, f"{INSTANCE_STACK_PREFIX}{s}-{'x' * _INSTANCE_ID_LENGTH}")
        for s in subject.all_stacks
    ]
    return [p for thing in things for p in thing.problems()]


def administration_template(subject: StackSetSubject) -> dict[str, Any]:
    account = subject.administration_account
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": CLOUDFORMATION_PRINCIPAL},
                "Action": "sts:AssumeRole",
                # Only this account's stack sets of the config's stacks (confused deputy).
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {
                        "aws:SourceArn": stack_set_arns(
                            subject.partition, account, subject.all_stacks
                        )
                    },
                },
            }
        ],
    }
    return {
        "AWSTemplateFormatVersion": TEMPLATE_VERSION,
        "Description": "Stack-set administration role: assumes the execution role in the "
        "target accounts, nothing else",
        "Resources": {
            "AdministrationRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": subject.names.administration_role,
                    "AssumeRolePolicyDocument": trust,
                    "Policies": [
                        {
                            "PolicyName": "assume-execution-roles",
                            "PolicyDocument": administration_policy(subject).to_json(),
                        }
                    ],
                },
            }
        },
        "Outputs": {
            "AdministrationRoleArn": {"Value": {"Fn::GetAtt": ["AdministrationRole", "Arn"]}}
        },
    }


def execution_template(subject: StackSetSubject) -> dict[str, Any]:
    policies = execution_policies(subject, ACCOUNT_REFERENCE)
    administration = subject.partition.iam_arn(
        subject.administration_account, f"role/{subject.names.administration_role}"
    )
    resources: dict[str, Any] = {
        "ExecutionRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": subject.names.execution_role,
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": administration},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
            },
        }
    }
    for number, policy in enumerate(policies, 1):
        resources[f"ExecutionPolicy{number}"] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "ManagedPolicyName": subject.names.execution_policy(number),
                "Roles": [{"Ref": "ExecutionRole"}],
                "PolicyDocument": account_substituted(policy.to_json()),
            },
        }
    return {
        "AWSTemplateFormatVersion": TEMPLATE_VERSION,
        "Description": "Stack-set execution role: what the config's stacks need, in this "
        "account, trusted by the administration role only",
        "Resources": resources,
        "Outputs": {"ExecutionRoleArn": {"Value": {"Fn::GetAtt": ["ExecutionRole", "Arn"]}}},
    }


def account_substituted(value: Any) -> Any:
    """Every string naming the account becomes an Fn::Sub; no other `${` may appear (an IAM
    policy variable would be read as a CloudFormation one)."""
    if isinstance(value, dict):
        return {k: account_substituted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [account_substituted(v) for v in value]
    if isinstance(value, str) and "${" in value:
        if value.replace(ACCOUNT_REFERENCE, "").count("${"):
            raise StackSetRolesProblem(f"{value!r} holds a variable Fn::Sub would resolve")
        return {"Fn::Sub": value}
    return value


def render_template(template: dict[str, Any]) -> str:
    return json.dumps(template, indent=2) + "\n"


def policy_sizes(policies: Sequence[PolicyDocument]) -> list[int]:
    """Each policy's size; over IAM's limit is a bug (split_to_fit keeps them within)."""
    sizes = [p.size for p in policies]
    assert all(size <= MANAGED_POLICY_MAX_CHARS for size in sizes), sizes
    return sizes
