"""A generated county, loaded and run through detection once per test session
(`detected_county` in tests/conftest.py, shared with tests/reports)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from reliefgraph.queries import clues

AS_OF = "2026-10-31"          # the date detected_county is detected at


@dataclass
class Detected:
    extracts: Path
    db: Path
    engine: object
    truth: Path
    clues_csv: Path
    report: object


@pytest.fixture(scope="session")
def detected(detected_county, tmp_path_factory) -> Detected:
    county = detected_county
    out = tmp_path_factory.mktemp("det") / "clues.csv"
    clues.write_csv(county.engine, out)
    return Detected(county.extracts, county.db, county.engine, county.extracts / "_truth" / "truth.csv", out,
                    county.report)
