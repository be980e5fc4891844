"""Shared fixtures: a real embedded FalkorDB per test module, Neo4j when
NEO4J_URI points at a disposable test server (its data is wiped), and the
application database on SQLite and on a throw-away PostgreSQL cluster."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psutil
import pytest
from hypothesis import settings

# Machines running the suite are shared: a per-example deadline measures the
# neighbours, not the code. Property tests bound their work by example count.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

import generated
from pgcluster import Cluster, server_bindir

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.queries.detect import detect

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


@pytest.fixture(scope="session", autouse=True)
def shared_generated_counties(tmp_path_factory):
    """Generated counties go to the run's temp folder, shared by the workers (tests/generated.py)."""
    base = tmp_path_factory.getbasetemp()
    generated.ROOT = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


DETECTED_AS_OF = "2026-10-31"


@dataclass
class DetectedCounty:
    extracts: Path
    db: Path                # the graph, served for the session: read it, do not change it
    engine: object          # its application database
    report: object          # what detection returned
    pristine: Path          # graph.rdb and app.db as detection left them, for clone()

    def clone(self, root: Path) -> tuple[Path, str]:
        """A copy of the detected county to change: (graph folder, application database URL)."""
        (root / "graph").mkdir(parents=True, mode=0o700)
        shutil.copy2(self.pristine / "graph.rdb", root / "graph" / "graph.rdb")
        shutil.copy2(self.pristine / "app.db", root / "app.db")
        return root / "graph", f"sqlite:///{root / 'app.db'}"


@pytest.fixture(scope="session")
def detected_county(tmp_path_factory) -> DetectedCounty:
    """The generated 20 000-person county (seed 7), loaded and run through
    detection once per session: tests/queries reads it, tests/reports works on
    a clone (the two rooms are one scheduling unit, see OWN_UNIT)."""
    base = tmp_path_factory.mktemp("det")
    extracts = generated.extracts(persons=20_000, seed=7, scenario="standard", month=1)
    db = base / "graph"
    engine = connect(f"sqlite:///{base / 'app.db'}")
    try:
        with open_store(str(db)) as store:         # closing it writes the snapshot
            store.init_schema()
            loader = Loader(store, engine, base / "rejects", as_of=date.fromisoformat(DETECTED_AS_OF))
            pairs, _ = plan(extracts, load_mappings())
            for path, mapping in pairs:
                assert loader.load_file(path, mapping).status == "loaded", path
            report = detect(store, engine, as_of=DETECTED_AS_OF)
        pristine = base / "pristine"
        pristine.mkdir()
        shutil.copy2(db / "graph.rdb", pristine / "graph.rdb")
        with sqlite3.connect(base / "app.db") as src, sqlite3.connect(pristine / "app.db") as dst:
            src.backup(dst)
        yield DetectedCounty(extracts, db, engine, report, pristine)
    finally:
        engine.dispose()
        EmbeddedServer(db).stop()


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



# Rooms and modules scheduled as a unit of their own or together. A module
# that builds a county of its own and uses none of its room's session-wide
# one goes apart. Rooms and modules reading the same big county share a unit:
# it is built once and no worker idles waiting for the other's.
OWN_UNIT = {
    "tests/queries": "detected county",
    "tests/reports": "detected county",
    "tests/queries/test_second_layout.py": "tests/queries/test_second_layout.py",
    "tests/queries/test_summary.py": "mashan county",
    "tests/synthetic/test_synthetic_mashan.py": "mashan county",
}

# Rooms with no session-wide county of their own (each module sets up what it
# reads): their modules are units on their own, so the two workers share them.
BY_MODULE = {"tests/dashboard", "tests/graph", "tests/hardening"}

# Seconds each unit takes in one process (`-n 0 --durations`, 2-core shared
# machine). The longest unit left is handed out first: a four-minute unit
# handed out last keeps one worker busy while the other idles. Units not
# listed weigh one second per test.
COST = {
    "detected county": 340, "tests/dashboard/test_app.py": 180, "tests/dashboard/test_accounts.py": 141,
    "tests/dashboard/test_orders_matrix.py": 100, "tests/dashboard/test_order_pages.py": 94,
    "tests/dashboard/test_orders.py": 62, "tests/dashboard/test_timeline.py": 36, "tests/dashboard/test_command.py": 30,
    "tests/dashboard/test_orders_figures.py": 25, "tests/dashboard/test_cases.py": 24,
    "tests/test_installed_wheel.py": 265, "mashan county": 230, "tests/browser": 215,
    "tests/queries/test_second_layout.py": 85,
}


def _cost(scope: str, tests: int) -> float:
    return COST.get(scope, float(tests))


def pytest_xdist_make_scheduler(config, log):
    """In parallel runs (`-n`), hand each worker whole rooms, longest first.

    A room builds its county once per session (tests/queries, tests/reports,
    ...); spread over two workers it would be built twice, and the browser
    walk's steps follow one another in one browser. Rooms in BY_MODULE are
    handed out module by module."""
    from xdist.scheduler import LoadScopeScheduling

    class RoomScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::")[0]
            parts = path.split("/")
            room = path if len(parts) <= 2 else "/".join(parts[:2])
            if room in BY_MODULE:
                return path
            return OWN_UNIT.get(path) or OWN_UNIT.get(room) or room

        def _assign_work_unit(self, node) -> None:
            longest = max(self.workqueue, key=lambda scope: _cost(scope, len(self.workqueue[scope])))
            self.workqueue.move_to_end(longest, last=False)
            super()._assign_work_unit(node)

    return RoomScheduling(config, log)
