"""Test helper: plain-Python reference rules over the extracts.

They show that truth.csv is exactly what the patterns find in the files an
agency would deliver: every true case is found, no decoy is, and nothing in
the background is. Thresholds: kin network >= 4 grants in the cadre's village (true
cases plant 6, decoys 2 there or 6 in other villages); close relatives = two kin hops over parent/child/spouse.
"""
from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from synthetic_data import clean, manifest, parse_date

INF = 10 ** 9
CARS = {"K33", "K31", "H31"}


def _overlap(a0, a1, b0, b1) -> bool:
    return a0 <= (b1 if b1 is not None else INF) and b0 <= (a1 if a1 is not None else INF)


class County:
    def __init__(self, out):
        self.out = out
        m = manifest(out)
        self.as_of = parse_date(m["as_of"])
        reg = clean(out, "gongan_huji.csv")
        self.household = dict(zip(reg["公民身份号码"], reg["户号"]))
        self.hh_village = dict(zip(reg["户号"], reg["村居委会代码"]))
        self.adj: dict[str, set] = defaultdict(set)
        kin = clean(out, "gongan_qinshu.csv")
        for c, f, mo in zip(kin["公民身份号码"], kin["父亲公民身份号码"], kin["母亲公民身份号码"]):
            for p in (f, mo):
                if p:
                    self.adj[c].add(p)
                    self.adj[p].add(c)
        self.children = defaultdict(set)
        for c, f, mo in zip(kin["公民身份号码"], kin["父亲公民身份号码"], kin["母亲公民身份号码"]):
            for p in (f, mo):
                if p:
                    self.children[p].add(c)
        self.parents = defaultdict(set)
        for p, cs in self.children.items():
            for c in cs:
                self.parents[c].add(p)
        self.spouse = defaultdict(set)
        mar = clean(out, "minzheng_hunyin.csv")
        for h, w_ in zip(mar["男方身份证号"], mar["女方身份证号"]):
            if h and w_:
                self.spouse[h].add(w_)
                self.spouse[w_].add(h)
        heads = {hh: i for i, hh, r in zip(reg["公民身份号码"], reg["户号"], reg["与户主关系"]) if r == "02"}
        for i, hh, r in zip(reg["公民身份号码"], reg["户号"], reg["与户主关系"]):
            if r == "10" and hh in heads:
                self.spouse[i].add(heads[hh])
                self.spouse[heads[hh]].add(i)
        for a, bs in self.spouse.items():
            self.adj[a] |= bs
        self._load_rest()

    def close(self, x: str) -> set:
        """Close relatives: within two kin hops, x excluded."""
        one = set(self.adj.get(x, ()))
        two = set(one)
        for y in one:
            two |= self.adj.get(y, set())
        two.discard(x)
        return two

    def _load_rest(self):
        out = self.out
        g = clean(out, "minzheng_jiuzhu.xlsx")
        self.grants = {}
        for r in g.to_dict("records"):
            self.grants[r["救助编号"]] = dict(
                holder=r["申请人身份证号"], household=r["户籍户号"], village=r["所属村(社区)代码"],
                start=r["开始日期"], end=r["终止日期"] if r["终止日期"] is not None else self.as_of,
                programme=r["救助类别"], assessor=r["审核人身份证号"], approver=r["审批人身份证号"],
                phone=r["联系电话"], address=r["家庭住址"], account=r["银行账号"])
        self.members = defaultdict(set)
        mem = clean(out, "minzheng_jiuzhu_chengyuan.csv")
        for gid, x in zip(mem["救助编号"], mem["成员身份证号"]):
            if x:
                self.members[gid].add(x)
        self.pay = clean(out, "minzheng_fafang.csv")
        d = clean(out, "gongan_siwang.csv")
        self.death = dict(zip(d["身份证号"], d["死亡日期"]))
        self.vehicles = clean(out, "gongan_jidongche.csv")
        self.prop = clean(out, "budongchan.csv")
        self.comp = clean(out, "shichang_zhuti.csv")
        self.holders = clean(out, "shichang_gudong.csv")
        self.execs = clean(out, "shichang_renyuan.csv")
        self.payroll = clean(out, "caizheng_gongzi.xlsx")
        self.posts = clean(out, "zuzhi_ganbu.xlsx")
        self.projects = clean(out, "xiangcun_xiangmu.xlsx")
        self.welfare = clean(out, "xiangcun_gongyigangwei.csv")
        self.custody = clean(out, "sifa_zaiya.csv")
        self.fund = clean(out, "gongjijin_jiaocun.csv")
        self.tax = clean(out, "shuiwu_geshui.csv")
        self.contrib = clean(out, "shebao_jiaofei.csv")
        self.renovation = clean(out, "zhujian_weigai.csv")
        c = clean(out, "minzheng_huohua.csv")
        self.cremated = dict(zip(c["逝者身份证号"], c["火化日期"]))
        si = clean(out, "shebao_canbao.csv")
        self.contact = {x: (p, a, acc) for x, p, a, acc in zip(si["身份证号"], si["联系电话"], si["常住地址"], si["社保卡银行账号"])}
        f = clean(out, "minzheng_beian.xlsx")
        self.filed = set(zip(f["干部身份证号"], f["亲属身份证号"]))

    # --- per-person fact look-ups (intervals) --------------------------------------
    def cars(self):
        by = defaultdict(list)
        for x, code, s, e in zip(self.vehicles["身份证明号码"], self.vehicles["车辆类型"],
                                 self.vehicles["登记日期"], self.vehicles["转移日期"]):
            if code in CARS and x:
                by[x].append((s, e))
        return by

    def properties(self, types=("1", "2", "3")):
        by = defaultdict(list)
        for x, t, s, e in zip(self.prop["权利人证件号"], self.prop["不动产类型"], self.prop["登记日期"], self.prop["注销日期"]):
            if t in types and x:
                by[x].append((s, e))
        return by

    def company_roles(self):
        """person -> [(credit code, start, end)] as legal rep, shareholder or executive, while active."""
        life = {c: (s, e) for c, s, e in zip(self.comp["统一社会信用代码"], self.comp["成立日期"], self.comp["注销日期"])}
        by = defaultdict(list)
        for c, x in zip(self.comp["统一社会信用代码"], self.comp["法定代表人证件号码"]):
            if x:
                by[x].append((c, *life[c]))
        for df, col, s_col, e_col in ((self.holders, "股东证件号码", "认缴日期", "退出日期"),
                                      (self.execs, "证件号码", "任职日期", "离任日期")):
            for c, x, s, e in zip(df["统一社会信用代码"], df[col], df[s_col], df[e_col]):
                if x and c in life:
                    cs, ce = life[c]
                    by[x].append((c, max(s, cs), min(e if e is not None else INF, ce if ce is not None else INF)))
        return by

    def payroll_spans(self):
        by = defaultdict(list)
        for x, s, e in zip(self.payroll["身份证号"], self.payroll["入编日期"], self.payroll["离退休日期"]):
            if x:
                by[x].append((s, e))
        return by

    def cadre_posts(self):
        """(cadre, unit code, start, end) for village and town posts."""
        out = []
        for x, code, s, e in zip(self.posts["身份证号"], self.posts["单位代码"], self.posts["任职开始"], self.posts["任职结束"]):
            if len(code) in (9, 12):
                out.append((x, code, s, e if e is not None else INF))
        return out


