"""Making a drawn neighbourhood readable: hubs folded into one node, and
positions computed here (seeded, deterministic) and kept across expansions.

Around a payroll recipient, two hops reach every colleague at the employer;
around a handler, every grant they approved. Those crowds say one thing
("20 colleagues at the county school"), so they are drawn as one node that
the user can expand. Positions are computed on the server with igraph's
Fruchterman–Reingold from a fixed starting circle, so the same subgraph is
drawn the same way on every render, and an expansion places only the new
nodes, around the node they came from, leaving the picture the user has
already read where it was.
"""
from __future__ import annotations

import hashlib
import math
import random
from typing import Any

from reliefgraph.dashboard.graphview import DrawEdge, DrawNode, Subgraph
from reliefgraph.graph.schema import Schema, load_schema

FOLD_AT_LEAST = 6        # this many nodes hanging off one neighbour by the same relationship fold into one
EDGE_LENGTH = 170.0      # canvas units between neighbours; labels are 16 units high
GROUP_PREFIX = "Group:"


def _neighbours(sub: Subgraph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {ref: set() for ref in sub.nodes}
    for e in sub.edges.values():
        if e.start != e.end:
            out[e.start].add(e.end)
            out[e.end].add(e.start)
    return out


def group_caption(count: int, member_label: str, via: DrawNode, rel: str, schema: Schema,
                  total: int | None = None, open_ended: bool = False) -> str:
    # `open_ended`: the engine stopped counting at `total`; there are more.
    shown = f"{total}" if total and total > count else f"{count}"
    shown += "+" if open_ended and total else ""
    nt, rt = schema.nodes.get(member_label), schema.relationships.get(rel)
    if member_label == "Person" and rt is not None and rt.colleagues:
        return f"{shown} 名同事 · {via.caption}"
    return f"{shown} 个{nt.zh if nt else member_label}（{rt.zh if rt else rel}）· {via.caption}"


def fold_hubs(sub: Subgraph, centre: str, totals: dict[str, int] | None = None, at_least: int = FOLD_AT_LEAST,
              schema: Schema | None = None, open_ended: set[str] | frozenset[str] = frozenset()) -> Subgraph:
    """Second-hop nodes that hang off one first-hop node only, by the same
    relationship and of the same label, become one group node once there are
    `at_least` of them. `totals` (first-hop ref → neighbours the engine
    counted) lets the caption say how many there are beyond those fetched;
    `open_ended` holds the refs whose count stopped at a cap ("10000+")."""
    near = _neighbours(sub)
    first = near.get(centre, set())
    hanging = [r for r, adj in near.items() if r != centre and r not in first and len(adj) == 1
               and next(iter(adj)) != centre and next(iter(adj)) in first]
    return _fold(sub, hanging, near, totals, at_least, schema or load_schema(), open_ended)


def fold_new(sub: Subgraph, around: str, new: list[str], at_least: int = FOLD_AT_LEAST,
             schema: Schema | None = None) -> Subgraph:
    """After expanding `around`: the new nodes linked to it alone, folded as
    fold_hubs folds a first-hop node's crowd (a handler's 100 approved grants)."""
    near = _neighbours(sub)
    hanging = [r for r in new if near.get(r) == {around}]
    return _fold(sub, hanging, near, None, at_least, schema or load_schema())


def _fold(sub: Subgraph, hanging: list[str], near: dict[str, set[str]], totals: dict[str, int] | None,
          at_least: int, schema: Schema, open_ended: set[str] | frozenset[str] = frozenset()) -> Subgraph:
    # One pass over the edges: a crowd is thousands of nodes before the cap.
    hanging_set = set(hanging)
    types_of: dict[str, set[str]] = {}
    edges_of: dict[str, list] = {}
    for k, e in sub.edges.items():
        for end in (e.start, e.end):
            if end in hanging_set:
                types_of.setdefault(end, set()).add(e.type)
                edges_of.setdefault(end, []).append((k, e))
    groups: dict[tuple[str, str, str], list[str]] = {}
    for ref in hanging:
        if sub.nodes[ref].folded is not None or ref not in types_of:
            continue
        (via,) = near[ref]
        groups.setdefault((via, sub.nodes[ref].label, min(types_of[ref])), []).append(ref)
    folded = {r for refs in groups.values() if len(refs) >= at_least for r in refs}
    if not folded:
        return sub
    out = sub.without(folded)
    for (via, label, rel), refs in groups.items():
        if len(refs) < at_least:
            continue
        members = Subgraph()
        members.nodes = {r: sub.nodes[r] for r in refs}
        members.edges = {k: e for r in refs for k, e in edges_of[r]}
        ref = GROUP_PREFIX + hashlib.sha256(f"{via}|{label}|{rel}".encode()).hexdigest()[:16]
        total = (totals or {}).get(via)
        total = total if total and len(groups_of(groups, via, at_least)) == 1 else None
        caption = group_caption(len(refs), label, sub.nodes[via], rel, schema, total, via in open_ended)
        props = {"成员数 members": len(refs)}
        if total and total > len(refs):
            props["共计 in all"] = f"{total}+" if via in open_ended else total
        out.add_node(DrawNode(ref, label, None, caption, props, folded=members))
        # Direction as the members' edges ran, so the arrow still reads right.
        sample = next(e for e in members.edges.values() if e.type == rel)
        out.add_edge(DrawEdge(ref, via, rel) if sample.end == via else DrawEdge(via, ref, rel))
    return out


def groups_of(groups: dict[tuple[str, str, str], list[str]], via: str, at_least: int) -> list[tuple[str, str, str]]:
    # The engine's count is per first-hop node: it speaks for a group only when that node has one.
    return [k for k, refs in groups.items() if k[0] == via and len(refs) >= at_least]


def group_cap_notice(group: DrawNode) -> str:
    """What an opened group did not bring: a hub's members are fetched a
    bounded few at a time, never all 60,000 of a pension agency's."""
    total = group.props.get("共计 in all")
    if total is None or group.folded is None:
        return ""
    shown = len(group.folded.nodes)
    return (f"。共 {total} 个，仅列出 {shown} 个；请按关系类型或时间窗口筛选，或在「查询」页按单位列出全部 "
            f"(showing {shown} of {total}; filter by relationship type or time, or list them all with a saved query)")


def unfold(sub: Subgraph, ref: str) -> Subgraph:
    """The group node `ref` replaced by its members, placed around where it was."""
    group = sub.nodes.get(ref)
    if group is None or group.folded is None:
        return sub
    out = sub.without([ref])
    for n in group.folded.nodes.values():
        n.x = n.y = None
        out.add_node(n)
    for e in group.folded.edges.values():
        out.add_edge(e)
    if group.x is not None:
        anchor = next(iter(_neighbours(out).get(next(iter(group.folded.nodes)), set())), None)
        place_new(out, around=anchor)
    return out


def layout(sub: Subgraph, centre: str | None = None, tall: bool = False) -> Subgraph:
    """Positions for every node that has none: the whole picture when none
    has one (deterministic), otherwise only the newcomers. `tall` turns a
    picture wider than high on its side: a clue's evidence is drawn in the
    narrow panel beside the clue table, where a wide picture ran off both
    edges at a readable zoom."""
    if not sub.nodes:
        return sub
    if all(n.x is None for n in sub.nodes.values()):
        _full_layout(sub, centre, tall)
    elif any(n.x is None for n in sub.nodes.values()):
        place_new(sub)
    return sub


def _full_layout(sub: Subgraph, centre: str | None, tall: bool = False) -> None:
    import igraph

    refs = sorted(sub.nodes)                     # not the engine's row order: the same picture every time
    index = {r: i for i, r in enumerate(refs)}
    edges = sorted({tuple(sorted((index[e.start], index[e.end]))) for e in sub.edges.values() if e.start != e.end})
    g = igraph.Graph(n=len(refs), edges=edges)
    n = len(refs)
    seed = [[math.cos(2 * math.pi * i / n) * n, math.sin(2 * math.pi * i / n) * n] for i in range(n)]
    # The algorithm jiggles nodes with igraph's random generator: seed it
    # for every layout, or the same subgraph lands a pixel apart each time.
    igraph.set_random_number_generator(random.Random(7))
    coords = g.layout_fruchterman_reingold(seed=seed, niter=300, grid=False).coords if n > 1 else [[0.0, 0.0]]
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in edges) or [1.0]
    # A clue's few evidence nodes sit in a narrow column: closer together, they fit it at a readable zoom.
    scale = (EDGE_LENGTH if n > 8 else EDGE_LENGTH * 0.65) / max(lengths[len(lengths) // 2], 1e-6)
    ox, oy = coords[index[centre]] if centre in index else (0.0, 0.0)
    if tall and coords:
        xs, ys = [c[0] for c in coords], [c[1] for c in coords]
        if max(xs) - min(xs) > max(ys) - min(ys):
            coords = [[y, x] for x, y in coords]
    for r, (x, y) in zip(refs, coords):
        sub.nodes[r].x, sub.nodes[r].y = round((x - ox) * scale, 1), round((y - oy) * scale, 1)


def place_new(sub: Subgraph, around: str | None = None) -> None:
    """Nodes without a position go on an arc beyond the placed neighbour they
    came from (`around` first), facing away from the rest of the picture."""
    near = _neighbours(sub)
    placed = [n for n in sub.nodes.values() if n.x is not None]
    if not placed:
        _full_layout(sub, around)
        return
    cx = sum(n.x for n in placed) / len(placed)
    cy = sum(n.y for n in placed) / len(placed)
    pending = sorted(r for r, n in sub.nodes.items() if n.x is None)
    while pending:
        by_anchor: dict[str, list[str]] = {}
        for r in pending:
            anchors = sorted(a for a in near[r] if sub.nodes[a].x is not None)
            if anchors:
                by_anchor.setdefault(around if around in anchors else anchors[0], []).append(r)
        if not by_anchor:                        # not linked to anything drawn: off to one side
            x0 = max(n.x for n in sub.nodes.values() if n.x is not None) + EDGE_LENGTH
            for i, r in enumerate(pending):
                sub.nodes[r].x, sub.nodes[r].y = x0, cy + i * EDGE_LENGTH / 2
            return
        for anchor, refs in by_anchor.items():
            a = sub.nodes[anchor]
            base = math.atan2(a.y - cy, a.x - cx) if (a.x, a.y) != (cx, cy) else 0.0
            spread = min(2 * math.pi, 0.45 * len(refs))
            radius = EDGE_LENGTH * (1 + len(refs) / 14)
            for i, r in enumerate(refs):
                angle = base + (spread * (i + 0.5) / len(refs) - spread / 2 if len(refs) > 1 else 0.0)
                sub.nodes[r].x = round(a.x + radius * math.cos(angle), 1)
                sub.nodes[r].y = round(a.y + radius * math.sin(angle), 1)
        pending = [r for r in pending if sub.nodes[r].x is None]


def new_refs_from(before: dict[str, Any], after: Subgraph) -> list[str]:
    """What an expansion added: refs in `after` that `before` (refs or positions) did not hold."""
    return [r for r in after.nodes if r not in before]


def positions(sub: Subgraph) -> dict[str, tuple[Any, Any]]:
    return {r: (n.x, n.y) for r, n in sub.nodes.items()}


def keep_positions(old: Subgraph, new: Subgraph) -> None:
    """Nodes of `new` that `old` drew keep their places; the rest are placed around them."""
    for ref, node in new.nodes.items():
        was = old.nodes.get(ref)
        if was is not None and was.x is not None:
            node.x, node.y = was.x, was.y


def refilter_notice(old: Subgraph, new: Subgraph) -> str:
    """Keeps the drawn positions in `new` and says what the filters changed."""
    keep_positions(old, new)
    gone = [r for r in old.nodes if r not in new.nodes]
    added = [r for r in new.nodes if r not in old.nodes]
    if not gone and not added:
        return "筛选后图无变化：当前图中的关系都符合条件 nothing changed: every drawn fact matches the filters"
    return (f"按筛选重新查询：移除 {len(gone)} 个节点，新增 {len(added)} 个节点 "
            f"filters applied: {len(gone)} nodes removed, {len(added)} added")
