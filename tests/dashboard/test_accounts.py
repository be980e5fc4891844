"""Accounts: Argon2id hashes, throttled sign-in, sessions that expire, the user CLI."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update
from typer.testing import CliRunner

from reliefgraph.cli import app
from reliefgraph.dashboard import accounts, audit
from reliefgraph.dashboard.accounts import AccountError, SignInError

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
PW = "correct horse 9"


def test_passwords_are_stored_as_argon2id_hashes(app_db):
    accounts.add_user(app_db, "zhang", PW, "verifier", "张三")
    with app_db.connect() as conn:
        stored = conn.execute(select(accounts.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert PasswordHasher().verify(stored, PW)


@pytest.mark.parametrize("username, password, role, says", [
    ("zhang", PW, "superuser", "未知角色"),
    ("zhang", "short", "analyst", "至少"),
    ("zhang", "zhang-is-my-password", "analyst", "不能包含用户名"),
    ("Zhang San", PW, "analyst", "用户名"),
])
def test_bad_accounts_are_refused_with_a_reason(app_db, username, password, role, says):
    with pytest.raises(AccountError, match=says):
        accounts.add_user(app_db, username, password, role)
    assert accounts.list_users(app_db) == []


def test_a_name_is_taken_once(app_db):
    accounts.add_user(app_db, "li", PW, "analyst")
    with pytest.raises(AccountError, match="已存在"):
        accounts.add_user(app_db, "li", PW + "x", "admin")
    assert accounts.get_user(app_db, "li").role == "analyst"


def test_sign_in_gives_a_session_whose_token_is_not_stored(app_db):
    accounts.add_user(app_db, "zhang", PW, "verifier", "张三")
    session = accounts.sign_in(app_db, "Zhang ", PW, now=T0)
    assert session.user == accounts.User("zhang", "张三", "verifier")
    assert accounts.session_user(app_db, session.token, now=T0 + timedelta(minutes=1)).username == "zhang"
    with app_db.connect() as conn:
        rows = conn.execute(select(accounts.sessions)).all()
    assert len(rows) == 1 and session.token not in str(tuple(rows[0]))


def test_wrong_password_and_unknown_name_read_the_same(app_db):
    accounts.add_user(app_db, "zhang", PW, "verifier")
    with pytest.raises(SignInError) as wrong:
        accounts.sign_in(app_db, "zhang", PW + "!", now=T0)
    with pytest.raises(SignInError) as unknown:
        accounts.sign_in(app_db, "nobody", PW, now=T0)
    assert wrong.value.reason == unknown.value.reason == "bad_credentials"
    assert str(wrong.value) == str(unknown.value)


def test_repeated_failures_lock_the_name_even_for_the_right_password(app_db):
    accounts.add_user(app_db, "zhang", PW, "verifier")
    for i in range(accounts.MAX_FAILURES):
        with pytest.raises(SignInError, match="用户名或密码错误"):
            accounts.sign_in(app_db, "zhang", f"guess-{i}-xxxx", now=T0 + timedelta(seconds=i))
    with pytest.raises(SignInError) as locked:
        accounts.sign_in(app_db, "zhang", PW, now=T0 + timedelta(minutes=5))
    assert locked.value.reason == "throttled" and locked.value.retry_after > T0 + timedelta(minutes=5)
    # The lock lifts after LOCKOUT; a good sign-in clears the count.
    later = T0 + accounts.LOCKOUT + timedelta(minutes=1)
    assert accounts.sign_in(app_db, "zhang", PW, now=later).user.username == "zhang"
    with pytest.raises(SignInError, match="用户名或密码错误"):
        accounts.sign_in(app_db, "zhang", "wrong-again-xx", now=later)


def test_failures_spread_beyond_the_window_do_not_lock(app_db):
    accounts.add_user(app_db, "zhang", PW, "verifier")
    step = accounts.FAILURE_WINDOW / 2 + timedelta(minutes=1)
    for i in range(accounts.MAX_FAILURES + 2):
        with pytest.raises(SignInError) as exc:
            accounts.sign_in(app_db, "zhang", "wrong-password-x", now=T0 + step * i)
        assert exc.value.reason == "bad_credentials"
    assert accounts.sign_in(app_db, "zhang", PW, now=T0 + step * 10)


def test_unknown_names_are_throttled_too(app_db):
    for i in range(accounts.MAX_FAILURES):
        with pytest.raises(SignInError):
            accounts.sign_in(app_db, "ghost", "whatever-pass", now=T0)
    with pytest.raises(SignInError) as exc:
        accounts.sign_in(app_db, "ghost", "whatever-pass", now=T0 + timedelta(minutes=1))
    assert exc.value.reason == "throttled"


def test_sessions_end_when_idle_or_too_old_or_signed_out(app_db):
    accounts.add_user(app_db, "zhang", PW, "verifier")
    idle = accounts.sign_in(app_db, "zhang", PW, now=T0)
    assert accounts.session_user(app_db, idle.token, now=T0 + accounts.IDLE_TIMEOUT + timedelta(seconds=1)) is None
    # Once expired it stays gone, even if asked about at an earlier clock.
    assert accounts.session_user(app_db, idle.token, now=T0) is None

    busy = accounts.sign_in(app_db, "zhang", PW, now=T0)
    t = T0
    while t + timedelta(minutes=20) < T0 + accounts.SESSION_LIFETIME:
        t += timedelta(minutes=20)
        assert accounts.session_user(app_db, busy.token, now=t) is not None, t
    assert accounts.session_user(app_db, busy.token, now=T0 + accounts.SESSION_LIFETIME) is None

    third = accounts.sign_in(app_db, "zhang", PW, now=T0)
    accounts.sign_out(app_db, third.token)
    assert accounts.session_user(app_db, third.token, now=T0) is None
    assert accounts.session_user(app_db, "not-a-token", now=T0) is None


def test_disabling_ends_sessions_and_refuses_sign_in(app_db):
    accounts.add_user(app_db, "zhang", PW, "verifier")
    session = accounts.sign_in(app_db, "zhang", PW, now=T0)
    accounts.disable_user(app_db, "zhang")
    assert accounts.session_user(app_db, session.token, now=T0) is None
    with pytest.raises(SignInError) as exc:
        accounts.sign_in(app_db, "zhang", PW, now=T0)
    assert exc.value.reason == "bad_credentials"
    with pytest.raises(AccountError):
        accounts.disable_user(app_db, "nobody")


def test_a_weaker_hash_is_upgraded_at_sign_in(app_db):
    accounts.add_user(app_db, "zhang", PW, "verifier")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PW)
    with app_db.begin() as conn:
        conn.execute(update(accounts.users).values(password_hash=weak))
    accounts.sign_in(app_db, "zhang", PW, now=T0)
    with app_db.connect() as conn:
        stored = conn.execute(select(accounts.users.c.password_hash)).scalar_one()
    assert stored != weak and "m=65536" in stored


def test_user_commands_create_the_first_admin_and_audit_it(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    runner = CliRunner()
    out = runner.invoke(app, ["user", "list"])
    assert out.exit_code == 0 and "尚无用户" in out.output
    out = runner.invoke(app, ["user", "add", "boss", "--role", "admin", "--name", "王主任"],
                        input=f"{PW}\n{PW}\n")
    assert out.exit_code == 0, out.output
    assert "已创建用户" in out.output and PW not in out.output
    out = runner.invoke(app, ["user", "add", "li", "--role", "analyst", "--password-stdin"], input="short\n")
    assert out.exit_code == 1 and "至少" in out.output
    out = runner.invoke(app, ["user", "disable", "boss"])
    assert out.exit_code == 0
    out = runner.invoke(app, ["user", "list"])
    assert "王主任" in out.output and "停用" in out.output
    from reliefgraph.appdb import connect

    engine = connect(url)
    assert [(e.action, e.subjects) for e in reversed(audit.entries(engine))] == [
        ("user_add", ["boss"]), ("user_disable", ["boss"])]
    assert all(e.actor.startswith("cli:") for e in audit.entries(engine))


def test_an_administrator_makes_units_and_puts_people_in_them_from_the_command_line(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    runner = CliRunner()
    out = runner.invoke(app, ["unit", "add", "county_jw", "--name", "某县纪委监委", "--kind", "discipline"])
    assert out.exit_code == 0 and "已创建单位" in out.output, out.output
    out = runner.invoke(app, ["unit", "add", "town_a", "--name", "某某镇人民政府", "--kind", "town",
                              "--region", "520101101", "--parent", "county_jw"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["unit", "add", "town_b", "--name", "x", "--kind", "planet"])
    assert out.exit_code == 1 and "未知单位类型" in out.output
    out = runner.invoke(app, ["user", "add", "ver", "--role", "verifier", "--unit", "town_a", "--password-stdin"],
                        input=f"{PW}\n")
    assert out.exit_code == 0 and "town_a" in out.output, out.output
    out = runner.invoke(app, ["user", "add", "disp", "--role", "dispatcher", "--unit", "nowhere",
                              "--password-stdin"], input=f"{PW}\n")
    assert out.exit_code == 1 and "没有该单位" in out.output
    out = runner.invoke(app, ["user", "add", "disp", "--role", "dispatcher", "--password-stdin"], input=f"{PW}\n")
    assert out.exit_code == 0 and "须归属单位" in out.output
    out = runner.invoke(app, ["user", "unit", "disp", "county_jw"])
    assert out.exit_code == 0, out.output
    # (The tables' cells wrap in the test runner's narrow terminal: the rows are read back below.)
    assert runner.invoke(app, ["unit", "list"]).exit_code == 0
    assert runner.invoke(app, ["user", "list"]).exit_code == 0
    from reliefgraph.appdb import connect
    from reliefgraph.dashboard import units

    engine = connect(url)
    assert [(u["unit_id"], u["kind"], u["region_code"], u["parent_unit"]) for u in units.list_units(engine)] == [
        ("county_jw", "discipline", None, None), ("town_a", "town", "520101101", "county_jw")]
    assert accounts.get_user(engine, "disp").unit_id == "county_jw"
    assert accounts.get_user(engine, "ver").unit_id == "town_a"
    assert [e.action for e in reversed(audit.entries(engine))] == [
        "unit_add", "unit_add", "user_add", "user_add", "user_unit"]


def test_the_dashboard_command_listens_on_loopback_unless_told(tmp_path, monkeypatch):
    import subprocess

    monkeypatch.setenv("RELIEFGRAPH_APP_DB", f"sqlite:///{tmp_path / 'app.db'}")
    calls = []

    class FakeStreamlit:
        def __init__(self, cmd, env):
            calls.append((cmd, env))

        def wait(self):
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakeStreamlit)
    runner = CliRunner()
    out = runner.invoke(app, ["dashboard", "--port", "8601", "--db", str(tmp_path / "g")])
    assert out.exit_code == 0 and "尚无管理员" in out.output
    cmd, env = calls[0]
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1" and cmd[cmd.index("--server.port") + 1] == "8601"
    assert cmd[cmd.index("run") + 1].endswith("dashboard/app.py") and env["RELIEFGRAPH_URI"] == str(tmp_path / "g")
    out = runner.invoke(app, ["dashboard", "--host", "0.0.0.0"])
    assert calls[1][0][calls[1][0].index("--server.address") + 1] == "0.0.0.0" and "HTTPS" in out.output


def test_a_role_change_ends_sessions_and_the_last_admin_keeps_the_role(app_db):
    accounts.add_user(app_db, "boss", "correct horse 9", "admin")
    accounts.add_user(app_db, "zhang", "correct horse 9", "analyst")
    token = accounts.sign_in(app_db, "zhang", "correct horse 9").token
    accounts.set_role(app_db, "zhang", "verifier")
    assert accounts.get_user(app_db, "zhang").role == "verifier"
    assert accounts.session_user(app_db, token) is None, "the new role holds from the next sign-in"
    with pytest.raises(AccountError, match="最后一个管理员"):
        accounts.set_role(app_db, "boss", "analyst")
    with pytest.raises(AccountError, match="未知角色"):
        accounts.set_role(app_db, "zhang", "superuser")
    accounts.set_role(app_db, "zhang", "admin")
    accounts.set_role(app_db, "boss", "analyst")
    assert accounts.get_user(app_db, "boss").role == "analyst"


def test_a_disabled_account_is_enabled_again_with_its_password(app_db):
    accounts.add_user(app_db, "zhang", "correct horse 9", "analyst")
    accounts.disable_user(app_db, "zhang")
    with pytest.raises(SignInError):
        accounts.sign_in(app_db, "zhang", "correct horse 9")
    accounts.enable_user(app_db, "zhang")
    assert accounts.sign_in(app_db, "zhang", "correct horse 9").token
    with pytest.raises(AccountError):
        accounts.enable_user(app_db, "nobody")


def test_a_signed_in_user_carries_their_unit_and_a_move_ends_their_sessions(app_db):
    from reliefgraph.dashboard import units

    units.add_unit(app_db, "town_a", "某某镇人民政府", "town")
    units.add_unit(app_db, "town_b", "另一镇人民政府", "town")
    accounts.add_user(app_db, "zhang", PW, "verifier", "张三", unit_id="town_a")
    session = accounts.sign_in(app_db, "zhang", PW)
    assert session.user.unit_id == "town_a"
    assert accounts.session_user(app_db, session.token).unit_id == "town_a"
    accounts.set_unit(app_db, "zhang", "town_b")
    assert accounts.session_user(app_db, session.token) is None       # the old unit's view ends now
    assert accounts.sign_in(app_db, "zhang", PW).user.unit_id == "town_b"
    assert [m["username"] for m in units.members(app_db, "town_b", role="verifier")] == ["zhang"]
    with pytest.raises(accounts.AccountError, match="没有该单位"):
        accounts.set_unit(app_db, "zhang", "atlantis")
    with pytest.raises(units.UnitError, match="已存在"):
        units.add_unit(app_db, "town_a", "重复", "town")


# -- many sessions signing in at once on one SQLite file -----------------------
def test_twenty_sessions_sign_in_at_once_on_a_sqlite_file(tmp_path, monkeypatch):
    import threading

    from sqlalchemy import event

    from reliefgraph.appdb import connect

    # Argon2 at full cost is most of a second per check: cheaper hashes keep
    # the test about the database, which every sign-in still writes.
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    engine = connect(f"sqlite:///{tmp_path / 'app.db'}")
    names = [f"user{i:02d}" for i in range(20)]
    for name in names:
        accounts.add_user(engine, name, PW, "verifier")
    for name in names[:5]:                     # some come with a failure to clear
        with pytest.raises(SignInError):
            accounts.sign_in(engine, name, PW + "!")
    deletes: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cur, statement, *rest: deletes.append(statement)
                 if statement.startswith("DELETE FROM sign_in_failures") else None)
    start, errors, tokens = threading.Barrier(len(names)), [], []

    def session(name: str) -> None:
        try:
            start.wait()
            for _ in range(3):                 # sign in, use the session, an audit entry, as the page does
                s = accounts.sign_in(engine, name, PW)
                assert accounts.session_user(engine, s.token).username == name
                audit.record(engine, name, "sign_in", [], {}, "verifier")
                tokens.append(s.token)
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(f"{name}: {exc!r}")

    threads = [threading.Thread(target=session, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(tokens) == 60 and len(set(tokens)) == 60
    with engine.connect() as conn:
        assert len(conn.execute(select(accounts.sessions)).all()) == 60
        assert conn.execute(select(accounts.sign_in_failures)).all() == []
    # Only the five with a failure on record paid for clearing it.
    assert len(deletes) == 5
    chain = audit.verify(engine)
    assert chain.ok and chain.entries == 60
    engine.dispose()


def test_sqlite_connections_wait_for_the_write_lock_and_commit_without_an_fsync_each(tmp_path):
    from reliefgraph.appdb import SQLITE_BUSY_TIMEOUT_MS, connect

    engine = connect(f"sqlite:///{tmp_path / 'app.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS >= 30_000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1      # NORMAL
    engine.dispose()


def test_password_hashes_take_turns_so_pages_keep_their_cores(app_db, monkeypatch):
    import threading
    import time

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    running, most = [0], [0]
    lock = threading.Lock()

    class Counting:
        def __getattr__(self, name):
            return getattr(cheap, name)

        def verify(self, stored, password):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.05)
            try:
                return cheap.verify(stored, password)
            finally:
                with lock:
                    running[0] -= 1

    monkeypatch.setattr(accounts, "_hasher", Counting())
    monkeypatch.setattr(accounts, "_HASHING", threading.BoundedSemaphore(2))
    accounts.add_user(app_db, "zhang", PW, "verifier")
    threads = [threading.Thread(target=accounts.sign_in, args=(app_db, "zhang", PW)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 2, "two at a time, never eight"
    with app_db.connect() as conn:
        assert len(conn.execute(select(accounts.sessions)).all()) == 8
