"""The application database: state that is not graph facts.

SQLite by default, PostgreSQL in production (`RELIEFGRAPH_APP_DB`), through
SQLAlchemy Core. Each room declares its own tables on `metadata`; the schema
itself is made and changed by the Alembic migrations in
`reliefgraph/migrations/versions/`, never by `create_all`.

- SQLite (the default, the demo, the tests): `connect()` upgrades the file to
  the newest version when it opens it, one process at a time.
- PostgreSQL (production): `connect()` refuses a database that is not at the
  newest version and says to run `reliefgraph db migrate`: a shared
  production schema changes when its operator decides, after a backup.

A database made before the migrations existed (tables created directly, no
`alembic_version`) is recognised, stamped with the first version and then
upgraded; no row is touched.
"""
from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect, text
from sqlalchemy.pool import NullPool

from reliefgraph.settings import Settings

metadata = MetaData()

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASELINE = "0001"  # the schema as `create_all` made it before migrations existed
_PG_LOCK_KEY = 0x7265_6c69  # pg_advisory_xact_lock key: one migrator at a time
# Alembic runs migrations through module-level state: one at a time per process.
_MIGRATING = threading.Lock()


class AppDbError(RuntimeError):
    """The application database cannot be used as it is; the message says why and what to do."""


def connect(url: str | None = None) -> Engine:
    """An engine on the application database, its schema at the newest version."""
    engine = open_engine(url)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            current = current_version(conn)
        if current != head_version():
            migrate(engine)
    else:
        require_newest(engine)
    return engine


def open_engine(url: str | None = None) -> Engine:
    """An engine on the application database, its schema as it is."""
    url = normalise_url(url or Settings.from_env().app_db)
    if _sqlite_file(url):
        _owner_only(_sqlite_file(url))
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    register_tables()
    return engine


def normalise_url(url: str) -> str:
    # psycopg 3 is the driver shipped; a plain postgresql:// URL means it.
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Upgrade the schema to the newest version; (version before, version after).

    Idempotent, and safe when several processes start at once: SQLite takes
    its write lock first, PostgreSQL an advisory lock, and whoever comes
    second finds the work done."""
    from alembic import command

    # An in-memory SQLite database exists only in its engine's one connection.
    on_file = engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
    locked = _sqlite_exclusive(engine) if on_file else engine
    try:
        with _MIGRATING, locked.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            cfg = alembic_config(conn)
            before = current_version(conn)
            if before is None and _has_app_tables(conn):
                command.stamp(cfg, BASELINE)
            command.upgrade(cfg, "head")
            return before, current_version(conn)
    finally:
        if locked is not engine:
            locked.dispose()


def require_newest(engine: Engine) -> None:
    with engine.connect() as conn:
        current = current_version(conn)
    if current != head_version():
        where = engine.url.render_as_string(hide_password=True)
        raise AppDbError(
            f"应用数据库 {where} 的结构版本为 {current or '无 (未初始化或迁移前的库)'}，"
            f"需要 {head_version()}：请先备份，再运行 `reliefgraph db migrate`。"
            f" (application database at version {current or 'none'}, needs {head_version()}: "
            "back it up, then run `reliefgraph db migrate`)")


def current_version(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


@functools.cache
def head_version() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def alembic_config(conn: Connection | None = None):
    """Alembic's configuration, built here so that no alembic.ini has to be found."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def register_tables() -> None:
    # Importing a room's module registers its tables on `metadata`.
    import reliefgraph.dashboard.accounts  # noqa: F401
    import reliefgraph.dashboard.audit  # noqa: F401
    import reliefgraph.dashboard.cases  # noqa: F401
    import reliefgraph.dashboard.orders  # noqa: F401
    import reliefgraph.dashboard.units  # noqa: F401
    import reliefgraph.loaders.resolution  # noqa: F401
    import reliefgraph.queries.clues  # noqa: F401
    import reliefgraph.reports.numbering  # noqa: F401


def _has_app_tables(conn: Connection) -> bool:
    return bool(set(inspect(conn).get_table_names()) & set(metadata.tables))


def _sqlite_file(url: str) -> Path | None:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///"):]).expanduser()
    return None


def _sqlite_exclusive(engine: Engine) -> Engine:
    # pysqlite does not begin a transaction before DDL; this engine does, with
    # the write lock taken up front, so check-then-upgrade is one step.
    locked = create_engine(engine.url, poolclass=NullPool)
    event.listen(locked, "connect", _sqlite_pragmas)
    event.listen(locked, "connect", lambda dbapi_conn, _record: setattr(dbapi_conn, "isolation_level", None))
    event.listen(locked, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    return locked


def _owner_only(db: Path) -> None:
    # Password hashes, the audit log and resolution decisions live here:
    # readable by the owner only. SQLite gives its -wal and -shm files the
    # database file's mode, so creating that one 0600 covers all three.
    db.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(db, os.O_CREAT | os.O_RDWR, 0o600))
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        try:
            if path.exists() and path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
        except PermissionError:  # another user's file: SQLite will say so if it matters
            pass


# How long a SQLite writer waits for another's write lock before "database
# is locked". Write transactions here last milliseconds; the wait is a queue
# of them (20 sessions signing in at once on a loaded machine), not one long
# holder, so the limit is generous.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # First, so that even switching the journal mode waits for a lock rather than failing.
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # WAL lets the dashboard read while a load, a detection run or another
    # session writes. Set once per file (it persists); asking again is a read.
    if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit
    # holds the write lock for microseconds instead of an fsync, and the file
    # cannot be corrupted; only a power cut may lose the last commits.
    cur.execute("PRAGMA synchronous=NORMAL")
    # PostgreSQL enforces the declared foreign keys; SQLite only when asked,
    # and a difference there would let a bug pass the SQLite tests.
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