def _in_scope(unit: str, village: str) -> bool:
    return village == unit if len(unit) == 12 else village.startswith(unit)


def hidden_assets(k: County) -> dict[str, set]:
    hits = defaultdict(set)
    cars, props, roles, pay = k.cars(), k.properties(), k.company_roles(), k.payroll_spans()
    comm = k.properties(("1",))
    for gid, g in k.grants.items():
        s, e, ms = g["start"], g["end"], k.members[gid] | {g["holder"]}
        for x in ms:
            if any(_overlap(s, e, a, b) for a, b in cars.get(x, ())):
                hits["car_during_grant"].add(g["holder"])
            if any(_overlap(s, e, a, b) for a, b in comm.get(x, ())):
                hits["commercial_housing"].add(g["holder"])
            if sum(_overlap(s, e, a, b) for a, b in props.get(x, ())) >= 2:
                hits["multiple_properties"].add(g["holder"])
            if any(_overlap(s, e, a, b) for _, a, b in roles.get(x, ())):
                hits["company_role"].add(g["holder"])
            if any(_overlap(s, e, a, b) for a, b in pay.get(x, ())):
                hits["public_payroll"].add(g["holder"])
        h = g["holder"]
        duty = (k.children.get(h, set()) | k.parents.get(h, set()) | k.spouse.get(h, set())) - ms
        for r in duty:
            if any(_overlap(s, e, a, b) for a, b in cars.get(r, ())) or \
               any(_overlap(s, e, a, b) for a, b in comm.get(r, ())) or \
               any(_overlap(s, e, a, b) for _, a, b in roles.get(r, ())):
                hits["relative_asset"].add(h)
    custody = defaultdict(list)
    for x, s, e in zip(k.custody["身份证号"], k.custody["入监(所)日期"], k.custody["出监(所)日期"]):
        custody[x].append((s, e))
    for gid, g in k.grants.items():
        if g["programme"] in ("1", "2") and any(_overlap(g["start"], g["end"], a, b)
                                                for x in k.members[gid] | {g["holder"]} for a, b in custody.get(x, ())):
            hits["member_in_custody"].add(g["holder"])
    for gid, m, x in zip(k.pay["救助编号"], k.pay["发放年月"], k.pay["领款人身份证号"]):
        d = k.death.get(x)
        if d is not None:
            dm = int(np.datetime64(int(d), "D").astype("datetime64[M]").astype(np.int64)) + 1970 * 12
            if m > dm:
                hits["paid_after_death"].add(k.grants[gid]["holder"])
    fund = defaultdict(list)
    for x, s, e in zip(k.fund["身份证号"], k.fund["开户日期"], k.fund["封存日期"]):
        fund[x].append((s, e))
    for gid, g in k.grants.items():
        if any(_overlap(g["start"], g["end"], a, b) for x in k.members[gid] | {g["holder"]} for a, b in fund.get(x, ())):
            hits["housing_fund_during_grant"].add(g["holder"])
    for gid, m, x in zip(k.pay["救助编号"], k.pay["发放年月"], k.pay["领款人身份证号"]):
        c = k.cremated.get(x)
        if c is not None and x not in k.death:
            cm = int(np.datetime64(int(c), "D").astype("datetime64[M]").astype(np.int64)) + 1970 * 12
            if m > cm:
                hits["paid_after_cremation"].add(k.grants[gid]["holder"])
    enrol = defaultdict(list)
    for gid, g in k.grants.items():
        if g["programme"] in ("1", "2"):
            for x in k.members[gid] | {g["holder"]}:
                enrol[x].append(gid)
    for x, gs in enrol.items():
        for i in range(len(gs)):
            for j in range(i + 1, len(gs)):
                a, b = k.grants[gs[i]], k.grants[gs[j]]
                if _overlap(a["start"], a["end"], b["start"], b["end"]):
                    hits["double_enrolment"].add(x)
    _tax(k, hits)
    _contributions(k, hits)
    _renovation(k, hits)
    return hits


