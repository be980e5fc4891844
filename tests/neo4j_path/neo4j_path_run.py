"""Test helper: everything reliefgraph does to a graph, once, on a loaded county.

What each part sends is what the product sends: the same functions the CLI,
the dashboard pages and the reports call, with the store they are given.
Returns how much of each part ran, so a test can tell a full run from an
empty one.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import select

from reliefgraph.dashboard import explore, overview, queryform
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.graph.store import GraphStore
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.loaders.resolution import decisions, undo
from reliefgraph.queries import algorithms as algo
from reliefgraph.queries import clues
from reliefgraph.queries.cypher_files import cypher_files
from reliefgraph.queries.detect import detect
from reliefgraph.queries.summary import summarise
from reliefgraph.reports import gather

ADMIN = Viewer("admin", "admin")
ANALYST = Viewer("analyst", "analyst")
CLUES_PER_FAMILY = 2
MONTHS = ((1, "2026-10-31"), (2, "2026-11-30"))


def load_months(store: GraphStore, engine, months: list[tuple[Path, str]], rejects: Path) -> None:
    """Each month's extracts over the last, as a county sends them; then one file
    again (already loaded: left unchanged) and one person link undone."""
    store.init_schema()
    for folder, as_of in months:
        loader = Loader(store, engine, rejects, as_of=date.fromisoformat(as_of), chunk_rows=1_000)
        pairs, _ = plan(folder, load_mappings())
        reports = [loader.load_file(path, mapping) for path, mapping in pairs]
        # A month's file identical to last month's is left as it is.
        statuses = {r.file: r.status for r in reports}
        assert set(statuses.values()) <= {"loaded", "unchanged"} and "loaded" in statuses.values(), statuses
    assert loader.load_file(*pairs[0]).status == "unchanged"
    with engine.connect() as conn:
        link = conn.execute(select(decisions.c.id).where(decisions.c.outcome == "linked")
                            .order_by(decisions.c.batch_id, decisions.c.row).limit(1)).scalar()
    assert link is not None, "the county must hold a row linked by name and birth date"
    undo(engine, store, link, "admin")


def full_run(store: GraphStore, engine, months: list[tuple[Path, str]], rejects: Path) -> dict[str, int]:
    ran: Counter = Counter()
    load_months(store, engine, months, rejects)
    store.counts()
    as_of = months[-1][1]

    report = detect(store, engine, as_of=as_of)
    ran["rules"] = len(report.rule_hits)
    found = clues.list_clues(engine)
    ran["clues"] = len(found)
    ran["network_signals"] = sum("network" in (f.get("facts") or {}) for c in found
                                 for f in clues.findings_of(engine, c["clue_id"]))

    lines = summarise(store, as_of=as_of)
    town = next((ln.scope for ln in lines if ln.scope != "county"), None)
    summarise(store, programmes=["dibao"], as_of=as_of, town=town)
    ran["summary_lines"] = len(lines)

    per_family: Counter = Counter()
    for c in found:
        if per_family[c["family"]] < CLUES_PER_FAMILY:
            per_family[c["family"]] += 1
            gather.clue_report(store, engine, c["clue_id"], "admin", "admin")
            ran["clue_reports"] += 1
    subject = found[0]["subject_id"]
    gather.person_report(store, engine, subject, "admin", "admin")
    gather.summary_report(store, engine, "admin", "admin", town=town, as_of=as_of)
    ran["reports"] = ran["clue_reports"] + 2

    overview.coverage(store)
    overview.grants_by_programme(store)
    overview.last_loads(store)
    overview.town_names(store)
    for text in (subject, found[0]["subject_name"] or "", "公司", "不存在的名字"):
        ran["search_hits"] += len(explore.search(store, text, ADMIN))
    for hops, collapse in ((1, True), (2, True), (2, False)):
        sub, _ = explore.neighbourhood(store, "Person", subject, ADMIN, hops=hops, collapse=collapse)
        ran["drawn_nodes"] += len(sub.nodes)
    explore.neighbourhood(store, "Person", subject, ANALYST, hops=2,
                          filters=explore.Filters(types=("KIN", "MEMBER_OF"), start="2020-01-01", end=as_of))
    for f in cypher_files("queries"):
        queryform.run_saved(store, f, f.bind(f.examples()), ADMIN)
        ran["saved_queries"] += 1

    kin = ["KIN"]
    for run in (algo.wcc, algo.louvain, algo.pagerank, algo.betweenness):
        ran["algorithm_rows"] += len(run(store, ["Person"], kin))
    ran["similar_pairs"] = len(algo.node_similarity(store, "Person", ["HAS_PHONE", "LIVES_AT", "HOLDS_ACCOUNT"]))
    other = next((c["subject_id"] for c in found if c["subject_id"] != subject), subject)
    algo.shortest_path(store, f"Person:{subject}", f"Person:{other}", ["KIN", "MEMBER_OF"], max_hops=3)
    return dict(ran)
