"""Bulk creates (GRAPH.BULK) store exactly what the Cypher write route stores,
refuse what the engine could not take, and hand back ids only when each node
is known to sit at it."""
from __future__ import annotations

import uuid
from datetime import date

import numpy as np
import pandas as pd
import pytest

from reliefgraph.graph.falkordb_store import FalkorStore
from reliefgraph.graph.rows import ColumnRows
from reliefgraph.graph.store import StoreError

COLUMNS = {
    "name": pd.Series(["张三", 'say "hi"', "back\\slash", None, "}) DETACH DELETE n //"], dtype=object),
    "household_size": pd.Series([1, None, 3, 4, -2**63], dtype="Int64"),
    "monthly_amount": pd.Series([612.5, float("nan"), 0.1, -1e300, 3.0]),
    "alive": pd.Series([True, False, True, False, True]),
    "since": pd.Series([date(2021, 3, 1), None, date(1999, 12, 31), None, None], dtype=object),
}


@pytest.fixture
def store(embedded_dir):
    # A graph of its own: no deleted node has left a free slot in it.
    s = FalkorStore(embedded_dir, graph_name=f"bulk_{uuid.uuid4().hex[:8]}")
    s.init_schema()
    yield s
    s.db.connection.delete(s.graph_name)


def create_nodes(store, label, props, **kw):
    keys = props[store.schema.node(label).key]
    return store.create_nodes(store.encode_bulk(label, props, len(keys)), keys, **kw)


def _by_key(store, label="Person", key="citizen_id"):
    rows = store.read(f"MATCH (n:{label}) RETURN n.{key}, properties(n), id(n)").rows
    return {k: (props, i) for k, props, i in rows}


def test_bulk_nodes_store_what_cypher_create_stores(store):
    ids = pd.Series([f"B{i}" for i in range(5)])
    got = create_nodes(store, "Person", {"citizen_id": ids, **COLUMNS, "src_file": "户籍.csv", "src_row": 7})
    cypher_keys = pd.Series([f"C{i}" for i in range(5)])
    rows = ColumnRows(i=pd.Series(range(5)), maps={"k": {"id": cypher_keys}, "n": COLUMNS})
    store.write_rows("UNWIND $rows AS row CREATE (n:Person {citizen_id: row.k.id, name: row.n.name, "
                     "household_size: row.n.household_size, monthly_amount: row.n.monthly_amount, "
                     "alive: row.n.alive, since: row.n.since, src_file: $f, src_row: 7})", rows, {"f": "户籍.csv"})
    nodes = _by_key(store)
    for i in range(5):
        bulk, cypher = nodes[f"B{i}"][0], nodes[f"C{i}"][0]
        assert {**bulk, "citizen_id": None} == {**cypher, "citizen_id": None}
        assert type(bulk.get("household_size", 0)) is int and type(bulk.get("monthly_amount", 0.0)) is float
    assert "name" not in nodes["B3"][0] and "monthly_amount" not in nodes["B1"][0], "a blank value is not stored"
    assert nodes["B0"][0]["since"] == "2021-03-01"
    # Ids come back in row order, and the key index finds the new nodes.
    assert list(got) == [nodes[f"B{i}"][1] for i in range(5)]
    assert store.read("MATCH (n:Person {citizen_id: 'B4'}) RETURN n.name").scalar() == "}) DETACH DELETE n //"


def test_bulk_relationships_join_the_given_ids_with_their_properties(store):
    ids = create_nodes(store, "Person", {"citizen_id": pd.Series(["A", "B", "C"])})
    props = {"relation": pd.Series(["spouse", None, "child", "x"]), "src_row": pd.Series([1, 2, 3, 4]),
             "src_agency": "公安"}
    # Encoded for four; the writer learns that one end of the last is unknown.
    rels = store.encode_bulk("KIN", props, 4).take(np.array([True, True, True, False]))
    store.create_relationships(rels, ids[[0, 0, 2]], ids[[1, 2, 1]])
    rows = store.read("MATCH (a)-[r:KIN]->(b) RETURN a.citizen_id, b.citizen_id, properties(r) "
                      "ORDER BY r.src_row").rows
    assert rows == [("A", "B", {"relation": "spouse", "src_row": 1, "src_agency": "公安"}),
                    ("A", "C", {"src_row": 2, "src_agency": "公安"}),
                    ("C", "B", {"relation": "child", "src_row": 3, "src_agency": "公安"})]


@pytest.mark.parametrize("props, why", [
    ({"name": pd.Series(["a\x00b"])}, "NUL"),
    ({"monthly_amount": pd.Series([float("inf")])}, "non-finite"),
    ({"src_file": "a\x00b"}, "NUL"),
])
def test_values_the_engine_cannot_take_are_refused_before_anything_is_sent(store, props, why):
    with pytest.raises(ValueError, match=why):
        create_nodes(store, "Person", {"citizen_id": pd.Series(["X"]), **props})
    assert store.counts()["nodes"] == 0


def test_a_node_stream_without_properties_is_refused(store):
    # It would be zero bytes, and the engine would create no node at all.
    with pytest.raises(ValueError, match="at least one property"):
        store.create_nodes(store.encode_bulk("Person", {}, 3), pd.Series(["a", "b", "c"]))
    assert store.counts()["nodes"] == 0


def test_nodes_that_take_freed_slots_get_no_ids_but_are_written(store):
    first = create_nodes(store, "Person", {"citizen_id": pd.Series([f"P{i}" for i in range(6)])})
    assert list(first) == list(range(6))
    # Free slots 4 then 5: the engine hands out the last freed first (5, 4,
    # then 6), where the writer would expect 4, 5, 6.
    store.write("MATCH (n:Person {citizen_id: 'P4'}) DELETE n")
    store.write("MATCH (n:Person {citizen_id: 'P5'}) DELETE n")
    again = create_nodes(store, "Person", {"citizen_id": pd.Series(["N1", "N2", "N3"])})
    assert again is None
    assert sorted(_by_key(store)) == ["N1", "N2", "N3", "P0", "P1", "P2", "P3"]


def test_large_batches_are_split_and_ids_stay_in_order(store):
    keys = pd.Series([f"L{i:06d}" for i in range(2_500)])
    got = create_nodes(store, "Person", {"citizen_id": keys, "src_row": pd.Series(np.arange(2_500))},
                       batch_size=1_000)
    assert list(got) == list(range(2_500))
    assert store.read("MATCH (n:Person) WHERE id(n) = 1999 RETURN n.citizen_id, n.src_row").rows == [
        ("L001999", 1999)]


def test_a_refused_bulk_insert_loses_nothing_that_was_saved(store):
    """FalkorDB drops the whole graph when it refuses a bulk insert: the store
    must restart it from the last snapshot rather than let a snapshot keep
    the empty graph."""
    create_nodes(store, "Person", {"citizen_id": pd.Series(["KEPT"])})
    store.snapshot()
    with pytest.raises(StoreError, match="run the command again"):
        store._bulk(lambda: store.db.connection.execute_command("GRAPH.BULK", store.graph_name, 1, 0))
    store.snapshot()
    assert store.read("MATCH (n:Person) RETURN n.citizen_id").rows == [("KEPT",)]
