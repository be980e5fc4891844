"""Faults: a full or read-only disk under a snapshot, two loads at once, the
engine dying under an open dashboard, and kill -9 (or a hung engine) at
seeded random moments of a load. Each ends in a clear message and an intact graph.
"""
from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from streamlit.testing.v1 import AppTest

from graph_fingerprint import fingerprint
from loader_support import AS_OF_M1, RELIEFGRAPH, cli_env, run_cli
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import StoreError, open_store

# ---------------------------------------------------------------- disk full / read-only under a snapshot


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs mounted for this test (root only): a disk that can fill up
    or be made read-only without touching the machine's own."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=700", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root and mount permission): {done.stderr.strip()}")
    yield mnt
    subprocess.run(["mount", "-o", "remount,rw", str(mnt)], capture_output=True)
    server = EmbeddedServer(mnt / "graph")
    pid = server._live_pid()
    if pid:  # stop without the final save, which a full disk would refuse
        os.kill(pid, signal.SIGKILL)
        psutil.Process(pid).wait(timeout=10)
    subprocess.run(["umount", str(mnt)], check=True)


def _store_with_snapshot(disk: Path):
    store = open_store(str(disk / "graph"))
    store.write("UNWIND range(1, 200) AS i CREATE (:Person {citizen_id: 'P' + toString(i), name: 'n'})")
    return store, (disk / "graph" / "graph.rdb").read_bytes()


def _still_serves(store, nodes: int) -> None:
    assert store.read("MATCH (n) RETURN count(n)").scalar() == nodes


def test_disk_full_during_a_snapshot_gives_a_clear_error_and_keeps_the_previous_one(small_disk):
    store, previous = _store_with_snapshot(small_disk)
    # Incompressible text, so the snapshot cannot fit in what is left.
    blob = os.urandom(1_500_000).hex()
    store.write("UNWIND range(1, 3) AS i CREATE (:Person {citizen_id: 'B' + toString(i), name: $blob})",
                {"blob": blob}, snapshot=False)
    for wait in (True, False):
        with pytest.raises(StoreError, match="快照保存失败.*previous snapshot is intact"):
            store.snapshot(wait=wait)
            store.snapshot()      # a background save reports its failure at the next snapshot
    assert (small_disk / "graph" / "graph.rdb").read_bytes() == previous
    assert not [p for p in (small_disk / "graph").iterdir() if p.name.startswith("temp-")], "no half-written file"
    _still_serves(store, 203)
    # Once space is freed, snapshots work again.
    store.write("MATCH (p:Person) WHERE p.citizen_id STARTS WITH 'B' DELETE p", snapshot=False)
    store.snapshot()
    assert (small_disk / "graph" / "graph.rdb").read_bytes() != previous


def test_read_only_data_directory_during_a_snapshot_gives_a_clear_error_and_keeps_the_previous_one(small_disk):
    store, previous = _store_with_snapshot(small_disk)
    store.write("CREATE (:Person {citizen_id: 'late', name: 'n'})", snapshot=False)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(StoreError, match="快照保存失败.*previous snapshot is intact"):
        store.snapshot()
    with pytest.raises(Exception, match="snapshot before shutdown failed"):
        EmbeddedServer(small_disk / "graph").stop(timeout=10)
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert (small_disk / "graph" / "graph.rdb").read_bytes() == previous
    _still_serves(store, 201)


# ---------------------------------------------------------------- two loads at once

def _few_files(county: Path, folder: Path) -> Path:
    folder.mkdir()
    for name in ("gongan_huji.csv", "gongan_qinshu.csv", "gongan_jidongche.csv"):
        shutil.copy(county / name, folder)
    return folder


def _load_args(folder: Path, root: Path) -> tuple[list[str], dict]:
    return (["load", str(folder), "--db", str(root / "graph"), "--rejects", str(root / "rejects"), "--as-of",
             AS_OF_M1], {"RELIEFGRAPH_APP_DB": f"sqlite:///{root / 'app.db'}"})


