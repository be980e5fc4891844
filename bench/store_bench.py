"""Benchmark of the embedded graph store: the ceiling later loaders are held to.

Prints, from one run on this machine:
- embedded engine start time on an empty data directory;
- raw UNWIND write rates (rows/s) for node CREATE, node MERGE on an indexed
  key, and relationship creation between keyed nodes, at batch sizes
  1 k, 10 k and 50 k (median of --repeat runs);
- with --nodes / --rels (default 1 M / 2 M) loaded: snapshot time, restart
  time (stop, start, load the snapshot until the engine answers), and the
  server's peak RSS.

    python bench/store_bench.py [--rows 200000] [--repeat 3] [--nodes 1000000] [--rels 2000000]
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import psutil

from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store

NODE_CREATE = "UNWIND $rows AS row CREATE (:Person {citizen_id: row.id, name: row.name, birth_date: row.bd})"
NODE_MERGE = ("UNWIND $rows AS row MERGE (p:Person {citizen_id: row.id}) "
              "SET p.name = row.name, p.birth_date = row.bd")
REL_CREATE = ("UNWIND $rows AS row MATCH (a:Person {citizen_id: row.a}), (b:Person {citizen_id: row.b}) "
              "CREATE (a)-[:KIN {kind: row.kind}]->(b)")


def people(n: int, offset: int = 0) -> list[dict]:
    return [{"id": f"{offset + i:018d}", "name": f"名{i % 5000}", "bd": f"19{(i % 90) + 10}-01-01"}
            for i in range(n)]


def kin(n: int, nodes: int) -> list[dict]:
    return [{"a": f"{i % nodes:018d}", "b": f"{(i * 7919 + 1) % nodes:018d}", "kind": "parent"}
            for i in range(n)]


def reset(store) -> None:
    store.graph.delete()
    store._connect()
    store.init_schema()


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def server_peak_rss(server: EmbeddedServer) -> int:
    pid = int(server.pidfile.read_text())
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return psutil.Process(pid).memory_info().rss


def write_rates(store, rows: int, repeat: int) -> list[tuple[str, int, float]]:
    results = []
    nodes = people(rows)
    rels = kin(rows, rows)
    for batch in (1_000, 10_000, 50_000):
        for label, query, data, prepare in (
            ("node CREATE", NODE_CREATE, nodes, None),
            ("node MERGE (indexed key)", NODE_MERGE, nodes, None),
            ("relationship CREATE", REL_CREATE, rels, lambda: store.write_batches(NODE_CREATE, nodes, batch_size=50_000)),
        ):
            times = []
            for _ in range(repeat):
                reset(store)
                if prepare:
                    prepare()
                times.append(timed(lambda: store.write_batches(query, data, batch_size=batch, snapshot=False)))
            results.append((label, batch, rows / statistics.median(times)))
            print(f"  {label:<26} batch {batch:>6,}: {rows / statistics.median(times):>10,.0f} rows/s "
                  f"(median of {repeat}: {statistics.median(times):.2f} s)", flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=200_000, help="rows per write-rate run")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--rels", type=int, default=2_000_000)
    args = ap.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}")
    work = Path(tempfile.mkdtemp(prefix="rgb"))
    data_dir = work / "graph"
    try:
        starts = []
        for _ in range(5):
            server = EmbeddedServer(data_dir)
            starts.append(timed(server.ensure_running))
            server.stop()
            shutil.rmtree(data_dir)
        print(f"embedded start, empty data dir: median {statistics.median(starts):.3f} s "
              f"(min {min(starts):.3f}, max {max(starts):.3f}, n=5)")

        store = open_store(str(data_dir))
        print(f"engine: FalkorDB module on redis {store.describe()['version']}")
        print(f"raw UNWIND write rates, {args.rows:,} rows per run:")
        write_rates(store, args.rows, args.repeat)

        print(f"loading {args.nodes:,} nodes and {args.rels:,} relationships ...", flush=True)
        reset(store)
        load_nodes = timed(lambda: store.write_batches(NODE_CREATE, people(args.nodes), batch_size=50_000,
                                                       snapshot=False))
        load_rels = timed(lambda: store.write_batches(REL_CREATE, kin(args.rels, args.nodes), batch_size=50_000,
                                                      snapshot=False))
        print(f"  nodes {load_nodes:.1f} s, relationships {load_rels:.1f} s")
        counts = store.counts()
        snaps = [store.snapshot() for _ in range(args.repeat)]
        rdb = (data_dir / "graph.rdb").stat().st_size
        print(f"snapshot (SAVE) of {counts['nodes']:,} nodes / {counts['relationships']:,} rels: "
              f"median {statistics.median(snaps):.2f} s, RDB {rdb / 1e6:.0f} MB")
        load_peak = server_peak_rss(store.server)
        store.close()
        server = EmbeddedServer(data_dir)
        restarts = []
        for _ in range(args.repeat):
            server.stop()
            restarts.append(timed(server.ensure_running))
        print(f"restart (start + load snapshot until ready): median {statistics.median(restarts):.2f} s "
              f"(min {min(restarts):.2f}, max {max(restarts):.2f})")
        with open_store(str(data_dir)) as check:
            assert check.counts() == counts, "restart lost data"
            check.read("MATCH (p:Person) RETURN count(p)")
        print(f"server peak RSS (VmHWM) while loading and snapshotting: {load_peak / 2**20:,.0f} MiB; "
              f"after restart: peak {server_peak_rss(server) / 2**20:,.0f} MiB")
        server.stop()
    finally:
        EmbeddedServer(data_dir).stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
