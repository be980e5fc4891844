"""A person's or household's facts on one time axis, from the real engine."""
from __future__ import annotations

import pytest
from dashboard_county import ID_A, ID_D

from reliefgraph.dashboard import timeline
from reliefgraph.dashboard.permissions import Viewer

ADMIN = Viewer("boss", "admin")
ANALYST = Viewer("li", "analyst")


def test_a_persons_grant_and_car_share_one_axis(tiny):
    frame = timeline.facts(tiny, "Person", ID_A, ADMIN)
    rows = {(r.row, r.what) for r in frame.itertuples()}
    assert (timeline.GRANTS, "最低生活保障 G1") in rows
    assert ("车辆 vehicles", "拥有 贵A12345") in rows
    car = frame[frame["row"] == "车辆 vehicles"].iloc[0]
    assert str(car["start"].date()) == "2023-05-01" and car["end"] is not None, "an open spell runs to today"
    spec = timeline.chart(frame).to_dict()
    assert "时间 time" in str(spec) and "%Y-%m" in str(spec)


def test_a_household_shows_every_members_facts_and_payments_are_events(tiny):
    frame = timeline.facts(tiny, "Household", "H1", ANALYST)
    assert set(frame["who"]) >= {"张三", "李梅"}
    assert ("企业 companies", "李梅") in {(r.row, r.who) for r in frame.itertuples()}
    company = frame[frame["row"] == "企业 companies"].iloc[0]
    assert str(company["end"].date()) == "2019-12-31", "a closed spell keeps its end"
    paid = timeline.facts(tiny, "Person", ID_D, ADMIN)
    assert len(paid) == 200 and set(paid["kind"]) == {"event"} and set(paid["row"]) == {timeline.PAYMENTS}


def test_only_people_and_households_have_a_timeline(tiny):
    with pytest.raises(ValueError):
        timeline.facts(tiny, "Vehicle", "VIN0001", ADMIN)
    assert timeline.facts(tiny, "Person", "no such person", ADMIN).empty


def test_the_page_gets_the_validated_chart_as_a_spec_it_can_keep(tiny):
    import copy

    frame = timeline.facts(tiny, "Person", ID_A, ADMIN)
    kept = timeline.spec(frame)
    assert timeline.chart(frame).to_dict(validate=True), "the spec passes the Vega-Lite schema"
    assert len(kept["data"]["values"]) == len(frame) and len(kept["layer"]) == 3
    car = next(v for v in kept["data"]["values"] if v["row"] == "车辆 vehicles")
    assert car["start"].startswith("2023-05-01") and car["end"], "dates travel as ISO text"
    assert copy.deepcopy(kept) == kept, "a plain dict, kept in the session between reruns"
