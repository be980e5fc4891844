"""Grants 救助 (dibao, destitute support, temporary relief) and their payments.

A grant is one household's enrolment: holder (applicant and payee), the
covered members, start/end, monthly amount, the town handler who assessed
it (审核) and the county official who approved it (审批). Background grants
go only to households at least three kin hops from every cadre, so favour
patterns exist only where planted. Grant ends and deaths are drawn up to a
year ahead; a later data month simply reveals them.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .cadres import COUNTY, TOWN, Cadres
from .dates import BASE, HORIZON, NONE, day, years
from .world import World

DIBAO, DESTITUTE, TEMPORARY = "1", "2", "3"
PROGRAMME_ZH = {DIBAO: "最低生活保障", DESTITUTE: "特困人员供养", TEMPORARY: "临时救助"}
PROGRAMME_EN = {DIBAO: "dibao", DESTITUTE: "destitute", TEMPORARY: "temporary"}
_PREFIX = {DIBAO: "DB", DESTITUTE: "TK", TEMPORARY: "LS"}
PAY_FROM = 2024 * 12  # payments are extracted from January 2024 on

_REL_TO_HOLDER = {"spouse": "配偶", "child": "子女", "parent": "父母", "sibling": "兄弟姐妹",
                  "grandchild": "孙子女", "grandparent": "祖父母", "child_in_law": "其他",
                  "parent_in_law": "其他"}


class GrantBook:
    def __init__(self, w: World, cad: Cadres):
        self.w, self.cad = w, cad
        self.rng = w.rng("grants")
        self.serial: dict[tuple, int] = {}

    def assessor(self, village: int, when: int, avoid=()) -> int:
        town = self.w.town_of_village(village)
        posts = [q for q in self.cad.active_fast(TOWN, town, when) if q.person not in avoid]
        return posts[int(self.rng.integers(len(posts)))].person if posts else -1

    def approver(self, when: int, avoid=()) -> int:
        posts = [q for q in self.cad.active_fast(COUNTY, -1, when) if q.person not in avoid]
        return posts[int(self.rng.integers(len(posts)))].person if posts else -1

    def amount(self, programme: str, n_members: int) -> int:
        r = self.rng
        if programme == DIBAO:
            return int(n_members * (r.integers(38, 53) * 10))
        if programme == DESTITUTE:
            return int(r.integers(86, 97) * 10)
        return int(r.integers(5, 31) * 100)

    def add(self, programme: str, household: int, holder: int, start: int, end: int = NONE,
            members=None, assessor: int | None = None, approver: int | None = None,
            amount: int | None = None, village: int | None = None, avoid=(),
            paid_through: bool = False) -> int:
        w = self.w
        if village is None:
            village = int(w.hh.village[household])
        if members is None:
            members = self.household_members(household, start)
        if holder not in members:
            members = [holder] + list(members)
        if programme == TEMPORARY:
            end = start
        if assessor is None:
            assessor = self.assessor(village, start, avoid)
        if approver is None:
            approver = self.approver(start, avoid)
        if amount is None:
            amount = self.amount(programme, len(members))
        y = int(dates.ymd(start)[0])
        k = (programme, y)
        self.serial[k] = self.serial.get(k, 0) + 1
        gid = f"{_PREFIX[programme]}{village_code6(w)}{y}{self.serial[k]:05d}"
        g = w.tables["grants"].add(gid=gid, programme=programme, household=int(household),
                                   holder=int(holder), village=int(village), start=int(start),
                                   end=int(end), amount=int(amount), assessor=int(assessor),
                                   approver=int(approver), phone=-1, address=-1, account=-1,
                                   paid_through=int(paid_through))
        rel = w.kin.close_relatives(holder)
        for m in members:
            word = "本人" if m == holder else _REL_TO_HOLDER.get(rel.get(int(m), ""), "其他")
            w.tables["members"].add(grant=g, person=int(m), relation=word)
        return g

    def household_members(self, household: int, when: int) -> list[int]:
        w = self.w
        ms = self._members_of(household)
        return [int(m) for m in ms if w.alive(m, when)]

    def _members_of(self, h: int) -> np.ndarray:
        if not hasattr(self, "_order"):
            self._order, self._start = self.w.hh.members()
        return self._order[self._start[h]:self._start[h + 1]]


def village_code6(w: World) -> str:
    from .regions import COUNTY_CODE
    return str(COUNTY_CODE)


def grant_start(rng, lo=day(2015, 1, 1), hi=HORIZON) -> int:
    return int(rng.integers(lo, hi))


def background(book: GrantBook, eligible_hh: np.ndarray) -> None:
    """Ordinary grants to households that carry no planted or accidental risk."""
    w, rng = book.w, book.w.rng("grants.background")
    p, hh = w.people, w.hh
    size = np.bincount(hh.of, minlength=hh.n)
    head_age = dates.age_on(p.birth[hh.head], np.full(hh.n, BASE))
    cand = np.flatnonzero(eligible_hh & ~w.hh_used)
    single_old = cand[(size[cand] == 1) & (head_age[cand] >= 62)]
    rest = np.setdiff1d(cand, single_old[: int(len(single_old) * 0.35)])
    # 特困: a third of the elderly living alone.
    for h in single_old[: int(len(single_old) * 0.35)]:
        x = int(hh.head[h])
        lo = max(day(2015, 1, 1), int(p.birth[x]) + years(60))
        if lo >= min(int(p.death[x]), HORIZON):
            continue
        s = int(rng.integers(lo, min(int(p.death[x]), HORIZON)))
        book.add(DESTITUTE, int(h), x, s, _end(p, x, NONE))
        w.hh_used[h] = True
    wts = np.where(head_age[rest] >= 65, 3.0, 1.0) * np.where(size[rest] >= 5, 1.5, 1.0)
    wts *= np.where(w.regions.village_urban[hh.village[rest]], 0.4, 1.0)
    n_db = min(len(rest), int(round(0.055 * hh.n)))
    pick = rng.choice(rest, size=n_db, replace=False, p=wts / wts.sum()) if n_db else []
    for h in pick:
        s = grant_start(rng)
        x = _holder(book, int(h), s)
        if x < 0:
            continue
        e = s + int(rng.integers(years(1), years(8))) if rng.random() < 0.45 else NONE
        book.add(DIBAO, int(h), x, s, _end(p, x, e))
        w.hh_used[h] = True
    rest2 = np.setdiff1d(rest, np.asarray(pick, dtype=np.int64))
    n_tmp = min(len(rest2), int(round(0.02 * hh.n)))
    for h in rng.choice(rest2, size=n_tmp, replace=False) if n_tmp else []:
        s = grant_start(rng, day(2019, 1, 1))
        x = _holder(book, int(h), s)
        if x >= 0:
            book.add(TEMPORARY, int(h), x, s)
            w.hh_used[h] = True


def _holder(book: GrantBook, h: int, when: int) -> int:
    w = book.w
    head = int(w.hh.head[h])
    adult = lambda x: w.alive(x, when) and dates.age_on(w.people.birth[x], when) >= 18  # noqa: E731
    if adult(head) and w.people.death[head] > when + 60:
        return head
    for m in book._members_of(h):
        if adult(int(m)) and w.people.death[m] > when + 60:
            return int(m)
    return -1


def _end(p, holder: int, end: int) -> int:
    """A grant stops with its holder's death (payments stop after that month)."""
    d = int(p.death[holder])
    if d <= HORIZON and d < end:
        return d
    return end if end <= HORIZON else NONE


def payments(w: World, as_of: int):
    """(grant, month index, amount) arrays of every payment made up to `as_of`."""
    G = w.tables["grants"]
    start, end = G.col("start").astype(np.int64), G.col("end").astype(np.int64)
    vis = start <= as_of
    s_m = np.maximum(dates.month_index(start), PAY_FROM)
    last = np.where(G.col("paid_through").astype(bool), as_of, np.minimum(end, as_of))
    e_m = dates.month_index(np.minimum(last, as_of))
    k = np.where(vis, np.maximum(0, e_m - s_m + 1), 0)
    g = np.repeat(np.arange(len(G)), k)
    first = np.repeat(np.cumsum(k) - k, k)
    month = s_m[g] + (np.arange(len(g)) - first)
    return g, month, G.col("amount").astype(np.int64)[g]
