"""Subgraphs to draw: built from engine results or a finding's evidence,
masked for the viewer, coloured and labelled from the schema, drawn with
vis-network (the library behind pyvis).

Nodes are known internally by their natural key (`Person:<citizen id>`) so
that expanding and merging work across queries; what reaches the browser
carries only an opaque id and the masked caption, so the page source
discloses no more than the screen.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from reliefgraph.dashboard.permissions import Viewer, mask_for
from reliefgraph.graph.schema import Schema, load_schema

if TYPE_CHECKING:
    from reliefgraph.queries.names import Names

MAX_DRAW_NODES = 150
# Keyed so a drawn id cannot be reversed by hashing every plausible citizen
# ID (their space is small); stable for the life of the server process.
_ID_KEY = secrets.token_bytes(16)
_HIDDEN_PROPS = ("src_", "_")


@dataclass
class DrawNode:
    ref: str                     # Label:key, server-side only
    label: str
    key: Any
    caption: str
    props: dict[str, Any]        # masked for the viewer
    pinned: bool = False
    x: float | None = None       # kept across expansions so the picture does not move
    y: float | None = None
    folded: "Subgraph | None" = None   # a hub's members, drawn as this one node until expanded

    @property
    def id(self) -> str:
        return hmac.new(_ID_KEY, self.ref.encode(), hashlib.sha256).hexdigest()[:12]


@dataclass(frozen=True)
class DrawEdge:
    start: str                   # node refs
    end: str
    type: str
    props: tuple[tuple[str, Any], ...] = ()


@dataclass
class Subgraph:
    nodes: dict[str, DrawNode] = field(default_factory=dict)
    edges: dict[tuple, DrawEdge] = field(default_factory=dict)
    truncated: bool = False      # the engine had more than we were allowed to draw

    def add_node(self, node: DrawNode) -> None:
        old = self.nodes.get(node.ref)
        if old is not None:
            node.pinned = old.pinned
            if node.x is None:
                node.x, node.y = old.x, old.y
        self.nodes[node.ref] = node

    def add_edge(self, edge: DrawEdge) -> None:
        if edge.start in self.nodes and edge.end in self.nodes:
            self.edges[(edge.type, edge.start, edge.end, edge.props)] = edge

    def merge(self, other: "Subgraph") -> "Subgraph":
        for n in other.nodes.values():
            self.add_node(n)
        for e in other.edges.values():
            self.add_edge(e)
        self.truncated = self.truncated or other.truncated
        return self

    def without(self, refs: Iterable[str]) -> "Subgraph":
        drop = set(refs)
        out = Subgraph(truncated=self.truncated)
        out.nodes = {r: n for r, n in self.nodes.items() if r not in drop}
        out.edges = {k: e for k, e in self.edges.items() if e.start not in drop and e.end not in drop}
        return out

    def rel_types(self) -> list[str]:
        return sorted({e.type for e in self.edges.values()})


def _label_of(labels: list[str], schema: Schema) -> str | None:
    return next((lbl for lbl in labels if lbl in schema.nodes), None)


def _visible(props: dict) -> dict:
    return {k: v for k, v in props.items() if not k.startswith(_HIDDEN_PROPS) and not k.endswith("_src")}


def node_from_engine(node: dict, viewer: Viewer, schema: Schema | None = None) -> DrawNode | None:
    """An engine node dict (`_id`, `_labels`, properties) as a drawable node."""
    schema = schema or load_schema()
    label = _label_of(node.get("_labels", []), schema)
    if label is None or schema.nodes[label].meta:
        return None
    nt = schema.nodes[label]
    key = node.get(nt.key)
    props = mask_for(viewer, _visible(node), schema=schema)
    caption = props.get(nt.caption) if props.get(nt.caption) not in (None, "") else props.get(nt.key)
    return DrawNode(f"{label}:{key}", label, key, str(caption if caption is not None else "?"), props)


def from_engine(items: Iterable[Any], viewer: Viewer, schema: Schema | None = None) -> Subgraph:
    """Nodes, relationships and paths from `store.read` rows (any nesting)."""
    schema = schema or load_schema()
    sub = Subgraph()
    refs: dict[Any, str] = {}
    rels: list[dict] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict) and "_labels" in value:
            drawn = node_from_engine(value, viewer, schema)
            if drawn:
                refs[value.get("_id")] = drawn.ref
                sub.add_node(drawn)
        elif isinstance(value, dict) and "_type" in value:
            rels.append(value)
        elif isinstance(value, dict) and "nodes" in value and "relationships" in value:
            for v in value["nodes"]:
                visit(v)
            for v in value["relationships"]:
                visit(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                visit(v)

    for item in items:
        visit(item)
    for r in rels:
        start, end = refs.get(r.get("_start")), refs.get(r.get("_end"))
        if start and end:
            props = tuple(sorted(_visible(r).items()))
            sub.add_edge(DrawEdge(start, end, r["_type"], props))
    return sub


def from_evidence(evidence: dict, schema: Schema | None = None) -> Subgraph:
    """A finding's evidence (see queries/evidence.py) — already masked by
    `permissions.mask_evidence` for the viewer — as a drawable subgraph."""
    schema = schema or load_schema()
    sub = Subgraph()
    for n in evidence.get("nodes", []):
        caption = n.get("caption") if n.get("caption") not in (None, "") else n.get("key")
        sub.add_node(DrawNode(n["ref"], n["label"], n.get("key"), str(caption), dict(n.get("properties") or {})))
    for r in evidence.get("relationships", []):
        if r.get("start") and r.get("end"):
            sub.add_edge(DrawEdge(r["start"], r["end"], r["type"], tuple(sorted((r.get("properties") or {}).items()))))
    return sub


def name_nodes(sub: Subgraph, names: "Names") -> Subgraph:
    """Captions and tooltips that read as names, not codes (`低保 在保 (G…)`,
    `城关镇 那桃村 户 (…)`): every drawing, pick list and export shows these."""
    from reliefgraph.queries.names import node_caption, readable_props

    schema = load_schema()
    for node in sub.nodes.values():
        if node.folded is None and not node.ref.startswith("Payment:*"):
            nt = schema.nodes.get(node.label)
            # The key as the viewer may see it (masked where it is personal data).
            key = node.props.get(nt.key, node.key) if nt else node.key
            node.caption = node_caption(names, node.label, key, node.props, node.caption)
            node.props = readable_props(names, node.props)
    return sub


def collapse_payments(sub: Subgraph, at_least: int = 2) -> Subgraph:
    """Monthly Payment nodes that link the same grant and payee become one
    node ("发放 36 笔 2024-01 至 2026-12，合计 …元"): a few years of a grant
    would otherwise bury the neighbourhood under dots that say one thing."""
    groups: dict[tuple, list[str]] = {}
    for ref, node in sub.nodes.items():
        if node.label != "Payment" or node.key is None:
            continue
        ends = tuple(sorted((e.type, e.start if e.end == ref else e.end) for e in sub.edges.values()
                            if ref in (e.start, e.end)))
        groups.setdefault(ends, []).append(ref)
    out = Subgraph(truncated=sub.truncated)
    folded = {ref for refs in groups.values() if len(refs) >= at_least for ref in refs}
    out.nodes = {r: n for r, n in sub.nodes.items() if r not in folded}
    out.edges = {k: e for k, e in sub.edges.items() if e.start not in folded and e.end not in folded}
    for ends, refs in groups.items():
        if len(refs) < at_least:
            continue
        months = sorted(str(sub.nodes[r].props.get("month") or "") for r in refs)
        amounts = [sub.nodes[r].props.get("amount") for r in refs]
        total = sum(a for a in amounts if isinstance(a, (int, float)))
        ref = "Payment:*" + hashlib.sha256("|".join(sorted(refs)).encode()).hexdigest()[:16]
        caption = f"发放 {len(refs)} 笔 {months[0]}–{months[-1]}"
        # Key None: a folded node is a summary, not a record to look up or expand.
        out.add_node(DrawNode(ref, "Payment", None, caption,
                              {"笔数 count": len(refs), "month": f"{months[0]}–{months[-1]}", "amount": round(total, 2)}))
        for rtype, end in ends:
            first = next(e for e in sub.edges.values() if e.type == rtype and refs[0] in (e.start, e.end))
            out.add_edge(DrawEdge(ref, end, rtype) if first.start == refs[0] else DrawEdge(end, ref, rtype))
    return out


def cap(sub: Subgraph, limit: int = MAX_DRAW_NODES, keep: Iterable[str] = ()) -> Subgraph:
    """At most `limit` nodes: the ones to keep (the centre, pinned) first."""
    if len(sub.nodes) <= limit:
        return sub
    first = [r for r in keep if r in sub.nodes] + [r for r, n in sub.nodes.items() if n.pinned]
    order = list(dict.fromkeys(first + list(sub.nodes)))[:limit]
    out = sub.without(set(sub.nodes) - set(order))
    out.truncated = True
    return out


def _text(value: Any) -> str:
    # Captions travel inside a <script> block of the generated page; angle
    # brackets from agency data must not be able to close it.
    return str(value).replace("<", "＜").replace(">", "＞")


def _title(node: DrawNode, schema: Schema) -> str:
    nt = schema.nodes.get(node.label)
    lines = [f"{nt.zh if nt else node.label} {nt.en if nt else ''}".strip()]
    for name, value in node.props.items():
        prop = nt.properties.get(name) if nt else None
        shown = prop.values.get(value, value) if prop and prop.values and isinstance(value, str) else value
        lines.append(f"{prop.zh if prop else name}: {shown}")
    return html.escape("\n".join(lines))


def legend(sub: Subgraph, schema: Schema | None = None) -> list[tuple[str, str, str, int]]:
    """(Chinese name, English name, colour, count) for each label drawn."""
    schema = schema or load_schema()
    counts: dict[str, int] = {}
    for n in sub.nodes.values():
        counts[n.label] = counts.get(n.label, 0) + 1
    return [(schema.nodes[lbl].zh, schema.nodes[lbl].en, schema.nodes[lbl].color, counts[lbl])
            for lbl in schema.nodes if lbl in counts]


# vis-network (the library pyvis wraps), served once by Streamlit's static
# file serving from dashboard/static/ and cached by the browser. Inlining it
# (pyvis's "in_line") put 700 KB of script into every drawing: sent over the
# websocket on each draw and parsed again by the browser each time.
VIS_DIR = Path(__file__).with_name("static") / "vis-network-9.1.2"
# Relative: the drawing is an iframe `srcdoc`, which resolves URLs against
# the app's own address (also under a server.baseUrlPath prefix).
VIS_URL = "app/static/vis-network-9.1.2/vis-network.min"
# Positions come from graphlayout (seeded, kept across expansions), so the
# browser runs no physics: the picture does not move between renders. Edge
# names show on hover; labels are 16 units and the view never zooms out below
# MIN_SCALE on its own, so they are at least 12 px at the default zoom.
NODE_FONT = 16
MIN_SCALE = 0.75
HIGHLIGHT = "#D62728"
LABEL_WIDTH = 150
_OPTIONS = {"physics": False, "layout": {"randomSeed": 7},
            "interaction": {"hover": True, "tooltipDelay": 120},
            # Long captions (`最低生活保障 在保 (DB…)`) wrap at their spaces instead of running into a neighbour's.
            "nodes": {"font": {"size": NODE_FONT, "face": "sans-serif"}, "widthConstraint": {"maximum": LABEL_WIDTH}},
            "edges": {"color": {"color": "#9A9A9A"}, "arrows": {"to": {"scaleFactor": 0.5}},
                      "smooth": False}}

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
{head}
<style>
body {{ margin: 0; }}
#mynetwork {{ width: 100%; height: {height}px; border: 1px solid lightgray; position: relative;
  box-sizing: border-box; }}
#loadingBar {{ position: absolute; top: 0; left: 0; width: 100%; height: {height}px; display: flex;
  align-items: center; justify-content: center; background: rgba(240,240,240,0.8); font: 14px sans-serif; }}
</style></head>
<body>
<div id="mynetwork"></div>
<div id="loadingBar"><span id="text">布局中 laying out… 0%</span></div>
<script>
var data = {data};
var container = document.getElementById("mynetwork");
var bar = document.getElementById("loadingBar");
if (typeof vis === "undefined") {{
  bar.textContent = "无法加载绘图组件 the drawing library did not load";
}} else {{
  var network = new vis.Network(container, {{nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}},
                                data.options);
  network.on("stabilizationProgress", function (p) {{
    document.getElementById("text").textContent = "布局中 laying out… " + Math.round(100 * p.iterations / p.total) + "%";
  }});
  network.once("stabilizationIterationsDone", function () {{ bar.style.display = "none"; }});
  if (!data.options.physics || data.nodes.length < 2) {{ bar.style.display = "none"; }}
  network.once("afterDrawing", function () {{
    if (network.getScale() < data.minScale) {{
      network.moveTo({{position: data.focus || {{x: 0, y: 0}}, scale: data.minScale}});
    }}
  }});
}}
</script>
</body></html>
"""


