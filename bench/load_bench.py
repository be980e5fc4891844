"""Benchmark of ingestion: a synthetic county through the Loader, held to the engine and to a naive loader.

Prints, from one run on this machine:
- generation time of a --persons county (separate; not part of the load);
- the load through `Loader` (as `reliefgraph load` drives it): total time against the 45 s target
  (300 k persons, 2 cores), rows/s per extract, nodes and relationships created, time spent in
  snapshots, peak RSS of the loader process and of the embedded server (VmHWM);
- the loader's write rate, (nodes + relationships created) / load wall time, against the engine's
  raw UNWIND MERGE rate for as many nodes and relationships, written into a fresh graph on the same
  server (schema from `store.init_schema()`, batches of 10 k, `store.write_rows` with prebuilt
  `ColumnRows`: the loader's own wire path) — target ≥ 0.8×;
- the same loaded graph replayed into a fresh graph with every property the loader wrote, by bare
  UNWIND CREATE and by the engine's bulk insert (the loader's own route for new entities): the
  engine's rates for this graph rather than for key-only nodes;
- a naive loader (one MERGE query per row, py2neo-tutorial style) on the first --naive-rows rows of
  the household register, against the loader's rows/s on that file — target ≥ 50×; and the ceiling
  each replay rate puts on that ratio, from the nodes and relationships each row of the file writes;
- with --with-3m (or --only-3m, without the 300 k part), a 3 000 000-person county: generation and
  load time, peak memory of loader and server, and the peak memory in use on the machine during the
  load, which must fit in 24 GB (the per-process peaks only bound it: a snapshot fork shares pages
  with the server).

Each load runs in a child process (so its peak RSS is the loader's alone) against a server of its
own; figures repeated --repeat times are medians.

    .venv/bin/python bench/load_bench.py [--persons 300000 | --extracts DIR] [--repeat 3] [--naive-rows 5000]
        [--skip-3m | --with-3m | --only-3m]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd
import psutil

TARGET_LOAD_S = 45.0      # 300 k persons on this 2-core machine
TARGET_RAW_RATIO = 0.8
TARGET_NAIVE_RATIO = 50.0
RAM_LIMIT = 24 * 2**30
BATCH = 10_000
HUJI = "gongan_huji"

RAW_NODE = "UNWIND $rows AS row MERGE (n:Person {citizen_id: row.k.id})"
RAW_REL = ("UNWIND $rows AS row MATCH (a:Person {citizen_id: row.k.a}), (b:Person {citizen_id: row.k.b}) "
           "MERGE (a)-[:KIN]->(b)")
NAIVE = (  # what a py2neo tutorial does for each row of a CSV
    "MERGE (p:Person {citizen_id: $id}) SET p.name = $name, p.sex = $sex, p.birth_date = $birth",
    "MERGE (h:Household {household_id: $hh}) SET h.address = $address, h.region_code = $village",
    "MATCH (p:Person {citizen_id: $id}), (h:Household {household_id: $hh}) "
    "MERGE (p)-[r:MEMBER_OF]->(h) SET r.relation = $relation",
)
NAIVE_COLUMNS = {"id": "公民身份号码", "name": "姓名", "sex": "性别", "birth": "出生日期", "hh": "户号",
                 "address": "户籍地址", "village": "村居委会代码", "relation": "与户主关系"}


# -- child processes ----------------------------------------------------------
def _generate(persons: int, out: str) -> dict:
    from reliefgraph.synthetic.generator import generate

    started = time.perf_counter()
    result = generate(persons=persons, seed=1, out=out, scenario="standard", month=1)
    return {"seconds": time.perf_counter() - started, "as_of": result.as_of,
            "rows": sum(rows for _, rows in result.files), "files": len(result.files)}


def _load(extracts: str, data_dir: str, rejects: str, app_db: str, as_of: str) -> dict:
    """One load, driven like loaders/command.py, in a fresh process; returns its figures."""
    from datetime import date

    from reliefgraph.appdb import connect
    from reliefgraph.graph.store import open_store
    from reliefgraph.loaders.mapping import load_mappings
    from reliefgraph.loaders.pipeline import Loader, plan

    pairs, unmatched = plan(Path(extracts), load_mappings())
    store = open_store(data_dir)
    snaps: list[float] = []
    take_snapshot = store.snapshot

    def counted_snapshot(*args, **kwargs) -> float:   # count the loader's snapshots (no code change)
        seconds = take_snapshot(*args, **kwargs)
        snaps.append(seconds)
        return seconds

    store.snapshot = counted_snapshot
    rss_before = psutil.Process().memory_info().rss
    server = psutil.Process(int((Path(data_dir) / "server.pid").read_text()))
    server_before, cpu_before = server.cpu_times(), time.process_time()
    started = time.perf_counter()
    store.init_schema()
    loader = Loader(store, connect(app_db), Path(rejects), as_of=date.fromisoformat(as_of))
    reports, file_cpu = [], []
    for path, mapping in pairs:
        file_started = time.process_time()
        reports.append(loader.load_file(path, mapping))
        file_cpu.append(time.process_time() - file_started)
    store.snapshot()   # as `reliefgraph load` ends: the graph is loaded once it is on disk
    seconds = time.perf_counter() - started
    server_after = server.cpu_times()
    # CPU seconds (user + sys) tell a slower load from a busier machine: on a
    # shared machine the wall time moves with the neighbours, these hardly do.
    cpu = {"loader": time.process_time() - cpu_before,
           "server": server_after.user + server_after.system - server_before.user - server_before.system,
           # background snapshots are forks of the server, reaped by it
           "snapshots": (server_after.children_user + server_after.children_system
                         - server_before.children_user - server_before.children_system)}
    store.snapshot = take_snapshot
    counts = store.counts()
    store.close()
    return {"seconds": seconds, "counts": counts, "reports": reports, "unmatched": unmatched,
            "cpu": cpu, "file_cpu": file_cpu, "load_average": os.getloadavg(),
            "snapshots": snaps, "rss_before": rss_before,
            "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


class ServerSampler(threading.Thread):
    """Samples, every 0.2 s, the RSS of the server plus its children (background-snapshot forks:
    pages they share with the server count twice, so this is an upper bound) and the memory in use
    on the machine (total - available: what the load really occupies, shared pages once)."""

    def __init__(self, data_dir: Path):
        super().__init__(daemon=True)
        self.pidfile, self.peak, self.halt = data_dir / "server.pid", 0, threading.Event()
        vm = psutil.virtual_memory()
        self.machine_before = self.machine_peak = vm.total - vm.available

    def run(self) -> None:
        while not self.halt.wait(0.2):
            vm = psutil.virtual_memory()
            self.machine_peak = max(self.machine_peak, vm.total - vm.available)
            try:
                server = psutil.Process(int(self.pidfile.read_text()))
                procs = [server, *server.children()]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except (OSError, ValueError, psutil.Error):
                pass

    def stop(self) -> int:
        self.halt.set()
        self.join()
        return self.peak


def in_child(fn, *args):
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# -- measurements in this process ----------------------------------------------
def server_peak(data_dir: Path) -> int:
    pid = int((data_dir / "server.pid").read_text())
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))


def fresh_graph(data_dir: Path, name: str):
    from reliefgraph.graph.store import open_store

    store = open_store(str(data_dir), graph_name=name)
    store.graph.delete()
    store._connect()
    store.init_schema()
    return store


def raw_rate(data_dir: Path, nodes: int, rels: int, repeat: int) -> dict:
    """Bare UNWIND MERGE of `nodes` Person nodes and `rels` KIN relationships, through write_rows."""
    from reliefgraph.graph.falkordb_params import rows_content, rows_literals
    from reliefgraph.graph.rows import ColumnRows

    ids = pd.Series([f"{i:018d}" for i in range(nodes)])
    a = pd.RangeIndex(rels) % nodes                       # distinct (a, b) pairs, a != b
    b = (a + 1 + pd.RangeIndex(rels) // nodes) % nodes
    node_rows = ColumnRows(i=pd.Series(range(nodes)), maps={"k": {"id": ids}})
    rel_rows = ColumnRows(i=pd.Series(range(rels)), maps={"k": {"a": ids.iloc[a].reset_index(drop=True),
                                                                "b": ids.iloc[b].reset_index(drop=True)}})
    t0 = time.perf_counter()
    for rows in (node_rows, rel_rows):
        rows_literals(rows.i, rows_content(rows.maps, rows.keep_null, rows.i.index))
    literal_s = time.perf_counter() - t0
    node_s, rel_s = [], []
    for _ in range(repeat):
        store = fresh_graph(data_dir, "raw_bench")
        t0 = time.perf_counter()
        made = store.write_rows(RAW_NODE, node_rows, batch_size=BATCH)
        t1 = time.perf_counter()
        made.add(store.write_rows(RAW_REL, rel_rows, batch_size=BATCH))
        t2 = time.perf_counter()
        assert (made.nodes_created, made.relationships_created) == (nodes, rels), made
        node_s.append(t1 - t0)
        rel_s.append(t2 - t1)
        store.graph.delete()
        store.db.connection.close()
    return {"node_s": statistics.median(node_s), "rel_s": statistics.median(rel_s),
            "total_s": statistics.median(n + r for n, r in zip(node_s, rel_s)), "literal_s": literal_s}


def _columns(records: list[dict]) -> dict[str, pd.Series]:
    frame = pd.DataFrame.from_records(records).convert_dtypes() if records else pd.DataFrame()
    return {name: frame[name] for name in frame.columns}


def replay_rate(data_dir: Path, repeat: int) -> dict:
    """The loaded graph itself, written again into a fresh graph two ways, each median of `repeat`:
    - by bare UNWIND: each label's nodes by CREATE with all their properties, each relationship by
      MATCH on its ends' keys and CREATE with all of its (same batches and wire path as raw_rate);
    - by the engine's bulk insert (store.encode_bulk / create_nodes / create_relationships, what
      the loader sends new entities by), relationships joined by the ids the node inserts returned."""
    from reliefgraph.graph.rows import ColumnRows
    from reliefgraph.graph.store import WriteSummary, open_store

    src = open_store(str(data_dir))
    schema, nodes, rels = src.schema, [], []
    for (label,) in src.read("CALL db.labels() YIELD label RETURN label").rows:
        props = [r[0] for r in src.read(f"MATCH (n:{label}) RETURN properties(n)").rows]
        nodes.append((label, _columns(props), len(props)))
    combos = src.read("MATCH (a)-[r]->(b) RETURN DISTINCT labels(a)[0], type(r), labels(b)[0]").rows
    for la, rel, lb in combos:
        ka, kb = schema.node(la).key, schema.node(lb).key
        got = src.read(f"MATCH (a:{la})-[r:{rel}]->(b:{lb}) RETURN a.{ka}, b.{kb}, properties(r)").rows
        rels.append((la, rel, lb, pd.Series([g[0] for g in got]), pd.Series([g[1] for g in got]),
                     _columns([g[2] for g in got]), len(got)))
    src.db.connection.close()
    expected = {"nodes": sum(n[-1] for n in nodes), "rels": sum(r[-1] for r in rels)}

    def by_unwind(store) -> WriteSummary:
        made = WriteSummary()
        for label, cols, n in nodes:
            if n:
                rows = ColumnRows(i=pd.Series(range(n)), maps={"p": cols})
                made.add(store.write_rows(f"UNWIND $rows AS row CREATE (n:{label}) SET n += row.p", rows,
                                          batch_size=BATCH))
        for la, rel, lb, a, b, cols, n in rels:
            if n:
                ka, kb = schema.node(la).key, schema.node(lb).key
                rows = ColumnRows(i=pd.Series(range(n)), maps={"k": {"a": a, "b": b}, "p": cols})
                made.add(store.write_rows(f"UNWIND $rows AS row MATCH (a:{la} {{{ka}: row.k.a}}), "
                                          f"(b:{lb} {{{kb}: row.k.b}}) CREATE (a)-[r:{rel}]->(b) SET r += row.p",
                                          rows, batch_size=BATCH))
        return made

    def by_bulk(store) -> WriteSummary:
        ids = {}
        for label, cols, n in nodes:
            if n:
                keys = cols[schema.node(label).key]
                got = store.create_nodes(store.encode_bulk(label, cols, n), keys)
                assert got is not None, "a fresh graph has no free slots"
                ids[label] = pd.Series(got, index=keys.to_numpy())
        for la, rel, lb, a, b, cols, n in rels:
            if n:
                store.create_relationships(store.encode_bulk(rel, cols, n), ids[la].loc[a.to_numpy()].to_numpy(),
                                           ids[lb].loc[b.to_numpy()].to_numpy())
        return WriteSummary(nodes_created=sum(n[-1] for n in nodes), relationships_created=sum(r[-1] for r in rels))

    out = {**expected}
    for name, replay in (("unwind_s", by_unwind), ("bulk_s", by_bulk)):
        totals = []
        for _ in range(repeat):
            store = fresh_graph(data_dir, "replay_bench")
            t0 = time.perf_counter()
            made = replay(store)
            totals.append(time.perf_counter() - t0)
            got = store.counts()
            assert (got["nodes"], got["relationships"]) == (expected["nodes"], expected["rels"]), (name, got)
            assert (made.nodes_created, made.relationships_created) == (expected["nodes"], expected["rels"]), made
            store.graph.delete()
            store.db.connection.close()
        out[name] = statistics.median(totals)
    return out


def written_per_row(data_dir: Path, file: str, rows: int) -> float:
    """Nodes and relationships whose provenance names `file`, per row of it."""
    from reliefgraph.graph.store import open_store

    store = open_store(str(data_dir))
    try:
        nodes = store.read("MATCH (n) WHERE n.src_file = $f RETURN count(n)", {"f": file}).scalar()
        rels = store.read("MATCH ()-[r]->() WHERE r.src_file = $f RETURN count(r)", {"f": file}).scalar()
    finally:
        store.db.connection.close()
    return (nodes + rels) / rows


def naive_rate(data_dir: Path, huji: Path, rows: int, repeat: int) -> tuple[float, int, int]:
    """Rows/s of the naive loader, the rows it took, and the nodes + relationships it wrote."""
    try:
        frame = pd.read_csv(huji, nrows=rows, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except UnicodeDecodeError:  # the register comes in GBK
        frame = pd.read_csv(huji, nrows=rows, dtype=str, encoding="gb18030", keep_default_na=False)
    records = [{k: r[c] for k, c in NAIVE_COLUMNS.items()} for r in frame.to_dict("records")]
    # The one check kept: MERGE on an empty key under a unique constraint crashes FalkorDB 4.16 (segfault).
    records = [r for r in records if r["id"] and r["hh"]]
    times = []
    for _ in range(repeat):
        store = fresh_graph(data_dir, "naive_bench")
        t0 = time.perf_counter()
        for params in records:
            for query in NAIVE:
                store.graph.query(query, params)   # the client's own parameter path, one round trip each
        times.append(time.perf_counter() - t0)
        written = sum(store.counts().values())
        store.graph.delete()
        store.db.connection.close()
    return len(records) / statistics.median(times), len(records), written


# -- printing --------------------------------------------------------------------
def gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def print_loads(runs: list[dict], target: float | None) -> None:
    times = [r["seconds"] for r in runs]
    first = runs[0]
    print(f"  {'extract':<31}{'rows read':>10}{'loaded':>10}{'s':>8}{'rows/s':>10}{'cpu s':>8}")
    for k, rep in enumerate(first["reports"]):
        secs = statistics.median(r["reports"][k].seconds for r in runs)
        cpu = statistics.median(r["file_cpu"][k] for r in runs)
        print(f"  {rep.file:<31}{rep.rows_read:>10,}{rep.rows_loaded:>10,}{secs:>8.1f}"
              f"{rep.rows_read / secs:>10,.0f}{cpu:>8.1f}"
              + ("" if rep.status == "loaded" else f"  {rep.status} {rep.error}"))
    for rep in first["unmatched"]:
        print(f"  {rep.file:<31} {rep.status}: {rep.error}")
    verdict = "" if target is None else f" — target ≤ {target:.0f} s: " + \
        ("met" if statistics.median(times) <= target else f"MISSED by {statistics.median(times) / target:.1f}×")
    print(f"  total load (schema, all files, last snapshot on disk): median {statistics.median(times):.1f} s "
          f"(runs: {', '.join(f'{t:.1f}' for t in times)}){verdict}")
    rows = sum(rep.rows_read for rep in first["reports"])
    wall = statistics.median(times)
    print(f"  rows read: {rows:,} in {len(first['reports'])} files; {rows / wall:,.0f} rows/s, "
          f"{wall / rows * 1e6:.1f} µs a row (wall)")
    cpu = {part: statistics.median(r["cpu"][part] for r in runs) for part in first["cpu"]}
    loads = ", ".join(f"{r['load_average'][0]:.1f}" for r in runs)
    print(f"  CPU seconds (user + sys), medians: loader process {cpu['loader']:.1f} s "
          f"({cpu['loader'] / rows * 1e6:.1f} µs a row; 'cpu s' per file above, writer thread included), "
          f"engine {cpu['server']:.1f} s, background snapshots {cpu['snapshots']:.1f} s; "
          f"together {sum(cpu.values()):.1f} s = {sum(cpu.values()) / rows * 1e6:.1f} µs a row; "
          f"load average at the end of each run: {loads}")
    snaps = [sum(r["snapshots"]) for r in runs]
    print(f"  of which blocked in store.snapshot(): {len(first['snapshots'])} calls for {len(first['reports'])} files, "
          f"median {statistics.median(snaps):.1f} s ({statistics.median(snaps) / statistics.median(times):.0%})")
    c = first["counts"]
    print(f"  created: {c['nodes']:,} nodes, {c['relationships']:,} relationships")
    print(f"  peak RSS: loader process {gib(max(r['peak_rss'] for r in runs))} "
          f"(at start {gib(first['rss_before'])}), embedded server {gib(max(r['server_peak'] for r in runs))} "
          f"(VmHWM); server + snapshot forks sampled every 0.2 s: {gib(max(r['server_sampled'] for r in runs))} "
          f"(RSS sum, shared pages counted twice)")
    print(f"  memory in use on the machine (total - available), sampled every 0.2 s: peak "
          f"{gib(max(r['machine_peak'] for r in runs))}, {gib(first['machine_before'])} before the load")


def load_county(work: Path, tag: str, extracts: Path, as_of: str, repeat: int, servers: list[Path]) -> list[dict]:
    runs = []
    for k in range(repeat):
        data_dir = work / f"{tag}-g{k}"
        servers.append(data_dir)
        sampler = ServerSampler(data_dir)
        sampler.start()
        try:
            run = in_child(_load, str(extracts), str(data_dir), str(work / f"{tag}-rejects{k}"),
                           f"sqlite:///{work}/{tag}-app{k}.db", as_of)
        finally:
            run_sampled = sampler.stop()
        run["server_peak"], run["server_sampled"], run["data_dir"] = server_peak(data_dir), run_sampled, data_dir
        run["machine_before"], run["machine_peak"] = sampler.machine_before, sampler.machine_peak
        print(f"  run {k + 1}/{repeat}: {run['seconds']:.1f} s", flush=True)
        runs.append(run)
        if k < repeat - 1:                       # keep the last server for the comparisons
            stop(data_dir)
    return runs


def stop(data_dir: Path) -> None:
    from reliefgraph.graph.embedded import EmbeddedServer

    EmbeddedServer(data_dir).stop(timeout=600)


def generate_county(work: Path, persons: int, tag: str) -> tuple[Path, dict]:
    out = work / f"{tag}-extracts"
    gen = in_child(_generate, persons, str(out))
    print(f"generate {persons:,} persons: {gen['seconds']:.1f} s ({gen['files']} extracts, {gen['rows']:,} rows, "
          f"as of {gen['as_of']}; not part of the load)", flush=True)
    return out, gen


def given_county(extracts: Path) -> dict:
    manifest = json.loads((extracts / "_truth" / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("layout", "a") != "a":   # the naive loader reads the first layout's register
        raise SystemExit(f"{extracts}: layout {manifest['layout']}; the bench compares layout a (generate --layout a)")
    print(f"county from {extracts}: {manifest['persons']:,} persons, layout {manifest.get('layout', 'a')}, "
          f"as of {manifest['as_of']} (generated earlier; not part of the load)", flush=True)
    return {"as_of": manifest["as_of"], "persons": manifest["persons"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of the load, raw and naive measurements")
    ap.add_argument("--naive-rows", type=int, default=5_000)
    ap.add_argument("--extracts", type=Path, default=None,
                    help="a folder written by `reliefgraph generate` to load instead of generating one "
                         "(read only; its _truth/manifest.json gives persons and as-of date)")
    big = ap.add_mutually_exclusive_group()
    big.add_argument("--with-3m", dest="with_3m", action="store_true", help="also load 3 000 000 persons (slow)")
    big.add_argument("--skip-3m", dest="with_3m", action="store_false", help="(default)")
    big.add_argument("--only-3m", dest="only_3m", action="store_true",
                     help="load 3 000 000 persons only (time and memory; no ratios)")
    ap.set_defaults(with_3m=False, only_3m=False)
    args = ap.parse_args()

    from reliefgraph.graph.embedded import EmbeddedServer

    work = Path(tempfile.mkdtemp(prefix="rgl"))
    os.environ["RELIEFGRAPH_APP_DB"] = f"sqlite:///{work}/app.db"   # children inherit it
    servers: list[Path] = []
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {gib(psutil.virtual_memory().total)}, "
              f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}", end=", ", flush=True)
        probe = work / "probe"
        servers.append(probe)
        EmbeddedServer(probe).ensure_running()
        with EmbeddedServer(probe).client() as c:
            ver = next(m[b"ver"] for m in c.execute_command("MODULE", "LIST") if m[b"name"] == b"graph")
            print(f"engine FalkorDB {ver // 10000}.{ver // 100 % 100}.{ver % 100} on redis {c.info()['redis_version']}")
        stop(probe)
        rev = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True,
                             cwd=Path(__file__).parent).stdout.strip()
        print(f"code: {rev or '?'}")

        if not args.only_3m:
            if args.extracts is not None:
                extracts, gen = args.extracts, given_county(args.extracts)
                args.persons = gen["persons"]
            else:
                extracts, gen = generate_county(work, args.persons, "county")
            target = TARGET_LOAD_S if args.persons == 300_000 else None
            print(f"load through Loader, {args.persons:,} persons, {args.repeat} run(s), a fresh server each:", flush=True)
            runs = load_county(work, "county", extracts, gen["as_of"], args.repeat, servers)
            print_loads(runs, target)

            data_dir = runs[-1]["data_dir"]
            c = runs[-1]["counts"]
            load_rate = statistics.median((r["counts"]["nodes"] + r["counts"]["relationships"]) / r["seconds"]
                                          for r in runs)
            raw = raw_rate(data_dir, c["nodes"], c["relationships"], args.repeat)
            raw_total = (c["nodes"] + c["relationships"]) / raw["total_s"]
            ratio = load_rate / raw_total
            print(f"raw UNWIND MERGE on the same server, fresh graph with the schema, {c['nodes']:,} nodes + "
                  f"{c['relationships']:,} relationships, batches of {BATCH:,} via store.write_rows(ColumnRows), "
                  f"median of {args.repeat}:")
            print(f"  nodes {c['nodes'] / raw['node_s']:,.0f}/s ({raw['node_s']:.1f} s), relationships "
                  f"{c['relationships'] / raw['rel_s']:,.0f}/s ({raw['rel_s']:.1f} s); together {raw_total:,.0f}/s "
                  f"(client-side literal building included: {raw['literal_s']:.1f} s)")
            print(f"  loader {load_rate:,.0f}/s ÷ raw {raw_total:,.0f}/s = {ratio:.2f}× — target ≥ {TARGET_RAW_RATIO}×: "
                  + ("met" if ratio >= TARGET_RAW_RATIO else "MISSED"))

            replay = replay_rate(data_dir, args.repeat)
            replay_total = (replay["nodes"] + replay["rels"]) / replay["unwind_s"]
            bulk_total = (replay["nodes"] + replay["rels"]) / replay["bulk_s"]
            print(f"the same graph replayed into a fresh graph (every property the loader wrote), median of "
                  f"{args.repeat}:")
            print(f"  by bare UNWIND CREATE (relationships by MATCH on their ends' keys; same batches and wire path): "
                  f"{replay['unwind_s']:.1f} s, {replay_total:,.0f}/s — loader {load_rate:,.0f}/s ÷ "
                  f"{replay_total:,.0f}/s = {load_rate / replay_total:.2f}×")
            print(f"  by the engine's bulk insert, as the loader sends new entities (relationships by the ids the "
                  f"inserts returned): {replay['bulk_s']:.1f} s, {bulk_total:,.0f}/s — loader ÷ bulk replay = "
                  f"{load_rate / bulk_total:.2f}× (the engine's ceiling for this graph; the rest is reading, "
                  f"checking, resolving and bookkeeping)")

            k = next(i for i, rep in enumerate(runs[0]["reports"]) if rep.mapping == HUJI)
            huji = runs[0]["reports"][k]
            loader_rows = statistics.median(r["reports"][k].rows_read / r["reports"][k].seconds for r in runs)
            naive, naive_n, naive_written = naive_rate(data_dir, extracts / huji.file, args.naive_rows, args.repeat)
            naive_ratio = loader_rows / naive
            print(f"naive loader (3 queries per row: MERGE person, MERGE household, MATCH+MERGE MEMBER_OF; client "
                  f"parameters; schema indexes) on the first {args.naive_rows:,} rows of {huji.file} ({naive_n:,} with "
                  f"both keys), median of {args.repeat}: {naive:,.0f} rows/s")
            print(f"  loader on the whole file {loader_rows:,.0f} rows/s (it also writes regions and provenance) ÷ "
                  f"naive {naive:,.0f} rows/s = {naive_ratio:.0f}× — target ≥ {TARGET_NAIVE_RATIO:.0f}×: "
                  + ("met" if naive_ratio >= TARGET_NAIVE_RATIO else "MISSED"))
            per_row = written_per_row(data_dir, huji.file, huji.rows_read)
            naive_entities = naive * naive_written / naive_n
            print(f"  as node and relationship write rates: the naive loader {naive_entities:,.0f}/s "
                  f"({naive_written / naive_n:.2f} per row); the loader {loader_rows * per_row:,.0f}/s on this file "
                  f"= {loader_rows * per_row / naive_entities:.0f}×, {load_rate:,.0f}/s over the whole load "
                  f"= {load_rate / naive_entities:.0f}×")
            for name, rate in (("UNWIND replay", replay_total), ("bulk replay", bulk_total)):
                ceiling = rate / per_row
                print(f"  the file's rows each write {per_row:.2f} nodes and relationships (counted by src_file); at "
                      f"the {name} rate a loader bound by the engine gets at most {ceiling:,.0f} rows/s = "
                      f"{ceiling / naive:.0f}× naive")
            for r in runs:
                stop(r["data_dir"])
                servers.remove(r["data_dir"])
                shutil.rmtree(r["data_dir"])
            if args.extracts is None:
                shutil.rmtree(extracts)

        if args.with_3m or args.only_3m:
            extracts, gen = generate_county(work, 3_000_000, "big")
            print("load through Loader, 3,000,000 persons, 1 run:", flush=True)
            big_runs = load_county(work, "big", extracts, gen["as_of"], 1, servers)
            print_loads(big_runs, None)
            run = big_runs[0]
            bound = run["peak_rss"] + max(run["server_peak"], run["server_sampled"])
            print(f"  loader peak + server and snapshot forks peak {gib(bound)} (an upper bound: the two peaks "
                  f"need not coincide, and pages a fork shares with the server count twice)")
            print(f"  memory in use on the machine at the peak {gib(run['machine_peak'])} — limit "
                  f"{gib(RAM_LIMIT)}: " + ("fits" if run["machine_peak"] <= RAM_LIMIT else "DOES NOT FIT"))
    finally:
        running = []
        for data_dir in servers:                 # never delete a data dir whose server may still run
            try:
                stop(data_dir)
            except Exception as exc:  # keep going: stop the others, then keep this directory
                running.append(data_dir)
                print(f"could not stop the server of {data_dir}: {exc}")
        if running:
            print(f"kept {work}: a server may still use it")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
