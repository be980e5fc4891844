"""Kin networks judged the way `kin_network_concentration` judges them.

The rule flags a cadre when the cadre's kin households in the cadre's
village hold more grants than the village's own coverage explains: with n
kin households there (two hops, the cadre's own excluded) and the share of
the village's register households holding a dibao or destitute grant, the
Poisson tail P(X >= k | n x rate) must be below the rule's declared p.
A planted network is a true case only if it is such an anomaly; a village
with high coverage needs more relatives on relief before it is one.

Networks are planted before the background grants, so the planter picks
them against an estimate of the village's final coverage (planted grants so
far plus the background's expected share, with a margin), and
`settle` re-judges every network once all grants exist, labelling each
by the rule's definition.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import dates
from .dates import BASE
from .grants import DESTITUTE, DIBAO

# The rule's declared default (cypher/rules/favour_relief/kin_network_concentration.cypher).
P_VALUE = 0.005
MIN_GRANTS = 2
COUNTED = (DIBAO, DESTITUTE)
# Background dibao covers this share of households, weighted like it, and destitute support this
# share of the elderly living alone (grants.background).
BACKGROUND_SHARE = 0.055
DESTITUTE_SHARE = 0.35


def poisson_tail(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term, below = math.exp(-lam), 0.0
    for i in range(k):
        below += term
        term *= lam / (i + 1)
    return max(0.0, 1.0 - below)


def significant(k: int, n: int, rate: float, p: float = P_VALUE) -> bool:
    return k >= MIN_GRANTS and poisson_tail(k, n * rate) < p


@dataclass
class Network:
    kind: str                 # "true" or the decoy kind it was planted as
    cadre: int
    village: int
    grants: list[int] = field(default_factory=list)


class VillageRates:
    """Coverage per village: now (from the grant book) and as expected after the background grants."""

    def __init__(self, pl):
        self.pl, self.w = pl, pl.w
        hh, p = self.w.hh, self.w.people
        self.size = np.bincount(hh.of, minlength=hh.n)
        head_age = dates.age_on(p.birth[hh.head], np.full(hh.n, BASE))
        self.single_old = (self.size == 1) & (head_age >= 62)
        self.weight = (np.where(head_age >= 65, 3.0, 1.0) * np.where(self.size >= 5, 1.5, 1.0)
                       * np.where(self.w.regions.village_urban[hh.village], 0.4, 1.0))
        self.households = np.bincount(hh.village, minlength=self.w.regions.n_villages)

    def covered(self) -> np.ndarray:
        """Households per village holding a counted grant now."""
        G = self.w.tables["grants"]
        if not len(G):
            return np.zeros(self.w.regions.n_villages, dtype=np.int64)
        prog = np.asarray(G.col("programme"), dtype=object)
        hs = np.unique(np.asarray(G.col("household"), dtype=np.int64)[np.isin(prog, COUNTED)])
        return np.bincount(self.w.hh.village[hs], minlength=self.w.regions.n_villages)

    def actual(self, v: int) -> float:
        return float(self.covered()[v]) / max(1, int(self.households[v]))

    def expected(self, v: int) -> tuple[float, float]:
        """The village's expected coverage after the background grants, and its standard error."""
        w, pl = self.w, self.pl
        free = ~w.hh_used & ~pl.hh_near_cadre
        here = free & (w.hh.village == v)
        share = self.weight[here].sum() / max(self.weight[free].sum(), 1e-9)
        destitute = DESTITUTE_SHARE * (here & self.single_old).sum()
        n = max(1, int(self.households[v]))
        rate = min(1.0, (self.covered()[v] + destitute + BACKGROUND_SHARE * w.hh.n * share) / n)
        return rate, math.sqrt(rate * (1 - rate) / n) + 1.0 / n

    def upper_estimate(self, v: int) -> float:
        rate, se = self.expected(v)
        return min(1.0, rate + 2 * se)

    def lower_estimate(self, v: int) -> float:
        rate, se = self.expected(v)
        return max(self.actual(v), rate - 2 * se)


def kin_households(pl, c: int, village: int) -> set[int]:
    """The cadre's kin households (two hops, own excluded) in the village, as the rule counts them."""
    w = pl.w
    own = int(w.hh.of[c])
    return {int(w.hh.of[r]) for r in pl.kin.within(c, 2) if r != c
            and int(w.hh.of[r]) != own and int(w.hh.village[w.hh.of[r]]) == village}


def granted_households(pl, households: set[int]) -> set[int]:
    G = pl.w.tables["grants"]
    prog = np.asarray(G.col("programme"), dtype=object)
    hs = np.asarray(G.col("household"), dtype=np.int64)[np.isin(prog, COUNTED)]
    return households & {int(h) for h in hs}


def settle(f, networks: list[Network]) -> dict[str, int]:
    """Label every planted network by the rule's definition once all grants exist.

    A network planted as a true case that the village's coverage explains
    becomes a lawful look-alike (`within_base_rate`); a small network that is
    nonetheless an anomaly there becomes a true case. Returns how many moved.
    """
    rates = VillageRates(f.pl)
    moved = {"to_decoy": 0, "to_true": 0}
    for net in networks:
        if net.kind not in ("true", "small_network"):
            continue
        kin = kin_households(f.pl, net.cadre, net.village)
        k = len(granted_households(f.pl, kin))
        rate = rates.actual(net.village)
        anomaly = significant(k, len(kin), rate)
        if anomaly == (net.kind == "true"):
            continue
        for row in f.w.truth:
            if row["pattern"] == "kin_network_concentration" and row["grant"] in net.grants:
                if anomaly:
                    row.update(is_decoy=0, kind="", note=f"the cadre's kin hold {k} of {len(kin)} kin households' "
                               f"grants in a village with {rate:.1%} coverage (Poisson tail below {P_VALUE}) "
                               "亲属圈在本村集中享受")
                else:
                    row.update(is_decoy=1, kind="within_base_rate",
                               note=f"decoy: the cadre's kin hold {k} of {len(kin)} kin households' grants, which the "
                                    f"village's {rate:.1%} coverage explains 亲属享受未超出本村覆盖率")
        moved["to_true" if anomaly else "to_decoy"] += 1
    return moved
