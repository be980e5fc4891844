"""Look-up tables: a field filled from another file of the load folder by key.

A mapping's `lookups:` names code tables or other extracts (an org list,
the company register, a region table); a field with `lookup: <table>, key:
<field>, column: <table column>` takes that column's cell from the table
row whose key equals the row's field. The table is read once per loaded
file, keyed on its key column cleaned as an identifier (upper case, no
spaces or hyphens) on both sides, so `91520100mA6DJX1234` finds
`91520100MA6DJX1234`. The cell found is then normalised and checked by the
looked-up field's own type, like a cell of the file itself.

A key the table does not hold (`lookup_unknown`) or holds with different
rows (`lookup_ambiguous`) leaves the field blank; the loader then rejects
the row when the field is required, and lists it as a warning otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reliefgraph.loaders import normalise
from reliefgraph.loaders.mapping import Lookup, Mapping
from reliefgraph.loaders.readers import CSV_SUFFIXES, EXCEL_SUFFIXES, ExtractError, read_chunks


@dataclass
class Table:
    name: str
    key_column: str
    keys: pd.Index              # unique keys, cleaned
    cells: pd.DataFrame         # one row per key, raw cells, aligned on `keys`
    ambiguous: frozenset[str]   # keys held by rows that disagree

    def take(self, column: str, keys: pd.Series) -> tuple[pd.Series, pd.Series]:
        """The table's `column` cell for each key (NA where not found) and the
        reason it was not (`lookup_unknown`, `lookup_ambiguous`, or NA)."""
        cleaned = normalise.identifier(keys.astype("string"))
        at = self.keys.get_indexer(cleaned.astype(object).where(cleaned.notna(), None))
        found = at >= 0
        # An empty table (a file with its header only) finds nothing; -1 must not index it.
        cells = self.cells[column].to_numpy(dtype=object)[at] if len(self.keys) else np.full(len(at), None)
        values = pd.Series(np.where(found, cells, None), index=keys.index, dtype=object)
        reason = np.where(cleaned.notna().to_numpy() & ~found, "lookup_unknown", None)
        if self.ambiguous:
            reason[cleaned.isin(self.ambiguous).to_numpy(dtype=bool)] = "lookup_ambiguous"
        return values.where(values.notna(), pd.NA), pd.Series(reason, index=keys.index, dtype=object)


def read_tables(mapping: Mapping, folder: Path) -> dict[str, Table]:
    """Every look-up table the mapping's fields use, read from `folder`."""
    used = {f.lookup for f in mapping.fields.values() if f.lookup is not None}
    columns = {name: {f.column for f in mapping.fields.values() if f.lookup == name} for name in used}
    return {name: read_table(mapping.lookups[name], folder, columns[name]) for name in sorted(used)}


def read_table(lookup: Lookup, folder: Path, columns: set[str]) -> Table:
    paths = [p for p in sorted(Path(folder).iterdir())
             if p.is_file() and lookup.matches(p.name) and p.suffix.lower() in CSV_SUFFIXES | EXCEL_SUFFIXES]
    if not paths:
        raise ExtractError(f"查找表 {lookup.name} 没有匹配的文件 look-up table {lookup.name!r}: no file in the "
                           f"load folder matches {list(lookup.files)}")
    wanted = [lookup.key, *sorted(columns - {lookup.key})]
    parts = []
    for path in paths:
        for chunk in read_chunks(path, encoding=lookup.encoding, sheet=lookup.sheet,
                                 header_row=lookup.header_row):
            missing = [c for c in wanted if c not in chunk.frame.columns]
            if missing:
                raise ExtractError(f"{path.name}: 查找表 {lookup.name} 缺少列 look-up table {lookup.name!r} "
                                   f"lacks columns {missing}")
            parts.append(chunk.frame[wanted])
    return build_table(lookup, pd.concat(parts, ignore_index=True), columns)


def build_table(lookup: Lookup, cells: pd.DataFrame, columns: set[str]) -> Table:
    """A look-up table from its raw cells (the key column and `columns`)."""
    wanted = [lookup.key, *sorted(columns - {lookup.key})]
    frame = cells[wanted].copy()
    frame["_key"] = normalise.identifier(frame[lookup.key]).astype(object)
    frame = frame[frame["_key"].notna()]
    # The same row twice (a table sent in two files) is one row; the same key
    # with different cells is a conflict the table cannot settle.
    frame = frame.drop_duplicates(subset=["_key", *wanted])
    clash = frame["_key"].duplicated(keep=False)
    ambiguous = frozenset(frame.loc[clash, "_key"])
    frame = frame.drop_duplicates(subset="_key")
    return Table(name=lookup.name, key_column=lookup.key, keys=pd.Index(frame["_key"].tolist()),
                 cells=frame[wanted].reset_index(drop=True), ambiguous=ambiguous)


def matches_any(mappings: list[Mapping], file_name: str) -> bool:
    """Whether a file is a look-up table of some mapping."""
    return any(t.matches(file_name) for m in mappings for t in m.lookups.values())
