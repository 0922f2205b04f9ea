"""validate: what the config's `deployment` section says, read but not deployable yet."""

from __future__ import annotations

from pydantic import Field

from provisioner.config.deployment import DeploymentConfig
from provisioner.results.base import Entry


class DeploymentSummary(Entry):
    permission_model: str = Field(description="self-managed | service-managed")
    accounts: list[str] = Field(description="target accounts (service-managed: the filter's)")
    organizational_units: list[str]
    account_filter: str | None = Field(description="service-managed with accounts")
    regions: list[str] = Field(description="target regions, in deploy order")
    deployable: bool = Field(
        description="false: the AWS actions do not deploy stack sets yet and refuse the config"
    )

    @classmethod
    def of(cls, deployment: DeploymentConfig) -> DeploymentSummary:
        t = deployment.targets
        return cls(
            permission_model=deployment.permission_model.value,
            accounts=list(t.accounts or ()),
            organizational_units=list(t.organizational_units or ()),
            account_filter=t.account_filter.value if t.account_filter else None,
            regions=deployment.region_order,
            deployable=False,
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
            "               read and valid, not deployable yet: the AWS actions refuse it",
        ]


def summary_of(deployment: DeploymentConfig | None) -> DeploymentSummary | None:
    return None if deployment is None else DeploymentSummary.of(deployment)
