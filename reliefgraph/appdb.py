"""The application database: state that is not graph facts.

SQLite by default, PostgreSQL in production (`RELIEFGRAPH_APP_DB`), through
SQLAlchemy Core. Each room declares its own tables on `metadata`; `connect()`
creates whatever is missing.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event

from reliefgraph.settings import Settings

metadata = MetaData()


def connect(url: str | None = None) -> Engine:
    url = url or Settings.from_env().app_db
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///"):]).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    _import_table_modules()
    metadata.create_all(engine)
    return engine


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
