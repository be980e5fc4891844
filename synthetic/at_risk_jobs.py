"""Planted households that lost a public-welfare post (公益性岗位) and nobody helps.

A public-welfare post is itself help: villages give them to poor and
monitored households' workers. When the post ends and no one else in the
register household earns (no payroll, no other post, no business, no
provident-fund account) and no relief or monitoring follows, the household
has lost its only income. Decoys: the worker moved to another post (转岗),
another member is on the public payroll, or relief followed the loss.

The background's ended posts end before the rule's twelve-month window
(see background.welfare_posts), so every hit is a planted one.
"""
from __future__ import annotations

from . import dates
from .assets import Assets
from .dates import BASE, NONE, years
from .grants import DIBAO, TEMPORARY
from .planting import Planter, cases

FAMILY = "at_risk"
PATTERN = "welfare_job_lost"
JOBS = ["护林员", "保洁员", "护路员", "水管员", "防返贫信息员"]
WINDOW_DAYS = 365           # the rule's default: the post ended within a year before as_of


def _post(pl: Planter, x: int, start: int, end: int) -> None:
    w, rng = pl.w, pl.rng
    w.tables["welfare"].add(person=int(x), village=int(w.hh.village[w.hh.of[x]]),
                            job=JOBS[int(rng.integers(len(JOBS)))], start=int(start), end=int(end),
                            pay=int(rng.integers(5, 13) * 100))


def welfare_job_lost(pl: Planter, a: Assets, n: int) -> None:
    w, rng = pl.w, pl.w.rng("at_risk.welfare")
    kinds = ["new_post", "other_earner", "relief_after_loss"]
    for kind, _ in cases(n, kinds):
        end = BASE - int(rng.integers(30, WINDOW_DAYS - 30))

        def workers(h):
            return [m for m in pl.adults(h, 25, 57) if pl.asset_ok(m, h)]

        h = pl.take_household(lambda h: len(workers(h)) >= (2 if kind == "other_earner" else 1))
        if h < 0:
            continue
        ws = workers(h)
        x = ws[0]
        w.used[pl.members_of(h)] = True
        w.protected[x] = True
        start = end - int(rng.integers(years(1), years(4)))
        _post(pl, x, start, end)
        head = int(w.hh.head[h])
        g = -1
        if kind == "new_post":
            _post(pl, x, end + int(rng.integers(1, 20)), NONE)
            note = f"decoy: post ended {dates.iso1(end)}, a new post followed 已转岗"
        elif kind == "other_earner":
            y = ws[1]
            pl.reserve_asset(y)
            job = ["school", "hospital", "government"][int(rng.integers(3))]
            a.payroll(y, job, a.employer(job, w.town_of_village(int(w.hh.village[h]))),
                      BASE - int(rng.integers(years(2), years(12))))
            note = "decoy: another member is on the public payroll 户内另有财政供养收入"
        elif kind == "relief_after_loss":
            prog = DIBAO if rng.random() < 0.5 else TEMPORARY
            g = pl.grant(h, min(end + int(rng.integers(15, 90)), BASE - 5), prog, holder=head)
            note = f"decoy: relief granted after the post ended {dates.iso1(end)} 失岗后已获救助"
        else:
            note = (f"public-welfare post ended {dates.iso1(end)}; no other income, no relief, not monitored "
                    "公益性岗位离岗且无其他收入、未获救助")
        w.add_truth(FAMILY, PATTERN, head, h, kind != "true", note, grant=g, related=x,
                    kind=kind if kind != "true" else "")


def plant(pl: Planter, a: Assets, n: int) -> None:
    welfare_job_lost(pl, a, n)
