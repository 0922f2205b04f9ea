"""validate: what the config's `deployment` section says, and whether the AWS actions can
deploy it today (stack_sets/deployability.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from provisioner.config.deployment import DeploymentConfig
from provisioner.results.base import Entry
from provisioner.stack_sets.deployability import not_deployable_because


class DeploymentSummary(Entry):
    permission_model: str = Field(description="self-managed | service-managed")
    accounts: list[str] = Field(description="target accounts (service-managed: the filter's)")
    organizational_units: list[str]
    account_filter: str | None = Field(description="service-managed with accounts")
    regions: list[str] = Field(description="target regions, in deploy order")
    deployable: bool = Field(
        description="true: the AWS actions (show-changes, deploy, test-deploy, status, "
        "detect-drift, delete) run through stack sets; false: the AWS actions refuse the "
        "config, for `not_deployable_because`"
    )
    not_deployable_because: str | None = Field(description="why not; null when deployable")

    @classmethod
    def of(
        cls,
        deployment: DeploymentConfig,
        account: str,
        region: str,
        templates: Mapping[str, Mapping[str, dict[str, Any]]],
    ) -> DeploymentSummary:
        t = deployment.targets
        why = not_deployable_because(deployment, account, region, templates)
        return cls(
            permission_model=deployment.permission_model.value,
            accounts=list(t.accounts or ()),
            organizational_units=list(t.organizational_units or ()),
            account_filter=t.account_filter.value if t.account_filter else None,
            regions=deployment.region_order,
            deployable=why is None,
            not_deployable_because=why,
        )

    def text(self) -> list[str]:
        where = (
            f"{len(self.accounts)} account(s)"
            if not self.organizational_units
            else f"{len(self.organizational_units)} OU(s)"
            + (f", {self.account_filter} {len(self.accounts)} account(s)" if self.accounts else "")
        )
        return [
            f"  deployment   {self.permission_model} stack set: {where} x "
            f"{len(self.regions)} region(s) ({', '.join(self.regions)})",
            "               read and valid, "
            + (
                "deployable: the AWS actions run through stack sets"
                if self.deployable
                else f"not deployable yet: {self.not_deployable_because}"
            ),
        ]


def summary_of(
    deployment: DeploymentConfig | None,
    account: str,
    region: str,
    templates: Mapping[str, Mapping[str, dict[str, Any]]],
) -> DeploymentSummary | None:
    """The section's summary; `templates`, the stacks as rendered for the config in each of
    deployability.planned_regions (name → templates), decide whether one template each can
    serve every target."""
    if deployment is None:
        return None
    return DeploymentSummary.of(deployment, account, region, templates)
