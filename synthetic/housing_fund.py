"""Housing provident fund accounts (住房公积金缴存) and the planted housing_fund_during_grant cases.

Contributions to the housing provident fund mean formal employment with a
wage at least the contribution base: a covered member contributing during
the grant has an income the household did not declare. Decoy: the
contributions stopped (account sealed, 封存) before the grant began. In the
background the fund covers people on the public payroll and some private
employees, all far from every grant.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, NONE, day, years
from .world import Table, World

FAMILY = "hidden_assets"
PATTERN = "housing_fund_during_grant"
EMPLOYERS = ["青禾县城投建设有限公司", "青禾县供电公司", "青禾县农村信用合作联社", "河池市交通运输有限公司",
             "青禾县糖业有限公司", "青禾县自来水有限公司", "广西青禾水泥有限公司"]
PRIVATE_SHARE = 0.01


def table(w: World) -> Table:
    """person, employer, base (元/月), start, end (NONE while contributing)."""
    return w.tables.setdefault("housing_fund", Table("person", "employer", "base", "start", "end"))


def add(w: World, rng, person: int, employer: str, start: int, end: int) -> None:
    table(w).add(person=int(person), employer=employer, base=int(rng.integers(18, 60)) * 100,
                 start=int(start), end=int(end))


def plant(pl, n: int) -> None:
    from .planting import cases
    w, rng = pl.w, pl.w.rng("housing_fund.plant")
    table(w)
    for kind, _ in cases(n, ["sealed_before_grant"]):
        h = pl.take_household(lambda h: len(pl.adults(h, 22, 55)) > 0)
        if h < 0:
            continue
        s = pl.grant_start()
        g = pl.grant(h, s)
        ms = pl.adults(h, 22, 55)
        x = ms[int(rng.integers(len(ms)))]
        employer = EMPLOYERS[int(rng.integers(len(EMPLOYERS)))]
        if kind == "true":
            if rng.random() < 0.5:
                a = s - int(rng.integers(100, 1500))
                when = "before grant, still contributing 申请前已缴存且仍在缴存"
            else:
                a = s + int(rng.integers(30, max(31, min(BASE - s - 30, 900))))
                when = "during grant 享受期间开始缴存"
            add(w, rng, x, employer, a, NONE)
            note = f"member contributes to the housing fund from {dates.iso1(a)}, {when}"
        else:
            e = s - int(rng.integers(60, 700))
            add(w, rng, x, employer, e - int(rng.integers(365, years(6))), e)
            note = f"decoy: account sealed {dates.iso1(e)} before grant start 申请前已封存停缴"
        G = w.tables["grants"]
        w.add_truth(FAMILY, PATTERN, int(G.col("holder")[g]), int(G.col("household")[g]), kind != "true", note,
                    grant=g, related=x, kind=kind)


def background(w: World, allowed: np.ndarray) -> None:
    """The public payroll's staff in `allowed`, and a share of other working-age adults there."""
    rng = w.rng("housing_fund.background")
    P = w.tables["payroll"]
    per = P.col("person").astype(np.int64)
    fund_from = day(2000, 1, 1)   # accounts for the payroll's staff were opened from here on
    for i in np.flatnonzero(allowed[per] & (P.col("end").astype(np.int64) > fund_from + 365)):
        s = max(int(P.col("start")[i]), fund_from)
        add(w, rng, int(per[i]), str(P.col("employer")[i]), s, int(P.col("end")[i]))
    p = w.people
    age = dates.age_on(p.birth, np.full(p.n, BASE))
    on_payroll = np.zeros(p.n, dtype=bool)
    on_payroll[per] = True
    cand = np.flatnonzero(allowed & ~w.used & ~on_payroll & (age >= 22) & (age <= 58) & (p.death > BASE))
    k = rng.choice(cand, min(len(cand), int(p.n * PRIVATE_SHARE)), replace=False) if len(cand) else cand
    for x in np.sort(k):
        a = int(rng.integers(max(int(p.birth[x]) + years(20), day(2005, 1, 1)), BASE - 30))
        e = a + int(rng.integers(365, years(12)))
        add(w, rng, int(x), EMPLOYERS[int(rng.integers(len(EMPLOYERS)))], a, e if e < BASE else NONE)


# --- extracts ----------------------------------------------------------------------
def extract(ctx):
    """住房公积金管理中心 个人缴存信息 (layout a)."""
    from .extracts import frame
    from .extracts_others import _end
    from .mess import Spec
    T = table(ctx.w)
    spec = Spec(
        file="gongjijin_jiaocun.csv", agency="住房公积金管理中心", title="住房公积金个人缴存信息",
        title_en="housing provident fund", encoding="utf-8",
        columns=["个人账号", "姓名", "身份证号", "单位名称", "缴存基数(元)", "开户日期", "封存日期", "账户状态"],
        id_cols=["身份证号"], date_cols=["开户日期", "封存日期"], key_cols=["个人账号", "身份证号"],
        text_cols=["姓名", "单位名称"], fullwidth_cols=["缴存基数(元)"], fullwidth=0.02, date_style="iso",
        notes="HOUSING_FUND from 开户日期 to 封存日期 (blank while contributing). 账户状态 正常/封存. "
              "缴存基数 is the monthly wage the contributions are based on.")
    start = T.col("start").astype(np.int64)
    k = np.flatnonzero(start <= ctx.as_of)
    k = k[np.argsort(start[k], kind="stable")]
    x = T.col("person").astype(np.int64)[k]
    end = _end(T.col("end")[k], ctx.as_of)
    df = frame(**{"个人账号": np.array([f"GJJ{i + 1:09d}" for i in k], dtype=object), "姓名": ctx.nm(x),
                  "身份证号": ctx.cid(x), "单位名称": T.col("employer")[k],
                  "缴存基数(元)": T.col("base")[k].astype(str), "开户日期": start[k], "封存日期": end,
                  "账户状态": np.where(end < NONE, "封存", "正常"), "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def extract_b(ctx):
    """The fund centre's roll by employer (layout b): other headers, GBK, 年月日 dates, bases in 万元-free 元."""
    from .extracts_b import relayout
    build = relayout(extract, "公积金缴存职工名册.csv", {
        "缴存单位": "单位名称", "职工姓名": "姓名", "证件号码": "身份证号", "公积金账号": "个人账号",
        "月缴存基数": "缴存基数(元)", "初缴日期": "开户日期", "停缴日期": "封存日期", "状态": "账户状态"},
        "housing_fund_b", encoding="gbk", crlf=True, date_style="cn",
        notes="One row per contributing employee; 停缴日期 blank while contributing; 状态 正常/封存.")
    return build(ctx)