def _renovation(k: County, hits) -> None:
    """Register households as of the extract: the planted households do not move."""
    comm = k.properties(("1",))
    members = _members_by_household(k)
    held = defaultdict(list)   # household -> (programme, start, end)
    for g in k.grants.values():
        held[g["household"]].append((g["programme"], g["start"], g["end"]))
    by_hh = defaultdict(list)
    code = {"低保户": "1", "农村分散供养特困人员": "2"}
    for x, cat, method, t in zip(k.renovation["户主身份证号"], k.renovation["对象类别"], k.renovation["改造方式"],
                                 k.renovation["批准日期"]):
        hh = k.household.get(x)
        by_hh[hh].append((t, method, x))
        if any(a <= t and (b is None or b >= t) for m in members[hh] for a, b in comm.get(m, ())):
            hits["renovation_with_commercial_housing"].add(x)
        if cat in code and not any(p == code[cat] and s <= t and e >= t - 183 for p, s, e in held[hh]):
            hits["renovation_not_priority_object"].add(x)
    for hh, rs in by_hh.items():
        rs.sort()
        for i, (t1, _, _) in enumerate(rs):
            for t2, method, x in rs[i + 1:]:
                if method != "灾后恢复重建" and t2 - t1 < 3652:
                    hits["renovation_twice"].add(x)


def _contributions(k: County, hits) -> None:
    employee, flexible = defaultdict(list), defaultdict(list)
    for x, who, base, s, e in zip(k.contrib["身份证号"], k.contrib["参保身份"], k.contrib["缴费基数(元)"],
                                  k.contrib["参保日期"], k.contrib["停保日期"]):
        if who == "在职职工":
            employee[x].append((s, e))
        elif who == "灵活就业人员" and base and float(base) >= 6_000:
            flexible[x].append((s, e))
    for gid, g in k.grants.items():
        for x in k.members[gid] | {g["holder"]}:
            if any(_overlap(g["start"], g["end"], a, b) for a, b in employee.get(x, ())):
                hits["employee_insurance_during_grant"].add(g["holder"])
            if any(_overlap(g["start"], g["end"], a, b) for a, b in flexible.get(x, ())):
                hits["flexible_high_base"].add(g["holder"])


def _year(d) -> int:
    return int(str(np.datetime64(int(d), "D"))[:4])


