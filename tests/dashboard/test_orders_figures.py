"""Orders over time: deadlines, the statistics pages chart, the rule precision
trend, and what a re-run of detection does to dispatched clues."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from orders_world import ID_A, ID_B, MZ, TOWN, add_clue, make_world, viewer

from reliefgraph.appdb import connect
from reliefgraph.dashboard import audit, orders
from reliefgraph.dashboard.cases import clear_values_for
from reliefgraph.dashboard.orders import Feedback
from reliefgraph.queries import clues
from reliefgraph.queries.detect import detect
from reliefgraph.queries.rules import load_rules

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc)       # 3 December, 10:00 in Beijing


def _at(day: str, hour: int = 2) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


@pytest.fixture
def county(app_db):
    """Six orders in two units, in every state, on a known calendar."""
    db = app_db
    make_world(db, n_clues=0)
    for cid, rules in (("c0", ["r1"]), ("c1", ["r1"]), ("c2", ["r1", "r2"]), ("c3", ["r2"]), ("c4", ["r2"]),
                       ("c5", ["r2"])):
        add_clue(db, cid, rule_ids=rules)
    start = _at("2026-11-01")
    d = viewer("disp")
    o1, o2, o3 = (orders.dispatch(db, d, [c], TOWN, deadline=date.fromisoformat(due), now=start)[0]
                  for c, due in (("c0", "2026-11-10"), ("c1", "2026-11-10"), ("c2", "2026-12-01")))
    o4 = orders.dispatch(db, d, ["c3"], TOWN, deadline=date(2026, 12, 4), now=start)[0]
    o5, o6 = (orders.dispatch(db, d, [c], MZ, deadline=date.fromisoformat(due), now=start)[0]
              for c, due in (("c4", "2026-12-03"), ("c5", "2026-12-20")))
    for oid in (o1, o2, o3):
        orders.claim(db, viewer("ver"), oid, now=start)
    orders.submit_feedback(db, viewer("ver"), o1, Feedback("true", "属实", Decimal("1000"), Decimal("400"), 1, 2),
                           now=_at("2026-11-08"))
    orders.review(db, viewer("rev"), o1, approve=True, now=_at("2026-11-09"))
    orders.submit_feedback(db, viewer("ver"), o2, Feedback("false", "不属实"), now=_at("2026-11-12"))
    # 16:30 UTC on 30 November is already 1 December in Beijing.
    orders.review(db, viewer("rev"), o2, approve=True, now=_at("2026-11-30", 16))
    orders.claim(db, viewer("mzver"), o6, now=start)
    orders.submit_feedback(db, viewer("mzver"), o6, Feedback("partly", "部分属实"), now=_at("2026-11-20"))
    return db, (o1, o2, o3, o4, o5, o6)


def test_overdue_and_due_soon_per_unit(county):
    db, (o1, o2, o3, o4, o5, o6) = county
    assert [(r["order_id"], r["days_overdue"]) for r in orders.overdue(db, now=NOW)] == [(o3, 2)]
    assert orders.overdue(db, unit_id=MZ, now=NOW) == []
    assert [(r["order_id"], r["days_left"]) for r in orders.due_soon(db, now=NOW)] == [(o5, 0), (o4, 1)]
    assert [r["order_id"] for r in orders.due_soon(db, unit_id=MZ, now=NOW)] == [o5]
    assert [r["order_id"] for r in orders.due_soon(db, unit_id=TOWN, now=NOW, days=0)] == []


def test_statistics_per_unit_and_per_rule_on_a_known_set(county):
    db, _ = county
    by_unit = {r["unit_id"]: r for r in orders.stats_by_unit(db, now=NOW)}
    assert by_unit[TOWN] == {
        "unit_id": TOWN, "unit_name": "某某镇人民政府", "dispatched": 4, "open": 2, "submitted": 0, "closed": 2,
        "on_time": 1, "late": 1, "overdue": 1, "confirmed": 1, "confirmed_rate": 0.5, "amount_involved": 1000.0,
        "amount_recovered": 400.0, "households_stopped": 1, "people_stopped": 2}
    assert (by_unit[MZ]["dispatched"], by_unit[MZ]["open"], by_unit[MZ]["submitted"], by_unit[MZ]["closed"],
            by_unit[MZ]["confirmed_rate"]) == (2, 1, 1, 0, None)
    by_rule = {r["rule_id"]: r for r in orders.stats_by_rule(db, now=NOW)}
    assert [(r, by_rule[r]["dispatched"], by_rule[r]["closed"], by_rule[r]["on_time"], by_rule[r]["overdue"],
             by_rule[r]["confirmed"]) for r in ("r1", "r2")] == [("r1", 3, 2, 1, 1, 1), ("r2", 4, 0, 0, 1, 0)]


def test_rule_precision_per_beijing_month(county):
    db, _ = county
    assert orders.precision_by_month(db) == [
        {"rule_id": "r1", "month": "2026-11", "confirmed": 1, "dismissed": 0, "concluded": 1, "precision": 1.0},
        {"rule_id": "r1", "month": "2026-12", "confirmed": 0, "dismissed": 1, "concluded": 1, "precision": 0.0},
    ]
    assert orders.precision_by_rule(db) == [
        {"rule_id": "r1", "confirmed": 1, "dismissed": 1, "concluded": 2, "precision": 0.5}]


CAR = """
    CREATE (hh:Household {household_id: 'H1', address: '贵州省某县某村1组'})-[:RECEIVES]->
           (g:Grant {grant_id: 'G1', programme: 'dibao', start: '2022-01-01'}),
           (g)-[:HELD_BY]->(p:Person {citizen_id: $id, name: '张三', region_code: '520101101201'}),
           (p)-[:BENEFICIARY_OF]->(g), (p)-[:MEMBER_OF {relation: 'head'}]->(hh),
           (:Person {citizen_id: $wife, name: '李四'})-[:MEMBER_OF {relation: 'spouse'}]->(hh),
           (p)-[:OWNS {start: '2023-05-01', src_agency: 'public_security', src_file: 'v.csv', src_row: 2,
                      src_batch: 'b'}]->(:Vehicle {vin: 'VIN1', plate: '贵A12345', vehicle_type: 'car'})