def _graph_of(root: Path):
    store = open_store(str(root / "graph"))
    try:
        return fingerprint(store)
    finally:
        store.close()
        EmbeddedServer(root / "graph").stop()


def _lock_held(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def test_a_load_refuses_while_another_holds_the_data_directory(county_5k, tmp_path):
    folder = _few_files(county_5k, tmp_path / "in")
    (tmp_path / "graph").mkdir(mode=0o700)
    fd = os.open(tmp_path / "graph" / "load.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242")
        args, env = _load_args(folder, tmp_path)
        done = run_cli(*args, env=env)
    finally:
        os.close(fd)
    out = done.stdout + done.stderr
    assert done.returncode == 3 and "another load (pid 4242)" in out and "Traceback" not in out, out
    assert not (tmp_path / "graph" / "server.pid").exists(), "the refused load touched nothing"


def test_resolve_undo_waits_for_no_load_it_refuses_while_one_runs(tmp_path):
    """`resolve undo` deletes loaded nodes, whose internal ids FalkorDB hands to
    the next new nodes, while a running load links to nodes by id."""
    (tmp_path / "graph").mkdir(mode=0o700)
    fd = os.open(tmp_path / "graph" / "load.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242")
        done = run_cli("resolve", "undo", "1", "--db", str(tmp_path / "graph"),
                       env={"RELIEFGRAPH_APP_DB": f"sqlite:///{tmp_path / 'app.db'}"})
    finally:
        os.close(fd)
    out = done.stdout + done.stderr
    assert done.returncode == 3 and "another load (pid 4242)" in out and "Traceback" not in out, out
    assert not (tmp_path / "graph" / "server.pid").exists(), "the refused undo touched nothing"


def test_two_loads_started_together_leave_one_whole_graph(county_5k, tmp_path):
    folder = _few_files(county_5k, tmp_path / "in")
    base, root = tmp_path / "base", tmp_path / "both"
    try:
        args, env = _load_args(folder, base)
        assert run_cli(*args, env=env).returncode == 0
        baseline = _graph_of(base)
        args, env = _load_args(folder, root)
        procs = [subprocess.Popen([RELIEFGRAPH, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, env=cli_env(env)) for _ in range(2)]
        outs = [p.communicate(timeout=300)[0] for p in procs]
        codes = sorted(p.returncode for p in procs)
        # Overlapping: one refuses. One after the other: the second finds every file done.
        assert codes in ([0, 3], [0, 0]), outs
        if codes == [0, 0]:
            assert any(o.count("unchanged") == 3 for o in outs), outs
        assert all("Traceback" not in o for o in outs), outs
        again = run_cli(*args, env=env)
        assert again.returncode == 0 and again.stdout.count("unchanged") == 3, again.stdout
        assert _graph_of(root) == baseline
    finally:
        for r in (base, root):
            EmbeddedServer(r / "graph").stop()


def test_a_killed_load_does_not_block_the_next(county_5k, tmp_path):
    folder = _few_files(county_5k, tmp_path / "in")
    args, env = _load_args(folder, tmp_path)
    proc = subprocess.Popen([RELIEFGRAPH, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=cli_env(env))
    try:
        while not _lock_held(tmp_path / "graph" / "load.lock") and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert run_cli(*args, env=env).returncode == 0
    finally:
        EmbeddedServer(tmp_path / "graph").stop()


# ---------------------------------------------------------------- the engine dies under an open dashboard

def test_the_engine_dying_under_the_dashboard_is_recovered_at_the_next_action(tiny, embedded_dir, tmp_path,
                                                                             monkeypatch):
    from test_app import APP, PW, _one, _page, _sign_in

    from reliefgraph.appdb import connect
    from reliefgraph.dashboard import accounts, cases
    from reliefgraph.dashboard.permissions import Viewer
    from reliefgraph.queries import clues
    from reliefgraph.queries.detect import detect
    from reliefgraph.queries.rules import load_rules

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("RELIEFGRAPH_URI", str(embedded_dir))
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    engine = connect(url)
    accounts.add_user(engine, "boss", PW, "admin")
    accounts.add_user(engine, "zhang", PW, "verifier")
    detect(tiny, engine, [r for r in load_rules() if r.id == "car_during_grant"], "2026-10-31")
    cid = clues.list_clues(engine)[0]["clue_id"]
    cases.act(engine, Viewer("boss", "admin"), cid, "assign", assignee="zhang")
    tiny.snapshot()

    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at = _page(_sign_in(at, "zhang"), "图谱 Explore")
    pid = tiny.server._read_pid()
    os.kill(pid, signal.SIGKILL)
    psutil.Process(pid).wait(timeout=10)

    at.text_input[0].input("张三")
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert len(at.radio(key="explore_pick").options) == 2, "the search ran on a restarted engine"
    assert tiny.server._read_pid() not in (None, pid)

    os.kill(tiny.server._read_pid(), signal.SIGKILL)
    _page(at, "核查 Cases")
    _one(at.selectbox, "打开案件").set_value(cid)
    at.run()
    _one(at.radio, "操作").set_value("start")
    _one(at.button, "提交").click()
    at.run()
    assert not at.exception, at.exception
    assert cases.case_of(engine, cid)["status"] == "in_verification", "the case edit was kept"


# ---------------------------------------------------------------- kill -9 at seeded random moments

# tests/loaders/test_crash.py kills (or hangs) at 4 fixed seeds in CI and 36 in
# its slow run. This run draws its own seeds from a master seed (printed; set
# RELIEFGRAPH_KILL_SEED to replay a run), so every slow run tries new moments.
MASTER_SEED = int(os.environ.get("RELIEFGRAPH_KILL_SEED", time.time_ns() % 1_000_000))
KILL_POINTS = 12


@pytest.fixture(scope="module")
def crash_baseline(county_5k, tmp_path_factory):
    from test_crash import graph_of, load_args

    root = tmp_path_factory.mktemp("kbase")
    args, env = load_args(county_5k, root)
    try:
        done = run_cli(*args, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        return graph_of(root)
    finally:
        EmbeddedServer(root / "graph").stop()


@pytest.mark.slow
@pytest.mark.parametrize("victim", ["loader", "server", "hang"])
@pytest.mark.parametrize("point", range(KILL_POINTS))
def test_kill_at_a_random_moment_then_rerun_gives_the_same_graph(county_5k, tmp_path_factory, crash_baseline,
                                                                 victim, point):
    from test_crash import check_point

    seed = random.Random(f"{MASTER_SEED}:{victim}:{point}").randrange(10**6)
    print(f"master seed {MASTER_SEED} (RELIEFGRAPH_KILL_SEED), {victim} seed {seed}")
    check_point(county_5k, tmp_path_factory, crash_baseline, victim, seed)


def test_a_hung_engine_under_the_dashboard_is_replaced_at_the_next_action(tiny, embedded_dir, tmp_path,
                                                                         monkeypatch):
    """Frozen, not dead (SIGSTOP, as a deadlocked engine sits): the search
    waiting on it must not wait forever."""
    import streamlit as st
    from test_app import APP, PW, _page, _sign_in

    from reliefgraph.appdb import connect
    from reliefgraph.dashboard import accounts

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("RELIEFGRAPH_URI", str(embedded_dir))
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    monkeypatch.setenv("RELIEFGRAPH_HANG_TIMEOUT", "2")
    accounts.add_user(connect(url), "zhang", PW, "verifier")
    tiny.server.ensure_running()  # an earlier test may leave it killed
    st.cache_resource.clear()     # the dashboard's store is opened under this test's hang timeout
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        at = _page(_sign_in(at, "zhang"), "图谱 Explore")
        pid = tiny.server._read_pid()
        os.kill(pid, signal.SIGSTOP)
        started = time.monotonic()
        at.text_input[0].input("张三")
        at.button[0].click()
        at.run()
        assert not at.exception, at.exception
        assert len(at.radio(key="explore_pick").options) == 2, "the search ran on a restarted engine"
        assert time.monotonic() - started < 30
        assert tiny.server._read_pid() not in (None, pid)
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    finally:
        st.cache_resource.clear()
