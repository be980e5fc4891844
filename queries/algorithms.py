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

On Neo4j the Graph Data Science library computes them (`graphdatascience`);
on the embedded FalkorDB, its built-in `algo.WCC` and `algo.betweenness`
where they exist, and for the rest (Louvain, PageRank over several
relationship types, Jaccard similarity) the subgraph is projected with
Cypher into python-igraph and computed there.
"""
from __future__ import annotations

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


def _key_expr(store: GraphStore, var: str, labels: list[str]) -> str:
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
        f"RETURN {_key_expr(store, 'a', labels)} AS a, {_key_expr(store, 'b', labels)} AS b").rows
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
        return _gds(store, "wcc", labels, rel_types, "componentId", "component")
    if store.backend == "falkordb":
        rows = store.read(
            "CALL algo.WCC({nodeLabels: $labels, relationshipTypes: $types}) YIELD node, componentId "
            f"RETURN {_key_expr(store, 'node', _check(labels))} AS ref, componentId",
            {"labels": labels, "types": _check(rel_types)}).rows
        # Isolated nodes are their own component in every engine; keep them out
        # so both backends report the same connected structure.
        sizes = pd.Series([c for _, c in rows]).value_counts()
        rows = [(r, c) for r, c in rows if sizes[c] > 1]
        return _frame([r for r, _ in rows], "component", [int(c) for _, c in rows])
    p = project(store, labels, rel_types)
    return _frame(p.refs, "component", p.graph.connected_components().membership)


def louvain(store: GraphStore, labels: list[str], rel_types: list[str]) -> pd.DataFrame:
    if _is_neo4j(store):
        return _gds(store, "louvain", labels, rel_types, "communityId", "community")
    p = project(store, labels, rel_types)
    return _frame(p.refs, "community", p.graph.community_multilevel().membership)


def pagerank(store: GraphStore, labels: list[str], rel_types: list[str]) -> pd.DataFrame:
    if _is_neo4j(store):
        return _gds(store, "pageRank", labels, rel_types, "score", "score")
    p = project(store, labels, rel_types)
    return _frame(p.refs, "score", p.graph.pagerank())


def betweenness(store: GraphStore, labels: list[str], rel_types: list[str]) -> pd.DataFrame:
    """Brokers: how many shortest paths between others run through a node (undirected)."""
    if _is_neo4j(store):
        return _gds(store, "betweenness", labels, rel_types, "score", "score")
    p = project(store, labels, rel_types)
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


def _gds(store: GraphStore, algo: str, labels: list[str], rel_types: list[str], yielded: str,
         column: str) -> pd.DataFrame:
    """Run a GDS algorithm on an undirected in-memory projection, stream it, drop the projection."""
    from graphdatascience import GraphDataScience

    gds = GraphDataScience(store.driver, database=store.database)
    name = f"reliefgraph_{algo}"
    if gds.graph.exists(name)["exists"]:
        gds.graph.drop(name)
    G, _ = gds.graph.project(name, _check(labels),
                             {t: {"orientation": "UNDIRECTED"} for t in _check(rel_types)})
    try:
        result = getattr(gds, algo).stream(G)
        keys = store.read(
            f"UNWIND $ids AS id MATCH (n) WHERE id(n) = id RETURN id, {_key_expr(store, 'n', labels)} AS ref",
            {"ids": [int(i) for i in result["nodeId"]]}).rows
    finally:
        G.drop()
    ref = dict(keys)
    refs = [ref[int(i)] for i in result["nodeId"]]
    return _frame(refs, column, result[yielded].tolist())
