"""Persons in custody (监狱服刑 / 看守所羁押) and the planted member_in_custody cases.

A person serving a sentence or held on remand is not a member of the
household for dibao (《最低生活保障审核确认办法》): a grant that still counts
such a member during the custody is a finding. Decoys: the member was
released before the grant began, or the person in custody is a relative
who is not covered by the grant (lives in another household).
The background puts a few adults far from every grant in custody, so a
hit on a recipient is always a planted one.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, NONE, years
from .world import Table, World

FAMILY = "hidden_assets"
PATTERN = "member_in_custody"
PRISON, DETENTION = "监狱", "看守所"
FACILITIES = {PRISON: ["广西壮族自治区河池监狱", "广西壮族自治区柳州监狱", "广西壮族自治区南宁监狱"],
              DETENTION: ["青禾县看守所", "河池市看守所"]}
KIND = {PRISON: "服刑", DETENTION: "羁押"}
RELEASE = {PRISON: ["刑满释放", "刑满释放", "假释"], DETENTION: ["取保候审", "拘役期满释放", "不起诉释放"]}
BACKGROUND_SHARE = 0.003
WINDOW_START = BASE - years(1) - 40   # custody starting after this is left to planted at_risk cases


def table(w: World) -> Table:
    """person, facility (name), ftype (监狱/看守所), start, end (NONE while in custody), reason."""
    return w.tables.setdefault("custody", Table("person", "facility", "ftype", "start", "end", "reason"))


def add(w: World, rng, person: int, start: int, end: int) -> None:
    ftype = PRISON if rng.random() < 0.6 else DETENTION
    names = FACILITIES[ftype]
    reason = RELEASE[ftype][int(rng.integers(len(RELEASE[ftype])))] if end < NONE else ""
    table(w).add(person=int(person), facility=names[int(rng.integers(len(names)))], ftype=ftype,
                 start=int(start), end=int(end), reason=reason)


def plant(pl, n: int) -> None:
    from .planting import cases  # the same true/decoy split as the other hidden-asset patterns
    w, rng = pl.w, pl.w.rng("custody.plant")
    table(w)
    for kind, _ in cases(n, ["released_before_grant", "non_member_relative"]):
        if kind == "non_member_relative":
            _relative_decoy(pl, rng)
            continue
        h = pl.take_household(lambda h: len(pl.adults(h, 20, 55)) > 0)
        if h < 0:
            continue
        s = pl.grant_start()
        g = pl.grant(h, s)
        holder = int(w.hh.head[h])
        ms = pl.adults(h, 20, 55)
        others = [m for m in ms if m != holder]
        x = (others or ms)[int(rng.integers(len(others or ms)))]
        if kind == "true":
            a = s + int(rng.integers(-years(2), max(1, min(BASE - s - 60, years(3)))))
            e = max(a + int(rng.integers(180, years(5))), s + 60)
            e = e if e < BASE - 30 else NONE
            add(w, rng, x, a, e)
            note = f"member in custody {dates.iso1(a)}–{dates.iso1(e) if e < NONE else '至今'} during grant 救助期间在押"
        else:
            e = s - int(rng.integers(60, 700))
            a = e - int(rng.integers(180, years(4)))
            add(w, rng, x, a, e)
            note = f"decoy: released {dates.iso1(e)} before grant start 申请前已释放"
        _truth(pl, g, kind, note, x)


def _relative_decoy(pl, rng) -> None:
    """A holder's relative in another household, not covered by any grant, in custody during the grant."""
    w, kin = pl.w, pl.kin

    def away(h):
        return [r for r in kin.close_relatives(int(w.hh.head[h]))
                if w.hh.of[r] != h and pl.lasting(r) and 20 <= pl.age(r) <= 55 and not w.used[r]
                and not pl.member[r] and not pl.cadre[r] and not w.hh_used[w.hh.of[r]]]
    h = pl.take_household(lambda h: bool(away(h)))
    if h < 0:
        return
    rs = away(h)
    s = pl.grant_start()
    g = pl.grant(h, s)
    r = rs[0]
    if pl.member[r]:
        return
    w.used[r] = True
    w.protected[r] = True
    pl.no_grant[r] = True
    w.hh_used[w.hh.of[r]] = True
    # Before earner_in_custody's one-year window (at_risk), so the relative's household is not a hit there.
    a = s + int(rng.integers(0, max(1, min(WINDOW_START - s, years(2)))))
    add(w, rng, r, a, NONE)
    _truth(pl, g, "non_member_relative", "decoy: a relative in another household (not covered) in custody "
           "非保障成员的亲属在押", r)


