"""New entities are written by CREATE, the rest by MERGE (loaders/knowledge.py);
where the engine seeks nodes by id, relationships and updates reach their
nodes by id, and where it bulk-inserts, new entities go that way. Every
route must leave the same graph, whatever mix of them a load takes."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from graph_fingerprint import fingerprint
from loader_support import AS_OF_M1, Graph
from reliefgraph.loaders.knowledge import GraphKnowledge
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan


class MergeOnly(GraphKnowledge):
    """Sends every row the MERGE way: the reference the CREATE route must match."""

    def new_rows(self, st, rows, flush):
        return pd.Series(False, index=rows.index)

    def written(self, st, rows, new):
        # Every key it sends is in the graph afterwards (ids are not used here).
        super().written(st, rows, pd.Series(True, index=rows.index))


def load(root, county, merge_only: bool, chunk_rows: int, seek: bool = True, bulk: bool = True, before=None):
    g = Graph(root)
    g.store.init_schema()
    if before is not None:
        before(g.store)
    # The reference takes no shortcut: every row by MERGE on its keys.
    g.store.seeks_node_ids = seek and not merge_only
    g.store.bulk_creates = bulk and seek and not merge_only
    loader = Loader(g.store, g.engine, g.rejects, as_of=date.fromisoformat(AS_OF_M1), chunk_rows=chunk_rows)
    if merge_only:
        loader.graph = MergeOnly(g.store)
    created = {"create": 0, "merge": 0, "by_id": 0, "bulk_nodes": 0, "bulk_rels": 0, "bulk_placed": 0}
    write_rows = g.store.write_rows
    create_nodes, create_relationships = g.store.create_nodes, g.store.create_relationships

    def bulk_nodes(nodes, keys, **kw):
        ids = create_nodes(nodes, keys, **kw)
        created["bulk_nodes"] += len(nodes)
        created["bulk_placed"] += 0 if ids is None else len(ids)
        return ids

    def bulk_rels(rels, src, dst, **kw):
        created["bulk_rels"] += len(rels)
        return create_relationships(rels, src, dst, **kw)

    g.store.create_nodes, g.store.create_relationships = bulk_nodes, bulk_rels

    def counting(query, rows, params=None, **kw):
        created["create" if "\nCREATE " in query else "merge"] += len(rows)
        created["by_id"] += len(rows) if "WHERE id(" in query else 0
        return write_rows(query, rows, params, **kw)

    g.store.write_rows = counting
    pairs, _ = plan(county, load_mappings())
    reports = [loader.load_file(path, mapping) for path, mapping in pairs]
    assert all(r.status == "loaded" for r in reports), [(r.file, r.error) for r in reports]
    return g, created


CHUNK = 1000   # small: the same person, phone or relationship recurs across chunks and files


@pytest.fixture(scope="module")
def expected(small_county, tmp_path_factory):
    """The reference every route must match: each row by MERGE on its keys."""
    ref, counts = load(tmp_path_factory.mktemp("merge_only"), small_county, merge_only=True, chunk_rows=CHUNK)
    try:
        assert counts["create"] == 0
        return fingerprint(ref.store)
    finally:
        ref.close()


def load_route(root, county, **route):
    """A load by one route: what it sent each way, and the graph it left."""
    g, counts = load(root, county, merge_only=False, chunk_rows=CHUNK, **route)
    try:
        return counts, fingerprint(g.store)
    finally:
        g.close()


def test_create_by_key_gives_the_graph_merge_gives(small_county, tmp_path, expected):
    """The route of an engine that cannot seek nodes by id (Neo4j here)."""
    counts, got = load_route(tmp_path / "g", small_county, seek=False)
    assert counts["create"] > counts["merge"] > 0 and counts["by_id"] == 0, counts
    assert counts["bulk_nodes"] == counts["bulk_rels"] == 0, counts
    assert got == expected, expected.diff(got)


def test_create_route_gives_the_graph_merge_gives_and_a_rewrite_over_it_changes_nothing(
        small_county, tmp_path, expected):
    g, counts = load(tmp_path / "g", small_county, merge_only=False, chunk_rows=CHUNK)
    try:
        # New nodes and relationships go by bulk insert, the rest by id or MERGE.
        assert counts["bulk_nodes"] == counts["bulk_placed"] > counts["merge"] > 0, counts
        assert counts["bulk_rels"] > counts["create"] and counts["by_id"] > 0, counts
        got = fingerprint(g.store)
        assert got == expected, expected.diff(got)

        # Forget the batches so every file is written again, over what exists:
        # a loader that reads the graph's keys must create nothing (updates by
        # id, relationships by MERGE).
        g.store.write("MATCH (b:LoadBatch) DETACH DELETE b")
        loader = Loader(g.store, g.engine, g.rejects, as_of=date.fromisoformat(AS_OF_M1), chunk_rows=CHUNK)
        queries = []
        write_rows = g.store.write_rows
        g.store.write_rows = lambda q, rows, params=None, **kw: (queries.append(q),
                                                                  write_rows(q, rows, params, **kw))[1]
        pairs, _ = plan(small_county, load_mappings())
        assert all(loader.load_file(p, m).status == "loaded" for p, m in pairs)
        assert queries and not any("\nCREATE " in q for q in queries)
        again = fingerprint(g.store)
    finally:
        g.close()
    assert again == expected, expected.diff(again)


def test_cypher_create_by_id_gives_the_graph_merge_gives(small_county, tmp_path, expected):
    """The route of an engine that seeks by id but cannot bulk-insert."""
    counts, got = load_route(tmp_path / "g", small_county, bulk=False)
    assert counts["create"] > counts["merge"] > 0 and counts["by_id"] > 0, counts
    assert counts["bulk_nodes"] == counts["bulk_rels"] == 0, counts
    assert got == expected, expected.diff(got)


def test_bulk_nodes_that_land_in_freed_slots_are_reached_by_key(small_county, tmp_path, expected):
    """Deleted nodes leave slots that new nodes take first, in an order the
    loader cannot predict: it must notice, and link such nodes by key."""
    def free_slots(store):
        store.write("UNWIND range(1, 40) AS i CREATE (:Scratch {i: i})")
        # Freed in an order that is not the order they will be taken again.
        store.write("MATCH (n:Scratch) WHERE n.i % 3 = 0 DELETE n")
        store.write("MATCH (n:Scratch) DELETE n")

    counts, got = load_route(tmp_path / "g", small_county, before=free_slots)
    assert 0 < counts["bulk_placed"] < counts["bulk_nodes"], counts
    assert got == expected, expected.diff(got)
