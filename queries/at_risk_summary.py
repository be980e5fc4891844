"""The at-risk (应保未保) table: households that should be helped, per rule, and the help they may get.

The Mashan table (summary.py) counts violations among people *enrolled* in
a programme; an at-risk household is enrolled in none, so it has its own
table. It is counted from the at_risk rules themselves (or, in the
dashboard, from their active clues), never from a second definition: the
households per rule are the households those rules' clues name, per town
(the subject's registered village) and for the county, with a household
found by several rules counted once in the total. "Help" counts, per item of
the rules' `entitled` list (临时救助, 低保, 纳入防返贫监测 …), the households
that may be entitled to it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from reliefgraph.graph.store import GraphStore
from reliefgraph.queries.names import TOWN_DIGITS
from reliefgraph.queries.rules import load_rules, run_rule

FAMILY = "at_risk"
TOTAL = "at_risk_total"


@dataclass
class RiskLine:
    scope: str                  # "county" or a town code
    rule: str                   # rule id, or TOTAL
    title_zh: str
    households: int
    help: Counter = field(default_factory=Counter)   # entitlement → households


@dataclass(frozen=True)
class RiskRow:
    rule: str
    household: str
    region_code: str
    entitled: tuple[str, ...]


def tally(rows: Iterable[RiskRow], titles: dict[str, str], town: str | None = None) -> list[RiskLine]:
    """Lines for the county and each town: one per rule (in `titles` order), then the deduplicated total."""
    per: dict[str, dict[str, set]] = {}
    help_of: dict[str, dict[str, set]] = {}
    for r in rows:
        scope = (r.region_code or "")[:TOWN_DIGITS]
        if town and scope != town:
            continue
        for key in ("county", scope):
            per.setdefault(key, {}).setdefault(r.rule, set()).add(r.household)
            for item in r.entitled:
                help_of.setdefault(key, {}).setdefault(item, set()).add(r.household)
    lines: list[RiskLine] = []
    for scope in ["county"] + sorted(s for s in per if s != "county"):
        everyone: set = set()
        for rule, title in titles.items():
            hh = per.get(scope, {}).get(rule, set())
            everyone |= hh
            lines.append(RiskLine(scope, rule, title, len(hh)))
        helps = Counter({item: len(h) for item, h in help_of.get(scope, {}).items()})
        lines.append(RiskLine(scope, TOTAL, "应保未保户数（去重）", len(everyone), helps))
    return lines


def titles() -> dict[str, str]:
    return {r.id: r.file.title_zh for r in load_rules(families={FAMILY})}


def summarise_at_risk(store: GraphStore, as_of: date | str | None = None, town: str | None = None) -> list[RiskLine]:
    """Runs the at_risk rules on the graph (after `detect` has derived its facts, as the Mashan table needs)."""
    as_of = str(as_of or date.today().isoformat())
    rows = []
    for rule in load_rules(families={FAMILY}):
        hits, _ = run_rule(store, rule, as_of)
        rows += [(h.rule_id, h.household_id or h.subject_id, h.subject_id, tuple(h.facts.get("entitled") or ()))
                 for h in hits]
    ids = sorted({r[2] for r in rows})
    region = dict(store.read("UNWIND $ids AS id MATCH (p:Person {citizen_id: id}) RETURN id, p.region_code",
                             {"ids": ids}).rows) if ids else {}
    return tally([RiskRow(rule, hh, region.get(subject) or "", entitled) for rule, hh, subject, entitled in rows],
                 titles(), town)


def rows_from_clues(engine) -> list[RiskRow]:
    """The active at_risk clues as tally rows: one per (clue, rule), with the help its finding names."""
    from sqlalchemy import select

    from reliefgraph.queries.clues import clues, findings
    query = (select(clues.c.clue_id, clues.c.household_id, clues.c.subject_id, clues.c.region_code,
                    findings.c.rule_id, findings.c.facts)
             .join(findings, findings.c.clue_id == clues.c.clue_id)
             .where(clues.c.active.is_(True), clues.c.family == FAMILY))
    with engine.connect() as conn:
        found = conn.execute(query).all()
    return [RiskRow(rule, hh or subject, region or "", tuple((facts or {}).get("entitled") or ()))
            for _, hh, subject, region, rule, facts in found]
