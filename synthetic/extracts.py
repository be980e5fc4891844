"""Turning the world into agency extracts: shared context and the run loop.

Builders live in one module per agency group (extracts_gongan,
extracts_minzheng, extracts_others); each returns the file's Spec, an
iterator of clean DataFrame chunks and the name column (for the ID-less
record). Only facts known on the data date (`as_of`) are written.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import mess
from .world import World


@dataclass
class Ctx:
    w: World
    as_of: int
    fullname: np.ndarray
    truth_grants: np.ndarray   # bool per grant: used as evidence by truth.csv
    cadre_posts: list          # cadres.Post records

    def cid(self, idx) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        out = self.w.ids[np.maximum(idx, 0)].copy()
        out[idx < 0] = ""
        return out

    def nm(self, idx) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        out = self.fullname[np.maximum(idx, 0)].copy()
        out[idx < 0] = ""
        return out

    def vcode(self, v) -> np.ndarray:
        return self.w.regions.village_code[np.asarray(v, dtype=np.int64)].astype(str).astype(object)

    def vname(self, v) -> np.ndarray:
        r = self.w.regions
        v = np.asarray(v, dtype=np.int64)
        return np.array([r.village_full_name(int(x)) for x in v], dtype=object)

    def protected(self, persons) -> np.ndarray:
        return self.w.protected[np.asarray(persons, dtype=np.int64)]

    def known(self, table, column: str) -> np.ndarray:
        """Rows of `table` whose `column` day is on or before the as-of date, in that day's order:
        an agency exports what it had recorded by then, oldest first."""
        day = table.col(column).astype(np.int64)
        k = np.flatnonzero(day <= self.as_of)
        return k[np.argsort(day[k], kind="stable")]


def chunked(n: int, size: int, make):
    """Yield make(slice) for consecutive slices of range(n) (one empty chunk if n == 0)."""
    if n == 0:
        yield make(slice(0, 0))
        return
    for s in range(0, n, size):
        yield make(slice(s, min(n, s + size)))


def frame(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols)


def write_all(ctx: Ctx, builders, out: Path, seed: int, report: mess.Report) -> list[tuple[mess.Spec, int]]:
    written = []
    for build in builders:
        spec, chunks, name_col = build(ctx)
        rows = mess.write(spec, chunks, out, seed, report, name_col)
        written.append((spec, rows))
    return written
