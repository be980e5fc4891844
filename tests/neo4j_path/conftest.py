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

from neo4j_path_run import MONTHS, full_run
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
def months(tmp_path_factory) -> list[tuple[Path, str]]:
    """Two months of one generated county: (extracts folder, as-of date)."""
    out = []
    for month, as_of in MONTHS:
        folder = tmp_path_factory.mktemp(f"npcounty_m{month}")
        generate(persons=PERSONS, seed=SEED, out=folder, month=month)
        out.append((folder, as_of))
    return out


@pytest.fixture(scope="session")
def recorded(tmp_path_factory, months) -> Recorded:
    base = tmp_path_factory.mktemp("np")
    engine = connect(f"sqlite:///{base / 'app.db'}")
    store = Neo4jPathStore(open_store(str(base / "graph")))
    try:
        started = time.perf_counter()
        exercised = full_run(store, engine, months, base / "rejects")
        seconds = time.perf_counter() - started
        found = sorted(c["clue_id"] for c in clues.list_clues(engine))
        yield Recorded(store.recorder, store, seconds, exercised, found)
    finally:
        store.close()
        engine.dispose()
        EmbeddedServer(base / "graph").stop()
