"""Households 户 from couples: who lives with whom, heads, relation codes.

Every married son of the founders' children sets up his own household
(brothers with their own households); some grandsons stay with their
parents (stem families); some founder couples move in with their youngest
married son; unmarried children live with their parents; wives live with
their husbands. A share of young couples moves to the county seat. The
relation to the head is derived from kinship, as the police register does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import regions as reg
from .dates import BASE
from .population import MALE, People

# Relation-to-head codes of the public-security extract (with the graph's words).
REL_HEAD, REL_SPOUSE, REL_SON, REL_DAUGHTER, REL_GRANDCHILD, REL_PARENT, REL_SIBLING, REL_OTHER = (
    "02", "10", "20", "30", "40", "50", "70", "99")
REL_TEXT = {"02": "户主", "10": "配偶", "20": "子", "30": "女", "40": "孙子女",
            "50": "父母", "70": "兄弟姐妹", "99": "其他"}


@dataclass
class Households:
    of: np.ndarray        # person -> household index
    rel: np.ndarray       # person -> relation code (object)
    head: np.ndarray      # household -> head person
    village: np.ndarray   # household -> village index
    number: np.ndarray    # household -> 户号 (object)
    address: np.ndarray   # household -> address text (object)
    order: np.ndarray     # persons ordered by household then relation, for extracts

    @property
    def n(self) -> int:
        return len(self.head)

    def members(self) -> tuple[np.ndarray, np.ndarray]:
        """(order, start offsets) so members of h are order[start[h]:start[h+1]]."""
        counts = np.bincount(self.of, minlength=self.n)
        start = np.concatenate([[0], np.cumsum(counts)])
        return np.argsort(self.of, kind="stable"), start


def build(rng: np.random.Generator, p: People, regs: reg.Regions) -> Households:
    nc = len(p.couple_h)
    h_pc = p.parents_couple[p.couple_h]  # husband's parents' couple
    gen = p.couple_gen
    # Grandsons (gen >= 3) stay with their parents in 35 % of cases.
    stay = (gen >= 3) & (h_pc >= 0) & (rng.random(nc) < 0.35)
    own = ~stay
    home = np.arange(nc)
    home[stay] = h_pc[stay]
    for _ in range(8):  # follow stay chains to the couple that owns the home
        home = home[home]
    home0 = home.copy()
    # Founders move in with their youngest married son who has his own home.
    sons = np.flatnonzero(own & (h_pc >= 0) & (gen == 2))
    sons = sons[np.lexsort((-p.birth[p.couple_h[sons]], h_pc[sons]))]
    parent, first = np.unique(h_pc[sons], return_index=True)
    join = rng.random(len(parent)) < 0.45
    home[parent[join]] = home[sons[first[join]]]
    own[parent[join]] = False

    # Villages: founders where they were settled; a split son mostly stays in
    # his parents' village, some move to the county seat.
    village_c = np.full(nc, -1)
    f = gen == 1
    village_c[f] = p.village_hint[p.couple_h[f]]
    urban = np.flatnonzero(regs.village_urban)
    for g in range(2, int(gen.max(initial=1)) + 1):
        cg = np.flatnonzero(gen == g)
        parent_home = home0[h_pc[cg]]
        v = village_c[parent_home]
        move = (rng.random(len(cg)) < (0.10 if g == 2 else 0.2)) & (len(urban) > 0)
        if len(urban):
            v = np.where(move, rng.choice(urban, len(cg)), v)
        village_c[cg] = v
    for _ in range(8):
        village_c = np.where(own, village_c, village_c[home])

    # Household index per person.
    n = p.n
    hh_couple = np.full(n, -1)
    married = p.own_couple >= 0
    hh_couple[married] = home[p.own_couple[married]]
    child = ~married & (p.parents_couple >= 0)
    hh_couple[child] = home[p.parents_couple[child]]
    owners = np.unique(hh_couple[hh_couple >= 0])
    singles = np.flatnonzero(hh_couple < 0)
    n_h = len(owners) + len(singles)
    of = np.empty(n, dtype=np.int64)
    has = hh_couple >= 0
    of[has] = np.searchsorted(owners, hh_couple[has])
    of[singles] = len(owners) + np.arange(len(singles))
    village = np.concatenate([village_c[owners], p.village_hint[singles]])

    # Head: the owning couple's husband if alive, else his wife, else the eldest living member.
    alive = p.death > BASE
    ch, cw = p.couple_h[owners], p.couple_w[owners]
    head = np.concatenate([np.where(alive[ch], ch, np.where(alive[cw], cw, -1)), singles])
    orphan = np.flatnonzero(head < 0)
    if len(orphan):
        cand = np.flatnonzero(alive & np.isin(of, orphan))
        cand = cand[np.lexsort((p.birth[cand], of[cand]))]
        hh_o, first = np.unique(of[cand], return_index=True)
        head[hh_o] = cand[first]
        still = head < 0
        head[still] = np.concatenate([ch, singles])[still]

    rel = _relations(p, of, head)
    number, address, order = _numbering(rng, p, regs, of, village, rel, n_h)
    return Households(of=of, rel=rel, head=head, village=village, number=number,
                      address=address, order=order)


def _relations(p: People, of, head) -> np.ndarray:
    h = head[of]
    idx = np.arange(p.n)
    rel = np.full(p.n, REL_OTHER, dtype=object)
    fa, mo = p.father, p.mother

    def parent_of(x):  # x's father and mother, -1 safe
        return np.where(x >= 0, fa[np.maximum(x, 0)], -1), np.where(x >= 0, mo[np.maximum(x, 0)], -1)

    hf = fa[h]
    gf_f, gm_f = parent_of(fa)
    gf_m, gm_m = parent_of(mo)
    grand = (gf_f == h) | (gm_f == h) | (gf_m == h) | (gm_m == h)
    sibling = (fa >= 0) & (fa == hf)
    is_parent = (idx == hf) | (idx == mo[h])
    is_child = (fa == h) | (mo == h)
    rel[grand] = REL_GRANDCHILD
    rel[sibling] = REL_SIBLING
    rel[is_parent] = REL_PARENT
    rel[is_child & (p.sex == MALE)] = REL_SON
    rel[is_child & (p.sex != MALE)] = REL_DAUGHTER
    rel[p.spouse == h] = REL_SPOUSE
    rel[idx == h] = REL_HEAD
    return rel


def _numbering(rng, p, regs, of, village, rel, n_h):
    # 户号: 3 digits of the town code then a serial within the town, in village order.
    town = regs.village_town[village]
    hh_order = np.lexsort((rng.random(n_h), village))
    serial = np.empty(n_h, dtype=np.int64)
    rank = np.empty(n_h, dtype=np.int64)
    rank[hh_order] = np.arange(n_h)
    t_sorted = town[hh_order]
    t_start = np.searchsorted(t_sorted, t_sorted, side="left") if np.all(np.diff(t_sorted) >= 0) else None
    if t_start is None:  # villages are numbered town by town, so this does not happen
        raise AssertionError("villages must be grouped by town")
    serial[hh_order] = np.arange(n_h) - t_start + 1
    tcode = regs.town_code[town] % 1000
    number = np.array([f"{t:03d}{s:06d}" for t, s in zip(tcode.tolist(), serial.tolist())], dtype=object)
    # Address: group (组) and house number inside a village; road and number in the county seat.
    v_rank = np.empty(n_h, dtype=np.int64)
    v_sorted = village[hh_order]
    v_rank[hh_order] = np.arange(n_h) - np.searchsorted(v_sorted, v_sorted, side="left")
    grp = v_rank // 40 + 1
    roads = ["人民路", "解放路", "建设路", "新华街", "朝阳路", "和平街", "城东大道", "民主路"]
    address = np.empty(n_h, dtype=object)
    for hh, (v, g, r) in enumerate(zip(village.tolist(), grp.tolist(), v_rank.tolist())):
        base = regs.village_full_name(v)
        if regs.village_urban[v]:
            address[hh] = f"{base}{roads[(v + r) % len(roads)]}{r // 24 + 1}号{r % 24 // 6 + 1}栋{r % 6 + 1}01室"
        else:
            address[hh] = f"{base}{g}组{r % 40 + 1}号"
    rel_rank = np.array([int(c) for c in rel], dtype=np.int64)
    order = np.lexsort((p.birth, rel_rank, rank[of]))
    return number, address, order
