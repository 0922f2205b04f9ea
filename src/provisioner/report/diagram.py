"""Diagrams as data (columns of nodes, edges) rendered to inline SVG or a mermaid flowchart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from provisioner.cfn.template import StackPlan

# Layout in SVG units. The page's CSS sets the fonts the estimates below assume.
GAP_X, GAP_Y, MARGIN, PAD = 44, 12, 16, 8
MIN_BOX_W, MAX_BOX_W = 160, 290
LINE_H = 14
# Widest advance per character, in SVG units, of the fonts the page's CSS sets: bold 11px
# system-ui for titles, 10px system-ui for kinds, 11px monospace for names. Measured in Chromium
# (tests/test_report.py) with some room to spare, so text never meets a border.
TITLE_EM, KIND_EM, NAME_EM = 7.8, 6.1, 6.75
ELLIPSIS = "…"


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    subtitle: str  # a physical name, elided and wrapped to fit its box
    kind: str = ""


@dataclass(frozen=True)
class Diagram:
    columns: tuple[tuple[Node, ...], ...]
    edges: tuple[tuple[str, str], ...]  # (from id, to id)

    @property
    def nodes(self) -> list[Node]:
        return [n for column in self.columns for n in column]


def elide(name: str, roots: Sequence[str]) -> str:
    """The part that tells a name apart: the longest root it contains, e.g. the `ml_name` every
    ML name repeats, becomes `…`."""
    for root in sorted(roots, key=len, reverse=True):
        if root and root in name:
            return name.replace(root, ELLIPSIS)
    return name


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, keeping the end, where names differ."""
    if len(text) <= limit:
        return text
    keep_start = max(1, (limit - 1) // 3)
    return text[:keep_start] + ELLIPSIS + text[-(limit - 1 - keep_start) :]


def wrap(text: str, limit: int, lines: int = 2) -> list[str]:
    """Up to `lines` lines of at most `limit` characters, broken after a separator where one is
    near; what still does not fit loses its middle, never its end."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines - 1 and len(rest) > limit:
        cut = max((rest.rfind(sep, 0, limit) for sep in " /-,.:"), default=-1) + 1
        if cut < limit // 2:
            cut = limit
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out.append(_cut(rest, limit))
    return out


@dataclass(frozen=True)
class _Box:
    """One node's text, fitted to the box width shared by the whole diagram."""

    title: str
    kind: str
    name_lines: list[str]

    @property
    def lines(self) -> int:
        return 1 + bool(self.kind) + len(self.name_lines)


def _column_width(nodes: Sequence[Node], roots: Sequence[str]) -> int:
    wanted = MIN_BOX_W
    for node in nodes:
        wanted = max(
            wanted,
            round(len(node.title) * TITLE_EM),
            round(len(node.kind) * KIND_EM),
            round(min(len(elide(node.subtitle, roots)), 40) * NAME_EM),
        )
    return min(MAX_BOX_W, wanted + 2 * PAD)


def _fit(node: Node, width: int, roots: Sequence[str]) -> _Box:
    inner = width - 2 * PAD
    return _Box(
        title=_cut(node.title, int(inner // TITLE_EM)),
        kind=_cut(node.kind, int(inner // KIND_EM)),
        name_lines=wrap(elide(node.subtitle, roots), int(inner // NAME_EM)),
    )


def plan_diagram(plan: StackPlan) -> Diagram:
    """Resources in layers: a resource sits one column right of everything it references."""
    by_id = {r.logical_id: r for r in plan.resources}
    depth: dict[str, int] = {}

    def layer(logical_id: str, seen: frozenset[str] = frozenset()) -> int:
        if logical_id not in depth:
            refs = [x for x in by_id[logical_id].references() if x in by_id and x not in seen]
            depth[logical_id] = 1 + max((layer(x, seen | {logical_id}) for x in refs), default=-1)
        return depth[logical_id]

    for logical_id in by_id:
        layer(logical_id)
    columns: list[list[Node]] = [[] for _ in range(max(depth.values(), default=0) + 1)]
    for resource in plan.resources:
        kind = resource.type.split("::", 1)[1]
        columns[depth[resource.logical_id]].append(
            Node(resource.logical_id, resource.logical_id, resource.physical_name, kind)
        )
    edges = tuple(
        sorted(
            (ref, r.logical_id) for r in plan.resources for ref in r.references() if ref in by_id
        )
    )
    return Diagram(tuple(tuple(c) for c in columns), edges)


def render_svg(diagram: Diagram, title: str, elided: Sequence[str] = ()) -> str:
    """An inline SVG that scales down to the page; `elided` roots show as `…` in the boxes
    (each box's tooltip has the full name)."""
    widths = [_column_width(column, elided) for column in diagram.columns]
    boxes = {
        node.id: _fit(node, widths[col], elided)
        for col, column in enumerate(diagram.columns)
        for node in column
    }
    box_h = 2 * PAD + LINE_H * max((b.lines for b in boxes.values()), default=1) - 4
    position: dict[str, tuple[int, int]] = {}
    size: dict[str, int] = {}
    x = MARGIN
    for col, column in enumerate(diagram.columns):
        for row, node in enumerate(column):
            position[node.id] = (x, MARGIN + row * (box_h + GAP_Y))
            size[node.id] = widths[col]
        x += widths[col] + GAP_X
    width = x - GAP_X + MARGIN
    height = MARGIN * 2 + max((len(c) for c in diagram.columns), default=1) * (box_h + GAP_Y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="diagram" '
        'style="max-width:100%;height:auto"><title>'
        f"{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#5b6b7f"/></marker></defs>',
    ]
    for source, target in diagram.edges:
        (x1, y1), (x2, y2) = position[source], position[target]
        w1, w2 = size[source], size[target]
        sx, sy, tx, ty = x1 + w1, y1 + box_h // 2, x2, y2 + box_h // 2
        if tx <= sx:  # same or earlier column: loop around the bottom
            parts.append(
                f'<path d="M {x1 + w1 // 2} {y1 + box_h} C {x1 + w1 // 2} {y1 + box_h + 30} '
                f'{x2 + w2 // 2} {y2 + box_h + 30} {x2 + w2 // 2} {y2 + box_h}" '
                'class="edge" marker-end="url(#arrow)"/>'
            )
            continue
        mid = (sx + tx) // 2
        parts.append(
            f'<path d="M {sx} {sy} C {mid} {sy} {mid} {ty} {tx} {ty}" class="edge" '
            'marker-end="url(#arrow)"/>'
        )
    for node in diagram.nodes:
        x, y = position[node.id]
        box = boxes[node.id]
        lines = [("t", box.title)] + ([("k", box.kind)] if box.kind else [])
        lines += [("s", line) for line in box.name_lines]
        texts = "".join(
            f'<text x="{PAD}" y="{PAD + 10 + i * LINE_H}" class="{css}">{escape(text)}</text>'
            for i, (css, text) in enumerate(lines)
        )
        # A nested <svg> clips what it holds to the box, whatever font the browser picks.
        parts.append(
            f'<g class="node" data-id="{escape(node.id)}"><title>{escape(node.title)}: '
            f"{escape(node.subtitle)}</title>"
            f'<svg x="{x}" y="{y}" width="{size[node.id]}" height="{box_h}">'
            f'<rect x="0.5" y="0.5" width="{size[node.id] - 1}" height="{box_h - 1}" rx="6"/>'
            f"{texts}</svg></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _mermaid_id(node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def render_mermaid(diagram: Diagram) -> str:
    lines = ["```mermaid", "flowchart LR"]
    for node in diagram.nodes:
        kind = f" ({node.kind})" if node.kind else ""
        label = f"{node.title}{kind}<br/>{node.subtitle}".replace('"', "'")
        lines.append(f'  {_mermaid_id(node.id)}["{label}"]')
    lines += [f"  {_mermaid_id(a)} --> {_mermaid_id(b)}" for a, b in diagram.edges]
    lines.append("```")
    return "\n".join(lines)


def columns_diagram(columns: Sequence[Sequence[Node]], edges: Sequence[tuple[str, str]]) -> Diagram:
    return Diagram(tuple(tuple(c) for c in columns), tuple(edges))
