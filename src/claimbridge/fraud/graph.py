"""Laying out a ring's case–entity graph for an SVG drawing (issue 16, R20). Pure: no Django.

networkx's force-directed layout (Fruchterman–Reingold) with a fixed seed, so the same ring is drawn the same way
every time; the positions scaled into the drawing's box with a margin for the labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT, MARGIN = 640, 420, 40
MAX_NODES = 300  # a bigger group is listed, not drawn (a drawing of thousands of nodes tells nothing)


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str  # "case" or the entity's kind
    x: float
    y: float
    label: str

    @property
    def anchor(self) -> str:
        """Where the label hangs, so that it stays inside the drawing: from the left of a node near the left edge."""
        if self.x < WIDTH * 0.3:
            return "start"
        return "end" if self.x > WIDTH * 0.7 else "middle"

    @property
    def label_x(self) -> float:
        return self.x - 10 if self.anchor == "start" else self.x + 10 if self.anchor == "end" else self.x


@dataclass(frozen=True, slots=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class Drawing:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    too_big: bool = False


def draw(nodes: Sequence[tuple[str, str]], edges: Sequence[tuple[str, str]], *, labels: Mapping[str, str] | None = None,
         seed: int = 16) -> Drawing:  # fmt: skip
    """Positions for the nodes (id, kind) joined by the edges (id, id)."""
    if len(nodes) > MAX_NODES:
        return Drawing(WIDTH, HEIGHT, (), (), too_big=True)
    if not nodes:
        return Drawing(WIDTH, HEIGHT, (), ())
    import networkx as nx  # type: ignore[import-untyped]

    graph = nx.Graph()
    graph.add_nodes_from(node for node, _kind in nodes)
    graph.add_edges_from(edges)
    positions = nx.spring_layout(graph, seed=seed, iterations=200) if len(nodes) > 1 else {nodes[0][0]: (0.0, 0.0)}
    xs = [float(x) for x, _y in positions.values()]
    ys = [float(y) for _x, y in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def place(node: str) -> tuple[float, float]:
        x, y = positions[node]
        return (round(MARGIN + (float(x) - min(xs)) / span_x * (WIDTH - 2 * MARGIN), 1),
                round(MARGIN + (float(y) - min(ys)) / span_y * (HEIGHT - 2 * MARGIN), 1))  # fmt: skip

    labels = labels or {}
    drawn = tuple(Node(node, kind, *place(node), labels.get(node, node)) for node, kind in nodes)
    lines = tuple(Edge(*place(a), *place(b)) for a, b in edges)
    return Drawing(WIDTH, HEIGHT, drawn, lines)
