"""Fixtures for the hardening suite. It attacks what the other suites built,
so it reuses their helpers (tests/loaders, tests/dashboard) instead of
copying them."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
for helper_dir in (HERE.parent / "loaders", HERE.parent / "dashboard"):
    if str(helper_dir) not in sys.path:
        sys.path.insert(0, str(helper_dir))

from dashboard_county import COMPANY, ID_A, ID_B, ID_C, ID_D, PHONE, PLATE, TINY_COUNTY  # noqa: E402


@pytest.fixture(scope="module")
def tiny(falkor):
    """The dashboard suite's hand-made county (every node known)."""
    falkor.write("MATCH (n) DETACH DELETE n", snapshot=False)
    falkor.write(TINY_COUNTY, {"a": ID_A, "b": ID_B, "c": ID_C, "d": ID_D, "phone": PHONE, "company": COMPANY,
                               "plate": PLATE})
    return falkor


@pytest.fixture(scope="session")
def county_5k():
    """A 5 000-person synthetic county (the loader suite's small county, seed 2), generated
    once per test run (tests/generated.py): copy before changing it."""
    import generated

    return generated.extracts(persons=5_000, seed=2, month=1)
