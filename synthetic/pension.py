"""Pensions in payment (人社 养老金发放) and the planted pension cases.

Every resident aged 60 or more draws the basic residents' pension
(城乡居民基本养老保险, 150–300 yuan a month): far below any dibao line, a
lawful income of many dibao households. Former employees draw an enterprise
pension (企业职工, 1 800–3 500), retired public staff a public pension
(机关事业单位, 3 500–6 500).

Planted (hidden_assets, subject the grant holder):
- pension_above_dibao_line: the covered members' pensions per covered
  member exceed the local dibao line (a one- or two-person household with an
  enterprise pension). Decoy: a large household shares one enterprise
  pension, per member below the line.
- public_pension_member: a covered member draws a public-staff pension
  during the grant. Decoys: the retired official is the holder's parent in
  another household; the public pension began after the grant ended.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, HORIZON, NONE, day, years
from .world import Table, World

FAMILY = "hidden_assets"
ABOVE_LINE, PUBLIC = "pension_above_dibao_line", "public_pension_member"
LINE = 700            # the rule's default dibao line (元/人·月); decoys stay well below it
SCHEME_CODE = {"enterprise": "110", "public": "120", "resident": "170"}
SCHEME_ZH = {"enterprise": "企业职工基本养老保险", "public": "机关事业单位养老保险", "resident": "城乡居民基本养老保险"}
AGENCY = {"enterprise": "青禾县社会保险事业管理中心", "public": "青禾县机关事业单位社会保险中心",
          "resident": "青禾县城乡居民社会养老保险中心"}
RESIDENT_FROM = day(2012, 1, 1)   # the residents' pension was rolled out county-wide from here on
ENTERPRISE_SHARE = 0.15


def table(w: World) -> Table:
    """person, scheme, monthly (元), start, end (NONE while paid)."""
    return w.tables.setdefault("pensions", Table("person", "scheme", "monthly", "start", "end"))


def add(w: World, person: int, scheme: str, monthly: int, start: int, end: int = NONE) -> None:
    table(w).add(person=int(person), scheme=scheme, monthly=int(monthly), start=int(start), end=int(end))


def plant(pl, n: int) -> None:
    from .planting import cases
    w, rng = pl.w, pl.w.rng("pension.plant")
    table(w)
    G = w.tables["grants"]

    def truth(pattern, g, x, kind, note):
        w.add_truth(FAMILY, pattern, int(G.col("holder")[g]), int(G.col("household")[g]), kind != "true", note,
                    grant=g, related=x, kind=kind)

    def retired(h, lo=62, hi=80):
        return [m for m in pl.adults(h, lo, hi)]

    for kind, _ in cases(n, ["shared_by_large_household"]):
        small = kind == "true"
        h = pl.take_household(lambda h: bool(retired(h)) and (len(pl.members_of(h)) <= 2 if small
                                                             else len(pl.members_of(h)) >= 5))
        if h < 0:
            continue
        s = pl.grant_start()
        g = pl.grant(h, s)
        x = retired(h)[0]
        began = int(w.people.birth[x]) + years(60) + int(rng.integers(0, 300))
        covered = len(pl.members_of(h))
        if small:
            monthly = int(rng.integers(18, 35)) * 100
            note = f"enterprise pension {monthly} yuan/month for a household of {covered}: above the dibao line 人均超低保标准"
        else:
            # per member well below the line, counting the residents' pensions of the others
            monthly = min(int(rng.integers(18, 26)) * 100, int(0.7 * LINE * covered) - 300 * (covered - 1))
            note = f"decoy: one enterprise pension {monthly} yuan/month shared by {covered} members, per member below the line"
        add(w, x, "enterprise", monthly, began)
        truth(ABOVE_LINE, g, x, kind, note)

    for kind, _ in cases(n, ["parent_in_other_household", "pension_after_grant"]):
        if kind == "parent_in_other_household":
            h = pl.take_household(lambda h: any(
                w.hh.of[p_] != h and pl.lasting(p_) and pl.age(p_) >= 62 and not w.used[p_] and not pl.member[p_]
                for p_ in (w.people.father[int(w.hh.head[h])], w.people.mother[int(w.hh.head[h])]) if p_ >= 0))
        else:
            h = pl.take_household(lambda h: bool(retired(h, 55, 68)))
        if h < 0:
            continue
        s = pl.grant_start(hi=day(2024, 6, 1))
        if kind == "pension_after_grant":
            e = s + int(rng.integers(200, 500))
            g = pl.grant(h, s, end=e)
            x = retired(h, 55, 68)[0]
            began = e + int(rng.integers(90, 300))
            note = f"decoy: public pension from {dates.iso1(began)}, after the grant ended {dates.iso1(e)} 退保后才退休"
        elif kind == "true":
            g = pl.grant(h, s)
            ms = retired(h, 60, 80) or retired(h, 55, 80)
            if not ms:
                continue
            x = ms[0]
            began = min(s - int(rng.integers(30, 2000)), BASE - 60)
            note = f"covered member draws a public-staff pension from {dates.iso1(began)} 机关事业单位退休人员"
        else:
            head = int(w.hh.head[h])
            x = next(int(p_) for p_ in (w.people.father[head], w.people.mother[head])
                     if p_ >= 0 and w.hh.of[p_] != h and pl.lasting(p_) and pl.age(p_) >= 62)
            g = pl.grant(h, s, avoid={x})
            began = s - int(rng.integers(100, 2000))
            note = "decoy: the retired official is the holder's parent in another household 父母另立户，不计入家庭收入"
            w.used[x] = True
        add(w, x, "public", int(rng.integers(35, 65)) * 100, began)
        truth(PUBLIC, g, x, kind, note)


def background(w: World, allowed: np.ndarray) -> None:
    """Residents' pensions for everyone from 60, enterprise pensions for some far from every grant."""
    rng = w.rng("pension.background")
    p = w.people
    have = np.zeros(p.n, dtype=bool)
    T = table(w)
    if len(T):
        have[T.col("person").astype(np.int64)] = True
    turns_60 = p.birth + years(60)
    k = np.flatnonzero(~have & (turns_60 <= HORIZON) & (p.death > np.maximum(turns_60, RESIDENT_FROM)))
    employee = allowed[k] & ~w.used[k] & (rng.random(len(k)) < ENTERPRISE_SHARE)
    start = np.maximum(turns_60[k], RESIDENT_FROM) + rng.integers(0, 60, len(k))
    end = np.where(p.death[k] <= HORIZON, p.death[k], NONE)
    T.extend(person=k, scheme=np.where(employee, "enterprise", "resident").astype(object),
             monthly=np.where(employee, rng.integers(18, 35, len(k)) * 100, rng.integers(15, 31, len(k)) * 10),
             start=start, end=end)


