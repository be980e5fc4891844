"""On the embedded engine, the Neo4j path's writer (no id seeks, no bulk
inserts: every batch as a parameter through `write`) leaves the same graph as
the fast path, after two months' loads, a link undone and detect's derivations."""
from __future__ import annotations

from neo4j_path_run import load_months
from graph_fingerprint import fingerprint
from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.queries.detect import derive


def test_the_neo4j_path_writer_leaves_the_graph_the_fast_path_leaves(recorded, months, tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'app.db'}")
    store = open_store(str(tmp_path / "graph"))
    sent = {"bulk": 0, "by_id": 0}
    create_nodes, write_rows = store.create_nodes, store.write_rows

    def bulk(nodes, keys, **kw):
        sent["bulk"] += len(nodes)
        return create_nodes(nodes, keys, **kw)

    def rows(query, batch, params=None, **kw):
        sent["by_id"] += "WHERE id(" in query
        return write_rows(query, batch, params, **kw)

    store.create_nodes, store.write_rows = bulk, rows
    try:
        assert store.seeks_node_ids and store.bulk_creates
        load_months(store, engine, months, tmp_path / "rejects")
        derive(store)
        assert sent["bulk"] > 0 and sent["by_id"] > 0, f"the fast path took its shortcuts: {sent}"
        fast = fingerprint(store)
    finally:
        store.close()
        engine.dispose()
        EmbeddedServer(tmp_path / "graph").stop()

    # The Neo4j-path run (load, detect, then only reads) on the embedded engine itself.
    neo4j_path = fingerprint(recorded.store.inner)
    assert sum(fast.node_counts.values()) > 10_000 and fast.rel_counts["KIN"] > 0
    assert neo4j_path == fast, fast.diff(neo4j_path)
    assert neo4j_path.digest == fast.digest
