"""Graph algorithms on small graphs with known answers (the embedded engine)."""
from __future__ import annotations

import pytest

from reliefgraph.queries import algorithms as algo

KIN = ["KIN"]


@pytest.fixture
def two_families(empty_falkor):
    """Two kin triangles joined through one broker B; D stands alone."""
    empty_falkor.write("""
        CREATE (a1:Person {citizen_id: 'A1'}), (a2:Person {citizen_id: 'A2'}), (a3:Person {citizen_id: 'A3'}),
               (c1:Person {citizen_id: 'C1'}), (c2:Person {citizen_id: 'C2'}), (c3:Person {citizen_id: 'C3'}),
               (b:Person {citizen_id: 'B'}), (:Person {citizen_id: 'D'}),
               (a1)-[:KIN {kind: 'spouse'}]->(a2), (a2)-[:KIN {kind: 'parent'}]->(a3), (a3)-[:KIN {kind: 'parent'}]->(a1),
               (c1)-[:KIN {kind: 'spouse'}]->(c2), (c2)-[:KIN {kind: 'parent'}]->(c3), (c3)-[:KIN {kind: 'parent'}]->(c1),
               (b)-[:KIN {kind: 'parent'}]->(a1), (b)-[:KIN {kind: 'parent'}]->(c1)
    """)
    return empty_falkor


def test_wcc_finds_the_connected_family_and_leaves_out_the_isolated(two_families):
    df = algo.wcc(two_families, ["Person"], KIN)
    assert list(df.columns) == ["node", "label", "key", "component"]
    assert set(df["key"]) == {"A1", "A2", "A3", "B", "C1", "C2", "C3"}
    assert df["component"].nunique() == 1


def test_louvain_separates_the_two_families(two_families):
    df = algo.louvain(two_families, ["Person"], KIN).set_index("key")["community"]
    assert df["A1"] == df["A2"] == df["A3"] and df["C1"] == df["C2"] == df["C3"]
    assert df["A1"] != df["C1"]


def test_betweenness_ranks_the_broker_first(two_families):
    df = algo.betweenness(two_families, ["Person"], KIN).sort_values("score", ascending=False)
    assert list(df["key"][:3]) in (["B", "A1", "C1"], ["B", "C1", "A1"])
    assert df.set_index("key")["score"]["A2"] == 0


def test_pagerank_sums_to_one_and_favours_the_best_connected(two_families):
    df = algo.pagerank(two_families, ["Person"], KIN).set_index("key")["score"]
    assert abs(df.sum() - 1) < 1e-6
    assert df["A1"] > df["A2"] and df["C1"] > df["C3"]


def test_node_similarity_is_jaccard_over_shared_contacts(empty_falkor):
    empty_falkor.write("""
        CREATE (p:Person {citizen_id: 'P'}), (q:Person {citizen_id: 'Q'}), (r:Person {citizen_id: 'R'}),
               (x:Phone {number: '13800000001'}), (y:Address {address_key: '青禾县某村1号'}), (z:BankAccount {account_no: '6222'}),
               (p)-[:HAS_PHONE]->(x), (q)-[:HAS_PHONE]->(x), (p)-[:LIVES_AT]->(y), (q)-[:LIVES_AT]->(y),
               (p)-[:HOLDS_ACCOUNT]->(z), (r)-[:HOLDS_ACCOUNT]->(:BankAccount {account_no: '6223'})
    """)
    df = algo.node_similarity(empty_falkor, "Person", ["HAS_PHONE", "LIVES_AT", "HOLDS_ACCOUNT"])
    assert df.to_dict("records") == [{"node1": "Person:P", "node2": "Person:Q", "similarity": 2 / 3, "shared": 2}]


def test_shortest_evidence_path_runs_through_the_broker(two_families):
    path = algo.shortest_path(two_families, "Person:A2", "Person:C3", KIN, max_hops=5)
    assert [n["citizen_id"] for n in path["nodes"]] == ["A2", "A1", "B", "C1", "C3"]
    assert algo.shortest_path(two_families, "Person:A2", "Person:D", KIN, max_hops=3) is None


def test_labels_and_types_must_be_identifiers(two_families):
    with pytest.raises(ValueError):
        algo.wcc(two_families, ["Person"], ["KIN]->() DETACH DELETE n //"])