def _json_for_script(value: Any) -> str:
    # ASCII JSON with <, > and & escaped: nothing from agency data can close
    # the <script> block or start markup, whatever a caption holds.
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def vis_data(sub: Subgraph, schema: Schema | None = None, centre: str | None = None,
             highlight: Iterable[str] = ()) -> dict:
    """The nodes, edges and options vis-network draws: opaque ids and masked
    captions only. Nodes in `highlight` (a clue's evidence) and the edges
    between them are drawn in red within the wider neighbourhood."""
    from reliefgraph.dashboard.graphlayout import layout

    schema = schema or load_schema()
    layout(sub, centre)
    marked = set(highlight) & set(sub.nodes)
    nodes = []
    for n in sub.nodes.values():
        nt = schema.nodes.get(n.label)
        colour = nt.color if nt else "#999999"
        node = {"id": n.id, "label": _text(n.caption), "title": _title(n, schema),
                "color": {"background": colour, "border": HIGHLIGHT if n.ref in marked else colour},
                "shape": "star" if n.ref == centre else ("square" if n.folded is not None else "dot"),
                "size": 22 if n.ref == centre else (18 if n.folded is not None else 14),
                "borderWidth": 4 if n.ref in marked else (3 if n.pinned else 1)}
        if n.x is not None:
            node.update(x=n.x, y=n.y)
        nodes.append(node)
    ids = {r: n.id for r, n in sub.nodes.items()}
    edges = []
    for e in sub.edges.values():
        rt = schema.relationships.get(e.type)
        props = dict(e.props)
        extra = "、".join(f"{k}={v}" for k, v in props.items() if k in ("relation", "kind", "role", "start", "end"))
        edge = {"from": ids[e.start], "to": ids[e.end],
                "title": html.escape(f"{rt.zh if rt else e.type} {rt.en if rt else ''} {extra}".strip()),
                "arrows": "to"}
        if e.start in marked and e.end in marked:
            edge.update(color={"color": HIGHLIGHT}, width=3)
        edges.append(edge)
    focus = sub.nodes.get(centre) if centre else None
    placed = [n for n in sub.nodes.values() if n.x is not None]
    if focus is not None and focus.x is not None:
        at = {"x": focus.x, "y": focus.y}
    elif placed:                    # no centre (a clue's evidence): the middle of the picture's extent
        xs, ys = [n.x for n in placed], [n.y for n in placed]
        at = {"x": (min(xs) + max(xs)) / 2, "y": (min(ys) + max(ys)) / 2}
    else:
        at = None
    return {"nodes": nodes, "edges": edges, "options": _OPTIONS, "minScale": MIN_SCALE, "focus": at}


