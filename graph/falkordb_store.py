"""GraphStore on the embedded FalkorDB (the default backend)."""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FPath

from reliefgraph.graph import ddl, falkordb_bulk
from reliefgraph.graph.embedded import EmbeddedServer, EmbeddedServerError, no_retry
from reliefgraph.graph.falkordb_params import column_literal, params_header, rows_content, rows_literals
from reliefgraph.graph.rows import ColumnRows
from reliefgraph.graph.schema import Schema, load_schema
from reliefgraph.graph.store import GraphStore, QueryTimeout, ReadOnlyViolation, Result, StoreError, WriteSummary

log = logging.getLogger(__name__)

_RO_REFUSAL = "to be executed only on read-only queries"


class FalkorStore(GraphStore):
    backend = "falkordb"
    seeks_node_ids = True  # `WITH row.x AS x MATCH (n:L) WHERE id(n) = x`: Node By Label and ID Scan
    bulk_creates = True    # create_nodes / create_relationships by GRAPH.BULK

    def __init__(self, data_dir: Path, *, settings=None, graph_name: str | None = None,
                 schema: Schema | None = None, autostart: bool = True):
        from reliefgraph.settings import Settings

        settings = settings or Settings.from_env()
        self.graph_name = graph_name or settings.graph_name
        self.schema = schema or load_schema()
        self.server = EmbeddedServer(data_dir, start_timeout=settings.start_timeout,
                                     hang_timeout=settings.hang_timeout)
        self.started_server = False
        if autostart:
            self.started_server = self.server.ensure_running()
        self._connect()

    def _connect(self) -> None:
        for attempt in (1, 2):
            self.db = FalkorDB(unix_socket_path=str(self.server.socket), retry=no_retry())
            self.graph = self.db.select_graph(self.graph_name)
            try:
                with self.server.watched():
                    if not self.db.connection.exists(self.graph_name):
                        # A read on a missing graph key is an error in FalkorDB; an
                        # empty graph must read as empty, so create the key up front.
                        self.graph.query("RETURN 1")
                return
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                # Died or hung (and was killed) before we were in: nothing of
                # ours was lost, so restart it once and connect again.
                if attempt == 2:
                    raise StoreError(f"嵌入式数据库无法连接 cannot reach the embedded engine: {exc}") from exc
                log.warning("embedded engine lost while connecting (%s); restarting", type(exc).__name__)
                self._restart_engine()

    def _restart_engine(self) -> None:
        try:
            self.server.ensure_running()
        except EmbeddedServerError as exc:
            raise StoreError(str(exc)) from exc

    # -- queries ----------------------------------------------------------
    def read(self, query: str, params: dict | None = None, *, timeout: float | None = None) -> Result:
        text = params_header(params) + query
        ms = max(1, int(timeout * 1000)) if timeout else None
        try:
            res = self._run(lambda: self.graph.ro_query(text, timeout=ms), retry=self.repeat_reads_after_restart)
        except redis.ResponseError as exc:
            if _RO_REFUSAL in str(exc):
                raise ReadOnlyViolation(
                    "只读查询中不允许写操作 the database refused a write in a read-only query"
                ) from exc
            if "timed out" in str(exc).lower():
                raise QueryTimeout(f"查询超时 the query ran past {timeout:g} s and was stopped") from exc
            raise StoreError(f"查询失败 query failed: {exc}") from exc
        return _result(res)

    def write(self, query: str, params: dict | None = None, *, snapshot: bool = True) -> WriteSummary:
        text = params_header(params) + query
        try:
            res = self._run(lambda: self.graph.query(text), retry=False)
        except redis.ResponseError as exc:
            raise StoreError(f"写入失败 write failed: {exc}") from exc
        summary = WriteSummary(
            nodes_created=int(res.nodes_created), nodes_deleted=int(res.nodes_deleted),
            relationships_created=int(res.relationships_created),
            relationships_deleted=int(res.relationships_deleted),
            properties_set=int(res.properties_set),
            result=_result(res) if res.header else None,
        )
        if snapshot:
            self.snapshot()
        return summary

    def write_rows(self, query: str, rows: ColumnRows, params: dict | None = None, *,
                   batch_size: int = 10_000) -> WriteSummary:
        # Literals are built column-wise (see graph/rows.py); per-row Python
        # dicts cost more than the engine's own work on bulk loads.
        literals = rows_literals(rows.i, rows_content(rows.maps, rows.keep_null, rows.i.index))
        rest = params_header(params)[len("CYPHER "):]
        total = WriteSummary()
        for start in range(0, len(literals), batch_size):
            part = literals.iloc[start:start + batch_size].tolist()
            text = "CYPHER `rows`=[" + ",".join(part) + "] " + rest + query
            try:
                res = self._run(lambda: self.graph.query(text), retry=False)
            except redis.ResponseError as exc:
                raise StoreError(f"写入失败 write failed: {exc}") from exc
            total.add(WriteSummary(
                nodes_created=int(res.nodes_created), relationships_created=int(res.relationships_created),
                properties_set=int(res.properties_set), rows=len(part), batches=1,
                result=_result(res) if res.header else None))
        return total

    # -- bulk creates (see graph/falkordb_bulk.py) ------------------------------
    def encode_bulk(self, name: str, props: dict[str, Any], count: int) -> falkordb_bulk.Encoded:
        """Nodes of label `name`, or relationships of type `name`, ready for
        create_nodes / create_relationships (encoding is most of the client's
        work, so it can be done outside the thread that sends)."""
        return falkordb_bulk.encode(name, props, count)

    def create_nodes(self, nodes: falkordb_bulk.Encoded, keys: pd.Series,
                     batch_size: int = 50_000) -> np.ndarray | None:
        """Create the encoded nodes by bulk insert and return their ids in row
        order — or None if the engine did not put them where expected; the
        nodes are written either way. Nothing is checked: each of `keys` (the
        label's key values, row by row) must be new."""
        ids = []
        for start in range(0, len(nodes), batch_size):
            got = self._create_node_batch(nodes.slice(start, batch_size), keys.iloc[start:start + batch_size])
            if got is None:
                return None
            ids.append(got)
        return np.concatenate(ids) if ids else np.empty(0, dtype=np.int64)

    def _create_node_batch(self, nodes: falkordb_bulk.Encoded, keys: pd.Series) -> np.ndarray | None:
        count = len(nodes)
        stream = falkordb_bulk.node_stream(nodes)

        def call():
            # One transaction: no other client's node can take an id between
            # the count and the insert.
            tx = self.db.connection.pipeline(transaction=True)
            tx.execute_command("GRAPH.QUERY", self.graph_name, "MATCH (n) RETURN count(n)")
            tx.execute_command("GRAPH.BULK", self.graph_name, count, 0, 1, 0, stream)
            return tx.execute()

        before, _ = self._bulk(call)
        base = int(before[1][0][0])
        # A new node takes the next id after the last, unless a deleted node
        # left a free slot: then it takes that, in an order the writer cannot
        # know. So check, by key, that every node is where it was expected.
        literal = "[" + ",".join(column_literal(keys.reset_index(drop=True)).tolist()) + "]"
        check = (f"CYPHER `lo`={base} `hi`={base + count} `keys`={literal} "
                 f"MATCH (n:{nodes.name}) WHERE id(n) >= $lo AND id(n) < $hi "
                 f"AND n.{self.schema.node(nodes.name).key} = $keys[id(n) - $lo] RETURN count(n)")
        placed = self._run(lambda: self.graph.ro_query(check), retry=False).result_set[0][0]
        if placed != count:
            log.warning("bulk-created %s nodes not at the expected ids (%d of %d); ids left unknown",
                        nodes.name, placed, count)
            return None
        return np.arange(base, base + count, dtype=np.int64)

    def create_relationships(self, rels: falkordb_bulk.Encoded, src: np.ndarray, dst: np.ndarray,
                             batch_size: int = 100_000) -> int:
        """Create the encoded relationships by bulk insert, row i from node id
        `src[i]` to `dst[i]`. The ids must be those of live nodes: the engine
        does not check them."""
        for start in range(0, len(rels), batch_size):
            end = start + batch_size
            stream = falkordb_bulk.relationship_stream(rels.slice(start, batch_size), src[start:end], dst[start:end])
            count = len(src[start:end])
            self._bulk(lambda: self.db.connection.execute_command(
                "GRAPH.BULK", self.graph_name, 0, count, 0, 1, stream))
        return len(rels)

    def _bulk(self, call):
        try:
            return self._run(call, retry=False)
        except redis.ResponseError as exc:
            # FalkorDB cleans up after a bulk insert it refuses by deleting
            # the whole graph. A snapshot now would make that durable, so
            # handle it as a crash: restart from the last snapshot.
            self.server.kill(f"it refused a bulk insert ({exc}) and dropped the graph from memory")
            self._restart_engine()
            self._connect()
            raise StoreError(
                "批量写入被拒绝，数据库已从上次快照重启，本步骤未提交，请重新运行该命令 the engine refused a "
                f"bulk insert ({exc}) and was restarted from its last snapshot; this step was not "
                "committed — run the command again") from exc

    def _run(self, call, *, retry: bool):
        try:
            with self.server.watched():
                return call()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            # The server died under us (crash, kill -9, OOM). Restart it from
            # the last snapshot; a read is safe to repeat, a write is not
            # known to have committed, so its step must be re-run by the caller.
            log.warning("embedded engine connection lost (%s); restarting", type(exc).__name__)
            self._restart_engine()
            self._connect()
            if retry:
                with self.server.watched():
                    return call()
            raise StoreError(
                "嵌入式数据库曾中断并已从上次快照重启，本步骤未提交，请重新运行该命令 "
                "the embedded engine restarted from its last snapshot; this step was not "
                "committed — run the command again (loads are idempotent)"
            ) from exc

    # -- schema & durability -------------------------------------------------
    def init_schema(self) -> list[str]:
        existing = self._existing_indexes()
        constraints = self._existing_constraints()
        applied: list[str] = []
        for spec in ddl.index_specs(self.schema):
            if (spec.label, spec.prop) not in existing:
                stmt = ddl.falkordb_index_statement(spec)
                self._run(lambda: self.graph.query(stmt), retry=False)
                applied.append(stmt)
            if spec.unique and (spec.label, spec.prop) not in constraints:
                cmd = ddl.falkordb_constraint_command(self.graph_name, spec)
                self._run(lambda: self.db.connection.execute_command(*cmd), retry=False)
                applied.append(" ".join(cmd))
        self._wait_constraints()
        self.snapshot()
        return applied

    def _existing_indexes(self) -> set[tuple[str, str]]:
        rows = self.read("CALL db.indexes() YIELD label, properties, types RETURN label, properties, types")
        found = set()
        for label, props, types in rows.rows:
            for prop in props:
                if "RANGE" in (types.get(prop) or []):
                    found.add((label, prop))
        return found

    def _existing_constraints(self) -> set[tuple[str, str]]:
        rows = self.read("CALL db.constraints() YIELD type, label, properties RETURN type, label, properties")
        return {(label, props[0]) for ctype, label, props in rows.rows
                if ctype == "UNIQUE" and len(props) == 1}

    def _wait_constraints(self, timeout: float = 600.0) -> None:
        # FalkorDB builds constraints asynchronously; a load must not start
        # before they are enforced.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.read("CALL db.constraints() YIELD label, properties, status "
                             "RETURN label, properties, status").rows
            failed = [r for r in rows if r[2] == "FAILED"]
            if failed:
                raise StoreError(f"唯一约束创建失败 unique constraint failed (duplicate keys?): {failed}")
            if all(r[2] == "OPERATIONAL" for r in rows):
                return
            time.sleep(0.1)
        raise StoreError("unique constraints still pending after 600 s")

    def snapshot(self, wait: bool = True) -> float:
        try:
            return self.server.snapshot(wait)
        except EmbeddedServerError as exc:
            raise StoreError(str(exc)) from exc
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise StoreError("快照失败：嵌入式数据库不可达 snapshot failed: engine unreachable") from exc

    def close(self) -> None:
        try:
            if self.server.ping():
                self.snapshot()
        finally:
            try:
                self.db.connection.close()
            except Exception:  # closing a dead connection must not mask the real error
                pass

    def describe(self) -> dict[str, Any]:
        st = self.server.status()
        return {"backend": self.backend, "location": str(self.server.data_dir),
                "graph": self.graph_name, "version": st.version, "pid": st.pid}

    def explain(self, query: str, params: dict | None = None) -> str:
        text = params_header(params) + query
        return "\n".join(self._run(lambda: self.graph.explain(text), retry=True).plan)

    def profile(self, query: str, params: dict | None = None) -> str:
        """The engine's plan with records produced and milliseconds per operation."""
        text = params_header(params) + query
        return "\n".join(self._run(lambda: self.graph.profile(text), retry=False).plan)


def _result(res) -> Result:
    columns = [h[1] if isinstance(h, (list, tuple)) else str(h) for h in (res.header or [])]
    rows = [tuple(_plain(v) for v in row) for row in (res.result_set or [])]
    return Result(columns=columns, rows=rows)


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return {"_id": value.id, "_labels": list(value.labels or []), **(value.properties or {})}
    if isinstance(value, Edge):
        return {"_id": value.id, "_type": value.relation,
                "_start": _node_id(value.src_node), "_end": _node_id(value.dest_node),
                **(value.properties or {})}
    if isinstance(value, FPath):
        return {"nodes": [_plain(n) for n in value.nodes()],
                "relationships": [_plain(e) for e in value.edges()]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _node_id(ref: Any) -> Any:
    return ref.id if isinstance(ref, Node) else ref
