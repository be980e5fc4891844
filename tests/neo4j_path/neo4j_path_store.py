"""Test helper: the Neo4j path, driven on the embedded engine and recorded.

No Neo4j server can run here, so what reliefgraph would send to one is
recorded from a full run whose every choice is the Neo4j store's:

- `Neo4jPathStore` reports itself as the `neo4j` backend and takes no
  FalkorDB shortcut (`seeks_node_ids=False`, `bulk_creates=False`: the
  writer the Neo4j path uses; batches go through `write` as parameters, as
  `Neo4jStore` sends them). Reads and writes are recorded, then run on the
  embedded engine, so the run behaves as on a real database. Schema set-up
  records the Neo4j DDL `Neo4jStore.init_schema` sends (graph/ddl.py) and
  creates the embedded engine's own.
- Graph algorithms on this backend go through the real `graphdatascience`
  client, which builds the Cypher it sends; `RecordingRunner` takes over
  only where that Cypher would leave for the driver, records it, and
  answers with results of the shape GDS returns. That records what is sent;
  it proves nothing about what GDS computes, which the Neo4j tests do
  (tests/queries/test_algorithms.py, tests/neo4j_path/test_neo4j_pipeline.py).
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import pandas as pd
from graphdatascience import GraphDataScience

from reliefgraph.graph import ddl
from reliefgraph.graph.gds_client import PromptRunner
from reliefgraph.graph.neo4j_store import AWAIT_INDEXES, EXISTING_SCHEMA, for_neo4j
from reliefgraph.graph.store import GraphStore, Result, WriteSummary, plain_param

GDS_VERSION = "2.13.0"
SAMPLE_ROWS = 3   # a batch's parameter keeps this many rows: enough to type it for the linter


@dataclass
class Sent:
    query: str
    parameters: dict[str, Any]
    via: str            # read | write | schema | gds
    times: int = 1


@dataclass
class Recorder:
    """Every distinct query text sent, with the parameters of its first sending."""
    sent: dict[str, Sent] = field(default_factory=dict)

    def add(self, query: str, params: dict | None, via: str) -> None:
        if query in self.sent:
            self.sent[query].times += 1
            return
        self.sent[query] = Sent(query, _sample(plain_param(dict(params or {}))), via)

    def queries(self) -> list[Sent]:
        return list(self.sent.values())


def _sample(value: Any) -> Any:
    # JSON-able and small: long lists (batches of rows, id lists) keep a few items.
    if isinstance(value, dict):
        return {k: _sample(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sample(v) for v in value[:SAMPLE_ROWS]]
    json.dumps(value)
    return value


class Neo4jPathStore(GraphStore):
    backend = "neo4j"
    seeks_node_ids = False
    bulk_creates = False

    def __init__(self, inner: GraphStore, recorder: Recorder | None = None):
        self.inner = inner
        self.schema = inner.schema
        self.database = "neo4j"
        self.recorder = recorder or Recorder()

    def read(self, query: str, params: dict | None = None, *, timeout: float | None = None) -> Result:
        self.recorder.add(for_neo4j(query), params, "read")
        return self.inner.read(query, params, timeout=timeout)

    def write(self, query: str, params: dict | None = None, *, snapshot: bool = True) -> WriteSummary:
        self.recorder.add(for_neo4j(query), params, "write")
        return self.inner.write(query, params, snapshot=snapshot)

    # write_batches and write_rows: GraphStore's, batches as `$rows` through write(), as Neo4jStore.

    def init_schema(self) -> list[str]:
        for query in EXISTING_SCHEMA:
            self.recorder.add(query, {}, "schema")
        statements = [stmt for _, stmt in ddl.neo4j_statements(self.schema)]
        for stmt in statements:
            self.recorder.add(stmt, {}, "schema")
        self.recorder.add(AWAIT_INDEXES, {}, "schema")
        self.inner.init_schema()
        return statements

    @contextmanager
    def gds(self) -> Iterator[GraphDataScience]:
        yield GraphDataScience(RecordingRunner(self.recorder), arrow=False, show_progress=False)

    def snapshot(self, wait: bool = True) -> float:
        return self.inner.snapshot(wait)

    def close(self) -> None:
        self.inner.close()

    def describe(self) -> dict[str, Any]:
        return {**self.inner.describe(), "backend": self.backend}


class RecordingRunner(PromptRunner):
    """The Neo4j store's GDS query runner (graph/gds_client.py), stopped where it would call the driver."""

    def __init__(self, recorder: Recorder):
        super().__init__(driver=None, protocol="bolt", database="neo4j", show_progress=False)
        self.recorder = recorder
        self.projected: dict[str, list[int]] = {}

    def run_cypher(self, query, query_type=None, params=None, database=None, mode=None, custom_error=True,
                   connectivity_retry_config=None) -> pd.DataFrame:
        return self._answer(query, dict(params or {}))

    def run_retryable_cypher(self, query, query_type=None, params=None, database=None, mode=None,
                             custom_error=True, connectivity_retry_config=None) -> pd.DataFrame:
        return self._answer(query, dict(params or {}))

    def close(self) -> None:
        pass

    def __del__(self) -> None:
        pass

    def _answer(self, query: str, params: dict) -> pd.DataFrame:
        self.recorder.add(query, params, "gds")
        if query.startswith("RETURN gds.version("):
            return pd.DataFrame({"gds.version()": [GDS_VERSION]})
        if "gds.graph.project(" in query and not query.startswith("CALL"):
            nodes = sorted({int(i) for edge in params.get("edges", []) for i in edge})
            self.projected[params["graph_name"]] = nodes
            return pd.DataFrame({"graph": [{
                "graphName": params["graph_name"], "nodeCount": len(nodes),
                "relationshipCount": len(params.get("edges", [])), "projectMillis": 0,
                "configuration": {}, "query": query}]})
        if query.startswith("CALL gds.graph.drop("):
            self.projected.pop(params["graph_name"], None)
            return pd.DataFrame()
        stream = re.match(r"CALL gds\.(\w+)\.stream\(", query)
        if stream:
            nodes = self.projected[params["graph_name"]]
            column = {"wcc": "componentId", "louvain": "communityId"}.get(stream.group(1), "score")
            return pd.DataFrame({"nodeId": nodes, column: [0] * len(nodes) if column.endswith("Id")
                                 else [1.0] * len(nodes)})
        raise AssertionError(f"the recording has no answer for {query!r}: add its shape here")
