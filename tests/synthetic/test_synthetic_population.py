"""Kinship and the household register are consistent."""
from collections import Counter

import numpy as np

from reliefgraph.synthetic import ids
from synthetic_data import clean, dataset, manifest, parse_date

YEAR = 365.2425


def test_register_households_and_ids():
    out = dataset()
    reg = clean(out, "gongan_huji.csv")
    assert reg["公民身份号码"].is_unique
    heads = Counter(reg.loc[reg["与户主关系"] == "02", "户号"])
    assert set(heads) == set(reg["户号"]) and set(heads.values()) == {1}
    for cid, birth, sex in zip(reg["公民身份号码"], reg["出生日期"], reg["性别"]):
        assert ids.citizen_id_valid(cid)
        assert cid[6:14] == str(np.datetime64(int(birth), "D")).replace("-", "")
        assert int(cid[16]) % 2 == (1 if sex == "1" else 0)
    assert set(reg["与户主关系"]) <= {"02", "10", "20", "30", "40", "50", "70", "99"}


def test_spouses_are_mutual_and_single():
    out = dataset()
    mar = clean(out, "minzheng_hunyin.csv")
    both = mar[(mar["男方身份证号"] != "") & (mar["女方身份证号"] != "")]
    spouse = {}
    for h, w in zip(both["男方身份证号"], both["女方身份证号"]):
        assert spouse.setdefault(h, w) == w and spouse.setdefault(w, h) == h
    assert all(spouse[spouse[x]] == x for x in spouse)
    reg = clean(out, "gongan_huji.csv")
    head = {hh: x for x, hh, r in zip(reg["公民身份号码"], reg["户号"], reg["与户主关系"]) if r == "02"}
    n = 0
    for x, hh, r in zip(reg["公民身份号码"], reg["户号"], reg["与户主关系"]):
        if r == "10" and x in spouse:
            assert spouse[x] == head[hh]  # "配偶" in the register is the head's married partner
            n += 1
    assert n > 1000


def test_parent_and_child_ages_are_plausible():
    out = dataset()
    reg = clean(out, "gongan_huji.csv")
    birth = dict(zip(reg["公民身份号码"], reg["出生日期"]))
    sex = dict(zip(reg["公民身份号码"], reg["性别"]))
    dead = clean(out, "gongan_siwang.csv")
    death = dict(zip(dead["身份证号"], dead["死亡日期"]))
    kin = clean(out, "gongan_qinshu.csv")
    checked = 0
    for c, f, m in zip(kin["公民身份号码"], kin["父亲公民身份号码"], kin["母亲公民身份号码"]):
        for p, lo, hi, s in ((f, 17, 65, "1"), (m, 17, 46, "2")):
            if p:
                gap = (birth[c] - birth[p]) / YEAR
                assert lo <= gap <= hi, (c, p, gap)
                assert sex[p] == s
                assert death.get(p, 10 ** 9) >= birth[c] - (280 if s == "1" else 0)
                checked += 1
    assert checked > 10_000


def test_kinship_crosses_households_and_names_repeat():
    out = dataset()
    reg = clean(out, "gongan_huji.csv")
    hh = dict(zip(reg["公民身份号码"], reg["户号"]))
    kin = clean(out, "gongan_qinshu.csv")
    cross = sum(1 for c, f in zip(kin["公民身份号码"], kin["父亲公民身份号码"]) if f and hh[c] != hh[f])
    assert cross > 1000  # married-out daughters, sons with their own households
    names = Counter(zip(reg["姓名"], reg["村居委会代码"]))
    assert max(names.values()) >= 3  # namesakes inside one village
    assert sum(v for v in Counter(reg["姓名"]).values() if v > 1) > len(reg) * 0.3


def test_deaths_match_register_status():
    out = dataset()
    reg = clean(out, "gongan_huji.csv")
    dead = set(clean(out, "gongan_siwang.csv")["身份证号"])
    status2 = set(reg.loc[reg["人员状态"] == "2", "公民身份号码"])
    assert dead == status2 and len(dead) > 100
    as_of = parse_date(manifest(out)["as_of"])
    assert all(d <= as_of for d in clean(out, "gongan_siwang.csv")["死亡日期"])
