"""Individual income tax records (个人所得税) and the planted tax cases.

A tax record is one person's income of one item (工资薪金 wages, 经营所得
business income) in one tax year, from a withholding agent or the person's
own business. Three patterns:

- taxable_wage_income: a covered member's wages in a tax year of the grant
  reach the basic deduction (6万元/年, 《个人所得税法》第六条). Decoys: wages
  below it (declared, lawful: 零申报 and small wages are common), and high
  wages only in years before the grant began.
- business_income_member: the same for business income (经营所得, the same
  6万元 deduction for a person without wages). Decoys: small business income,
  business income before the grant.
- kin_high_income: a child or parent of the holder, in another household and
  not covered, earns at least 12万元 in a tax year of the grant. Decoys: a
  sibling (no duty of support) with as much, a child earning less.

The background gives wages and business income to adults far from every
grant, small declared wages to some members of ordinary grants, and
modest wages to some grant holders' children who live apart.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, NONE, day, years
from .regions import COUNTY_NAME
from .world import Table, World

FAMILY = "hidden_assets"
WAGE, BUSINESS = "工资薪金所得", "经营所得"
B_ITEM = {WAGE: "正常工资薪金", BUSINESS: "经营所得"}
FIRST_YEAR, LAST_YEAR = 2016, 2025     # complete tax years in the extract
BG_FIRST_YEAR = 2019
EMPLOYERS = ["青禾县城投建设有限公司", "青禾县供电公司", "河池市交通运输有限公司", "青禾县糖业有限公司",
             "广西青禾水泥有限公司", "河池市建筑工程有限公司", "南宁市物流有限公司", "广东东莞电子厂有限公司",
             "深圳市宏图电子科技有限公司", "佛山市家具制造有限公司"]
SHOP_WORDS = ["兴旺", "顺发", "鑫源", "福满", "宏达", "利民", "永盛", "金穗", "和顺", "祥瑞", "佳美", "聚福"]
SHOP_KINDS = ["百货店", "农资店", "餐馆", "建材经营部", "养殖场", "汽车修理店", "水果批发部", "五金店"]
DEDUCTION = 60_000          # 《个人所得税法》第六条 基本减除费用 (元/年)
KIN_THRESHOLD = 120_000
WAGE_SHARE, BUSINESS_SHARE = 0.02, 0.004
SMALL_WAGE_GRANTS, KIN_WAGE_GRANTS = 1 / 15, 1 / 10


def table(w: World) -> Table:
    """person, payer (name), item (所得项目), year, income (元)."""
    return w.tables.setdefault("tax", Table("person", "payer", "item", "year", "income"))


def add(w: World, person: int, payer: str, item: str, year: int, income: float) -> None:
    table(w).add(person=int(person), payer=payer, item=item, year=int(year), income=round(float(income), 2))


def tax_due(income: float) -> float:
    """Annual tax on income after the basic deduction, by the 3 % / 10 % / 20 % brackets."""
    t = income - DEDUCTION
    if t <= 0:
        return 0.0
    if t <= 36_000:
        return round(t * 0.03, 2)
    if t <= 144_000:
        return round(t * 0.10 - 2_520, 2)
    return round(t * 0.20 - 16_920, 2)


def _employer(rng) -> str:
    return EMPLOYERS[int(rng.integers(len(EMPLOYERS)))]


def _shop(w: World, rng) -> str:
    shops = w.tables.setdefault("tax_shops", Table("name"))
    n = len(shops)
    word = SHOP_WORDS[int(rng.integers(len(SHOP_WORDS)))]
    kind = SHOP_KINDS[int(rng.integers(len(SHOP_KINDS)))]
    name = f"{COUNTY_NAME}{word}{kind}（{n + 1:04d}）"
    shops.add(name=name)
    return name


def _years_in(lo: int, hi: int, rng, most: int = 3) -> list[int]:
    """1..most consecutive years within [lo, hi]."""
    lo, hi = max(lo, FIRST_YEAR), min(hi, LAST_YEAR)
    if lo > hi:
        return []
    k = int(rng.integers(1, most + 1))
    a = int(rng.integers(lo, hi + 1))
    return list(range(a, min(hi, a + k - 1) + 1))


def _year(d: int) -> int:
    return int(dates.ymd(d)[0])


# --- planted cases -------------------------------------------------------------
def plant(pl, n: int) -> None:
    _member(pl, n, "taxable_wage_income", WAGE, ["income_under_threshold", "income_before_grant"])
    _member(pl, n, "business_income_member", BUSINESS, ["business_income_small", "business_before_grant"])
    _kin(pl, n)


def _member(pl, n: int, pattern: str, item: str, decoys: list[str]) -> None:
    from .hidden_assets import _owner_case
    from .planting import cases
    w, rng = pl.w, pl.w.rng(f"tax.{pattern}")
    table(w)
    for kind, _ in cases(n, decoys):
        c = _owner_case(pl, 22, 55)
        if c is None:
            continue
        h, s, g, x = c
        if kind == "income_under_threshold":
            # These grants end in the next data month: every county shows some grants closing.
            w.tables["grants"].set("end", g, BASE + int(rng.integers(5, 25)))
        sy = _year(s)
        payer = _employer(rng) if item == WAGE else _shop(w, rng)
        if kind == "true":
            ys = _years_in(sy, LAST_YEAR, rng)
            lo, hi = 66_000, 180_000
            note = f"member's {item} ≥ 6万元 in tax year(s) {ys} of the grant 救助期间年收入超过基本减除费用"
        elif kind.endswith("before_grant"):
            ys = _years_in(sy - 4, sy - 1, rng)
            lo, hi = 70_000, 160_000
            note = f"decoy: {item} ≥ 6万元 only in {ys}, before the grant began 申请前的收入"
        else:
            ys = _years_in(sy, LAST_YEAR, rng)
            lo, hi = 6_000, 45_000
            note = f"decoy: {item} below the 6万元 deduction in {ys} 收入低于基本减除费用"
        for y in ys:
            add(w, x, payer, item, y, rng.integers(lo, hi))
        G = w.tables["grants"]
        w.add_truth(FAMILY, pattern, int(G.col("holder")[g]), int(G.col("household")[g]), kind != "true", note,
                    grant=g, related=x, kind=kind)


def _kin(pl, n: int) -> None:
    from .planting import cases
    w, kin, rng = pl.w, pl.kin, pl.w.rng("tax.kin")

    def duty(h):
        out = set()
        for m in pl.members_of(h):
            out.update(kin.neighbours(int(m)))
        return out

    def relatives(h, labels):
        rel = kin.close_relatives(int(w.hh.head[h]))
        rs = [r for r, lab in rel.items() if lab in labels and w.hh.of[r] != h and pl.lasting(r)
              and 25 <= pl.age(r) <= 60 and not w.used[r] and not pl.cadre[r]
              and not w.hh_used[w.hh.of[r]] and pl.asset_ok(r, h)]
        if labels == ("sibling",):   # not also some other member's child or parent
            d = duty(h)
            rs = [r for r in rs if r not in d]
        return rs

    for kind, _ in cases(n, ["sibling_high_income", "kin_income_under_threshold"]):
        labels = ("sibling",) if kind == "sibling_high_income" else ("child", "parent")
        h = pl.take_household(lambda h: bool(relatives(h, labels)))
        if h < 0:
            continue
        s = pl.grant_start()
        g = pl.grant(h, s)
        rs = relatives(h, labels)
        if not rs:
            continue
        r = rs[0]
        pl.reserve_asset(r)
        w.hh_used[w.hh.of[r]] = True
        ys = _years_in(_year(s), LAST_YEAR, rng)
        lo, hi = (70_000, 110_000) if kind == "kin_income_under_threshold" else (130_000, 320_000)
        for y in ys:
            add(w, r, _employer(rng), WAGE, y, rng.integers(lo, hi))
        note = {"true": f"holder's parent/child in another household earns ≥ 12万元 in {ys} 赡养义务人高收入",
                "sibling_high_income": "decoy: a sibling (no duty of support) earns as much 兄弟姐妹无赡养义务",
                "kin_income_under_threshold": f"decoy: holder's child earns below 12万元 in {ys} 义务人收入不高"}[kind]
        G = w.tables["grants"]
        w.add_truth(FAMILY, "kin_high_income", int(G.col("holder")[g]), int(G.col("household")[g]), kind != "true",
                    note, grant=g, related=r, kind=kind)


# --- background ------------------------------------------------------------------
def background(w: World, pl, allowed: np.ndarray, n_planted_grants: int) -> None:
    rng = w.rng("tax.background")
    p = w.people
    age = dates.age_on(p.birth, np.full(p.n, BASE))
    alive = p.death > day(LAST_YEAR + 1, 1, 1)
    cand = np.flatnonzero(allowed & ~w.used & (age >= 22) & (age <= 60) & alive)
    k = rng.choice(cand, min(len(cand), int(p.n * WAGE_SHARE)), replace=False) if len(cand) else cand
    for x in np.sort(k):
        payer = _employer(rng)
        for y in _years_in(max(BG_FIRST_YEAR, _year(int(p.birth[x]) + years(20))), LAST_YEAR, rng, most=5):
            add(w, int(x), payer, WAGE, y, rng.integers(24_000, 260_000))
    rest = np.setdiff1d(cand, k)
    k = rng.choice(rest, min(len(rest), int(p.n * BUSINESS_SHARE)), replace=False) if len(rest) else rest
    for x in np.sort(k):
        shop = _shop(w, rng)
        for y in _years_in(BG_FIRST_YEAR, LAST_YEAR, rng, most=5):
            add(w, int(x), shop, BUSINESS, y, rng.integers(20_000, 300_000))
    _ordinary_grants(w, pl, rng, n_planted_grants)


def _ordinary_grants(w: World, pl, rng, n_planted_grants: int) -> None:
    """Lawful look-alikes: small declared wages of members of ordinary grants, and
    modest wages of ordinary holders' children who live in another household."""
    G, M = w.tables["grants"], w.tables["members"]
    p = w.people
    R = w.tables.get("roster")
    on_roster = set(R.col("person").astype(np.int64).tolist()) if R is not None and len(R) else set()
    gm = M.col("grant").astype(np.int64)
    mp = M.col("person").astype(np.int64)
    by_grant: dict[int, list[int]] = {}
    for gi, x in zip(gm, mp):
        if gi >= n_planted_grants:
            by_grant.setdefault(int(gi), []).append(int(x))
    for gi in sorted(by_grant):
        s, e = int(G.col("start")[gi]), int(G.col("end")[gi])
        if G.col("programme")[gi] == "3":
            continue
        lo, hi = _year(s), min(_year(min(e, BASE)), LAST_YEAR)
        if rng.random() < SMALL_WAGE_GRANTS:
            # Only the living earn: a wage paid to someone already dead is a finding of its own.
            adults = [x for x in by_grant[gi] if 22 <= dates.age_on(p.birth[x], BASE) <= 55
                      and not w.protected[x] and pl.lasting(x)]
            if adults:
                x = adults[int(rng.integers(len(adults)))]
                payer = _employer(rng)
                for y in _years_in(lo, hi, rng):
                    add(w, x, payer, WAGE, y, rng.integers(6_000, 45_000))
        if rng.random() < KIN_WAGE_GRANTS:
            holder = int(G.col("holder")[gi])
            hh = int(G.col("household")[gi])
            kids = [int(c) for c in pl.kin.children(holder) if w.hh.of[c] != hh and not pl.member[c]
                    and int(c) not in on_roster
                    and not w.used[c] and not pl.cadre[c] and 22 <= dates.age_on(p.birth[c], BASE) <= 60
                    and pl.lasting(int(c))]
            if kids:
                c = kids[0]
                payer = _employer(rng)
                for y in _years_in(lo, hi, rng):
                    add(w, c, payer, WAGE, y, rng.integers(30_000, 100_000))


