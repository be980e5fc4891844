"""The whole pipeline on Neo4j 5 with GDS: load (the writer Neo4j uses),
detect (network signals by GDS), summary, reports, dashboard queries and
algorithms, compared with the same county on the embedded engine.

Runs when NEO4J_URI points at a disposable Neo4j 5 server with the GDS
plugin (its data is wiped); skipped with that reason otherwise.
"""
from __future__ import annotations

import json
import os
from collections import Counter

import pytest

from neo4j_path_run import full_run
from graph_fingerprint import Fingerprint, _props, fingerprint
from reliefgraph.appdb import connect
from reliefgraph.graph.store import GraphStore, open_store
from reliefgraph.queries import algorithms as algo
from reliefgraph.queries import clues

NEO4J_SKIP = "NEO4J_URI is not set: Neo4j tests need a disposable Neo4j 5 server with GDS"
pytestmark = pytest.mark.neo4j


def portable_fingerprint(store: GraphStore) -> Fingerprint:
    """The graph by labels, natural keys and properties, read with Cypher both engines run."""
    labels = list(store.schema.nodes)
    nodes: Counter = Counter()
    node_counts: Counter = Counter()
    for label, props in store.read("MATCH (n) RETURN labels(n)[0], properties(n)").rows:
        key = props.get(store.schema.nodes[label].key) if label in store.schema.nodes else None
        nodes[f"({label} {json.dumps(key, ensure_ascii=False)} {_props(props, label)})"] += 1
        node_counts[label] += 1
    rels: Counter = Counter()
    rel_counts: Counter = Counter()
    for rtype, a, b, props in store.read(
            f"MATCH (a)-[r]->(b) RETURN type(r), {algo.ref_expr(store, 'a', labels)}, "
            f"{algo.ref_expr(store, 'b', labels)}, properties(r)").rows:
        rels[f"({a})-[{rtype} {_props(props, None)}]->({b})"] += 1
        rel_counts[rtype] += 1
    return Fingerprint(nodes=nodes, rels=rels, node_counts=node_counts, rel_counts=rel_counts)


@pytest.fixture(scope="module")
def on_neo4j(request, tmp_path_factory):
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip(NEO4J_SKIP)
    months = request.getfixturevalue("months")
    base = tmp_path_factory.mktemp("neo4j_run")
    store = open_store(uri)
    engine = connect(f"sqlite:///{base / 'app.db'}")
    try:
        store.write("MATCH (n) DETACH DELETE n")
        ran = full_run(store, engine, months, base / "rejects")
        yield store, engine, ran
    finally:
        engine.dispose()
        store.close()


def test_the_portable_fingerprint_sees_the_whole_graph(recorded):
    """The comparison below reads the graph with Cypher both engines run; here, on the
    embedded engine, it sees what the loader tests' fingerprint sees."""
    portable = portable_fingerprint(recorded.store.inner)
    full = fingerprint(recorded.store.inner)
    assert portable.node_counts == full.node_counts and portable.rel_counts == full.rel_counts
    assert len(portable.nodes) == len(full.nodes) and len(set(portable.rels)) == len(set(full.rels))


def test_load_and_derivations_on_neo4j_leave_the_embedded_graph(on_neo4j, recorded):
    store, _, _ = on_neo4j
    expected = portable_fingerprint(recorded.store.inner)
    got = portable_fingerprint(store)
    assert got == expected, expected.diff(got)


def test_detect_on_neo4j_finds_the_clues_the_embedded_engine_finds(on_neo4j, recorded):
    _, engine, ran = on_neo4j
    assert sorted(c["clue_id"] for c in clues.list_clues(engine)) == recorded.clue_ids
    assert ran["network_signals"] > 0, "GDS network signals reach the findings"


def test_summary_reports_dashboard_and_algorithms_see_what_the_embedded_engine_sees(on_neo4j, recorded):
    _, _, ran = on_neo4j
    same = {k: v for k, v in recorded.exercised.items() if k != "network_signals"}
    assert {k: ran[k] for k in same} == same


def test_no_gds_projection_outlives_its_run(on_neo4j):
    store, _, _ = on_neo4j
    with store.gds() as gds:
        left = [g.graph_name for g in gds.graph.list()]
    assert not [n for n in left if n.startswith("reliefgraph-")], left


def test_gds_agrees_with_igraph_on_the_county(on_neo4j, recorded):
    """Betweenness and PageRank on the county's kinship graph: the same scale on both engines."""
    store, _, _ = on_neo4j
    for run, tolerance in ((algo.betweenness, 1e-9), (algo.pagerank, 1e-3)):
        gds = run(store, ["Person"], ["KIN"]).set_index("node")["score"].sort_index()
        embedded = run(recorded.store.inner, ["Person"], ["KIN"]).set_index("node")["score"].sort_index()
        assert list(gds.index) == list(embedded.index)
        assert gds.tolist() == pytest.approx(embedded.tolist(), rel=tolerance, abs=1e-9), run.__name__
