"""Orders benchmark: dispatching clues in bulk, on SQLite and PostgreSQL.

    python bench/orders_bench.py [--clues 1000] [--repeat 3] [--app-db URL ...] [--postgres]

Each repetition dispatches `--clues` synthetic clues to one unit in a single
call (`orders.dispatch`), on a fresh database, and times that call alone
(the orders, their events and the audit entry, in one transaction).
Without `--app-db`, a temporary SQLite file; `--postgres` also starts a
throw-away PostgreSQL cluster the way the tests do (needs the server
binaries). Prints the median and every run (the machine is shared and noisy).
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reliefgraph.appdb import connect
from reliefgraph.dashboard import accounts, orders, units
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.queries.clues import clues

DISPATCHER = Viewer("bench_dispatcher", "dispatcher", frozenset(), "bench_jw")


def _prepare(url: str, n: int) -> tuple:
    engine = connect(url)
    units.add_unit(engine, "bench_jw", "基准县纪委监委", "discipline")
    units.add_unit(engine, "bench_town", "基准镇人民政府", "town")
    with engine.begin() as conn:
        conn.execute(accounts.users.insert().values(username=DISPATCHER.username, display_name="派单",
                                                    role="dispatcher", unit_id="bench_jw", password_hash="-",
                                                    active=True, created="2026-12-01"))
        conn.execute(clues.insert(), [
            {"clue_id": f"bench{i:06d}", "family": "hidden_assets", "subject_id": f"5201011980{i:08d}",
             "score": 0.8, "severity": ("high", "medium", "low")[i % 3], "rule_ids": ["car_during_grant"],
             "summary": "…", "status": "new", "active": True, "first_seen": "2026-12-01",
             "last_seen": "2026-12-01"} for i in range(n)])
    return engine, [f"bench{i:06d}" for i in range(n)]


def time_dispatch(url: str, n: int) -> float:
    engine, ids = _prepare(url, n)
    started = time.perf_counter()
    made = orders.dispatch(engine, DISPATCHER, ids, "bench_town")
    took = time.perf_counter() - started
    assert len(made) == n and len(orders.orders_of_unit(engine, "bench_town")) == n
    engine.dispose()
    return took


def measure(label: str, urls, n: int) -> None:
    runs = [time_dispatch(url, n) for url in urls]
    print(f"{label}: dispatch {n} clues in one call — median {statistics.median(runs):.3f} s "
          f"(runs: {', '.join(f'{r:.3f}' for r in runs)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clues", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--app-db", action="append", default=[],
                        help="an empty application database URL per repetition (else a temporary SQLite file)")
    parser.add_argument("--postgres", action="store_true", help="also on a throw-away PostgreSQL cluster")
    args = parser.parse_args()
    print(f"{platform.python_version()} on {platform.machine()}, {args.repeat} runs each")
    if args.app_db:
        measure("given database", args.app_db[:args.repeat], args.clues)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            measure("SQLite", [f"sqlite:///{Path(tmp) / f'app{i}.db'}" for i in range(args.repeat)], args.clues)
    if args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from pgcluster import Cluster, server_bindir

        bindir = server_bindir()
        if bindir is None:
            raise SystemExit("PostgreSQL server binaries not found (Debian: apt install postgresql)")
        cluster = Cluster(bindir).start()
        try:
            measure("PostgreSQL", [cluster.new_database() for _ in range(args.repeat)], args.clues)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