def _truth(pl, g: int, kind: str, note: str, related: int) -> None:
    G = pl.w.tables["grants"]
    pl.w.add_truth(FAMILY, PATTERN, int(G.col("holder")[g]), int(G.col("household")[g]), kind != "true", note,
                   grant=g, related=related, kind=kind)


def background(w: World, allowed: np.ndarray) -> None:
    """A few adults far from every grant, some released long ago and some still in custody."""
    rng = w.rng("custody.background")
    p = w.people
    age = dates.age_on(p.birth, np.full(p.n, BASE))
    cand = np.flatnonzero(allowed & ~w.used & (age >= 20) & (age <= 60) & (p.death > BASE))
    k = rng.choice(cand, min(len(cand), int(p.n * BACKGROUND_SHARE)), replace=False) if len(cand) else cand
    for x in np.sort(k):
        lo = max(int(p.birth[x]) + years(18), dates.day(2008, 1, 1))
        if lo >= WINDOW_START:
            continue
        a = int(rng.integers(lo, WINDOW_START))  # older than earner_in_custody's window (at_risk)
        e = a + int(rng.integers(90, years(6)))
        add(w, rng, int(x), a, e if e < BASE else NONE)


# --- extracts ----------------------------------------------------------------------
def extract(ctx):
    """司法局/监狱 在押服刑人员信息 (layout a)."""
    from .extracts import frame
    from .extracts_others import _end
    from .mess import Spec
    T = table(ctx.w)
    spec = Spec(
        file="sifa_zaiya.csv", agency="司法局/监狱/看守所", title="在押服刑人员信息", title_en="persons in custody",
        encoding="gbk", crlf=True,
        columns=["姓名", "身份证号", "羁押场所", "场所类型", "羁押性质", "入监(所)日期", "出监(所)日期", "出监(所)原因"],
        id_cols=["身份证号"], date_cols=["入监(所)日期", "出监(所)日期"], key_cols=["身份证号", "姓名"],
        text_cols=["姓名", "羁押场所"], date_style="iso",
        notes="IN_CUSTODY from 入监(所)日期 to 出监(所)日期 (blank while in custody). 场所类型 监狱/看守所; "
              "羁押性质 服刑/羁押.")
    start = T.col("start").astype(np.int64)
    k = np.flatnonzero(start <= ctx.as_of)
    k = k[np.argsort(start[k], kind="stable")]
    x = T.col("person").astype(np.int64)[k]
    end = _end(T.col("end")[k], ctx.as_of)
    ftype = T.col("ftype")[k]
    df = frame(**{"姓名": ctx.nm(x), "身份证号": ctx.cid(x), "羁押场所": T.col("facility")[k], "场所类型": ftype,
                  "羁押性质": np.array([KIND[f] for f in ftype], dtype=object), "入监(所)日期": start[k],
                  "出监(所)日期": end, "出监(所)原因": np.where(end < NONE, T.col("reason")[k], ""),
                  "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def extract_b(ctx):
    """The same facts as the prison administration's roll (layout b): other headers, Excel, 年月日 dates."""
    from .extracts_b import relayout
    build = relayout(extract, "在押服刑人员名单.xlsx", {
        "监所名称": "羁押场所", "监所类别": "场所类型", "姓名": "姓名", "公民身份号码": "身份证号",
        "收押日期": "入监(所)日期", "释放日期": "出监(所)日期", "释放原因": "出监(所)原因"},
        "custody_b", encoding="xlsx", crlf=False, date_style="cn",
        notes="The prison administration's roll; 释放日期 blank while in custody; 监所类别 监狱/看守所.")
    return build(ctx)
