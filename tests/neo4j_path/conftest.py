"""A generated county run end to end on the Neo4j path (see neo4j_path_store.py):
load with the Neo4j-path writer, detect, summary, reports, dashboard queries
and algorithms, every query recorded. Once per session."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "loaders"))   # graph_fingerprint

from neo4j_path_run import AS_OF, full_run
from neo4j_path_store import Neo4jPathStore, Recorder
from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.queries import clues
from reliefgraph.synthetic.generator import generate

PERSONS = 3_000
SEED = 2


@dataclass
class Recorded:
    recorder: Recorder
    store: Neo4jPathStore
    seconds: float
    exercised: dict[str, int]
    clue_ids: list[str]


@pytest.fixture(scope="session")
def county(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("npcounty")
    generate(persons=PERSONS, seed=SEED, out=out, month=1)
    return out


@pytest.fixture(scope="session")
def recorded(tmp_path_factory, county) -> Recorded:
    base = tmp_path_factory.mktemp("np")
    engine = connect(f"sqlite:///{base / 'app.db'}")
    store = Neo4jPathStore(open_store(str(base / "graph")))
    try:
        started = time.perf_counter()
        exercised = full_run(store, engine, county, base / "rejects", AS_OF)
        seconds = time.perf_counter() - started
        found = sorted(c["clue_id"] for c in clues.list_clues(engine))
        yield Recorded(store.recorder, store, seconds, exercised, found)
    finally:
        store.close()
        engine.dispose()
        EmbeddedServer(base / "graph").stop()
