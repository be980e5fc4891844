"""Rural dilapidated-house renovation subsidies (农村危房改造) and the planted cases.

The subsidy goes to low-income rural households whose only house is unsafe
(建村〔2021〕35号: 低保户, 分散供养特困人员, 低保边缘家庭, …). Three patterns:

- renovation_with_commercial_housing: a member of the applicant's household
  owns commercial housing when the subsidy is approved. Decoys: housing
  bought after the renovation; housing sold before it.
- renovation_twice: the household is subsidised again within ten years of
  a first renovation. Decoys: the second is a post-disaster rebuild (its own
  programme); the first was more than ten years earlier.
- renovation_not_priority_object: the record names the household as 低保户
  but it held no dibao when the subsidy was approved nor in the months
  before. Decoys: dibao held at approval and ended later; dibao ended a few
  months before approval (held at application).

The background subsidises some ordinary dibao and destitute households
during their grant, and some households recorded as 低保边缘 (not verifiable
from the grant rolls), none of them owning commercial housing.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, NONE, day, years
from .world import Table, World

FAMILY = "hidden_assets"
CATEGORY = {"dibao": "低保户", "destitute": "农村分散供养特困人员", "edge": "低保边缘家庭"}
B_CATEGORY = {"dibao": "1", "destitute": "2", "edge": "3"}
METHOD = {"rebuild": "拆除重建", "repair": "维修加固", "disaster": "灾后恢复重建"}
B_METHOD = {"rebuild": "1", "repair": "2", "disaster": "3"}
AMOUNT = {"rebuild": (20_000, 40_000), "repair": (5_000, 15_000), "disaster": (25_000, 45_000)}
GRANT_SHARE, EDGE_SHARE = 1 / 8, 1 / 500


def table(w: World) -> Table:
    """rid, person (applicant), category, method, amount, approved, completed, village."""
    return w.tables.setdefault("renovation", Table("rid", "person", "category", "method", "amount", "approved",
                                                   "completed", "village"))


def add(w: World, rng, person: int, category: str, method: str, approved: int) -> None:
    T = table(w)
    lo, hi = AMOUNT[method]
    y = int(dates.ymd(approved)[0])
    village = int(w.hh.village[w.hh.of[person]])
    done = approved + int(rng.integers(90, 300))
    T.add(rid=f"WG{int(w.regions.village_code[village]) % 10**6:06d}{y}{len(T) + 1:05d}", person=int(person),
          category=category, method=method, amount=int(rng.integers(lo // 100, hi // 100)) * 100,
          approved=int(approved), completed=int(done) if done < BASE else NONE, village=village)


def _approval(rng, lo=day(2019, 1, 1), hi=day(2025, 6, 30)) -> int:
    return int(rng.integers(lo, hi))


def _take(pl, pred=None) -> int:
    """A household with no grant, kept clean: its members get no grant and no background asset."""
    h = pl.take_household(pred)
    if h >= 0:
        ms = pl.members_of(h)
        pl.w.used[ms] = True
        pl.no_grant[ms] = True
    return h


def _truth(pl, pattern: str, h: int, applicant: int, kind: str, note: str, related: int = -1) -> None:
    pl.w.add_truth(FAMILY, pattern, applicant, h, kind != "true", note, related=related, kind=kind)


def plant(pl, a, n: int) -> None:
    from .planting import cases
    w = pl.w
    table(w)
    towns = [v for v in range(w.regions.n_villages) if w.regions.village_urban[v]] or [0]
    rng = w.rng("renovation.housing")
    for kind, _ in cases(n, ["bought_after_renovation", "sold_before_renovation"]):
        h = _take(pl, lambda h: not w.regions.village_urban[w.hh.village[h]]
                  and any(pl.asset_ok(m, h) for m in pl.adults(h, 25, 65)))
        if h < 0:
            continue
        owner = [m for m in pl.adults(h, 25, 65) if pl.asset_ok(m, h)][0]
        pl.reserve_asset(owner)
        head = int(w.hh.head[h])
        t = _approval(rng, hi=day(2024, 6, 30))
        add(w, rng, head, "edge", "rebuild", t)
        if kind == "true":
            k = a.property(owner, "commercial", int(rng.choice(towns)), t - int(rng.integers(100, 2000)))
            note = "a member owns commercial housing when the renovation is approved 改造时家庭成员有商品房"
        elif kind == "bought_after_renovation":
            k = a.property(owner, "commercial", int(rng.choice(towns)), t + int(rng.integers(400, 800)))
            note = "decoy: commercial housing bought after the renovation 改造后购房"
        else:
            s = t - int(rng.integers(years(3), years(8)))
            k = a.property(owner, "commercial", int(rng.choice(towns)), s, t - int(rng.integers(100, 700)))
            note = "decoy: commercial housing sold before the renovation 改造前已出售"
        _truth(pl, "renovation_with_commercial_housing", h, head, kind, f"{note} ({a.cert(k)})", owner)

    rng = w.rng("renovation.twice")
    for kind, _ in cases(n, ["disaster_rebuild", "repeat_after_window"]):
        h = _take(pl, lambda h: not w.regions.village_urban[w.hh.village[h]])
        if h < 0:
            continue
        head = int(w.hh.head[h])
        second = head
        sp = int(w.people.spouse[head])
        if sp >= 0 and w.hh.of[sp] == h and pl.lasting(sp) and rng.random() < 0.5:
            second = sp
        if kind == "repeat_after_window":
            t1 = _approval(rng, day(2009, 1, 1), day(2013, 6, 30))
            t2 = t1 + int(rng.integers(years(11), years(12)))
        else:
            t1 = _approval(rng, day(2014, 1, 1), day(2020, 6, 30))
            t2 = min(t1 + int(rng.integers(years(1), years(6))), day(2025, 6, 30))
        add(w, rng, head, "edge", "repair" if rng.random() < 0.5 else "rebuild", t1)
        add(w, rng, second, "edge", "disaster" if kind == "disaster_rebuild" else "rebuild", t2)
        note = {"true": f"subsidised twice, {dates.iso1(t1)} and {dates.iso1(t2)} 重复享受危改补助",
                "disaster_rebuild": "decoy: the second subsidy is a post-disaster rebuild 灾后恢复重建",
                "repeat_after_window": f"decoy: the first renovation was {dates.iso1(t1)}, over ten years before "
                                       "改造间隔超过十年"}[kind]
        _truth(pl, "renovation_twice", h, second, kind, note, head if second != head else -1)

    rng = w.rng("renovation.category")
    for kind, _ in cases(n, ["dibao_ended_after_approval", "dibao_ended_before_approval"]):
        if kind == "true":
            h = _take(pl, lambda h: not w.regions.village_urban[w.hh.village[h]])
            if h < 0:
                continue
            t = _approval(rng)
            note = "recorded as 低保户 but no dibao at approval 对象身份不符"
        else:
            h = pl.take_household(lambda h: not w.regions.village_urban[w.hh.village[h]])
            if h < 0:
                continue
            s = pl.grant_start(day(2019, 1, 1), day(2023, 6, 30))
            if kind == "dibao_ended_after_approval":
                t = s + int(rng.integers(60, 365))
                pl.grant(h, s, end=t + int(rng.integers(90, 400)))
                note = "decoy: dibao held at approval, ended later 改造时仍为低保户"
            else:
                t = s + int(rng.integers(400, 700))
                pl.grant(h, s, end=t - int(rng.integers(30, 120)))
                note = "decoy: dibao ended a few months before approval (held at application) 申请时为低保户"
            w.used[pl.members_of(h)] = True
        head = int(w.hh.head[h])
        add(w, rng, head, "dibao", "rebuild", t)
        _truth(pl, "renovation_not_priority_object", h, head, kind, note)


def background(w: World, pl, n_planted_grants: int) -> None:
    """Ordinary dibao/destitute households renovated during their grant, and a few 低保边缘 households;
    none with a member owning commercial housing, each renovated once."""
    rng = w.rng("renovation.background")
    P = w.tables["property"]
    owners = set(P.col("person").astype(np.int64)[P.col("ptype") == "1"].tolist()) if len(P) else set()
    of = w.hh.of

    def clean(h: int) -> bool:
        return not any(int(m) in owners for m in pl.members_of(h))
    G = w.tables["grants"]
    done: set[int] = set()
    for gi in range(n_planted_grants, len(G)):
        programme = str(G.col("programme")[gi])
        h = int(G.col("household")[gi])
        if programme not in ("1", "2") or h in done or w.hh_used[h] or rng.random() >= GRANT_SHARE:
            continue
        if w.regions.village_urban[w.hh.village[h]] or not clean(h):
            continue
        s, e = int(G.col("start")[gi]), min(int(G.col("end")[gi]), BASE - 30)
        holder = int(G.col("holder")[gi])
        if e - s < 90 or of[holder] != h:
            continue
        done.add(h)
        add(w, rng, holder, "dibao" if programme == "1" else "destitute",
            "rebuild" if rng.random() < 0.6 else "repair", s + int(rng.integers(30, e - s)))
    k = int(w.people.n * EDGE_SHARE)
    for h in rng.permutation(w.hh.n):
        if k <= 0:
            break
        h = int(h)
        ms = pl.members_of(h)
        if (h in done or w.hh_used[h] or w.used[ms].any() or pl.member[ms].any() or not clean(h)
                or w.regions.village_urban[w.hh.village[h]] or not pl.lasting(int(w.hh.head[h]))):
            continue
        done.add(h)
        k -= 1
        add(w, rng, int(w.hh.head[h]), "edge", "repair", _approval(rng, day(2016, 1, 1)))


# --- extracts ----------------------------------------------------------------------
def extract(ctx):
    """住建局 农村危房改造补助对象信息 (layout a)."""
    from .extracts import frame
    from .mess import Spec
    T = table(ctx.w)
    ap = T.col("approved").astype(np.int64)
    k = np.flatnonzero(ap <= ctx.as_of)
    k = k[np.argsort(ap[k], kind="stable")]
    spec = Spec(
        file="zhujian_weigai.csv", agency="住房和城乡建设局", title="农村危房改造补助对象信息",
        title_en="rural dilapidated-house renovation", encoding="utf-8",
        columns=["档案编号", "户主姓名", "户主身份证号", "对象类别", "改造方式", "补助资金(元)", "批准日期", "竣工日期",
                 "所在村代码"],
        id_cols=["户主身份证号"], date_cols=["批准日期", "竣工日期"], key_cols=["档案编号"],
        text_cols=["户主姓名"], date_style="iso",
        notes="One row per subsidy. 对象类别 " + "/".join(CATEGORY.values()) + "; 改造方式 " +
              "/".join(METHOD.values()) + ". The applicant is usually the household head.")
    x = T.col("person").astype(np.int64)[k]
    done = T.col("completed").astype(np.int64)[k]
    df = frame(**{"档案编号": T.col("rid")[k], "户主姓名": ctx.nm(x), "户主身份证号": ctx.cid(x),
                  "对象类别": np.array([CATEGORY[c] for c in T.col("category")[k]], dtype=object),
                  "改造方式": np.array([METHOD[m] for m in T.col("method")[k]], dtype=object),
                  "补助资金(元)": T.col("amount")[k].astype(str), "批准日期": ap[k],
                  "竣工日期": np.where(done <= ctx.as_of, done, NONE),
                  "所在村代码": ctx.vcode(T.col("village").astype(np.int64)[k]), "_protected": ctx.protected(x)})
    return spec, iter([df]), "户主姓名"


def extract_b(ctx):
    """The national renovation system's farmer files (layout b): Excel, codes, 2021/3/5, 万元."""
    from .extracts_b import relayout
    build = relayout(extract, "农村危房改造农户档案.xlsx", {
        "农户档案号": "档案编号", "姓名": "户主姓名", "身份证号码": "户主身份证号", "行政村代码": "所在村代码",
        "对象类型": lambda d, c: np.array([B_CATEGORY[_key(CATEGORY, v)] for v in d["对象类别"]], dtype=object),
        "改造类型": lambda d, c: np.array([B_METHOD[_key(METHOD, v)] for v in d["改造方式"]], dtype=object),
        "补助金额(万元)": lambda d, c: np.array([f"{int(v) / 10_000:.2f}" for v in d["补助资金(元)"]], dtype=object),
        "批复时间": "批准日期", "竣工验收时间": "竣工日期"},
        "renovation_b", encoding="xlsx", crlf=False, date_style="slash",
        notes="对象类型 1 低保户 / 2 分散供养特困 / 3 低保边缘; 改造类型 1 拆除重建 / 2 维修加固 / 3 灾后恢复重建; "
              "补助金额 in 万元.")
    return build(ctx)


def _key(table: dict, value: str) -> str:
    return next(k for k, v in table.items() if v == value)
