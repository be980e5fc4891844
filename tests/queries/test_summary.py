"""The Mashan-style summary: distinct people and records per category and town."""
from __future__ import annotations

import csv
from datetime import date

import generated
from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.queries.summary import TOTAL, summarise
from reliefgraph.synthetic import mashan


def table(lines, scope="county"):
    return {line.category: (line.people, line.records) for line in lines if line.scope == scope}


def test_overlapping_categories_count_each_person_once(empty_falkor):
    empty_falkor.write("""
        CREATE (g:Grant {grant_id: 'PK1', programme: 'poverty'}),
               (a:Person {citizen_id: 'A', region_code: '451299101201'})-[:BENEFICIARY_OF {start: '2016-01-01', end: '2020-01-01'}]->(g),
               (b:Person {citizen_id: 'B', region_code: '451299102201'})-[:BENEFICIARY_OF {start: '2016-01-01'}]->(g),
               (a)-[:OWNS {start: '2017-01-01'}]->(:Vehicle {vin: 'V1', vehicle_type: 'car'}),
               (a)-[:OWNS {start: '2018-01-01'}]->(:Vehicle {vin: 'V2', vehicle_type: 'car'}),
               (a)-[:OWNS {start: '2021-01-01'}]->(:Vehicle {vin: 'V3', vehicle_type: 'car'}),
               (b)-[:OWNS {start: '2015-01-01'}]->(:Vehicle {vin: 'V4', vehicle_type: 'car'}),
               (b)-[:OWNS {start: '2019-01-01'}]->(:Vehicle {vin: 'V5', vehicle_type: 'disability'}),
               (a)-[:ON_PAYROLL {start: '2010-01-01'}]->(:Org {org_id: 'school'}),
               (b)-[:ON_PAYROLL {start: '2012-01-01', end: '2015-06-01'}]->(:Org {org_id: 'hospital'})
    """)
    lines = summarise(empty_falkor, ["poverty"], "2026-10-31")
    county = table(lines)
    assert county["cars"] == (1, 2), "bought during the spell: V1, V2; V3 after exit, V4 before entry, V5 not a car"
    assert county["public_payroll"] == (1, 1), "B retired before registration"
    assert county[TOTAL] == (1, None)
    assert table(lines, "451299101")["cars"] == (1, 2) and "451299102" not in {x.scope for x in lines}


def test_mashan_scenario_reproduces_the_audit_table_exactly(tmp_path_factory):
    base = tmp_path_factory.mktemp("mashan")
    # The county tests/synthetic/test_synthetic_mashan.py reads: generated once per run.
    extracts = generated.extracts(persons=mashan.MIN_PERSONS, seed=3, scenario="mashan")
    with open(extracts / "_truth" / "mashan_expected.csv", encoding="utf-8") as fh:
        expected = {r["category"]: (int(r["people"]), int(r["records"]) if r["records"] else None)
                    for r in csv.DictReader(fh)}
    store = open_store(str(base / "graph"))
    try:
        store.init_schema()
        loader = Loader(store, connect(f"sqlite:///{base / 'app.db'}"), base / "rej", as_of=date(2026, 10, 31))
        for path, mapping in plan(extracts, load_mappings())[0]:
            assert loader.load_file(path, mapping).status == "loaded"
        county = table(summarise(store, ["poverty"], "2026-10-31"))
    finally:
        store.close()
        EmbeddedServer(base / "graph").stop()
    # The audit's four categories exactly; the county's roster shows no income records besides.
    assert county.pop("income") == (0, 0)
    assert county == {"public_payroll": expected["public_payroll"], "cars": expected["cars"],
                      "housing": expected["housing"], "business": expected["business"],
                      TOTAL: expected["ineligible_total"]}
    assert county["cars"] == (2454, 2645) and county[TOTAL] == (3119, None)


def test_a_shareholding_without_a_start_date_runs_from_the_companys_founding(empty_falkor):
    """As company_role reads it: the summary must not drop what the rule counts."""
    empty_falkor.write("""
        CREATE (g:Grant {grant_id: 'G1', programme: 'dibao', start: '2020-01-01'}),
               (a:Person {citizen_id: 'A', region_code: '451299101201'})-[:BENEFICIARY_OF]->(g),
               (b:Person {citizen_id: 'B', region_code: '451299101201'})-[:BENEFICIARY_OF]->(g),
               (a)-[:SHAREHOLDER {share: 0.5}]->(:Company {credit_code: 'C1', established: '2021-03-01'}),
               (b)-[:SHAREHOLDER {share: 0.5}]->(:Company {credit_code: 'C2', established: '2015-03-01',
                                                            deregistered: '2018-01-01'})
    """)
    county = table(summarise(empty_falkor, ["dibao"], "2026-10-31"))
    assert county["business"] == (1, 1), "A's company was founded during the grant; B's closed before it"


def test_a_public_staff_pension_during_the_spell_counts_as_public_payroll(empty_falkor):
    """Retired public staff are publicly funded: the category counts what public_pension_member finds."""
    empty_falkor.write("""
        CREATE (g:Grant {grant_id: 'G1', programme: 'dibao', start: '2020-03-15'}),
               (a:Person {citizen_id: 'A', region_code: '451299101201'})-[:BENEFICIARY_OF]->(g),
               (b:Person {citizen_id: 'B', region_code: '451299101201'})-[:BENEFICIARY_OF]->(g),
               (c:Person {citizen_id: 'C', region_code: '451299101201'})-[:BENEFICIARY_OF]->(g),
               (d:Person {citizen_id: 'D', region_code: '451299101201'})-[:BENEFICIARY_OF]->(g),
               (a)-[:PENSION {scheme: 'public', start: '2018-07'}]->(:Org {org_id: 'public'}),
               (b)-[:PENSION {scheme: 'public', start: '2015-01', end: '2020-02'}]->(:Org {org_id: 'public2'}),
               (c)-[:PENSION {scheme: 'enterprise', start: '2018-07'}]->(:Org {org_id: 'enterprise'}),
               (d)-[:PENSION {scheme: 'public', start: '2016-01', end: '2020-03'}]->(:Org {org_id: 'public3'})
    """)
    county = table(summarise(empty_falkor, ["dibao"], "2026-10-31"))
    assert county["public_payroll"] == (2, 2), \
        "A draws it during the grant, D in its first month (months compared); B's ended before, C's is not public"
