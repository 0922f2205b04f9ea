"""What the engine is given to deploy a config's stacks through stack sets: where (accounts or
organizational units × regions), under which permission model, with which operation
preferences, all in CloudFormation's API terms. The CLI builds it from the config's
`deployment` section (config/deployment.py); the engine reads nothing else of the config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StackSetTarget:
    permission_model: str  # SELF_MANAGED | SERVICE_MANAGED
    regions: tuple[str, ...]  # in the order CloudFormation deploys them
    accounts: tuple[str, ...] | None  # self-managed: the accounts; service-managed: a filter
    organizational_units: tuple[str, ...] | None = None  # service-managed only
    account_filter: str | None = None  # INTERSECTION | DIFFERENCE | UNION, with accounts
    call_as: str | None = None  # SELF | DELEGATED_ADMIN, service-managed only
    auto_deployment: tuple[bool, bool] | None = None  # (enabled, retain stacks on removal)
    preferences: dict[str, Any] = field(default_factory=dict)  # OperationPreferences
    administration_role_arn: str | None = None  # self-managed only
    execution_role_name: str | None = None  # self-managed only

    @property
    def self_managed(self) -> bool:
        return self.permission_model == "SELF_MANAGED"

    def wanted(self) -> set[tuple[str, str]] | None:
        """(account, region) of every instance, where the config says (self-managed); None
        for OUs, whose accounts only CloudFormation knows."""
        if not self.self_managed:
            return None
        return {(a, r) for a in self.accounts or () for r in self.regions}