def _tax(k: County, hits) -> None:
    """Annual income per (person, item group, year) from the tax records; members and duty kin."""
    wage, business, every = defaultdict(float), defaultdict(float), defaultdict(float)
    for x, item, s, inc in zip(k.tax["纳税人身份证号"], k.tax["所得项目"], k.tax["税款所属期起"], k.tax["收入额(元)"]):
        key = (x, _year(s))
        (wage if item == "工资薪金所得" else business)[key] += float(inc)
        every[key] += float(inc)
    for gid, g in k.grants.items():
        years = range(_year(g["start"]), _year(g["end"]) + 1)
        for x in k.members[gid] | {g["holder"]}:
            if any(wage.get((x, y), 0) >= 60_000 for y in years):
                hits["taxable_wage_income"].add(g["holder"])
            if any(business.get((x, y), 0) >= 60_000 for y in years):
                hits["business_income_member"].add(g["holder"])
        h = g["holder"]
        duty = (k.children.get(h, set()) | k.parents.get(h, set()) | k.spouse.get(h, set())) - k.members[gid] - {h}
        for r in duty:
            if k.household.get(r) != g["household"] and any(every.get((r, y), 0) >= 120_000 for y in years):
                hits["kin_high_income"].add(h)


def favour_relief(k: County) -> dict[str, set]:
    hits = defaultdict(set)
    posts = k.cadre_posts()
    close = {}

    def cl(x):
        if x not in close:
            close[x] = k.close(x)
        return close[x]
    for gid, g in k.grants.items():
        h = g["holder"]
        for c, unit, s, e in posts:
            if _in_scope(unit, g["village"]) and s <= g["start"] <= e and h in cl(c) \
                    and k.household.get(h) != k.household.get(c) and (c, h) not in k.filed:
                hits["cadre_relative_unfiled"].add(h)
        if g["assessor"] in cl(h) or g["approver"] in cl(h):
            hits["approved_by_relative"].add(h)
    served = defaultdict(list)
    for x, s, e in zip(k.posts["身份证号"], k.posts["任职开始"], k.posts["任职结束"]):
        served[x].append((s, e))
    for gid, g in k.grants.items():
        if any(_overlap(g["start"], g["end"], a, b) for x in k.members[gid] | {g["holder"]} for a, b in served.get(x, ())):
            hits["cadre_on_relief"].add(g["holder"])
    # The declared test: kin households of the cadre in the village (two hops, own excluded), the
    # village's share of register households on dibao / destitute support, Poisson tail below 0.005.
    registered, covered = defaultdict(set), defaultdict(set)
    for hh, v in k.hh_village.items():
        registered[v].add(hh)
    for g in k.grants.values():
        if g["programme"] in ("1", "2") and g["household"] in k.hh_village:
            covered[k.hh_village[g["household"]]].add(g["household"])
    for c, unit, s, e in {(c, unit, None, None) for c, unit, *_ in posts}:
        if len(unit) != 12 or not registered[unit]:
            continue
        own = k.household.get(c)
        kin_hh = {k.household.get(r) for r in cl(c)} - {own, None}
        gs = {gid for gid, g in k.grants.items()  # only grants in the cadre's own village
              if g["programme"] in ("1", "2") and (g["village"] or k.hh_village.get(g["household"])) == unit
              and g["holder"] in cl(c) and g["household"] != own}
        granted = {k.grants[x]["household"] for x in gs}
        n = len({h for h in kin_hh if k.hh_village.get(h) == unit} | granted)
        lam = n * len(covered[unit]) / len(registered[unit])
        tail = 1.0 - sum(math.exp(-lam) * lam ** i / math.factorial(i) for i in range(len(granted)))
        if len(granted) >= 2 and tail < 0.005:
            hits["kin_network_concentration"] |= {k.grants[x]["holder"] for x in gs}
    cad = {c for c, *_ in posts}
    phone = {k.contact[c][0]: c for c in cad if c in k.contact}
    addr = {k.contact[c][1]: c for c in cad if c in k.contact}
    acct = {k.contact[c][2]: c for c in cad if c in k.contact}
    paid_to = defaultdict(set)
    for gid, acc in zip(k.pay["救助编号"], k.pay["银行账号"]):
        paid_to[gid].add(acc)
    for gid, g in k.grants.items():
        h = g["holder"]
        tied = {phone.get(g["phone"]), addr.get(g["address"])} | {acct.get(a) for a in paid_to[gid] | {g["account"]}}
        for c in tied - {None}:
            if c != h and c not in cl(h) and k.household.get(c) != k.household.get(h):
                hits["shared_contact_hidden_tie"].add(h)
    return hits