def fitting_height(sub: Subgraph, least: int = 260, most: int = 560) -> int:
    """Pixels of height that hold the picture (laid out already, or here)
    at the smallest zoom the view allows (labels ≥ 12 px), between `least`
    and `most`."""
    from reliefgraph.dashboard.graphlayout import layout

    layout(sub)
    ys = [n.y for n in sub.nodes.values() if n.y is not None]
    extent = (max(ys) - min(ys)) if ys else 0.0
    # A node's label hangs below it: two lines of 16-unit text, and a margin.
    return int(min(most, max(least, (extent + 3 * NODE_FONT + 60) * MIN_SCALE + 40)))


def to_html(sub: Subgraph, schema: Schema | None = None, height: int = 560, centre: str | None = None,
            inline: bool = False, highlight: Iterable[str] = ()) -> str:
    """The drawing as a page for an iframe: vis-network loaded from the app's
    static files (cached by the browser), or inlined (`inline=True`) for a
    file that works on its own, offline — the HTML export."""
    if inline:
        head = (f"<style>{(VIS_DIR / 'vis-network.min.css').read_text(encoding='utf-8')}</style>\n"
                f"<script>{(VIS_DIR / 'vis-network.min.js').read_text(encoding='utf-8')}</script>")
    else:
        head = (f'<link rel="stylesheet" href="{VIS_URL}.css">\n'
                f'<script src="{VIS_URL}.js"></script>')
    return _PAGE.format(head=head, height=int(height), data=_json_for_script(vis_data(sub, schema, centre, highlight)))


