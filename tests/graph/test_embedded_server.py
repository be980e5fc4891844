"""The embedded engine's lifecycle: sockets, persistence, crashes, sharing."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store


@pytest.fixture
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("e") / "graph"
    yield path
    EmbeddedServer(path).stop()


def _pid(data_dir: Path) -> int:
    return int((data_dir / "server.pid").read_text())


def _listening_tcp_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            next(fh)
            for line in fh:
                fields = line.split()
                if fields[3] == "0A":  # TCP_LISTEN
                    inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[len("socket:["):-1])
    return found


def test_listens_on_unix_socket_only(data_dir):
    store = open_store(str(data_dir))
    try:
        pid = _pid(data_dir)
        sockets = _socket_inodes(pid)
        assert sockets, "the server should hold its unix listening socket"
        assert not (sockets & _listening_tcp_inodes()), "the embedded engine must not listen on TCP"
        assert stat.S_ISSOCK(os.stat(data_dir / "graph.sock").st_mode)
        assert stat.S_IMODE(os.stat(data_dir / "graph.sock").st_mode) == 0o700
        assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
        store.write("CREATE (:Person {citizen_id: 'x'})")
        assert stat.S_IMODE(os.stat(data_dir / "graph.rdb").st_mode) == 0o600
    finally:
        store.close()


def test_snapshot_then_restart_keeps_everything(data_dir):
    with open_store(str(data_dir)) as store:
        store.write_batches(
            "UNWIND $rows AS r CREATE (a:Person {citizen_id: r.a, name: r.n})"
            "-[:KIN {kind: 'spouse'}]->(:Person {citizen_id: r.b})",
            [{"a": f"A{i}", "b": f"B{i}", "n": "李四"} for i in range(5000)])
        before = store.counts()
        sample = store.read("MATCH (a {citizen_id: 'A42'})-[k:KIN]->(b) RETURN a.name, k.kind, b.citizen_id").rows
    assert EmbeddedServer(data_dir).stop()
    assert not (data_dir / "graph.sock").exists()
    with open_store(str(data_dir)) as store:
        assert store.started_server
        assert store.counts() == before == {"nodes": 10000, "relationships": 5000}
        assert store.read("MATCH (a {citizen_id: 'A42'})-[k:KIN]->(b) RETURN a.name, k.kind, b.citizen_id").rows == sample


def test_a_snapshot_with_nothing_new_writes_nothing_and_a_write_makes_the_next_one_save(data_dir):
    rdb = data_dir / "graph.rdb"
    with open_store(str(data_dir)) as store:
        store.write("CREATE (:Person {citizen_id: 'A1'})")       # snapshots
        saved = rdb.stat().st_mtime_ns
        os.utime(rdb, ns=(saved - 10**9, saved - 10**9))          # tell a rewrite apart
        store.snapshot()
        assert rdb.stat().st_mtime_ns == saved - 10**9
        store.write("CREATE (:Person {citizen_id: 'A2'})", snapshot=False)
        store.snapshot()
        assert rdb.stat().st_mtime_ns != saved - 10**9
    os.kill(_pid(data_dir), signal.SIGKILL)
    with open_store(str(data_dir)) as store:
        assert store.counts()["nodes"] == 2


def test_kill_9_is_recovered_by_next_command_with_last_snapshot(data_dir):
    with open_store(str(data_dir)) as store:
        store.write_batches("UNWIND $rows AS r CREATE (:Person {citizen_id: r.id})",
                            [{"id": str(i)} for i in range(3000)])  # snapshotted step
        store.write("CREATE (:Person {citizen_id: 'unsaved'})", snapshot=False)
        pid = _pid(data_dir)
        os.kill(pid, signal.SIGKILL)
        psutil.Process(pid).wait(10) if psutil.pid_exists(pid) else None
    assert (data_dir / "graph.sock").exists() and (data_dir / "server.pid").exists(), \
        "a crash leaves a stale socket and pid file behind"
    # The next command is a separate process, as a user would run it.
    out = subprocess.run(
        [sys.executable, "-m", "reliefgraph", "cypher", "MATCH (p:Person) RETURN count(p) AS n",
         "--db", str(data_dir)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "3000" in out.stdout
    assert _pid(data_dir) != pid
    with open_store(str(data_dir)) as store:
        assert store.read("MATCH (p:Person {citizen_id: 'unsaved'}) RETURN count(p)").scalar() == 0


def test_read_after_server_died_restarts_it(data_dir):
    store = open_store(str(data_dir))
    try:
        store.write("CREATE (:Person {citizen_id: 'kept'})")
        os.kill(_pid(data_dir), signal.SIGKILL)
        assert store.read("MATCH (p:Person) RETURN p.citizen_id").scalar() == "kept"
    finally:
        store.close()


def test_stale_pid_and_socket_are_recovered(data_dir):
    data_dir.mkdir(parents=True)
    # A pid that is alive but not ours (this test process) and a dead socket file.
    (data_dir / "server.pid").write_text(str(os.getpid()))
    (data_dir / "graph.sock").write_text("")
    with open_store(str(data_dir)) as store:
        assert store.started_server
        assert store.read("RETURN 1").scalar() == 1
    assert _pid(data_dir) != os.getpid()


def test_two_processes_share_one_server(data_dir):
    script = textwrap.dedent(f"""
        from reliefgraph.graph.store import open_store
        s = open_store({str(data_dir)!r})
        print(int(open({str(data_dir / 'server.pid')!r}).read()), s.started_server)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len({o[0] for o in outs}) == 1, "every process must use the same server"
    assert sorted(o[1] for o in outs) == ["False", "False", "True"], "exactly one process starts it"
    servers = [p for p in psutil.process_iter(["cmdline"])
               if str(data_dir / "graph.sock") in " ".join(p.info["cmdline"] or [])]
    assert len(servers) == 1

