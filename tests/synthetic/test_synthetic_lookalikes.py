"""Lawful look-alikes: present in the background, recorded as decoys, and truly look-alike.

Each kind must carry the fact a careless rule would flag (a car, a payroll
record, a business, a namesake, many relatives on relief), and the fact
that makes it lawful. The reference rules (test_synthetic_truth) show none
of them is a true hit; here we show each one is a real trap.
"""
from collections import defaultdict

import pytest

from reliefgraph.synthetic.lookalikes import PATTERN, RATES
from synthetic_data import clean, dataset, truth

KINDS = set(RATES) | {"kin_in_other_villages"}


@pytest.fixture(scope="module")
def county():
    out = dataset()
    t = truth(out)
    grants = clean(out, "minzheng_jiuzhu.xlsx")
    g = {r["救助编号"]: r for r in grants.to_dict("records")}
    return out, t, g


def _rows(t, kind):
    rows = t[t.decoy_kind == kind].to_dict("records")
    assert rows, kind
    assert all(r["is_decoy"] == "1" for r in rows)
    return rows


def test_every_look_alike_kind_is_a_decoy_of_the_pattern_it_imitates(county):
    _, t, _ = county
    assert KINDS <= set(t.decoy_kind)
    for kind, pattern in PATTERN.items():
        assert set(t.loc[t.decoy_kind == kind, "pattern"]) == {pattern}
    assert (t.loc[t.is_decoy == "0", "decoy_kind"] == "").all()
    assert (t.loc[t.is_decoy == "1", "decoy_kind"] != "").all()
    # At realistic rates the commonest look-alike outnumbers the planted true cases of its pattern.
    assert (t.decoy_kind == "kin_car_no_duty").sum() > (t[t.pattern == "relative_asset"].is_decoy == "0").sum()


def test_kin_car_belongs_to_a_sibling_in_another_household(county):
    out, t, g = county
    kin = clean(out, "gongan_qinshu.csv")
    parents = defaultdict(set)
    for c, f, m in zip(kin["公民身份号码"], kin["父亲公民身份号码"], kin["母亲公民身份号码"]):
        parents[c] |= {f, m} - {""}
    hh = dict(zip(*(clean(out, "gongan_huji.csv")[c] for c in ("公民身份号码", "户号"))))
    cars = clean(out, "gongan_jidongche.csv")
    owner = dict(zip(cars["车辆识别代号"], cars["身份证明号码"]))
    for r in _rows(t, "kin_car_no_duty"):
        h, sib = r["subject_id"], r["related_id"]
        assert parents[h] & parents[sib] and sib not in parents[h] and h not in parents[sib]
        assert hh[sib] != hh[h] and owner[r["evidence"]] == sib


def test_sold_car_was_transferred_before_the_grant_began(county):
    out, t, g = county
    cars = clean(out, "gongan_jidongche.csv")
    spells = defaultdict(list)
    for vin, x, s, e in zip(cars["车辆识别代号"], cars["身份证明号码"], cars["登记日期"], cars["转移日期"]):
        spells[vin].append((x, s, e))
    for r in _rows(t, "car_sold_before_grant"):
        mine = [(s, e) for x, s, e in spells[r["evidence"]] if x == r["related_id"]]
        assert len(mine) == 1 and mine[0][1] is not None and mine[0][1] < g[r["grant_id"]]["开始日期"]
        assert len(spells[r["evidence"]]) == 2               # the buyer holds it now


def test_deregistered_business_and_retired_staff_ended_before_the_grant(county):
    out, t, g = county
    comp = clean(out, "shichang_zhuti.csv")
    dereg = dict(zip(comp["统一社会信用代码"], comp["注销日期"]))
    for r in _rows(t, "deregistered_business"):
        assert dereg[r["evidence"]] is not None and dereg[r["evidence"]] < g[r["grant_id"]]["开始日期"]
    pay = clean(out, "caizheng_gongzi.xlsx")
    ends = defaultdict(list)
    for x, e in zip(pay["身份证号"], pay["离退休日期"]):
        ends[x].append(e)
    for r in _rows(t, "retired_public_staff"):
        assert ends[r["related_id"]] and all(e is not None and e < g[r["grant_id"]]["开始日期"]
                                             for e in ends[r["related_id"]])


def test_namesake_shares_the_name_and_town_but_not_the_id(county):
    out, t, g = county
    reg = clean(out, "gongan_huji.csv")
    name = dict(zip(reg["公民身份号码"], reg["姓名"]))
    village = dict(zip(reg["公民身份号码"], reg["村居委会代码"]))
    cars = clean(out, "gongan_jidongche.csv")
    owner = dict(zip(cars["车辆识别代号"], cars["身份证明号码"]))
    for r in _rows(t, "namesake_same_town"):
        x, z = r["subject_id"], r["related_id"]
        assert x != z and name[x] == name[z] and village[x][:9] == village[z][:9]
        assert owner[r["evidence"]] == z


def test_cadre_kin_in_other_villages_hold_many_grants_but_none_in_the_cadre_village(county):
    out, t, g = county
    posts = clean(out, "zuzhi_ganbu.xlsx")
    units = defaultdict(set)
    for x, u in zip(posts["身份证号"], posts["单位代码"]):
        units[x].add(u)
    rows = _rows(t, "kin_in_other_villages")
    by_cadre = defaultdict(set)
    for r in rows:
        by_cadre[r["related_id"]].add(r["grant_id"])
    for c, gids in by_cadre.items():
        assert len(gids) >= 4                                  # a naive count would flag it
        assert not {g[x]["所属村(社区)代码"] for x in gids} & units[c]
