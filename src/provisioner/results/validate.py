"""validate: the config is valid; what it plans, in brief. One result per tool."""

from __future__ import annotations

from pydantic import Field

from provisioner.results.base import Entry, Result
from provisioner.results.deployment import DeploymentSummary
from provisioner.results.plan_summary import PolicySummary, StackSummary, summary_lines


class TeamCheck(Entry):
    """--sec-config: the use case's team is one of its tenant's SEC config."""

    team: str
    sec_config: str = Field(description="the --sec-config argument, as given")


class MlValidation(Result):
    ml_name: str
    tier: str
    stacks: list[StackSummary]
    policy: PolicySummary
    team: TeamCheck | None = Field(description="checked with --sec-config; null without")
    deployment: DeploymentSummary | None = Field(
        default=None, description="the config's stack-set section; null without"
    )

    def text(self, config: str) -> list[str]:
        lines = [
            f"{config}: valid",
            f"  ml_name      {self.ml_name}",
            f"  tier         {self.tier}",
        ]
        lines += summary_lines(self.stacks, self.policy)
        if self.team is not None:
            lines.append(f"  team         {self.team.team}, defined in {self.team.sec_config}")
        if self.deployment is not None:
            lines += self.deployment.text()
        return lines


class SecValidation(Result):
    tier: str
    teams: int
    max_teams: int = Field(description="the tier's limit")
    trusted_accounts: int
    max_trusted_accounts: int = Field(description="the tier's limit")
    stacks: list[StackSummary]
    policy: PolicySummary
    deployment: DeploymentSummary | None = Field(
        default=None, description="the config's stack-set section; null without"
    )

    def text(self, config: str) -> list[str]:
        lines = [
            f"{config}: valid",
            f"  tier         {self.tier}",
            f"  teams        {self.teams} of {self.max_teams}; trusted accounts "
            f"{self.trusted_accounts} of {self.max_trusted_accounts}",
        ]
        lines += summary_lines(self.stacks, self.policy)
        return lines + (self.deployment.text() if self.deployment is not None else [])
