"""The seeds' "Permission Summary by Action" tables: which services' permissions each action
needs, for one config, read from its generated operator policy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from provisioner.policy.document import PolicyDocument


@dataclass(frozen=True)
class SummaryRow:
    action: str
    needs: tuple[bool, ...]  # one per column of its summary


@dataclass(frozen=True)
class PermissionSummary:
    columns: tuple[tuple[str, str], ...]  # (service prefix, label) of the services shown
    rows: tuple[SummaryRow, ...]

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.columns]


def services_in(policy: PolicyDocument) -> set[str]:
    return {action.split(":", 1)[0] for action in policy.actions}


def summarize(
    policy: PolicyDocument,
    columns: Sequence[tuple[str, str]],
    needs_by_action: Mapping[str, set[str]],
) -> PermissionSummary:
    """A column for each service this config's policy grants at all, in the seed's order (a
    tier without the service, e.g. SEC small without S3, has no column for it); ✓ where the
    action uses the service."""
    granted = services_in(policy)
    shown = tuple((s, label) for s, label in columns if s in granted)
    rows = tuple(
        SummaryRow(action, tuple(s in needs for s, _ in shown))
        for action, needs in needs_by_action.items()
    )
    return PermissionSummary(shown, rows)
