"""Dashboard tests: a tiny county in the real embedded engine per module (the
fresh application database per test, `app_db`, is in tests/conftest.py)."""
from __future__ import annotations

import pytest
from dashboard_county import COMPANY, ID_A, ID_B, ID_C, ID_D, PHONE, PLATE, TINY_COUNTY


@pytest.fixture(scope="module")
def tiny(falkor):
    falkor.write("MATCH (n) DETACH DELETE n", snapshot=False)
    falkor.write(TINY_COUNTY, {"a": ID_A, "b": ID_B, "c": ID_C, "d": ID_D, "phone": PHONE, "company": COMPANY,
                               "plate": PLATE})
    return falkor
