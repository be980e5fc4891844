"""The application database: state that is not graph facts.

SQLite by default, PostgreSQL in production (`RELIEFGRAPH_APP_DB`), through
SQLAlchemy Core. Each room declares its own tables on `metadata`; `connect()`
creates whatever is missing.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event

from reliefgraph.settings import Settings

metadata = MetaData()


def connect(url: str | None = None) -> Engine:
    url = url or Settings.from_env().app_db
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        _owner_only(Path(url[len("sqlite:///"):]).expanduser())
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    _import_table_modules()
    metadata.create_all(engine)
    return engine


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


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets the dashboard read while a load or detection run writes.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _import_table_modules() -> None:
    # Importing a room's module registers its tables on `metadata`.
    import reliefgraph.dashboard.accounts  # noqa: F401
    import reliefgraph.dashboard.audit  # noqa: F401
    import reliefgraph.dashboard.cases  # noqa: F401
    import reliefgraph.loaders.resolution  # noqa: F401
    import reliefgraph.queries.clues  # noqa: F401
