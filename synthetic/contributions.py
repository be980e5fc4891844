"""Social-insurance contributions (社会保险缴费) and the planted contribution cases.

Two patterns:

- employee_insurance_during_grant: a covered member pays urban employees'
  pension insurance as an employee (在职职工, the employer pays its share),
  i.e. is formally employed, during the grant. Decoys: the contributions
  stopped before the grant; the member is in the residents' scheme
  (城乡居民基本养老保险, which most recipients are, often paid by the state).
- flexible_high_base: a covered member pays as a flexible worker (灵活就业)
  on a base at least the provincial average wage — a base the worker chose,
  which shows an income of that size. Decoys: the lowest base (60 % of the
  average wage, often subsidised for people in hardship), and a high base
  only before the grant.

The background gives employee and flexible contributions to adults far
from every grant, the residents' scheme to many members of ordinary grants
and the lowest flexible base to a few of them.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, NONE, day, years
from .regions import COUNTY_NAME
from .world import Table, World

FAMILY = "hidden_assets"
EMPLOYEE, FLEXIBLE, RESIDENT = "在职职工", "灵活就业人员", "城乡居民"
EMP_PENSION, RES_PENSION = "企业职工基本养老保险", "城乡居民基本养老保险"
B_INSURANCE = {EMP_PENSION: "110", RES_PENSION: "170"}
B_INSURED = {EMPLOYEE: "1", FLEXIBLE: "3", RESIDENT: "5"}
FLEX_UNIT = f"{COUNTY_NAME}灵活就业人员"            # the agency's collective account
RES_UNIT = f"{COUNTY_NAME}城乡居民养老保险"
EMPLOYERS = ["青禾县城投建设有限公司", "青禾县供电公司", "青禾县糖业有限公司", "广西青禾水泥有限公司",
             "河池市交通运输有限公司", "河池市建筑工程有限公司", "青禾县农村信用合作联社", "青禾县人民医院"]
EMPLOYEE_SHARE, FLEX_SHARE = 0.03, 0.005
RESIDENT_MEMBERS, LOW_FLEX_GRANTS = 0.4, 1 / 30


def table(w: World) -> Table:
    """person, unit, insurance, insured_as, base (元/月), start, end (NONE while paying)."""
    return w.tables.setdefault("contributions", Table("person", "unit", "insurance", "insured_as", "base",
                                                      "start", "end"))


def add(w: World, person: int, unit: str, insured_as: str, base: float, start: int, end: int) -> None:
    insurance = RES_PENSION if insured_as == RESIDENT else EMP_PENSION
    table(w).add(person=int(person), unit=unit, insurance=insurance, insured_as=insured_as,
                 base=float(base), start=int(start), end=int(end))


def _employer(rng) -> str:
    return EMPLOYERS[int(rng.integers(len(EMPLOYERS)))]


def plant(pl, n: int) -> None:
    _employee(pl, n)
    _flexible(pl, n)


def _case(pl, rng, s):
    """An open spell started before the grant or during it."""
    if rng.random() < 0.5:
        return s - int(rng.integers(100, 1500)), "before grant, still paying 申请前已参保且仍在缴费"
    return s + int(rng.integers(30, max(31, min(BASE - s - 30, 900)))), "during grant 享受期间开始缴费"


def _employee(pl, n: int) -> None:
    from .hidden_assets import _owner_case
    from .planting import cases
    w, rng = pl.w, pl.w.rng("contributions.employee")
    table(w)
    for kind, _ in cases(n, ["stopped_before_grant", "resident_insurance"]):
        c = _owner_case(pl, 22, 55)
        if c is None:
            continue
        h, s, g, x = c
        if kind == "true":
            a, when = _case(pl, rng, s)
            add(w, x, _employer(rng), EMPLOYEE, int(rng.integers(35, 120)) * 100, a, NONE)
            note = f"member pays employees' pension insurance as an employee from {dates.iso1(a)}, {when}"
        elif kind == "stopped_before_grant":
            e = s - int(rng.integers(60, 700))
            add(w, x, _employer(rng), EMPLOYEE, int(rng.integers(35, 90)) * 100, e - int(rng.integers(365, years(6))), e)
            note = f"decoy: employee contributions stopped {dates.iso1(e)} before the grant 申请前已停保"
        else:
            add(w, x, RES_UNIT, RESIDENT, 0, s - int(rng.integers(100, 2000)), NONE)
            note = "decoy: residents' pension insurance (not employment) 城乡居民养老保险"
        _truth(pl, "employee_insurance_during_grant", g, kind, note, x)


def _flexible(pl, n: int) -> None:
    from .hidden_assets import _owner_case
    from .planting import cases
    w, rng = pl.w, pl.w.rng("contributions.flexible")
    for kind, _ in cases(n, ["flexible_minimum_base", "high_base_before_grant"]):
        c = _owner_case(pl, 22, 55)
        if c is None:
            continue
        h, s, g, x = c
        if kind == "true":
            a, when = _case(pl, rng, s)
            base = int(rng.integers(70, 200)) * 100
            add(w, x, FLEX_UNIT, FLEXIBLE, base, a, NONE)
            note = f"member pays as a flexible worker on a base of {base} 元/月 from {dates.iso1(a)}, {when}"
        elif kind == "flexible_minimum_base":
            a, _ = _case(pl, rng, s)
            add(w, x, FLEX_UNIT, FLEXIBLE, int(rng.integers(36, 45)) * 100, a, NONE)
            note = "decoy: flexible worker on the lowest base 按最低档缴费的灵活就业"
        else:
            e = s - int(rng.integers(60, 700))
            add(w, x, FLEX_UNIT, FLEXIBLE, int(rng.integers(70, 150)) * 100, e - int(rng.integers(365, years(5))), e)
            note = f"decoy: high flexible base only until {dates.iso1(e)}, before the grant 申请前的高基数缴费"
        _truth(pl, "flexible_high_base", g, kind, note, x)


def _truth(pl, pattern: str, g: int, kind: str, note: str, related: int) -> None:
    G = pl.w.tables["grants"]
    pl.w.add_truth(FAMILY, pattern, int(G.col("holder")[g]), int(G.col("household")[g]), kind != "true", note,
                   grant=g, related=related, kind=kind)


def background(w: World, allowed: np.ndarray, n_planted_grants: int) -> None:
    rng = w.rng("contributions.background")
    p = w.people
    age = dates.age_on(p.birth, np.full(p.n, BASE))
    cand = np.flatnonzero(allowed & ~w.used & (age >= 22) & (age <= 58) & (p.death > BASE))
    k = rng.choice(cand, min(len(cand), int(p.n * EMPLOYEE_SHARE)), replace=False) if len(cand) else cand
    for x in np.sort(k):
        a = int(rng.integers(max(int(p.birth[x]) + years(18), day(2005, 1, 1)), BASE - 30))
        e = a + int(rng.integers(365, years(15)))
        add(w, int(x), _employer(rng), EMPLOYEE, int(rng.integers(35, 200)) * 100, a, e if e < BASE else NONE)
    rest = np.setdiff1d(cand, k)
    k = rng.choice(rest, min(len(rest), int(p.n * FLEX_SHARE)), replace=False) if len(rest) else rest
    for x in np.sort(k):
        a = int(rng.integers(day(2012, 1, 1), BASE - 30))
        add(w, int(x), FLEX_UNIT, FLEXIBLE, int(rng.integers(36, 200)) * 100, a, NONE)
    # Lawful look-alikes among ordinary grants: the residents' scheme, and the lowest flexible base.
    G, M = w.tables["grants"], w.tables["members"]
    gm, mp = M.col("grant").astype(np.int64), M.col("person").astype(np.int64)
    seen: set[int] = set()
    low = {gi for gi in range(n_planted_grants, len(G)) if rng.random() < LOW_FLEX_GRANTS}
    for gi, x in zip(gm, mp):
        if gi < n_planted_grants or x in seen or w.protected[x] or not 18 <= age[x] <= 59:
            continue
        seen.add(int(x))
        s = int(G.col("start")[gi])
        if gi in low:
            low.discard(gi)
            add(w, int(x), FLEX_UNIT, FLEXIBLE, int(rng.integers(36, 45)) * 100, s + int(rng.integers(0, 400)), NONE)
        elif rng.random() < RESIDENT_MEMBERS:
            add(w, int(x), RES_UNIT, RESIDENT, 0, max(day(2012, 1, 1), s - int(rng.integers(0, 3000))), NONE)


# --- extracts ----------------------------------------------------------------------
def extract(ctx):
    """人社局 社会保险个人缴费信息 (layout a)."""
    from .extracts import frame
    from .extracts_others import _end
    from .mess import Spec
    T = table(ctx.w)
    k = ctx.known(T, "start")
    spec = Spec(
        file="shebao_jiaofei.csv", agency="人力资源和社会保障局", title="社会保险个人缴费信息",
        title_en="social insurance contributions", encoding="utf-8",
        columns=["个人编号", "姓名", "身份证号", "参保单位", "险种", "参保身份", "缴费基数(元)", "参保日期", "停保日期"],
        id_cols=["身份证号"], date_cols=["参保日期", "停保日期"], key_cols=["个人编号", "身份证号"],
        text_cols=["姓名", "参保单位"], date_style="iso",
        notes="One row per contribution spell. 参保身份 在职职工/灵活就业人员/城乡居民; flexible workers and "
              "residents are under the agency's collective account. 缴费基数 in 元/月 (blank for residents). "
              "停保日期 blank while contributing.")
    x = T.col("person").astype(np.int64)[k]
    base = T.col("base").astype(float)[k]
    df = frame(**{"个人编号": np.array([f"SB{i + 1:010d}" for i in k], dtype=object), "姓名": ctx.nm(x),
                  "身份证号": ctx.cid(x), "参保单位": T.col("unit")[k], "险种": T.col("insurance")[k],
                  "参保身份": T.col("insured_as")[k],
                  "缴费基数(元)": np.array([f"{b:.2f}" if b > 0 else "" for b in base], dtype=object),
                  "参保日期": T.col("start").astype(np.int64)[k], "停保日期": _end(T.col("end")[k], ctx.as_of),
                  "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def extract_b(ctx):
    """The provincial system's export (layout b): GBK, codes, 20230105 dates, bases in 万元."""
    from .extracts_b import relayout

    def wan(d, c):
        return np.array([f"{float(v) / 10_000:.4f}" if v else "" for v in d["缴费基数(元)"]], dtype=object)
    build = relayout(extract, "社会保险缴费明细.csv", {
        "单位名称": "参保单位", "公民身份号码": "身份证号", "姓名": "姓名",
        "险种类型": lambda d, c: np.array([B_INSURANCE[v] for v in d["险种"]], dtype=object),
        "人员类别": lambda d, c: np.array([B_INSURED[v] for v in d["参保身份"]], dtype=object),
        "月缴费基数(万元)": wan, "开始缴费日期": "参保日期", "终止缴费日期": "停保日期"},
        "contributions_b", encoding="gbk", crlf=True, date_style="compact",
        notes="险种类型 110 企业职工基本养老保险 / 170 城乡居民基本养老保险; 人员类别 1 在职职工 / 3 灵活就业 / "
              "5 城乡居民; 月缴费基数 in 万元 (0.65 = 6 500 元).")
    return build(ctx)