def to_png(sub: Subgraph, schema: Schema | None = None) -> bytes | None:
    """A static picture of the drawn subgraph (no browser needed), laid out and
    coloured by the same code that draws the reports' pictures."""
    from reliefgraph.reports.picture import draw_png

    evidence = {"nodes": [{"ref": n.ref, "label": n.label, "key": n.id, "caption": n.caption}
                          for n in sub.nodes.values()],
                "relationships": [{"type": e.type, "start": e.start, "end": e.end} for e in sub.edges.values()]}
    return draw_png(evidence, schema or load_schema(), width_in=9.0, layout="spread")


NODE_COLUMNS = ["编号 id", "标签 label", "类型 kind", "名称 caption", "属性 properties"]
EDGE_COLUMNS = ["起点 source", "终点 target", "关系 type", "关系名称 type_zh", "属性 properties"]


def _props_text(props: dict[str, Any] | tuple, declared: dict) -> str:
    items = props.items() if isinstance(props, dict) else props
    return "; ".join(f"{declared[k].zh if k in declared else k}={_value(declared.get(k), v)}" for k, v in items)


def _value(prop, value: Any) -> Any:
    # Declared vocabularies (sex, status, relation …) read as their Chinese word.
    return prop.values.get(value, value) if prop is not None and prop.values and isinstance(value, str) else value