# --- extracts ----------------------------------------------------------------------
def extract(ctx):
    """人社 养老金领取人员信息 (layout a): 险种 codes, months."""
    from .extracts import frame
    from .mess import Spec
    T = table(ctx.w)
    spec = Spec(
        file="renshe_yanglaojin.csv", agency="人力资源和社会保障局", title="养老金领取人员信息",
        title_en="pension payments", encoding="utf-8",
        columns=["姓名", "身份证号", "险种类型", "待遇开始年月", "月养老金(元)", "待遇状态", "待遇终止年月", "经办机构"],
        id_cols=["身份证号"], month_cols=["待遇开始年月", "待遇终止年月"], key_cols=["身份证号"],
        text_cols=["姓名"], fullwidth_cols=["月养老金(元)"], fullwidth=0.01, date_style="iso",
        notes="One row per pension: 险种类型 110 企业职工基本养老保险 / 120 机关事业单位养老保险 / 170 城乡居民基本养老保险; "
              "待遇终止年月 blank while paid; 待遇状态 正常/终止.")
    start = T.col("start").astype(np.int64)
    k = np.flatnonzero(start <= ctx.as_of)
    k = k[np.argsort(start[k], kind="stable")]
    x = T.col("person").astype(np.int64)[k]
    end = T.col("end").astype(np.int64)[k]
    end = np.where(end <= ctx.as_of, end, NONE)
    scheme = T.col("scheme")[k]
    end_m = np.where(end < NONE, dates.month_index(np.minimum(end, HORIZON)), -1)
    df = frame(**{"姓名": ctx.nm(x), "身份证号": ctx.cid(x),
                  "险种类型": np.array([SCHEME_CODE[s] for s in scheme], dtype=object),
                  "待遇开始年月": dates.month_index(start[k]), "月养老金(元)": T.col("monthly")[k].astype(str),
                  "待遇状态": np.where(end < NONE, "终止", "正常"), "待遇终止年月": end_m,
                  "经办机构": np.array([AGENCY[s] for s in scheme], dtype=object), "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def extract_b(ctx):
    """The pension ledger (layout b): Excel, 险种 in words, full dates, amounts with thousands separators."""
    from .extracts_b import relayout
    T = table(ctx.w)
    build = relayout(_with_days(extract, T), "离退休人员养老金台账.xlsx", {
        "发放机构": "经办机构", "证件号码": "身份证号", "人员姓名": "姓名",
        "参保险种": lambda d, c: np.array([SCHEME_ZH[{v: k for k, v in SCHEME_CODE.items()}[s]]
                                          for s in d["险种类型"]], dtype=object),
        "离退休日期": "_start_day", "停发日期": "_end_day",
        "月发放额": lambda d, c: np.array([f"{int(float(v)):,}.00" for v in d["月养老金(元)"]], dtype=object)},
        "pensions_b", encoding="xlsx", crlf=False, date_style="compact", month_cols=[],
        date_cols=["离退休日期", "停发日期"],
        notes="The ledger; 参保险种 in words; 离退休日期/停发日期 full dates like 20240105; 月发放额 like 2,800.00.")
    return build(ctx)


def _with_days(base, T):
    """The a builder with the start and end days kept in hidden columns, for a layout with full dates."""
    def build(ctx):
        spec, chunks, name_col = base(ctx)
        start = T.col("start").astype(np.int64)
        k = np.flatnonzero(start <= ctx.as_of)
        k = k[np.argsort(start[k], kind="stable")]
        end = T.col("end").astype(np.int64)[k]

        def add_days(df):
            df = df.copy()
            df["_start_day"] = start[k]
            df["_end_day"] = np.where(end <= ctx.as_of, end, NONE)
            return df
        return spec, (add_days(df) for df in chunks), name_col
    build.__name__ = base.__name__
    return build
