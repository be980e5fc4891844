"""Ledger benchmark: time to issue the 线索处置台账 of N orders as DOCX, PDF and XLSX.

    python bench/ledger_bench.py [--orders 5000] [--repeat 3] [--fed-back 0.6] [--app-db URL]

Builds its own application database (a temporary SQLite file unless
`--app-db` names one that is empty): two units, N synthetic clues
dispatched in one batch, and a share of them claimed, fed back and closed
through the order service. The ledger needs no graph. Each format is
issued `--repeat` times through `reports.documents.ledger` (numbering,
audit entry and rendering included) and the median printed with the
machine it ran on (the machine is shared and noisy).
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import psutil

from reliefgraph.appdb import connect
from reliefgraph.dashboard import accounts, orders, units
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.queries.clues import clues
from reliefgraph.reports import documents
from reliefgraph.reports.ledger import LedgerFilter

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
FAMILIES = ("hidden_assets", "favour_relief", "cadre_conflict", "at_risk")


def _synthetic_id(rng: random.Random) -> str:
    # Synthetic: a made-up region code, a birth date, a serial and a check digit by GB 11643.
    body = f"999901{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def build(engine, n: int, fed_back: float, seed: int = 7) -> None:
    rng = random.Random(seed)
    units.add_unit(engine, "bench.jw", "某县纪委监委", "discipline")
    units.add_unit(engine, "bench.town", "某某镇人民政府", "town")
    for name, role, unit in (("bench.disp", "dispatcher", "bench.jw"), ("bench.rev", "reviewer", "bench.jw"),
                             ("bench.ver", "verifier", "bench.town")):
        accounts.add_user(engine, name, "bench password 9", role, unit_id=unit)
    now = datetime.now(timezone.utc).isoformat()
    rows = [{"clue_id": f"bench{i:06d}", "family": FAMILIES[i % 4], "subject_id": _synthetic_id(rng),
             "subject_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), "household_id": f"H{i:08d}",
             "region_code": "999901001001", "score": round(rng.random(), 3), "severity": rng.choice(["high", "medium"]),
             "rule_ids": ["car_during_grant"], "summary": "synthetic", "status": "new", "active": True,
             "first_seen": now, "last_seen": now, "last_run": 1} for i in range(n)]
    with engine.begin() as conn:
        conn.execute(clues.insert(), rows)
    disp = Viewer("bench.disp", "dispatcher", unit_id="bench.jw")
    ver = Viewer("bench.ver", "verifier", unit_id="bench.town")
    rev = Viewer("bench.rev", "reviewer", unit_id="bench.jw")
    t = time.perf_counter()
    ids = orders.dispatch(engine, disp, [r["clue_id"] for r in rows], "bench.town")
    print(f"setup: dispatched {len(ids):,} orders in one batch in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    done = ids[: int(len(ids) * fed_back)]
    for k, oid in enumerate(done):
        orders.claim(engine, ver, oid)
        conclusion = rng.choice(["true", "partly", "false"])
        involved = Decimal(rng.randint(0, 200_000)) / 100 if conclusion != "false" else Decimal(0)
        orders.submit_feedback(engine, ver, oid, orders.Feedback(
            conclusion, "入户核查情况（合成数据）", involved, involved if k % 3 else Decimal(0),
            int(conclusion != "false"), 2 * int(conclusion != "false"), "停发", 0, ""))
        if k % 2:
            orders.review(engine, rev, oid, approve=True)
    print(f"setup: {len(done):,} claimed and fed back (half closed) in {time.perf_counter() - t:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--fed-back", type=float, default=0.6)
    ap.add_argument("--app-db")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ledger-bench"))
    os.environ.setdefault("RELIEFGRAPH_APP_FILES", str(folder / "files"))
    engine = connect(args.app_db or f"sqlite:///{folder / 'app.db'}")
    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{psutil.cpu_count()} cores · {psutil.virtual_memory().total / 2**30:.1f} GiB · "
          f"load {os.getloadavg()[0]:.1f} · {engine.dialect.name}")
    build(engine, args.orders, args.fed_back)
    viewer = Viewer("bench.disp", "dispatcher", unit_id="bench.jw")
    flt = LedgerFilter(unit_id="bench.town")
    for fmt in ("docx", "pdf", "xlsx"):
        times, size = [], 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            doc = documents.ledger(engine, flt, viewer, fmt)
            times.append(time.perf_counter() - t)
            size = len(doc.data)
        print(f"ledger of {args.orders:,} orders → {fmt}: median {statistics.median(times):.2f} s "
              f"(runs {', '.join(f'{x:.2f}' for x in times)}; {size / 1e6:.1f} MB; last number {doc.number or '—'})")


if __name__ == "__main__":
    main()
