"""A static picture of a clue's evidence subgraph, drawn without a browser.

python-igraph lays the graph out in layers (deterministic: the same evidence
always gives the same picture); matplotlib draws it with the schema's
colours and Chinese names, in the embedded CJK font.
"""
from __future__ import annotations

import io
from collections import Counter

from reliefgraph.graph.schema import Schema, load_schema
from reliefgraph.reports.fonts import matplotlib_family

MAX_NODES = 120     # beyond this a picture stops being readable; the table still lists every fact


def merged(evidences: list[dict]) -> dict:
    """One subgraph from several findings' evidence (shared nodes drawn once)."""
    nodes: dict[str, dict] = {}
    rels: dict[tuple, dict] = {}
    for ev in evidences:
        for n in ev.get("nodes", []):
            nodes.setdefault(n["ref"], n)
        for r in ev.get("relationships", []):
            rels.setdefault((r.get("type"), r.get("start"), r.get("end")), r)
    return {"nodes": list(nodes.values()), "relationships": list(rels.values())}


def _layout(n: int, edges: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Layers left to right along the edges' direction (Sugiyama), so an
    evidence path reads like the sentence it proves: grant → member → car."""
    import igraph

    if n == 1:
        return [(0.0, 0.0)]
    g = igraph.Graph(n=n, edges=edges, directed=True)
    layout = g.layout_sugiyama(hgap=1, vgap=1, maxiter=200)
    # Sugiyama lays layers top-down; turned sideways, a wide layer becomes a
    # column, which a portrait page has room for.
    return [(float(y) * 2.2, -float(x)) for x, y in layout.coords[:n]]


def _spread(n: int, edges: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Kamada-Kawai for a neighbourhood (no reading direction, one hub): layers
    would stack a hub's hundred neighbours in one column. Deterministic: it
    starts from a circle, not from random positions."""
    import igraph

    if n == 1:
        return [(0.0, 0.0)]
    g = igraph.Graph(n=n, edges=edges, directed=False)
    return [(float(x), float(y)) for x, y in g.layout_kamada_kawai(maxiter=50 * n).coords]


def draw_png(evidence: dict, schema: Schema | None = None, width_in: float = 7.2,
             layout: str = "layers") -> bytes | None:
    """PNG bytes of the evidence subgraph, or None when there is nothing to draw.
    `layout`: "layers" for evidence paths, "spread" for a neighbourhood."""
    schema = schema or load_schema()
    nodes = [n for n in evidence.get("nodes", []) if n.get("label") in schema.nodes][:MAX_NODES]
    if not nodes:
        return None
    # The object API, not pyplot: no global figure state, so dashboard
    # sessions drawing at the same time cannot draw on each other's figure.
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    family = matplotlib_family()
    index = {n["ref"]: i for i, n in enumerate(nodes)}
    rels = [r for r in evidence.get("relationships", []) if r.get("start") in index and r.get("end") in index]
    pairs = [(index[r["start"]], index[r["end"]]) for r in rels]
    coords = (_spread if layout == "spread" else _layout)(len(nodes), pairs)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    height_in = min(max(width_in * span_y / span_x, 2.6), 9.0)
    fig = Figure(figsize=(width_in, height_in + 0.6), dpi=150)
    ax = fig.subplots()
    ax.set_axis_off()
    pad_x, pad_y = span_x * 0.12 + 0.3, span_y * 0.12 + 0.3
    ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
    ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
    _edges(ax, rels, pairs, coords, schema, family)
    _nodes(ax, nodes, coords, schema, family)
    present = list(dict.fromkeys(n["label"] for n in nodes))
    handles = [Patch(facecolor=schema.nodes[lbl].color, edgecolor="#333333",
                     label=f"{schema.nodes[lbl].zh} {schema.nodes[lbl].en}") for lbl in present]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.0 + 0.5 / (height_in + 0.6)),
              ncol=min(len(handles), 5), frameon=False, prop={"family": family, "size": 7.5})
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _edges(ax, rels: list[dict], pairs: list[tuple[int, int]], coords, schema: Schema, family: str) -> None:
    seen: Counter = Counter()
    for r, (a, b) in zip(rels, pairs):
        key = tuple(sorted((a, b)))
        bend = 0.12 * seen[key] * (1 if seen[key] % 2 else -1)
        seen[key] += 1
        ax.annotate("", xy=coords[b], xytext=coords[a], zorder=1,
                    arrowprops={"arrowstyle": "-|>", "color": "#8a8a8a", "lw": 0.9, "shrinkA": 9, "shrinkB": 9,
                                "connectionstyle": f"arc3,rad={bend}"})
        rt = schema.relationships.get(r.get("type"))
        # The middle of matplotlib's arc3 curve, so parallel edges keep their own labels.
        dx, dy = coords[b][0] - coords[a][0], coords[b][1] - coords[a][1]
        mx = (coords[a][0] + coords[b][0]) / 2 + bend * dy / 2
        my = (coords[a][1] + coords[b][1]) / 2 - bend * dx / 2
        ax.text(mx, my, rt.zh if rt else r.get("type"), fontsize=6.5, family=family, color="#555555",
                ha="center", va="center", zorder=2,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})


def _nodes(ax, nodes: list[dict], coords, schema: Schema, family: str) -> None:
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    colours = [schema.nodes[n["label"]].color for n in nodes]
    # A tall column (a year of monthly payments) gets smaller dots and captions
    # so each caption stays clear of the dot below it.
    crowded = max(Counter(round(x, 3) for x in xs).values()) > 10
    ax.scatter(xs, ys, s=120 if crowded else 260, c=colours, edgecolors="#333333", linewidths=0.6, zorder=3)
    for n, (x, y) in zip(nodes, coords):
        caption = n.get("caption") if n.get("caption") not in (None, "") else n.get("key")
        # Offset in points, not data units: the caption sits just under its
        # node however many nodes share the column.
        ax.annotate(_short(str(caption)), (x, y), xytext=(0, -6 if crowded else -9), textcoords="offset points",
                    fontsize=6.5 if crowded else 7.5,
                    family=family, ha="center", va="top", zorder=4,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
