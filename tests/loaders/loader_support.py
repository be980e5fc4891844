"""Test helpers for loading whole folders: the in-process twin of
`reliefgraph load`, graph clones, the CLI as a subprocess, and reading the
generator's extracts back independently of the loader's own code."""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import GraphStore, open_store
from reliefgraph.loaders.mapping import MAPPINGS_DIR, load_mappings
from reliefgraph.loaders.pipeline import FileReport, Loader, plan

AS_OF_M1 = "2026-10-31"
AS_OF_M2 = "2026-11-30"
RELIEFGRAPH = str(Path(sys.executable).with_name("reliefgraph"))
# Identifiers that must never appear whole in a reject file.
FULL_ID = re.compile(r"[0-9]{17}[0-9Xx]")
FULL_PHONE = re.compile(r"1[3-9][0-9]{9}")
LONG_DIGITS = re.compile(r"[0-9]{12,}")   # bank accounts are 16-19 digits


@dataclass
class Graph:
    """One embedded graph with its app database and reject folder."""
    root: Path
    store: GraphStore = field(init=False)

    def __post_init__(self):
        self.root.mkdir(parents=True, exist_ok=True)
        self.store = open_store(str(self.data))
        self.engine = connect(self.app_db)

    @property
    def data(self) -> Path:
        return self.root / "graph"

    @property
    def app_db(self) -> str:
        return f"sqlite:///{self.root / 'app.db'}"

    @property
    def rejects(self) -> Path:
        return self.root / "rejects"

    def load(self, directory: Path, as_of: str = AS_OF_M1, mappings: Path = MAPPINGS_DIR,
             rejects: Path | None = None) -> list[FileReport]:
        """What `reliefgraph load` does, in-process, returning the file reports."""
        maps = load_mappings(mappings)
        pairs, unmatched = plan(directory, maps)
        self.store.init_schema()
        loader = Loader(self.store, self.engine, rejects or self.rejects, as_of=date.fromisoformat(as_of),
                        mappings=maps)
        reports = [loader.load_file(path, mapping) for path, mapping in pairs]
        self.settled = loader.load_pending()
        return reports + unmatched

    def close(self) -> None:
        try:
            self.store.close()
        finally:
            self.engine.dispose()
            EmbeddedServer(self.data).stop()

    def clone(self, root: Path) -> "Graph":
        """A copy of this graph (snapshot file and app database) served by its own engine."""
        self.store.snapshot()
        (root / "graph").mkdir(parents=True, mode=0o700)
        shutil.copy2(self.data / "graph.rdb", root / "graph" / "graph.rdb")
        with sqlite3.connect(self.root / "app.db") as src, sqlite3.connect(root / "app.db") as dst:
            src.backup(dst)
        return Graph(root)


def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([RELIEFGRAPH, *args], capture_output=True, text=True, timeout=timeout,
                          env=cli_env(env))


def cli_env(extra: dict | None = None) -> dict:
    # A wide console: rich would otherwise wrap the error lines at 80 columns.
    return {**os.environ, "COLUMNS": "250", "NO_COLOR": "1", **(extra or {})}


# ---------------------------------------------------------------- the extracts, read independently

def manifest_files(county: Path) -> dict[str, dict]:
    import json

    m = json.loads((county / "_truth" / "manifest.json").read_text(encoding="utf-8"))
    return {f["file"]: f for f in m["files"]}


def extract(county: Path, file: str) -> pd.DataFrame:
    """A file's cells as text (blank → ''), with `_row` the loader's row number
    (header = row 1) and without the rows the generator planted as invalid."""
    spec = manifest_files(county)[file]
    if spec["encoding"] == "xlsx":
        df = pd.read_excel(county / file, dtype=str, engine="calamine")
    else:
        df = pd.read_csv(county / file, dtype=str, encoding=spec["encoding"], keep_default_na=False)
    df = df.fillna("").map(_clean)
    df["_row"] = range(2, len(df) + 2)
    invalid = pd.read_csv(county / "_truth" / "invalid_rows.csv", dtype=str)
    bad = set(invalid.loc[invalid.file == file, "row"].astype(int) + 1)
    return df[~df["_row"].isin(bad)]


def _clean(v: str) -> str:
    return unicodedata.normalize("NFKC", v).strip().upper() if isinstance(v, str) else v


_DATE = [re.compile(p) for p in (r"^(\d{4})-(\d{1,2})-(\d{1,2})$", r"^(\d{4})/(\d{1,2})/(\d{1,2})$",
                                 r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", r"^(\d{4})(\d{2})(\d{2})$")]
_MONTH = [re.compile(p) for p in (r"^(\d{4})-(\d{1,2})$", r"^(\d{4})/(\d{1,2})$",
                                  r"^(\d{4})年(\d{1,2})月$", r"^(\d{4})(\d{2})$")]


def iso_date(v: str) -> str | None:
    for p in _DATE:
        m = p.match(v)
        if m:
            y, mo, d = map(int, m.groups())
            return date(y, mo, d).isoformat()
    if v:
        raise ValueError(f"unexpected date {v!r}")
    return None


def iso_month(v: str) -> str | None:
    for p in _MONTH:
        m = p.match(v)
        if m:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    if v:
        raise ValueError(f"unexpected month {v!r}")
    return None
