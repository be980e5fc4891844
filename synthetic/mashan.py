"""`--scenario mashan`: the Mashan county audit table, planted exactly.

Among people registered as poor (建档立卡), 3,119 did not qualify: 343 on
the public payroll, 2,454 who bought 2,645 cars, 43 who bought commercial
housing in the county town or built a house, 439 who ran an individual
business or a company. The categories overlap (343 + 2,454 + 43 + 439 =
3,279), so the plan below fixes how many people sit in each combination;
every fact falls inside the person's registration period (entry to exit,
or to the data date while still registered). Nobody else on the roster
holds any of these, so linking the extracts gives the table exactly.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from .assets import Assets
from .dates import BASE, NONE, day, years
from .planting import Planter, PopulationTooSmall

MIN_PERSONS = 100_000
PAYROLL, CARS, HOUSING, BUSINESS = "public_payroll", "cars", "housing", "business"
TABLE = [(PAYROLL, 343, 343), (CARS, 2454, 2645), (HOUSING, 43, 43), (BUSINESS, 439, 439)]
INELIGIBLE = 3119
LABEL_ZH = {PAYROLL: "财政供养人员", CARS: "购买汽车", HOUSING: "县城购买商品房或建房", BUSINESS: "经营个体工商户或公司"}
# Combinations of categories and their head counts: 150 people in two
# categories and 5 in three give 3,119 people and 3,279 memberships.
PLAN = [
    ((PAYROLL,), 295), ((CARS,), 2307), ((HOUSING,), 26), ((BUSINESS,), 336),
    ((CARS, PAYROLL), 40), ((CARS, BUSINESS), 90), ((CARS, HOUSING), 12), ((PAYROLL, BUSINESS), 8),
    ((CARS, HOUSING, BUSINESS), 5),
]
TWO_CARS = 2645 - 2454


def check_plan() -> None:
    people = sum(k for _, k in PLAN)
    per = Counter()
    for cats, k in PLAN:
        for c in cats:
            per[c] += k
    assert people == INELIGIBLE, people
    assert all(per[c] == n for c, n, _ in TABLE), per


def roster(pl: Planter, share: float = 0.25) -> np.ndarray:
    """Pick registered-poor households among those with no grant; return the persons mask."""
    w = pl.w
    rng = w.rng("mashan.roster")
    on = np.zeros(w.people.n, dtype=bool)
    hh = w.hh
    rural = ~w.regions.village_urban[hh.village]
    cand = np.flatnonzero(rural & ~w.hh_used)
    cand = cand[rng.permutation(len(cand))][: int(share * hh.n)]
    T = w.tables["roster"]
    for h in cand:
        h = int(h)
        ms = pl.members_of(h)
        if pl.member[ms].any() or pl.no_grant[ms].any() or w.used[ms].any() or pl.cadre[ms].any():
            continue
        entry = int(rng.integers(day(2014, 10, 1), day(2016, 12, 31)))
        exit_ = int(rng.integers(day(2017, 6, 1), day(2020, 12, 31))) if rng.random() < 0.65 else NONE
        alive = [int(m) for m in ms if w.alive(m, entry)]
        if not alive:
            continue
        w.hh_used[h] = True
        for m in alive:
            T.add(household=h, person=m, entry=entry, exit=exit_)
            on[m] = True
    return on


def plant(pl: Planter, a: Assets, allowed: np.ndarray, on_roster: np.ndarray) -> list[dict]:
    """Plant the table; returns one record per ineligible person."""
    check_plan()
    w, p = pl.w, pl.w.people
    rng = w.rng("mashan.plant")
    R = w.tables["roster"]
    person, entry, exit_ = R.col("person"), R.col("entry"), R.col("exit")
    order = rng.permutation(len(person))
    pool = []
    for i in order:
        x, s = int(person[i]), int(entry[i])
        e = min(int(exit_[i]), BASE)
        if 22 <= pl.age(x, s) <= 55 and pl.lasting(x) and not pl.cadre[x] and pl.asset_ok(x):
            pool.append((x, s, e))
    if len(pool) < INELIGIBLE * 1.2:
        raise PopulationTooSmall(f"马山情景人口不足，请至少使用 --persons {MIN_PERSONS} / "
                         f"the mashan scenario needs at least --persons {MIN_PERSONS}")
    out = []
    k = 0
    two_cars = TWO_CARS
    for cats, count in PLAN:
        for _ in range(count):
            x, s, e = pool[k]
            k += 1
            pl.reserve_asset(x)
            rec = {"person": x, "household": int(w.hh.of[x]), "categories": cats, "cars": 0,
                   "entry": s, "exit": e, "evidence": []}
            v = int(w.hh.village[w.hh.of[x]])
            town = w.town_of_village(v)

            def inside():
                return int(rng.integers(s + 1, e))
            if PAYROLL in cats:
                kind = ["school", "hospital", "government"][int(rng.integers(3))]
                start = inside() if rng.random() < 0.5 else max(int(p.birth[x]) + years(22), s - int(rng.integers(30, years(4))))
                a.payroll(x, kind, a.employer(kind, town), start, NONE)
            if CARS in cats:
                n_cars = 2 if two_cars > 0 else 1
                two_cars -= n_cars - 1
                for _c in range(n_cars):
                    t = inside()
                    rec["evidence"].append(a.vin(a.vehicle("car", t, [(x, t, NONE)])))
                rec["cars"] = n_cars
            if HOUSING in cats:
                t = inside()
                if rng.random() < 0.6:
                    towns = [u for u in range(w.regions.n_villages) if w.regions.village_urban[u]] or [0]
                    k_ = a.property(x, "commercial", int(rng.choice(towns)), t)
                else:
                    k_ = a.property(x, "homestead", v, t)
                rec["evidence"].append(a.cert(k_))
            if BUSINESS in cats:
                t = inside()
                if rng.random() < 0.75:
                    c = a.company("individual_business", x, v, t)
                else:
                    c = a.company("enterprise", x, v, t, NONE, [(x, 100.0, t, NONE)])
                rec["evidence"].append(a.code(c))
            out.append(rec)
    assert two_cars == 0
    return out
