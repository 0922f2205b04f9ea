"""Diagrams as data (groups of nodes, edges between groups), laid out in layers and rendered to
inline SVG or a mermaid flowchart.

The layout is a layered drawing: a group sits one column right of the last group it depends
on; an edge that skips columns passes them through a free slot of its own; the order within
each column is chosen to leave no edge crossing another (barycenter sweeps, then swaps).
Every edge segment between two columns spans the same gap, so two of them cross exactly when
their ends come in opposite orders — `crossings` checks that from the coordinates.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import combinations, pairwise

# Layout in SVG units. The page's CSS sets the fonts the estimates below assume.
GAP_X, GAP_Y, MARGIN, PAD = 56, 10, 16, 8
FRAME_PAD, FRAME_HEAD, DUMMY_H = 8, 22, 12
MIN_BOX_W, MAX_BOX_W = 160, 290
LINE_H = 14
# Widest advance per character, in SVG units, of the fonts the page's CSS sets: bold 11px
# system-ui for titles, 10px system-ui for kinds, 11px monospace for names, bold 12px for group
# titles. Measured in Chromium (tests/test_report.py) with some room to spare, so text never
# meets a border.
TITLE_EM, KIND_EM, NAME_EM, GROUP_EM = 7.8, 6.1, 6.75, 8.4
ELLIPSIS = "…"
SWEEPS, RESTARTS = 12, 40


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    subtitle: str  # a physical name, elided and wrapped to fit its box
    kind: str = ""


@dataclass(frozen=True)
class Group:
    """Nodes drawn stacked in one frame headed by `title`; an untitled group of one node is
    just that node's box."""

    id: str
    title: str
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Diagram:
    groups: tuple[Group, ...]
    edges: tuple[tuple[str, str], ...]  # (from group id, to group id), drawn as arrows

    @property
    def nodes(self) -> list[Node]:
        return [n for g in self.groups for n in g.nodes]


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


Point = tuple[float, float]


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    columns: tuple[tuple[str, ...], ...]  # group ids, top to bottom, per column
    frames: dict[str, Box]  # group id → its frame
    boxes: dict[str, Box]  # node id → its box
    edges: tuple[tuple[str, str, tuple[Point, ...]], ...] = field(default=())


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
class _Text:
    """One node's text, fitted to the width of its column."""

    title: str
    kind: str
    name_lines: list[str]

    @property
    def lines(self) -> int:
        return 1 + bool(self.kind) + len(self.name_lines)


def _text_width(chars: int, em: float) -> int:
    return math.ceil(chars * em) + 1


def _node_width(node: Node, roots: Sequence[str]) -> int:
    """Wide enough for the whole title and kind, never cut; a long name wraps (and loses its
    middle only past two lines) within at most MAX_BOX_W."""
    name = min(MAX_BOX_W, _text_width(min(len(elide(node.subtitle, roots)), 40), NAME_EM) + 2 * PAD)
    return max(
        MIN_BOX_W,
        name,
        _text_width(len(node.title), TITLE_EM) + 2 * PAD,
        _text_width(len(node.kind), KIND_EM) + 2 * PAD,
    )


