"""A generated county, loaded and run through detection once per test session."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.queries import clues
from reliefgraph.queries.detect import detect
from reliefgraph.synthetic.generator import generate

AS_OF = "2026-10-31"


@dataclass
class Detected:
    extracts: Path
    db: Path
    engine: object
    truth: Path
    clues_csv: Path
    report: object


@pytest.fixture(scope="session")
def detected(tmp_path_factory) -> Detected:
    base = tmp_path_factory.mktemp("det")
    extracts = base / "x"
    generate(persons=20_000, seed=7, out=extracts, scenario="standard", month=1)
    db = base / "graph"
    engine = connect(f"sqlite:///{base / 'app.db'}")
    try:
        with open_store(str(db)) as store:
            store.init_schema()
            loader = Loader(store, engine, base / "rejects", as_of=date.fromisoformat(AS_OF))
            pairs, _ = plan(extracts, load_mappings())
            for path, mapping in pairs:
                assert loader.load_file(path, mapping).status == "loaded", path
            report = detect(store, engine, as_of=AS_OF)
        out = base / "clues.csv"
        clues.write_csv(engine, out)
        yield Detected(extracts, db, engine, extracts / "_truth" / "truth.csv", out, report)
    finally:
        EmbeddedServer(db).stop()
