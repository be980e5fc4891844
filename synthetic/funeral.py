"""Cremation records (殡葬服务机构火化记录) and the planted paid_after_cremation cases.

A funeral home's cremation record is a death the household register may not
show yet (the family never cancelled the registration). A grant whose payee
was cremated and is still paid in later months is a finding. Decoy: the
payments stopped with the month of death (that month's payment is lawful).
In the background about 40 % of the county's deaths since 2010 have a cremation record
a few days after the death; those deaths are also in the register's death
file, so only the planted cases are deaths the register lacks.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, HORIZON, day
from .world import Table, World

FAMILY = "hidden_assets"
PATTERN = "paid_after_cremation"
PARLOURS = ["青禾县殡仪馆", "河池市殡仪馆"]
CREMATED_SHARE = 0.4
RECORDS_FROM = day(2010, 1, 1)   # the funeral homes' records are kept electronically from here on


def table(w: World) -> Table:
    """person, died (day), cremated (day), parlour, cert (火化证明编号)."""
    return w.tables.setdefault("cremations", Table("person", "died", "cremated", "parlour", "cert"))


def add(w: World, rng, person: int, died: int) -> None:
    T = table(w)
    cremated = died + int(rng.integers(1, 5))
    y = int(dates.ymd(cremated)[0])
    T.add(person=int(person), died=int(died), cremated=cremated,
          parlour=PARLOURS[int(rng.integers(len(PARLOURS)))], cert=f"HH{y}{len(T) + 1:06d}")


def plant(pl, n: int) -> None:
    from .planting import cases
    w, rng = pl.w, pl.w.rng("funeral.plant")
    table(w)
    for kind, _ in cases(n, ["stopped_in_death_month"]):
        d = BASE - int(rng.integers(45, 420))
        h = pl.take_household(lambda h: 55 <= pl.age(int(w.hh.head[h])) <= 80)
        if h < 0:
            continue
        s = pl.grant_start(day(2019, 1, 1), min(d - 200, day(2024, 6, 1)))
        x = int(w.hh.head[h])
        # The register never learns of this death: the person stays alive in the world's register.
        if kind == "true":
            g = pl.grant(h, s)
            note = f"holder cremated after dying {dates.iso1(d)}; register shows no death; still paid 火化后仍发放"
        else:
            g = pl.grant(h, s, end=d)
            note = f"decoy: holder died {dates.iso1(d)}, cremated; payments stopped after the month of death 死亡当月停发"
        add(w, rng, x, d)
        G = w.tables["grants"]
        w.add_truth(FAMILY, PATTERN, x, int(G.col("household")[g]), kind != "true", note, grant=g,
                    kind=kind)


def background(w: World) -> None:
    """Cremation records for a share of the county's registered deaths."""
    rng = w.rng("funeral.background")
    p = w.people
    dead = np.flatnonzero((p.death <= HORIZON) & (p.death >= RECORDS_FROM))
    for x in dead[rng.random(len(dead)) < CREMATED_SHARE]:
        add(w, rng, int(x), int(p.death[x]))


# --- extracts ----------------------------------------------------------------------
def extract(ctx):
    """民政局殡葬管理所 火化信息 (layout a)."""
    from .extracts import frame
    from .mess import Spec
    T = table(ctx.w)
    spec = Spec(
        file="minzheng_huohua.csv", agency="民政局(殡葬管理所)", title="火化信息", title_en="cremations",
        encoding="utf-8",
        columns=["火化证明编号", "逝者姓名", "逝者身份证号", "性别", "死亡日期", "火化日期", "殡仪馆"],
        id_cols=["逝者身份证号"], date_cols=["死亡日期", "火化日期"], key_cols=["火化证明编号"],
        text_cols=["逝者姓名"], date_style="slash",
        notes="One row per cremation by the county's funeral homes. The register's death file may lack the "
              "death (the family did not cancel the registration): Person.cremation_date.")
    cr = T.col("cremated").astype(np.int64)
    k = np.flatnonzero(cr <= ctx.as_of)
    k = k[np.argsort(cr[k], kind="stable")]
    x = T.col("person").astype(np.int64)[k]
    df = frame(**{"火化证明编号": T.col("cert")[k], "逝者姓名": ctx.nm(x), "逝者身份证号": ctx.cid(x),
                  "性别": ctx.w.people.sex[x].astype(str), "死亡日期": T.col("died").astype(np.int64)[k],
                  "火化日期": cr[k], "殡仪馆": T.col("parlour")[k], "_protected": ctx.protected(x)})
    return spec, iter([df]), "逝者姓名"


def extract_b(ctx):
    """The funeral home's own register (layout b): other headers, Excel, compact dates, sex in words."""
    from .extracts_b import SEX_ZH, _words, relayout
    build = relayout(extract, "殡仪馆火化登记.xlsx", {
        "火化证号": "火化证明编号", "姓名": "逝者姓名", "身份证号码": "逝者身份证号",
        "性别": lambda d, c: _words(d["性别"], SEX_ZH), "亡故日期": "死亡日期", "火化时间": "火化日期",
        "承办单位": "殡仪馆"}, "cremations_b", encoding="xlsx", crlf=False, date_style="compact",
        notes="The funeral homes' register; 性别 男/女; dates like 20240105.")
    return build(ctx)
