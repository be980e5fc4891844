"""Kinship queries over the lineage arrays: hops, close relatives, labels.

Kin edges are spouse, parent and child; a sibling is two hops (via a
parent), an in-law two hops (via the spouse). The legal close-relative set
(近亲属: spouse, parents, children, siblings, grandparents, grandchildren,
parents-in-law, children's spouses) is exactly "within two hops"; the
generator keeps background grants three hops away from every cadre so that
a detector that walks a little further still finds only planted cases.
"""
from __future__ import annotations

import numpy as np

from .population import MALE, People


class Kin:
    def __init__(self, p: People):
        self.p = p
        n = p.n
        kids_of = np.concatenate([p.father[p.father >= 0], p.mother[p.mother >= 0]])
        kid = np.concatenate([np.flatnonzero(p.father >= 0), np.flatnonzero(p.mother >= 0)])
        order = np.argsort(kids_of, kind="stable")
        self._kid = kid[order]
        self._start = np.searchsorted(kids_of[order], np.arange(n + 1))

    def children(self, i: int) -> np.ndarray:
        return self._kid[self._start[i]:self._start[i + 1]]

    def neighbours(self, i: int) -> list[int]:
        p = self.p
        out = [int(x) for x in (p.spouse[i], p.father[i], p.mother[i]) if x >= 0]
        out.extend(self.children(i).tolist())
        return out

    def expand(self, mask: np.ndarray, hops: int) -> np.ndarray:
        """All persons within `hops` kin edges of any person in `mask` (vectorised)."""
        p = self.p
        m = mask.copy()
        for _ in range(hops):
            new = m.copy()
            s = p.spouse >= 0
            new[p.spouse[m & s]] = True
            f = m & (p.father >= 0)
            new[p.father[f]] = True
            mo = m & (p.mother >= 0)
            new[p.mother[mo]] = True
            new |= (p.father >= 0) & m[np.maximum(p.father, 0)]
            new |= (p.mother >= 0) & m[np.maximum(p.mother, 0)]
            m = new
        return m

    def within(self, i: int, hops: int) -> dict[int, int]:
        """{person: distance} for everyone within `hops` of i (i itself at 0)."""
        dist = {int(i): 0}
        frontier = [int(i)]
        for d in range(1, hops + 1):
            nxt = []
            for x in frontier:
                for y in self.neighbours(x):
                    if y not in dist:
                        dist[y] = d
                        nxt.append(y)
            frontier = nxt
        return dist

    def close_relatives(self, i: int) -> dict[int, str]:
        """Legal close relatives of i (two hops) with a relation label from i's view."""
        p = self.p
        out: dict[int, str] = {}
        sp = int(p.spouse[i])
        if sp >= 0:
            out[sp] = "spouse"
        parents = [int(x) for x in (p.father[i], p.mother[i]) if x >= 0]
        for x in parents:
            out.setdefault(x, "parent")
        kids = self.children(i).tolist()
        for x in kids:
            out.setdefault(x, "child")
        for x in parents:
            for y in self.children(x).tolist():
                if y != i:
                    out.setdefault(y, "sibling")
            for y in (p.father[x], p.mother[x]):
                if y >= 0:
                    out.setdefault(int(y), "grandparent")
        for x in kids:
            for y in self.children(x).tolist():
                out.setdefault(y, "grandchild")
            if p.spouse[x] >= 0:
                out.setdefault(int(p.spouse[x]), "child_in_law")
        if sp >= 0:
            for y in (p.father[sp], p.mother[sp]):
                if y >= 0:
                    out.setdefault(int(y), "parent_in_law")
        out.pop(int(i), None)
        return out


RELATION_ZH = {
    "spouse": "配偶", "parent": "父母", "child": "子女", "sibling": "兄弟姐妹",
    "grandparent": "祖父母/外祖父母", "grandchild": "孙子女/外孙子女",
    "child_in_law": "儿媳/女婿", "parent_in_law": "配偶父母",
}


def relation_zh(label: str, sex: int) -> str:
    """A filing-register style relation word, by the relative's sex where it matters."""
    male = sex == MALE
    return {
        "spouse": "丈夫" if male else "妻子", "parent": "父亲" if male else "母亲",
        "child": "儿子" if male else "女儿", "sibling": "兄弟" if male else "姐妹",
        "grandparent": "祖父" if male else "祖母", "grandchild": "孙子" if male else "孙女",
        "child_in_law": "女婿" if male else "儿媳", "parent_in_law": "岳父/公公" if male else "岳母/婆婆",
    }[label]
