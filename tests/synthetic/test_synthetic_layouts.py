"""Layout b: the same county in another real-world export, matched by its own mapping files.

These tests check what the generator promises the second layout's mapping
files: each file is matched by exactly one mapping, every mapped column and
code is in the file, and the file carries the same facts as layout a. Loading
and detecting that layout is tested in tests/queries/test_second_layout.py.
"""
import fnmatch
import hashlib
from pathlib import Path

import numpy as np
import pytest
import yaml

from reliefgraph.loaders.mapping import MAPPINGS_DIR
from reliefgraph.synthetic.extracts_b import FILES, VIN_FROM_YEAR
from reliefgraph.synthetic.extracts_quhua import FILE as REGION_TABLE
from reliefgraph.synthetic.generator import generate
from synthetic_data import clean, dataset, manifest, parse_date, raw


@pytest.fixture(scope="module")
def ab():
    return dataset(layout="a"), dataset(layout="b")


def _mappings() -> dict:
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(MAPPINGS_DIR.glob("*.yaml"))}


def _matching(maps: dict, file: str) -> list[str]:
    return [n for n, m in maps.items() if any(fnmatch.fnmatch(file, g) for g in m["files"])]


def test_every_file_of_either_layout_is_matched_by_exactly_one_mapping():
    maps = _mappings()
    for layout, names in FILES.items():
        for f in names:
            hit = _matching(maps, f)
            assert len(hit) == 1, (f, hit)
            assert hit[0].endswith("_b.yaml") == (layout == "b"), (f, hit)


def test_layout_b_mappings_name_only_columns_and_codes_the_files_hold(ab):
    _, b = ab
    maps = _mappings()
    m = manifest(b)
    # The region code table has one layout, written with either.
    assert {f["file"] for f in m["files"]} - {REGION_TABLE} == set(FILES["b"]) - {"脱贫人口信息.csv"}
    for f in m["files"]:
        (name,) = _matching(maps, f["file"])
        mp = maps[name]
        df = clean(b, f["file"])
        for fname, spec in mp["fields"].items():
            if "lookup" in spec:
                table = mp["lookups"][spec["lookup"]]
                (lk,) = [x for x in FILES["b"] if any(fnmatch.fnmatch(x, g) for g in table["files"])]
                cols = raw(b, lk).columns
                assert table["key"] in cols and spec["column"] in cols, (name, fname)
                assert set(df[mp["fields"][spec["key"]]["column"]]) <= set(clean(b, lk)[table["key"]])
                continue
            assert spec["column"] in df.columns, (name, fname, spec["column"])
            if spec.get("type") == "code":
                values = {v for v in df[spec["column"]] if v}
                assert values <= {str(k) for k in spec["map"]}, (name, fname, values - set(spec["map"]))


def test_layout_b_declares_each_new_mapping_option_where_the_file_needs_it():
    maps = _mappings()
    assert maps["minzheng_jiuzhu_b.yaml"]["beneficiaries"] == "from_register"
    assert maps["gongan_jidongche_b.yaml"]["yields"][0]["key_fallback"] == ["plate", "registered"]
    assert maps["zuzhi_ganbu_b.yaml"]["fields"]["term_end"]["future"] == "allow"
    assert maps["shichang_gudong_b.yaml"]["fields"]["share"]["unit"] == "%"
    assert maps["xiangcun_xiangmu_b.yaml"]["fields"]["amount"]["unit"] == "万元"
    assert "orgs" in maps["zuzhi_ganbu_b.yaml"]["lookups"]
    assert maps["gongan_siwang_b.yaml"]["agency_field"] == "source"
    whens = [y["when"] for y in maps["gongan_qinshu_b.yaml"]["yields"]]
    assert whens == [{"field": "relation", "equals": "parent"}, {"field": "relation", "equals": "child"}]


