"""Planted relative-to-cadre conflicts (干部亲属利益冲突) and look-alikes.

Subjects are cadres. A relative who controls a company or takes a
public-welfare post must have no other cadre within three kin hops, and no
grant member within two (so the company is not also a hidden asset of some
recipient). Jurisdiction is the cadre's village, or the town for handlers.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .assets import Assets
from .cadres import TOWN, VILLAGE
from .dates import BASE, NONE, day, years
from .favour_relief import Favour
from .planting import per_kind

FAMILY = "cadre_conflict"


def _truth(f: Favour, pattern, c, decoy, note, related=-1, evidence="", kind=""):
    f.w.add_truth(FAMILY, pattern, c, int(f.w.hh.of[c]), decoy, note, related=related, evidence=evidence, kind=kind)
    f.w.used[c] = True


def _jurisdiction(f: Favour, c: int) -> np.ndarray:
    lv, org, _, _ = f.span[c]
    return np.array([org]) if lv == VILLAGE else f.pl.villages_of_town(org)


def _outside(f: Favour, c: int) -> np.ndarray:
    lv, org, _, _ = f.span[c]
    town = org if lv == TOWN else f.w.town_of_village(org)
    return np.flatnonzero(f.w.regions.village_town != town)


def _in_term(f: Favour, c: int, lo=day(2017, 1, 1)) -> int:
    _, _, s, e = f.span[c]
    lo, hi = max(s, lo), min(e, BASE - 30)
    return int(f.pl.rng.integers(lo, hi)) if lo < hi else -1


def _before_term(f: Favour, c: int) -> int:
    s = f.span[c][2]
    lo, hi = day(2015, 1, 1), s - 60
    return int(f.pl.rng.integers(lo, hi)) if lo < hi else -1


def _relatives(f: Favour, c: int, allowed, same_village: bool | None):
    pl, w = f.pl, f.w
    out = []
    for r, lab in sorted(pl.kin.close_relatives(c).items()):
        if w.used[r] or pl.cadre[r] or not allowed[r] or not pl.lasting(r) or not 25 <= pl.age(r) <= 62:
            continue
        if {y for y in pl.kin.within(r, 3) if pl.cadre[y]} - {c}:
            continue
        if same_village is not None:
            inside = w.hh.village[w.hh.of[r]] == f.span[c][1]
            if inside != same_village:
                continue
        out.append((r, lab))
    return out


def relative_company_project(f: Favour, a: Assets, n: int, allowed):
    pl = f.pl
    per = per_kind(n, 2)
    for kind, count in (("true", n), ("outside_jurisdiction", per), ("outside_term", per)):
        made = 0
        for c in f.cadres():
            if made >= count:
                break
            award = _before_term(f, c) if kind == "outside_term" else _in_term(f, c)
            rel = _relatives(f, c, allowed, None)
            if award < 0 or not rel:
                continue
            r, lab = rel[0]
            est = max(day(2010, 1, 1), award - int(pl.rng.integers(years(1), years(5))))
            vs = _outside(f, c) if kind == "outside_jurisdiction" else _jurisdiction(f, c)
            v = int(pl.rng.choice(vs))
            k = a.company("enterprise", r, int(f.w.hh.village[f.w.hh.of[r]]), est, NONE, [(r, 100.0, est, NONE)],
                          [(r, "执行董事", est, NONE)])
            pj = a.project(k, v, award)
            pl.reserve_asset(r)
            pid = str(f.w.tables["projects"].col("pid")[pj])
            note = {"true": f"cadre's {lab} controls the company that won {pid} in the jurisdiction during the term",
                    "outside_jurisdiction": f"decoy: project {pid} lies outside the cadre's jurisdiction 非管辖范围",
                    "outside_term": f"decoy: project {pid} awarded {dates.iso1(award)} before the term 任职前中标"}[kind]
            _truth(f, "relative_company_project", c, kind != "true", note, r, f"{a.code(k)};{pid}", kind)
            made += 1


def relative_welfare_post(f: Favour, n: int, allowed):
    pl, w = f.pl, f.w
    per = per_kind(n, 2)
    jobs = ["护林员", "保洁员", "护路员", "水管员"]
    for kind, count in (("true", n), ("other_village", per), ("before_term", per)):
        made = 0
        for c in f.cadres(levels=(VILLAGE,)):
            if made >= count:
                break
            start = _before_term(f, c) if kind == "before_term" else _in_term(f, c)
            rel = _relatives(f, c, np.ones_like(allowed), kind != "other_village")
            if start < 0 or not rel:
                continue
            r, lab = rel[0]
            v = int(w.hh.village[w.hh.of[r]])
            w.tables["welfare"].add(person=r, village=v, job=jobs[made % len(jobs)], start=start, end=NONE,
                                    pay=int(pl.rng.integers(5, 13) * 100))
            w.used[r] = True
            w.protected[r] = True
            note = {"true": f"cadre's {lab} given a public-welfare post in the cadre's village during the term",
                    "other_village": f"decoy: the {lab}'s post is in another village 非本村岗位",
                    "before_term": f"decoy: post began {dates.iso1(start)} before the cadre's term 任职前上岗"}[kind]
            _truth(f, "relative_welfare_post", c, kind != "true", note, r, kind=kind)
            made += 1


def cadre_shareholder_funded(f: Favour, a: Assets, n: int, allowed):
    pl, w = f.pl, f.w
    per = per_kind(n, 2)
    for kind, count in (("true", n), ("exited_before_award", per), ("award_before_term", per)):
        made = 0
        for c in f.cadres():
            if made >= count:
                break
            if not allowed[c] or not pl.lasting(c):
                continue
            if {y for y in pl.kin.within(c, 3) if pl.cadre[y]} - {c}:
                continue  # another cadre's relative holding shares would be a second case
            award = _before_term(f, c) if kind == "award_before_term" else _in_term(f, c)
            if award < 0:
                continue
            rep = pl.third_party(allowed, 28, 60, lambda x: not pl.near_cadre[x])
            est = max(day(2010, 1, 1), award - int(pl.rng.integers(years(1), years(6))))
            c_end = award - int(pl.rng.integers(60, 400)) if kind == "exited_before_award" else NONE
            if c_end <= est:
                c_end = NONE if kind != "exited_before_award" else est + 30
            share = round(float(pl.rng.uniform(20, 45)), 1)
            k = a.company("enterprise", rep, int(w.hh.village[w.hh.of[rep]]), est, NONE,
                          [(rep, round(100 - share, 1), est, NONE), (c, share, est, c_end)],
                          [(rep, "执行董事", est, NONE)])
            pj = a.project(k, int(pl.rng.choice(_jurisdiction(f, c))), award)
            pl.reserve_asset(c)
            pid = str(w.tables["projects"].col("pid")[pj])
            note = {"true": f"cadre holds {share}% of the company that won {pid} during the term",
                    "exited_before_award": f"decoy: cadre left the shareholding {dates.iso1(c_end)} before the award 中标前已退股",
                    "award_before_term": f"decoy: {pid} awarded {dates.iso1(award)} before the term 任职前中标"}[kind]
            _truth(f, "cadre_shareholder_funded", c, kind != "true", note, rep, f"{a.code(k)};{pid}", kind)
            made += 1


def plant(f: Favour, a: Assets, n: int, allowed):
    relative_company_project(f, a, n, allowed)
    relative_welfare_post(f, n, allowed)
    cadre_shareholder_funded(f, a, n, allowed)