# --- extracts ----------------------------------------------------------------------
def _rows(ctx):
    T = table(ctx.w)
    last = _year(ctx.as_of) - 1
    yr = T.col("year").astype(np.int64)
    k = np.flatnonzero(yr <= last)
    k = k[np.lexsort((T.col("person").astype(np.int64)[k], yr[k]))]
    return T, k


def extract(ctx):
    """税务局 个人所得税纳税记录 (layout a): one row per person, item and tax year."""
    from .extracts import frame
    from .mess import Spec
    T, k = _rows(ctx)
    spec = Spec(
        file="shuiwu_geshui.csv", agency="税务局", title="个人所得税纳税记录", title_en="individual income tax",
        encoding="utf-8",
        columns=["纳税人身份证号", "纳税人姓名", "所得项目", "扣缴义务人名称", "税款所属期起", "税款所属期止",
                 "收入额(元)", "已缴税额(元)"],
        id_cols=["纳税人身份证号"], date_cols=["税款所属期起", "税款所属期止"], key_cols=["纳税人身份证号"],
        text_cols=["纳税人姓名", "扣缴义务人名称"], fullwidth_cols=["收入额(元)"], fullwidth=0.02, date_style="iso",
        notes="One row per person, income item (工资薪金所得/经营所得) and complete tax year; 扣缴义务人 is the "
              "employer, or the person's own business for 经营所得. Amounts in 元.")
    x = T.col("person").astype(np.int64)[k]
    yr = T.col("year").astype(np.int64)[k]
    inc = T.col("income").astype(float)[k]
    df = frame(**{"纳税人身份证号": ctx.cid(x), "纳税人姓名": ctx.nm(x), "所得项目": T.col("item")[k],
                  "扣缴义务人名称": T.col("payer")[k],
                  "税款所属期起": np.array([day(int(y), 1, 1) for y in yr], dtype=np.int64),
                  "税款所属期止": np.array([day(int(y), 12, 31) for y in yr], dtype=np.int64),
                  "收入额(元)": np.array([f"{v:.2f}" for v in inc], dtype=object),
                  "已缴税额(元)": np.array([f"{tax_due(v):.2f}" for v in inc], dtype=object),
                  "_protected": ctx.protected(x)})
    return spec, iter([df]), "纳税人姓名"


