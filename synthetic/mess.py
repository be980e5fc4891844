"""How real extracts misbehave, applied to clean rows, and the writers.

Each extract has a Spec: encoding and format, which columns hold citizen
IDs, dates, keys, free text, and how often each kind of mess occurs. Rows
arrive clean (dates as day numbers); `write` formats and dirties them,
inserts exact duplicates and invalid copies, and writes the file in chunks.
Invalid rows are *copies* of valid rows with one defect (bad check
character, impossible date, missing key), so rejecting them loses no fact.
Every invalid and every ID-less row is recorded with its 1-based data row
number (the header is row 0; a CSV's line number is row + 1; an .xlsx
sheet row number is row + 1).
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import dates, ids
from .xlsx import XlsxWriter


@dataclass
class Spec:
    file: str                      # file name in the output folder
    agency: str                    # 中文 agency
    title: str                     # 中文 title
    title_en: str
    encoding: str                  # "utf-8", "utf-8-sig", "gbk" or "xlsx"
    columns: list[str]
    id_cols: list[str] = field(default_factory=list)       # GB 11643 columns
    code_cols: list[str] = field(default_factory=list)     # GB 32100 columns
    date_cols: list[str] = field(default_factory=list)
    month_cols: list[str] = field(default_factory=list)
    key_cols: list[str] = field(default_factory=list)      # all blank -> missing_key
    text_cols: list[str] = field(default_factory=list)     # trailing spaces
    fullwidth_cols: list[str] = field(default_factory=list)
    date_style: str = "iso"
    other_styles: float = 0.12
    lower_x: float = 0.3           # share of IDs ending in X written as x
    fullwidth: float = 0.0
    spaces: float = 0.02
    dup: float = 0.004
    invalid: float = 0.002
    idless_col: str | None = None  # the ID column that may be blank
    idless: float = 0.0
    crlf: bool = False
    notes: str = ""                # README: code tables and quirks
    chunk: int = 400_000


@dataclass
class Report:
    invalid: list = field(default_factory=list)  # (file, row, field, reason, value)
    idless: list = field(default_factory=list)   # (file, row, citizen_id, name)


def _rng(seed: int, file: str, chunk: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, zlib.crc32(file.encode()), chunk])))


def _styles(rng, n: int, dominant: str, other: float) -> list[str]:
    others = [s for s in dates.STYLES if s != dominant]
    pick = np.where(rng.random(n) < other, rng.integers(0, len(others), n), -1)
    return [dominant if k < 0 else others[k] for k in pick.tolist()]


_BAD_DATES = {"iso": "{y}-02-30", "slash": "{y}/2/30", "cn": "{y}年13月5日", "compact": "{y}0230"}


def _dirty(spec: Spec, df: pd.DataFrame, rng, protected: np.ndarray, name_col: str | None):
    n = len(df)
    out: dict[str, np.ndarray] = {}
    for c in spec.columns:
        v = df[c].to_numpy()
        if c in spec.date_cols:
            out[c] = np.array(dates.format_days(v, _styles(rng, n, spec.date_style, spec.other_styles)), dtype=object)
        elif c in spec.month_cols:
            out[c] = np.array(dates.format_months(v, _styles(rng, n, spec.date_style, spec.other_styles)), dtype=object)
        else:
            out[c] = np.array(["" if x is None else str(x) for x in v.tolist()], dtype=object)
    for c in spec.id_cols:
        col = out[c]
        sel = np.flatnonzero((rng.random(n) < spec.lower_x) & np.array([s.endswith("X") for s in col]))
        for i in sel:
            col[i] = col[i][:-1] + "x"
    for c in spec.fullwidth_cols:
        col = out[c]
        for i in np.flatnonzero(rng.random(n) < spec.fullwidth):
            col[i] = ids.to_fullwidth(col[i])
    for c in spec.text_cols:
        col = out[c]
        for i in np.flatnonzero(rng.random(n) < spec.spaces):
            if col[i]:
                col[i] = col[i] + " " * int(rng.integers(1, 3))
    idless = np.zeros(n, dtype=bool)
    if spec.idless_col and spec.idless > 0:
        col = out[spec.idless_col]
        has = np.array([bool(s) for s in col])
        idless = (rng.random(n) < spec.idless) & ~protected & has
        true_ids = col[idless].copy()
        col[idless] = ""
    else:
        true_ids = np.zeros(0, dtype=object)
    return out, idless, true_ids


def _corrupt(spec: Spec, row: dict, kind: str, rng) -> tuple[str, str]:
    """Damage one field of a copied row; returns (field, new value)."""
    if kind == "bad_check_digit":
        if spec.id_cols and row[spec.id_cols[0]]:
            c = spec.id_cols[0]
            row[c] = ids.wrong_id_check(row[c])
        else:
            c = spec.code_cols[0]
            good = row[c]
            alt = "0" if good[-1] != "0" else "1"
            row[c] = good[:-1] + alt
        return c, row[c]
    if kind == "impossible_date":
        c = spec.date_cols[int(rng.integers(len(spec.date_cols)))]
        y = int(rng.integers(2000, 2025))
        row[c] = _BAD_DATES[spec.date_style].format(y=y)
        return c, row[c]
    for c in spec.key_cols:
        row[c] = ""
    return "+".join(spec.key_cols), ""


def _kinds(spec: Spec) -> list[str]:
    k = []
    if spec.id_cols or spec.code_cols:
        k.append("bad_check_digit")
    if spec.date_cols:
        k.append("impossible_date")
    if spec.key_cols:
        k.append("missing_key")
    return k


def write(spec: Spec, chunks, out_dir: Path, seed: int, report: Report, name_col: str | None = None) -> int:
    """Write one extract; returns its number of data rows.

    chunks: iterable of DataFrames with spec.columns (+ optional '_protected').
    """
    path = Path(out_dir) / spec.file
    xw = fh = None
    if spec.encoding == "xlsx":
        xw = XlsxWriter(path, spec.title, spec.columns)
    else:
        fh = open(path, "wb")
    offset = 0
    kinds = _kinds(spec)
    for ci, df in enumerate(chunks):
        rng = _rng(seed, spec.file, ci)
        n = len(df)
        protected = df["_protected"].to_numpy(dtype=bool) if "_protected" in df else np.zeros(n, dtype=bool)
        out, idless, true_ids = _dirty(spec, df, rng, protected, name_col)
        # Final order: each row, its duplicate right after it (sorting keys 3i, 3i+1),
        # and invalid copies dropped in at random places (3j+2).
        dup = np.flatnonzero(rng.random(n) < spec.dup)
        n_bad = int(rng.binomial(n, spec.invalid)) if kinds and n else 0
        okrow = ~idless & ~protected
        src_pool = np.flatnonzero(okrow)
        n_bad = min(n_bad, len(src_pool))
        bad_src = rng.choice(src_pool, n_bad, replace=False) if n_bad else np.zeros(0, dtype=np.int64)
        bad_pos = rng.integers(0, max(n, 1), n_bad)
        keys = np.concatenate([np.arange(n) * 3, dup * 3 + 1, bad_pos * 3 + 2])
        src = np.concatenate([np.arange(n), dup, bad_src])
        tag = np.concatenate([np.zeros(n + len(dup), dtype=np.int64), np.arange(1, n_bad + 1)])
        order = np.argsort(keys, kind="stable")
        src, tag = src[order], tag[order]
        frame = {c: out[c][src] for c in spec.columns}
        for pos in np.flatnonzero(tag):
            row = {c: frame[c][pos] for c in spec.columns}
            kind = kinds[int(rng.integers(len(kinds)))]
            if kind == "bad_check_digit" and spec.id_cols and not row[spec.id_cols[0]] and not spec.code_cols:
                kind = "missing_key" if "missing_key" in kinds else kinds[-1]
            fld, val = _corrupt(spec, row, kind, rng)
            for c in spec.columns:
                frame[c][pos] = row[c]
            report.invalid.append((spec.file, offset + int(pos) + 1, fld, kind, val))
        if idless.any():
            where = np.flatnonzero(idless[src] & (tag == 0))
            tid = dict(zip(np.flatnonzero(idless).tolist(), true_ids.tolist()))
            for pos in where:
                s = int(src[pos])
                nm = frame[name_col][pos].strip() if name_col else ""
                report.idless.append((spec.file, offset + int(pos) + 1, ids.normalise_id(tid[s]), nm))
        m = len(src)
        if xw is not None:
            cols = [frame[c] for c in spec.columns]
            for start in range(0, m, 20_000):
                xw.rows(list(zip(*(c[start:start + 20_000].tolist() for c in cols))))
        else:
            text = pd.DataFrame(frame, columns=spec.columns).to_csv(
                index=False, header=(ci == 0), lineterminator="\r\n" if spec.crlf else "\n")
            enc = "utf-8" if spec.encoding == "utf-8-sig" and ci > 0 else spec.encoding
            fh.write(text.encode(enc))
        offset += m
    if offset == 0 and fh is not None:
        fh.write(pd.DataFrame(columns=spec.columns).to_csv(index=False).encode(spec.encoding))
    if xw is not None:
        xw.close()
    else:
        fh.close()
    return offset