"""


def test_detection_keeps_a_dispatched_clue_and_marks_one_whose_facts_vanished(empty_falkor, tmp_path):
    store = empty_falkor
    engine = connect(f"sqlite:///{tmp_path / 'app.db'}")
    make_world(engine, n_clues=0)
    store.write(CAR, {"id": ID_A, "wife": ID_B})
    car = [r for r in load_rules() if r.id == "car_during_grant"]
    detect(store, engine, car, "2026-10-31")
    (clue,) = clues.list_clues(engine)
    [oid] = orders.dispatch(engine, viewer("disp"), [clue["clue_id"]], TOWN)
    orders.claim(engine, viewer("ver"), oid)
    # The verifier assigned reads the household's IDs in clear; the other verifier does not.
    assert {ID_A, ID_B} <= clear_values_for(engine, "ver", store)
    assert ID_B not in clear_values_for(engine, "ver2", store)

    report = detect(store, engine, car, "2026-10-31")            # the same facts: the same order, untouched
    assert report.stored["orders_vanished"] == 0
    kept = orders.order(engine, oid)
    assert (kept["clue_id"], kept["status"], kept["assignee"], kept["vanished_at"]) == (
        clue["clue_id"], "claimed", "ver", None)
    assert len(orders.list_orders(engine)) == 1

    store.write("MATCH (:Person {citizen_id: $id})-[o:OWNS]->(:Vehicle) DELETE o", {"id": ID_A})
    report = detect(store, engine, car, "2026-10-31")            # the car was sold: the clue vanished
    assert report.stored["orders_vanished"] == 1
    gone = orders.order(engine, oid)
    assert gone["vanished_at"] and gone["status"] == "claimed" and gone["clue_active"] is False
    assert [e["action"] for e in orders.events_of(engine, oid)][-1] == "vanished"
    assert [e.action for e in audit.entries(engine, limit=1)] == ["order_vanished"]

    store.write("MATCH (p:Person {citizen_id: $id}), (v:Vehicle {vin: 'VIN1'}) "
                "CREATE (p)-[:OWNS {start: '2023-05-01', src_agency: 'public_security', src_file: 'v.csv', "
                "src_row: 2, src_batch: 'b'}]->(v)", {"id": ID_A})
    report = detect(store, engine, car, "2026-10-31")
    assert report.stored["orders_reappeared"] == 1 and orders.order(engine, oid)["vanished_at"] is None
    assert audit.verify(engine).ok
