"""The order pages' wording and figures outside Streamlit: deadlines in
Beijing days, the statistics table, the monthly precision trend."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from reliefgraph.dashboard import orderviews
from reliefgraph.exports import csv_bytes, xlsx_bytes

# 2026-12-03 17:30 UTC is already 12-04 01:30 in Beijing.
LATE_EVENING_UTC = datetime(2026, 12, 3, 17, 30, tzinfo=timezone.utc)


def test_deadlines_count_beijing_days():
    assert orderviews.today_beijing(LATE_EVENING_UTC) == date(2026, 12, 4)
    assert orderviews.deadline_words("2026-12-04", "claimed", LATE_EVENING_UTC) == "2026-12-04（今天到期）"
    assert orderviews.deadline_words("2026-12-02", "dispatched", LATE_EVENING_UTC) == "2026-12-02（逾期 2 天）"
    assert orderviews.deadline_words("2026-12-11", "returned", LATE_EVENING_UTC) == "2026-12-11（剩 7 天）"
    assert orderviews.deadline_words("2026-12-02", "closed", LATE_EVENING_UTC) == "2026-12-02"
    # A deadline stored as a UTC time is the Beijing date it falls on.
    assert orderviews.as_date("2026-12-10T16:00:00+00:00") == date(2026, 12, 11)
    assert orderviews.deadline_words(None, "claimed") == "—"


def test_the_rule_page_sums_the_monthly_precision_per_rule():
    months = [{"rule_id": "car", "month": "2026-10", "confirmed": 0, "dismissed": 1, "concluded": 1, "precision": 0.0},
              {"rule_id": "car", "month": "2026-11", "confirmed": 2, "dismissed": 0, "concluded": 2, "precision": 1.0},
              {"rule_id": "company", "month": "2026-11", "confirmed": 1, "dismissed": 0, "concluded": 1,
               "precision": 1.0}]
    overall = orderviews.precision_overall(months)
    assert overall["car"] == {"concluded": 3, "confirmed": 2, "precision": 0.6667}
    assert overall["company"]["precision"] == 1.0


def test_the_statistics_table_names_units_and_keeps_amounts_as_numbers():
    rows = [{"unit_id": "town-a", "dispatched": 5, "closed": 2, "on_time": 1, "late": 1, "overdue": 1,
             "confirmed_rate": 0.5, "amount_recovered": 12345.6},
            {"unit_id": "gone", "dispatched": 1, "closed": 0, "on_time": 0, "late": 0, "overdue": 0,
             "confirmed_rate": None, "amount_recovered": None}]
    columns, table = orderviews.stats_rows(rows, "unit_id", {"town-a": "某某镇人民政府"})
    assert columns[0] == "单位 unit" and "追回金额（元）recovered" in columns
    assert table[0] == ["某某镇人民政府", 5, 2, 1, 1, 1, 0.5, 12345.6]
    assert table[1][0] == "gone" and table[1][6] is None and table[1][7] == 0.0
    assert csv_bytes(columns, table).startswith("\ufeff单位 unit".encode("utf-8"))
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx_bytes(columns, table))).active
    assert sheet["A2"].value == "某某镇人民政府" and sheet["H2"].value == 12345.6


def test_amounts_and_rates_read_as_an_office_writes_them():
    assert orderviews.yuan(Decimal("1234567.5")) == "1,234,567.50"
    assert orderviews.yuan(None) == "0.00"
    assert orderviews.rate(0.66666) == "66.7%" and orderviews.rate(None) == "—"


# -- the pages through Streamlit's AppTest, on the real engine and database --
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import reliefgraph.dashboard  # noqa: E402
from reliefgraph.appdb import connect  # noqa: E402
from reliefgraph.dashboard import accounts, orders, units  # noqa: E402
from reliefgraph.dashboard.permissions import Viewer  # noqa: E402
from reliefgraph.queries import clues  # noqa: E402
from reliefgraph.queries.detect import detect  # noqa: E402
from reliefgraph.queries.rules import load_rules  # noqa: E402

APP = str(Path(reliefgraph.dashboard.__file__).with_name("app.py"))
PW = "correct horse 9"
HQ, TOWN = "county-jw", "town-cg"


@pytest.fixture
def loop(tiny, embedded_dir, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("RELIEFGRAPH_URI", str(embedded_dir))
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    monkeypatch.setenv("RELIEFGRAPH_APP_FILES", str(tmp_path / "files"))
    engine = connect(url)
    units.add_unit(engine, HQ, "某县纪委监委", "discipline")
    units.add_unit(engine, TOWN, "城关镇人民政府", "town")
    for name, role, unit in (("wang", "dispatcher", HQ), ("zhao", "reviewer", HQ), ("li", "verifier", TOWN)):
        accounts.add_user(engine, name, PW, role, unit_id=unit)
    detect(tiny, engine, load_rules(), "2026-10-31")
    assert clues.list_clues(engine), "the tiny county raises a clue"
    return engine


def _signed_in(username: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(PW)
    at.button[0].click()
    at.run()
    if page:
        at.sidebar.radio[0].set_value(page)
        at.run()
    assert not at.exception, at.exception
    return at


def _one(elements, label_start: str):
    (found,) = [e for e in elements if str(e.label).startswith(label_start)]
    return found


def _click(at: AppTest, label_start: str) -> AppTest:
    _one(at.button, label_start).click()
    at.run()
    assert not at.exception, at.exception
    return at


def _successes(at: AppTest) -> str:
    return "\n".join(m.value for m in at.success)


def _fill_feedback(at: AppTest, facts: str) -> AppTest:
    _one(at.radio, "核查结论").set_value("partly")
    _one(at.text_area, "核查事实").input(facts)
    _one(at.number_input, "涉及金额").set_value(7200.0)
    _one(at.number_input, "追回金额").set_value(3600.0)
    _one(at.number_input, "停保户数").set_value(1)
    _one(at.number_input, "停保人数").set_value(3)
    return _click(at, "提交审核")


def test_the_loop_through_the_pages(loop):
    waiting = len(clues.list_clues(loop))
    at = _signed_in("wang", "派单 Dispatch")
    assert f"待派单线索 clues not yet dispatched: {waiting} 条" in "\n".join(c.value for c in at.caption)
    _one(at.checkbox, "全选").check()
    at.run()
    _one(at.selectbox, "承办单位").set_value(TOWN)
    _click(at, "派单")
    assert f"已派单 {waiting} 条至「城关镇人民政府」" in _successes(at)
    sent = orders.list_orders(loop, unit_id=TOWN)
    assert len(sent) == waiting and {o["status"] for o in sent} == {"dispatched"}
    assert "没有符合条件的待派单线索" in "\n".join(i.value for i in at.info), "dispatched clues leave the list"
    oid = sent[0]["order_id"]

    at = _signed_in("li", "工单 Orders")
    at.selectbox(key="open_order").set_value(oid)
    at.run()
    _click(at, "认领")
    assert f"已认领工单 {oid}" in _successes(at)
    (box,) = at.get("file_uploader")
    assert box.proto.max_upload_size_mb == 20, "the file box states and enforces the attachments' limit"
    at = _fill_feedback(at, "经入户核查，车辆属实。")
    assert "已提交核查反馈" in _successes(at)
    assert orders.order(loop, oid)["status"] == "submitted"

    at = _signed_in("zhao", "审核 Review")
    at.selectbox(key="review_order").set_value(oid)
    at.run()
    _one(at.radio, "审核意见").set_value("return")
    _click(at, "提交审核意见")
    assert not at.success and "退回须填写原因" in "\n".join(e.value for e in at.error), "a return needs its reason"
    _one(at.text_area, "退回原因").input("缺少退款凭证")
    _click(at, "提交审核意见")
    assert f"工单 {oid} 已退回" in _successes(at) and orders.order(loop, oid)["status"] == "returned"

    at = _signed_in("li", "工单 Orders")
    at.selectbox(key="open_order").set_value(oid)
    at.run()
    assert "审核退回原因 returned because: 缺少退款凭证" in "\n".join(w.value for w in at.warning)
    assert _one(at.text_area, "核查事实").value == "经入户核查，车辆属实。", "the returned feedback is the starting point"
    at = _fill_feedback(at, "经入户核查，车辆属实，已追回并附凭证。")
    assert [f["version"] for f in orders.feedback_of(loop, oid)] == [1, 2]

    at = _signed_in("zhao", "审核 Review")
    at.selectbox(key="review_order").set_value(oid)
    at.run()
    _one(at.radio, "审核意见").set_value("approve")
    _click(at, "提交审核意见")
    assert f"工单 {oid} 已销号" in _successes(at) and orders.order(loop, oid)["status"] == "closed"

    at = _signed_in("zhao", "统计 Statistics")
    shown = at.dataframe[0].value
    town_row = shown[shown["单位 unit"] == "城关镇人民政府"].iloc[0]
    assert town_row["派单 dispatched"] == waiting and town_row["已销号 closed"] == 1
    assert town_row["追回金额（元）recovered"] == "3,600.00"
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4, "per unit and per rule: counts, and amounts recovered"
    assert all('"yOffset"' in c.proto.spec for c in charts), "grouped bars, one per measure"
    assert [json.loads(c.proto.spec)["encoding"]["x"].get("axis", {}).get("tickMinStep") for c in charts] == [
        1, None, 1, None], "orders are counted in whole numbers; amounts in yuan are not"


def test_four_eyes_is_explained_to_a_reviewer_who_verified_the_order(loop):
    cid = clues.list_clues(loop)[0]["clue_id"]
    (oid,) = orders.dispatch(loop, Viewer("wang", "dispatcher", unit_id=HQ), [cid], TOWN)
    li = Viewer("li", "verifier", unit_id=TOWN)
    orders.claim(loop, li, oid)
    orders.submit_feedback(loop, li, oid, orders.Feedback(conclusion="false", facts="车辆已于发放前过户"))
    # The verifier moves to the commission as a reviewer: they still may not judge their own work.
    accounts.set_role(loop, "li", "reviewer")
    accounts.set_unit(loop, "li", HQ)
    at = _signed_in("li", "审核 Review")
    at.selectbox(key="review_order").set_value(oid)
    at.run()
    assert "双人复核" in "\n".join(i.value for i in at.info) and not [f for f in at.radio if "审核意见" in f.label]


def test_an_overdue_order_greets_its_unit_at_sign_in_once(loop):
    from datetime import datetime, timedelta, timezone

    cid = clues.list_clues(loop)[0]["clue_id"]
    long_ago = datetime.now(timezone.utc) - timedelta(days=40)
    (oid,) = orders.dispatch(loop, Viewer("wang", "dispatcher", unit_id=HQ), [cid], TOWN, now=long_ago)
    at = _signed_in("li")
    # The first page after sign-in lists it; later pages keep the count in the sidebar.
    assert any("已逾期 overdue: 1 条" in e.value for e in at.error)
    assert any("本单位逾期 overdue 1 条" in w.value for w in at.sidebar.warning)
    at.sidebar.radio[0].set_value("工单 Orders")
    at.run()
    assert not any("已逾期" in e.value for e in at.error)
    assert any("本单位逾期 overdue 1 条" in w.value for w in at.sidebar.warning)
    at = _signed_in("zhao")
    assert not any("已逾期" in e.value for e in at.error), "the dispatching unit's reviewer owes nothing"


def test_each_role_of_the_loop_gets_its_pages(loop):
    pages = {name: _signed_in(name).sidebar.radio[0].options for name in ("wang", "zhao", "li")}
    assert "派单 Dispatch" in pages["wang"] and "审核 Review" not in pages["wang"]
    assert "审核 Review" in pages["zhao"] and "派单 Dispatch" not in pages["zhao"]
    assert "工单 Orders" in pages["li"] and not {"派单 Dispatch", "审核 Review"} & set(pages["li"])
    assert all({"统计 Statistics", "规则 Rules"} <= set(p) for p in pages.values())


def test_a_dispatched_clue_no_longer_waits_to_be_assigned(loop):
    from reliefgraph.dashboard import cases

    waiting = cases.waiting_count(loop)
    cid = clues.list_clues(loop)[0]["clue_id"]
    orders.dispatch(loop, Viewer("wang", "dispatcher", unit_id=HQ), [cid], TOWN)
    assert cases.waiting_count(loop) == waiting - 1


def test_the_orders_version_moves_with_every_step(loop):
    cid = clues.list_clues(loop)[0]["clue_id"]
    before = orderviews.orders_version(loop)
    (oid,) = orders.dispatch(loop, Viewer("wang", "dispatcher", unit_id=HQ), [cid], TOWN)
    dispatched = orderviews.orders_version(loop)
    orders.claim(loop, Viewer("li", "verifier", unit_id=TOWN), oid)      # within the same second
    assert len({before, dispatched, orderviews.orders_version(loop)}) == 3