def test_layout_b_has_its_own_headers_encodings_and_date_styles(ab):
    a, b = ab
    ma, mb = manifest(a), manifest(b)
    assert ma["layout"] == "a" and mb["layout"] == "b"
    assert {f["file"] for f in ma["files"]} & {f["file"] for f in mb["files"]} == {REGION_TABLE}
    assert {"gbk", "utf-8", "utf-8-sig", "xlsx"} <= {f["encoding"] for f in mb["files"]}
    for f in mb["files"]:
        if f["encoding"] == "gbk":
            with pytest.raises(UnicodeDecodeError):
                (b / f["file"]).read_bytes().decode("utf-8")
    reg = raw(b, "常住人口信息表.csv")
    assert list(reg.columns[:3]) == ["身份证号", "姓名", "性别"] and set(reg["性别"]) == {"男", "女"}
    assert reg["出生日期"].str.contains("/").mean() > 0.8      # slash dates, where layout a writes 20200105
    assert not (b / "minzheng_jiuzhu_chengyuan.csv").exists()  # the grant roll lists applicants only


def test_the_truth_does_not_depend_on_the_layout(ab):
    a, b = ab
    assert (a / "_truth" / "truth.csv").read_bytes() == (b / "_truth" / "truth.csv").read_bytes()


def test_grant_roll_lists_applicants_whose_households_the_register_holds(ab):
    a, b = ab
    ga, gb = clean(a, "minzheng_jiuzhu.xlsx"), clean(b, "社会救助对象花名册.csv")
    key_a = set(zip(ga["救助编号"], ga["申请人身份证号"], ga["户籍户号"], ga["开始日期"], ga["终止日期"]))
    key_b = set(zip(gb["救助证号"], gb["身份证号码"], gb["户号"], gb["救助起始日期"], gb["救助终止日期"]))
    assert key_a == key_b
    households = set(clean(b, "常住人口信息表.csv")["户号"])
    assert set(gb["户号"]) <= households


def test_vehicles_without_vin_are_told_apart_by_plate_and_first_registration(ab):
    a, b = ab
    va, vb = clean(a, "gongan_jidongche.csv"), clean(b, "车辆档案信息.csv")
    vin_of_plate = dict(zip(va["号牌号码"], va["车辆识别代号"]))
    first = {}
    for plate, reg, vin in zip(vb["车牌号码"], vb["初次登记日期"], vb["车架号"]):
        year = int(str(np.datetime64(int(reg), "D"))[:4])
        assert (vin != "") == (year >= VIN_FROM_YEAR)
        assert not vin or vin == vin_of_plate[plate]
        first.setdefault((plate, reg), set()).add(vin_of_plate[plate])
    assert all(len(v) == 1 for v in first.values())
    assert len({next(iter(v)) for v in first.values()}) == len(first)   # one key per vehicle
    assert (vb["车架号"] == "").mean() > 0.3
    spells_a = set(zip(va["身份证明号码"], va["号牌号码"], va["登记日期"], va["转移日期"]))
    spells_b = set(zip(vb["所有人证件号码"], vb["车牌号码"], vb["取得日期"], vb["转出日期"]))
    assert spells_a == spells_b


def test_shares_are_percentages_and_project_funds_are_in_wan(ab):
    a, b = ab
    sa, sb = clean(a, "shichang_gudong.csv"), clean(b, "出资人信息.csv")
    assert sb["持股比例"].str.endswith("%").all()
    share_a = {(c, x, s): float(v) for c, x, s, v in zip(sa["统一社会信用代码"], sa["股东证件号码"], sa["认缴日期"], sa["出资比例(%)"])}
    share_b = {(c, x, s): float(v[:-1]) for c, x, s, v in zip(sb["统一社会信用代码"], sb["出资人证件号"], sb["出资日期"], sb["持股比例"])}
    assert share_a == share_b
    pa, pb = clean(a, "xiangcun_xiangmu.xlsx"), clean(b, "衔接资金项目安排表.csv")
    assert dict(zip(pa["项目编号"], pa["资金金额(万元)"].astype(float))) == \
        dict(zip(pb["项目编号"], pb["中标金额(万元)"].astype(float)))
    assert pb["中标金额(万元)"].astype(float).max() < 1000         # 万元, not 元


def test_cadre_roll_has_future_planned_term_ends_and_units_by_code(ab):
    a, b = ab
    as_of = parse_date(manifest(b)["as_of"])
    pa, pb = clean(a, "zuzhi_ganbu.xlsx"), clean(b, "村社区干部名册.xlsx")
    end_a = {(x, s, u): e for x, s, u, e in zip(pa["身份证号"], pa["任职开始"], pa["单位代码"], pa["任职结束"])}
    future = 0
    for x, s, u, e in zip(pb["身份证号码"], pb["任职时间"], pb["单位代码"], pb["任期届满日期"]):
        if e is not None and e > as_of:
            future += 1
            assert end_a[(x, s, u)] is None and len(u) == 12    # a sitting village committee
        else:
            assert end_a[(x, s, u)] == e
    assert future >= 50
    assert "单位名称" not in pb.columns
    units = clean(b, "单位名录.csv")
    assert set(pb["单位代码"]) == set(units["单位代码"]) and units["单位代码"].is_unique


