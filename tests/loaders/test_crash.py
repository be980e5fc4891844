"""Crash safety: `kill -9` of the loader, or of the embedded engine, at a
seeded moment of `reliefgraph load`, then the same command again, must give
exactly the graph an uninterrupted load gives (same fingerprint: every node
and relationship with all its properties, LoadBatch timing aside).

A kill point is a seeded file of the load (or the start-up before the first
file) and a seeded delay after the loader starts that file. The victim is
the loader, the engine, or the engine hung (stopped, as a deadlocked engine
would sit: the loader's watchdog must kill it and the load fail with the
re-run message, never wait forever). CI runs four; the slow variant runs 36
(12 seeds x loader, engine and hung engine):

    ./run test -m slow tests/loaders/test_crash.py

Each kill point loads the 5 000-person county into a fresh data directory.
The last two tests make the engine's restart-from-snapshot exact, at the two
moments a kill can only hit by chance.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import psutil
import pytest

from graph_fingerprint import Fingerprint, fingerprint
from loader_support import AS_OF_M1, RELIEFGRAPH, Graph, cli_env, extract, run_cli
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan

CI_SEEDS = {"loader": [11, 12], "server": [21], "hang": [31]}
SLOW_SEEDS = range(100, 112)   # x loader, engine and hung engine: 36 kill points
# Short enough for a test (the default is 60 s).
HANG_ENV = {"RELIEFGRAPH_HANG_TIMEOUT": "2", "RELIEFGRAPH_START_TIMEOUT": "10"}


def load_args(county: Path, root: Path) -> tuple[list[str], dict]:
    args = ["load", str(county), "--db", str(root / "graph"), "--rejects", str(root / "rejects"),
            "--as-of", AS_OF_M1]
    return args, {"RELIEFGRAPH_APP_DB": f"sqlite:///{root / 'app.db'}"}


def graph_of(root: Path) -> Fingerprint:
    store = open_store(str(root / "graph"))
    try:
        return fingerprint(store)
    finally:
        store.close()
        EmbeddedServer(root / "graph").stop()


@pytest.fixture(scope="module")
def baseline(small_county, tmp_path_factory) -> Fingerprint:
    """The graph an uninterrupted `reliefgraph load` of the county gives."""
    root = tmp_path_factory.mktemp("base")
    args, env = load_args(small_county, root)
    try:
        done = run_cli(*args, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        return graph_of(root)
    finally:
        EmbeddedServer(root / "graph").stop()


def kill_point(victim: str, seed: int, files: int) -> tuple[int, float]:
    """A seeded moment: after the loader starts file `k` (-1: from the start
    of the command, through start-up and schema set-up), `delay` seconds."""
    rng = random.Random(f"{victim}:{seed}")
    k = rng.randrange(-1, files)
    if k < 0:
        return k, rng.uniform(0.3, 2.0)
    return k, rng.uniform(0, 0.5 if k < files - 1 else 0.1)


def crash_and_rerun(county: Path, root: Path, victim: str, seed: int) -> dict:
    """Start a load, kill the loader or the engine at a seeded moment, re-run
    the same command until it succeeds; return what happened."""
    files = sum(1 for p in county.iterdir() if p.is_file() and p.suffix in (".csv", ".xlsx"))
    k, delay = kill_point(victim, seed, files)
    args, env = load_args(county, root)
    env = {**env, **HANG_ENV}
    proc = subprocess.Popen([RELIEFGRAPH, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=cli_env(env))
    rejects, pidfile = root / "rejects", root / "graph" / "server.pid"
    killed = None
    try:
        # Each file the loader starts opens its reject file: that marks progress.
        while k >= 0 and proc.poll() is None and (len(list(rejects.glob("*.csv"))) if rejects.exists() else 0) <= k:
            time.sleep(0.005)
        time.sleep(delay)
        if victim == "loader":
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed = proc.pid
        else:
            while proc.poll() is None and killed is None:
                try:
                    killed = int(pidfile.read_text())
                except (OSError, ValueError):   # not written yet
                    time.sleep(0.01)
            if killed is not None:
                os.kill(killed, signal.SIGSTOP if victim == "hang" else signal.SIGKILL)
        first, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    outputs = [first or ""]
    for _ in range(2):   # a second re-run is allowed only if the first says to re-run
        again = run_cli(*args, env=env)
        outputs.append(again.stdout + again.stderr)
        if again.returncode == 0:
            break
    for out in outputs:
        assert "Traceback" not in out, out[-3000:]
    return {"file": k, "delay": round(delay, 2), "killed": killed, "first_exit": proc.returncode,
            "rerun_exit": again.returncode, "outputs": outputs}


def check_point(small_county, tmp_path_factory, baseline: Fingerprint, victim: str, seed: int) -> dict:
    root = tmp_path_factory.mktemp(f"{victim[0]}{seed}")
    try:
        result = crash_and_rerun(small_county, root, victim, seed)
        got = graph_of(root)
    finally:
        EmbeddedServer(root / "graph").stop()
    print(f"{victim} seed {seed}: {'stopped' if victim == 'hang' else 'killed'} pid {result['killed']} {result['delay']} s after starting "
          f"file #{result['file']}; "
          f"first run exit {result['first_exit']}, re-run exit {result['rerun_exit']} "
          f"({len(result['outputs']) - 1} re-run(s))")
    assert result["killed"] is not None, "the load finished before the kill point"
    assert result["rerun_exit"] == 0, result["outputs"][-1][-3000:]
    assert got == baseline, f"{victim} killed at {result['file']}+{result['delay']} s:\n" + baseline.diff(got)
    return result


@pytest.mark.parametrize("seed", CI_SEEDS["loader"])
def test_kill_the_loader_then_rerun_gives_the_same_graph(small_county, tmp_path_factory, baseline, seed):
    check_point(small_county, tmp_path_factory, baseline, "loader", seed)


@pytest.mark.parametrize("seed", CI_SEEDS["server"])
def test_kill_the_engine_then_rerun_gives_the_same_graph(small_county, tmp_path_factory, baseline, seed):
    check_point(small_county, tmp_path_factory, baseline, "server", seed)


@pytest.mark.parametrize("seed", CI_SEEDS["hang"])
def test_hang_the_engine_then_rerun_gives_the_same_graph(small_county, tmp_path_factory, baseline, seed):
    check_point(small_county, tmp_path_factory, baseline, "hang", seed)


@pytest.mark.slow
@pytest.mark.parametrize("victim", ["loader", "server", "hang"])
@pytest.mark.parametrize("seed", SLOW_SEEDS)
def test_many_kill_points(small_county, tmp_path_factory, baseline, victim, seed):
    check_point(small_county, tmp_path_factory, baseline, victim, seed)


# ---------------------------------------------------------------- the engine restarting under a load, made exact

def only(county: Path, folder: Path, *names: str) -> Path:
    folder.mkdir()
    for name in names:
        shutil.copy(county / name, folder)
    return folder


def kill_engine(graph: Graph) -> None:
    pid = int((graph.data / "server.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    try:
        psutil.Process(pid).wait(timeout=10)
    except psutil.NoSuchProcess:
        pass


def vehicles_of(graph: Graph) -> set:
    return {tuple(r) for r in graph.store.read("MATCH (p:Person)-[:OWNS]->(v:Vehicle) RETURN p.citizen_id, v.vin").rows}


def test_engine_restarting_inside_a_file_fails_it_and_a_rerun_completes_it(small_county, tmp_path):
    """The engine dies after the first chunk; the next read restarts it from
    the snapshot taken before the file, silently. The file must fail (its
    first chunk is gone), not be marked done."""
    g = Graph(tmp_path / "g")
    try:
        assert [r.status for r in g.load(only(small_county, tmp_path / "a", "gongan_huji.csv"))] == ["loaded"]
        g.store.snapshot()
        cars = only(small_county, tmp_path / "b", "gongan_jidongche.csv")
        ((path, mapping),), _ = plan(cars, load_mappings())
        loader = Loader(g.store, g.engine, g.rejects, as_of=date.fromisoformat(AS_OF_M1), chunk_rows=300)

        def kill_after_first_chunk(_rows, done=[]):
            if not done:
                loader.writer.flush()      # the chunk is written; the next call is a read
                kill_engine(g)
                done.append(1)

        loader.on_rows = kill_after_first_chunk
        report = loader.load_file(path, mapping)
        assert report.status == "failed" and report.engine_failed, report
        (again,) = g.load(cars)
        assert again.status == "loaded"
        expected = {(p, v) for p, v in extract(small_county, "gongan_jidongche.csv")[["身份证明号码", "车辆识别代号"]]
                    .itertuples(index=False)}
        assert vehicles_of(g) == expected
    finally:
        g.close()


def test_a_restart_that_loses_a_file_done_earlier_fails_the_run(small_county, tmp_path):
    """A snapshot written in the background may not have finished when the
    engine dies: the engine comes back without a file the run reported loaded,
    while the loader still believes that file's keys exist. The next file must
    fail rather than be marked done with its references silently dropped."""
    g = Graph(tmp_path / "g")
    try:
        g.store.init_schema()
        g.store.snapshot()
        before = tmp_path / "before.rdb"
        shutil.copy(g.data / "graph.rdb", before)
        both = only(small_county, tmp_path / "a", "gongan_huji.csv", "gongan_jidongche.csv")
        (register, cars), _ = plan(both, load_mappings())
        loader = Loader(g.store, g.engine, g.rejects, as_of=date.fromisoformat(AS_OF_M1))
        assert loader.load_file(*register).status == "loaded"
        g.store.snapshot()
        kill_engine(g)
        shutil.copy(before, g.data / "graph.rdb")    # as if the register's snapshot had not finished
        report = loader.load_file(*cars)
        assert report.status == "failed" and report.engine_failed, report
        assert [r.status for r in g.load(both)] == ["loaded", "loaded"]
        expected = {(p, v) for p, v in extract(small_county, "gongan_jidongche.csv")[["身份证明号码", "车辆识别代号"]]
                    .itertuples(index=False)}
        assert vehicles_of(g) == expected
    finally:
        g.close()


def test_a_crash_while_pending_rows_load_converges_on_a_rerun(tmp_path, monkeypatch):
    """The engine dies after month 1's pending rows were sent and before they
    left the store: the file fails, and a re-run gives exactly the graph of
    an uninterrupted month 2, every pending row loaded and counted once."""
    from test_pipeline import month_folders

    from loader_support import AS_OF_M2
    from reliefgraph.loaders import pending

    m1, m2, maps = month_folders(tmp_path)
    clean, crash = Graph(tmp_path / "clean"), Graph(tmp_path / "crash")
    try:
        for g in (clean, crash):
            assert {r.status for r in g.load(m1, mappings=maps)} == {"loaded"}
            g.store.snapshot()
        clean.load(m2, as_of=AS_OF_M2, mappings=maps)
        assert clean.store.read("MATCH (p:PendingRow) RETURN count(p)").scalar() == 0
        want = fingerprint(clean.store)

        settle = pending.settle

        def die_before_settling(store, batch, ids):
            kill_engine(crash)
            return settle(store, batch, ids)

        monkeypatch.setattr(pending, "settle", die_before_settling)
        mappings = load_mappings(maps)
        (register,), _ = plan(m2, mappings)
        loader = Loader(crash.store, crash.engine, crash.rejects, as_of=date.fromisoformat(AS_OF_M2),
                        mappings=mappings)
        report = loader.load_file(*register)
        assert report.status == "failed" and report.engine_failed, report
        monkeypatch.undo()

        again = crash.load(m2, as_of=AS_OF_M2, mappings=maps)
        assert {r.status for r in again} <= {"loaded", "unchanged"}
        got = fingerprint(crash.store)
        assert got == want, got.diff(want)
    finally:
        clean.close()
        crash.close()
