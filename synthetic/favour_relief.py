"""Planted favour-based relief (人情保 / 关系保) and its lawful look-alikes.

Every case starts from a cadre (village committee member or town handler,
or a county approver for approval cases) and a close relative living in
another household, whose household is otherwise untouched by any cadre
within three kin hops, so a hit can only come from the planted tie.
"""
from __future__ import annotations

import math

from . import dates, kin_networks
from .cadres import COUNTY, TOWN, VILLAGE, Cadres
from .dates import BASE, day
from .kinship import relation_zh
from .planting import Planter, per_kind

FAMILY = "favour_relief"


def spans(cad: Cadres) -> dict[int, tuple[str, int, int, int]]:
    """person -> (level, org, first start, last end) over the person's posts."""
    out: dict[int, tuple[str, int, int, int]] = {}
    for q in cad.posts:
        lv, org, s, e = out.get(q.person, (q.level, q.org, q.start, q.end))
        out[q.person] = (q.level, q.org, min(s, q.start), max(e, q.end))
    return out


class Favour:
    def __init__(self, pl: Planter):
        self.pl, self.w = pl, pl.w
        self.span = spans(pl.cad)
        people = sorted(self.span)
        self.order = [people[i] for i in pl.rng.permutation(len(people))]
        self.networks: list[kin_networks.Network] = []

    def in_scope(self, c: int, h: int) -> bool:
        """Is household h inside cadre c's jurisdiction (village, or town for handlers)?"""
        lv, org, _, _ = self.span[c]
        v = int(self.w.hh.village[h])
        if lv == VILLAGE:
            return v == org
        if lv == TOWN:
            return self.w.town_of_village(v) == org
        return True

    def household_ok(self, h: int, c: int) -> bool:
        pl = self.pl
        if self.w.hh_used[h]:
            return False
        ms = pl.members_of(h)
        if pl.no_grant[ms].any() or pl.member[ms].any() or self.w.used[ms].any() or pl.cadre[ms].any():
            return False
        return pl.cadres_near(h) <= {c}

    def relatives(self, c: int, scope: bool | None) -> list[tuple[int, str, int]]:
        """(relative, label, household) in other households; scope True/False/None = in/out/any."""
        w, pl = self.w, self.pl
        out = []
        for r, lab in sorted(pl.kin.close_relatives(c).items()):
            h = int(w.hh.of[r])
            if h == w.hh.of[c] or not pl.lasting(r) or not 25 <= pl.age(r) <= 85:
                continue
            if scope is not None and self.in_scope(c, h) != scope:
                continue
            if self.household_ok(h, c):
                out.append((r, lab, h))
        return out

    def cadres(self, levels=(VILLAGE, TOWN), free=True):
        for c in self.order:
            lv, _, s, _ = self.span[c]
            if lv in levels and (not free or not self.w.used[c]) and s < BASE - 200:
                yield c

    def start_in_term(self, c: int) -> int:
        _, _, s, e = self.span[c]
        lo, hi = max(s, day(2015, 1, 1)), min(e, BASE - 60)
        return int(self.pl.rng.integers(lo, hi)) if lo < hi else -1

    def start_before_term(self, c: int) -> int:
        _, _, s, _ = self.span[c]
        lo, hi = day(2015, 1, 1), s - 30
        return int(self.pl.rng.integers(lo, hi)) if lo < hi else -1

    def grant(self, c: int, r: int, h: int, s: int, **kw) -> int:
        g = self.pl.grant(h, s, holder=r, avoid={c}, **kw)
        self.w.used[c] = True
        self.w.protected[c] = True
        return g

    def file(self, c: int, r: int, label: str, g: int, s: int) -> None:
        filed = min(BASE - 1, s + int(self.pl.rng.integers(5, 60)))
        self.w.tables["filings"].add(cadre=c, relative=r, relation=relation_zh(label, int(self.w.people.sex[r])),
                                     grant=g, filed=filed)

    def truth(self, pattern: str, g: int, decoy: bool, note: str, c: int, evidence: str = "", kind: str = ""):
        G = self.w.tables["grants"]
        self.w.add_truth(FAMILY, pattern, int(G.col("holder")[g]), int(G.col("household")[g]), decoy,
                         note, grant=g, related=c, evidence=evidence, kind=kind)


