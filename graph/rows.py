"""Row parameters held column-wise, for bulk writes.

A bulk statement reads `UNWIND $rows AS row` where each row is
`{i: row number, <map>: {key: value}, ...}`. Building millions of such
Python dicts costs more than the engine's own work, so loaders hand the
store columns instead; each backend turns them into its own wire format
(FalkorDB: one literal per row built with vectorised string operations;
Neo4j: dicts for the driver).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class ColumnRows:
    i: pd.Series                                   # row numbers (int)
    maps: dict[str, dict[str, pd.Series]]          # map name → {key → column aligned with i}
    # Maps whose blank values are sent as null (keys, merge properties);
    # elsewhere a blank value is left out so it never erases a stored one.
    keep_null: frozenset[str] = field(default_factory=lambda: frozenset({"k", "m"}))

    def __len__(self) -> int:
        return len(self.i)

    def take(self, positions) -> "ColumnRows":
        return ColumnRows(
            i=self.i.iloc[positions],
            maps={m: {k: c.iloc[positions] for k, c in cols.items()} for m, cols in self.maps.items()},
            keep_null=self.keep_null)

    def to_dicts(self) -> list[dict]:
        out = [{"i": int(i)} for i in self.i.tolist()]
        for name, cols in self.maps.items():
            for row in out:
                row[name] = {}
            for key, col in cols.items():
                values = col.astype(object).where(col.notna(), None).tolist()
                keep = name in self.keep_null
                for row, value in zip(out, values):
                    if value is not None or keep:
                        row[name][key] = value
        return out
