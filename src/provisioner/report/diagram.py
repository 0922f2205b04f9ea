"""Diagrams as data (columns of nodes, edges) rendered to inline SVG or a mermaid flowchart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from provisioner.cfn.template import StackPlan

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 250, 50, 70, 14, 16


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    subtitle: str


@dataclass(frozen=True)
class Diagram:
    columns: tuple[tuple[Node, ...], ...]
    edges: tuple[tuple[str, str], ...]  # (from id, to id)

    @property
    def nodes(self) -> list[Node]:
        return [n for column in self.columns for n in column]


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
            Node(resource.logical_id, f"{resource.logical_id} ({kind})", resource.physical_name)
        )
    edges = tuple(
        sorted(
            (ref, r.logical_id) for r in plan.resources for ref in r.references() if ref in by_id
        )
    )
    return Diagram(tuple(tuple(c) for c in columns), edges)


def render_svg(diagram: Diagram, title: str) -> str:
    position: dict[str, tuple[int, int]] = {}
    for col, column in enumerate(diagram.columns):
        for row, node in enumerate(column):
            position[node.id] = (MARGIN + col * (BOX_W + GAP_X), MARGIN + row * (BOX_H + GAP_Y))
    width = MARGIN * 2 + len(diagram.columns) * (BOX_W + GAP_X) - GAP_X
    height = MARGIN * 2 + max((len(c) for c in diagram.columns), default=1) * (BOX_H + GAP_Y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="diagram"><title>{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#5b6b7f"/></marker></defs>',
    ]
    for source, target in diagram.edges:
        (x1, y1), (x2, y2) = position[source], position[target]
        sx, sy, tx, ty = x1 + BOX_W, y1 + BOX_H // 2, x2, y2 + BOX_H // 2
        if tx <= sx:  # same or earlier column: loop around the bottom
            parts.append(
                f'<path d="M {x1 + BOX_W // 2} {y1 + BOX_H} C {x1 + BOX_W // 2} {y1 + BOX_H + 30} '
                f'{x2 + BOX_W // 2} {y2 + BOX_H + 30} {x2 + BOX_W // 2} {y2 + BOX_H}" '
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
        parts.append(
            f'<g class="node" data-id="{escape(node.id)}"><rect x="{x}" y="{y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="6"/><text x="{x + 8}" y="{y + 20}" class="t">'
            f"{escape(_short(node.title))}</text>"
            f'<text x="{x + 8}" y="{y + 38}" class="s">{escape(_short(node.subtitle, 42))}'
            f"<title>{escape(node.subtitle)}</title></text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _mermaid_id(node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def render_mermaid(diagram: Diagram) -> str:
    lines = ["```mermaid", "flowchart LR"]
    for node in diagram.nodes:
        label = f"{node.title}<br/>{node.subtitle}".replace('"', "'")
        lines.append(f'  {_mermaid_id(node.id)}["{label}"]')
    lines += [f"  {_mermaid_id(a)} --> {_mermaid_id(b)}" for a, b in diagram.edges]
    lines.append("```")
    return "\n".join(lines)


def columns_diagram(columns: Sequence[Sequence[Node]], edges: Sequence[tuple[str, str]]) -> Diagram:
    return Diagram(tuple(tuple(c) for c in columns), tuple(edges))
