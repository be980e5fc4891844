"""A Neo4j that is down, or goes away, is a clear error naming where, never a
driver traceback, and never shows the password in the URI. Runs without a
server: the driver talks to a loopback port nothing listens on."""
from __future__ import annotations

import socket

import neo4j
import pytest

from reliefgraph.graph.neo4j_store import Neo4jStore, public_location
from reliefgraph.graph.store import StoreError, open_store


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_opening_an_unreachable_neo4j_names_it(closed_port, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw")
    with pytest.raises(StoreError) as err:
        open_store(f"bolt://127.0.0.1:{closed_port}")
    message = str(err.value)
    assert f"bolt://127.0.0.1:{closed_port}" in message
    assert "无法连接" in message and "unreachable" in message and "s3cret-pw" not in message
    assert err.value.__cause__ is None and err.value.__suppress_context__, "no driver traceback attached"


def test_credentials_in_the_uri_are_refused_without_repeating_them(closed_port):
    # The driver refuses user info in a URI with a message that quotes it whole.
    with pytest.raises(StoreError) as err:
        open_store(f"bolt://inspector:s3cret-pw@127.0.0.1:{closed_port}")
    message = str(err.value)
    assert "NEO4J_PASSWORD" in message and f"bolt://127.0.0.1:{closed_port}" in message
    assert "s3cret-pw" not in message and "inspector" not in message
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_a_connection_lost_after_opening_is_a_store_error_on_every_call(closed_port):
    store = Neo4jStore(f"bolt://127.0.0.1:{closed_port}", verify=False)
    # The driver retries a transaction for 30 s before giving up; a test need not wait that long.
    store.driver.close()
    store.driver = neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{closed_port}", max_transaction_retry_time=0.2)
    try:
        for call in (lambda: store.read("RETURN 1"), lambda: store.write("CREATE (:Scratch)"),
                     store.init_schema, store.describe):
            with pytest.raises(StoreError, match=f"127.0.0.1:{closed_port}"):
                call()
    finally:
        store.close()


def test_public_location_drops_user_and_password():
    assert public_location("neo4j+s://u:p@db.example:7687/x?y=1") == "neo4j+s://db.example:7687/x"
    assert public_location("bolt://[::1]:7687") == "bolt://[::1]:7687"
    assert public_location("bolt://host") == "bolt://host"


def test_gds_on_an_unreachable_neo4j_is_a_store_error_within_seconds(closed_port):
    import time

    store = Neo4jStore(f"bolt://127.0.0.1:{closed_port}", verify=False)
    store.driver.close()
    store.driver = neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{closed_port}", max_transaction_retry_time=0.2)
    started = time.monotonic()
    try:
        with pytest.raises(StoreError, match=f"127.0.0.1:{closed_port}"):
            with store.gds() as gds:
                gds.run_cypher("RETURN 1")
    finally:
        store.close()
    assert time.monotonic() - started < 30


def test_the_gds_runner_gives_up_on_a_lost_server_within_seconds(closed_port):
    import time

    from graphdatascience.query_runner.query_type import QueryType

    from reliefgraph.graph import gds_client

    driver = neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{closed_port}")
    runner = gds_client.PromptRunner(driver, "bolt", database="neo4j", show_progress=False)
    started = time.monotonic()
    try:
        with pytest.raises(gds_client.UnableToConnectError):
            runner.run_cypher("CALL gds.wcc.stream('g')", QueryType.USER_TRANSPILED)
    finally:
        driver.close()
    assert time.monotonic() - started < 30, "graphdatascience's own default would wait 600 s"