def _title(f: Favour, c: int) -> str:
    lv = f.span[c][0]
    return {VILLAGE: "village cadre 村干部", TOWN: "town handler 经办人员", COUNTY: "county approver 审批人"}[lv]


def cadre_relative_unfiled(f: Favour, n: int):
    per = per_kind(n, 3)
    for kind, count in (("true", n), ("filed_properly", per), ("other_village_cadre", per), ("before_term", per)):
        made = 0
        for c in f.cadres(levels=(VILLAGE,) if kind == "other_village_cadre" else (VILLAGE, TOWN)):
            if made >= count:
                break
            rel = f.relatives(c, scope=(kind != "other_village_cadre"))
            s = f.start_before_term(c) if kind == "before_term" else f.start_in_term(c)
            if not rel or s < 0:
                continue
            r, lab, h = rel[0]
            g = f.grant(c, r, h, s)
            if kind == "filed_properly":
                f.file(c, r, lab, g, s)
            note = {"true": f"{lab} of {_title(f, c)}, not filed 未备案",
                    "filed_properly": f"decoy: {lab} of {_title(f, c)}, filed 已备案",
                    "other_village_cadre": f"decoy: {lab} of a cadre of another village 非本村干部亲属",
                    "before_term": f"decoy: grant began {dates.iso1(s)} before the cadre's term 任职前已享受"}[kind]
            f.truth("cadre_relative_unfiled", g, kind != "true", note, c, kind=kind)
            made += 1


def approved_by_relative(f: Favour, n: int):
    w, p, pl = f.w, f.w.people, f.pl
    per = per_kind(n, 1)
    cads = f.cadres(levels=(TOWN, COUNTY))
    made = 0
    for c in cads:
        if made >= n:
            break
        rel = f.relatives(c, scope=True)
        s = f.start_in_term(c)
        if not rel or s < 0:
            continue
        r, lab, h = rel[0]
        lv = f.span[c][0]
        kw = {"assessor": c} if lv == TOWN else {"approver": c}
        g = pl.grant(h, s, holder=r, avoid=set(), **kw)
        w.used[c] = True
        f.file(c, r, lab, g, s)
        role = "assessed 审核" if lv == TOWN else "approved 审批"
        f.truth("approved_by_relative", g, False, f"{role} by the holder's {lab} (filed, no recusal 未回避)", c)
        made += 1
    made = 0
    for c in f.cadres(levels=(TOWN,), free=False):
        if made >= per:
            break
        _, town, s0, e0 = f.span[c]
        s = f.start_in_term(c)
        if s < 0:
            continue
        h = pl.take_household_in(pl.villages_of_town(town), lambda h: p.surname[w.hh.head[h]] == p.surname[c]
                              and c not in pl.kin.within(int(w.hh.head[h]), 4))
        if h < 0:
            continue
        g = pl.grant(h, s, assessor=c)
        f.truth("approved_by_relative", g, True, "decoy: assessor shares the surname, no kinship 同姓无亲属关系", c, kind="approver_same_surname")
        made += 1


