"""Precision and recall of clues against a ground-truth file.

truth.csv (from `reliefgraph generate`, or an inspectorate's confirmed
cases) lists at least `family` and `subject_id`, and may add `pattern`
(the truth's own name for the kind of case; the family when absent) and
`is_decoy` (1 / true / 是 for a lawful look-alike; 0 when absent).
clues.csv is what `reliefgraph detect --out` wrote.

A truth row is found when a clue of its family names its subject: a clue is
one (family, subject), whatever rules raised it, so the truth's pattern names
need not be rule ids. Per pattern: truth = its true cases, hit = those found,
flagged = hit + its decoys found. A decoy counts as flagged only if its
subject is not a true case of the same family (one clue cannot be both).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from reliefgraph.queries.rules import FAMILIES

TRUE_WORDS = {"1", "true", "yes", "y", "t", "是", "干扰", "decoy"}
# Family names an inspectorate may write instead of the ids.
FAMILY_ALIASES = {name.lower(): fid for fid, names in FAMILIES.items() for name in names}


class TruthFileError(ValueError):
    """The truth or clue file lacks what scoring needs; the message names file and column."""


@dataclass
class Score:
    name: str
    truth: int
    flagged: int
    hit: int
    decoys_flagged: list[str]

    @property
    def precision(self) -> float:
        return self.hit / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.hit / self.truth if self.truth else 1.0


def _read(path: Path, required: tuple[str, ...]) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise TruthFileError(f"{path}: 缺少列 missing column(s) {missing}; "
                                 f"found {reader.fieldnames}")
        rows = []
        for n, row in enumerate(reader, start=2):
            for c in required:
                if not (row.get(c) or "").strip():
                    raise TruthFileError(f"{path}: row {n}: 列 column {c!r} is blank")
            rows.append({k: (v or "").strip() for k, v in row.items() if k})
        return rows


def _family(name: str) -> str:
    return FAMILY_ALIASES.get(name.lower(), name)


def _truth_rows(path: Path) -> list[dict]:
    rows = _read(path, ("family", "subject_id"))
    for r in rows:
        r["family"] = _family(r["family"])
        r["pattern"] = r.get("pattern") or r["family"]
        r["decoy"] = r.get("is_decoy", "").lower() in TRUE_WORDS
    return rows


def evaluate(truth_path: Path, clues_path: Path) -> tuple[list[Score], list[Score], list[dict]]:
    """Per-family and per-pattern scores, and the decoys that were flagged (with their clue)."""
    truth = _truth_rows(truth_path)
    clue_of: dict[tuple[str, str], dict] = {}
    for c in _read(clues_path, ("family", "subject_id")):
        clue_of[(c["family"], c["subject_id"])] = c
    positives = {(r["family"], r["subject_id"]) for r in truth if not r["decoy"]}

    def score(name: str, rows: list[dict], flagged: set[tuple[str, str]]) -> Score:
        true_cases = {(r["family"], r["subject_id"]) for r in rows if not r["decoy"]}
        decoys = {(r["family"], r["subject_id"]) for r in rows if r["decoy"]} - positives
        return Score(name, len(true_cases), len(flagged), len(flagged & true_cases),
                     sorted(s for _, s in flagged & decoys))

    families = sorted({r["family"] for r in truth} | {f for f, _ in clue_of})
    by_family = [score(f, [r for r in truth if r["family"] == f], {k for k in clue_of if k[0] == f})
                 for f in families]
    by_pattern = []
    for p in sorted({r["pattern"] for r in truth}):
        rows = [r for r in truth if r["pattern"] == p]
        mine = {(r["family"], r["subject_id"]) for r in rows if not r["decoy"]}
        # A decoy of this pattern that is a true case of another pattern is flagged for that one.
        elsewhere = {(r["family"], r["subject_id"]) for r in rows if r["decoy"]} & (positives - mine)
        found = ({(r["family"], r["subject_id"]) for r in rows} & set(clue_of)) - elsewhere
        by_pattern.append(score(p, rows, found))
    decoys = []
    seen: set[tuple[str, str, str]] = set()
    for r in truth:
        key = (r["family"], r["subject_id"])
        clue = clue_of.get(key)
        if r["decoy"] and clue and key not in positives and (r["pattern"], *key) not in seen:
            seen.add((r["pattern"], *key))
            decoys.append({**r, "clue_id": clue.get("clue_id", ""), "severity": clue.get("severity", ""),
                           "rule_ids": clue.get("rule_ids", "")})
    return by_family, by_pattern, decoys
