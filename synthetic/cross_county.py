"""Enrolment in a neighbouring county (外县民政) and the planted cross-county cases.

A neighbouring county's civil-affairs bureau sends its roll of dibao and
destitute-support recipients whose household register is in this county
(户籍在本县、在外县享受): people who live there and are enrolled there. That
is lawful unless the same person is also covered by a grant here in the same
months. The neighbour types IDs its own way: a lower-case x, and in the
second layout digits in groups with spaces.

Planted (hidden_assets, subject the holder of this county's grant):
- cross_county_enrolment: a covered member is on the neighbour's roll in
  overlapping months. Decoys: moved — the neighbour's enrolment ended in a
  month before this county's grant began (迁回本县，先停后保); namesake — a
  resident of the same name and sex with another ID is on the neighbour's
  roll while the holder is covered here.
Background: about 0.4 % of the people no grant here covers are on the roll.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, NONE, day, years
from .world import Table, World

FAMILY = "hidden_assets"
PATTERN = "cross_county_enrolment"
NEIGHBOURS = [("松岭县", "451298"), ("石门县", "451297")]   # fictional, like 青禾县 (451299)
PROGRAMME_ZH = {"1": "最低生活保障", "2": "特困人员供养"}
PROGRAMME_SHORT = {"1": "低保", "2": "特困"}
BACKGROUND_SHARE = 0.004


def table(w: World) -> Table:
    """person, county (index into NEIGHBOURS), programme ("1"/"2"), cert, start, end (NONE while enrolled),
    monthly (元)."""
    return w.tables.setdefault("elsewhere", Table("person", "county", "programme", "cert", "start", "end",
                                                  "monthly"))


def add(w: World, rng, person: int, start: int, end: int, programme: str = "1") -> None:
    T = table(w)
    county = int(rng.integers(len(NEIGHBOURS)))
    y = int(dates.ymd(start)[0])
    monthly = int(rng.integers(38, 53)) * 10 if programme == "1" else int(rng.integers(86, 97)) * 10
    T.add(person=int(person), county=county, programme=programme,
          cert=f"{'DB' if programme == '1' else 'TK'}{NEIGHBOURS[county][1]}{y}{len(T) + 1:05d}",
          start=int(start), end=int(end), monthly=monthly)


def _first_of_month(d: int) -> int:
    return int(dates.month_first_day(int(dates.month_index(d))))


def plant(pl, n: int) -> None:
    from .planting import cases
    w, rng = pl.w, pl.w.rng("cross_county.plant")
    table(w)
    p, M = w.people, w.tables["members"]

    for kind, _ in cases(n, ["moved_between_counties", "namesake"]):
        h = pl.take_household()
        if h < 0:
            continue
        s = pl.grant_start()
        g = pl.grant(h, s)
        G = w.tables["grants"]
        holder = int(G.col("holder")[g])
        covered = [int(m) for m in M.col("person")[M.col("grant") == g] if pl.lasting(int(m))]
        if kind == "namesake":
            z = _namesake(pl, holder)
            if z < 0:
                continue
            a = s + int(rng.integers(-years(2), max(1, min(BASE - s - 120, years(1)))))
            add(w, rng, z, a, NONE)
            note = "decoy: a namesake (same name and sex, another ID) is enrolled in the other county 同名不同人"
            x = z
        else:
            x = covered[int(rng.integers(len(covered)))] if covered else holder
            if kind == "true":
                a = s + int(rng.integers(-years(2), max(1, min(BASE - s - 120, years(1)))))
                e = max(a, s) + int(rng.integers(90, 500))
                e = e if e < BASE - 30 else NONE
                add(w, rng, x, a, e)
                note = (f"covered here from {dates.iso1(s)}; also enrolled in the other county "
                        f"{dates.iso1(a)}–{dates.iso1(e) if e < NONE else '至今'} 两地重复享受")
            else:
                e = _first_of_month(s) - int(rng.integers(1, 200))
                a = e - int(rng.integers(180, years(4)))
                add(w, rng, x, a, e)
                note = (f"decoy: enrolment in the other county ended {dates.iso1(e)}, before this grant began "
                        f"{dates.iso1(s)} 迁回本县，先停后保")
        w.add_truth(FAMILY, PATTERN, holder, int(G.col("household")[g]), kind != "true", note, grant=g,
                    related=x, kind=kind)


def _namesake(pl, x: int) -> int:
    """A resident no case or grant uses, of x's surname and sex, renamed to x's given name."""
    w, p = pl.w, pl.w.people
    if not hasattr(pl, "_cross_county_order"):
        pl._cross_county_order = w.rng("cross_county.namesake").permutation(p.n)
    for z in pl._cross_county_order:
        z = int(z)
        if (z == x or w.used[z] or pl.member[z] or pl.cadre[z] or pl.near_cadre[z] or pl.no_grant[z]
                or p.surname[z] != p.surname[x] or p.sex[z] != p.sex[x] or not pl.lasting(z)
                or not 20 <= pl.age(z) <= 75 or w.hh.of[z] == w.hh.of[x]):
            continue
        p.given[z] = p.given[x]
        # z's household takes no grant (the background skips households with a used member)
        w.used[z] = w.protected[z] = True
        return z
    return -1


def background(w: World, allowed: np.ndarray) -> None:
    """Residents no grant here covers (nor their near kin), enrolled in a neighbouring county."""
    rng = w.rng("cross_county.background")
    p = w.people
    age = dates.age_on(p.birth, np.full(p.n, BASE))
    # 19, not 18: an adult enrolled at least a month before the data's base date
    cand = np.flatnonzero(allowed & ~w.used & (age >= 19) & (p.death > BASE))
    k = rng.choice(cand, min(len(cand), int(p.n * BACKGROUND_SHARE)), replace=False) if len(cand) else cand
    for x in np.sort(k):
        a = int(rng.integers(max(int(p.birth[x]) + years(18), day(2015, 1, 1)), BASE - 30))
        e = a + int(rng.integers(180, years(6)))
        e = min(e, int(p.death[x]))
        programme = "2" if age[x] >= 60 and rng.random() < 0.3 else "1"
        add(w, rng, int(x), a, e if e < BASE else NONE, programme)


# --- extracts ----------------------------------------------------------------------
def extract(ctx):
    """外县救助对象信息 (layout a): 年月, programmes in full, many IDs with a lower-case x."""
    from .extracts import frame
    from .extracts_others import _end
    from .mess import Spec
    T = table(ctx.w)
    k = ctx.known(T, "start")
    spec = Spec(
        file="waixian_jiuzhu.csv", agency="外县民政局", title="外县救助对象信息",
        title_en="recipients enrolled in another county", encoding="utf-8",
        columns=["享受地民政部门", "享受地县(区)", "救助类别", "姓名", "身份证号", "救助证编号", "享受起始年月",
                 "享受终止年月", "月救助金额(元)"],
        id_cols=["身份证号"], month_cols=["享受起始年月", "享受终止年月"], key_cols=["身份证号"],
        text_cols=["姓名"], date_style="iso", lower_x=0.9,
        notes="A neighbouring county's roll of recipients registered in this county; 救助类别 最低生活保障/特困人员供养; "
              "享受终止年月 blank while enrolled; IDs often end in a lower-case x.")
    x = T.col("person").astype(np.int64)[k]
    county = T.col("county").astype(np.int64)[k]
    end = _end(T.col("end")[k], ctx.as_of)
    names = np.array([NEIGHBOURS[c][0] for c in county], dtype=object)
    df = frame(**{"享受地民政部门": np.array([f"{c}民政局" for c in names], dtype=object), "享受地县(区)": names,
                  "救助类别": np.array([PROGRAMME_ZH[g] for g in T.col("programme")[k]], dtype=object),
                  "姓名": ctx.nm(x), "身份证号": ctx.cid(x), "救助证编号": T.col("cert")[k],
                  "享受起始年月": dates.month_index(T.col("start").astype(np.int64)[k]),
                  "享受终止年月": np.where(end < NONE, dates.month_index(np.minimum(end, dates.HORIZON)), -1),
                  "月救助金额(元)": T.col("monthly")[k].astype(str), "_start_day": T.col("start").astype(np.int64)[k],
                  "_end_day": end, "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def _spaced(d, c):
    """Some IDs typed in groups (6-8-4) with spaces, as the neighbour's clerks do."""
    rng = np.random.default_rng(len(d))
    out = np.array(d["身份证号"], dtype=object)
    for i in np.flatnonzero(rng.random(len(out)) < 0.3):
        s = out[i]
        if len(s) == 18:
            out[i] = f"{s[:6]} {s[6:14]} {s[14:]}"
    return out


def extract_b(ctx):
    """The neighbour's comparison list (layout b): GBK, programmes abbreviated, full dates, spaced IDs."""
    from .extracts_b import relayout
    build = relayout(extract, "邻县救助对象比对名单.csv", {
        "发送单位": "享受地民政部门", "县区名称": "享受地县(区)", "对象姓名": "姓名", "证件号码": _spaced,
        "保障类型": lambda d, c: np.array([PROGRAMME_SHORT[{v: k for k, v in PROGRAMME_ZH.items()}[s]]
                                          for s in d["救助类别"]], dtype=object),
        "批准日期": "_start_day", "停保日期": "_end_day", "保障金(元/月)": "月救助金额(元)", "证号": "救助证编号"},
        # no corrupted copies here: a damaged check digit is shown on the first layout's file
        "elsewhere_b", encoding="gbk", crlf=True, date_style="slash", month_cols=[], invalid=0.0,
        id_cols=["证件号码"], key_cols=["证件号码"], date_cols=["批准日期", "停保日期"],
        notes="The neighbour's comparison list; 保障类型 低保/特困; 批准日期/停保日期 full dates; IDs sometimes "
              "typed with spaces (6-8-4 groups).")
    return build(ctx)
