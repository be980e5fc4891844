"""Figures for the Overview page: clues by family, rule, town and status;
what the data covers; when each agency's data was last loaded; precision."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from reliefgraph.dashboard.cases import STATUSES, precision_by_rule
from reliefgraph.graph.store import GraphStore
from reliefgraph.queries import at_risk_summary, clues as clue_store
from reliefgraph.queries.names import TOWN_DIGITS
from reliefgraph.queries.rules import FAMILIES


@dataclass
class ClueCounts:
    total: int = 0
    by_family: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    by_town: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)


def clue_counts(engine: Engine) -> ClueCounts:
    """Active clues only: what detection still finds."""
    out = ClueCounts()
    for c in clue_store.list_clues(engine):
        out.total += 1
        out.by_family[FAMILIES.get(c["family"], (c["family"],))[0]] += 1
        out.by_rule.update(c["rule_ids"] or [])
        out.by_town[(c["region_code"] or "")[:TOWN_DIGITS] or "—"] += 1
        out.by_status[STATUSES.get(c["status"], (c["status"],))[0]] += 1
    return out


def coverage(store: GraphStore) -> dict[str, int]:
    persons = store.read("MATCH (p:Person) RETURN count(p)").scalar() or 0
    households = store.read("MATCH (h:Household) RETURN count(h)").scalar() or 0
    covered = store.read("MATCH (h:Household)-[:RECEIVES]->(:Grant) RETURN count(DISTINCT h)").scalar() or 0
    grants = store.read("MATCH (g:Grant) RETURN count(g)").scalar() or 0
    return {"persons": int(persons), "households": int(households), "households_with_grants": int(covered),
            "grants": int(grants)}


def grants_by_programme(store: GraphStore) -> dict[str, int]:
    rows = store.read("MATCH (g:Grant) RETURN g.programme, count(g) ORDER BY g.programme").rows
    return {p or "—": int(n) for p, n in rows}


def last_loads(store: GraphStore) -> list[dict]:
    """Per agency: the last finished load batch, its file, and how many files were loaded."""
    rows = store.read(
        "MATCH (b:LoadBatch) WHERE b.finished IS NOT NULL "
        "WITH b ORDER BY b.finished DESC "
        "WITH b.agency AS agency, collect(b) AS batches "
        "RETURN agency, batches[0].finished, batches[0].file_name, size(batches) ORDER BY agency").rows
    return [{"agency": a, "finished": f, "file_name": name, "files": int(n)} for a, f, name, n in rows]


def town_names(store: GraphStore) -> dict[str, str]:
    return {code: name for code, name in store.read(
        "MATCH (r:Region {level: 'town'}) RETURN r.code, r.name").rows if name}


def precision_table(engine: Engine) -> list[dict]:
    return precision_by_rule(engine)


def at_risk_lines(engine: Engine, titles: dict[str, str]) -> list[at_risk_summary.RiskLine]:
    """Households at risk per at_risk rule and the help they may get, from the active clues (the same
    tally `reliefgraph summary` makes from the rules)."""
    from reliefgraph.queries.rules import load_rules
    ids = [r.id for r in load_rules(families={at_risk_summary.FAMILY})]
    return at_risk_summary.tally(at_risk_summary.rows_from_clues(engine), {i: titles.get(i, i) for i in ids})
