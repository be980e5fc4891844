"""Role × unit: every order step, tried by every kind of account, is taken by
those who may and refused — with a message, nothing changed, nothing
audited — for everyone else. The order goes from the county discipline
commission (JW) to a town (TOWN); see orders_world.PEOPLE."""
from __future__ import annotations

from decimal import Decimal

import pytest
from orders_world import PEOPLE, TOWN, add_clue, make_world, viewer

from reliefgraph.dashboard import audit, orders
from reliefgraph.dashboard.orders import Feedback, OrderError
from reliefgraph.dashboard.permissions import order_actions

FEEDBACK = Feedback("partly", "部分属实：车辆已于享受前转让，但未及时申报。", Decimal("3000"), Decimal("1000"), 1, 2)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"

ALLOWED = {
    "dispatch": {"disp", "mzdisp", "towndisp"},
    "claim": {"ver", "ver2"},
    "assign": {"disp", "towndisp"},
    "submit": {"ver"},
    "review": {"rev", "rev2"},
    "read": {"disp", "rev", "rev2", "ana", "ver", "ver2", "towndisp", "townrev", "boss"},
}


def _order_at(db, status: str) -> str:
    """An order dispatched by `disp` to the town, taken as far as `status`."""
    [oid] = orders.dispatch(db, viewer("disp"), ["c0"], TOWN)
    if status in ("claimed", "submitted"):
        orders.claim(db, viewer("ver"), oid)
    if status == "submitted":
        orders.submit_feedback(db, viewer("ver"), oid, FEEDBACK, [("核查表.pdf", PDF)])
    return oid


def _attempt(db, action: str, who: str, oid: str | None):
    v = viewer(who)
    if action == "dispatch":
        return orders.dispatch(db, v, [add_clue(db, "fresh")], TOWN)
    if action == "claim":
        return orders.claim(db, v, oid)
    if action == "assign":
        return orders.assign(db, v, oid, "ver")
    if action == "submit":
        return orders.submit_feedback(db, v, oid, FEEDBACK)
    if action == "review":
        return orders.review(db, v, oid, approve=True)
    [attachment] = orders.attachments_of(db, oid)
    return orders.read_attachment(db, v, attachment["id"])


STARTS = {"dispatch": None, "claim": "dispatched", "assign": "dispatched", "submit": "claimed",
          "review": "submitted", "read": "submitted"}
AFTER = {"claim": "claimed", "assign": "claimed", "submit": "submitted", "review": "closed"}
CASES = [(action, who) for action in ALLOWED for who in PEOPLE]


@pytest.mark.parametrize("action, who", CASES, ids=[f"{a}-{w}" for a, w in CASES])
def test_each_step_is_taken_only_by_the_right_role_in_the_right_unit(app_db, tmp_path, monkeypatch, action, who):
    monkeypatch.setenv("RELIEFGRAPH_APP_FILES", str(tmp_path / "files"))
    make_world(app_db, n_clues=1)
    oid = _order_at(app_db, STARTS[action]) if STARTS[action] else None
    before = orders.order(app_db, oid) if oid else None
    audited = len(audit.entries(app_db, limit=10_000))
    if who in ALLOWED[action]:
        result = _attempt(app_db, action, who, oid)
        assert len(audit.entries(app_db, limit=10_000)) == audited + 1
        if action == "dispatch":
            assert orders.order(app_db, result[0])["dispatcher_unit"] == PEOPLE[who][1]
        elif action == "read":
            assert result[1] == PDF
        else:
            assert orders.order(app_db, oid)["status"] == AFTER[action]
        return
    with pytest.raises(OrderError) as refused:
        _attempt(app_db, action, who, oid)
    message = str(refused.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message) and any(ch.isascii() and ch.isalpha() for ch in message)
    assert len(audit.entries(app_db, limit=10_000)) == audited       # a refusal changes nothing, audits nothing
    if oid:
        after = orders.order(app_db, oid)
        assert (after["status"], after["assignee"], after["updated"]) == (before["status"], before["assignee"],
                                                                          before["updated"])
    else:
        assert [o["clue_id"] for o in orders.list_orders(app_db)] == []


def test_the_buttons_offered_match_what_the_service_allows():
    order = {"unit_id": TOWN, "dispatcher_unit": "county_jw", "status": "dispatched", "assignee": None}
    assert order_actions(viewer("ver"), order) == ["claim"]
    assert order_actions(viewer("towndisp"), order) == ["assign"]
    assert order_actions(viewer("rev"), order) == []
    submitted = {**order, "status": "submitted", "assignee": "ver", "submitted_by": "ver"}
    assert order_actions(viewer("rev"), submitted) == ["review"]
    assert order_actions(viewer("townrev"), submitted) == []
    assert order_actions(viewer("ver"), {**submitted, "status": "returned"}) == ["submit"]


def test_a_unit_sees_only_its_own_and_its_dispatched_orders(app_db):
    make_world(app_db, n_clues=2)
    orders.dispatch(app_db, viewer("disp"), ["c0"], TOWN)
    orders.dispatch(app_db, viewer("mzdisp"), ["c1"], "town_b")
    seen = {who: [o["clue_id"] for o in orders.list_orders(app_db, visible_to=viewer(who))] for who in PEOPLE}
    assert seen["ver"] == ["c0"] and seen["disp"] == ["c0"] and seen["farver"] == ["c1"]
    assert seen["mzver"] == ["c1"] and seen["loner"] == [] and sorted(seen["boss"]) == ["c0", "c1"]