def kin_network_concentration(f: Favour, n: int, big: int = 4, most: int = 8, small: int = 2):
    """A village cadre's kin hold `big` or more grants *in the cadre's own village*,
    more than the village's coverage explains (see kin_networks: the rule's
    Poisson test at its declared p).

    Decoys: a network with only `small` grants there, within what the
    village's coverage explains, and a cadre whose kin hold `big` + 1 grants
    all in other villages (a large family spread over the town; the cadre has
    no say there, so counting them is a false alarm). Few cadres have four
    relative households of their own village free of other cadres, so true
    cases use up to `most` and at least `big`, and only where that many are an
    anomaly against the village's expected coverage. `kin_networks.settle`
    re-judges every network once all grants exist.
    """
    rates = kin_networks.VillageRates(f.pl)
    plan = ([("true", True)] * max(2, math.ceil(n / big)) + [("small_network", True)] * max(2, math.ceil(per_kind(n, 2) / small))
            + [("kin_in_other_villages", False)] * max(1, math.ceil(per_kind(n, 2) / (big + 1))))
    for kind, inside in plan:
        need = {"true": big, "small_network": small, "kin_in_other_villages": big + 1}[kind]
        for c in f.cadres(levels=(VILLAGE,)):
            hs: dict[int, tuple[int, str]] = {}
            for r, lab, h in f.relatives(c, scope=inside):
                hs.setdefault(h, (r, lab))
            if len(hs) < need:
                continue
            take = min(len(hs), most) if kind == "true" else need
            village = f.span[c][1]
            if inside:
                kin = kin_networks.kin_households(f.pl, c, village)
                k = take + len(kin_networks.granted_households(f.pl, kin))
                # A true case must stand out even if the village ends up well covered; a small
                # network must not, even if it ends up thinly covered.
                rate = rates.upper_estimate(village) if kind == "true" else rates.lower_estimate(village)
                if kin_networks.significant(k, len(kin), rate) != (kind == "true"):
                    continue
            net = kin_networks.Network(kind, c, village)
            for h, (r, lab) in list(hs.items())[:take]:
                s = f.start_in_term(c)
                if s < 0:
                    break
                g = f.grant(c, r, h, s)
                net.grants.append(g)
                f.file(c, r, lab, g, s)
                note = {"true": f"{lab} of a village cadre whose kin hold {take} grants in the cadre's village, "
                                "more than its coverage explains (all filed) 亲属圈在本村集中享受",
                        "small_network": f"decoy: the cadre's kin hold only {take} grants in the village, filed 亲属享受但未超常",
                        "kin_in_other_villages": f"decoy: the cadre's kin hold {take} grants, all in other villages "
                                                 "where the cadre has no say 亲属享受均在外村"}[kind]
                f.truth("kin_network_concentration", g, kind != "true", note, c, kind="" if kind == "true" else kind)
            f.networks.append(net)
            break


def shared_contact_hidden_tie(f: Favour, n: int):
    w, pl = f.w, f.pl
    per = per_kind(n, 1)
    G = w.tables["grants"]
    kinds = ["phone", "address", "account"]
    made = 0
    for c in f.cadres():
        if made >= n:
            break
        s = f.start_in_term(c)
        if s < 0:
            continue
        lv, org, _, _ = f.span[c]
        h = pl.take_household_in([org] if lv == VILLAGE else pl.villages_of_town(org))
        if h < 0:
            continue
        g = pl.grant(h, s, avoid={c})
        w.used[c] = True
        what = kinds[made % 3]
        G.set(what, g, int(w.hh.of[c]) if what == "address" else c)
        f.truth("shared_contact_hidden_tie", g, False,
                f"application {what} is the {_title(f, c)}'s, no recorded kinship 无亲属关系却共用{ {'phone': '电话', 'address': '住址', 'account': '银行账户'}[what]}", c, what)
        made += 1
    made = 0
    for c in f.cadres():
        if made >= per:
            break
        rel = f.relatives(c, scope=True)
        s = f.start_in_term(c)
        if not rel or s < 0:
            continue
        r, lab, h = rel[0]
        g = f.grant(c, r, h, s)
        f.file(c, r, lab, g, s)
        G.set("phone", g, c)
        f.truth("shared_contact_hidden_tie", g, True, f"decoy: shares the phone of a recorded {lab}, filed 有登记亲属关系且已备案", c, "phone", "kin_recorded_and_filed")
        made += 1


def plant(pl: Planter, n: int):
    f = Favour(pl)
    # First: few cadres have enough kin households in their own village to stand out there.
    kin_network_concentration(f, n)
    cadre_relative_unfiled(f, n)
    approved_by_relative(f, n)
    shared_contact_hidden_tie(f, n)
    return f