def _fit(node: Node, width: float, roots: Sequence[str]) -> _Text:
    inner = width - 2 * PAD
    return _Text(
        title=_cut(node.title, int(inner // TITLE_EM)),
        kind=_cut(node.kind, int(inner // KIND_EM)),
        name_lines=wrap(elide(node.subtitle, roots), int(inner // NAME_EM)),
    )


def _framed(group: Group) -> bool:
    return bool(group.title)


# -- layering and ordering --------------------------------------------------------------------
def _reduced(groups: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The edges no longer path already implies (the transitive reduction), self-loops and
    repeats dropped: `a → c` goes when `a → b → c` is drawn."""
    succ: dict[str, set[str]] = {g: set() for g in groups}
    for a, b in edges:
        if a != b:
            succ[a].add(b)

    def implied(a: str, b: str) -> bool:
        """Whether b is reachable from a other than by the edge a → b itself."""
        stack = [n for n in succ[a] if n != b]
        seen = set(stack)
        while stack:
            for nxt in succ[stack.pop()]:
                if nxt == b:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    return sorted((a, b) for a in groups for b in sorted(succ[a]) if not implied(a, b))


def _layers(groups: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    preds: dict[str, list[str]] = {g: [] for g in groups}
    for a, b in edges:
        preds[b].append(a)
    layer: dict[str, int] = {}

    def of(g: str, seen: frozenset[str] = frozenset()) -> int:
        if g not in layer:
            before = [p for p in preds[g] if p not in seen]
            layer[g] = 1 + max((of(p, seen | {g}) for p in before), default=-1)
        return layer[g]

    for g in groups:
        of(g)
    return layer


Segment = tuple[int, str, str]  # (gap index, left item, right item)


def _chains(
    edges: Sequence[tuple[str, str]], layer: dict[str, int]
) -> list[tuple[str, str, list[str]]]:
    """Each edge with the items it passes through, one per column: its ends and a dummy in each
    column it skips."""
    out = []
    for a, b in edges:
        lo, hi = sorted((layer[a], layer[b]))
        if lo == hi:  # same column: not drawn as a layered edge
            continue
        inner = [f"\0{a}\0{b}\0{c}" for c in range(lo + 1, hi)]
        ends = (a, b) if layer[a] < layer[b] else (b, a)
        out.append((a, b, [ends[0], *inner, ends[1]]))
    return out


def _count(order: list[list[str]], segments: Sequence[Segment]) -> int:
    pos = [{item: i for i, item in enumerate(col)} for col in order]
    total = 0
    by_gap: dict[int, list[tuple[int, int]]] = {}
    for gap, left, right in segments:
        by_gap.setdefault(gap, []).append((pos[gap][left], pos[gap + 1][right]))
    for pairs in by_gap.values():
        for (a1, b1), (a2, b2) in combinations(pairs, 2):
            if (a1 - a2) * (b1 - b2) < 0:
                total += 1
    return total


def _sweep(
    start: list[list[str]],
    segments: Sequence[Segment],
    left_of: dict[str, list[str]],
    right_of: dict[str, list[str]],
) -> tuple[int, list[list[str]]]:
    """From one starting order: barycenter sweeps down and up, then swaps of two items of a
    column while they remove crossings."""
    order = [list(c) for c in start]
    best, best_count = [list(c) for c in order], _count(order, segments)

    def sort_by(col: int, neighbours: dict[str, list[str]], ref: int) -> None:
        pos = {item: i for i, item in enumerate(order[ref])}
        now = {item: i for i, item in enumerate(order[col])}

        def key(item: str) -> tuple[float, int]:
            near = [pos[n] for n in neighbours.get(item, []) if n in pos]
            # An item with no neighbour on that side keeps its place.
            mean = sum(near) / len(near) if near else now[item] * len(pos) / len(now)
            return (mean, now[item])

        order[col].sort(key=key)

    for _ in range(SWEEPS):
        for col in range(1, len(order)):
            sort_by(col, left_of, col - 1)
        for col in range(len(order) - 2, -1, -1):
            sort_by(col, right_of, col + 1)
        count = _count(order, segments)
        if count < best_count:
            best, best_count = [list(c) for c in order], count
    order = best
    improved = best_count > 0
    while improved:
        improved = False
        for column in order:
            for i, j in combinations(range(len(column)), 2):
                column[i], column[j] = column[j], column[i]
                count = _count(order, segments)
                if count < best_count:
                    best_count, improved = count, True
                else:
                    column[i], column[j] = column[j], column[i]
    return best_count, order


def _order(columns: list[list[str]], segments: Sequence[Segment]) -> list[list[str]]:
    """The order with the fewest crossings found from the given order and a few seeded
    shuffles of it (deterministic: the same diagram always gets the same order)."""
    left_of: dict[str, list[str]] = {}
    right_of: dict[str, list[str]] = {}
    for _, a, b in segments:
        right_of.setdefault(a, []).append(b)
        left_of.setdefault(b, []).append(a)
    shuffler = random.Random(0)
    best_count, best = _sweep(columns, segments, left_of, right_of)
    for _ in range(RESTARTS):
        if best_count == 0:
            break
        start = [shuffler.sample(col, len(col)) for col in columns]
        count, order = _sweep(start, segments, left_of, right_of)
        if count < best_count:
            best_count, best = count, order
    if best_count:
        best = _two_moves(best, best_count, segments)
    return best


def _two_moves(order: list[list[str]], count: int, segments: Sequence[Segment]) -> list[list[str]]:
    """One or two moves of an item to another place in its column that together remove
    crossings where sweeps and swaps did not, e.g. a long edge moved past a group in two
    neighbouring columns at once."""
    moves = [
        (c, i, j) for c, col in enumerate(order) for i in range(len(col)) for j in range(len(col))
    ]
    moves = [m for m in moves if m[1] != m[2]]

    def moved(base: list[list[str]], c: int, i: int, j: int) -> list[list[str]]:
        out = [list(col) for col in base]
        out[c].insert(j, out[c].pop(i))
        return out

    improved = True
    while improved and count:
        improved = False
        for first in moves:
            once = moved(order, *first)
            for second in [None, *moves]:
                trial = once if second is None else moved(once, *second)
                now = _count(trial, segments)
                if now < count:
                    order, count, improved = trial, now, True
                    break
            if improved:
                break
    return order


def layout(diagram: Diagram, roots: Sequence[str] = ()) -> Drawing:
    """Columns by layer, an order within each that avoids crossings, then coordinates."""
    ids = [g.id for g in diagram.groups]
    by_id = {g.id: g for g in diagram.groups}
    edges = _reduced(ids, diagram.edges)
    layer = _layers(ids, edges)
    chains = _chains(edges, layer)
    linked = {x for a, b in edges for x in (a, b)}
    columns: list[list[str]] = [[] for _ in range(max(layer.values(), default=0) + 1)]
    # Groups with no edge at all go last in their column, out of the way.
    for g in sorted(ids, key=lambda g: g not in linked):
        columns[layer[g]].append(g)
    segments: list[Segment] = []
    for _, _, items in chains:
        first_col = layer[items[0]]
        for offset, item in enumerate(items[1:-1], 1):
            columns[first_col + offset].append(item)
        segments += [(first_col + i, items[i], items[i + 1]) for i in range(len(items) - 1)]
    order = _order(columns, segments)
    # Groups with no edge stay last in their column, whatever order served the others.
    order = [sorted(col, key=lambda g: g in by_id and g not in linked) for col in order]

    # Coordinates: a column is as wide as its widest node; frames fill their column.
    col_w = [
        max(
            (
                _node_width(n, roots) + (2 * FRAME_PAD if _framed(by_id[g]) else 0)
                for g in col
                if g in by_id
                for n in by_id[g].nodes
            ),
            default=MIN_BOX_W,
        )
        for col in order
    ]
    for col, items in enumerate(order):
        for g in items:
            if g in by_id and _framed(by_id[g]):
                col_w[col] = max(col_w[col], _text_width(len(by_id[g].title), GROUP_EM) + 2 * PAD)
    texts = {
        n.id: _fit(n, col_w[col] - (2 * FRAME_PAD if _framed(by_id[g]) else 0), roots)
        for col, items in enumerate(order)
        for g in items
        if g in by_id
        for n in by_id[g].nodes
    }
    box_h = 2 * PAD + LINE_H * max((t.lines for t in texts.values()), default=1) - 4
    frames: dict[str, Box] = {}
    boxes: dict[str, Box] = {}
    dummies: dict[str, Box] = {}
    x = float(MARGIN)
    height = 0.0
    for col, items in enumerate(order):
        y = float(MARGIN)
        for item in items:
            if item not in by_id:
                dummies[item] = Box(x, y, col_w[col], DUMMY_H)
                y += DUMMY_H + GAP_Y
                continue
            group = by_id[item]
            if _framed(group):
                inner_y = y + FRAME_HEAD
                for node in group.nodes:
                    boxes[node.id] = Box(x + FRAME_PAD, inner_y, col_w[col] - 2 * FRAME_PAD, box_h)
                    inner_y += box_h + FRAME_PAD
                frames[item] = Box(x, y, col_w[col], inner_y - y)
            else:
                (node,) = group.nodes
                boxes[node.id] = frames[item] = Box(x, y, col_w[col], box_h)
            y = frames[item].y + frames[item].h + GAP_Y
        height = max(height, y)
        x += col_w[col] + GAP_X
    width = round(x - GAP_X + MARGIN)

    # Edge ends: spread over the side of a frame, in the order of the other ends.
    def centre(item: str) -> float:
        b = frames.get(item) or dummies[item]
        return b.y + b.h / 2

    outs: dict[str, list[tuple[float, int]]] = {}
    ins: dict[str, list[tuple[float, int]]] = {}
    for index, (_, _, items) in enumerate(chains):
        outs.setdefault(items[0], []).append((centre(items[1]), index))
        ins.setdefault(items[-1], []).append((centre(items[-2]), index))

    def spread(item: str, ends: list[tuple[float, int]]) -> dict[int, float]:
        box = frames[item]
        top = box.y + (FRAME_HEAD if box.h > FRAME_HEAD * 2 else box.h / 4)
        bottom = box.y + box.h - min(FRAME_PAD, box.h / 4)
        ordered = sorted(ends)
        step = (bottom - top) / (len(ordered) + 1)
        return {index: top + step * (i + 1) for i, (_, index) in enumerate(ordered)}

    start = {i: y for item, ends in outs.items() for i, y in spread(item, ends).items()}
    end = {i: y for item, ends in ins.items() for i, y in spread(item, ends).items()}
    drawn = []
    for index, (a, b, items) in enumerate(chains):
        first = frames[items[0]]
        last = frames[items[-1]]
        points: list[Point] = [(first.x + first.w, start[index])]
        for item in items[1:-1]:
            d = dummies[item]
            points += [(d.x, d.y + d.h / 2), (d.x + d.w, d.y + d.h / 2)]
        points.append((last.x, end[index]))
        drawn.append((a, b, tuple(points)))
    return Drawing(
        width,
        round(height - GAP_Y + MARGIN),
        tuple(tuple(g for g in col if g in by_id) for col in order),
        frames,
        boxes,
        tuple(drawn),
    )


def _segments_cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    """Whether segments pq and rs cross at a point inside both (touching ends do not count)."""

    def side(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = side(r, s, p), side(r, s, q)
    d3, d4 = side(p, q, r), side(p, q, s)
    return d1 * d2 < 0 and d3 * d4 < 0


def crossings(drawing: Drawing) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Pairs of edges that cross, from the drawing's coordinates."""
    found = []
    for (a1, b1, p1), (a2, b2, p2) in combinations(drawing.edges, 2):
        if any(
            _segments_cross(p1[i], p1[i + 1], p2[j], p2[j + 1])
            for i in range(len(p1) - 1)
            for j in range(len(p2) - 1)
        ):
            found.append(((a1, b1), (a2, b2)))
    return found


# -- rendering --------------------------------------------------------------------------------
def _path(points: Sequence[Point]) -> str:
    """Straight through a column, a horizontal-tangent curve across each gap."""
    x0, y0 = points[0]
    d = [f"M {x0:.1f} {y0:.1f}"]
    for (xa, ya), (xb, yb) in pairwise(points):
        if ya == yb:
            d.append(f"L {xb:.1f} {yb:.1f}")
        else:
            mid = (xa + xb) / 2
            d.append(f"C {mid:.1f} {ya:.1f} {mid:.1f} {yb:.1f} {xb:.1f} {yb:.1f}")
    return " ".join(d)


def render_svg(diagram: Diagram, title: str, elided: Sequence[str] = ()) -> str:
    """An inline SVG that scales down to the page; `elided` roots show as `…` in the boxes
    (each box's tooltip has the full name)."""
    drawing = layout(diagram, elided)
    by_id = {g.id: g for g in diagram.groups}
    w, h = drawing.width, drawing.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" class="diagram" '
        'style="max-width:100%;height:auto"><title>'
        f"{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#5b6b7f"/></marker></defs>',
    ]
    for group_id, frame in drawing.frames.items():
        group = by_id[group_id]
        if _framed(group):
            parts.append(
                f'<g class="group" data-id="{escape(group_id)}"><svg x="{frame.x:.0f}" '
                f'y="{frame.y:.0f}" width="{frame.w:.0f}" height="{frame.h:.0f}">'
                f'<rect class="frame" x="0.5" y="0.5" width="{frame.w - 1:.0f}" '
                f'height="{frame.h - 1:.0f}" rx="8"/><text x="{PAD}" y="15" class="g">'
                f"{escape(group.title)}</text></svg></g>"
            )
    for a, b, points in drawing.edges:
        parts.append(
            f'<path d="{_path(points)}" class="edge" data-from="{escape(a)}" '
            f'data-to="{escape(b)}" marker-end="url(#arrow)"/>'
        )
    for node in diagram.nodes:
        box = drawing.boxes[node.id]
        text = _fit(node, box.w, elided)
        lines = [("t", text.title)] + ([("k", text.kind)] if text.kind else [])
        lines += [("s", line) for line in text.name_lines]
        texts = "".join(
            f'<text x="{PAD}" y="{PAD + 10 + i * LINE_H}" class="{css}">{escape(t)}</text>'
            for i, (css, t) in enumerate(lines)
        )
        # A nested <svg> clips what it holds to the box, whatever font the browser picks.
        parts.append(
            f'<g class="node" data-id="{escape(node.id)}"><title>{escape(node.title)}: '
            f"{escape(node.subtitle)}</title>"
            f'<svg x="{box.x:.0f}" y="{box.y:.0f}" width="{box.w:.0f}" height="{box.h:.0f}">'
            f'<rect x="0.5" y="0.5" width="{box.w - 1:.0f}" height="{box.h - 1:.0f}" rx="6"/>'
            f"{texts}</svg></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _mermaid_id(node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def render_mermaid(diagram: Diagram) -> str:
    """The same groups (as subgraphs) and the same arrows as the SVG."""
    by_id = {g.id: g for g in diagram.groups}

    def end(group_id: str) -> str:
        group = by_id[group_id]
        return _mermaid_id("g_" + group_id) if _framed(group) else _mermaid_id(group.nodes[0].id)

    lines = ["```mermaid", "flowchart LR"]
    for group in diagram.groups:
        indent = "  "
        if _framed(group):
            lines.append(f'  subgraph {end(group.id)}["{group.title}"]')
            indent = "    "
        for node in group.nodes:
            kind = f" ({node.kind})" if node.kind else ""
            label = f"{node.title}{kind}<br/>{node.subtitle}".replace('"', "'")
            lines.append(f'{indent}{_mermaid_id(node.id)}["{label}"]')
        if _framed(group):
            lines.append("  end")
    ids = [g.id for g in diagram.groups]
    lines += [f"  {end(a)} --> {end(b)}" for a, b in _reduced(ids, diagram.edges)]
    lines.append("```")
    return "\n".join(lines)
