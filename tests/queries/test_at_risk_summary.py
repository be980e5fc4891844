"""The at-risk table (应保未保) agrees with the at_risk clues: households per rule, the deduplicated total,
and the help each household may get — from the rules on the graph and from the clue store alike."""
from __future__ import annotations

import csv
from collections import Counter

from reliefgraph.dashboard import overview
from reliefgraph.graph.store import open_store
from reliefgraph.queries.at_risk_summary import TOTAL, summarise_at_risk
from reliefgraph.queries.rules import load_rules

AS_OF = "2026-10-31"


def _clues(detected) -> list[dict]:
    with open(detected.clues_csv, encoding="utf-8-sig") as fh:
        return [r for r in csv.DictReader(fh) if r["family"] == "at_risk"]


def test_households_per_rule_and_total_equal_the_clue_counts(detected):
    clues = _clues(detected)
    per_rule = Counter(rid for r in clues for rid in r["rule_ids"].split(";"))
    with open_store(str(detected.db)) as store:
        lines = summarise_at_risk(store, AS_OF)
    county = {x.rule: x for x in lines if x.scope == "county"}
    assert set(county) == {r.id for r in load_rules(families={"at_risk"})} | {TOTAL}
    for rule, line in county.items():
        if rule != TOTAL:
            assert line.households == per_rule[rule], rule
    assert county[TOTAL].households == len({r["household_id"] for r in clues}) > 0
    towns = [x for x in lines if x.scope != "county" and x.rule == TOTAL]
    assert sum(x.households for x in towns) == county[TOTAL].households


def test_help_names_what_each_household_may_get(detected):
    with open_store(str(detected.db)) as store:
        total = next(x for x in summarise_at_risk(store, AS_OF) if x.scope == "county" and x.rule == TOTAL)
    clues = _clues(detected)
    # Every at_risk rule offers temporary relief and monitoring; only the medical-bill rule offers 医疗救助.
    assert total.help["临时救助"] == total.help["纳入防返贫监测"] == total.households
    assert total.help["医疗救助"] == sum("large_medical_bill" in r["rule_ids"].split(";") for r in clues) > 0


def test_dashboard_overview_counts_the_same_from_the_clue_store(detected):
    titles = {r.id: r.file.title_zh for r in load_rules()}
    from_clues = {(x.scope, x.rule): (x.households, dict(x.help))
                  for x in overview.at_risk_lines(detected.engine, titles)}
    with open_store(str(detected.db)) as store:
        from_rules = {(x.scope, x.rule): (x.households, dict(x.help)) for x in summarise_at_risk(store, AS_OF)}
    assert from_clues == from_rules
