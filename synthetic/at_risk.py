"""Planted households at risk (防返贫监测 / 应保未保) and their lawful look-alikes.

The other families find help that should not be paid; this one finds
households that should be helped and are not. A true case is a household
with no grant whose members paid large out-of-pocket medical bills in the
last year. Decoys: the same bills in a household already on dibao or given
temporary relief, and bills whose large totals were mostly paid by medical
insurance (small 个人自付).

Households are taken before background grants, and their members are marked
used, so no background grant or asset lands on them. Background bills are
small (at most one per person, 个人自付 below MAX_BACKGROUND_OOP), so no
unplanted household reaches the rule's threshold.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, years
from .assets import Assets
from .grants import DIBAO, TEMPORARY
from .planting import Planter, cases
from .regions import COUNTY_CODE
from .world import Table

FAMILY = "at_risk"
THRESHOLD = 20_000            # the rule's default min_out_of_pocket (元, within 12 months)
MAX_BACKGROUND_OOP = 1_800    # household sizes stay below THRESHOLD / MAX_BACKGROUND_OOP
BACKGROUND_SHARE = 0.05
HOSPITALS = ["县人民医院", "县中医医院", "县妇幼保健院", "市第一人民医院", "区人民医院", "医科大学第一附属医院"]


def _table(w) -> Table:
    if "medical" not in w.tables:
        w.tables["medical"] = Table("bill", "person", "hospital", "admitted", "discharged", "settled",
                                    "total", "fund", "oop")
    return w.tables["medical"]


def _bill(w, rng, person: int, settled: int, total: float, oop: float) -> None:
    T = _table(w)
    stay = int(rng.integers(3, 25))
    T.add(bill=f"YB{COUNTY_CODE}{len(T) + 1:09d}", person=int(person),
          hospital=HOSPITALS[int(rng.integers(len(HOSPITALS)))], admitted=settled - stay - 1,
          discharged=settled - 1, settled=int(settled), total=round(total, 2), fund=round(total - oop, 2),
          oop=round(oop, 2))


def _split(rng, amount: float, parts: int) -> list[float]:
    w = rng.dirichlet(np.ones(parts)) * 0.6 + 0.4 / parts
    return [float(a) for a in amount * w]


def large_medical_bill(pl: Planter, n: int):
    w, rng = pl.w, pl.w.rng("at_risk.medical")
    kinds = ["on_dibao", "temporary_relief_given", "reimbursed_by_insurance"]
    for kind, _ in cases(n, kinds):
        h = pl.take_household(lambda h: len([m for m in pl.members_of(h) if pl.lasting(int(m))]) >= 1)
        if h < 0:
            continue
        ms = [int(m) for m in pl.members_of(h) if pl.lasting(int(m))]
        sick = [ms[int(i)] for i in rng.choice(len(ms), size=min(len(ms), int(rng.integers(1, 3))), replace=False)]
        w.used[pl.members_of(h)] = True
        w.protected[sick] = True
        n_bills = int(rng.integers(1, 4))
        settled = sorted(int(BASE - rng.integers(20, 200)) for _ in range(n_bills))
        if kind == "reimbursed_by_insurance":
            oop_total, total = float(rng.integers(4_000, 12_000)), float(rng.integers(60_000, 160_000))
        else:
            oop_total = float(rng.integers(THRESHOLD + 2_000, 3 * THRESHOLD))
            total = oop_total * float(rng.uniform(1.6, 3.5))
        for s, oop, tot in zip(settled, _split(rng, oop_total, n_bills), _split(rng, total, n_bills)):
            _bill(w, rng, sick[int(rng.integers(len(sick)))], s, max(tot, oop), oop)
        head = int(w.hh.head[h])
        g = -1
        if kind == "on_dibao":
            g = pl.grant(h, int(BASE - rng.integers(years(1), years(5))), DIBAO)
            note = "decoy: household already on dibao 已享受低保"
        elif kind == "temporary_relief_given":
            g = pl.grant(h, min(settled[0] + int(rng.integers(15, 60)), BASE - 5), TEMPORARY)
            note = "decoy: temporary relief granted after the bills 已给予临时救助"
        elif kind == "reimbursed_by_insurance":
            note = f"decoy: total {total:.0f} yuan, out-of-pocket only {oop_total:.0f} 医保报销后自付少"
        else:
            note = (f"out-of-pocket {oop_total:.0f} yuan in {n_bills} bill(s) since {dates.iso1(settled[0])}, "
                    "no relief, not monitored 大额医疗自付且未获救助")
        w.add_truth(FAMILY, "large_medical_bill", head, h, kind != "true", note, grant=g,
                    related=sick[0], kind=kind if kind != "true" else "")


def background_bills(pl: Planter):
    """Ordinary small bills for a share of the county, away from the planted households."""
    w, p, rng = pl.w, pl.w.people, pl.w.rng("at_risk.background")
    x = np.flatnonzero(rng.random(p.n) < BACKGROUND_SHARE)
    planted = np.zeros(w.hh.n, dtype=bool)
    planted[[t["household"] for t in w.truth if t["family"] == FAMILY]] = True
    settled = BASE - rng.integers(1, 720, len(x))
    keep = ~planted[w.hh.of[x]] & (p.birth[x] < settled) & (p.death[x] > settled)
    x, settled = x[keep], settled[keep]
    oop = rng.integers(200, MAX_BACKGROUND_OOP, len(x)).astype(float)
    total = np.round(oop * rng.uniform(1.5, 5.0, len(x)), 2)
    stay = rng.integers(3, 25, len(x))
    T = _table(w)
    first = len(T) + 1
    T.extend(bill=np.array([f"YB{COUNTY_CODE}{i:09d}" for i in range(first, first + len(x))], dtype=object),
             person=x, hospital=np.array(HOSPITALS, dtype=object)[rng.integers(len(HOSPITALS), size=len(x))],
             admitted=settled - stay - 1, discharged=settled - 1, settled=settled, total=total,
             fund=np.round(total - oop, 2), oop=oop)


def _dependant(pl: Planter, x: int) -> bool:
    """A child or an elderly person through every data month (no earner in the making)."""
    return pl.lasting(x) and (pl.age(x) <= 14 or pl.age(x) >= 61)


def sole_earner(pl: Planter, h: int, earner_ok, other_earner_remains: bool = False) -> int | None:
    """The member of household `h` for whom `earner_ok` holds and who is the
    only working-age one (the rest children or elderly) — or, for the decoy,
    one beside whom another working-age member remains. None if nobody is."""
    ms = [int(m) for m in pl.members_of(h)]
    if len(ms) < 2:
        return None
    for e in ms:
        rest = [m for m in ms if m != e]
        if not earner_ok(e):
            continue
        if other_earner_remains:
            ok = all(pl.lasting(m) for m in rest) and any(25 <= pl.age(m) <= 55 for m in rest)
        else:
            ok = all(_dependant(pl, m) for m in rest)
        if ok:
            return e
    return None


def main_earner_death(pl: Planter, a: Assets, n: int):
    """A working-age member with payroll or business income died; only children / elderly remain."""
    w, p, rng = pl.w, pl.w.people, pl.w.rng("at_risk.death")
    kinds = ["elderly_non_earner", "other_earner_remains", "relief_after_death"]
    for kind, _ in cases(n, kinds):
        d = BASE - int(rng.integers(60, 400))

        def earner_ok(x, h):
            return pl.lasting(x) and 25 <= pl.age(x, d) <= 55 and pl.asset_ok(x, h)

        def pick(h):
            ms = [int(m) for m in pl.members_of(h)]
            if len(ms) < 2:
                return None
            for e in ms:
                rest = [m for m in ms if m != e]
                if kind == "elderly_non_earner":
                    ok = pl.lasting(e) and pl.age(e, d) >= 66 and all(_dependant(pl, m) for m in rest)
                elif kind == "other_earner_remains":
                    ok = earner_ok(e, h) and all(pl.lasting(m) for m in rest) and any(
                        25 <= pl.age(m) <= 55 for m in rest)
                else:
                    ok = earner_ok(e, h) and all(_dependant(pl, m) for m in rest)
                if ok:
                    return e
            return None
        h = pl.take_household(lambda h: pick(h) is not None)
        if h < 0:
            continue
        e = pick(h)
        w.used[pl.members_of(h)] = True
        v = int(w.hh.village[h])
        income = "none"
        if kind != "elderly_non_earner":
            pl.reserve_asset(e)
            if rng.random() < 0.5:
                town = w.town_of_village(v)
                job = ["school", "hospital", "government"][int(rng.integers(3))]
                a.payroll(e, job, a.employer(job, town), max(int(p.birth[e]) + years(22), d - years(15)), d)
                income = "payroll 财政供养"
            else:
                a.company("individual_business", e, v, d - int(rng.integers(years(2), years(10))),
                          d + int(rng.integers(20, 50)))
                income = "individual business 个体工商户"
        p.death[e] = d
        w.protected[e] = True
        survivors = [int(m) for m in pl.members_of(h) if int(m) != e]
        head = int(w.hh.head[h])
        subject = head if head != e else min(survivors, key=lambda m: int(p.birth[m]))
        g = -1
        if kind == "relief_after_death":
            g = pl.grant(h, min(d + int(rng.integers(60, 120)), BASE - 5), DIBAO, holder=subject)
            note = f"decoy: earner died {dates.iso1(d)}, dibao granted afterwards 死亡后已纳入低保"
        elif kind == "elderly_non_earner":
            note = f"decoy: elderly member without income died {dates.iso1(d)} 老年非劳动力死亡"
        elif kind == "other_earner_remains":
            note = f"decoy: earner died {dates.iso1(d)}, another working-age member remains 仍有劳动力"
        else:
            note = (f"earner ({income}) died {dates.iso1(d)} aged {pl.age(e, d)}; only children/elderly remain, "
                    "no relief 主要劳动力死亡且未获救助")
        w.add_truth(FAMILY, "main_earner_death", subject, h, kind != "true", note, grant=g, related=e,
                    kind=kind if kind != "true" else "")


def plant(pl: Planter, a: Assets, n: int):
    _table(pl.w)
    large_medical_bill(pl, n)
    main_earner_death(pl, a, n)


