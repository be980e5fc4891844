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


def test_the_precision_trend_counts_each_rule_per_beijing_month():
    closed = [
        (["car", "company"], "true", "2026-10-31T17:00:00+00:00"),    # 11-01 in Beijing
        (["car"], "false", "2026-10-15T02:00:00+00:00"),
        (["car"], "partly", "2026-11-20T02:00:00+00:00"),
        (["car"], None, "2026-11-21T02:00:00+00:00"),                  # no conclusion: not counted
        (["car"], "false", None),                                      # never closed: not counted
    ]
    trend = orderviews.precision_trend(closed)
    assert trend == [
        {"rule_id": "car", "month": "2026-10", "concluded": 1, "confirmed": 0, "precision": 0.0},
        {"rule_id": "car", "month": "2026-11", "concluded": 2, "confirmed": 2, "precision": 1.0},
        {"rule_id": "company", "month": "2026-11", "concluded": 1, "confirmed": 1, "precision": 1.0},
    ]
    overall = orderviews.precision_overall(trend)
    assert overall["car"] == {"concluded": 3, "confirmed": 2, "precision": 0.6667}


def test_the_statistics_table_names_units_and_keeps_amounts_as_numbers():
    rows = [{"unit_id": "town-a", "dispatched": 5, "closed": 2, "on_time": 1, "overdue": 1, "confirmed_rate": 0.5,
             "amount_recovered": Decimal("12345.60")},
            {"unit_id": "gone", "dispatched": 1, "closed": 0, "on_time": 0, "overdue": 0, "confirmed_rate": None,
             "amount_recovered": None}]
    columns, table = orderviews.stats_rows(rows, "unit_id", {"town-a": "某某镇人民政府"})
    assert columns[0] == "单位 unit" and "追回金额（元）recovered" in columns
    assert table[0] == ["某某镇人民政府", 5, 2, 1, 1, 0.5, 12345.6]
    assert table[1][0] == "gone" and table[1][5] is None and table[1][6] == 0.0
    assert csv_bytes(columns, table).startswith("\ufeff单位 unit".encode("utf-8"))
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx_bytes(columns, table))).active
    assert sheet["A2"].value == "某某镇人民政府" and sheet["G2"].value == 12345.6


def test_amounts_and_rates_read_as_an_office_writes_them():
    assert orderviews.yuan(Decimal("1234567.5")) == "1,234,567.50"
    assert orderviews.yuan(None) == "0.00"
    assert orderviews.rate(0.66666) == "66.7%" and orderviews.rate(None) == "—"
