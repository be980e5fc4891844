"""Narratives: templates filled with Chinese dates, code names and kinship."""
from __future__ import annotations

import pytest

from reliefgraph.queries.narrative import kinship, narrate


def kin_path(*steps):
    """steps: ('up'|'down'|'spouse'), walking from node 0."""
    nodes = [{"_id": i} for i in range(len(steps) + 1)]
    rels = []
    for i, step in enumerate(steps):
        if step == "spouse":
            rels.append({"_type": "KIN", "kind": "spouse", "_start": i, "_end": i + 1})
        elif step == "up":      # node i is the child: the edge runs from i to its parent
            rels.append({"_type": "KIN", "kind": "parent", "_start": i, "_end": i + 1})
        else:                   # node i is the parent: the edge runs from the child i+1
            rels.append({"_type": "KIN", "kind": "parent", "_start": i + 1, "_end": i})
    return {"nodes": nodes, "relationships": rels}


@pytest.mark.parametrize("steps, term", [
    (("spouse",), "配偶"), (("up",), "父母"), (("down",), "子女"), (("up", "up"), "祖父母/外祖父母"),
    (("up", "down"), "兄弟姐妹"), (("down", "spouse"), "子女的配偶（儿媳/女婿）"),
    (("spouse", "up"), "配偶的父母（公婆/岳父母）"),
])
def test_kinship_is_read_from_the_path(steps, term):
    assert kinship(kin_path(*steps)) == term


def test_kinship_skips_a_leading_grant_step():
    path = kin_path("up")
    path["nodes"].insert(0, {"_id": "g"})
    path["relationships"].insert(0, {"_type": "HELD_BY", "_start": "g", "_end": 0})
    assert kinship(path) == "父母"


def test_narrative_formats_dates_codes_and_missing_facts():
    text = narrate("{member}名下登记{vehicle_type}{plate}，登记日期{registered}，{programme}，{missing}",
                   {"member": "张三", "vehicle_type": "car", "plate": "桂M12345", "registered": "2019-03-05",
                    "programme": "dibao"})
    assert text == "张三名下登记小型汽车桂M12345，登记日期2019年3月5日，最低生活保障，—"


def test_a_template_cannot_reach_into_objects():
    with pytest.raises(ValueError):
        narrate("{member.__class__}", {"member": "x"})
