"""The ledger's rows on each application database (SQLite, PostgreSQL): one
per visible order in the filter, the latest feedback's figures, masked for
the reader. No graph is needed: the ledger reads application state only."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from reliefgraph.dashboard import accounts, orders, units
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.graph.pii import mask
from reliefgraph.queries.clues import clues
from reliefgraph.reports import documents, ledger
from reliefgraph.reports.ledger import LedgerFilter

IDS = ["999901198001010017", "999901199002020021", "999901197003030035"]   # synthetic


def _clues(engine):
    now = "2026-11-30T02:00:00+00:00"
    with engine.begin() as conn:
        conn.execute(clues.insert(), [
            {"clue_id": f"c{i}", "family": "hidden_assets", "subject_id": cid, "subject_name": f"人员{i}",
             "household_id": f"H{i}", "region_code": "999901001001", "score": 0.5, "severity": "high",
             "rule_ids": ["car_during_grant"], "summary": "synthetic", "status": "new", "active": True,
             "first_seen": now, "last_seen": now, "last_run": 1} for i, cid in enumerate(IDS)])


def test_ledger_rows_are_the_visible_orders_with_their_latest_feedback(app_db):
    e = app_db
    units.add_unit(e, "l.jw", "某县纪委监委", "discipline")
    units.add_unit(e, "l.a", "甲镇人民政府", "town")
    units.add_unit(e, "l.b", "乙镇人民政府", "town")
    for name, role, unit in (("l.disp", "dispatcher", "l.jw"), ("l.rev", "reviewer", "l.jw"),
                             ("l.ver", "verifier", "l.a"), ("l.other", "verifier", "l.b")):
        accounts.add_user(e, name, "correct horse 9", role, unit_id=unit)
    _clues(e)
    disp = Viewer("l.disp", "dispatcher", unit_id="l.jw")
    ver = Viewer("l.ver", "verifier", frozenset({IDS[0]}), unit_id="l.a")
    day1 = datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)     # 2026-12-01 01:00 in Beijing
    a_ids = orders.dispatch(e, disp, ["c0", "c1"], "l.a", now=day1)
    b_ids = orders.dispatch(e, disp, ["c2"], "l.b", now=datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc))
    orders.claim(e, ver, a_ids[0], now=day1)
    for version, amount in ((1, "100"), (2, "250.75")):
        if version == 2:
            orders.review(e, Viewer("l.rev", "reviewer", unit_id="l.jw"), a_ids[0], approve=False, reason="补充材料",
                          now=day1)
        orders.submit_feedback(e, ver, a_ids[0], orders.Feedback("true", "属实", Decimal(amount), Decimal(amount),
                                                                 1, 2), now=day1)

    everything = ledger.rows(e, LedgerFilter(), disp)
    assert [r.order_id for r in everything] == sorted(a_ids) + b_ids
    first = next(r for r in everything if r.order_id == a_ids[0])
    assert (first.conclusion, first.amount_recovered, first.people_stopped) == ("属实", Decimal("250.75"), 2)
    assert first.dispatched_at == "2026-12-01"                                  # the Beijing day
    assert all(r.subject_id == mask("citizen_id", i) for r, i in zip(
        sorted(everything, key=lambda r: r.clue_id), IDS))                      # a dispatcher reads masked

    assert [r.order_id for r in ledger.rows(e, LedgerFilter(date_to=date(2026, 12, 1)), disp)] == sorted(a_ids)
    assert [r.order_id for r in ledger.rows(e, LedgerFilter(date_from=date(2026, 12, 2)), disp)] == b_ids
    assert [r.order_id for r in ledger.rows(e, LedgerFilter(unit_id="l.b"), disp)] == b_ids

    seen_by_verifier = ledger.rows(e, LedgerFilter(), ver)                      # their unit's orders only
    assert {r.order_id for r in seen_by_verifier} == set(a_ids)
    assert {r.clue_id: r.subject_id for r in seen_by_verifier} == {"c0": IDS[0], "c1": mask("citizen_id", IDS[1])}
    assert ledger.rows(e, LedgerFilter(), Viewer("l.other", "verifier", unit_id="l.b"))[0].order_id == b_ids[0]

    t = ledger.totals(everything)
    assert (t.orders, t.amount_involved, t.households_stopped, t.people_stopped) == (3, Decimal("250.75"), 1, 2)
    doc = documents.ledger(e, LedgerFilter(), disp, "docx", now=day1)
    assert doc.number == "某县纪委监委〔2026〕1号"                              # numbered under the unit's name
