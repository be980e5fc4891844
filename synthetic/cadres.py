"""Village cadres 村两委, town case handlers 低保经办人员, county approvers.

Village committees were elected in January 2018 (3-year term), January
2021 and January 2026 (5-year terms, often with one person as both party
secretary and director, 一肩挑). Each town has two handler posts and the
county civil-affairs bureau two approver posts, filled in succession since
2012 so that every grant has an assessor and an approver on its start date.
Handlers and approvers are civil servants, so they are on the payroll.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import dates
from .dates import HORIZON, NONE, day, years
from .population import MALE
from .world import World

TERMS = [(day(2018, 1, 15), day(2021, 1, 20)), (day(2021, 1, 20), day(2026, 1, 20)),
         (day(2026, 1, 20), NONE)]
TITLES = {"01": "村党组织书记", "02": "村民委员会主任", "03": "村两委委员",
          "11": "低保经办人员", "21": "社会救助审批人员"}
VILLAGE, TOWN, COUNTY = "village", "town", "county"
BUREAU = "青禾县民政局"


@dataclass
class Post:
    person: int
    level: str
    org: int          # village index, town index, or -1 for the county bureau
    title: str
    start: int
    end: int


@dataclass
class Cadres:
    posts: list[Post] = field(default_factory=list)
    by_person: dict[int, list[Post]] = field(default_factory=dict)

    def add(self, post: Post):
        self.posts.append(post)
        self.by_person.setdefault(post.person, []).append(post)

    def persons(self) -> np.ndarray:
        return np.array(sorted(self.by_person), dtype=np.int64)

    def active(self, level: str, org: int, when: int, title: str | None = None) -> list[Post]:
        return [q for q in self.posts if q.level == level and q.org == org and q.start <= when < q.end
                and (title is None or q.title == title)]

    def index(self):
        """Speed up `active` for many look-ups: (level, org) -> posts."""
        idx: dict[tuple, list[Post]] = {}
        for q in self.posts:
            idx.setdefault((q.level, q.org), []).append(q)
        self._idx = idx

    def active_fast(self, level: str, org: int, when: int) -> list[Post]:
        return [q for q in self._idx.get((level, org), []) if q.start <= when < q.end]


def _pool(w: World, cand: np.ndarray, lo: int, hi: int, when: int, taken: np.ndarray) -> np.ndarray:
    a = dates.age_on(w.people.birth[cand], np.full(len(cand), when))
    return cand[(a >= lo) & (a <= hi) & ~taken[cand]]


def build(w: World) -> Cadres:
    rng = w.rng("cadres")
    p, regs = w.people, w.regions
    cad = Cadres()
    taken = np.zeros(p.n, dtype=bool)
    # Candidates per village, computed once: age is checked per term below.
    age_now = dates.age_on(p.birth, np.full(p.n, dates.BASE))
    base_ok = (p.death > HORIZON) & ~p.single & (age_now >= 30) & (age_now <= 70)
    hv = w.hh.village[w.hh.of]
    order = np.argsort(hv, kind="stable")
    cand_all = order[base_ok[order]]
    starts = np.searchsorted(hv[cand_all], np.arange(regs.n_villages + 1))
    for v in range(regs.n_villages):
        cand = cand_all[starts[v]:starts[v + 1]]
        if len(cand) < 8:
            continue
        prev: list[int] = []
        for t, (s, e) in enumerate(TERMS):
            a = dates.age_on(p.birth[cand], np.full(len(cand), s))
            pool = cand[(a >= 28) & (a <= 60) & ~taken[cand]]
            wts = np.where(p.sex[pool] == MALE, 3.0, 1.0)
            keep = [x for x in prev if rng.random() < 0.6]
            need = 5 - len(keep)
            if len(pool) < need:
                continue
            new = rng.choice(pool, size=need, replace=False, p=wts / wts.sum()).tolist()
            members = keep + new
            taken[new] = True
            one_person = t >= 1 and rng.random() < 0.7
            cad.add(Post(members[0], VILLAGE, v, "01", s, e))
            if one_person:
                cad.add(Post(members[0], VILLAGE, v, "02", s, e))
            else:
                cad.add(Post(members[1], VILLAGE, v, "02", s, e))
            for x in members[1 if one_person else 2:]:
                cad.add(Post(x, VILLAGE, v, "03", s, e))
            prev = members
    ok_civil = (p.death > HORIZON) & ~p.single & (age_now >= 25) & (age_now <= 65)
    town_of = regs.village_town[hv]
    for t in range(len(regs.town_code)):
        cand = np.flatnonzero(ok_civil & (town_of == t))
        _succession(w, rng, cad, taken, cand, TOWN, t, "11", f"{regs.town_name[t]}人民政府")
    cand = np.flatnonzero(ok_civil & regs.village_urban[hv])
    if len(cand) < 50:
        cand = np.flatnonzero(ok_civil)
    _succession(w, rng, cad, taken, cand, COUNTY, -1, "21", BUREAU)
    cad.index()
    T = w.tables["posts"]
    for q in cad.posts:
        T.add(person=q.person, level=q.level, org=q.org, title=q.title, start=q.start, end=q.end)
    return cad


def _succession(w, rng, cad, taken, cand, level, org, title, employer):
    p = w.people
    for slot in range(2):
        s = day(2012, 1, 1) + int(rng.integers(0, 400)) + slot * 200
        while s < HORIZON:
            e = s + int(rng.integers(years(3), years(7)))
            if e > dates.BASE - 400:  # whoever holds the post a year before the data keeps it
                e = NONE
            pool = _pool(w, cand, 25, 50, s, taken)
            x = int(rng.choice(pool))
            taken[x] = True
            cad.add(Post(x, level, org, title, s, e))
            joined = max(int(p.birth[x]) + years(22), s - int(rng.integers(0, years(8))))
            w.tables["payroll"].add(person=x, employer=employer, kind="government",
                                    job="科员" if level == TOWN else "股长", start=joined, end=NONE)
            if e >= NONE:
                break
            s = e
