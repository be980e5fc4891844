"""Network signals for favour-based relief and cadre conflicts.

Rules find each tie; the network shows how the ties hang together. Around
the cadres that rules implicate, the kinship and shared-contact subgraph
(two kin hops, plus the phones, addresses and accounts those people use) is
split into communities (Louvain) and its brokers ranked (betweenness). A
clue whose cadre sits in a community with several other recipients gets a
modest score bonus and the figures in its facts, so an inspector sees the
cluster, not only the pair.

The neighbourhood is read by the same Cypher on both engines; on Neo4j the
Graph Data Science library computes Louvain and betweenness on it (see
`algorithms.gds_values`), on the embedded engine python-igraph does.
"""
from __future__ import annotations

import time

import igraph as ig
import pandas as pd

from reliefgraph.graph.store import GraphStore
from reliefgraph.queries.algorithms import ref_expr, gds_values

BONUS_MAX = 0.10        # at most this much of the remaining doubt is removed
BONUS_FULL_AT = 5       # other recipients in the community for the full bonus
CONTACT_TYPES = ["HAS_PHONE", "LIVES_AT", "HOLDS_ACCOUNT"]


def neighbourhood(store: GraphStore, cadres: list[str]) -> tuple[ig.Graph, list[str]]:
    """Undirected graph of the cadres' two-hop kin and the contacts they share."""
    # Each end by its label and natural key, so both engines name it alike.
    ends = ["Person", *sorted({t for c in CONTACT_TYPES for t in store.schema.rel(c).targets})]
    rows = store.read(
        "UNWIND $ids AS id MATCH (c:Person {citizen_id: id}) "
        "MATCH (c)-[:KIN*0..2]-(p:Person) WITH DISTINCT p "
        f"MATCH (p)-[r:{'|'.join(['KIN', *CONTACT_TYPES])}]-(q) "
        f"RETURN DISTINCT 'Person:' + p.citizen_id AS a, {ref_expr(store, 'q', ends)} AS b",
        {"ids": sorted(set(cadres))}).rows
    refs = sorted({x for row in rows for x in row})
    index = {r: i for i, r in enumerate(refs)}
    g = ig.Graph(n=len(refs), edges=[(index[a], index[b]) for a, b in rows], directed=False)
    g.simplify()
    return g, refs


def signals(store: GraphStore, pairs: list[tuple[str, str]],
            parts: dict[str, float] | None = None) -> tuple[dict[str, dict], float]:
    """For (subject, cadre) pairs: the cadre's community and broker standing.

    Returns {cadre_id: signal dict} and the seconds it took; `parts`, when
    given, receives the seconds of each step (network.neighbourhood,
    network.louvain, network.betweenness, network.recipients).
    """
    started = time.perf_counter()
    parts = {} if parts is None else parts
    cadres = sorted({c for _, c in pairs if c})
    if not cadres:
        return {}, 0.0
    g, refs = neighbourhood(store, cadres)
    parts["network.neighbourhood"] = time.perf_counter() - started
    if g.vcount() == 0:
        return {}, time.perf_counter() - started
    step = time.perf_counter()
    if store.backend == "neo4j":
        community = gds_values(store, g, "louvain", "communityId")
    else:
        community = g.community_multilevel().membership
    parts["network.louvain"] = time.perf_counter() - step
    step = time.perf_counter()
    if store.backend == "neo4j":
        between = gds_values(store, g, "betweenness", "score")
    else:
        between = g.betweenness(directed=False)
    parts["network.betweenness"] = time.perf_counter() - step
    step = time.perf_counter()
    recipients = {r[0] for r in store.read(
        "UNWIND $ids AS id MATCH (p:Person {citizen_id: id})<-[:HELD_BY]-(:Grant) RETURN DISTINCT id",
        {"ids": [r.split(":", 1)[1] for r in refs if r.startswith("Person:")]}).rows}
    parts["network.recipients"] = time.perf_counter() - step
    frame = pd.DataFrame({"ref": refs, "community": community, "betweenness": between})
    frame["recipient"] = [r.startswith("Person:") and r.split(":", 1)[1] in recipients for r in refs]
    per_community = frame.groupby("community").agg(size=("ref", "size"), recipients=("recipient", "sum"))
    rank = frame["betweenness"].rank(pct=True).to_numpy()
    # Look cadres up by position: scanning the frame once per cadre took over a minute at 300 k persons.
    position = {r: i for i, r in enumerate(refs)}
    sizes, held = per_community["size"].to_dict(), per_community["recipients"].to_dict()
    out = {}
    for cadre in cadres:
        i = position.get(f"Person:{cadre}")
        if i is None:
            continue
        comm = community[i]
        out[cadre] = {"community_size": int(sizes[comm]), "community_recipients": int(held[comm]),
                      "broker_percentile": round(float(rank[i]), 3)}
    return out, time.perf_counter() - started


def bonus(signal: dict | None) -> float:
    """Share of the remaining doubt removed because the cadre's community holds other recipients."""
    if not signal:
        return 0.0
    others = max(signal["community_recipients"] - 1, 0)
    return BONUS_MAX * min(others / BONUS_FULL_AT, 1.0)
