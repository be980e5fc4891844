"""Lawful look-alikes in the background, at realistic rates.

A real county is full of facts that resemble abuse and are not: a sibling
who owes no support drives a car, a member retired from a village school
before the household applied, a shop closed before the grant, a namesake
in the same town owns a car, a car was sold before the application. The
clean background (see `background`) has none of them by construction, so
a rule that over-reaches would never be caught. This module adds them to
ordinary (background) grants after the economy's `allowed` mask is fixed,
and records every one in truth.csv as a decoy (is_decoy=1) of the pattern
it imitates, with its own kind in `decoy_kind`.

Each look-alike keeps truth exact: its facts must not make any grant a true
hit. An asset given to a grant member or relative is therefore only given
when no grant holder sits one kin hop from the owner outside the owner's
own household (that holder's relative_asset check would see it) and the
owner belongs to no other grant.

Rates are assumptions about a rural Guangxi county, cited per kind below;
small counties get at least FLOOR of each kind so every test county has
them (a county of 20 000 has only a few hundred grants).
"""
from __future__ import annotations

import numpy as np

from . import dates
from .assets import Assets
from .dates import BASE, NONE, day, years
from .planting import Planter
from .world import World

FLOOR = 4
FAMILY = "hidden_assets"

# Share of background grants that carry each look-alike (assumptions).
RATES = {
    # About 1 recipient household in 10 has a sibling of the applicant, living
    # in another household, with a car registered in the grant years (rural car
    # ownership is ~8-16 % of adults and applicants have two or three siblings).
    "kin_car_no_duty": 0.10,
    # About 1 in 30 recipient households sold a car before applying (a car is
    # the first asset a household in trouble sells; the register keeps it).
    "car_sold_before_grant": 1 / 30,
    # About 1 in 60: a member ran an individual business that was deregistered
    # before the application (a failed shop is a common road to dibao).
    "deregistered_business": 1 / 60,
    # About 1 in 40: an adult of the same name, sex and surname in the same town
    # owns a car (clan villages share a handful of surnames and given names).
    "namesake_same_town": 1 / 40,
    # About 1 in 150 elderly recipient households has a member who retired from
    # the public payroll (a former 民办/公办 teacher or clerk) before applying.
    "retired_public_staff": 1 / 150,
}
PATTERN = {"kin_car_no_duty": "relative_asset", "car_sold_before_grant": "car_during_grant",
           "deregistered_business": "company_role", "namesake_same_town": "car_during_grant",
           "retired_public_staff": "public_payroll"}


class _Ctx:
    def __init__(self, w: World, pl: Planter, a: Assets, allowed: np.ndarray, first_bg: int, on_roster):
        self.w, self.pl, self.a, self.allowed = w, pl, a, allowed
        G, M = w.tables["grants"], w.tables["members"]
        self.G = G
        n = len(G)
        self.holder = G.col("holder").astype(np.int64)
        self.start = G.col("start").astype(np.int64)
        self.end = G.col("end").astype(np.int64)
        self.hh = G.col("household").astype(np.int64)
        self.programme = G.col("programme")
        self.is_holder = np.zeros(w.people.n, dtype=bool)
        self.is_holder[self.holder] = True
        mg, mp = M.col("grant").astype(np.int64), M.col("person").astype(np.int64)
        self.n_grants = np.bincount(mp, minlength=w.people.n)
        self.bg = np.arange(first_bg, n)
        sel = mg >= first_bg
        self.bg_member_grant, self.bg_member = mg[sel], mp[sel]
        self.taken_hh = np.zeros(w.hh.n, dtype=bool)   # one look-alike per household keeps cases legible
        self.on_roster = on_roster

    def buyer(self) -> int:
        """An adult outside every grant's two-hop circle, to buy a member's car (clean by `allowed`)."""
        w, p = self.w, self.w.people
        if not hasattr(self, "_buyers"):
            age = dates.age_on(p.birth, np.full(p.n, BASE))
            ok = self.allowed & ~self.pl.cadre & (age >= 25) & (age <= 60) & (p.death > dates.HORIZON)
            self._buyers = w.rng("lookalikes.buyers").permutation(np.flatnonzero(ok))
            self._next = 0
        while self._next < len(self._buyers):
            x = int(self._buyers[self._next])
            self._next += 1
            if not w.used[x]:
                w.used[x] = w.protected[x] = True
                return x
        return -1

    def owner_ok(self, x: int) -> bool:
        """x may own a look-alike asset without making any grant a true hit."""
        w = self.w
        if w.used[x] or self.pl.cadre[x] or self.on_roster[x] or self.n_grants[x] > 1:
            return False
        own, member = w.hh.of[x], self.n_grants[x] > 0
        # A holder one hop away sees x as a relative owing support unless x is covered by that
        # holder's own grant (the same household's grant, of which x is a member).
        return not any(self.is_holder[y] and (w.hh.of[y] != own or not member) for y in self.pl.kin.neighbours(x))

    def truth(self, kind: str, g: int, note: str, related: int = -1, evidence: str = ""):
        self.w.add_truth(FAMILY, PATTERN[kind], int(self.holder[g]), int(self.hh[g]), True,
                         f"decoy: {note}", grant=int(g), related=related, evidence=evidence, kind=kind)
        self.taken_hh[self.hh[g]] = True
        self.w.used[int(self.holder[g])] = True