def cadre_conflict(k: County) -> dict[str, set]:
    hits = defaultdict(set)
    controls = defaultdict(list)  # person -> companies as legal rep or shareholder
    for c, x in zip(k.comp["统一社会信用代码"], k.comp["法定代表人证件号码"]):
        controls[x].append(c)
    for c, x in zip(k.holders["统一社会信用代码"], k.holders["股东证件号码"]):
        controls[x].append(c)
    share = defaultdict(list)
    for c, x, s, e in zip(k.holders["统一社会信用代码"], k.holders["股东证件号码"], k.holders["认缴日期"], k.holders["退出日期"]):
        share[x].append((c, s, e))
    awards = defaultdict(list)
    for c, v, d in zip(k.projects["中标单位统一社会信用代码"], k.projects["实施地点代码"], k.projects["中标日期"]):
        awards[c].append((v, d))
    for cadre, unit, s, e in k.cadre_posts():
        rel = k.close(cadre)
        for r in rel:
            for comp in controls.get(r, ()):
                if any(_in_scope(unit, v) and s <= d <= e for v, d in awards.get(comp, ())):
                    hits["relative_company_project"].add(cadre)
        if len(unit) == 12:
            for x, v, ps in zip(k.welfare["身份证号"], k.welfare["所在村代码"], k.welfare["上岗日期"]):
                if x in rel and v == unit and s <= ps <= e:
                    hits["relative_welfare_post"].add(cadre)
        for comp, a, b in share.get(cadre, ()):
            if any(s <= d <= e and a <= d <= (b if b is not None else INF) for _, d in awards.get(comp, ())):
                hits["cadre_shareholder_funded"].add(cadre)
    return hits


def at_risk(k: County) -> dict[str, set]:
    """Households with >= 20 000 yuan out of pocket in the year before as_of and no relief since the first bill."""
    hits = defaultdict(set)
    y, m, d = (int(v) for v in str(np.datetime64(k.as_of, "D")).split("-"))
    since = int(np.datetime64(f"{y - 1:04d}-{m:02d}-{min(d, 28) if m == 2 else d:02d}", "D").astype(np.int64))
    bills = clean(k.out, "yibao_jiesuan.csv")
    oop, first, seen = defaultdict(float), {}, set()
    for b, x, s, amount in zip(bills["结算单号"], bills["身份证号"], bills["结算日期"], bills["个人自付(元)"]):
        hh = k.household.get(x)
        if hh is None or not since < s <= k.as_of or b in seen:  # a bill repeated in another date style counts once
            continue
        seen.add(b)
        oop[hh] += float(amount)
        first[hh] = min(first.get(hh, INF), s)
    helped = set()
    for gid, g in k.grants.items():
        for hh in {g["household"]} | {k.household.get(x) for x in k.members[gid]}:
            if hh in first and g["programme"] in ("1", "2", "3") and g["end"] >= first[hh] and g["start"] <= k.as_of:
                helped.add(hh)
    reg = clean(k.out, "gongan_huji.csv")
    head = {hh: x for x, hh, r in zip(reg["公民身份号码"], reg["户号"], reg["与户主关系"]) if r == "02"}
    for hh, total in oop.items():
        if total >= 20_000 and hh not in helped:
            hits["large_medical_bill"].add(head[hh])
    return hits


def _ymd(day: int) -> tuple[int, int, int]:
    y, m, d = (int(v) for v in str(np.datetime64(day, "D")).split("-"))
    return y, m, d


def _years_before(as_of: int, n: int) -> int:
    """The same calendar day n years before as_of (28 February for a 29th)."""
    y, m, d = _ymd(as_of)
    return int(np.datetime64(f"{y - n:04d}-{m:02d}-{min(d, 28) if m == 2 else d:02d}", "D").astype(np.int64))


def _heads(k: County) -> dict:
    """Household number -> its head's ID, from the register."""
    reg = clean(k.out, "gongan_huji.csv")
    return {hh: x for x, hh, r in zip(reg["公民身份号码"], reg["户号"], reg["与户主关系"]) if r == "02"}


def _members_by_household(k: County) -> dict:
    members = defaultdict(set)
    for x, hh in k.household.items():
        members[hh].add(x)
    return members


def _age(birth: int, on: int) -> int:
    (by, bm, bd), (y, m, d) = _ymd(birth), _ymd(on)
    return y - by - ((m, d) < (bm, bd))


