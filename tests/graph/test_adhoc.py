"""Typed queries: what is refused before it reaches the engine (no server needed)."""
from __future__ import annotations

import pytest

from reliefgraph.graph.adhoc import QueryRefused, check_typed_query, gds_calls

# GDS runs these in a READ transaction, so the database's read-only check
# lets them through; each changes GDS state (catalogue, models, the database).
GDS_STATE_CHANGES = [
    "CALL gds.graph.project('g', 'Person', 'KIN')",
    "MATCH (a)-[:KIN]->(b) RETURN gds.graph.project('g', a, b)",
    "CALL gds.graph.project.cypher('g', 'MATCH (n) RETURN id(n) AS id', 'RETURN 1')",
    "CALL gds.wcc.mutate('g', {mutateProperty: 'c'})",
    "CALL gds.pageRank.write('g', {writeProperty: 'rank'})",
    "CALL gds.graph.export('g', {dbName: 'copy'})",
    "CALL gds.graph.export.csv('g', {exportName: 'x'})",
    "CALL gds.graph.drop('g')",
    "CALL `gds`.`graph` . drop('g')",
    "CALL `gds.graph.drop`('g')",
    "CALL gds.graph.filter('h', 'g', '*', '*')",
    "CALL gds.graph.nodeProperties.write('g', ['c'])",
    "CALL gds.graph.relationships.drop('g', 'KIN')",
    "CALL gds.beta.pipeline.linkPrediction.create('p')",
    "CALL gds.model.drop('m')",
    "CALL gds.graphSage.train('g', {modelName: 'm'})",
    "CALL gds.config.defaults.set('concurrency', 1)",
    "CALL gds.graph.sample.rwr('h', 'g')",
    "CALL gds.GRAPH.PROJECT('g', 'Person', 'KIN')",
    "MATCH (n) RETURN n /* harmless */ UNION CALL gds.graph.drop('g') YIELD graphName RETURN graphName AS n",
]
GDS_READS = [
    "CALL gds.wcc.stream('g') YIELD nodeId, componentId RETURN nodeId, componentId",
    "CALL gds.pageRank.stats('g', {})",
    "CALL gds.pageRank.stream.estimate('g', {})",
    "RETURN gds.version()",
    "CALL gds.graph.list()",
    "MATCH (p:Person) RETURN gds.util.asNode(0), gds.similarity.jaccard([1], [1, 2])",
    "CALL gds.graph.nodeProperty.stream('g', 'c')",
    "MATCH (p:Person) // gds.graph.drop('g') is only a comment\nRETURN p",
]


@pytest.mark.parametrize("query", GDS_STATE_CHANGES)
def test_gds_state_changes_are_refused(query):
    with pytest.raises(QueryRefused, match="Graph Data Science"):
        check_typed_query(query)


@pytest.mark.parametrize("query", GDS_READS)
def test_gds_reads_pass(query):
    check_typed_query(query)


def test_names_are_found_however_quoted_or_spaced():
    assert gds_calls("CALL `gds` . `graph`.drop('g')") == ["gds.graph.drop"]


@pytest.mark.parametrize("query", [
    "LOAD CSV FROM 'https://x/' AS r RETURN r",
    "CALL apoc.load.json('https://x/')",
    "MATCH (p:Person) LOAD/**/CSV FROM 'https://x/' + p.citizen_id AS r RETURN r",
])
def test_clauses_that_reach_the_network_are_refused(query):
    with pytest.raises(QueryRefused, match="network"):
        check_typed_query(query)


def test_the_dashboard_box_refuses_a_projection_before_the_engine_sees_it(falkor):
    from reliefgraph.dashboard.permissions import Viewer
    from reliefgraph.dashboard.queryform import QueryInputError, run_adhoc

    sent = []
    read = falkor.read
    falkor.read = lambda query, *a, **kw: (sent.append(query), read(query, *a, **kw))[1]
    try:
        with pytest.raises(QueryInputError, match="Graph Data Science"):
            run_adhoc(falkor, "MATCH (a)-[:KIN]->(b) RETURN gds.graph.project('g', a, b)", Viewer("a", "admin"))
        assert run_adhoc(falkor, "RETURN 1 AS one", Viewer("a", "admin")).rows == [(1,)]
    finally:
        falkor.read = read
    assert sent == ["RETURN 1 AS one"]
