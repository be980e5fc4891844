"""The emergency-management bureau's disaster-victim register (受灾人员及房屋倒损) and
the planted disaster_no_relief cases.

After a flood, landslide or hailstorm the bureau registers each affected
household: the event, the date, how badly the house was damaged (倒塌 /
严重损坏 / 一般损坏 / 未倒损), the rooms and the direct loss. A household whose
house collapsed or was severely damaged in the last year and that got no
relief and is not monitored is at risk (因灾). Decoys: only moderate damage
(一般损坏), temporary relief granted after the disaster, or already on dibao.

The background registers a share of rural households with moderate or no
damage in the last year, and some older events with any damage, so that a
hit on severe recent damage is always a planted one.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, day, years
from .grants import DIBAO, TEMPORARY
from .planting import Planter, cases
from .regions import COUNTY_CODE
from .world import Table, World

FAMILY = "at_risk"
PATTERN = "disaster_no_relief"
WINDOW_DAYS = 365
BACKGROUND_SHARE = 0.02
TYPES = {"flood": "洪涝", "landslide": "地质灾害", "hail": "风雹", "typhoon": "台风", "frost": "低温冷冻和雪灾"}
EVENT = {"flood": "强降雨洪涝灾害", "landslide": "山体滑坡地质灾害", "hail": "风雹灾害", "typhoon": "台风灾害",
         "frost": "低温冷冻和雪灾"}
DAMAGE = {"collapsed": "倒塌", "severe": "严重损坏", "moderate": "一般损坏", "none": "未倒损"}


def table(w: World) -> Table:
    """record, person (the household head), village, event, dtype, occurred, damage, rooms, people, loss."""
    return w.tables.setdefault("disaster", Table("record", "person", "village", "event", "dtype", "occurred",
                                                 "damage", "rooms", "people", "loss"))


def _add(w: World, rng, person: int, village: int, occurred: int, dtype: str, damage: str, people: int) -> None:
    T = table(w)
    rooms = {"collapsed": int(rng.integers(2, 6)), "severe": int(rng.integers(1, 4)),
             "moderate": int(rng.integers(1, 3)), "none": 0}[damage]
    loss = {"collapsed": (60_000, 200_000), "severe": (20_000, 80_000), "moderate": (2_000, 15_000),
            "none": (200, 3_000)}[damage]
    y, m, _ = dates.ymd(occurred)
    event = f"{int(y)}年{int(m)}月{EVENT[dtype]}"
    T.add(record=f"ZH{COUNTY_CODE}{len(T) + 1:07d}", person=int(person), village=int(village), event=event,
          dtype=dtype, occurred=int(occurred), damage=damage, rooms=rooms, people=int(people),
          loss=float(rng.integers(*loss)))


def plant(pl: Planter, n: int) -> None:
    w, rng = pl.w, pl.w.rng("at_risk.disaster")
    table(w)
    kinds = ["moderate_damage", "relief_after_disaster", "on_dibao"]
    for kind, _ in cases(n, kinds):
        h = pl.take_household(lambda h: not w.regions.village_urban[w.hh.village[h]])
        if h < 0:
            continue
        ms = pl.members_of(h)
        w.used[ms] = True
        head = int(w.hh.head[h])
        occurred = BASE - int(rng.integers(30, WINDOW_DAYS - 30))
        dtype = list(TYPES)[int(rng.integers(len(TYPES)))]
        damage = "moderate" if kind == "moderate_damage" else ("collapsed" if rng.random() < 0.5 else "severe")
        _add(w, rng, head, int(w.hh.village[h]), occurred, dtype, damage, len(ms))
        g = -1
        if kind == "relief_after_disaster":
            g = pl.grant(h, min(occurred + int(rng.integers(7, 60)), BASE - 5), TEMPORARY)
            note = f"decoy: temporary relief after the disaster of {dates.iso1(occurred)} 灾后已给予临时救助"
        elif kind == "on_dibao":
            g = pl.grant(h, int(BASE - rng.integers(years(1), years(5))), DIBAO)
            note = "decoy: household already on dibao 已享受低保"
        elif kind == "moderate_damage":
            note = "decoy: house only moderately damaged 房屋一般损坏"
        else:
            note = (f"house {DAMAGE[damage]} in the {TYPES[dtype]} of {dates.iso1(occurred)}; no relief, not "
                    "monitored 房屋倒损且未获救助")
        w.add_truth(FAMILY, PATTERN, head, h, kind != "true", note, grant=g, related=head,
                    kind=kind if kind != "true" else "")


def background(w: World, allowed: np.ndarray) -> None:
    """Rural households: recent events with moderate or no damage, older ones with any damage."""
    rng = w.rng("disaster.background")
    hh = w.hh
    head = hh.head
    ok = allowed[head] & ~w.used[head] & ~w.regions.village_urban[hh.village] & (w.people.death[head] > BASE)
    pick = np.flatnonzero(ok & (rng.random(hh.n) < BACKGROUND_SHARE))
    size = np.bincount(hh.of, minlength=hh.n)
    for h in pick:
        recent = rng.random() < 0.5
        if recent:
            occurred = BASE - int(rng.integers(10, WINDOW_DAYS - 10))
            damage = "moderate" if rng.random() < 0.4 else "none"
        else:
            occurred = int(rng.integers(day(2019, 1, 1), BASE - years(1) - 40))
            damage = ["collapsed", "severe", "moderate", "none"][int(rng.integers(4))]
        dtype = list(TYPES)[int(rng.integers(len(TYPES)))]
        if occurred <= int(w.people.birth[head[h]]):
            continue
        _add(w, rng, int(head[h]), int(hh.village[h]), occurred, dtype, damage, int(size[h]))


# --- extracts ----------------------------------------------------------------------
def extract(ctx):
    """应急管理局 自然灾害受灾人员及房屋倒损信息 (layout a): one row per affected household, keyed by the head."""
    from .extracts import frame
    from .mess import Spec
    T = table(ctx.w)
    spec = Spec(
        file="yingji_shouzai.csv", agency="应急管理局", title="自然灾害受灾人员及房屋倒损信息",
        title_en="disaster victims and damaged houses", encoding="gbk", crlf=True,
        columns=["登记编号", "灾害过程", "灾种", "受灾日期", "户主姓名", "户主身份证号", "所在村代码", "受灾人口",
                 "房屋倒损程度", "倒损间数", "直接经济损失(元)"],
        id_cols=["户主身份证号"], date_cols=["受灾日期"], key_cols=["登记编号"], text_cols=["户主姓名", "灾害过程"],
        date_style="iso",
        notes="One row per affected household (the head's ID). 房屋倒损程度 倒塌/严重损坏/一般损坏/未倒损; "
              "灾种 " + "/".join(TYPES.values()) + ".")
    occurred = T.col("occurred").astype(np.int64)
    k = np.flatnonzero(occurred <= ctx.as_of)
    k = k[np.argsort(occurred[k], kind="stable")]
    x = T.col("person").astype(np.int64)[k]
    df = frame(**{"登记编号": T.col("record")[k], "灾害过程": T.col("event")[k],
                  "灾种": np.array([TYPES[t] for t in T.col("dtype")[k]], dtype=object), "受灾日期": occurred[k],
                  "户主姓名": ctx.nm(x), "户主身份证号": ctx.cid(x), "所在村代码": ctx.vcode(T.col("village")[k]),
                  "受灾人口": T.col("people")[k].astype(str),
                  "房屋倒损程度": np.array([DAMAGE[d] for d in T.col("damage")[k]], dtype=object),
                  "倒损间数": T.col("rooms")[k].astype(str),
                  "直接经济损失(元)": np.array([f"{float(v):.0f}" for v in T.col("loss")[k]], dtype=object),
                  "_protected": ctx.protected(x)})
    return spec, iter([df]), "户主姓名"


def _wan(d, c):
    return np.array([f"{float(v) / 10_000:.4f}" for v in d["直接经济损失(元)"]], dtype=object)


def extract_b(ctx):
    """The province's disaster-reporting system's ledger (layout b): Excel, 年月日 dates, losses in 万元."""
    from .extracts_b import relayout
    build = relayout(extract, "自然灾害受灾人员台账.xlsx", {
        "台账编号": "登记编号", "灾害名称": "灾害过程", "灾害种类": "灾种", "发生时间": "受灾日期",
        "村(社区)代码": "所在村代码", "姓名": "户主姓名", "证件号码": "户主身份证号", "家庭人口": "受灾人口",
        "住房受损情况": "房屋倒损程度", "受损间数": "倒损间数", "经济损失(万元)": _wan},
        "disaster_b", encoding="xlsx", crlf=False, date_style="cn",
        notes="The provincial disaster-reporting system's ledger; 经济损失 in 万元; 证件号码 is the household head's.")
    return build(ctx)


def choose(layout: str, rng) -> tuple[list, str]:
    """The builder for this unit and the layout chosen (its own stream, so other units keep theirs)."""
    pick = layout if layout != "mixed" else ("b" if rng.random() < 0.5 else "a")
    return [extract_b if pick == "b" else extract], pick
