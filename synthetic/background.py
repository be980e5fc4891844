"""The county's ordinary economic life, filled in bulk.

Run after every grant (planted and background) exists, with `allowed` =
people who may hold cars, commercial housing, company roles and payroll
without creating an unplanted hit. Projects and welfare posts avoid anyone
within three kin hops of a cadre, for the same reason on the cadre side.
"""
from __future__ import annotations

import numpy as np

from . import dates, ids, regions as reg
from .assets import _BRANDS, Assets
from .dates import BASE, HORIZON, NONE, day, years
from .world import World


def _adults(w: World, mask: np.ndarray, lo: int, hi: int) -> np.ndarray:
    age = dates.age_on(w.people.birth, np.full(w.people.n, BASE))
    return mask & (age >= lo) & (age <= hi) & (w.people.death > BASE)


def vehicles(w: World, a: Assets, allowed: np.ndarray) -> None:
    rng = w.rng("background.vehicles")
    p, hh = w.people, w.hh
    ok = _adults(w, allowed, 20, 72)
    urban = w.regions.village_urban[hh.village[hh.of]]
    rate = {"car": np.where(urban, 0.16, 0.08), "motorcycle": np.where(urban, 0.08, 0.18),
            "farm": np.where(urban, 0.0, 0.04), "disability": np.full(p.n, 0.0015)}
    for vtype, r in rate.items():
        owner = np.flatnonzero(ok & (rng.random(p.n) < r))
        owner = owner[rng.permutation(len(owner))]
        n = len(owner)
        if not n:
            continue
        lo = np.maximum(day(2006, 1, 1), p.birth[owner] + years(20))
        start = lo + (rng.random(n) * np.maximum(1, BASE - lo)).astype(np.int64)
        end = np.where(p.death[owner] <= BASE, p.death[owner], NONE)
        # One vehicle in eight was bought second-hand from another allowed owner.
        prev = np.where(rng.random(n) < 0.125, rng.choice(np.flatnonzero(ok), n), -1)
        prev[prev == owner] = -1
        first = np.where(prev >= 0, start - rng.integers(years(1), years(6), n), start)
        first = np.maximum(first, day(2003, 1, 1))
        prev[first >= start] = -1
        first = np.where(prev >= 0, first, start)
        codes = {"car": np.array(["K33", "K31", "H31"])[rng.integers(0, 3, n)],
                 "motorcycle": np.full(n, "M22"), "farm": np.full(n, "N11"),
                 "disability": np.full(n, "J11")}[vtype]
        vin = ids.vins(rng, dates.ymd(first)[0], a.n_vin)
        plate = ids.plates(reg.PLATE_PREFIX, a.n_plate, n)
        a.n_vin += n
        a.n_plate += n
        brands = np.array(_BRANDS[vtype], dtype=object)[rng.integers(0, len(_BRANDS[vtype]), n)]
        v = w.tables["vehicles"].extend(vin=np.array(vin, dtype=object), plate=np.array(plate, dtype=object),
                                        vtype=np.full(n, vtype, dtype=object), code=codes.astype(object),
                                        brand=brands)
        has_prev = prev >= 0
        w.tables["owners"].extend(vehicle=np.concatenate([v[has_prev], v]),
                                  person=np.concatenate([prev[has_prev], owner]),
                                  start=np.concatenate([first[has_prev], start]),
                                  end=np.concatenate([start[has_prev], end]))


def properties(w: World, a: Assets, allowed: np.ndarray, homestead_before: np.ndarray) -> None:
    """Homesteads for rural households; county-town flats for allowed households.

    homestead_before: per household, the latest allowed registration day (the
    poverty roster needs its homesteads to predate enrolment).
    """
    rng = w.rng("background.property")
    p, hh = w.people, w.hh
    urban = w.regions.village_urban[hh.village]
    head = hh.head
    rural = np.flatnonzero(~urban)
    lo = np.maximum(day(1992, 1, 1), p.birth[head[rural]] + years(20))
    hi = np.minimum(np.minimum(homestead_before[rural], day(2021, 1, 1)), p.death[head[rural]])
    ok = lo < hi
    rural, lo, hi = rural[ok], lo[ok], hi[ok]
    start = lo + (rng.random(len(rural)) * (hi - lo)).astype(np.int64)
    _bulk_property(w, a, rng, head[rural], "2", hh.village[rural], start,
                   np.array([hh.address[h] for h in rural], dtype=object))
    # Flats: every allowed county-town household, and a tenth of allowed rural ones.
    ok_p = _adults(w, allowed, 22, 80)
    want = np.flatnonzero(ok_p[head] & (urban | (rng.random(hh.n) < 0.10)))
    lo = np.maximum(day(2004, 1, 1), p.birth[head[want]] + years(22))
    start = lo + (rng.random(len(want)) * np.maximum(1, BASE - lo)).astype(np.int64)
    town_v = np.flatnonzero(w.regions.village_urban)
    v = np.where(urban[want], hh.village[want], town_v[rng.integers(0, len(town_v), len(want))]) \
        if len(town_v) else hh.village[want]
    addr = np.array([hh.address[h] if urban[h] else a._address("commercial", 0) for h in want], dtype=object)
    _bulk_property(w, a, rng, head[want], "1", v, start, addr)


