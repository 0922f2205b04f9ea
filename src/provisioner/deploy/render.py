"""Plain-text tables of what a change set will do and what it does to access (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from provisioner.cfn.security_diff import Grant, SecurityDiff, condition_values
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


_RECREATION_NOTE = {"Always": " (replaces)", "Conditionally": " (may replace)"}


def changed_targets(change: ResourceChange) -> str:
    """What a Modify changes, each property marked when changing it replaces the resource."""
    return ", ".join(
        t.label + _RECREATION_NOTE.get(t.requires_recreation, "") for t in change.targets
    )


def change_table(changes: Sequence[ResourceChange]) -> list[str]:
    rows = [("ACTION", "LOGICAL ID", "TYPE", "REPLACEMENT", "CHANGES")]
    order = {"Add": 0, "Modify": 1, "Remove": 2}
    for change in sorted(changes, key=lambda c: (order.get(c.action, 3), c.logical_id)):
        rows.append(
            (
                change.action,
                change.logical_id,
                change.resource_type,
                change.replacement or "-",
                changed_targets(change) or "-",
            )
        )
    return table(rows)


# Continuation lines, under the row they belong to: a grant's condition, entry by entry.
_INDENT = " " * 6


def condition_lines(condition: str) -> list[str]:
    """A condition in full, one operator and key a line."""
    if condition == "-":
        return []
    entries = condition_values(condition)
    if entries is None:
        return [f"{_INDENT}if {condition}"]
    return [f"{_INDENT}if {op} {key} {_values(v)}" for (op, key), v in sorted(entries.items())]


def condition_change_lines(before: str, after: str) -> list[str]:
    """How a grant's condition changed, as a unified diff of its entries and, within a key,
    of its values: a team added to a condition is a `+` line naming that team; what stayed is
    shown unmarked."""
    old, new = condition_values(before), condition_values(after)
    if old is None or new is None:  # not a document of blocks: both whole
        return [f"{_INDENT}- if {before}", f"{_INDENT}+ if {after}"]
    lines = []
    for op, key in sorted(set(old) | set(new)):
        was, now = old.get((op, key)), new.get((op, key))
        if was == now:
            lines.append(f"{_INDENT}  if {op} {key} {_values(now or ())}")
        elif was is None or now is None or set(was) == set(now):  # whole entries
            lines += [f"{_INDENT}- if {op} {key} {_values(was)}"] if was is not None else []
            lines += [f"{_INDENT}+ if {op} {key} {_values(now)}"] if now is not None else []
        else:
            lines.append(f"{_INDENT}  if {op} {key}")
            for value in (*was, *(v for v in now if v not in was)):
                sign = " " if value in was and value in now else "-" if value in was else "+"
                lines.append(f"{_INDENT}{sign}     {value}")
    return lines


def _values(values: tuple[str, ...]) -> str:
    return values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"


def security_table(diff: SecurityDiff, *, new_stack: bool = False) -> list[str]:
    """The grants a change adds and removes, never cut: a condition is shown entry by entry
    and, where only the condition of a grant changed, as what changed in it (`~`)."""
    if diff.empty:
        return ["  no change to IAM statements, trust, key or resource policies"]
    if new_stack:  # everything is new: a count per document, the details are in the JSON report
        allows = Counter((g.resource, g.document) for g in diff.added if g.effect != "Deny")
        denies = Counter((g.resource, g.document) for g in diff.added if g.effect == "Deny")
        summary = [("", "RESOURCE", "DOCUMENT", "GRANTS", "DENIES")]
        summary += [
            ("+", r, d, str(allows[(r, d)]), str(denies[(r, d)]))
            for r, d in sorted(set(allows) | set(denies))
        ]
        return table(summary)
    wide = set(diff.broadening)
    removed_by_key: dict[tuple[str, ...], list[Grant]] = {}
    for grant in diff.removed:
        removed_by_key.setdefault(grant.key, []).append(grant)
    added_by_key: dict[tuple[str, ...], list[Grant]] = {}
    for grant in diff.added:
        added_by_key.setdefault(grant.key, []).append(grant)
    # One grant whose condition alone changed: a pair shown as one row and what changed.
    paired = {
        key: (was[0], added_by_key[key][0])
        for key, was in removed_by_key.items()
        if len(was) == 1 and len(added_by_key.get(key, [])) == 1
    }
    # (sign, grant, what is shown under it); a pair is shown by its new grant.
    shown: list[tuple[str, Grant, list[str]]] = []
    for _key, (was, now) in sorted(paired.items()):
        shown.append(("~", now, condition_change_lines(was.condition, now.condition)))
    for sign, grants in (("+", diff.added), ("-", diff.removed)):
        shown += [(sign, g, condition_lines(g.condition)) for g in grants if g.key not in paired]
    wide_keys = {g.key for g in wide}  # a pair broadens when either of its grants does
    rows = [("", "RESOURCE", "DOCUMENT", "", "GRANT")]
    for sign, grant, _ in shown:
        wider = grant.key in wide_keys if sign == "~" else grant in wide
        mark = "BROADENS ACCESS" if wider else ""
        rows.append((sign, grant.resource, grant.document, mark, grant.describe(condition=False)))
    lines = []
    for row, (_, _, under) in zip(table(rows)[1:], shown, strict=True):
        lines += [row, *under]
    counts = Counter((sign, "denies" if g.effect == "Deny" else "grants") for sign, g, _ in shown)
    tally = "; ".join(
        f"{kind}: {counts['+', kind]} added, {counts['-', kind]} removed, "
        f"{counts['~', kind]} changed"
        for kind in ("grants", "denies")
    )
    return [table(rows)[0], *lines, f"  {tally}"]
