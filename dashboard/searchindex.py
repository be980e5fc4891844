"""What a typed name may mean: the distinct person and organisation names of
the county, indexed once per data version for prefix, pinyin-initial
(张三 → zs), full-pinyin (zhangsan) and fuzzy (张山 → 张三) search.

The engine finds exact values through its indexes but has no prefix,
pinyin or edit-distance search that runs on both backends, so the names
(not the people: a county of 300 k persons has far fewer distinct names)
are held here; the people behind the matched names are then fetched by the
indexed `name` in one query.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

MAX_NAMES = 40           # names a query may expand to before people are fetched
MAX_VARIANTS = 8         # readings of a name with polyphonic characters (单 shàn / dān …)
FUZZY_CUTOFF = 60        # rapidfuzz ratio: one character off in a three-character name is 67
LATIN = re.compile(r"^[a-z]+$")


def _readings(chars: set[str]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per character: its possible initials and full syllables (toneless)."""
    return {ch: _reading(ch) for ch in chars}


@functools.lru_cache(maxsize=65536)
def _reading(ch: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from pypinyin import Style, pinyin

    full = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=lambda c: [c.lower()])[0]
    syllables = tuple(dict.fromkeys(s.lower() for s in full if s)) or (ch.lower(),)
    return tuple(dict.fromkeys(s[0] for s in syllables)), syllables


@dataclass
class NameIndex:
    """Sorted names with their spellings, for prefix look-ups by bisection."""
    names: list[str] = field(default_factory=list)
    spellings: list[tuple[str, str]] = field(default_factory=list)   # (initials or full pinyin, name), sorted

    @classmethod
    def build(cls, names: list[str]) -> "NameIndex":
        distinct = sorted({n.strip() for n in names if isinstance(n, str) and n.strip()})
        readings = _readings({ch for n in distinct for ch in n})
        spellings = set()
        for name in distinct:
            for initials in itertools.islice(itertools.product(*(readings[ch][0] for ch in name)), MAX_VARIANTS):
                spellings.add(("".join(initials), name))
            for full in itertools.islice(itertools.product(*(readings[ch][1] for ch in name)), MAX_VARIANTS):
                spellings.add(("".join(full), name))
        return cls(distinct, sorted(spellings))

    def match(self, text: str, limit: int = MAX_NAMES, contains: bool = False) -> list[str]:
        """Names for `text`, best first: exact, then starting with it (or,
        with `contains`, holding it), then by pinyin, then fuzzy."""
        text = text.strip()
        if not text:
            return []
        found: dict[str, None] = {}
        if text in self._set:
            found[text] = None
        found.update(dict.fromkeys(_prefixed(self.names, text, limit)))
        if contains and len(text) >= 2 and len(found) < limit:
            found.update(dict.fromkeys(n for n in self.names if text in n))
        latin = text.lower().replace(" ", "")
        if LATIN.match(latin) and len(latin) >= 2:
            found.update(dict.fromkeys(name for _, name in _prefixed_pairs(self.spellings, latin, limit * 4)))
            return list(found)[:limit]
        if len(text) >= 2:
            # Names sound alike before they look alike: 张叁 / 张三, 李莓 / 李梅.
            readings = _readings(set(text))
            for sound in itertools.islice(itertools.product(*(readings[ch][1] for ch in text)), MAX_VARIANTS):
                spelt = "".join(sound)
                found.update(dict.fromkeys(name for s, name in _prefixed_pairs(self.spellings, spelt, limit)
                                           if s == spelt))
        if len(text) >= 2 and len(found) < limit:
            for name, _, _ in process.extract(text, self.names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF,
                                              limit=limit):
                found.setdefault(name, None)
        return list(found)[:limit]

    @property
    def _set(self) -> set[str]:
        if not hasattr(self, "_names_set"):
            self._names_set = set(self.names)
        return self._names_set


def _prefixed(names: list[str], text: str, limit: int) -> list[str]:
    i = bisect.bisect_left(names, text)
    out = []
    while i < len(names) and names[i].startswith(text) and len(out) < limit:
        out.append(names[i])
        i += 1
    return out


def _prefixed_pairs(pairs: list[tuple[str, str]], text: str, limit: int) -> list[tuple[str, str]]:
    i = bisect.bisect_left(pairs, (text, ""))
    out = []
    while i < len(pairs) and pairs[i][0].startswith(text) and len(out) < limit:
        out.append(pairs[i])
        i += 1
    # Shorter spellings first: "zs" should list 张三 before 张少华.
    return sorted(out, key=lambda p: (len(p[0]), p[0]))


@dataclass
class SearchIndex:
    persons: NameIndex
    organisations: dict[str, NameIndex]       # Company / Org → their names
    version: str = ""

    @classmethod
    def from_store(cls, store, version: str = "") -> "SearchIndex":
        people = [n for (n,) in store.read("MATCH (p:Person) RETURN DISTINCT p.name").rows]
        orgs = {label: NameIndex.build([n for (n,) in store.read(
                    f"MATCH (o:{label}) RETURN DISTINCT o.name").rows])
                for label in ("Company", "Org")}
        return cls(NameIndex.build(people), orgs, version)


def data_version(store) -> str:
    """Changes when a load adds or changes what a search can find."""
    rows = store.read("MATCH (b:LoadBatch) RETURN count(b), max(b.finished)").rows
    counts = [store.read(f"MATCH (n:{label}) RETURN count(n)").rows[0][0] for label in ("Person", "Company", "Org")]
    return "|".join(str(v) for v in [*rows[0], *counts])
