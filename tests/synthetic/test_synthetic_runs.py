"""Same seed, same bytes; month 2 is the same county a month later; bad input is refused."""
import hashlib
import re

import pytest

from reliefgraph.synthetic.generator import GenerateError, generate
from synthetic_data import clean, dataset, manifest, parse_date, truth


def _digest(d):
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(persons=3000, seed=5, out=a)
    generate(persons=3000, seed=5, out=b)
    generate(persons=3000, seed=6, out=c)
    da, db, dc = _digest(a), _digest(b), _digest(c)
    assert len(da) >= 20 and da == db
    assert sum(da[k] != dc[k] for k in da) >= len(da) - 3  # nearly every file differs


def test_month_two_updates_without_duplicating():
    m1, m2 = dataset(month=1), dataset(month=2)
    assert parse_date(manifest(m2)["as_of"]) - parse_date(manifest(m1)["as_of"]) in (30, 31)
    r1, r2 = clean(m1, "gongan_huji.csv"), clean(m2, "gongan_huji.csv")
    assert set(r1["公民身份号码"]) == set(r2["公民身份号码"])  # same people, same IDs
    d1, d2 = set(clean(m1, "gongan_siwang.csv")["身份证号"]), set(clean(m2, "gongan_siwang.csv")["身份证号"])
    assert d1 < d2 and len(d2 - d1) >= 3                      # new deaths, old ones kept
    g1, g2 = clean(m1, "minzheng_jiuzhu.xlsx"), clean(m2, "minzheng_jiuzhu.xlsx")
    open1 = set(g1.loc[g1["终止日期"].isna(), "救助编号"])
    closed2 = set(g2.loc[g2["终止日期"].notna(), "救助编号"])
    assert len(open1 & closed2) >= 1                           # grants closed in month 2
    assert set(g1["救助编号"]) <= set(g2["救助编号"])
    p1, p2 = clean(m1, "minzheng_fafang.csv"), clean(m2, "minzheng_fafang.csv")
    k1 = set(zip(p1["救助编号"], p1["发放年月"]))
    k2 = set(zip(p2["救助编号"], p2["发放年月"]))
    assert k1 <= k2 and max(p2["发放年月"]) == max(p1["发放年月"]) + 1
    t1, t2 = truth(m1), truth(m2)
    assert t1.equals(t2)                                       # the planted cases stand


@pytest.mark.parametrize("kw", [dict(scenario="mashan", persons=20_000), dict(scenario="nowhere"),
                                dict(month=13), dict(persons=10), dict(layout="c")])
def test_bad_arguments_are_refused_in_chinese_and_english(tmp_path, kw):
    with pytest.raises(GenerateError) as e:
        generate(out=tmp_path, **kw)
    msg = str(e.value)
    assert re.search("[\u4e00-\u9fff]", msg) and re.search("[A-Za-z]{5}", msg), msg
