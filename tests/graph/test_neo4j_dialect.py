"""Queries are written once, in the form both engines parse; the Neo4j store
rewrites the one construct Neo4j 5.26 deprecates and FalkorDB lacks."""
from __future__ import annotations

import pytest

from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.neo4j_store import for_neo4j
from reliefgraph.graph.store import open_store


@pytest.mark.parametrize("written, sent", [
    ("MATCH (n) CALL { WITH n, m MATCH (m)--(x) RETURN x LIMIT 3 } RETURN x",
     "MATCH (n) CALL (n, m) { MATCH (m)--(x) RETURN x LIMIT 3 } RETURN x"),
    ("UNWIND $k AS k MATCH (m:Grant {grant_id: k}) CALL {WITH m\nOPTIONAL MATCH (m)--(x) RETURN count(x) AS d} RETURN d",
     "UNWIND $k AS k MATCH (m:Grant {grant_id: k}) CALL (m) { OPTIONAL MATCH (m)--(x) RETURN count(x) AS d} RETURN d"),
])
def test_an_importing_subquery_reaches_neo4j_with_a_scope_clause(written, sent):
    assert for_neo4j(written) == sent


@pytest.mark.parametrize("query", [
    "MATCH (n) WITH n, count(*) AS c RETURN n",                      # no subquery
    "CALL { MATCH (x) RETURN x } RETURN x",                           # imports nothing
    "CALL db.awaitIndexes(600)",
    "MATCH (n) CALL { WITH n WHERE n.v > 1 RETURN n AS m } RETURN m",  # not a plain import: left alone
])
def test_other_queries_pass_unchanged(query):
    assert for_neo4j(query) == query


def test_the_written_form_runs_on_the_embedded_engine(tmp_path):
    store = open_store(str(tmp_path / "g"))
    try:
        store.write("CREATE (:A {v: 1})-[:R]->(:B {v: 2}), (:A {v: 3})", snapshot=False)
        rows = store.read("MATCH (n:A) CALL { WITH n MATCH (n)--(x) RETURN x LIMIT 1 } RETURN n.v, x.v").rows
        assert rows == [(1, 2)]
    finally:
        store.close()
        EmbeddedServer(tmp_path / "g").stop()
