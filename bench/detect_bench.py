"""Benchmark of detection at county scale: rules, derived facts, algorithms.

Generates and loads a county (or reuses a loaded data directory), then runs
detection --repeat times and prints, from one run on this machine: the
median time of every rule, the derivation step and the network signals
(each with its parts: every derive file and the snapshot; the neighbourhood
read, Louvain, betweenness and the recipients read),
the total against the 15 s target, the slowest rule with its FalkorDB
PROFILE, and the graph algorithms over the whole kinship graph.

    python bench/detect_bench.py [--persons 300000] [--db DIR] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import psutil

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.queries import algorithms as algo
from reliefgraph.queries.detect import detect
from reliefgraph.queries.rules import load_rules, run_rule
from reliefgraph.synthetic.generator import generate

AS_OF = "2026-10-31"
TARGET_SECONDS = 15.0


def load_county(work: Path, persons: int) -> Path:
    generate(persons=persons, seed=1, out=work / "x", scenario="standard", month=1)
    db = work / "graph"
    with open_store(str(db)) as store:
        store.init_schema()
        loader = Loader(store, connect(f"sqlite:///{work / 'load.db'}"), work / "rej",
                        as_of=date.fromisoformat(AS_OF))
        started = time.perf_counter()
        for path, mapping in plan(work / "x", load_mappings())[0]:
            loader.load_file(path, mapping)
        print(f"loaded {persons:,} persons in {time.perf_counter() - started:.1f} s")
    return db


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=300_000)
    ap.add_argument("--db", type=Path, help="an already loaded data directory")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}")
    work = Path(tempfile.mkdtemp(prefix="rgdet"))
    db = args.db or load_county(work, args.persons)
    try:
        store = open_store(str(db))
        counts = store.counts()
        print(f"graph: {counts['nodes']:,} nodes, {counts['relationships']:,} relationships")
        engine = connect(f"sqlite:///{work / 'app.db'}")
        reports = [detect(store, engine, as_of=AS_OF) for _ in range(args.repeat)]
        med = lambda xs: statistics.median(xs)  # noqa: E731
        rules = load_rules()
        print(f"per rule, median of {args.repeat} runs:")
        for r in sorted(rules, key=lambda r: -med([rep.rule_seconds[r.id] for rep in reports])):
            print(f"  {r.id:28s} {med([rep.rule_seconds[r.id] for rep in reports]):6.3f} s  "
                  f"{reports[-1].rule_hits[r.id]:5d} hits")
        rules_total = med([sum(rep.rule_seconds.values()) for rep in reports])
        derive = med([rep.derive_seconds for rep in reports])
        net = med([rep.extra["network_seconds"] for rep in reports])
        total = med([rep.total_seconds for rep in reports])
        for step in ("derive", "network"):
            names = sorted({k for rep in reports for k in rep.extra if k.startswith(f"{step}.")})
            print(f"{step} step, median of {args.repeat} runs: " + "; ".join(
                f"{k.split('.', 1)[1]} {med([rep.extra.get(k, 0.0) for rep in reports]):.2f} s" for k in names))
        print(f"rules {rules_total:.2f} s + derived facts {derive:.2f} s + network signals {net:.2f} s; "
              f"whole detect run (incl. storing clues) {total:.2f} s — target {TARGET_SECONDS:.0f} s: "
              f"{'met' if total <= TARGET_SECONDS else 'NOT met'} ({total / TARGET_SECONDS:.2f}× of target)")
        slowest = max(rules, key=lambda r: med([rep.rule_seconds[r.id] for rep in reports]))
        params = slowest.file.bind({"as_of": AS_OF})
        print(f"slowest rule: {slowest.id}; FalkorDB PROFILE:")
        print(store.profile(slowest.file.query, params))
        run_rule(store, slowest, AS_OF)
        print("algorithms over the kinship graph (Person, KIN):")
        for name, fn in (("wcc", algo.wcc), ("louvain", algo.louvain), ("pagerank", algo.pagerank)):
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                df = fn(store, ["Person"], ["KIN"])
                times.append(time.perf_counter() - t)
            print(f"  {name:10s} {med(times):6.2f} s  ({len(df):,} nodes)")
        t = time.perf_counter()
        sim = algo.node_similarity(store, "Person", ["HAS_PHONE", "LIVES_AT", "HOLDS_ACCOUNT"])
        print(f"  similarity {time.perf_counter() - t:6.2f} s  ({len(sim):,} pairs sharing a contact)")
        store.close()
    finally:
        if not args.db:
            EmbeddedServer(work / "graph").stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
