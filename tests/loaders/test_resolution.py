"""The resolver's batch path (`decide_all`) must decide exactly as `decide`,
a one-query reference scoring pair by pair: the same outcome, person, score
and evidence, ties and the margin included."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rapidfuzz import fuzz

from reliefgraph.loaders import resolution
from reliefgraph.loaders.resolution import WEIGHTS, _date_part, _decision, _region_part


def score(q, cand: dict) -> dict:
    """One pair's score, spelled out: the reference for the batch path."""
    parts = {
        "name": fuzz.ratio(q.name, cand["name"] or "") / 100.0,
        "birth_date": _date_part(q.birth_date, cand["birth_date"]),
        "region": max(_region_part(q.region, cand["region_code"]),
                      _region_part(q.region, (cand["citizen_id"] or "")[:6])),
    }
    total = sum(WEIGHTS[k] * v for k, v in parts.items())
    return {"citizen_id": cand["citizen_id"], "score": round(total, 4),
            "parts": {k: round(v, 3) for k, v in parts.items()}}


def decide(q, candidates: list[dict]) -> resolution.Decision:
    scored = sorted((score(q, c) for c in candidates), key=lambda s: (-s["score"], s["citizen_id"]))
    return _decision(q, scored[:5])

# Few letters and codes, so names, scores and IDs often tie.
names = st.text(st.sampled_from("张三李四王五"), min_size=1, max_size=3)
dates = st.sampled_from([None, "1950-01-02", "1950-01-03", "1950-02-02"])
regions = st.sampled_from([None, "451299", "451299104", "451299104204", "451299104205", "451300104204"])
ids = st.sampled_from(["451299195001020011", "451299195001020028", "451300195001020031", "45129919500102004X"])
candidate = st.fixed_dictionaries({"citizen_id": ids, "name": st.one_of(st.none(), names),
                                   "birth_date": dates, "region_code": regions})


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.tuples(names, dates, regions, st.lists(candidate, max_size=9)), max_size=6))
def test_the_batch_decides_as_the_one_query_reference(cases):
    queries = [resolution.Query(row, name, born, region) for row, (name, born, region, _) in enumerate(cases)]
    candidates = {row: cands for row, (*_, cands) in enumerate(cases)}
    assert resolution.decide_all(queries, candidates) == [decide(q, candidates[q.row]) for q in queries]


def test_a_clear_winner_is_linked_and_a_namesake_twin_blocks_it():
    q = resolution.Query(7, "王五", "1950-01-02", "451299104204")
    me = {"citizen_id": "451299195001020011", "name": "王五", "birth_date": "1950-01-02",
          "region_code": "451299104204"}
    other = dict(me, citizen_id="451299195001020028", name="李四", region_code="451299104205")
    twin = dict(me, citizen_id="451299195001020036")
    linked = resolution.decide_all([q], {7: [other, me]})[0]
    assert (linked.outcome, linked.person_id, linked.score) == ("linked", me["citizen_id"], 1.0)
    assert [e["citizen_id"] for e in linked.evidence] == [me["citizen_id"], other["citizen_id"]]
    blocked = resolution.decide_all([q], {7: [me, twin, other]})[0]
    assert (blocked.outcome, blocked.person_id) == ("ambiguous", None)


def test_scores_are_rounded_as_python_rounds_them():
    # Every total the parts can make (name similarity in hundredths), and
    # values at and beside the ties of the fifth decimal.
    reachable = [0.5 * n / 10_000 + 0.3 * d + 0.2 * r
                 for n in range(0, 10_001) for d in (0, 0.4, 1) for r in (0, 0.3, 0.6, 1)]
    ties = [k / 100_000 + e for k in range(0, 100_001, 5) for e in (-1e-12, 0.0, 1e-12)]
    for values in (reachable, ties):
        assert resolution._round4(np.array(values)).tolist() == [round(v, 4) for v in values]
