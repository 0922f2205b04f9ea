"""Until the deploy engine deploys stack sets, a config with a `deployment` section is refused
by every AWS action: deploying its stacks to the config's own account alone would quietly do
something other than what the config asks for."""

from __future__ import annotations

from provisioner.cli.invocation import Invocation
from provisioner.config.deployment import DeploymentConfig
from provisioner.errors import InputError


def refuse_stack_set(
    inv: Invocation, deployment: DeploymentConfig | None, account: str, region: str
) -> None:
    """InputError (exit 2) when the config deploys through a stack set."""
    if deployment is None:
        return
    raise InputError(
        f"{inv.config}: deployment",
        f"stack-set deployment is not supported by --action {inv.action} yet; remove "
        f"`deployment` to deploy the stacks to the config's own account {account} in {region}, "
        "or wait for stack-set support (nothing was done)",
    )
