"""`--scenario mashan` yields the Mashan audit table exactly, from linked extracts."""
from collections import defaultdict

from reliefgraph.synthetic import mashan
from synthetic_data import clean, dataset, manifest, parse_date, truth

INF = 10 ** 9


def test_mashan_table_from_the_extracts():
    out = dataset(persons=mashan.MIN_PERSONS, seed=3, scenario="mashan")
    as_of = parse_date(manifest(out)["as_of"])
    roster = clean(out, "xiangcun_jiandanglika.csv")
    period = {x: (s, e if e is not None else as_of) for x, s, e in
              zip(roster["身份证号"], roster["识别日期"], roster["脱贫日期"])}

    def inside(x, d):
        return x in period and period[x][0] <= d <= period[x][1]

    def overlaps(x, s, e):
        return x in period and s <= period[x][1] and (e if e is not None else INF) >= period[x][0]
    people = defaultdict(set)
    cars = 0
    veh = clean(out, "gongan_jidongche.csv")
    for x, code, s in zip(veh["身份证明号码"], veh["车辆类型"], veh["登记日期"]):
        if code in ("K33", "K31", "H31") and inside(x, s):
            people["cars"].add(x)
            cars += 1
    pay = clean(out, "caizheng_gongzi.xlsx")
    people["public_payroll"] = {x for x, s, e in zip(pay["身份证号"], pay["入编日期"], pay["离退休日期"]) if overlaps(x, s, e)}
    prop = clean(out, "budongchan.csv")
    people["housing"] = {x for x, s in zip(prop["权利人证件号"], prop["登记日期"]) if inside(x, s)}
    comp = clean(out, "shichang_zhuti.csv")
    life = dict(zip(comp["统一社会信用代码"], zip(comp["成立日期"], comp["注销日期"])))
    biz = {x for x, c in zip(comp["法定代表人证件号码"], comp["统一社会信用代码"]) if overlaps(x, *life[c])}
    for df, col in ((clean(out, "shichang_gudong.csv"), "股东证件号码"), (clean(out, "shichang_renyuan.csv"), "证件号码")):
        biz |= {x for x, c in zip(df[col], df["统一社会信用代码"]) if overlaps(x, *life[c])}
    people["business"] = biz
    expected = {r["category"]: r for r in truth(out, "mashan_expected.csv").to_dict("records")}
    for cat, n, rec in mashan.TABLE:
        assert len(people[cat]) == n == int(expected[cat]["people"]), cat
    assert cars == 2645 == int(expected["cars"]["records"])
    union = set().union(*people.values())
    assert len(union) == 3119 == int(expected["ineligible_total"]["people"])
    listed = truth(out, "mashan_people.csv")
    assert set(listed["citizen_id"]) == union
