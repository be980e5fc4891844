"""GraphStore on Neo4j 5 (production), through the official driver.

Graph algorithms reach the Graph Data Science library through `gds()`, the
`graphdatascience` client on this store's driver and database.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator
from urllib.parse import urlsplit, urlunsplit

from reliefgraph.graph import ddl
from reliefgraph.graph.schema import Schema, load_schema
from reliefgraph.graph.store import (GraphStore, QueryTimeout, ReadOnlyViolation, Result, StoreError,
                                     WriteSummary, plain_param)

# What init_schema asks before and after sending the declared DDL
# (graph/ddl.py); the recorded Neo4j path lints them with the rest.
EXISTING_SCHEMA = ("SHOW CONSTRAINTS YIELD name", "SHOW INDEXES YIELD name")
AWAIT_INDEXES = "CALL db.awaitIndexes(600)"

# FalkorDB imports a subquery's variables with a leading WITH only; Neo4j 5.26
# deprecates that form for the scope clause CALL (a, b) { ... }, which FalkorDB
# cannot parse. Queries are written for both, in FalkorDB's form, and rewritten here.
_IMPORTING_WITH = re.compile(r"\bCALL\s*\{\s*WITH\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+"
                             r"(?=(?:OPTIONAL\s+)?MATCH\b|UNWIND\b|RETURN\b|CALL\b|WITH\b)", re.I)


def for_neo4j(query: str) -> str:
    """The query as Neo4j 5 wants it: importing subqueries with a scope clause."""
    return _IMPORTING_WITH.sub(lambda m: f"CALL ({', '.join(v.strip() for v in m.group(1).split(','))}) {{ ", query)


class Neo4jStore(GraphStore):
    backend = "neo4j"

    def __init__(self, uri: str, *, settings=None, schema: Schema | None = None, verify: bool = True,
                 **_: Any):
        import neo4j

        from reliefgraph.settings import Settings

        settings = settings or Settings.from_env()
        self.uri = uri
        self.location = public_location(uri)
        self.database = settings.neo4j_database
        self.schema = schema or load_schema()
        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
        self._neo4j = neo4j
        with self.unreachable():
            self.driver = neo4j.GraphDatabase.driver(uri, auth=auth)
        if verify:
            try:
                with self.unreachable():
                    self.driver.verify_connectivity()
            except StoreError:
                self.driver.close()
                raise

    @contextmanager
    def unreachable(self) -> Iterator[None]:
        """Turn a lost or refused connection into a StoreError that says where and what to check."""
        exc_types = self._neo4j.exceptions
        try:
            yield
        except exc_types.AuthError as exc:
            raise StoreError(
                f"Neo4j 拒绝登录 Neo4j at {self.location} refused the credentials ({exc.code or 'auth'}): "
                "检查 NEO4J_USER 和 NEO4J_PASSWORD check NEO4J_USER and NEO4J_PASSWORD") from None
        except (exc_types.ServiceUnavailable, exc_types.SessionExpired) as exc:
            raise StoreError(
                f"无法连接 Neo4j（{self.location}）：服务不可用或连接中断 "
                f"Neo4j at {self.location} is unreachable or dropped the connection "
                f"({type(exc).__name__}); check that it is running and RELIEFGRAPH_URI, then run the "
                "command again (loads are idempotent)") from None
        except exc_types.ConfigurationError as exc:
            # The driver's own message repeats the URI, password included.
            raise StoreError(
                f"Neo4j 地址或设置无效 the Neo4j address {self.location} or its settings are not accepted "
                f"({type(exc).__name__}): 用户名和密码放在 NEO4J_USER / NEO4J_PASSWORD，不要写进 "
                "RELIEFGRAPH_URI put the user and password in NEO4J_USER / NEO4J_PASSWORD, not in the URI"
            ) from None
        except exc_types.DriverError as exc:
            raise StoreError(
                f"Neo4j 驱动错误 the Neo4j driver failed talking to {self.location} "
                f"({type(exc).__name__}); check RELIEFGRAPH_URI") from None

    def _session(self, read: bool):
        mode = self._neo4j.READ_ACCESS if read else self._neo4j.WRITE_ACCESS
        return self.driver.session(database=self.database, default_access_mode=mode)

    def read(self, query: str, params: dict | None = None, *, timeout: float | None = None) -> Result:
        params, query = plain_param(params or {}), for_neo4j(query)

        @self._neo4j.unit_of_work(timeout=timeout)
        def work(tx):
            res = tx.run(query, params)
            return list(res.keys()), [tuple(_plain(v) for v in rec.values()) for rec in res]

        try:
            with self.unreachable(), self._session(read=True) as session:
                # A read transaction: Neo4j itself refuses writes in READ access mode.
                columns, rows = session.execute_read(work)
        except self._neo4j.exceptions.ClientError as exc:
            if "AccessMode" in (exc.code or "") or "read access mode" in str(exc):
                raise ReadOnlyViolation(
                    "只读查询中不允许写操作 the database refused a write in a read-only query"
                ) from exc
            if "TransactionTimedOut" in (exc.code or ""):
                raise QueryTimeout(f"查询超时 the query ran past {timeout:g} s and was stopped") from exc
            raise StoreError(f"查询失败 query failed: {exc.message}") from exc
        except self._neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"查询失败 query failed: {exc.message}") from exc
        return Result(columns=columns, rows=rows)

    def write(self, query: str, params: dict | None = None, *, snapshot: bool = True) -> WriteSummary:
        params, query = plain_param(params or {}), for_neo4j(query)

        def work(tx):
            res = tx.run(query, params)
            columns = list(res.keys())
            rows = [tuple(_plain(v) for v in rec.values()) for rec in res]
            return columns, rows, res.consume().counters

        try:
            with self.unreachable(), self._session(read=False) as session:
                columns, rows, c = session.execute_write(work)
        except self._neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"写入失败 write failed: {exc.message}") from exc
        return WriteSummary(nodes_created=c.nodes_created, nodes_deleted=c.nodes_deleted,
                            relationships_created=c.relationships_created,
                            relationships_deleted=c.relationships_deleted,
                            properties_set=c.properties_set,
                            result=Result(columns, rows) if columns else None)

    def init_schema(self) -> list[str]:
        with self.unreachable():
            before = self._existing_names()
            applied = []
            for name, stmt in ddl.neo4j_statements(self.schema):
                if name in before:
                    continue
                with self._session(read=False) as session:
                    session.run(stmt).consume()
                applied.append(stmt)
            with self._session(read=False) as session:
                session.run(AWAIT_INDEXES).consume()
        return applied

    def _existing_names(self) -> set[str]:
        names: set[str] = set()
        with self._session(read=True) as session:
            for query in EXISTING_SCHEMA:
                names |= {r["name"] for r in session.run(query)}
        return names

    @contextmanager
    def gds(self) -> Iterator[Any]:
        """The Graph Data Science client on this store's connection (graph/gds_client.py);
        a connection lost while it is in use is a StoreError like any other."""
        from reliefgraph.graph import gds_client

        try:
            with self.unreachable():
                yield gds_client.client(self.driver, self.database)
        except gds_client.GdsNotFound:
            raise StoreError(f"Neo4j（{self.location}）未安装图数据科学插件 the Graph Data Science plugin "
                             "is not installed on this Neo4j: graph algorithms need it") from None
        except gds_client.UnableToConnectError as exc:
            raise StoreError(
                f"无法连接 Neo4j（{self.location}）：图算法中断 Neo4j at {self.location} became unreachable "
                f"during a graph algorithm ({type(exc.__cause__ or exc).__name__}); run the command again"
            ) from None

    def snapshot(self, wait: bool = True) -> float:
        # Neo4j makes every committed transaction durable itself.
        return 0.0

    def close(self) -> None:
        self.driver.close()

    def describe(self) -> dict[str, Any]:
        with self.unreachable():
            info = self.driver.get_server_info()
        return {"backend": self.backend, "location": self.location, "graph": self.database,
                "version": info.agent}


def public_location(uri: str) -> str:
    """`uri` without user name or password, fit for messages and logs."""
    parts = urlsplit(uri)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _plain(value: Any) -> Any:
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"_id": value.element_id, "_labels": sorted(value.labels), **dict(value)}
    if isinstance(value, Relationship):
        return {"_id": value.element_id, "_type": value.type,
                "_start": value.start_node.element_id, "_end": value.end_node.element_id,
                **dict(value)}
    if isinstance(value, Path):
        return {"nodes": [_plain(n) for n in value.nodes],
                "relationships": [_plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    return value