def _bulk_property(w, a, rng, person, code, village, start, address):
    n = len(person)
    y = dates.ymd(start)[0]
    cert = np.array([ids.property_cert(reg.PROVINCE_ABBR, int(yy), reg.COUNTY_NAME, a.n_cert + i + 1)
                     for i, yy in enumerate(y.tolist())], dtype=object)
    a.n_cert += n
    area = np.round(rng.uniform(80, 220, n) if code == "2" else rng.uniform(60, 140, n), 2)
    w.tables["property"].extend(cert=cert, ptype=np.full(n, code, dtype=object), area=area,
                                village=village, address=address, person=person, start=start,
                                end=np.full(n, NONE))


def companies(w: World, a: Assets, allowed: np.ndarray) -> None:
    rng = w.rng("background.companies")
    p, hh = w.people, w.hh
    ok = _adults(w, allowed, 22, 65)
    pool = np.flatnonzero(ok)
    for x in pool[rng.random(len(pool)) < 0.03]:
        lo = max(day(2005, 1, 1), int(p.birth[x]) + years(20))
        if lo >= BASE - 30:
            continue
        est = int(rng.integers(lo, BASE))
        dereg = int(rng.integers(est + 200, BASE)) if rng.random() < 0.2 and est + 200 < BASE else NONE
        a.company("individual_business", int(x), int(hh.village[hh.of[x]]), est, dereg)
    for x in pool[rng.random(len(pool)) < 0.006]:
        lo = max(day(2008, 1, 1), int(p.birth[x]) + years(22))
        if lo >= BASE - 30:
            continue
        est = int(rng.integers(lo, BASE))
        dereg = int(rng.integers(est + 365, BASE)) if rng.random() < 0.15 and est + 365 < BASE else NONE
        others = [int(y) for y in rng.choice(pool, int(rng.integers(0, 3))) if y != x]
        shares = rng.dirichlet(np.ones(1 + len(others))) * 100
        sh = [(x, round(float(shares[0]), 1), est, dereg)] + [
            (y, round(float(s), 1), est, dereg) for y, s in zip(others, shares[1:])]
        ex = [(int(rng.choice(pool)), "监事", est, dereg)]
        a.company("enterprise", int(x), int(hh.village[hh.of[x]]), est, dereg, sh, ex)


def payroll(w: World, a: Assets, allowed: np.ndarray) -> None:
    rng = w.rng("background.payroll")
    p, hh = w.people, w.hh
    age = dates.age_on(p.birth, np.full(p.n, BASE))
    # A staff member who dies of working age may leave only dependants: that is a planted at-risk case
    # (main_earner_death), never a background one.
    dies_working = (p.death <= HORIZON) & (dates.age_on(p.birth, np.minimum(p.death, HORIZON)) < 60)
    pool = np.flatnonzero(allowed & (age >= 23) & (age <= 80) & ~p.single & ~dies_working)
    pick = pool[rng.random(len(pool)) < 0.035]
    for x in pick:
        start = max(day(1985, 1, 1), int(p.birth[x]) + int(rng.integers(years(21), years(28))))
        if start >= min(BASE, int(p.death[x])):
            continue
        kind = ["school", "school", "hospital", "government"][int(rng.integers(4))]
        a.payroll(int(x), kind, a.employer(kind, int(w.regions.village_town[hh.village[hh.of[x]]])),
                  start, a.retirement(int(x)))


def projects(w: World, a: Assets, clean_company: np.ndarray, n: int) -> None:
    """Poverty-project awards to companies with no cadre or cadre kin among their people."""
    rng = w.rng("background.projects")
    C = w.tables["companies"]
    est, dereg = C.col("established").astype(np.int64), C.col("dereg").astype(np.int64)
    ent = np.flatnonzero(clean_company & (C.col("ctype") != "9600"))
    if not len(ent):
        return
    for _ in range(n):
        c = int(rng.choice(ent))
        lo, hi = max(int(est[c]) + 90, day(2017, 1, 1)), min(int(dereg[c]), BASE)
        if lo >= hi:
            continue
        a.project(c, int(rng.integers(w.regions.n_villages)), int(rng.integers(lo, hi)))


def welfare_posts(w: World, allowed: np.ndarray) -> None:
    rng = w.rng("background.welfare")
    p, hh = w.people, w.hh
    ok = _adults(w, allowed, 25, 62) & ~w.regions.village_urban[hh.village[hh.of]]
    pick = np.flatnonzero(ok & (rng.random(p.n) < 0.01))
    jobs = ["护林员", "保洁员", "护路员", "水管员", "防返贫信息员"]
    for x in pick:
        s = int(rng.integers(day(2017, 1, 1), BASE))
        e = s + int(rng.integers(years(1), years(4))) if rng.random() < 0.5 else NONE
        # A post ending within the last year before BASE would be a welfare_job_lost case: kept running.
        e = e if e <= BASE - years(1) - 31 else NONE
        w.tables["welfare"].add(person=int(x), village=int(hh.village[hh.of[x]]),
                                job=jobs[int(rng.integers(len(jobs)))], start=s, end=e,
                                pay=int(rng.integers(5, 13) * 100))