def main_earner_death(k: County) -> set:
    """A member aged 16-59 at death (within 2 years) with payroll or a business role that day, the survivors
    all under 16 or 60+, and no relief ending on or after the death. Subject: surviving head, else eldest."""
    since = _years_before(k.as_of, 2)
    reg = clean(k.out, "gongan_huji.csv")
    birth = dict(zip(reg["公民身份号码"], reg["出生日期"]))
    rel = dict(zip(reg["公民身份号码"], reg["与户主关系"]))
    members = _members_by_household(k)
    spans = defaultdict(list)
    for x, s in k.payroll_spans().items():
        spans[x] += s
    for x, roles in k.company_roles().items():
        spans[x] += [(s, e) for _, s, e in roles]
    grants_of = defaultdict(list)
    for gid, g in k.grants.items():
        if g["programme"] in ("1", "2", "3"):
            grants_of[g["household"]].append(g)
            for x in k.members[gid]:
                grants_of[k.household.get(x)].append(g)
    found = set()
    for e, died in k.death.items():
        hh = k.household.get(e)
        if hh is None or not since < died <= k.as_of or e not in birth or not 16 <= _age(birth[e], died) < 60:
            continue
        if not any(s <= died and (t is None or t >= died) for s, t in spans.get(e, ())):
            continue
        alive = sorted((birth[x], x) for x in members[hh] - {e} if not (x in k.death and k.death[x] <= k.as_of))
        if not alive or any(16 <= _age(b, k.as_of) < 60 for b, _ in alive):
            continue
        if any(g["end"] >= died and g["start"] <= k.as_of for g in grants_of[hh]):
            continue
        heads = [x for _, x in alive if rel.get(x) == "02"]
        found.add(heads[0] if heads else alive[0][1])
    return found


def _helped_since(k: County) -> dict:
    """register household -> [(start, end)] of its dibao / destitute / temporary grants (own or a member's)."""
    spans = defaultdict(list)
    for gid, g in k.grants.items():
        if g["programme"] in ("1", "2", "3"):
            for hh in {g["household"]} | {k.household.get(x) for x in k.members[gid]}:
                spans[hh].append((g["start"], g["end"]))
    return spans


def welfare_job_lost(k: County) -> set:
    """A public-welfare post ended in the year before as_of; no living member holds a post, payroll, provident
    fund or company role at as_of; no relief ending on or after the earliest loss. Subject: the head."""
    since = _years_before(k.as_of, 1)
    lost = {}
    held = defaultdict(list)
    for x, s, e in zip(k.welfare["身份证号"], k.welfare["上岗日期"], k.welfare["离岗日期"]):
        held[x].append((s, e))
        if x and e is not None and since < e <= k.as_of and not (x in k.death and k.death[x] <= k.as_of):
            hh = k.household.get(x)
            if hh is not None:
                lost[hh] = min(lost.get(hh, INF), e)
    for x, spans in k.payroll_spans().items():
        held[x] += spans
    for x, roles in k.company_roles().items():
        held[x] += [(s, e) for _, s, e in roles]
    for x, s, e in zip(k.fund["身份证号"], k.fund["开户日期"], k.fund["封存日期"]):
        held[x].append((s, e))
    members = _members_by_household(k)
    helped = _helped_since(k)
    heads = _heads(k)
    found = set()
    for hh, first in lost.items():
        alive = [x for x in members[hh] if not (x in k.death and k.death[x] <= k.as_of)]
        if any(s <= k.as_of and (e is None or e > k.as_of) for x in alive for s, e in held.get(x, ())):
            continue
        if any(e >= first and s <= k.as_of for s, e in helped.get(hh, ())):
            continue
        found.add(heads[hh])
    return found


def disaster_no_relief(k: County) -> set:
    """A house collapsed or severely damaged in the year before as_of; no relief ending on or after the
    earliest such disaster. Subject: the head of the registered person's household."""
    since = _years_before(k.as_of, 1)
    first = {}
    reg = clean(k.out, "yingji_shouzai.csv")
    for x, s, damage in zip(reg["户主身份证号"], reg["受灾日期"], reg["房屋倒损程度"]):
        hh = k.household.get(x)
        if hh is not None and since < s <= k.as_of and damage in ("倒塌", "严重损坏"):
            first[hh] = min(first.get(hh, INF), s)
    helped = _helped_since(k)
    heads = _heads(k)
    return {heads[hh] for hh, f in first.items()
            if not any(e >= f and s <= k.as_of for s, e in helped.get(hh, ()))}


