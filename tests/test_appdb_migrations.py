"""The application database's schema is made and upgraded by its migrations,
on SQLite and on PostgreSQL, and a database from before them keeps its rows."""
from __future__ import annotations

import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

from reliefgraph.appdb import (BASELINE, AppDbError, alembic_config, connect, current_version, head_version,
                               metadata, migrate, open_engine)
from reliefgraph.cli import app
from reliefgraph.dashboard import accounts, audit
from reliefgraph.queries.clues import clues

PW = "correct-horse-battery"


def _schema_diff(engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_url(request, tmp_path):
    """A database with nothing in it, not even a version."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    return request.getfixturevalue("pg_cluster").new_database(migrated=False)


def test_the_migrations_make_exactly_the_declared_tables(empty_url):
    engine = open_engine(empty_url)
    assert migrate(engine) == (None, head_version())
    assert _schema_diff(engine) == []
    assert migrate(engine) == (head_version(), head_version())  # again: nothing to do
    engine.dispose()


def test_downgrade_to_nothing_and_up_again(empty_url):
    engine = open_engine(empty_url)
    migrate(engine)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert _schema_diff(engine) == []
    engine.dispose()


def make_pre_migration_database(url: str):
    """The tables as `create_all` made them before migrations: the first
    revision's schema, and no version recorded."""
    old = open_engine(url)
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE)
        conn.execute(text("DROP TABLE alembic_version"))
    return old


def test_a_database_made_before_migrations_is_stamped_and_keeps_its_rows(empty_url, monkeypatch):
    old = make_pre_migration_database(empty_url)
    with old.begin() as conn:   # the role names of that time
        conn.execute(accounts.users.insert().values(
            username="zhang", display_name="张三", role="inspector", password_hash=accounts._hasher.hash(PW),
            active=True, created="2026-11-01"))
    audit.record(old, "zhang", "search", ["Person:520101198001010002"], {"text": "张"}, "inspector")
    old.dispose()

    if old.dialect.name == "postgresql":
        with pytest.raises(AppDbError, match="reliefgraph db migrate"):
            connect(empty_url)
        monkeypatch.setenv("RELIEFGRAPH_APP_DB", empty_url)
        out = CliRunner().invoke(app, ["db", "migrate"])
        assert out.exit_code == 0, out.output
        assert f"→ {head_version()}" in out.output
    engine = connect(empty_url)  # SQLite: upgraded on open

    with engine.connect() as conn:
        assert current_version(conn) == head_version()
    assert _schema_diff(engine) == []
    assert accounts.get_user(engine, "zhang").display_name == "张三"
    assert accounts.get_user(engine, "zhang").role == "verifier"     # inspector, renamed
    assert accounts.sign_in(engine, "zhang", PW).user.username == "zhang"
    assert audit.verify(engine).ok and audit.verify(engine).entries == 1
    engine.dispose()


@pytest.mark.postgresql
def test_postgresql_is_never_changed_behind_the_operators_back(pg_cluster):
    url = pg_cluster.new_database(migrated=False)
    with pytest.raises(AppDbError, match="db migrate"):
        connect(url)
    engine = open_engine(url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()


def test_the_audit_log_is_append_only_after_migrating(app_db):
    # The triggers are part of the migration, not of the table declarations.
    audit.record(app_db, "zhang", "search", [], {}, "verifier")
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"):
        with app_db.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))


def test_processes_opening_a_new_sqlite_file_at_once_all_get_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    errors = []

    def open_it():
        try:
            with connect(url).connect() as conn:
                conn.execute(select(clues.c.clue_id)).all()
        except Exception as exc:  # collected: the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _schema_diff(connect(url)) == []


def test_an_in_memory_database_gets_the_schema_too():
    engine = connect("sqlite:///:memory:")
    accounts.add_user(engine, "li", PW, "analyst")
    assert accounts.get_user(engine, "li").role == "analyst"
    assert _schema_diff(engine) == []


