"""Planted households that left dibao and then fell ill, and nobody helps again.

A household whose dibao ended (退保) is one the 2023 opinion on low-income
monitoring keeps watching: when, after the exit, its members pay sizeable
hospital bills out of pocket and no relief or monitoring follows, the exit
should be reviewed. The bills stay below large_medical_bill's threshold, so
only this rule speaks for them. Decoys: the bills came before the exit (the
review saw them), temporary relief followed the bills, or the bills are small.
"""
from __future__ import annotations

from . import dates
from .at_risk import _bill, _split
from .dates import BASE, years
from .grants import DIBAO, TEMPORARY
from .planting import Planter, cases

FAMILY = "at_risk"
PATTERN = "ill_after_dibao_exit"
MIN_OOP = 10_000            # the rule's default min_out_of_pocket
MAX_OOP = 18_000            # below large_medical_bill's 20 000


def plant(pl: Planter, n: int) -> None:
    w, rng = pl.w, pl.w.rng("at_risk.exit")
    kinds = ["bills_before_exit", "relief_after_bills", "small_bills"]
    for kind, _ in cases(n, kinds):
        h = pl.take_household(lambda h: any(pl.lasting(int(m)) for m in pl.members_of(h)))
        if h < 0:
            continue
        ms = [int(m) for m in pl.members_of(h) if pl.lasting(int(m))]
        w.used[pl.members_of(h)] = True
        sick = ms[int(rng.integers(len(ms)))]
        w.protected[sick] = True
        n_bills = int(rng.integers(1, 4))
        if kind == "bills_before_exit":
            ended = BASE - int(rng.integers(60, 120))
            settled = sorted(ended - int(rng.integers(10, 150)) for _ in range(n_bills))
        else:
            ended = BASE - int(rng.integers(200, 600))
            settled = sorted(BASE - int(rng.integers(20, 180)) for _ in range(n_bills))
        start = ended - int(rng.integers(years(1), years(5)))
        g = pl.grant(h, start, DIBAO, end=ended)
        oop_total = float(rng.integers(2_000, 6_000) if kind == "small_bills" else rng.integers(MIN_OOP + 500, MAX_OOP))
        total = oop_total * float(rng.uniform(1.6, 3.5))
        for s, oop, tot in zip(settled, _split(rng, oop_total, n_bills), _split(rng, total, n_bills)):
            _bill(w, rng, sick, s, max(tot, oop), oop)
        if kind == "relief_after_bills":
            g = pl.grant(h, min(settled[-1] + int(rng.integers(10, 40)), BASE - 5), TEMPORARY)
            note = "decoy: temporary relief after the bills 就医后已给予临时救助"
        elif kind == "bills_before_exit":
            note = f"decoy: the bills came before the exit of {dates.iso1(ended)} 退保前已就医"
        elif kind == "small_bills":
            note = f"decoy: out-of-pocket only {oop_total:.0f} yuan after the exit 自付较少"
        else:
            note = (f"dibao ended {dates.iso1(ended)}; then {oop_total:.0f} yuan out of pocket in {n_bills} bill(s), "
                    "no relief 退保后因病支出且未获救助")
        w.add_truth(FAMILY, PATTERN, int(w.hh.head[h]), h, kind != "true", note, grant=g, related=sick,
                    kind=kind if kind != "true" else "")
