"""Graph algorithms with one API and one result shape on both backends.

Every function returns a pandas DataFrame keyed by `node` — the natural-key
reference `Label:key` used throughout reliefgraph — so rules, scores and the
dashboard never ask which engine computed it:

| function | columns |
|---|---|
| `wcc` | node, label, key, component |
| `louvain` | node, label, key, community |
| `pagerank` | node, label, key, score |
| `betweenness` | node, label, key, score |
| `node_similarity` | node1, node2, similarity, shared |
| `shortest_path` | (a path dict, or None) |

The subgraph is read by the same Cypher on both engines (`project`), so
both compute on the same nodes and edges; a node without any of the
relationships asked for is in no result, on either engine. On Neo4j the
Graph Data Science library computes WCC, Louvain, PageRank and betweenness
(`gds_values`: the edges go into a GDS projection named for this run, which
is dropped afterwards); on the embedded FalkorDB, its built-in `algo.WCC`,
and python-igraph for the rest. Scores are on one scale: PageRank sums to 1
(GDS reports it unnormalised), betweenness counts each pair of nodes once.
Jaccard similarity and shortest paths are plain Cypher on both.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import igraph as ig
import pandas as pd

from reliefgraph.graph.schema import IDENTIFIER
from reliefgraph.graph.store import GraphStore

NODE_COLUMNS = ["node", "label", "key"]


@dataclass
class Projection:
    """A subgraph as igraph sees it, with each vertex's natural-key reference."""
    graph: ig.Graph
    refs: list[str]


def _check(names: list[str]) -> list[str]:
    # Labels and types are spelled into query text; only identifiers pass.
    for n in names:
        if not IDENTIFIER.match(n):
            raise ValueError(f"{n!r} is not a label or relationship type")
    return names


def ref_expr(store: GraphStore, var: str, labels: list[str]) -> str:
    """Cypher for the `Label:key` reference of node `var`, one of `labels`."""
    parts = " ".join(f"WHEN {var}:{lbl} THEN '{lbl}:' + toString({var}.{store.schema.node(lbl).key})"
                     for lbl in labels)
    return f"CASE {parts} END"


def project(store: GraphStore, labels: list[str], rel_types: list[str]) -> Projection:
    """Undirected projection of the nodes with `labels` joined by `rel_types`."""
    _check(labels + rel_types)
    label_test = " OR ".join(f"n:{lbl}" for lbl in labels)
    edges = store.read(
        f"MATCH (a)-[r:{'|'.join(rel_types)}]->(b) "
        f"WHERE ({label_test.replace('n:', 'a:')}) AND ({label_test.replace('n:', 'b:')}) "
        f"RETURN {ref_expr(store, 'a', labels)} AS a, {ref_expr(store, 'b', labels)} AS b").rows
    refs = sorted({x for e in edges for x in e})
    index = {r: i for i, r in enumerate(refs)}
    g = ig.Graph(n=len(refs), edges=[(index[a], index[b]) for a, b in edges], directed=False)
    return Projection(graph=g, refs=refs)


def _frame(refs: list[str], column: str, values) -> pd.DataFrame:
    labels, keys = zip(*(r.split(":", 1) for r in refs)) if refs else ((), ())
    return pd.DataFrame({"node": refs, "label": labels, "key": keys, column: list(values)})


def _is_neo4j(store: GraphStore) -> bool:
    return store.backend == "neo4j"


def wcc(store: GraphStore, labels: list[str], rel_types: list[str]) -> pd.DataFrame:
    if _is_neo4j(store):
        p = project(store, labels, rel_types)
        return _frame(p.refs, "component", gds_values(store, p.graph, "wcc", "componentId"))
    if store.backend == "falkordb":
        rows = store.read(
            "CALL algo.WCC({nodeLabels: $labels, relationshipTypes: $types}) YIELD node, componentId "
            f"RETURN {ref_expr(store, 'node', _check(labels))} AS ref, componentId",
            {"labels": labels, "types": _check(rel_types)}).rows
        # Isolated nodes are their own component in every engine; keep them out
        # so both backends report the same connected structure.
        sizes = pd.Series([c for _, c in rows]).value_counts()
        rows = [(r, c) for r, c in rows if sizes[c] > 1]
        return _frame([r for r, _ in rows], "component", [int(c) for _, c in rows])
    p = project(store, labels, rel_types)
    return _frame(p.refs, "component", p.graph.connected_components().membership)


def louvain(store: GraphStore, labels: list[str], rel_types: list[str]) -> pd.DataFrame:
    p = project(store, labels, rel_types)
    if _is_neo4j(store):
        return _frame(p.refs, "community", gds_values(store, p.graph, "louvain", "communityId"))
    return _frame(p.refs, "community", p.graph.community_multilevel().membership)


def pagerank(store: GraphStore, labels: list[str], rel_types: list[str]) -> pd.DataFrame:
    p = project(store, labels, rel_types)
    if _is_neo4j(store):
        scores = gds_values(store, p.graph, "page_rank", "score")
        total = sum(scores) or 1.0
        return _frame(p.refs, "score", [s / total for s in scores])
    return _frame(p.refs, "score", p.graph.pagerank())


