"""Plain-text tables of what a change set will do and what it does to access (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from provisioner.cfn.security_diff import SecurityDiff
from provisioner.deploy.records import ResourceChange


def shorten(text: str, limit: int) -> str:
    """Long values are cut for the terminal; the JSON reports hold them whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]


def change_table(changes: Sequence[ResourceChange]) -> list[str]:
    rows = [("ACTION", "LOGICAL ID", "TYPE", "REPLACEMENT")]
    order = {"Add": 0, "Modify": 1, "Remove": 2}
    for change in sorted(changes, key=lambda c: (order.get(c.action, 3), c.logical_id)):
        rows.append(
            (change.action, change.logical_id, change.resource_type, change.replacement or "-")
        )
    return table(rows)


def security_table(diff: SecurityDiff, *, new_stack: bool = False) -> list[str]:
    if diff.empty:
        return ["  no change to IAM statements, trust, key or resource policies"]
    if new_stack:  # everything is new: a count per document, the details are in the JSON report
        counts = Counter((grant.resource, grant.document) for grant in diff.added)
        summary = [("", "RESOURCE", "DOCUMENT", "GRANTS")]
        summary += [("+", r, d, str(n)) for (r, d), n in sorted(counts.items())]
        return table(summary)
    wide = set(diff.broadening)
    rows = [("", "RESOURCE", "DOCUMENT", "GRANT", "")]
    for sign, grants in (("+", diff.added), ("-", diff.removed)):
        for grant in grants:
            mark = "BROADENS ACCESS" if grant in wide else ""
            text = shorten(grant.describe(), 110)
            rows.append((sign, grant.resource, grant.document, text, mark))
    return table(rows)
