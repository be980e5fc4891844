"""Dashboard tests: a fresh application database (SQLite file) per test."""
from __future__ import annotations

import pytest

from reliefgraph.appdb import connect


@pytest.fixture
def app_db(tmp_path):
    return connect(f"sqlite:///{tmp_path / 'app.db'}")
