"""The one seam between reliefgraph and a graph database.

Everything above `graph/` talks to a `GraphStore`; which engine sits behind
it is decided by one setting (see `open_store`). Both backends return the
same plain-Python result shape, so rules, scoring and the dashboard never ask
which engine ran.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reliefgraph.graph.rows import ColumnRows

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
DEFAULT_BATCH = 10_000


class StoreError(RuntimeError):
    """A graph-store operation failed; the message says what to do next."""


class QueryTimeout(StoreError):
    """The engine stopped a read that ran past its time limit."""


class ReadOnlyViolation(StoreError):
    """The database refused a write inside a read-only query."""


@dataclass
class Result:
    """Rows of a query: `columns` names, `rows` as tuples of plain values.

    Nodes become dicts with `_id`, `_labels` and their properties;
    relationships dicts with `_id`, `_type`, `_start`, `_end`; paths
    dicts with `nodes` and `relationships`.
    """

    columns: list[str]
    rows: list[tuple]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class WriteSummary:
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    rows: int = 0
    batches: int = 0
    result: Result | None = None  # what the query RETURNed, if anything

    def add(self, other: "WriteSummary") -> "WriteSummary":
        for name in ("nodes_created", "nodes_deleted", "relationships_created",
                     "relationships_deleted", "properties_set", "rows", "batches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.result is not None:
            if self.result is None:
                self.result = Result(columns=list(other.result.columns), rows=[])
            self.result.rows.extend(other.result.rows)
        return self


class GraphStore(ABC):
    """What the rest of reliefgraph may ask of a graph database."""

    backend: str = ""
    # An engine that may restart from an older snapshot (the embedded one)
    # repeats a read after restarting it. A writer that remembers what it
    # wrote turns this off, so the restart reaches it as a StoreError.
    repeat_reads_after_restart: bool = True
    # Whether a batch can reach nodes by their internal id, `MATCH (n:L) WHERE
    # id(n) = x`, through an id seek rather than a scan. A bulk writer that
    # knows the ids skips the key index (FalkorDB: about half the engine's CPU
    # per relationship). Internal ids are only good while no node is deleted, so only a
    # writer holding the load lock may rely on them.
    seeks_node_ids: bool = False
    # Whether new nodes and relationships can be sent past the query engine
    # (FalkorDB's GRAPH.BULK: `encode_bulk`, then `create_nodes` or
    # `create_relationships`). Only for entities the writer knows are new,
    # between nodes whose ids it knows.
    bulk_creates: bool = False

    @abstractmethod
    def read(self, query: str, params: dict | None = None, *, timeout: float | None = None) -> Result:
        """Run a query the database itself executes read-only; the engine
        aborts it after `timeout` seconds when one is given (QueryTimeout)."""

    @abstractmethod
    def write(self, query: str, params: dict | None = None, *, snapshot: bool = True) -> WriteSummary:
        """Run one write query as one committed step."""

    def write_batches(self, query: str, rows: Iterable[dict], *, batch_size: int = DEFAULT_BATCH,
                      snapshot: bool = True) -> WriteSummary:
        """Run `query` (which reads `UNWIND $rows AS row`) over `rows` in batches.

        Each batch commits on its own; the snapshot is taken once, after the
        last batch, so a crash loses at most the step in flight, and an
        idempotent (MERGE) query converges when the step is re-run.
        """
        if "$rows" not in query:
            raise ValueError("a batch query must read its rows from the $rows parameter")
        total = WriteSummary()
        for batch in chunked(rows, batch_size):
            summary = self.write(query, {"rows": batch}, snapshot=False)
            summary.rows, summary.batches = len(batch), 1
            total.add(summary)
        if snapshot:
            self.snapshot()
        return total

    def write_rows(self, query: str, rows: "ColumnRows", params: dict | None = None, *,
                   batch_size: int = DEFAULT_BATCH) -> WriteSummary:
        """Run `query` (reading `UNWIND $rows AS row`) over column-wise rows, in batches.

        No snapshot: the caller snapshots once its whole step is written.
        What the query RETURNs, over all batches, is in `result`.
        """
        total = WriteSummary()
        dicts = rows.to_dicts()
        for start in range(0, len(dicts), batch_size):
            batch = dicts[start:start + batch_size]
            summary = self.write(query, {**(params or {}), "rows": batch}, snapshot=False)
            summary.rows, summary.batches = len(batch), 1
            total.add(summary)
        return total

    @abstractmethod
    def init_schema(self) -> list[str]:
        """Create the constraints and indexes the declared schema needs; idempotent.

        Returns the statements that changed something.
        """

    @abstractmethod
    def snapshot(self, wait: bool = True) -> float:
        """Make everything written so far durable; returns seconds taken.

        `wait=False` lets the engine persist in the background (the next
        snapshot, and close, wait for it)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections; the embedded engine also snapshots."""

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """Backend, location and version, for status lines and benchmarks."""

    def counts(self) -> dict[str, int]:
        nodes = self.read("MATCH (n) RETURN count(n) AS c").scalar() or 0
        rels = self.read("MATCH ()-[r]->() RETURN count(r) AS c").scalar() or 0
        return {"nodes": int(nodes), "relationships": int(rels)}

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def chunked(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    if size < 1:
        raise ValueError("batch size must be at least 1")
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def plain_param(value: Any, where: str = "$") -> Any:
    """Turn a parameter into a value both engines accept identically.

    Dates travel as ISO strings (see schema.yaml). NaN and infinities are
    refused: they have no literal form and would otherwise be silently
    stored as garbage.
    """
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"parameter {where} is {value!r}; only finite numbers can be stored")
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain_param(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_param(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "item"):  # numpy / pandas scalars
        return plain_param(value.item(), where)
    raise TypeError(f"parameter {where} has unsupported type {type(value).__name__}")


def open_store(uri: str | None = None, **options: Any) -> GraphStore:
    """Open the store a URI names.

    Nothing or a filesystem path → the embedded FalkorDB with that data
    directory; `bolt://`, `neo4j://` and their TLS variants → Neo4j.
    """
    from reliefgraph.settings import Settings

    settings = Settings.from_env()
    uri = uri or settings.graph_uri
    if uri.startswith(NEO4J_SCHEMES):
        from reliefgraph.graph.neo4j_store import Neo4jStore

        return Neo4jStore(uri, settings=settings, **options)
    if "://" in uri:
        raise StoreError(
            f"不支持的数据库地址 unsupported database URI scheme: {uri.split('://')[0]}:// "
            "— use a data directory path for the embedded engine or bolt:// / neo4j:// for Neo4j"
        )
    from reliefgraph.graph.falkordb_store import FalkorStore

    return FalkorStore(Path(uri), settings=settings, **options)
