"""A hung embedded engine is killed and restarted, never waited on forever.

A hang is made by stopping the engine process (SIGSTOP): like the FalkorDB
deadlock it stands for, the engine holds its socket open and answers nothing.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import psutil
import pytest

from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.falkordb_store import FalkorStore
from reliefgraph.graph.store import StoreError
from reliefgraph.settings import Settings

HANG = 2.0


@pytest.fixture
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("h") / "graph"
    yield path
    server = EmbeddedServer(path)
    pid = server._live_pid()
    if pid:                      # a stopped engine cannot snapshot: kill, never leave it behind
        os.kill(pid, signal.SIGCONT)
    server.stop()


def _store(data_dir: Path, hang: float = HANG, start: float = 60.0) -> FalkorStore:
    return FalkorStore(data_dir, settings=Settings(hang_timeout=hang, start_timeout=start))


def _pid(data_dir: Path) -> int:
    return int((data_dir / "server.pid").read_text())


def _hang(data_dir: Path) -> int:
    pid = _pid(data_dir)
    os.kill(pid, signal.SIGSTOP)
    return pid


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_read_waiting_on_a_hung_engine_gets_its_answer_from_a_restarted_one(data_dir):
    store = _store(data_dir)
    try:
        store.write("UNWIND range(1, 500) AS i CREATE (:Person {citizen_id: toString(i)})")
        hung = _hang(data_dir)
        started = time.monotonic()
        assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == 500
        waited = time.monotonic() - started
        assert _gone(hung) and _pid(data_dir) != hung
        assert HANG <= waited < HANG + 20, waited
    finally:
        store.close()


def test_a_write_waiting_on_a_hung_engine_fails_clearly_and_keeps_the_last_snapshot(data_dir):
    store = _store(data_dir)
    try:
        store.write("CREATE (:Person {citizen_id: 'saved'})")
        store.write("CREATE (:Person {citizen_id: 'unsaved'})", snapshot=False)
        hung = _hang(data_dir)
        with pytest.raises(StoreError, match="restarted from its last snapshot.*run the command again"):
            store.write("CREATE (:Person {citizen_id: 'lost'})")
        assert _gone(hung)
        ids = {r[0] for r in store.read("MATCH (p:Person) RETURN p.citizen_id").rows}
        assert ids == {"saved"}
    finally:
        store.close()


def test_a_long_query_on_a_working_engine_is_not_taken_for_a_hang(data_dir):
    store = _store(data_dir, hang=0.5)
    try:
        store.write("UNWIND range(1, 6000) AS i CREATE (:Person {citizen_id: toString(i)})")
        pid = _pid(data_dir)
        started = time.monotonic()
        # A cross product of 36 M rows: seconds of work on a query thread.
        n = store.read("MATCH (a:Person), (b:Person) WHERE a.citizen_id < b.citizen_id RETURN count(*)").scalar()
        took = time.monotonic() - started
        assert n == 6000 * 5999 // 2
        assert took > 4 * 0.5, f"the query must outlast several probes to test anything ({took:.2f} s)"
        assert _pid(data_dir) == pid and not _gone(pid)
    finally:
        store.close()


def test_writes_and_snapshots_queued_behind_a_long_read_are_not_taken_for_a_hang(data_dir):
    """A write waiting for a long read's graph lock holds the engine's main
    thread, so PING goes unanswered; but a query thread is working, and a
    deadlock would leave every thread idle."""
    store = _store(data_dir, hang=0.5)
    try:
        store.write("UNWIND range(1, 200000) AS i CREATE (:Person {citizen_id: toString(i), name: 'n' + toString(i)})",
                    snapshot=False)
        store.write("UNWIND range(1, 6000) AS i CREATE (:Household {household_id: toString(i)})", snapshot=False)
        pid = _pid(data_dir)
        result = {}
        reader = threading.Thread(target=lambda: result.setdefault("n", store.read(
            "MATCH (a:Household), (b:Household) WHERE a.household_id < b.household_id RETURN count(*)").scalar()))
        reader.start()
        for _ in range(5):
            store.write("CREATE (:Person {citizen_id: 'x'})-[:KIN]->(:Person {citizen_id: 'y'})", snapshot=False)
            store.snapshot()
        reader.join(60)
        assert result.get("n") == 6000 * 5999 // 2
        assert _pid(data_dir) == pid and not _gone(pid)
    finally:
        store.close()


def test_a_new_command_finds_a_hung_engine_and_replaces_it(data_dir):
    store = _store(data_dir)
    store.write("CREATE (:Person {citizen_id: 'kept'})")
    store.close()
    hung = _hang(data_dir)
    # The next command (another process in life; a new store here) finds the
    # pid alive and the socket silent for the whole start timeout.
    again = _store(data_dir, start=3.0)
    try:
        assert again.started_server and _gone(hung)
        assert again.read("MATCH (p:Person) RETURN p.citizen_id").scalar() == "kept"
    finally:
        again.close()
