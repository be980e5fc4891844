"""A generated county run end to end on the Neo4j path (see neo4j_path_store.py):
load with the Neo4j-path writer, detect, summary, reports, dashboard queries
and algorithms, every query recorded. Once per session."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "loaders"))   # graph_fingerprint

from neo4j_path_store import Neo4jPathStore, Recorder
from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import GraphStore, open_store
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.synthetic.generator import generate

AS_OF = "2026-10-31"
PERSONS = 3_000
SEED = 2


@dataclass
class Recorded:
    recorder: Recorder
    store: Neo4jPathStore
    seconds: float
    exercised: dict[str, int]


def load_county(store: GraphStore, engine, county: Path, rejects: Path) -> None:
    store.init_schema()
    loader = Loader(store, engine, rejects, as_of=date.fromisoformat(AS_OF), chunk_rows=1_000)
    pairs, _ = plan(county, load_mappings())
    reports = [loader.load_file(path, mapping) for path, mapping in pairs]
    assert reports and all(r.status == "loaded" for r in reports), [(r.file, r.error) for r in reports]


@pytest.fixture(scope="session")
def county(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("npcounty")
    generate(persons=PERSONS, seed=SEED, out=out, month=1)
    return out


@pytest.fixture(scope="session")
def recorded(tmp_path_factory, county) -> Recorded:
    from full_run import full_run

    base = tmp_path_factory.mktemp("np")
    engine = connect(f"sqlite:///{base / 'app.db'}")
    store = Neo4jPathStore(open_store(str(base / "graph")))
    try:
        started = time.perf_counter()
        exercised = full_run(store, engine, county, base / "rejects", AS_OF)
        yield Recorded(store.recorder, store, time.perf_counter() - started, exercised)
    finally:
        store.close()
        engine.dispose()
        EmbeddedServer(base / "graph").stop()
