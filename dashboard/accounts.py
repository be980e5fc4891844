"""Dashboard accounts: users, roles, units, sign-in with throttling, sessions that expire.

Passwords are hashed with Argon2id (argon2-cffi, RFC 9106 parameters); a
hash made with older parameters is upgraded at the next good sign-in.
Session tokens are handed to the browser once and stored only as SHA-256
digests, so a copy of the application database opens no session.

Level-3 protection (等保三级) asks for login-failure handling and session
timeouts: after `MAX_FAILURES` wrong passwords within `FAILURE_WINDOW` a name
is refused for `LOCKOUT`, and a session ends after `IDLE_TIMEOUT` without
use or `SESSION_LIFETIME` in all.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from reliefgraph.appdb import metadata

ROLES = {
    "admin": ("管理员", "Administrator"),
    "dispatcher": ("派单员", "Dispatcher"),
    "verifier": ("核查员", "Verifier"),
    "reviewer": ("审核员", "Reviewer"),
    "analyst": ("分析人员", "Analyst"),
}
USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")
MIN_PASSWORD = 10
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=8)
LAST_SEEN_STEP = timedelta(minutes=1)       # how finely the idle time is recorded

_hasher = PasswordHasher()
# Argon2 is costly by design (64 MiB and most of a second of a core, in four
# threads): twenty people signing in at once would be eighty hashing threads
# taking both cores from the pages of those already signed in. Hashes take
# turns, one per core; the rest wait in line while pages keep running.
_HASHING = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
# Verified when the name is unknown, so a wrong name costs as long as a wrong
# password and response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

users = Table(
    "users", metadata,
    Column("username", String, primary_key=True),
    Column("display_name", String, nullable=False),
    Column("role", String, nullable=False),
    Column("password_hash", String, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created", String, nullable=False),
    Column("last_sign_in", String),
    # The unit (department, town, village) the account works for: see units.py.
    Column("unit_id", String, ForeignKey("units.unit_id"), index=True),
)

# Keyed by the name typed, known or not: throttling unknown names too keeps
# the lockout from telling an attacker which names exist.
sign_in_failures = Table(
    "sign_in_failures", metadata,
    Column("username", String, primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_failure", String, nullable=False),
    Column("locked_until", String),
)

sessions = Table(
    "sessions", metadata,
    Column("token_sha256", String, primary_key=True),
    Column("username", String, nullable=False, index=True),
    Column("created", String, nullable=False),
    Column("last_seen", String, nullable=False),
    Column("expires", String, nullable=False),
)


class AccountError(ValueError):
    """A user-management request was refused; the message says why (Chinese + English)."""


class SignInError(Exception):
    """Sign-in refused. `reason` is `bad_credentials` or `throttled`; a disabled
    account reads as bad credentials so the answer discloses nothing."""

    def __init__(self, reason: str, message: str, retry_after: datetime | None = None):
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    active: bool = True
    unit_id: str | None = None

    @property
    def role_zh(self) -> str:
        return ROLES[self.role][0]


@dataclass(frozen=True)
class Session:
    token: str          # give to the browser; never stored
    user: User
    expires: datetime


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_policy(username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符 the password needs at least {MIN_PASSWORD} characters")
    if username.lower() in password.lower():
        raise AccountError("密码不能包含用户名 the password must not contain the user name")


def add_user(engine: Engine, username: str, password: str, role: str, display_name: str | None = None,
             now: datetime | None = None, unit_id: str | None = None) -> User:
    if not USERNAME.match(username):
        raise AccountError("用户名须以小写字母开头，2–32 位小写字母、数字或 _ . - "
                           "user names are 2–32 lower-case letters, digits, _ . -, starting with a letter")
    if role not in ROLES:
        raise AccountError(f"未知角色 unknown role {role!r}; 可选 choose from {', '.join(ROLES)}")
    check_password_policy(username, password)
    user = User(username, display_name or username, role, True, unit_id)
    try:
        with engine.begin() as conn:
            if unit_id is not None:
                _check_unit(conn, unit_id)
            conn.execute(users.insert().values(
                username=username, display_name=user.display_name, role=role,
                password_hash=_hash(password), active=True, created=_iso(_now(now)), unit_id=unit_id))
    except IntegrityError as exc:
        raise AccountError(f"用户已存在 user {username!r} already exists") from exc
    return user


def get_user(engine: Engine, username: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    return User(row.username, row.display_name, row.role, row.active, row.unit_id) if row else None


def _check_unit(conn, unit_id: str) -> None:
    from reliefgraph.dashboard.units import units

    if conn.execute(select(units.c.unit_id).where(units.c.unit_id == unit_id)).first() is None:
        raise AccountError(f"没有该单位 no unit {unit_id!r}; 先创建 create it first: reliefgraph user unit-add")


def set_unit(engine: Engine, username: str, unit_id: str | None) -> None:
    """Put an account in a unit (None: in none) and end its sessions, so the
    orders it sees change from its next sign-in, not in the middle of a page."""
    with engine.begin() as conn:
        if unit_id is not None:
            _check_unit(conn, unit_id)
        res = conn.execute(update(users).where(users.c.username == username).values(unit_id=unit_id))
        if res.rowcount == 0:
            raise AccountError(f"没有该用户 no user {username!r}")
        conn.execute(delete(sessions).where(sessions.c.username == username))


def list_users(engine: Engine) -> list[dict]:
    cols = [users.c.username, users.c.display_name, users.c.role, users.c.unit_id, users.c.active, users.c.created,
            users.c.last_sign_in]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(*cols).order_by(users.c.username))]


def count_admins(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(users.c.username).where(
            users.c.role == "admin", users.c.active.is_(True))).all())


def disable_user(engine: Engine, username: str) -> None:
    """Disable an account and end its sessions at once (accounts are never
    deleted: the audit log and case history refer to them)."""
    with engine.begin() as conn:
        res = conn.execute(update(users).where(users.c.username == username).values(active=False))
        if res.rowcount == 0:
            raise AccountError(f"没有该用户 no user {username!r}")
        conn.execute(delete(sessions).where(sessions.c.username == username))


def enable_user(engine: Engine, username: str) -> None:
    """Re-enable a disabled account; it signs in again with its old password."""
    with engine.begin() as conn:
        res = conn.execute(update(users).where(users.c.username == username).values(active=True))
        if res.rowcount == 0:
            raise AccountError(f"没有该用户 no user {username!r}")


def set_role(engine: Engine, username: str, role: str) -> None:
    """Change an account's role and end its sessions, so the new role holds
    from the next sign-in; the last active administrator keeps the role."""
    if role not in ROLES:
        raise AccountError(f"未知角色 unknown role {role!r}; 可选 one of {', '.join(ROLES)}")
    with engine.begin() as conn:
        current = conn.execute(select(users.c.role, users.c.active).where(users.c.username == username)).first()
        if current is None:
            raise AccountError(f"没有该用户 no user {username!r}")
        if current.role == "admin" and role != "admin" and current.active and count_admins(engine) <= 1:
            raise AccountError("不能取消最后一个管理员 the last active administrator must stay one")
        conn.execute(update(users).where(users.c.username == username).values(role=role))
        conn.execute(delete(sessions).where(sessions.c.username == username))


def set_password(engine: Engine, username: str, password: str) -> None:
    check_password_policy(username, password)
    with engine.begin() as conn:
        res = conn.execute(update(users).where(users.c.username == username)
                           .values(password_hash=_hash(password)))
        if res.rowcount == 0:
            raise AccountError(f"没有该用户 no user {username!r}")
        conn.execute(delete(sessions).where(sessions.c.username == username))


def sign_in(engine: Engine, username: str, password: str, now: datetime | None = None) -> Session:
    now = _now(now)
    username = username.strip().lower()
    with engine.connect() as conn:
        failed = conn.execute(select(sign_in_failures).where(sign_in_failures.c.username == username)).first()
        row = conn.execute(select(users).where(users.c.username == username)).first()
    if failed and failed.locked_until and _at(failed.locked_until) > now:
        until = _at(failed.locked_until)
        raise SignInError("throttled", "连续登录失败次数过多，请稍后再试 too many failed sign-ins; "
                          f"try again after {until.astimezone():%H:%M}", retry_after=until)
    good = _verify(row.password_hash if row else _DUMMY_HASH, password)
    if not (good and row and row.active):
        _record_failure(engine, username, failed, now)
        raise SignInError("bad_credentials", "用户名或密码错误 wrong user name or password")
    token = secrets.token_urlsafe(32)
    expires = now + SESSION_LIFETIME
    values = {"last_sign_in": _iso(now)}
    if _hasher.check_needs_rehash(row.password_hash):
        # Hashed before the transaction: Argon2 takes most of a second, and
        # on SQLite every other session's write waits while one is open.
        values["password_hash"] = _hash(password)
    # One short write: the session, the time of sign-in and, only when there
    # is one, the failure count the good password clears.
    with engine.begin() as conn:
        if failed is not None:
            conn.execute(delete(sign_in_failures).where(sign_in_failures.c.username == username))
        conn.execute(sessions.insert().values(token_sha256=_digest(token), username=username,
                                              created=_iso(now), last_seen=_iso(now), expires=_iso(expires)))
        conn.execute(update(users).where(users.c.username == username).values(**values))
    return Session(token, User(row.username, row.display_name, row.role, True, row.unit_id), expires)


def _hash(password: str) -> str:
    with _HASHING:
        return _hasher.hash(password)


def _verify(stored: str, password: str) -> bool:
    try:
        with _HASHING:
            return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _record_failure(engine: Engine, username: str, failed, now: datetime) -> None:
    # A failure older than the window starts a fresh count; the lockout is
    # set by the failure that reaches the limit.
    if failed is None or _at(failed.first_failure) < now - FAILURE_WINDOW:
        failures, first = 1, now
    else:
        failures, first = failed.failures + 1, _at(failed.first_failure)
    locked = _iso(now + LOCKOUT) if failures >= MAX_FAILURES else None
    values = {"failures": failures, "first_failure": _iso(first), "locked_until": locked}
    with engine.begin() as conn:
        if failed is None:
            try:
                conn.execute(sign_in_failures.insert().values(username=username, **values))
                return
            except IntegrityError:
                pass  # another attempt raced us to the first row; count on it
        conn.execute(update(sign_in_failures).where(sign_in_failures.c.username == username).values(**values))


def session_user(engine: Engine, token: str | None, now: datetime | None = None) -> User | None:
    """The signed-in user behind a token, or None once it expired, was signed
    out, or the account was disabled. Each use extends the idle timeout."""
    if not token:
        return None
    now = _now(now)
    digest = _digest(token)
    with engine.connect() as conn:
        row = conn.execute(select(sessions, users.c.display_name, users.c.role, users.c.active, users.c.unit_id)
                           .join(users, users.c.username == sessions.c.username)
                           .where(sessions.c.token_sha256 == digest)).first()
    if row is None:
        return None
    if not row.active or _at(row.expires) <= now or _at(row.last_seen) + IDLE_TIMEOUT <= now:
        sign_out(engine, token)
        return None
    # Every click of every session comes through here: write the time of use
    # at most once a minute (the idle timeout is half an hour), not on each
    # rerun — a write transaction per click was a queue under 20 sessions.
    if now - _at(row.last_seen) >= LAST_SEEN_STEP:
        with engine.begin() as conn:
            conn.execute(update(sessions).where(sessions.c.token_sha256 == digest).values(last_seen=_iso(now)))
    return User(row.username, row.display_name, row.role, True, row.unit_id)


def sign_out(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.token_sha256 == _digest(token)))