def disabled_earner(k: County) -> set:
    """A first certificate of grade 1-2 issued in the year before as_of to a member aged 16-59 at issue, alive
    at as_of; every other living member under 16 or 60+ at as_of; no relief ending on or after the earliest
    such certificate. Subject: the head (else the holder)."""
    since = _years_before(k.as_of, 1)
    reg = clean(k.out, "gongan_huji.csv")
    birth = dict(zip(reg["公民身份号码"], reg["出生日期"]))
    heads = _heads(k)
    members = _members_by_household(k)
    alive = {x for x in k.household if not (x in k.death and k.death[x] <= k.as_of)}
    c = clean(k.out, "canlian_canjizheng.csv")
    issued = defaultdict(list)
    for x, s, g, r in zip(c["身份证号"], c["发证日期"], c["残疾等级"], c["注销日期"]):
        issued[x].append((s, g, r))
    first = {}
    for x, cs in issued.items():
        s, g, r = min(cs, key=lambda t: t[0])
        hh = k.household.get(x)
        if (hh is None or x not in alive or x not in birth or not since < s <= k.as_of or g not in ("一级", "二级")
                or (r is not None and r <= k.as_of) or not 16 <= _age(birth[x], s) < 60):
            continue
        if any(16 <= _age(birth[o], k.as_of) < 60 for o in members[hh] - {x} if o in alive and o in birth):
            continue
        first[hh] = min(first.get(hh, INF), s)
    helped = _helped_since(k)
    return {heads.get(hh) for hh, f in first.items() if not any(e >= f and s <= k.as_of for s, e in helped.get(hh, ()))}


def ill_after_dibao_exit(k: County) -> set:
    """The household's last dibao ended within 2 years before as_of; bills settled after it and within the
    year before as_of add up to >= 10 000 yuan out of pocket; no relief ending on or after the first such bill."""
    since, exit_since = _years_before(k.as_of, 1), _years_before(k.as_of, 2)
    exited = {}
    for g in k.grants.values():
        if g["programme"] == "1" and exit_since < g["end"] < k.as_of:
            exited[g["household"]] = max(exited.get(g["household"], 0), g["end"])
    bills = clean(k.out, "yibao_jiesuan.csv")
    oop, first, seen = defaultdict(float), {}, set()
    for b, x, s, amount in zip(bills["结算单号"], bills["身份证号"], bills["结算日期"], bills["个人自付(元)"]):
        hh = k.household.get(x)
        if hh not in exited or b in seen or not (s > exited[hh] and since < s <= k.as_of):
            continue
        seen.add(b)
        oop[hh] += float(amount)
        first[hh] = min(first.get(hh, INF), s)
    helped = _helped_since(k)
    heads = _heads(k)
    return {heads[hh] for hh, total in oop.items()
            if total >= 10_000 and not any(e >= first[hh] and s <= k.as_of for s, e in helped.get(hh, ()))}


def earner_in_custody(k: County) -> set:
    """Custody begun in the year before as_of and still running, of a member aged 16-59 at admission; at least
    one other living member, all under 16 or 60+ at as_of; no relief ending on or after the admission."""
    since = _years_before(k.as_of, 1)
    reg = clean(k.out, "gongan_huji.csv")
    birth = dict(zip(reg["公民身份号码"], reg["出生日期"]))
    heads = _heads(k)
    members = _members_by_household(k)
    first = {}
    for x, s, e in zip(k.custody["身份证号"], k.custody["入监(所)日期"], k.custody["出监(所)日期"]):
        hh = k.household.get(x)
        if hh is None or x not in birth or not since < s <= k.as_of or (e is not None and e <= k.as_of):
            continue
        if not 16 <= _age(birth[x], s) < 60:
            continue
        rest = [o for o in members[hh] - {x} if not (o in k.death and k.death[o] <= k.as_of) and o in birth]
        if not rest or any(16 <= _age(birth[o], k.as_of) < 60 for o in rest):
            continue
        first[hh] = min(first.get(hh, INF), s)
    helped = _helped_since(k)
    return {heads.get(hh) for hh, f in first.items() if not any(e >= f and s <= k.as_of for s, e in helped.get(hh, ()))}


def at_risk_all(k: County) -> dict[str, set]:
    hits = at_risk(k)
    hits["main_earner_death"] = main_earner_death(k)
    hits["welfare_job_lost"] = welfare_job_lost(k)
    hits["disaster_no_relief"] = disaster_no_relief(k)
    hits["disabled_earner"] = disabled_earner(k)
    hits["ill_after_dibao_exit"] = ill_after_dibao_exit(k)
    hits["earner_in_custody"] = earner_in_custody(k)
    return hits


def _month(day: int) -> int:
    return int(np.datetime64(int(day), "D").astype("datetime64[M]").astype(np.int64)) + 1970 * 12


