"""People and lineages: founders, their children, marriages, births, deaths.

Lineages start from founder couples born 1932-1962 and run forward one
generation at a time: children are born after the parents' marriage and
while the mother is of child-bearing age; adult children marry within the
county (so a married-out daughter's parents live in another household,
often another village) or take a spouse from another county (whose ID
carries that county's code and who has no parents in the data). Everything
is vectorised per generation; a county of 3 million takes a few seconds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import dates, names, regions as reg
from .dates import BASE, NONE, years

MALE, FEMALE = 1, 2

# Children per couple by generation of the parents (1 = founders).
_KIDS = {
    1: ([1, 2, 3, 4, 5, 6], [0.08, 0.20, 0.27, 0.22, 0.13, 0.10]),
    2: ([0, 1, 2, 3, 4], [0.04, 0.28, 0.45, 0.18, 0.05]),
    3: ([0, 1, 2, 3], [0.12, 0.45, 0.36, 0.07]),
}


@dataclass
class People:
    sex: np.ndarray
    birth: np.ndarray
    death: np.ndarray
    father: np.ndarray
    mother: np.ndarray
    spouse: np.ndarray
    married: np.ndarray        # marriage day, NONE if never
    origin: np.ndarray         # 6-digit county code of first registration
    surname: np.ndarray        # index into names.SURNAMES
    given: np.ndarray
    gen: np.ndarray
    parents_couple: np.ndarray  # couple index of the parents, -1 if none in data
    own_couple: np.ndarray      # couple index where the person is husband or wife
    village_hint: np.ndarray    # founders' and singles' village, else -1
    couple_h: np.ndarray
    couple_w: np.ndarray
    couple_gen: np.ndarray
    single: np.ndarray          # padding persons without kin in the data

    @property
    def n(self) -> int:
        return len(self.sex)

    def name(self, i) -> str:
        return names.SURNAMES[self.surname[i]] + self.given[i]


class _Acc:
    """Append-only column store used while lineages grow."""

    def __init__(self):
        self.cols: dict[str, list[np.ndarray]] = {}
        self.n = 0

    def add(self, **cols) -> np.ndarray:
        k = len(next(iter(cols.values())))
        for key, v in cols.items():
            self.cols.setdefault(key, []).append(np.asarray(v))
        idx = np.arange(self.n, self.n + k)
        self.n += k
        return idx

    def get(self, key) -> np.ndarray:
        return np.concatenate(self.cols[key])


def _children(rng, h, w, wife_birth, marry_day, gen):
    vals, p = _KIDS[min(gen, 3)]
    k = rng.choice(vals, size=len(h), p=p)
    total = int(k.sum())
    owner = np.repeat(np.arange(len(h)), k)
    gaps = rng.integers(420, 1500, total)
    cs = np.cumsum(gaps)
    starts = np.repeat(np.cumsum(k) - k, k)
    first = cs[starts] - gaps[starts]  # cumulative gaps before each couple's first child
    within = cs - first
    birth = marry_day[owner] + rng.integers(0, 700, len(h))[owner] + within - gaps[starts] + 300
    ok = (birth <= BASE) & (birth - wife_birth[owner] <= years(44))
    return owner[ok], birth[ok]


def _marry(rng, men, women, birth, pc):
    """Pair men and women of similar age; return (men, women_or_-1, unmatched_men)."""
    age_m = (BASE - birth[men]) / 365.25
    age_w = (BASE - birth[women]) / 365.25
    men = men[rng.random(len(men)) < np.clip((age_m - 22) / 8, 0, 0.93)]
    women = women[rng.random(len(women)) < np.clip((age_w - 20) / 7, 0, 0.95)]
    men = men[np.argsort(birth[men] + rng.normal(0, 700, len(men)), kind="stable")]
    women = women[np.argsort(birth[women] + years(2) + rng.normal(0, 700, len(women)), kind="stable")]
    if len(men) >= len(women):
        pick = np.round(np.linspace(0, len(men) - 1, len(women))).astype(np.int64) if len(women) else np.zeros(0, np.int64)
        paired_m = men[pick]
        rest = np.setdiff1d(men, paired_m)
        paired_w = women
    else:
        pick = np.round(np.linspace(0, len(women) - 1, len(men))).astype(np.int64) if len(men) else np.zeros(0, np.int64)
        paired_m, paired_w, rest = men, women[pick], np.zeros(0, np.int64)
    paired_w = paired_w.copy()
    for _ in range(6):  # siblings must not marry: swap a clash with the neighbour
        clash = np.flatnonzero((pc[paired_m] >= 0) & (pc[paired_m] == pc[paired_w]))
        if not len(clash):
            break
        nxt = (clash + 1) % len(paired_w)
        paired_w[clash], paired_w[nxt] = paired_w[nxt].copy(), paired_w[clash].copy()
    keep = ~((pc[paired_m] >= 0) & (pc[paired_m] == pc[paired_w]))
    return paired_m[keep], paired_w[keep], rest


def _lineages(rng, n_founders: int, regs: reg.Regions, clans: np.ndarray):
    acc = _Acc()
    f_v = rng.choice(regs.n_villages, size=n_founders, p=regs.village_weight)
    hb = rng.integers(dates.day(1932), dates.day(1962), n_founders)
    wb = hb + rng.integers(-years(1), years(5), n_founders)
    other = np.array(reg.OTHER_COUNTIES)
    w_origin = np.where(rng.random(n_founders) < 0.85, reg.COUNTY_CODE, rng.choice(other, n_founders))
    h = acc.add(sex=np.full(n_founders, MALE), birth=hb, father=np.full(n_founders, -1),
                mother=np.full(n_founders, -1), pc=np.full(n_founders, -1),
                origin=np.full(n_founders, reg.COUNTY_CODE), gen=np.full(n_founders, 1),
                vhint=f_v, surname=names.surnames_for(rng, f_v, clans))
    w = acc.add(sex=np.full(n_founders, FEMALE), birth=wb, father=np.full(n_founders, -1),
                mother=np.full(n_founders, -1), pc=np.full(n_founders, -1), origin=w_origin,
                gen=np.full(n_founders, 1), vhint=f_v,
                surname=names.surnames_for(rng, f_v, clans, clan_share=0.25))
    marry = np.minimum(wb + rng.integers(years(19), years(25), n_founders), BASE - 1)
    couples_h, couples_w, couples_day, couples_gen = [h], [w], [marry], [np.full(n_founders, 1)]
    cur_h, cur_w, cur_day, gen, c_off = h, w, marry, 1, 0
    while len(cur_h):
        birth_all = acc.get("birth")
        owner, kb = _children(rng, cur_h, cur_w, birth_all[cur_w], cur_day, gen)
        if not len(owner):
            break
        sex = np.where(rng.random(len(owner)) < 0.515, MALE, FEMALE)
        sur_all = acc.get("surname")
        kids = acc.add(sex=sex, birth=kb, father=cur_h[owner], mother=cur_w[owner],
                       pc=c_off + owner, origin=np.full(len(owner), reg.COUNTY_CODE),
                       gen=np.full(len(owner), gen + 1), vhint=np.full(len(owner), -1),
                       surname=sur_all[cur_h[owner]])
        c_off += len(cur_h)
        birth_all = acc.get("birth")
        pc_all = acc.get("pc")
        m, wv, rest = _marry(rng, kids[sex == MALE], kids[sex == FEMALE], birth_all, pc_all)
        # Men without a local bride mostly marry someone from another county.
        rest = rest[rng.random(len(rest)) < 0.8]
        rest = rest[(BASE - birth_all[rest]) > years(24)]
        if len(rest):
            ob = birth_all[rest] + rng.integers(-years(1), years(5), len(rest))
            ow = acc.add(sex=np.full(len(rest), FEMALE), birth=ob, father=np.full(len(rest), -1),
                         mother=np.full(len(rest), -1), pc=np.full(len(rest), -1),
                         origin=rng.choice(other, len(rest)), gen=np.full(len(rest), gen + 1),
                         vhint=np.full(len(rest), -1),
                         surname=rng.choice(len(names.SURNAMES), len(rest),
                                            p=names.SURNAME_WEIGHTS / names.SURNAME_WEIGHTS.sum()))
            m = np.concatenate([m, rest])
            wv = np.concatenate([wv, ow])
        birth_all = acc.get("birth")
        lo = np.maximum(birth_all[m] + years(22), birth_all[wv] + years(20))
        ok = lo < BASE - 30
        m, wv, lo = m[ok], wv[ok], lo[ok]
        day = np.minimum(lo + (rng.random(len(m)) * years(6)).astype(np.int64), BASE - 1)
        couples_h.append(m)
        couples_w.append(wv)
        couples_day.append(day)
        couples_gen.append(np.full(len(m), gen + 1))
        cur_h, cur_w, cur_day, gen = m, wv, day, gen + 1
    return acc, couples_h, couples_w, couples_day, couples_gen


def _deaths(rng, n, birth):
    """Gompertz-Makeham age at death: median near 80, a few die young."""
    a, b = 6.5e-5, 0.085
    u = rng.random(n)
    t = np.log1p(-b * np.log(u) / a) / b
    t = np.minimum(t, rng.exponential(1 / 0.0012, n))
    return birth + (t * 365.2425).astype(np.int64)


def build(rng: np.random.Generator, n_target: int, regs: reg.Regions, clans: np.ndarray) -> People:
    # Persons per founder couple is found by a pilot run, then the county is
    # grown just under the target and topped up with people who have no kin
    # in the data (migrants, elderly bachelors): they are needed anyway.
    pilot = _lineages(np.random.Generator(np.random.PCG64(12345)), 400, regs, clans)[0].n / 400
    n_f = max(2, int(n_target * 0.94 / pilot))
    while True:
        acc, ch, cw, cday, cgen = _lineages(rng, n_f, regs, clans)
        if acc.n <= n_target or n_f <= 2:
            break
        n_f = max(2, int(n_f * n_target / acc.n * 0.97))
    n_pad = max(0, n_target - acc.n)
    sex_p = np.where(rng.random(n_pad) < 0.7, MALE, FEMALE)
    age_p = np.clip(rng.normal(55, 18, n_pad), 18, 92)
    b_p = BASE - (age_p * 365.2425).astype(np.int64) - rng.integers(0, 365, n_pad)
    v_p = rng.choice(regs.n_villages, size=n_pad, p=regs.village_weight)
    other = np.array(reg.OTHER_COUNTIES)
    pad = acc.add(sex=sex_p, birth=b_p, father=np.full(n_pad, -1), mother=np.full(n_pad, -1),
                  pc=np.full(n_pad, -1),
                  origin=np.where(rng.random(n_pad) < 0.8, reg.COUNTY_CODE, rng.choice(other, n_pad)),
                  gen=np.zeros(n_pad, dtype=np.int64), vhint=v_p,
                  surname=names.surnames_for(rng, v_p, clans))
    n = acc.n
    couple_h, couple_w = np.concatenate(ch), np.concatenate(cw)
    cday, cgen = np.concatenate(cday), np.concatenate(cgen)
    spouse = np.full(n, -1)
    spouse[couple_h], spouse[couple_w] = couple_w, couple_h
    married = np.full(n, NONE)
    married[couple_h] = married[couple_w] = cday
    own = np.full(n, -1)
    own[couple_h] = own[couple_w] = np.arange(len(couple_h))
    birth = acc.get("birth").astype(np.int64)
    father, mother = acc.get("father"), acc.get("mother")
    death = _deaths(rng, n, birth)
    # A parent lives at least until the last child's birth, a spouse until the wedding.
    floor = np.where(married < NONE, married, birth)
    has_f, has_m = father >= 0, mother >= 0
    np.maximum.at(floor, father[has_f], birth[has_f])
    np.maximum.at(floor, mother[has_m], birth[has_m])
    late = death <= floor
    death[late] = floor[late] + rng.integers(years(0.5), years(12), int(late.sum()))
    sex = acc.get("sex").astype(np.int8)
    by = dates.ymd(birth)[0]
    single = np.zeros(n, dtype=bool)
    single[pad] = True
    return People(
        sex=sex, birth=birth, death=death, father=father, mother=mother, spouse=spouse,
        married=married, origin=acc.get("origin"), surname=acc.get("surname"),
        given=names.given_names(rng, sex, by), gen=acc.get("gen"), parents_couple=acc.get("pc"),
        own_couple=own, village_hint=acc.get("vhint"), couple_h=couple_h, couple_w=couple_w,
        couple_gen=cgen, single=single,
    )