# Known answers, asserted on every backend available: the embedded engine
# here, and Neo4j with GDS when NEO4J_URI is set (tests/conftest.py).
TWO_FAMILIES = """
    CREATE (a1:Person {citizen_id: 'A1'}), (a2:Person {citizen_id: 'A2'}), (a3:Person {citizen_id: 'A3'}),
           (c1:Person {citizen_id: 'C1'}), (c2:Person {citizen_id: 'C2'}), (c3:Person {citizen_id: 'C3'}),
           (b:Person {citizen_id: 'B'}), (:Person {citizen_id: 'D'}),
           (a1)-[:KIN]->(a2), (a2)-[:KIN]->(a3), (a3)-[:KIN]->(a1),
           (c1)-[:KIN]->(c2), (c2)-[:KIN]->(c3), (c3)-[:KIN]->(c1),
           (b)-[:KIN]->(a1), (b)-[:KIN]->(c1)
"""
# Undirected, each pair of nodes counted once: every path between the two
# families runs through B (3 x 3 pairs) and through A1 or C1 (B and the other
# family's 3, times the 2 others in the family's triangle).
BETWEENNESS = {"B": 9.0, "A1": 8.0, "C1": 8.0, "A2": 0.0, "A3": 0.0, "C2": 0.0, "C3": 0.0}
# A star of three phones around one person, damping 0.85, normalised to sum 1:
# centre c = 0.15/4 + 0.85 * 3 leaf, leaf = 0.15/4 + 0.85 * c / 3.
STAR_CENTRE = (0.15 / 4) * (1 + 0.85 * 3) / (1 - 0.85 * 0.85)
STAR_LEAF = (1 - STAR_CENTRE) / 3


def test_known_answers_on_every_backend(clean):
    clean.write(TWO_FAMILIES)
    clean.write("CREATE (s:Person {citizen_id: 'S'}) WITH s UNWIND ['1', '2', '3'] AS n "
                "CREATE (s)-[:HAS_PHONE]->(:Phone {number: '1380000000' + n})")

    components = algo.wcc(clean, ["Person"], KIN)
    assert list(components.columns) == ["node", "label", "key", "component"]
    assert sorted(components["key"]) == ["A1", "A2", "A3", "B", "C1", "C2", "C3"], "D has no kin: left out"
    assert components["component"].nunique() == 1

    between = algo.betweenness(clean, ["Person"], KIN).set_index("key")["score"].to_dict()
    assert between == pytest.approx(BETWEENNESS)

    community = algo.louvain(clean, ["Person"], KIN).set_index("key")["community"]
    assert community["A1"] == community["A2"] == community["A3"] != community["C1"] == community["C2"]

    rank = algo.pagerank(clean, ["Person", "Phone"], ["HAS_PHONE"]).set_index("key")["score"]
    assert list(rank.index.sort_values()) == ["13800000001", "13800000002", "13800000003", "S"]
    assert rank["S"] == pytest.approx(STAR_CENTRE, rel=1e-3)
    assert rank.drop("S").tolist() == pytest.approx([STAR_LEAF] * 3, rel=1e-3)
    assert rank.sum() == pytest.approx(1.0)


def test_the_gds_client_offers_what_the_neo4j_path_calls():
    """graphdatascience is pinned (pyproject.toml) to the API `gds_values` calls."""
    import inspect
    import typing
    from importlib.metadata import version
    from pathlib import Path

    import tomllib
    from packaging.requirements import Requirement
    from graphdatascience import GraphDataScience
    from graphdatascience.graph.graph_api import Graph
    from graphdatascience.procedure_surface.cypher.catalog.projection_cypher_endpoints import ProjectCypherEndpoints

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    pin = next(Requirement(d) for d in project["project"]["dependencies"] if d.startswith("graphdatascience"))
    assert pin.specifier.contains(version("graphdatascience")), (pin, version("graphdatascience"))
    assert not pin.specifier.contains("1.12") and not pin.specifier.contains("3.0"), "pinned to one major"

    assert {"endpoint", "database", "arrow", "show_progress"} <= set(inspect.signature(GraphDataScience).parameters)
    cypher = inspect.signature(ProjectCypherEndpoints.cypher).parameters
    assert "query" in cypher and any(p.kind is p.VAR_KEYWORD for p in cypher.values())
    assert "fail_if_missing" in inspect.signature(Graph.drop).parameters
    for name in algo.GDS_ALGORITHMS:
        endpoints = typing.get_type_hints(getattr(GraphDataScience, name).fget)["return"]
        assert {"G", "log_progress"} <= set(inspect.signature(endpoints.stream).parameters), name
