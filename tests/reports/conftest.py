"""A generated 20 000-person county, loaded and run through detection once
per session, in the real embedded engine; reports are read from it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import GraphStore, open_store
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.queries.detect import detect
from reliefgraph.synthetic.generator import generate

AS_OF = "2026-10-31"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "reports"


@dataclass
class County:
    db: Path
    app_url: str
    engine: object
    store: GraphStore


@pytest.fixture(scope="session")
def county(tmp_path_factory) -> County:
    base = tmp_path_factory.mktemp("rep")
    extracts = base / "x"
    generate(persons=20_000, seed=3, out=extracts, scenario="standard", month=1)
    db = base / "graph"
    url = f"sqlite:///{base / 'app.db'}"
    engine = connect(url)
    store = open_store(str(db))
    try:
        store.init_schema()
        loader = Loader(store, engine, base / "rejects", as_of=date.fromisoformat(AS_OF))
        pairs, _ = plan(extracts, load_mappings())
        for path, mapping in pairs:
            assert loader.load_file(path, mapping).status == "loaded", path
        detect(store, engine, as_of=AS_OF)
        yield County(db, url, engine, store)
    finally:
        store.close()
        EmbeddedServer(db).stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
