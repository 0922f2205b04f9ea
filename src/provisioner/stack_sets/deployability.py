"""Whether the AWS actions can deploy a config's `deployment` section today, and if not, why:
one answer for `validate` to report and for the AWS actions to refuse with.

- Service-managed stack sets are not: their delegated administrator deploys with the
  StackSets service-linked role in every member account, which no operator policy the tool
  writes can bound.
- Self-managed ones are, when their targets are the config's own account and region only.
  The templates name that account and region in their ARNs and names (they are not written
  for other targets yet): deployed elsewhere they would point each target at the config's
  account's resources, and their IAM names would collide in a second region of one account.
"""

from __future__ import annotations

from provisioner.config.deployment import DeploymentConfig, PermissionModel


def not_deployable_because(deployment: DeploymentConfig, account: str, region: str) -> str | None:
    if deployment.permission_model is PermissionModel.SERVICE_MANAGED:
        return (
            "service-managed stack sets are not supported: their delegated administrator "
            "deploys with the StackSets service-linked role in every member account, which no "
            "operator policy can bound; use permission_model: self-managed, with the roles "
            "--action create-stackset-roles writes"
        )
    targets = deployment.targets
    elsewhere = [
        *(a for a in targets.accounts or () if a != account),
        *(r for r in targets.regions if r != region),
    ]
    if elsewhere:
        return (
            f"the templates name account {account} and region {region} in their ARNs and "
            f"names; they are not written for other targets yet, so through a stack set they "
            f"would point {', '.join(elsewhere)} at {account}'s resources. For now a stack "
            f"set may target only the config's own account and region ({account}, {region})"
        )
    return None
