"""The generated county in memory: people, households and fact tables.

Fact tables are column lists that accept single rows (planted cases) and
whole numpy columns (background), and become DataFrames for the extracts.
Person, household, village and grant references are integer indices; the
extract writers turn them into citizen IDs, 户号 and codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .dates import BASE, NONE
from .households import Households
from .kinship import Kin
from .population import People
from .regions import Regions


class Table:
    def __init__(self, *columns: str):
        self.columns = columns
        self._parts: dict[str, list] = {c: [] for c in columns}
        self._rows: dict[str, list] = {c: [] for c in columns}
        self._n = 0

    def add(self, **row) -> int:
        for c in self.columns:
            self._rows[c].append(row[c])
        self._n += 1
        return self._n - 1

    def extend(self, **cols) -> np.ndarray:
        k = len(next(iter(cols.values())))
        self._flush()
        for c in self.columns:
            v = cols[c]
            self._parts[c].append(np.asarray(v) if not np.isscalar(v) else np.full(k, v))
        self._n += k
        return np.arange(self._n - k, self._n)

    def _flush(self):
        if self._rows[self.columns[0]]:
            for c in self.columns:
                self._parts[c].append(np.asarray(self._rows[c], dtype=object if isinstance(
                    self._rows[c][0], str) else None))
                self._rows[c] = []

    def __len__(self) -> int:
        return self._n

    def col(self, c: str) -> np.ndarray:
        self._flush()
        parts = self._parts[c]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        if len(parts) > 1:
            self._parts[c] = [np.concatenate(parts)]
        return self._parts[c][0]

    def set(self, c: str, i: int, value):
        self.col(c)[i] = value

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({c: self.col(c) for c in self.columns})


@dataclass
class World:
    seed: int
    scenario: str
    rng_seed: np.random.SeedSequence
    regions: Regions
    people: People
    hh: Households
    kin: Kin
    ids: np.ndarray = None          # citizen ID per person (object)
    phone: np.ndarray = None
    account: np.ndarray = None
    ethnic: np.ndarray = None
    used: np.ndarray = None          # persons already part of a planted case
    hh_used: np.ndarray = None
    protected: np.ndarray = None     # persons whose rows must keep their ID (truth evidence)
    tables: dict = field(default_factory=dict)
    truth: list = field(default_factory=list)

    def __post_init__(self):
        n = self.people.n
        self.used = np.zeros(n, dtype=bool)
        self.hh_used = np.zeros(self.hh.n, dtype=bool)
        self.protected = np.zeros(n, dtype=bool)
        T = self.tables
        T["posts"] = Table("person", "level", "org", "title", "start", "end")
        T["payroll"] = Table("person", "employer", "kind", "job", "start", "end")
        T["vehicles"] = Table("vin", "plate", "vtype", "code", "brand")
        T["owners"] = Table("vehicle", "person", "start", "end")
        T["property"] = Table("cert", "ptype", "area", "village", "address", "person", "start", "end")
        T["companies"] = Table("code", "name", "ctype", "rep", "village", "established", "dereg", "capital")
        T["roles"] = Table("company", "person", "role", "share", "start", "end")
        T["projects"] = Table("pid", "name", "village", "company", "amount", "award")
        T["welfare"] = Table("person", "village", "job", "start", "end", "pay")
        T["grants"] = Table("gid", "programme", "household", "holder", "village", "start", "end",
                            "amount", "assessor", "approver", "phone", "address", "account",
                            "paid_through")
        T["members"] = Table("grant", "person", "relation")
        T["filings"] = Table("cadre", "relative", "relation", "grant", "filed")
        T["roster"] = Table("household", "person", "entry", "exit")

    def rng(self, purpose: str) -> np.random.Generator:
        """An independent stream per purpose, so adding one never shifts another."""
        import zlib
        key = zlib.crc32(purpose.encode())
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.seed, key])))

    # --- convenience -------------------------------------------------------
    def alive(self, i, when) -> np.ndarray | bool:
        p = self.people
        return (p.birth[i] <= when) & (p.death[i] > when)

    def name(self, i: int) -> str:
        return self.people.name(i)

    def town_of_village(self, v: int) -> int:
        return int(self.regions.village_town[v])

    def add_truth(self, family: str, pattern: str, subject: int, household: int, decoy: bool,
                  note: str, grant: int = -1, related: int = -1, evidence: str = "", kind: str = ""):
        """kind: a decoy's look-alike kind (its own name, for evaluation); blank for a true case."""
        self.truth.append(dict(family=family, pattern=pattern, subject=int(subject),
                               household=int(household), is_decoy=int(decoy), note=note,
                               grant=int(grant), related=int(related), evidence=evidence,
                               kind=kind if decoy else ""))
        self.protected[int(subject)] = True
        if related >= 0:
            self.protected[int(related)] = True


__all__ = ["World", "Table", "BASE", "NONE"]
