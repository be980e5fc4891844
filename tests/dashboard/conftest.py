"""Dashboard tests: a fresh application database per test, and a tiny county
in the real embedded engine per module."""
from __future__ import annotations

import pytest
from dashboard_county import COMPANY, ID_A, ID_B, ID_C, ID_D, PHONE, PLATE, TINY_COUNTY

from reliefgraph.appdb import connect


@pytest.fixture
def app_db(tmp_path):
    return connect(f"sqlite:///{tmp_path / 'app.db'}")


@pytest.fixture(scope="module")
def tiny(falkor):
    falkor.write("MATCH (n) DETACH DELETE n", snapshot=False)
    falkor.write(TINY_COUNTY, {"a": ID_A, "b": ID_B, "c": ID_C, "d": ID_D, "phone": PHONE, "company": COMPANY,
                               "plate": PLATE})
    return falkor
