"""Document numbers: contiguous per unit per Beijing year, never consumed by a
failed render, distinct under concurrent issuers, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timezone

import pytest

from reliefgraph.dashboard import audit
from reliefgraph.reports import numbering

AT = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)


def _issue(engine, unit="jw", prefix="X县纪委监委", render=None, now=AT, subject="order-1"):
    return numbering.issue(engine, unit_id=unit, prefix=prefix, kind="case_report", subject=subject, fmt="pdf",
                           actor="boss", role="admin", now=now,
                           render=render or (lambda number, at: f"doc {number} {at.isoformat()}".encode()))


def test_numbers_are_contiguous_and_printed_in_the_document_they_number(app_db):
    issued = [_issue(app_db) for _ in range(3)]
    assert [d.number for d in issued] == ["X县纪委监委〔2026〕1号", "X县纪委监委〔2026〕2号", "X县纪委监委〔2026〕3号"]
    assert all(d.number.encode() in d.data for d in issued)
    rows = numbering.issued_documents(app_db, "jw", 2026)
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert [r["sha256"] for r in rows] == [hashlib.sha256(d.data).hexdigest() for d in issued]
    entry = audit.entries(app_db, limit=1)[0]
    assert (entry.action, entry.seq, entry.detail["number"]) == ("report", rows[-1]["audit_seq"], issued[-1].number)
    assert audit.verify(app_db).ok


def test_a_failed_render_takes_no_number_and_leaves_no_trace(app_db):
    first = _issue(app_db)
    entries_before = audit.entries(app_db, limit=1)[0].seq
    seen = []

    def broken(number, at):
        seen.append(number)
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        _issue(app_db, render=broken)
    assert seen == ["X县纪委监委〔2026〕2号"]
    assert audit.entries(app_db, limit=1)[0].seq == entries_before
    after = _issue(app_db)
    assert (first.seq, after.seq) == (1, 2) and after.number == "X县纪委监委〔2026〕2号"


def test_each_unit_and_each_beijing_year_has_its_own_series(app_db):
    assert _issue(app_db).seq == 1
    assert _issue(app_db, unit="mz", prefix="X县民政局").number == "X县民政局〔2026〕1号"
    assert _issue(app_db).seq == 2
    # 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Beijing: a new year, a new series.
    new_year = _issue(app_db, now=datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc))
    assert new_year.number == "X县纪委监委〔2027〕1号"
    late_2026 = _issue(app_db, now=datetime(2026, 12, 31, 15, 30, tzinfo=timezone.utc))
    assert late_2026.number == "X县纪委监委〔2026〕3号"


def test_concurrent_issuers_get_distinct_contiguous_numbers(app_db):
    threads, results, errors = 8, [], []
    start = threading.Barrier(threads)

    def slow_render(number, at):
        return f"{number}".encode() * 1000    # every issuer renders, then races to record

    def worker(i):
        try:
            start.wait()
            for _ in range(3):
                results.append(_issue(app_db, subject=f"order-{i}", render=slow_render).seq)
        except Exception as exc:   # noqa: BLE001 - reported below
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors
    assert sorted(results) == list(range(1, threads * 3 + 1))
    rows = numbering.issued_documents(app_db, "jw", 2026)
    assert [r["seq"] for r in rows] == list(range(1, threads * 3 + 1))
    # each number's file says that number and no other
    assert all(numbering.format_number("X县纪委监委", 2026, r["seq"]) == r["number"] for r in rows)
    assert audit.verify(app_db).ok


def test_a_units_prefix_is_configurable_and_not_shared(app_db):
    assert numbering.prefix_of(app_db, "jw", default="某县纪委监委") == "某县纪委监委"
    numbering.set_prefix(app_db, "jw", "X纪发")
    assert numbering.prefix_of(app_db, "jw", default="某县纪委监委") == "X纪发"
    with pytest.raises(ValueError, match="已由单位 jw 使用"):
        numbering.set_prefix(app_db, "mz", "X纪发")
    with pytest.raises(ValueError):
        numbering.set_prefix(app_db, "mz", "  ")


def test_a_report_outside_a_series_is_dated_by_the_beijing_day():
    from reliefgraph.reports.issue import legacy_number

    # 23:30 UTC on 3 December is 07:30 on 4 December in Beijing: the number carries the 4th.
    assert legacy_number("2026-12-03T23:30:00+00:00", 42) == "RG-20261204-000042"
    assert legacy_number("2026-12-03T15:59:59+00:00", 7) == "RG-20261203-000007"
