"""Shared fixtures: a real embedded FalkorDB per test module, Neo4j when
NEO4J_URI points at a disposable test server (its data is wiped), and the
application database on SQLite and on a throw-away PostgreSQL cluster."""
from __future__ import annotations

import os
import signal

import psutil
import pytest
from hypothesis import settings

# Machines running the suite are shared: a per-example deadline measures the
# neighbours, not the code. Property tests bound their work by example count.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

from pgcluster import Cluster, server_bindir

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store

NEO4J_SKIP = "NEO4J_URI is not set: Neo4j tests need a disposable Neo4j 5 server"
PG_MISSING = ("PostgreSQL server binaries not found (Debian: apt-get install postgresql; "
              ".ci/run installs them)")


@pytest.fixture(scope="module")
def embedded_dir(tmp_path_factory):
    # mktemp keeps the path short: a unix socket path is limited to 107 bytes.
    path = tmp_path_factory.mktemp("g")
    yield path / "graph"
    EmbeddedServer(path / "graph").stop()


@pytest.fixture(scope="module", params=["falkordb", "neo4j"])
def any_store(request, embedded_dir):
    """The same contract runs on every backend available here."""
    if request.param == "neo4j":
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            pytest.skip(NEO4J_SKIP)
        store = open_store(uri)
    else:
        store = open_store(str(embedded_dir))
    yield store
    store.close()


@pytest.fixture
def clean(any_store):
    any_store.write("MATCH (n) DETACH DELETE n", snapshot=False)
    return any_store


@pytest.fixture(scope="module")
def falkor(embedded_dir):
    store = open_store(str(embedded_dir))
    yield store
    store.close()


@pytest.fixture
def empty_falkor(falkor):
    falkor.write("MATCH (n) DETACH DELETE n", snapshot=False)
    return falkor


@pytest.fixture(scope="session", autouse=True)
def no_server_outlives_the_session(tmp_path_factory):
    """Stop any embedded server a test left running under this session's temp dir.

    pytest deletes old temp dirs; a server whose data dir is deleted would run
    on as an orphan, and tests must leave the machine as they found it."""
    base = str(tmp_path_factory.getbasetemp())
    yield
    for proc in psutil.process_iter(["cmdline"]):
        if base in " ".join(proc.info["cmdline"] or []) and "redis-server" in " ".join(proc.info["cmdline"] or []):
            try:
                proc.send_signal(signal.SIGTERM)
            except psutil.Error:
                pass


@pytest.fixture(scope="session")
def pg_cluster():
    bindir = server_bindir()
    if bindir is None:
        if os.environ.get("CI"):  # CI installs the server: missing there is a failure, not a skip
            pytest.fail(PG_MISSING)
        pytest.skip(PG_MISSING)
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def app_db_url(request, tmp_path):
    """A fresh, migrated application database on each backend the product supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture
def app_db(app_db_url):
    engine = connect(app_db_url)
    yield engine
    engine.dispose()



# Modules that build a county of their own and use none of their room's
# session-wide one: scheduled on their own so the two workers stay balanced.
OWN_SCOPE = {
    "tests/queries/test_second_layout.py",
    "tests/queries/test_summary.py",
    "tests/synthetic/test_synthetic_mashan.py",
}


def pytest_xdist_make_scheduler(config, log):
    """In parallel runs (`-n`), hand each worker whole rooms.

    A room builds its county once per session (tests/queries, tests/reports,
    ...); spread over two workers it would be built twice, and the browser
    walk's steps follow one another in one browser."""
    from xdist.scheduler import LoadScopeScheduling

    class RoomScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::")[0]
            parts = path.split("/")
            return path if path in OWN_SCOPE or len(parts) <= 2 else "/".join(parts[:2])

    return RoomScheduling(config, log)
