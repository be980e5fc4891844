"""Schema versions of the application database (Alembic).

`reliefgraph db migrate` upgrades a database to the newest version; SQLite
databases (the default and the demo) are upgraded when opened. A schema change
is a new file in versions/: `alembic -c <cfg> revision --autogenerate` with the
config from `reliefgraph.appdb.alembic_config()`, then read and edit it.
"""