def _quota(rng, n: int, rate: float) -> int:
    return max(int(rng.binomial(n, rate)) if n else 0, min(FLOOR, n))


def kin_car_no_duty(c: _Ctx):
    w, p, pl = c.w, c.w.people, c.pl
    rng = w.rng("lookalikes.kin_car")
    gs = c.bg[rng.permutation(len(c.bg))]
    want, made = _quota(rng, len(gs), RATES["kin_car_no_duty"]), 0
    for g in gs:
        if made >= want:
            break
        h, s = int(c.holder[g]), int(c.start[g])
        if c.taken_hh[c.hh[g]] or s > BASE - 60:
            continue
        sibs = {int(y) for par in (p.father[h], p.mother[h]) if par >= 0 for y in pl.kin.children(int(par))} - {h}
        sibs = [r for r in sorted(sibs) if w.hh.of[r] != c.hh[g] and c.n_grants[r] == 0 and pl.lasting(r)
                and 25 <= pl.age(r) <= 65 and c.owner_ok(r)]
        if not sibs:
            continue
        r = sibs[int(rng.integers(len(sibs)))]
        t = int(rng.integers(s, BASE - 30))
        v = c.a.vehicle("car", t, [(r, t, NONE)])
        w.used[r] = w.protected[r] = True
        c.truth("kin_car_no_duty", g, "the applicant's sibling in another household owns a car; siblings owe no "
                "support 兄弟姐妹(另立户)有车，无赡养义务", r, c.a.vin(v))
        made += 1


def _members(c: _Ctx, rng, lo: int, hi: int, when_start: bool = True):
    """(grant, member) pairs of background grants, members aged lo..hi at the grant's start, shuffled."""
    g, x = c.bg_member_grant, c.bg_member
    age = dates.age_on(c.w.people.birth[x], c.start[g])
    k = np.flatnonzero((age >= lo) & (age <= hi) & (c.start[g] < BASE - 60))
    k = k[rng.permutation(len(k))]
    return g[k], x[k]


def _on_members(c: _Ctx, kind: str, stream: str, lo: int, hi: int, plant) -> None:
    """Offer members aged lo..hi of background grants, in random order, to
    `plant(rng, grant, member, start)` until the kind's quota is made. `plant`
    answers True when it planted, False to pass, None when it can plant no more."""
    rng = c.w.rng(f"lookalikes.{stream}")   # its own stream: a change to one kind leaves the others
    gs, xs = _members(c, rng, lo, hi)
    want, made = _quota(rng, len(np.unique(gs)), RATES[kind]), 0
    for g, x in zip(gs.tolist(), xs.tolist()):
        if made >= want:
            return
        if c.taken_hh[c.hh[g]] or not c.owner_ok(x):
            continue
        planted = plant(rng, g, x, int(c.start[g]))
        if planted is None:
            return
        made += planted


def _working_life(c: _Ctx, rng, x: int, until: int, least: int) -> tuple[int, int] | None:
    """(from, until) for an asset x held, adult since 2005, that ended 60–700 days before `until`."""
    lo = max(day(2005, 1, 1), int(c.w.people.birth[x]) + years(20))
    ended = until - int(rng.integers(60, 700))
    return (lo, ended) if ended - lo >= least else None


