"""A config with a `deployment` section deploys its stacks through stack sets. What the CLI
turns that section into for the engine (deploy/stack_set_target.py), and what it refuses:

- `deploy`, `status` and `delete` run through self-managed stack sets, whose targets are,
  for now, the config's own account and region only: the templates name that account and
  region in their ARNs and names (they are not written for other targets yet), so deployed
  elsewhere they would point each target at the config's account's resources, and their IAM
  names would collide in a second region of one account. A config targeting anything else is
  refused, saying so;
- the other AWS actions (show-changes, test-deploy, detect-drift, a saved plan) are refused
  for now: working on the stacks in the config's own account alone would quietly do
  something other than what the config asks for. bootstrap deploys the trust root to the
  config's own account, the one target there can be;
- service-managed stack sets are refused: their delegated administrator deploys with the
  StackSets service-linked role in every member account, which no operator policy the tool
  writes can bound (docs/operator-policy.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from provisioner.cli.invocation import Invocation
from provisioner.config.deployment import DeploymentConfig, OperationPreferences, PermissionModel
from provisioner.deploy.stack_set_target import StackSetTarget
from provisioner.errors import InputError
from provisioner.stack_sets.roles import StackSetSubject

STACK_SET_ACTIONS = ("deploy", "status", "delete")


def _refuse(inv: Invocation, why: str) -> InputError:
    return InputError(f"{inv.config}: deployment", f"{why} (nothing was done)")


def refuse_foreign_targets(
    inv: Invocation, deployment: DeploymentConfig, account: str, region: str
) -> None:
    """InputError (exit 2) unless every target is the config's own account and region."""
    accounts = [a for a in deployment.targets.accounts or () if a != account]
    regions = [r for r in deployment.targets.regions if r != region]
    if accounts or regions or deployment.targets.organizational_units:
        elsewhere = ", ".join([*accounts, *regions, *(deployment.targets.organizational_units
                                                       or ())])  # fmt: skip
        raise _refuse(
            inv,
            f"the templates name account {account} and region {region} in their ARNs and "
            f"names; they are not written for other targets yet, so through a stack set "
            f"they would point {elsewhere} at {account}'s resources. For now a stack set may "
            f"target only the config's own account and region ({account}, {region})",
        )


def stack_set_target(
    inv: Invocation,
    deployment: DeploymentConfig | None,
    subject: Callable[[], StackSetSubject],
    region: str,
) -> StackSetTarget | None:
    """None for a config without a `deployment` section; InputError (exit 2) for what is
    refused (the module's docstring)."""
    if deployment is None:
        return None
    if deployment.permission_model is PermissionModel.SERVICE_MANAGED:
        raise _refuse(
            inv,
            "service-managed stack sets are not supported: their delegated administrator "
            "deploys with the StackSets service-linked role in every member account, which no "
            "operator policy can bound; use permission_model: self-managed, with the roles "
            "--action create-stackset-roles writes",
        )
    if inv.action not in STACK_SET_ACTIONS:
        raise _refuse(
            inv,
            f"--action {inv.action} is not built for stack sets yet; "
            f"{', '.join(STACK_SET_ACTIONS)} are. Remove `deployment` to work on the stacks "
            "in the config's own account instead",
        )
    made = subject()
    refuse_foreign_targets(inv, deployment, made.administration_account, region)
    admin = made.partition.arn("iam", "", made.administration_account,
                               f"role/{made.names.administration_role}")  # fmt: skip
    return StackSetTarget(
        permission_model="SELF_MANAGED",
        regions=tuple(deployment.region_order),
        accounts=tuple(deployment.targets.accounts or ()),
        preferences=api_preferences(deployment.operation_preferences, deployment.region_order),
        administration_role_arn=admin,
        execution_role_name=made.names.execution_role,
    )


def api_preferences(given: OperationPreferences, region_order: list[str]) -> dict[str, Any]:
    """OperationPreferences as CloudFormation takes them, the documented defaults written out
    (failure tolerance 0, one account at a time, regions one after another, in order)."""
    preferences: dict[str, Any] = {
        "RegionConcurrencyType": given.region_concurrency.api,
        "RegionOrder": list(region_order),
    }
    if given.failure_tolerance_percentage is not None:
        preferences["FailureTolerancePercentage"] = given.failure_tolerance_percentage
    else:
        preferences["FailureToleranceCount"] = given.failure_tolerance_count_or_default
    if given.max_concurrent_percentage is not None:
        preferences["MaxConcurrentPercentage"] = given.max_concurrent_percentage
    else:
        preferences["MaxConcurrentCount"] = given.max_concurrent_count_or_default
    return preferences


def bootstrap_targets(
    inv: Invocation, deployment: DeploymentConfig | None, account: str, region: str
) -> None:
    """bootstrap deploys the trust root to the config's own account and region: refused
    (exit 2) when the stack sets target anything else, which would need it there too."""
    if deployment is not None:
        refuse_foreign_targets(inv, deployment, account, region)
