"""The store contract: what every backend must do, run on each available one."""
from __future__ import annotations

import pytest

from reliefgraph.graph.store import ReadOnlyViolation, StoreError

NODE_ROWS = 100_000


def test_schema_init_is_idempotent_and_enforces_keys(clean):
    clean.init_schema()
    assert clean.init_schema() == [], "a second init must change nothing"
    clean.write("CREATE (:Person {citizen_id: $id})", {"id": "A1"})
    with pytest.raises(StoreError):
        clean.write("CREATE (:Person {citizen_id: $id})", {"id": "A1"})
    assert clean.read("MATCH (p:Person) RETURN count(p)").scalar() == 1


def test_batch_write_of_100k_rows(clean):
    rows = [{"id": f"P{i:06d}", "name": f"名{i % 97}", "hh": f"H{i // 4:06d}"} for i in range(NODE_ROWS)]
    nodes = clean.write_batches(
        "UNWIND $rows AS row MERGE (p:Person {citizen_id: row.id}) SET p.name = row.name",
        rows, batch_size=10_000)
    assert nodes.nodes_created == NODE_ROWS
    assert nodes.batches == 10 and nodes.rows == NODE_ROWS
    rels = clean.write_batches(
        "UNWIND $rows AS row MATCH (p:Person {citizen_id: row.id}) "
        "MERGE (h:Household {household_id: row.hh}) MERGE (p)-[:MEMBER_OF]->(h)",
        rows, batch_size=25_000)
    assert rels.relationships_created == NODE_ROWS
    assert clean.counts() == {"nodes": NODE_ROWS + NODE_ROWS // 4, "relationships": NODE_ROWS}
    # MERGE on the natural key: re-running the same step converges, nothing doubles.
    again = clean.write_batches(
        "UNWIND $rows AS row MERGE (p:Person {citizen_id: row.id}) SET p.name = row.name", rows)
    assert again.nodes_created == 0
    assert clean.counts()["nodes"] == NODE_ROWS + NODE_ROWS // 4


HOSTILE = [
    "张三", "O'Brien", 'say "hi"', "back\\slash", "x' OR 1=1 //", "}) MATCH (n) DETACH DELETE n //",
    "line\nbreak", "$other",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_parameters_round_trip_verbatim(clean, value):
    clean.write("CREATE (:Person {citizen_id: $id, name: $name})", {"id": "K", "name": value})
    got = clean.read("MATCH (p:Person {name: $name}) RETURN p.name AS name, p.citizen_id AS id",
                     {"name": value})
    assert got.records() == [{"name": value, "id": "K"}]
    assert clean.counts()["nodes"] == 1


def test_typed_parameters(clean):
    clean.write("CREATE (:Grant {grant_id: $g, monthly_amount: $amt, start: $start, tags: $tags})",
                {"g": "G1", "amt": 612.5, "start": __import__("datetime").date(2021, 3, 1),
                 "tags": ["a", "b"]})
    rec = clean.read("MATCH (g:Grant) WHERE g.start >= $since RETURN g", {"since": "2021-01-01"}).scalar()
    assert rec["monthly_amount"] == 612.5
    assert rec["start"] == "2021-03-01", "dates are stored as ISO strings"
    assert rec["tags"] == ["a", "b"]
    assert rec["_labels"] == ["Grant"]
    with pytest.raises(ValueError):
        clean.write("CREATE (:Grant {grant_id: $g})", {"g": float("nan")})


def test_results_have_one_shape(clean):
    clean.write("CREATE (:Person {citizen_id: 'a'})-[:KIN {kind: 'spouse'}]->(:Person {citizen_id: 'b'})")
    res = clean.read("MATCH path = (a:Person)-[k:KIN]->(b:Person) RETURN a, k, path")
    assert res.columns == ["a", "k", "path"]
    a, k, path = res.rows[0]
    assert a["citizen_id"] == "a" and a["_labels"] == ["Person"]
    assert k["_type"] == "KIN" and k["kind"] == "spouse"
    assert k["_start"] == a["_id"]
    assert [n["citizen_id"] for n in path["nodes"]] == ["a", "b"]
    assert [r["_type"] for r in path["relationships"]] == ["KIN"]


@pytest.mark.parametrize("query", [
    "CREATE (:Person {citizen_id: 'evil'})",
    "MATCH (p:Person) SET p.name = 'x'",
    "MATCH (p:Person) DETACH DELETE p",
    "MERGE (:Person {citizen_id: 'evil'})",
    "MATCH (p:Person) REMOVE p.name",
])
def test_read_only_query_refuses_writes(clean, query):
    clean.write("CREATE (:Person {citizen_id: 'keep', name: 'n'})")
    with pytest.raises(ReadOnlyViolation):
        clean.read(query)
    got = clean.read("MATCH (p:Person) RETURN p.citizen_id AS id, p.name AS name").records()
    assert got == [{"id": "keep", "name": "n"}]


def test_batch_query_must_take_rows_as_parameter(clean):
    with pytest.raises(ValueError):
        clean.write_batches("CREATE (:Person)", [{"a": 1}])
