"""Orders: dispatch → claim / assign → feedback → review → close, with return and
resubmission, four eyes, history and the audit chain, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from orders_world import ID_A, JW, TOWN, make_world, viewer

from reliefgraph.dashboard import audit, orders
from reliefgraph.dashboard.orders import Feedback, FeedbackError, OrderError

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc)      # 10:00 in Beijing
GOOD = Feedback(conclusion="true", facts="入户核查：该户名下登记小型汽车一辆，享受低保期间购置。",
                amount_involved=Decimal("12600.00"), amount_recovered=Decimal("8400.50"), households_stopped=1,
                people_stopped=3, rectification="已停发低保并追缴", accountability_people=1,
                accountability_kind="诫勉谈话")


@pytest.fixture
def world(app_db, tmp_path, monkeypatch):
    monkeypatch.setenv("RELIEFGRAPH_APP_FILES", str(tmp_path / "files"))
    return app_db, make_world(app_db)


def test_an_order_goes_round_the_whole_loop_with_a_return(world):
    db, (c0, c1, c2) = world
    ids = orders.dispatch(db, viewer("disp"), [c0, c1, c2], TOWN, now=NOW)
    assert len(ids) == 3 and len(set(ids)) == 3
    first = orders.order(db, ids[0])
    assert (first["status"], first["unit_id"], first["dispatcher_unit"]) == ("dispatched", TOWN, JW)
    assert first["unit_name"] == "某某镇人民政府" and first["clue_id"] == c0

    orders.claim(db, viewer("ver"), ids[0], now=NOW)
    assert orders.order(db, ids[0])["assignee"] == "ver"
    assert orders.submit_feedback(db, viewer("ver"), ids[0], GOOD, [("入户核查表.pdf", PDF)], now=NOW) == 1
    assert orders.order(db, ids[0])["status"] == "submitted"

    with pytest.raises(OrderError, match="理由"):
        orders.review(db, viewer("rev"), ids[0], approve=False, reason="  ")
    assert orders.review(db, viewer("rev"), ids[0], approve=False, reason="追回金额与银行流水不符，请补充凭证") == "returned"
    second = Feedback(**{**GOOD.__dict__, "amount_recovered": Decimal("12600.00"), "facts": GOOD.facts + "已补充凭证。"})
    assert orders.submit_feedback(db, viewer("ver"), ids[0], second, [("bank.png", b"\x89PNG\r\n\x1a\n...")]) == 2
    assert orders.review(db, viewer("rev"), ids[0], approve=True) == "closed"

    closed = orders.order(db, ids[0])
    assert closed["status"] == "closed" and closed["closed_by"] == "rev" and closed["conclusion"] == "true"
    versions = orders.feedback_of(db, ids[0])
    assert [(v["version"], v["review"], v["reviewed_by"]) for v in versions] == [(1, "returned", "rev"),
                                                                                  (2, "approved", "rev")]
    assert versions[0]["amount_recovered"] == Decimal("8400.50")        # the first version, kept as sent
    assert versions[0]["review_reason"] == "追回金额与银行流水不符，请补充凭证"
    assert versions[1]["amount_recovered"] == Decimal("12600.00")
    files = orders.attachments_of(db, ids[0])
    assert [(a["original_name"], a["mime"], a["feedback_version"]) for a in files] == [
        ("入户核查表.pdf", "application/pdf", 1), ("bank.png", "image/png", 2)]
    steps = [(e["actor"], e["action"], e["from_status"], e["to_status"]) for e in orders.events_of(db, ids[0])]
    assert steps == [("disp", "dispatch", None, "dispatched"), ("ver", "claim", "dispatched", "claimed"),
                     ("ver", "submit", "claimed", "submitted"), ("rev", "return", "submitted", "returned"),
                     ("ver", "submit", "returned", "submitted"), ("rev", "approve", "submitted", "closed")]
    logged = [(e.actor, e.action) for e in reversed(audit.entries(db)) if e.action.startswith("order_")]
    assert logged == [("disp", "order_dispatch"), ("ver", "order_claim"), ("ver", "order_feedback"),
                      ("rev", "order_review"), ("ver", "order_feedback"), ("rev", "order_review")]
    assert audit.verify(db).ok


def test_the_deadline_comes_from_the_severity_unless_given(world):
    db, (high, medium, low) = world
    ids = orders.dispatch(db, viewer("disp"), [high, medium, low], TOWN, now=NOW)
    assert [orders.order(db, i)["deadline"] for i in ids] == ["2026-12-10", "2026-12-18", "2027-01-02"]
    db2_clue = "c9"
    from orders_world import add_clue
    add_clue(db, db2_clue)
    [oid] = orders.dispatch(db, viewer("disp"), [db2_clue], TOWN, deadline=date(2026, 12, 5), now=NOW)
    assert orders.order(db, oid)["deadline"] == "2026-12-05"
    with pytest.raises(OrderError, match="早于今天"):
        orders.dispatch(db, viewer("disp"), [add_clue(db, "c10")], TOWN, deadline=date(2026, 12, 2), now=NOW)


def test_a_batch_with_a_bad_clue_dispatches_nothing_and_names_it(world):
    db, (c0, c1, _) = world
    orders.dispatch(db, viewer("disp"), [c0], TOWN)
    with pytest.raises(OrderError, match="已派单") as refused:
        orders.dispatch(db, viewer("mzdisp"), [c1, c0, "nope"], TOWN)
    assert c0 in str(refused.value) and "nope" in str(refused.value) and "本批均未派出" in str(refused.value)
    assert [o["clue_id"] for o in orders.list_orders(db)] == [c0]
    with pytest.raises(OrderError, match="没有该承办单位"):
        orders.dispatch(db, viewer("disp"), [c1], "atlantis")
    with pytest.raises(OrderError, match="选择"):
        orders.dispatch(db, viewer("disp"), [], TOWN)


def test_four_eyes_the_verifier_never_reviews_their_own_order(world, app_db):
    db, (c0, *_) = world
    # A reviewer of the dispatching unit who also verified it: made so by hand,
    # as a unit might give one person both hats.
    from reliefgraph.dashboard import accounts
    from sqlalchemy import update
    [oid] = orders.dispatch(db, viewer("disp"), [c0], TOWN)
    orders.claim(db, viewer("ver"), oid)
    orders.submit_feedback(db, viewer("ver"), oid, GOOD)
    with db.begin() as conn:
        conn.execute(update(accounts.users).where(accounts.users.c.username == "ver").values(role="reviewer",
                                                                                             unit_id=JW))
    from reliefgraph.dashboard.permissions import Viewer
    with pytest.raises(OrderError, match="双人复核"):
        orders.review(db, Viewer("ver", "reviewer", frozenset(), JW), oid, approve=True)
    assert orders.order(db, oid)["status"] == "submitted"
    assert orders.review(db, viewer("rev2"), oid, approve=True) == "closed"


def test_feedback_is_checked_before_anything_is_written(world):
    db, (c0, *_) = world
    [oid] = orders.dispatch(db, viewer("disp"), [c0], TOWN)
    orders.claim(db, viewer("ver"), oid)
    bad = Feedback(conclusion="", facts=" ", amount_involved=Decimal("100"), amount_recovered=Decimal("200"),
                   households_stopped=2, people_stopped=1, accountability_people=1)
    with pytest.raises(FeedbackError) as refused:
        orders.submit_feedback(db, viewer("ver"), oid, bad)
    said = " ".join(refused.value.problems)
    for words in ("核查结论", "核查情况", "追回金额不能大于涉及金额", "停保人数不能少于停保户数", "处理方式"):
        assert words in said
    with pytest.raises(FeedbackError, match="负数"):
        orders.submit_feedback(db, viewer("ver"), oid, Feedback("true", "x", amount_involved=Decimal("-1")))
    with pytest.raises(FeedbackError, match="两位小数"):
        orders.submit_feedback(db, viewer("ver"), oid, Feedback("true", "x", amount_involved="12.345"))
    with pytest.raises(FeedbackError, match="不属实"):
        orders.submit_feedback(db, viewer("ver"), oid, Feedback("false", "x", Decimal("5"), Decimal("5")))
    assert orders.feedback_of(db, oid) == [] and orders.order(db, oid)["status"] == "claimed"
    # Amounts typed as text are read to the fen.
    orders.submit_feedback(db, viewer("ver"), oid, Feedback("partly", "部分属实", "1,200.5", "200"))
    assert orders.feedback_of(db, oid)[0]["amount_involved"] == Decimal("1200.50")


def test_two_claims_at_once_only_one_wins(world):
    db, (c0, *_) = world
    [oid] = orders.dispatch(db, viewer("disp"), [c0], TOWN)
    orders.claim(db, viewer("ver"), oid)
    with pytest.raises(OrderError, match="不能认领"):
        orders.claim(db, viewer("ver2"), oid)
    assert orders.order(db, oid)["assignee"] == "ver"


def test_an_assigned_verifier_reads_the_subjects_id_in_clear(world):
    from reliefgraph.dashboard.cases import clear_values_for
    db, (c0, *_) = world
    [oid] = orders.dispatch(db, viewer("disp"), [c0], TOWN)
    assert ID_A not in clear_values_for(db, "ver")
    orders.assign(db, viewer("towndisp"), oid, "ver")
    assert ID_A in clear_values_for(db, "ver") and ID_A not in clear_values_for(db, "ver2")
    assert viewer("ver", clear_values_for(db, "ver")).sees_clear(ID_A)
    assert not viewer("rev", clear_values_for(db, "rev")).sees_clear(ID_A)


def test_the_demo_accounts_can_walk_the_loop_at_once(app_db, tmp_path, monkeypatch):
    from orders_world import add_clue

    from reliefgraph.dashboard import accounts, demo, units
    from reliefgraph.dashboard.permissions import Viewer

    monkeypatch.setenv("RELIEFGRAPH_APP_FILES", str(tmp_path / "files"))
    passwords = demo.demo_accounts(app_db)
    assert {u["unit_id"] for u in units.list_units(app_db)} == {"demo_jw", "demo_mz", "demo_town"}

    def signed_in(name: str) -> Viewer:
        user = accounts.sign_in(app_db, name, passwords[name]).user
        return Viewer(user.username, user.role, frozenset(), user.unit_id)

    [oid] = orders.dispatch(app_db, signed_in("demo_dispatcher"), [add_clue(app_db, "c1")], "demo_town")
    orders.claim(app_db, signed_in("demo_verifier"), oid)
    orders.submit_feedback(app_db, signed_in("demo_verifier"), oid, GOOD, [("核查表.pdf", PDF)])
    with pytest.raises(OrderError):
        orders.review(app_db, signed_in("demo_mz_verifier"), oid, approve=True)
    assert orders.review(app_db, signed_in("demo_reviewer"), oid, approve=True) == "closed"
    assert demo.demo_accounts(app_db).keys() == passwords.keys()      # run again: same accounts, new passwords


def test_a_returned_order_stays_with_its_verifier_and_owes_its_deadline(world):
    """退回: the order goes back to the verifier who sent the feedback, not back
    into the pool — nobody else claims it, the verifier resubmits without
    claiming again, the unit's dispatcher may hand it to another verifier
    (it stays 已退回, the reason kept), and while returned it is the town's
    work again: its deadline counts."""
    db, (c0, _c1, _c2) = world
    [oid] = orders.dispatch(db, viewer("disp"), [c0], TOWN, deadline=date(2026, 12, 10), now=NOW)
    orders.claim(db, viewer("ver"), oid, now=NOW)
    orders.submit_feedback(db, viewer("ver"), oid, GOOD, now=NOW)
    assert orders.overdue(db, TOWN, now=NOW + timedelta(days=10)) == [], "awaiting review: not the town's to finish"
    orders.review(db, viewer("rev"), oid, approve=False, reason="请补充银行流水", now=NOW)
    returned = orders.order(db, oid)
    assert (returned["status"], returned["assignee"]) == ("returned", "ver")
    with pytest.raises(OrderError, match="已退回"):
        orders.claim(db, viewer("ver2"), oid)
    with pytest.raises(OrderError, match="承办该派单的核查员"):
        orders.submit_feedback(db, viewer("ver2"), oid, GOOD)
    assert [o["order_id"] for o in orders.overdue(db, TOWN, now=NOW + timedelta(days=10))] == [oid]
    orders.assign(db, viewer("towndisp"), oid, "ver2", now=NOW)
    handed = orders.order(db, oid)
    assert (handed["status"], handed["assignee"]) == ("returned", "ver2"), "still to be redone, by someone else"
    assert orders.feedback_of(db, oid)[-1]["review_reason"] == "请补充银行流水"
    assert orders.submit_feedback(db, viewer("ver2"), oid, GOOD, now=NOW) == 2
    steps = [(e["action"], e["from_status"], e["to_status"], e["assignee"]) for e in orders.events_of(db, oid)]
    assert steps[-3:] == [("return", "submitted", "returned", "ver"), ("assign", "returned", "returned", "ver2"),
                          ("submit", "returned", "submitted", "ver2")]
