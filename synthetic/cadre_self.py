"""Village cadres whose own household is on relief (干部本人享受), planted cases and decoys.

A cadre drawing dibao while in post decides on, or sits beside those who
decide on, their own case: the grant must be reported and reviewed
(干部及近亲属享受救助备案). True case: a village cadre's household gets a grant
that covers the cadre during the term. Decoy: the cadre's last post ended
before the grant began. Only village cadres are planted (town handlers are on
the payroll, which is a finding of its own); cadres with another cadre among
their close kin are skipped, so no relative-of-a-cadre pattern fires on them.
"""
from __future__ import annotations

from . import dates
from .dates import BASE, NONE

FAMILY = "favour_relief"
PATTERN = "cadre_on_relief"


def plant(pl, n: int) -> None:
    from .cadres import VILLAGE
    from .planting import cases
    w, cad, rng = pl.w, pl.cad, pl.w.rng("cadre_self.plant")
    on_payroll = set(int(x) for x in w.tables["payroll"].col("person"))
    kinds = list(cases(n, ["post_ended_before_grant"]))
    people = [int(x) for x in rng.permutation(cad.persons())]
    for kind, _ in kinds:
        for c in people:
            posts = cad.by_person[c]
            if any(q.level != VILLAGE for q in posts) or c in on_payroll:
                continue
            last_end = max(q.end for q in posts)
            if (kind == "true") != (last_end >= NONE):
                continue
            h = int(w.hh.of[c])
            ms = pl.members_of(h)
            if w.hh_used[h] or pl.member[ms].any() or w.used[ms].any() or pl.no_grant[ms].any():
                continue
            head = int(w.hh.head[h])
            if not pl.lasting(head) or not pl.lasting(c):
                continue
            if any(pl.cadre[y] and y != c for m in ms for y in pl.k2(int(m))) or \
                    any(pl.cadre[int(m)] and int(m) != c for m in ms):
                continue
            if kind == "true":
                q = max(posts, key=lambda q: q.start)
                lo = max(q.start, dates.day(2019, 1, 1))
                s = int(rng.integers(lo, BASE - 60))
                note = f"village cadre ({q.title}) in post since {dates.iso1(q.start)}; own household on dibao from {dates.iso1(s)} 干部本人享受"
            else:
                if last_end > BASE - 200:
                    continue
                s = int(rng.integers(last_end + 60, BASE - 60))
                note = f"decoy: cadre's last post ended {dates.iso1(last_end)} before the grant 卸任后享受"
            g = pl.grant(h, s, avoid=set(pl.k2(c)) | {c})
            people.remove(c)
            G = w.tables["grants"]
            w.add_truth(FAMILY, PATTERN, int(G.col("holder")[g]), h, kind != "true", note, grant=g, related=c,
                        kind=kind)
            break
