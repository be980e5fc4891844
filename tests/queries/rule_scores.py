"""Per-rule precision and recall from a truth file and a clue export.

A clue names the rules that raised it; a rule's flag is right when its
(family, subject) is a true case of the truth file (of any pattern of that
family, as `evaluate` counts a clue), and a true case of the rule's own
pattern is found when a clue raised by that rule names its subject."""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass


@dataclass
class RuleScore:
    rule: str
    flagged: int
    right: int
    truth: int
    found: int

    @property
    def precision(self) -> float:
        return self.right / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 1.0


def rule_scores(truth_csv, clues_csv, rules) -> dict[str, RuleScore]:
    with open(truth_csv, encoding="utf-8-sig") as fh:
        truth = list(csv.DictReader(fh))
    with open(clues_csv, encoding="utf-8-sig") as fh:
        clues = list(csv.DictReader(fh))
    positives = {(r["family"], r["subject_id"]) for r in truth if r["is_decoy"] == "0"}
    own = defaultdict(set)
    for r in truth:
        if r["is_decoy"] == "0":
            own[r["pattern"]].add((r["family"], r["subject_id"]))
    flagged = defaultdict(set)
    for c in clues:
        for rule in filter(None, c["rule_ids"].split(";")):
            flagged[rule].add((c["family"], c["subject_id"]))
    return {r: RuleScore(r, len(flagged[r]), len(flagged[r] & positives), len(own[r]), len(flagged[r] & own[r]))
            for r in rules}
