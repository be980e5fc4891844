"""The explorer's search: exact keys, names by prefix, pinyin and fuzzily,
organisations and addresses; namesakes told apart, with their clue counts."""
from __future__ import annotations

import pytest

from dashboard_county import COMPANY, ID_A, ID_B, ID_C, PLATE

from reliefgraph.dashboard import explore
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.dashboard.searchindex import NameIndex, SearchIndex, data_version

ADMIN = Viewer("boss", "admin")
ANALYST = Viewer("li", "analyst")


def _refs(found) -> list[str]:
    return [c.ref for c in found]


def test_names_match_by_prefix_pinyin_initials_full_pinyin_and_fuzzily():
    idx = NameIndex.build(["张三", "张三丰", "李梅", "张山", "王五", "单雄信", None, " "])
    assert idx.match("张三")[:2] == ["张三", "张三丰"]
    assert idx.match("zs")[:2] == ["张三", "张山"] and "张三丰" in idx.match("zs")
    assert idx.match("zhangsan")[:1] == ["张三"] and "张山" not in idx.match("zhangsan")
    assert idx.match("ZS ") == idx.match("zs")
    assert "张三" in idx.match("张叁"), "one character off still finds the name"
    assert "单雄信" in idx.match("sxx") and "单雄信" in idx.match("dxx"), "a polyphonic surname reads both ways"
    assert idx.match("lm") == ["李梅"] and idx.match("qq") == [] and idx.match("") == []


def test_search_finds_people_by_name_prefix_and_initials_with_clue_counts(tiny):
    counts = {ID_C: 3}
    found = explore.search(tiny, "张", ADMIN, clue_counts=lambda ids: {i: counts[i] for i in ids if i in counts})
    assert sorted(_refs(found)) == sorted([f"Person:{ID_A}", f"Person:{ID_C}"])
    assert found[0].key == ID_C, "among namesakes, the one with clues comes first"
    assert "线索 3 条" in found[0].option(explore.load_schema()) and "无线索" in found[1].option(explore.load_schema())
    assert "绿水村" in found[0].detail and "1990-05-05" in found[0].detail
    assert _refs(explore.search(tiny, "lm", ADMIN)) == [f"Person:{ID_B}"]
    assert f"Person:{ID_B}" in _refs(explore.search(tiny, "李莓", ADMIN))


def test_search_finds_keys_companies_and_addresses(tiny):
    assert _refs(explore.search(tiny, PLATE, ADMIN)) == [f"Vehicle:VIN0001"]
    assert _refs(explore.search(tiny, COMPANY, ADMIN)) == [f"Company:{COMPANY}"]
    assert _refs(explore.search(tiny, "青禾", ADMIN)) == [f"Company:{COMPANY}"]
    assert _refs(explore.search(tiny, "qhjc", ADMIN)) == [f"Company:{COMPANY}"]
    (house,) = explore.search(tiny, "青山村1组", ANALYST)
    assert house.ref == "Household:H1" and "青山村1组" not in house.detail, "the address is masked for analysts"
    assert house.caption == "青山镇 青山村 户 (H1)", "a household reads by its village, not its number alone"
    (grant,) = explore.search(tiny, "G1", ADMIN)
    assert grant.caption == "最低生活保障 在保 (G1)"
    assert explore.search(tiny, "青山村9组", ADMIN) == []


@pytest.mark.parametrize("text, address", [
    ("520101198001011234", False), ("13800138000", False), ("91520101MA6DXXXX1X", False),
    ("贵A12345", False), ("青山村1组", True), ("城关镇解放路12号", True), ("12号", True), ("张三", False)])
def test_only_what_may_be_an_address_is_looked_for_in_addresses(text, address):
    # An address lookup scans every household in the county: an ID, a phone,
    # a credit code or a plate never needs one.
    assert explore.looks_like_address(text) is address


def test_the_index_is_rebuilt_when_the_data_changes(tiny):
    index = SearchIndex.from_store(tiny)
    assert "张三" in index.persons.names and "青禾建材有限公司" in index.organisations["Company"].names
    before = data_version(tiny)
    tiny.write("CREATE (:Person {citizen_id: 'TMP', name: '赵六'})", snapshot=False)
    try:
        assert data_version(tiny) != before
    finally:
        tiny.write("MATCH (p:Person {citizen_id: 'TMP'}) DELETE p", snapshot=False)
    assert data_version(tiny) == before
