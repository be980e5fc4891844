"""The audit log: append-only in the database, and any edit to the past shows in `verify`."""
from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from typer.testing import CliRunner

from reliefgraph.appdb import connect
from reliefgraph.cli import app
from reliefgraph.dashboard import audit


def _fill(engine, n=5):
    for i in range(n):
        audit.record(engine, "zhang", "search", [f"Person:52010119800101{i:04d}"], {"text": f"张{i}"}, "verifier")


def _tamper(engine, sql: str, *params) -> None:
    # What someone with the database file, or the database owner's password,
    # can do: switch the guard off and rewrite.
    if engine.dialect.name == "sqlite":
        con = sqlite3.connect(engine.url.database)
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("DROP TRIGGER audit_log_no_delete")
        con.execute(sql, params)
        con.commit()
        con.close()
        return
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        conn.exec_driver_sql(sql.replace("?", "%s"), params)


def test_entries_chain_and_read_back(app_db):
    _fill(app_db)
    got = audit.entries(app_db)
    assert [e.seq for e in got] == [5, 4, 3, 2, 1]
    assert got[-1].prev_hash == audit.GENESIS
    assert all(newer.prev_hash == older.entry_hash for newer, older in zip(got, got[1:]))
    assert got[0].subjects == ["Person:520101198001010004"] and got[0].detail == {"text": "张4"}
    result = audit.verify(app_db)
    assert result.ok and result.entries == 5 and result.head == got[0].entry_hash
    assert [e.seq for e in audit.entries(app_db, subject="Person:520101198001010002")] == [3]


def test_the_database_refuses_updates_and_deletes(app_db):
    _fill(app_db, 2)
    with pytest.raises(DatabaseError, match="append-only"):
        with app_db.begin() as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'someone' WHERE seq = 1"))
    with pytest.raises(DatabaseError, match="append-only"):
        with app_db.begin() as conn:
            conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    assert audit.verify(app_db).ok


@pytest.mark.parametrize("sql, params, bad_seq", [
    ("UPDATE audit_log SET actor = ? WHERE seq = 2", ("li",), 2),
    ("UPDATE audit_log SET subjects = ? WHERE seq = 3", ('["Person:X"]',), 3),
    ("UPDATE audit_log SET detail = ? WHERE seq = 1", ('{"text":"王"}',), 1),
    ("UPDATE audit_log SET at = ? WHERE seq = 4", ("2020-01-01T00:00:00",), 4),
    ("DELETE FROM audit_log WHERE seq = 3", (), 4),
])
def test_verify_finds_an_edited_or_removed_past_entry(app_db, sql, params, bad_seq):
    _fill(app_db)
    _tamper(app_db, sql, *params)
    result = audit.verify(app_db)
    assert not result.ok
    assert result.problems[0][0] == bad_seq


def test_rehashing_an_edited_entry_still_breaks_the_next_link(app_db):
    _fill(app_db)
    e = next(x for x in audit.entries(app_db) if x.seq == 2)
    forged = audit.entry_hash(e.prev_hash, e.seq, e.at, "li", e.role, e.action, e.subjects, e.detail)
    _tamper(app_db, "UPDATE audit_log SET actor = 'li', entry_hash = ? WHERE seq = 2", forged)
    result = audit.verify(app_db)
    assert [seq for seq, _ in result.problems] == [3]


def test_concurrent_writers_keep_one_chain(app_db_url):
    url = app_db_url
    connect(url)

    def work(who):
        engine = connect(url)  # separate engines, as separate processes would have
        for i in range(15):
            audit.record(engine, who, "run_query", [], {"i": i})

    threads = [threading.Thread(target=work, args=(f"u{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = audit.verify(connect(url))
    assert result.ok and result.entries == 60


def test_unknown_actions_are_refused(app_db):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(app_db, "zhang", "delete_everything")


def test_audit_verify_command_fails_on_tampering(app_db_url, monkeypatch):
    url = app_db_url
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    engine = connect(url)
    _fill(engine, 3)
    runner = CliRunner()
    out = runner.invoke(app, ["audit", "verify"])
    assert out.exit_code == 0 and "审计日志完整" in out.output and "3" in out.output
    _tamper(engine, "UPDATE audit_log SET action = 'export' WHERE seq = 2")
    out = runner.invoke(app, ["audit", "verify"])
    assert out.exit_code == 1 and "#2" in out.output and "篡改" in out.output


def test_entries_are_filtered_by_beijing_day_and_read_in_chinese(tmp_path):
    from datetime import date, datetime, timezone

    engine = connect(f"sqlite:///{tmp_path / 'app.db'}")
    # 23:30 UTC on 1 March is 07:30 on 2 March in Beijing.
    with engine.begin() as conn:
        audit.append(conn, "li", "search", ["Person:X"], {"text": "张三", "hits": 2},
                     now=datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))
        audit.append(conn, "li", "export", [], {"what": "clues", "rows": 5, "from_clue": True},
                     now=datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc))
    since, until = audit.day_bounds(date(2026, 3, 2), date(2026, 3, 2))
    (entry,) = audit.entries(engine, since=since, until=until)
    row = audit.readable(entry)
    assert row["时间 when (北京时间)"] == "2026-03-02 07:30:00"
    assert row["操作 action"] == "检索 search" and row["详情 detail"] == "检索词: 张三；结果数: 2"
    assert [e.action for e in audit.entries(engine, since=audit.day_bounds(date(2026, 3, 3), None)[0])] == ["export"]
    assert audit.readable_detail({"from_clue": True, "window": [None, None]}) == "来自线索: 是；时间窗口: —"


def test_audit_list_command_shows_beijing_time_and_readable_detail(tmp_path, monkeypatch):
    from datetime import datetime, timezone

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    with connect(url).begin() as conn:
        audit.append(conn, "li", "search", ["Person:X"], {"text": "张三", "hits": 2},
                     now=datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))
    from reliefgraph.dashboard import command

    # The command's console is made at import, its width fixed then by whatever terminal imported it first.
    monkeypatch.setattr(command.console, "width", 200)
    out = CliRunner().invoke(app, ["audit", "list"])
    assert out.exit_code == 0, out.output
    assert "2026-03-02 07:30:00" in out.output and "北京时间" in out.output
    assert "23:30" not in out.output and "+00:00" not in out.output
    assert "检索词: 张三" in out.output
