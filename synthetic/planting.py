"""Shared bookkeeping for planted cases: who is taken, who must stay clean.

Planting must not leak: an asset given to one recipient's member must not
make some other grant a hit (relative_asset reaches two kin hops), and a
recipient must not sit near a cadre unless the case says so. The Planter
keeps the masks that enforce this and hands out households and people.
"""
from __future__ import annotations

import math

import numpy as np

from . import dates
from .cadres import Cadres
from .dates import BASE, HORIZON, day
from .grants import DIBAO, GrantBook
from .world import World


class PopulationTooSmall(ValueError):
    """The county has too few suitable people for the cases asked for."""


def case_counts(persons: int) -> tuple[int, int]:
    """(true cases per pattern, decoys per decoy kind), growing slower than N."""
    n_true = int(np.clip(round(10 * (persons / 20_000) ** 0.6), 10, 300))
    return n_true, n_true


def per_kind(n_true: int, kinds: int) -> int:
    return max(2, math.ceil(n_true / 2 / kinds))


def cases(n_true: int, decoys: list[str]):
    """(kind, i) for the n true cases, then per_kind(...) look-alikes of each decoy kind."""
    per = per_kind(n_true, len(decoys)) if decoys else 0
    yield from (("true", i) for i in range(n_true))
    for k in decoys:
        yield from ((k, i) for i in range(per))


class Planter:
    def __init__(self, w: World, cad: Cadres, book: GrantBook):
        self.w, self.cad, self.book, self.kin = w, cad, book, w.kin
        p = w.people
        self.cadre = np.zeros(p.n, dtype=bool)
        self.cadre[cad.persons()] = True
        self.near_cadre = self.kin.expand(self.cadre, 3)
        self.member = np.zeros(p.n, dtype=bool)     # covered by some grant
        self.no_grant = np.zeros(p.n, dtype=bool)   # kin of a planted asset holder
        self.skip_homestead = np.zeros(w.hh.n, dtype=bool)
        self.order, self.start = w.hh.members()
        near = np.zeros(w.hh.n, dtype=bool)
        np.logical_or.at(near, w.hh.of, self.near_cadre)
        self.hh_near_cadre = near
        self.rng = w.rng("planting")
        self._perm = self.rng.permutation(w.hh.n)
        self._from: dict[bool, int] = {}
        self._near: dict = {}
        by_v = np.argsort(w.hh.village[self._perm], kind="stable")
        hv = self._perm[by_v]
        cut = np.searchsorted(w.hh.village[hv], np.arange(w.regions.n_villages + 1))
        self.hh_in_village = [hv[cut[v]:cut[v + 1]] for v in range(w.regions.n_villages)]

    # --- people -----------------------------------------------------------
    def members_of(self, h: int) -> np.ndarray:
        return self.order[self.start[h]:self.start[h + 1]]

    def age(self, x: int, when: int = BASE) -> int:
        born = int(self.w.people.birth[x])
        years = dates.age_of(born, int(when))
        return int(dates.age_on(born, when)) if years is None else years

    def lasting(self, x: int) -> bool:
        """Alive through every data month, so the case stays what it is."""
        return bool(self.w.people.death[x] > HORIZON)

    def k2(self, x: int) -> list[int]:
        return list(self.kin.within(x, 2))

    def asset_ok(self, x: int, own_hh: int = -1) -> bool:
        """x may hold an asset: no grant member within two hops outside own_hh."""
        of = self.w.hh.of
        return not any(self.member[y] and of[y] != own_hh for y in self.k2(x))

    def reserve_asset(self, x: int) -> None:
        for y in self.k2(x):
            self.no_grant[y] = True
        self.w.used[x] = True
        self.w.protected[x] = True

    def cadres_near(self, h: int, hops: int = 3) -> set[int]:
        key = (h, hops)
        if key not in self._near:
            found: set[int] = set()
            if self.hh_near_cadre[h]:
                for m in self.members_of(h):
                    found.update(y for y in self.kin.within(int(m), hops) if self.cadre[y])
            self._near[key] = found
        return self._near[key]

    # --- households ---------------------------------------------------------
    def household_ok(self, h: int, allow_cadre_near: bool = False) -> bool:
        w = self.w
        if w.hh_used[h] or (self.hh_near_cadre[h] and not allow_cadre_near):
            return False
        ms = self.members_of(h)
        if self.no_grant[ms].any() or self.member[ms].any() or w.used[ms].any() or self.cadre[ms].any():
            return False
        return self.lasting(int(w.hh.head[h])) and 25 <= self.age(int(w.hh.head[h])) <= 75

    def take_household(self, pred=None, allow_cadre_near: bool = False) -> int:
        # A household that fails household_ok fails it for good (its marks are only ever
        # set), so the front of the shuffled list that failed is not read again: without
        # this, every case rescans the taken households and a 3 M county plants in O(n²).
        i = self._from.get(allow_cadre_near, 0)
        while i < len(self._perm) and not self.household_ok(int(self._perm[i]), allow_cadre_near):
            i += 1
        self._from[allow_cadre_near] = i
        for h in self._perm[i:]:
            h = int(h)
            if self.household_ok(h, allow_cadre_near) and (pred is None or pred(h)):
                self.w.hh_used[h] = True
                return h
        return -1

    def take_household_in(self, villages, pred=None, allow_cadre_near: bool = False) -> int:
        for v in villages:
            for h in self.hh_in_village[int(v)]:
                h = int(h)
                if self.household_ok(h, allow_cadre_near) and (pred is None or pred(h)):
                    self.w.hh_used[h] = True
                    return h
        return -1

    def villages_of_town(self, town: int) -> np.ndarray:
        return np.flatnonzero(self.w.regions.village_town == town)

    def adults(self, h: int, lo: int = 20, hi: int = 65, when: int = BASE) -> list[int]:
        return [int(m) for m in self.members_of(h)
                if lo <= self.age(int(m), when) <= hi and self.lasting(int(m))]

    # --- grants -------------------------------------------------------------
    def grant(self, h: int, start: int, programme: str = DIBAO, holder: int | None = None,
              **kw) -> int:
        if holder is None:
            holder = int(self.w.hh.head[h])
        g = self.book.add(programme, h, holder, start, **kw)
        self.mark_grant(g)
        return g

    def mark_grant(self, g: int) -> None:
        w = self.w
        M = w.tables["members"]
        ms = M.col("person")[M.col("grant") == g]
        self.member[ms] = True
        w.used[ms] = True
        w.hh_used[int(w.tables["grants"].col("household")[g])] = True

    def grant_start(self, lo=day(2019, 1, 1), hi=day(2025, 6, 30)) -> int:
        return int(self.rng.integers(lo, hi))

    def gid(self, g: int) -> str:
        return str(self.w.tables["grants"].col("gid")[g])

    # --- third parties (buyers, co-shareholders, namesakes), after background grants ---
    def third_party(self, allowed: np.ndarray, lo: int = 25, hi: int = 60, pred=None, required: bool = True) -> int:
        if not hasattr(self, "_tp"):
            self._tp = self.rng.permutation(np.flatnonzero(allowed))
        w = self.w
        for x in self._tp:
            x = int(x)
            if w.used[x] or self.cadre[x] or not allowed[x] or not self.lasting(x):
                continue
            if lo <= self.age(x) <= hi and (pred is None or pred(x)):
                w.used[x] = True
                w.protected[x] = True
                return x
        if not required:
            return -1
        raise PopulationTooSmall("县里人口不足以安排案例 / population too small for the planted cases")
