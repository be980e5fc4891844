"""County scale: 300 000 persons within a minute, and still exactly the planted cases."""
import time

import psutil
import pytest

import reference_rules as rr
from reliefgraph.synthetic.generator import generate
from synthetic_data import truth


@pytest.mark.slow
def test_300k_persons_in_under_a_minute_and_clean(tmp_path):
    t0 = time.perf_counter()
    generate(persons=300_000, seed=1, out=tmp_path)
    assert time.perf_counter() - t0 < 60
    assert psutil.Process().memory_info().rss < 3 * 2 ** 30
    k = rr.County(tmp_path)
    hits = {}
    for rules in (rr.hidden_assets, rr.favour_relief, rr.cadre_conflict, rr.at_risk_all):
        hits.update(rules(k))
    t = truth(tmp_path)
    for pattern, g in t.groupby("pattern"):
        assert set(g.loc[g.is_decoy == "0", "subject_id"]) == hits.get(pattern, set()), pattern
