"""create-stackset-roles: the self-managed stack set's two role templates."""

from __future__ import annotations

from pydantic import Field

from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS
from provisioner.results.base import Result


class StackSetRolesWritten(Result):
    administration_template: str = Field(
        description="the file written: deploy it once, in the config's account"
    )
    execution_template: str = Field(
        description="the file written: deploy it in every target account"
    )
    administration_role: str
    execution_role: str
    target_accounts: list[str]
    regions: list[str]
    execution_policy_characters: list[int] = Field(
        description=f"each of the execution role's managed policies (IAM limit "
        f"{MANAGED_POLICY_MAX_CHARS} each)"
    )

    def text(self, config: str) -> list[str]:
        sizes = ", ".join(f"{s:,}" for s in self.execution_policy_characters)
        return [
            f"wrote {self.administration_template} (role {self.administration_role}: deploy it "
            "in the config's account)",
            f"wrote {self.execution_template} (role {self.execution_role}: deploy it in each of "
            f"{', '.join(self.target_accounts)}; policies of {sizes} characters for "
            f"{', '.join(self.regions)})",
        ]
