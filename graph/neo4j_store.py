"""GraphStore on Neo4j 5 (production), through the official driver."""
from __future__ import annotations

from typing import Any

from reliefgraph.graph import ddl
from reliefgraph.graph.schema import Schema, load_schema
from reliefgraph.graph.store import (GraphStore, QueryTimeout, ReadOnlyViolation, Result, StoreError,
                                     WriteSummary, plain_param)


class Neo4jStore(GraphStore):
    backend = "neo4j"

    def __init__(self, uri: str, *, settings=None, schema: Schema | None = None, **_: Any):
        import neo4j

        from reliefgraph.settings import Settings

        settings = settings or Settings.from_env()
        self.uri = uri
        self.database = settings.neo4j_database
        self.schema = schema or load_schema()
        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
        self._neo4j = neo4j
        self.driver = neo4j.GraphDatabase.driver(uri, auth=auth)
        try:
            self.driver.verify_connectivity()
        except Exception as exc:
            self.driver.close()
            raise StoreError(
                f"无法连接 Neo4j cannot reach Neo4j at {uri}: {exc}. "
                "Check RELIEFGRAPH_URI, NEO4J_USER and NEO4J_PASSWORD"
            ) from exc

    def _session(self, read: bool):
        mode = self._neo4j.READ_ACCESS if read else self._neo4j.WRITE_ACCESS
        return self.driver.session(database=self.database, default_access_mode=mode)

    def read(self, query: str, params: dict | None = None, *, timeout: float | None = None) -> Result:
        params = plain_param(params or {})

        @self._neo4j.unit_of_work(timeout=timeout)
        def work(tx):
            res = tx.run(query, params)
            return list(res.keys()), [tuple(_plain(v) for v in rec.values()) for rec in res]

        try:
            with self._session(read=True) as session:
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
        return Result(columns=columns, rows=rows)

    def write(self, query: str, params: dict | None = None, *, snapshot: bool = True) -> WriteSummary:
        params = plain_param(params or {})

        def work(tx):
            res = tx.run(query, params)
            columns = list(res.keys())
            rows = [tuple(_plain(v) for v in rec.values()) for rec in res]
            return columns, rows, res.consume().counters

        try:
            with self._session(read=False) as session:
                columns, rows, c = session.execute_write(work)
        except self._neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"写入失败 write failed: {exc.message}") from exc
        return WriteSummary(nodes_created=c.nodes_created, nodes_deleted=c.nodes_deleted,
                            relationships_created=c.relationships_created,
                            relationships_deleted=c.relationships_deleted,
                            properties_set=c.properties_set,
                            result=Result(columns, rows) if columns else None)

    def init_schema(self) -> list[str]:
        before = self._existing_names()
        applied = []
        for name, stmt in ddl.neo4j_statements(self.schema):
            if name in before:
                continue
            with self._session(read=False) as session:
                session.run(stmt).consume()
            applied.append(stmt)
        with self._session(read=False) as session:
            session.run("CALL db.awaitIndexes(600)").consume()
        return applied

    def _existing_names(self) -> set[str]:
        with self._session(read=True) as session:
            names = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
            names |= {r["name"] for r in session.run("SHOW INDEXES YIELD name")}
        return names

    def snapshot(self, wait: bool = True) -> float:
        # Neo4j makes every committed transaction durable itself.
        return 0.0

    def close(self) -> None:
        self.driver.close()

    def describe(self) -> dict[str, Any]:
        info = self.driver.get_server_info()
        return {"backend": self.backend, "location": self.uri, "graph": self.database,
                "version": info.agent}


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