def disability(k: County) -> dict[str, set]:
    """The two disability subsidies: after death, without a valid certificate, twice for one month."""
    hits = defaultdict(set)
    certs = defaultdict(list)
    c = clean(k.out, "canlian_canjizheng.csv")
    for x, s, v, r in zip(c["身份证号"], c["发证日期"], c["有效期至"], c["注销日期"]):
        end = min(e for e in (v, r, 10 ** 9) if e is not None)
        certs[x].append((_month(s), _month(end) if end < 10 ** 9 else 10 ** 9))
    pay = clean(k.out, "canlian_liangxiang.csv")
    seen = defaultdict(set)
    for x, kind, m, serial in zip(pay["身份证号"], pay["补贴类别"], pay["补贴月份"], pay["发放流水号"]):
        died = k.death.get(x, k.cremated.get(x))
        if died is not None and m > _month(died):
            hits["disability_subsidy_after_death"].add(x)
        elif not any(a <= m <= b for a, b in certs.get(x, ())):
            hits["disability_subsidy_without_cert"].add(x)
        seen[(x, kind, m)].add(serial)
    hits["disability_subsidy_twice"] = {x for (x, _, _), s in seen.items() if len(s) > 1}
    return hits


def pensions(k: County, line: float = 700) -> dict[str, set]:
    """Covered members' pensions per covered member above the line (dibao); a public-staff pension of a member."""
    hits = defaultdict(set)
    by = defaultdict(list)
    t = clean(k.out, "renshe_yanglaojin.csv")
    for x, scheme, s, e, amount in zip(t["身份证号"], t["险种类型"], t["待遇开始年月"], t["待遇终止年月"], t["月养老金(元)"]):
        by[x].append((scheme, s, e if e is not None else 10 ** 9, float(amount)))
    for gid, g in k.grants.items():
        covered = k.members[gid] | {g["holder"]}
        g0, g1 = _month(g["start"]), _month(g["end"])
        spells = [(x, p) for x in covered for p in by.get(x, ()) if p[1] <= g1 and p[2] >= g0]
        if g["programme"] == "1" and sum(p[3] for _, p in spells) / len(covered) > line:
            hits["pension_above_dibao_line"].add(g["holder"])
        if any(p[0] == "120" for _, p in spells):
            hits["public_pension_member"].add(g["holder"])
    return hits


def cross_county(k: County) -> dict[str, set]:
    """A covered member of a dibao or destitute grant on another county's roll in an overlapping month."""
    by = defaultdict(list)
    t = clean(k.out, "waixian_jiuzhu.csv")
    for x, s, e in zip(t["身份证号"], t["享受起始年月"], t["享受终止年月"]):
        by[x].append((s, e if e is not None else 10 ** 9))
    hits = defaultdict(set)
    for gid, g in k.grants.items():
        if g["programme"] not in ("1", "2"):
            continue
        g0, g1 = _month(g["start"]), _month(g["end"])
        if any(s <= g1 and e >= g0 for x in k.members[gid] | {g["holder"]} for s, e in by.get(x, ())):
            hits["cross_county_enrolment"].add(g["holder"])
    return hits


def student_aid(k: County) -> dict[str, set]:
    """Student aid: the same kind twice for one term; certified on the dibao / destitute basis after the
    household's grant of that programme ended, with none of it running on the day of certification."""
    hits = defaultdict(set)
    t = clean(k.out, "jiaoyu_zizhu.csv")
    seen = defaultdict(set)
    programme = {"1": "1", "2": "2"}   # 认定类型 低保家庭 / 特困供养 → 救助类别 最低生活保障 / 特困人员供养
    by_hh = defaultdict(list)
    for g in k.grants.values():
        by_hh[g["household"]].append(g)
    for x, year, sem, kind, basis, cert, serial in zip(t["身份证件号"], t["学年"], t["学期"], t["资助项目代码"],
                                                       t["认定类型"], t["认定日期"], t["发放流水号"]):
        seen[(x, kind, f"{year}-{sem}")].add(serial)
        if basis not in programme or cert is None:
            continue
        gs = [g for g in by_hh.get(k.household.get(x), ()) if g["programme"] == programme[basis]]
        covered = [g for gid, g in k.grants.items() if g["programme"] == programme[basis] and x in k.members[gid]]
        ended = any(g["end"] < cert for g in gs)
        running = any(g["start"] <= cert <= g["end"] for g in gs + covered)
        if ended and not running:
            hits["student_aid_basis_lapsed"].add(x)
    hits["student_aid_twice"] = {x for (x, _, _), s in seen.items() if len(s) > 1}
    return hits