def extract_b(ctx):
    """The electronic tax bureau's withholding returns (layout b): one row per month, Excel,
    年月日 dates, amounts written 12,345.60; the twelve months add up to the year."""
    from .extracts import frame
    from .mess import Spec
    T, k = _rows(ctx)
    spec = Spec(
        file="个人所得税扣缴申报明细.xlsx", agency="税务局", title="个人所得税扣缴申报明细",
        title_en="individual income tax withholding returns (layout b)", encoding="xlsx",
        columns=["扣缴单位名称", "姓名", "证件号码", "所得项目名称", "所得期间起", "所得期间止", "本期收入", "应补退税额"],
        id_cols=["证件号码"], date_cols=["所得期间起", "所得期间止"], key_cols=["证件号码"],
        text_cols=["姓名", "扣缴单位名称"], date_style="cn",
        notes="One row per person, item and month (所得项目名称 正常工资薪金/经营所得); a year's income is the "
              "sum of its twelve months. Amounts with thousands separators.")
    reps = 12
    kk = np.repeat(k, reps)
    month = np.tile(np.arange(reps), len(k))
    x = T.col("person").astype(np.int64)[kk]
    yr = T.col("year").astype(np.int64)[kk]
    inc = T.col("income").astype(float)[k]
    cents = np.round(inc * 100).astype(np.int64)
    each = cents // reps
    part = np.repeat(each, reps)
    part[reps - 1::reps] += cents - each * reps          # December takes the remainder
    mi = yr * 12 + month
    first = dates.month_first_day(mi)
    last = dates.month_last_day(mi)
    tax = np.repeat(np.array([tax_due(v) / reps for v in inc]), reps)
    df = frame(**{"扣缴单位名称": T.col("payer")[kk], "姓名": ctx.nm(x), "证件号码": ctx.cid(x),
                  "所得项目名称": np.array([B_ITEM[i] for i in T.col("item")[kk]], dtype=object),
                  "所得期间起": first, "所得期间止": last,
                  "本期收入": np.array([f"{c / 100:,.2f}" for c in part], dtype=object),
                  "应补退税额": np.array([f"{t:,.2f}" for t in tax], dtype=object),
                  "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"
