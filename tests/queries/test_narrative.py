"""Narratives: templates filled with Chinese dates, code names and kinship."""
from __future__ import annotations

import pytest

from reliefgraph.queries.narrative import kinship, narrate


def kin_path(*steps):
    """steps: ('up'|'down'|'spouse'|'sibling'), or (kind, 'fwd'|'back') for
    any other KIN kind, walking from node 0."""
    nodes = [{"_id": i} for i in range(len(steps) + 1)]
    rels = []
    for i, step in enumerate(steps):
        if isinstance(step, tuple):
            kind, way = step
            a, b = (i, i + 1) if way == "fwd" else (i + 1, i)
            rels.append({"_type": "KIN", "kind": kind, "_start": a, "_end": b})
        elif step in ("spouse", "sibling"):
            rels.append({"_type": "KIN", "kind": step, "_start": i + 1, "_end": i})
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


@pytest.mark.parametrize("steps, term", [
    (("sibling",), "兄弟姐妹"),
    ((("grandparent", "fwd"),), "祖父母/外祖父母"), ((("grandparent", "back"),), "孙子女/外孙子女"),
    ((("grandchild", "fwd"),), "孙子女/外孙子女"), ((("child", "fwd"),), "子女"), ((("child", "back"),), "父母"),
    ((("parent_in_law", "fwd"),), "配偶的父母（公婆/岳父母）"),
    ((("parent_in_law", "back"),), "子女的配偶（儿媳/女婿）"),
    (("sibling", "spouse"), "兄弟姐妹的配偶（嫂/弟媳/姐夫/妹夫）"), (("spouse", "sibling"), "配偶的兄弟姐妹"),
    (("sibling", "down"), "兄弟姐妹的子女（侄/甥）"), (("up", "sibling"), "父母的兄弟姐妹（伯叔姑舅姨）"),
    ((("grandparent", "fwd"), "sibling"), "祖父母的兄弟姐妹"), ((("cousin", "fwd"),), "亲属"),
])
def test_every_kin_kind_is_named_not_read_as_parent_or_child(steps, term):
    """A sibling edge is a sibling whichever way it is stored; directed kinds
    other than parent (grandparent, in-law, child) are named from the walker's view."""
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


def test_small_probabilities_keep_their_digits():
    assert narrate("p<{p}，p={q}，{amount}元", {"p": 0.001, "q": 0.000569, "amount": 1234.5}) == \
        "p<0.001，p=0.00057，1,234.5元"


def test_a_template_cannot_reach_into_objects():
    with pytest.raises(ValueError):
        narrate("{member.__class__}", {"member": "x"})
