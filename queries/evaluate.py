"""Precision and recall of clues against a ground-truth file.

truth.csv (from `reliefgraph generate`, or an inspectorate's confirmed
cases) lists family, pattern, subject_id and is_decoy; clues.csv is what
`reliefgraph detect --out` wrote. A clue counts for a pattern when a rule of
that id is among its rule_ids.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


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


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def evaluate(truth_path: Path, clues_path: Path) -> tuple[list[Score], list[Score], list[dict]]:
    """Per-family and per-pattern scores, and the decoys that were flagged (with their clue)."""
    truth = _read(truth_path)
    found = _read(clues_path)
    flagged_family: dict[str, dict[str, dict]] = {}
    flagged_rule: dict[str, set[str]] = {}
    for c in found:
        flagged_family.setdefault(c["family"], {})[c["subject_id"]] = c
        for rule_id in filter(None, c["rule_ids"].split(";")):
            flagged_rule.setdefault(rule_id, set()).add(c["subject_id"])

    def score(name: str, rows: list[dict], flagged: set[str]) -> Score:
        positives = {r["subject_id"] for r in rows if r["is_decoy"] == "0"}
        decoys = {r["subject_id"] for r in rows if r["is_decoy"] == "1"} - positives
        return Score(name, len(positives), len(flagged), len(flagged & positives), sorted(flagged & decoys))

    families = sorted({r["family"] for r in truth} | set(flagged_family))
    by_family = [score(f, [r for r in truth if r["family"] == f], set(flagged_family.get(f, {})))
                 for f in families]
    patterns = sorted({r["pattern"] for r in truth})
    by_pattern = [score(p, [r for r in truth if r["pattern"] == p], flagged_rule.get(p, set()))
                  for p in patterns]
    decoys = []
    for r in truth:
        clue = flagged_family.get(r["family"], {}).get(r["subject_id"])
        if r["is_decoy"] == "1" and clue and r["pattern"] in clue["rule_ids"].split(";"):
            decoys.append({**r, "clue_id": clue["clue_id"], "severity": clue.get("severity", "")})
    return by_family, by_pattern, decoys
