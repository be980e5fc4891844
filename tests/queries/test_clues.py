"""Clues: merged per subject, scored, explained, stable across runs."""
from __future__ import annotations

import csv

from sqlalchemy import update

from reliefgraph.appdb import connect
from reliefgraph.queries import clues
from reliefgraph.queries.detect import detect
from reliefgraph.queries.evidence import sources_of
from reliefgraph.queries.rules import load_rules
from reliefgraph.graph.store import open_store

AS_OF = "2026-10-31"


def test_a_clue_carries_narrative_evidence_and_sources(detected):
    car = next(c for c in clues.list_clues(detected.engine) if "car_during_grant" in c["rule_ids"])
    finding = next(f for f in clues.findings_of(detected.engine, car["clue_id"]) if f["rule_id"] == "car_during_grant")
    assert "名下登记" in finding["narrative"] and finding["facts"]["plate"] in finding["narrative"]
    assert "年" in finding["narrative"], "dates are written the Chinese way"
    labels = {n["label"] for n in finding["evidence"]["nodes"]}
    assert {"Grant", "Person", "Vehicle"} <= labels
    files = {s["file"] for s in sources_of(finding["evidence"])}
    assert {"gongan_jidongche.csv", "minzheng_jiuzhu.xlsx", "minzheng_jiuzhu_chengyuan.csv"} <= files
    assert all(isinstance(s["row"], int) and s["row"] >= 2 for s in sources_of(finding["evidence"]))
    assert car["subject_name"] and car["region_code"] and car["severity"] == "high"


def test_hits_about_one_subject_merge_into_one_clue(detected):
    rows = clues.list_clues(detected.engine)
    keys = [(c["family"], c["subject_id"]) for c in rows]
    assert len(keys) == len(set(keys))
    multi = [c for c in rows if len(c["rule_ids"]) > 1]
    for c in multi:
        weights = {r.id: r.weight for r in load_rules()}
        assert c["score"] == clues.score([weights[r] for r in c["rule_ids"]])


def test_rerun_keeps_identity_and_case_status(detected):
    engine = detected.engine
    before = {c["clue_id"]: c for c in clues.list_clues(engine)}
    some = sorted(before)[0]
    with engine.begin() as conn:
        conn.execute(update(clues.clues).where(clues.clues.c.clue_id == some).values(status="confirmed"))
    with open_store(str(detected.db)) as store:
        detect(store, engine, as_of=AS_OF)
    after = {c["clue_id"]: c for c in clues.list_clues(engine)}
    assert set(after) == set(before)
    assert after[some]["status"] == "confirmed"
    assert all(after[k]["first_seen"] == before[k]["first_seen"] for k in before)


def test_a_finding_that_disappears_leaves_an_inactive_clue(empty_falkor, app_db):
    store = empty_falkor
    engine = app_db
    store.write("""
        CREATE (hh:Household {household_id: 'H1'})-[:RECEIVES]->(g:Grant {grant_id: 'G1', programme: 'dibao', start: '2022-01-01'}),
               (g)-[:HELD_BY]->(p:Person {citizen_id: 'P1', name: '甲', region_code: '451299101201'}),
               (p)-[:BENEFICIARY_OF]->(g),
               (p)-[:OWNS {start: '2023-05-01', src_agency: 'public_security', src_file: 'v.csv', src_row: 2, src_batch: 'b'}]
                  ->(:Vehicle {vin: 'VIN1', plate: '桂M12345', vehicle_type: 'car'})
    """)
    car = [r for r in load_rules() if r.id == "car_during_grant"]
    detect(store, engine, car, AS_OF)
    (c,) = clues.list_clues(engine)
    assert c["subject_id"] == "P1" and c["active"]
    store.write("MATCH ()-[o:OWNS]->() DELETE o")
    detect(store, engine, car, AS_OF)
    assert clues.list_clues(engine) == []
    (gone,) = clues.list_clues(engine, active_only=False)
    assert gone["clue_id"] == c["clue_id"] and not gone["active"]


def test_clues_csv_has_the_required_columns_and_neutralises_formulas(detected, tmp_path):
    with open(detected.clues_csv, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {"clue_id", "family", "rule_ids", "subject_id", "household_id", "score", "summary"} <= set(rows[0])
    assert clues._neutralise("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert clues._neutralise("该户") == "该户"
