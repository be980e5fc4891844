"""A generated 20 000-person county, loaded and run through detection once
per session, in the real embedded engine (a clone of `detected_county`,
tests/conftest.py); reports are read from it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import GraphStore, open_store

AS_OF = "2026-10-31"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "reports"


@dataclass
class County:
    db: Path
    app_url: str
    engine: object
    store: GraphStore


@pytest.fixture(scope="session")
def county(detected_county, tmp_path_factory) -> County:
    """A clone of the session's detected county (tests/conftest.py): reports
    add cases, orders and numbers to it."""
    db, url = detected_county.clone(tmp_path_factory.mktemp("rep"))
    engine = connect(url)
    store = open_store(str(db))
    try:
        yield County(db, url, engine, store)
    finally:
        store.close()
        engine.dispose()
        EmbeddedServer(db).stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