def test_cases_and_accounts_from_before_orders_become_orders_with_nothing_lost(empty_url):
    """A database at the first revision, with an inspector's cases in every
    state, upgraded: the roles are renamed, the people and cases sit in the
    `legacy` unit, each case is an order with its history, the concluded
    ones closed with their conclusion — and the old rows are still there."""
    engine = open_engine(empty_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE)
        for name, role in (("boss", "admin"), ("zhang", "inspector"), ("li", "analyst")):
            conn.execute(text("INSERT INTO users (username, display_name, role, password_hash, active, created) "
                              "VALUES (:n, :n, :r, '-', :t, '2026-10-01')"), {"n": name, "r": role, "t": True})
        for cid, status, severity in (("new1", "new", "high"), ("open1", "open", "high"),
                                      ("doing1", "in_verification", "medium"), ("yes1", "confirmed", "low"),
                                      ("no1", "dismissed", "high")):
            conn.execute(text(
                "INSERT INTO clues (clue_id, family, subject_id, score, severity, rule_ids, summary, status, active, "
                "first_seen, last_seen) VALUES (:c, 'hidden_assets', '52010119800101123X', 0.8, :sev, :rules, '…', "
                ":s, :t, '2026-10-01', '2026-10-01')"),
                {"c": cid, "s": status, "sev": severity, "rules": '["car_during_grant"]', "t": True})
            if status == "new":
                continue
            concluded = status in ("confirmed", "dismissed")
            conn.execute(text(
                "INSERT INTO cases (clue_id, assignee, assigned_by, opened, conclusion, concluded, concluded_by, "
                "updated) VALUES (:c, 'zhang', 'boss', '2026-10-02T01:00:00+00:00', :con, :at, :by, :at2)"),
                {"c": cid, "con": "车辆属实" if status == "confirmed" else ("已转让" if concluded else None),
                 "at": "2026-10-05T03:00:00+00:00" if concluded else None, "by": "zhang" if concluded else None,
                 "at2": "2026-10-05T03:00:00+00:00"})
            for action, frm, to in (("assign", "new", "open"), ("start", "open", "in_verification"),
                                    ("confirm" if status == "confirmed" else "dismiss", "in_verification", status)):
                conn.execute(text(
                    "INSERT INTO case_history (clue_id, at, actor, action, from_status, to_status, assignee, note) "
                    "VALUES (:c, '2026-10-03T00:00:00+00:00', :who, :a, :f, :t, 'zhang', '入户')"),
                    {"c": cid, "who": "boss" if action == "assign" else "zhang", "a": action, "f": frm, "t": to})
                if to == status:
                    break
    engine.dispose()

    engine = open_engine(empty_url)
    migrate(engine)
    from reliefgraph.dashboard import orders

    assert {u["username"]: (u["role"], u["unit_id"]) for u in accounts.list_users(engine)} == {
        "boss": ("admin", None), "zhang": ("verifier", "legacy"), "li": ("analyst", "legacy")}
    migrated = {o["clue_id"]: o for o in orders.list_orders(engine)}
    assert set(migrated) == {"open1", "doing1", "yes1", "no1"}            # a new clue was never a case
    assert {c: (o["status"], o["assignee"], o["unit_id"]) for c, o in migrated.items()} == {
        "open1": ("claimed", "zhang", "legacy"), "doing1": ("claimed", "zhang", "legacy"),
        "yes1": ("closed", "zhang", "legacy"), "no1": ("closed", "zhang", "legacy")}
    assert migrated["open1"]["deadline"] == "2026-10-09" and migrated["doing1"]["deadline"] == "2026-10-17"
    [confirmed] = orders.feedback_of(engine, migrated["yes1"]["order_id"])
    assert (confirmed["conclusion"], confirmed["facts"], confirmed["review"], confirmed["submitted_by"]) == (
        "true", "车辆属实", "approved", "zhang")
    assert orders.feedback_of(engine, migrated["no1"]["order_id"])[0]["conclusion"] == "false"
    assert orders.feedback_of(engine, migrated["open1"]["order_id"]) == []
    steps = orders.events_of(engine, migrated["yes1"]["order_id"])
    assert [(e["actor"], e["from_status"], e["to_status"]) for e in steps] == [
        ("boss", "new", "open"), ("zhang", "open", "in_verification"), ("zhang", "in_verification", "confirmed")]
    assert all("入户" in e["note"] for e in steps)
    # The migrated verifier still reads their cases' subjects in clear.
    from reliefgraph.dashboard.cases import clear_values_for
    assert "52010119800101123X" in clear_values_for(engine, "zhang")
    with engine.connect() as conn:        # the old tables keep their rows
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM case_history")).scalar() == 9
    assert _schema_diff(engine) == []
    engine.dispose()
