"""Alembic environment: runs on the connection `reliefgraph.appdb` hands it."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from reliefgraph.appdb import metadata, register_tables

register_tables()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: later migrations rebuild the table.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `reliefgraph db migrate`")

_connection = context.config.attributes.get("connection")
if _connection is not None:
    _run(_connection)
else:
    with create_engine(context.config.get_main_option("sqlalchemy.url")).connect() as _conn:
        _run(_conn)