def betweenness(store: GraphStore, labels: list[str], rel_types: list[str]) -> pd.DataFrame:
    """Brokers: how many shortest paths between others run through a node (undirected)."""
    p = project(store, labels, rel_types)
    if _is_neo4j(store):
        return _frame(p.refs, "score", gds_values(store, p.graph, "betweenness", "score"))
    return _frame(p.refs, "score", p.graph.betweenness(directed=False))


def node_similarity(store: GraphStore, label: str, via_types: list[str], min_similarity: float = 0.0
                    ) -> pd.DataFrame:
    """Jaccard similarity of `label` nodes over the neighbours they reach by `via_types`
    (e.g. persons over the phones, addresses and accounts they use)."""
    _check([label, *via_types])
    key = store.schema.node(label).key
    rows = store.read(
        f"MATCH (a:{label})-[:{'|'.join(via_types)}]->(x)<-[:{'|'.join(via_types)}]-(b:{label}) "
        f"WHERE a.{key} < b.{key} "
        f"WITH a, b, count(DISTINCT x) AS shared "
        f"MATCH (a)-[:{'|'.join(via_types)}]->(xa) WITH a, b, shared, count(DISTINCT xa) AS na "
        f"MATCH (b)-[:{'|'.join(via_types)}]->(xb) WITH a, b, shared, na, count(DISTINCT xb) AS nb "
        f"RETURN a.{key} AS a, b.{key} AS b, shared, na, nb").rows
    out = [(f"{label}:{a}", f"{label}:{b}", shared / (na + nb - shared), shared) for a, b, shared, na, nb in rows]
    frame = pd.DataFrame(out, columns=["node1", "node2", "similarity", "shared"])
    return frame[frame["similarity"] > min_similarity].reset_index(drop=True)


def shortest_path(store: GraphStore, source: str, target: str, rel_types: list[str],
                  max_hops: int = 4) -> dict | None:
    """The shortest undirected evidence path between two `Label:key` refs, or None.

    Plain variable-length Cypher, the same on both engines (FalkorDB's
    shortestPath() is directed only); hops are bounded so it stays cheap.
    """
    (sl, sk), (tl, tk) = source.split(":", 1), target.split(":", 1)
    _check([sl, tl, *rel_types])
    if not 1 <= int(max_hops) <= 8:
        raise ValueError("max_hops must be between 1 and 8")
    skey, tkey = store.schema.node(sl).key, store.schema.node(tl).key
    for hops in range(1, int(max_hops) + 1):
        rows = store.read(
            f"MATCH p = (a:{sl} {{{skey}: $s}})-[:{'|'.join(rel_types)}*{hops}]-(b:{tl} {{{tkey}: $t}}) "
            "RETURN p LIMIT 1", {"s": sk, "t": tk}).rows
        if rows:
            return rows[0][0]
    return None


# GDS builds its graph from the integer pairs (each vertex's index in the
# projection), so stream results come back keyed by that index.
GDS_PROJECTION = ("UNWIND $edges AS edge "
                  "RETURN gds.graph.project($graph_name, edge[0], edge[1], {}, "
                  "{undirectedRelationshipTypes: ['*']})")
GDS_ALGORITHMS = {"wcc", "louvain", "page_rank", "betweenness"}


def gds_values(store: GraphStore, graph: ig.Graph, algorithm: str, column: str,
               missing: float = 0.0) -> list:
    """One GDS algorithm's `column` for each vertex of `graph`, in vertex order.

    The undirected graph is projected into GDS under a name of this run (two
    runs never share one) and dropped afterwards, whatever happens. A vertex
    with no edge is not in the projection: it gets `missing`, or for a
    component or community id (`...Id`) one of its own.
    """
    if algorithm not in GDS_ALGORITHMS:
        raise ValueError(f"{algorithm!r} is not one of {sorted(GDS_ALGORITHMS)}")
    if graph.ecount() == 0:
        return _alone(graph.vcount(), column, missing)
    name = f"reliefgraph-{algorithm}-{uuid.uuid4().hex}"
    with store.gds() as gds:
        projected, _ = gds.graph.project.cypher(GDS_PROJECTION, graph_name=name,
                                                edges=[list(e) for e in graph.get_edgelist()])
        try:
            frame = getattr(gds, algorithm).stream(projected, log_progress=False)
        finally:
            projected.drop(fail_if_missing=False)
    found = dict(zip(frame["nodeId"].astype(int).tolist(), frame[column].tolist()))
    if column.endswith("Id"):
        # Communities of isolated vertices: distinct ids past every real one.
        free = iter(range(max(found.values(), default=-1) + 1, 1 << 62))
        return [found[i] if i in found else next(free) for i in range(graph.vcount())]
    return [found.get(i, missing) for i in range(graph.vcount())]


def _alone(count: int, column: str, missing: float) -> list:
    return list(range(count)) if column.endswith("Id") else [missing] * count
