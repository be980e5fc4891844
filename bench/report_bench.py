"""Report benchmark: time to produce each format for a clue with ~50 evidence
facts, and for the county summary, on a loaded and detected county.

    python bench/report_bench.py --db DATA_DIR --app-db sqlite:///APP.db [--repeat 5] [--facts 50] [--build]

Prints medians measured in this one run (the machine is shared and noisy).
The clue is the one with the most evidence facts; with `--build`, if it has
fewer than `--facts`, the benchmark first makes one that has them by adding
the payments of the following months to the largest paid-after-death clue's
grant and re-running that rule — so only use `--build` on a copy of a county.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import psutil
from sqlalchemy import select

from reliefgraph.appdb import connect
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.graph.store import open_store
from reliefgraph.queries.clues import findings
from reliefgraph.queries.detect import detect
from reliefgraph.queries.rules import load_rules
from reliefgraph.reports.facts import fact_count
from reliefgraph.reports.issue import FORMATS, Target, build, issue, render
from reliefgraph.reports.masking import for_viewer
from reliefgraph.reports.views import clue_views

ANALYST = Viewer("bench", "analyst")
EXTRA_PAYMENTS = """
MATCH (g:Grant {grant_id: $grant})-[:HAS_PAYMENT]->(last:Payment)-[:PAID_TO]->(x:Person {citizen_id: $payee})
WITH g, x, last ORDER BY last.month DESC LIMIT 1
UNWIND $months AS m
MERGE (p:Payment {payment_id: g.grant_id + '/' + m})
SET p.month = m, p.amount = last.amount, p.src_agency = 'civil_affairs', p.src_file = 'bench_extra_months.csv',
    p.src_row = 1, p.src_batch = 'bench'
MERGE (g)-[:HAS_PAYMENT]->(p)
MERGE (p)-[:PAID_TO]->(x)
"""


def _facts_by_clue(engine) -> dict[str, int]:
    totals: dict[str, int] = {}
    with engine.connect() as conn:
        for cid, evidence in conn.execute(select(findings.c.clue_id, findings.c.evidence)):
            totals[cid] = totals.get(cid, 0) + fact_count(evidence or {})
    return totals


def _next_months(last: str, n: int) -> list[str]:
    year, month = int(last[:4]), int(last[5:7])
    out = []
    for _ in range(n):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        out.append(f"{year:04d}-{month:02d}")
    return out


def build_clue(store, engine, want: int) -> str:
    """Grow the largest paid-after-death clue to `want` facts (3 facts per extra month)."""
    totals = _facts_by_clue(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(findings.c.clue_id, findings.c.grant_id, findings.c.related_id, findings.c.facts)
                            .where(findings.c.rule_id == "paid_after_death")).all()
    cid, grant, payee, facts = max(rows, key=lambda r: totals[r.clue_id])
    missing = max(0, want - totals[cid])
    if missing:
        months = _next_months(max(facts["months"]), -(-missing // 3))
        store.write(EXTRA_PAYMENTS, {"grant": grant, "payee": payee, "months": months})
        as_of = f"{months[-1]}-28"
        detect(store, engine, [r for r in load_rules() if r.id == "paid_after_death"], as_of)
        print(f"built: added payments for {', '.join(months)} to grant {grant}; re-ran paid_after_death "
              f"(as of {as_of})")
    return cid


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="graph data directory (embedded) or Neo4j URI")
    ap.add_argument("--app-db", required=True, help="application database URL (audit entries are written to it)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--facts", type=int, default=50)
    ap.add_argument("--build", action="store_true", help="grow a clue to --facts facts (writes to the county)")
    ap.add_argument("--as-of", default="2026-10-31", help="the summary's reference date")
    args = ap.parse_args()
    engine = connect(args.app_db)
    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB · load average {os.getloadavg()[0]:.1f}")
    with open_store(args.db) as store:
        persons = store.read("MATCH (p:Person) RETURN count(p)").scalar()
        print(f"county: {persons:,} persons")
        cid = build_clue(store, engine, args.facts) if args.build else max(
            (t, c) for c, t in _facts_by_clue(engine).items())[1]
        target = Target(clue=cid)
        report = build(store, engine, target, "bench", "analyst")
        facts = sum(fact_count(f.evidence) for f in report.findings())
        print(f"clue {cid}: {len(report.findings())} findings, {facts} evidence facts (n={args.repeat}, medians)")
        shown = for_viewer(report, ANALYST)
        print(f"  gather (graph + app db)      {_median(lambda: build(store, engine, target, 'bench', 'analyst'), args.repeat):7.3f} s")
        print(f"  picture + tables             {_median(lambda: clue_views(shown), args.repeat):7.3f} s")
        for fmt in FORMATS:
            print(f"  render {fmt:<5} only           {_median(lambda: render(shown, fmt), args.repeat):7.3f} s")
        for fmt in FORMATS:
            sizes = []
            took = _median(lambda: sizes.append(len(issue(store, engine, target, fmt, "bench", ANALYST).data)),
                           args.repeat)
            print(f"  whole report, {fmt:<5}        {took:7.3f} s   ({sizes[-1] / 1024:,.0f} KiB)")
        summary = Target(summary=True, as_of=args.as_of)
        print(f"county summary as of {args.as_of} (n={args.repeat}, medians)")
        report = build(store, engine, summary, "bench", "analyst")
        print(f"  gather (summary queries)     {_median(lambda: build(store, engine, summary, 'bench', 'analyst'), args.repeat):7.3f} s"
              f"   ({len(report.summary)} scopes)")
        for fmt in FORMATS:
            sizes = []
            took = _median(lambda: sizes.append(len(issue(store, engine, summary, fmt, "bench", ANALYST).data)),
                           args.repeat)
            print(f"  whole report, {fmt:<5}        {took:7.3f} s   ({sizes[-1] / 1024:,.0f} KiB)")


if __name__ == "__main__":
    main()