def test_death_file_names_the_source_agency_of_each_row(ab):
    a, b = ab
    da, db = clean(a, "gongan_siwang.csv"), clean(b, "死亡人员汇总.xlsx")
    assert set(db["来源部门"]) == {"公安", "卫健", "民政"}
    assert dict(zip(da["身份证号"], da["死亡日期"])) == dict(zip(db["公民身份号码"], db["死亡日期"]))
    code = {"1": "公安", "2": "卫健", "3": "民政"}
    assert {(x, code[s]) for x, s in zip(da["身份证号"], da["数据来源"])} == set(zip(db["公民身份号码"], db["来源部门"]))


def test_kinship_rows_point_either_way_and_give_the_same_parents(ab):
    a, b = ab
    ka, kb = clean(a, "gongan_qinshu.csv"), clean(b, "人员亲属信息.csv")
    pairs_a = {(c, p) for c, f, m in zip(ka["公民身份号码"], ka["父亲公民身份号码"], ka["母亲公民身份号码"])
               for p in (f, m) if p}
    pairs_b = set()
    for x, r, rel in zip(kb["身份证号"], kb["亲属身份证号"], kb["亲属关系"]):
        pairs_b.add((x, r) if rel in ("父亲", "母亲") else (r, x))
    assert pairs_a == pairs_b
    assert {"父亲", "母亲", "儿子", "女儿"} == set(kb["亲属关系"])


def test_payments_written_with_thousands_separators_keep_their_amounts(ab):
    a, b = ab
    pa, pb = clean(a, "minzheng_fafang.csv"), clean(b, "救助金发放记录.csv")
    amt_a = {(g, m): float(v) for g, m, v in zip(pa["救助编号"], pa["发放年月"], pa["发放金额"])}
    amt_b = {(g, m): float(v.replace(",", "")) for g, m, v in zip(pb["救助证号"], pb["发放月份"], pb["发放金额(元)"])}
    assert amt_a == amt_b
    assert pb["发放金额(元)"].str.contains(",").any()


def test_mixed_layout_picks_one_layout_per_extract_and_removes_stale_files(tmp_path):
    generate(persons=3000, seed=5, out=tmp_path, layout="a")
    res = generate(persons=3000, seed=5, out=tmp_path, layout="mixed")
    chosen = manifest(tmp_path)["layouts"]
    assert set(chosen.values()) == {"a", "b"}
    present = {p.name for p in tmp_path.iterdir() if p.is_file() and p.name != "README.md"}
    assert present == {s.file for s, _ in res.files}
    assert ("minzheng_jiuzhu_chengyuan.csv" in present) == (chosen["grants"] == "a")
    assert ("单位名录.csv" in present) == (chosen["posts"] == "b")


def test_same_seed_same_bytes_in_layout_b(tmp_path):
    digests = []
    for d in (tmp_path / "x", tmp_path / "y"):
        generate(persons=3000, seed=5, out=d, layout="b")
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(d).rglob("*"))
                        if p.is_file()})
    assert digests[0] == digests[1] and len(digests[0]) >= 20


def test_medical_bills_in_layout_b_keep_their_amounts(ab):
    a, b = ab
    ra, rb = clean(a, "yibao_jiesuan.csv"), clean(b, "医保结算明细.xlsx")
    paid_a = {k: float(v) for k, v in zip(ra["结算单号"], ra["个人自付(元)"])}
    paid_b = {k: float(v.replace(",", "")) for k, v in zip(rb["单据号"], rb["个人负担金额"])}
    common = paid_a.keys() & paid_b.keys()
    assert len(common) > 0.95 * len(paid_a)
    assert all(paid_a[k] == paid_b[k] for k in common)
    assert rb["费用总额"].str.contains(",").any()  # thousands separators, which the mapping's unit: 元 reads
