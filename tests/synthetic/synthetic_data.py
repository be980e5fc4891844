"""Test helper: a generated county (once per test run, tests/generated.py), its extracts read back.

Reading undoes the documented mess the way a loader must: decode by the
manifest's encoding, half-width digits, strip spaces, upper-case IDs, parse
the four date styles, drop exact duplicates, and reject invalid rows by the
same three reasons the generator records.
"""
from __future__ import annotations

import csv
import functools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

import generated
from reliefgraph.synthetic import ids


@functools.lru_cache(maxsize=None)
def dataset(persons: int = 20_000, seed: int = 7, scenario: str = "standard", month: int = 1,
            layout: str = "a") -> Path:
    return generated.extracts(persons=persons, seed=seed, scenario=scenario, month=month, layout=layout)


def manifest(out: Path) -> dict:
    m = json.loads((out / "_truth" / "manifest.json").read_text(encoding="utf-8"))
    m["by_file"] = {f["file"]: f for f in m["files"]}
    return m


def raw(out: Path, file: str) -> pd.DataFrame:
    """The file's cells as written (strings, '' for empty), every row kept."""
    spec = manifest(out)["by_file"][file]
    if spec["encoding"] == "xlsx":
        df = pd.read_excel(out / file, dtype=str, engine="calamine")
    else:
        df = pd.read_csv(out / file, dtype=str, encoding=spec["encoding"], keep_default_na=False)
    return df.fillna("")


_DATE = [re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
         re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), re.compile(r"^(\d{4})(\d{2})(\d{2})$")]
_MONTH = [re.compile(r"^(\d{4})-(\d{2})$"), re.compile(r"^(\d{4})/(\d{1,2})$"),
          re.compile(r"^(\d{4})年(\d{1,2})月$"), re.compile(r"^(\d{4})(\d{2})$")]


def parse_date(s: str):
    """Day number, None for blank, ValueError for an impossible or unknown date."""
    if not s:
        return None
    for rx in _DATE:
        m = rx.match(s)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            return int(np.datetime64(f"{y:04d}-{mo:02d}-{d:02d}", "D").astype(np.int64))
    raise ValueError(s)


def parse_month(s: str) -> int:
    for rx in _MONTH:
        m = rx.match(s)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12:
                return y * 12 + mo - 1
    raise ValueError(s)


def _norm(s: str) -> str:
    # another county's IDs may be typed in groups with spaces: the loader drops them
    return ids.normalise_id(s).replace(" ", "") if s else ""


def rejection(spec: dict, row: dict) -> str | None:
    """Why a loader must reject this (normalised) row, or None."""
    for c in spec["id_cols"]:
        if row[c] and not ids.citizen_id_valid(row[c]):
            return "bad_check_digit"
    for c in spec["code_cols"]:
        if row[c] and not ids.credit_code_valid(row[c]):
            return "bad_check_digit"
    for c in spec["date_cols"]:
        try:
            parse_date(row[c])
        except ValueError:
            return "impossible_date"
    if spec["key_cols"] and all(not row[c] for c in spec["key_cols"]):
        return "missing_key"
    return None


@functools.lru_cache(maxsize=None)
def clean(out: Path, file: str) -> pd.DataFrame:
    """Normalised valid rows, duplicates dropped, dates as day numbers (None if blank)."""
    spec = manifest(out)["by_file"][file]
    df = raw(out, file)
    for c in df.columns:
        df[c] = [s.translate(ids._FULL_TO_HALF).strip() for s in df[c]]
    for c in spec["id_cols"] + spec["code_cols"]:
        df[c] = [_norm(s) for s in df[c]]
    keep = [rejection(spec, r) is None for r in df.to_dict("records")]
    df = df[keep].drop_duplicates().reset_index(drop=True)
    for c in spec["date_cols"]:  # object dtype keeps None (pandas would turn it into NaN)
        df[c] = pd.Series([parse_date(s) for s in df[c]], index=df.index, dtype=object)
    for c in spec["month_cols"]:
        df[c] = pd.Series([parse_month(s) if s else None for s in df[c]], index=df.index, dtype=object)
    return df


def truth(out: Path, name: str = "truth.csv") -> pd.DataFrame:
    return pd.read_csv(out / "_truth" / name, dtype=str, keep_default_na=False)


def truth_rows(out: Path, name: str) -> list[dict]:
    with open(out / "_truth" / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
