"""The seeds' "Permission Summary by Action" tables: which services' permissions each action
needs, for one config, read from its generated operator policy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from provisioner.policy.document import PolicyDocument


@dataclass(frozen=True)
class SummaryRow:
    action: str
    needs: tuple[bool, ...]  # one per column


def services_in(policy: PolicyDocument) -> set[str]:
    return {action.split(":", 1)[0] for action in policy.actions}


def summary_rows(
    policy: PolicyDocument,
    columns: Sequence[tuple[str, str]],
    needs_by_action: Mapping[str, set[str]],
) -> list[SummaryRow]:
    """✓ where the action uses the service and this config's policy grants it at all (a tier
    without the service, e.g. SEC small without S3, gets ✗ throughout)."""
    granted = services_in(policy)
    return [
        SummaryRow(action, tuple(s in needs and s in granted for s, _ in columns))
        for action, needs in needs_by_action.items()
    ]