def car_sold_before_grant(c: _Ctx):
    def plant(rng, g, x, s):
        span = _working_life(c, rng, x, s, 400)
        if span is None:
            return False
        lo, sold = span
        first = int(rng.integers(lo, sold - 200))
        buyer = c.buyer()
        if buyer < 0:
            return None
        v = c.a.vehicle("car", first, [(x, first, sold), (buyer, sold, NONE)])
        c.w.used[x] = c.w.protected[x] = True
        c.truth("car_sold_before_grant", g, f"a member's car was transferred {dates.iso1(sold)}, before the grant "
                "began 申请前已过户", x, c.a.vin(v))
        return True
    _on_members(c, "car_sold_before_grant", "sold_car", 25, 70, plant)


def deregistered_business(c: _Ctx):
    w = c.w

    def plant(rng, g, x, s):
        span = _working_life(c, rng, x, s, 500)
        if span is None:
            return False
        lo, dereg = span
        est = int(rng.integers(lo, dereg - 365))
        k = c.a.company("individual_business", x, int(w.hh.village[w.hh.of[x]]), est, dereg)
        w.used[x] = w.protected[x] = True
        c.truth("deregistered_business", g, f"a member's individual business was deregistered {dates.iso1(dereg)}, "
                "before the grant began 个体户申请前已注销", x, c.a.code(k))
        return True
    _on_members(c, "deregistered_business", "dereg", 25, 62, plant)


def retired_public_staff(c: _Ctx):
    w, p = c.w, c.w.people

    def plant(rng, g, x, s):
        retired = c.a.retirement(x)
        if retired >= s - 30:
            return False
        hired = max(day(1980, 1, 1), int(p.birth[x]) + int(rng.integers(years(20), years(30))))
        if hired >= retired - years(5):
            return False
        town = w.town_of_village(int(w.hh.village[w.hh.of[x]]))
        c.a.payroll(x, "school", c.a.employer("school", town), hired, retired, "退休")
        w.used[x] = w.protected[x] = True
        c.truth("retired_public_staff", g, f"a member retired from the public payroll {dates.iso1(retired)}, before "
                "the grant began 申请前已退休", x)
        return True
    _on_members(c, "retired_public_staff", "retired", 58, 85, plant)


def namesake_same_town(c: _Ctx):
    w, p, pl = c.w, c.w.people, c.pl
    rng = w.rng("lookalikes.namesake")
    hv = w.hh.village[w.hh.of]
    town = w.regions.village_town[hv]
    age = dates.age_on(p.birth, np.full(p.n, BASE))
    pool = np.flatnonzero(c.allowed & ~w.used & ~pl.cadre & (age >= 25) & (age <= 60) & (p.death > dates.HORIZON)
                          & ~c.on_roster)
    pool = pool[rng.permutation(len(pool))]

    def key(x):
        return (town[x].astype(np.int64) * 3 + p.sex[x]) * 1000 + p.surname[x]
    pool = pool[np.argsort(key(pool), kind="stable")]
    pool_key = key(pool)
    nxt: dict[int, int] = {}   # key -> next unused position in pool
    gs = c.bg[rng.permutation(len(c.bg))]
    want, made = _quota(rng, len(gs), RATES["namesake_same_town"]), 0
    for g in gs.tolist():
        if made >= want:
            break
        x, s = int(c.holder[g]), int(c.start[g])
        if c.taken_hh[c.hh[g]] or s > BASE - 60:
            continue
        k = int(key(np.array([x]))[0])
        i = nxt.get(k, int(np.searchsorted(pool_key, k)))
        while i < len(pool) and pool_key[i] == k and w.used[pool[i]]:
            i += 1
        if i >= len(pool) or pool_key[i] != k:
            nxt[k] = i
            continue
        z = int(pool[i])
        nxt[k] = i + 1
        p.given[z] = p.given[x]
        t = int(rng.integers(s, BASE - 30))
        v = c.a.vehicle("car", t, [(z, t, NONE)])
        w.used[z] = w.protected[z] = True
        c.truth("namesake_same_town", g, "a namesake in the same town (same name, another ID) owns a car "
                "同镇同名不同人有车", z, c.a.vin(v))
        made += 1


def plant(w: World, pl: Planter, a: Assets, allowed: np.ndarray, first_bg: int, on_roster: np.ndarray) -> None:
    c = _Ctx(w, pl, a, allowed, first_bg, on_roster)
    kin_car_no_duty(c)
    car_sold_before_grant(c)
    deregistered_business(c)
    retired_public_staff(c)
    namesake_same_town(c)