def nodes_table(sub: Subgraph, schema: Schema | None = None) -> tuple[list[str], list[list[Any]]]:
    """Nodes as the viewer sees them (masked, named), as columns and rows for CSV or Excel."""
    schema = schema or load_schema()
    rows = []
    for n in sub.nodes.values():
        nt = schema.nodes.get(n.label)
        rows.append([n.id, n.label, nt.zh if nt else "", n.caption,
                     _props_text(n.props, nt.properties if nt else {})])
    return NODE_COLUMNS, rows


def edges_table(sub: Subgraph, schema: Schema | None = None) -> tuple[list[str], list[list[Any]]]:
    schema = schema or load_schema()
    rows = []
    for e in sub.edges.values():
        rt = schema.relationships.get(e.type)
        rows.append([sub.nodes[e.start].id, sub.nodes[e.end].id, e.type, rt.zh if rt else "",
                     _props_text(e.props, rt.properties if rt else {})])
    return EDGE_COLUMNS, rows


def nodes_csv(sub: Subgraph, schema: Schema | None = None) -> bytes:
    """The nodes table as the one export rule writes CSV (UTF-8 with a BOM, formulas neutralised)."""
    from reliefgraph.exports import csv_bytes

    return csv_bytes(*nodes_table(sub, schema))


def nodes_xlsx(sub: Subgraph, schema: Schema | None = None) -> bytes:
    from reliefgraph.exports import xlsx_bytes

    return xlsx_bytes(*nodes_table(sub, schema), sheet="节点")


def edges_csv(sub: Subgraph, schema: Schema | None = None) -> bytes:
    from reliefgraph.exports import csv_bytes

    return csv_bytes(*edges_table(sub, schema))
