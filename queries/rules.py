"""Detection rules: `.cypher` files under cypher/rules/<family>/ with a metadata header.

This module checks the header (family, severity, weight, legal basis …) and
runs a rule read-only, turning each result row into a `Hit`. Adding a rule
is adding a file; see cypher/rules/README.md for the format.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from reliefgraph.cypher import CYPHER_DIR
from reliefgraph.graph.store import GraphStore
from reliefgraph.queries.cypher_files import CypherFile, CypherFileError, parse_cypher_file

FAMILIES = {
    "hidden_assets": ("隐性财产", "Hidden assets"),
    "favour_relief": ("人情保", "Favour-based relief"),
    "cadre_conflict": ("干部亲属利益冲突", "Relative-to-cadre conflicts"),
    "at_risk": ("应保未保（防返贫风险）", "Households at risk, not helped"),
}
SEVERITIES = {"high": 3, "medium": 2, "low": 1}
# Days a unit has to verify a dispatched clue, by the clue's severity, when
# the dispatcher sets no deadline (as the provincial verification platforms do).
DEADLINE_DAYS = {"high": 7, "medium": 15, "low": 30}
REQUIRED_COLUMNS = ("subject_id", "household_id", "grant_id", "related_id", "facts", "paths")
REQUIRED_KEYS = ("family", "severity", "weight", "status", "legal_basis", "evidence", "narrative")


@dataclass(frozen=True)
class Rule:
    file: CypherFile
    family: str
    severity: str
    weight: float

    @property
    def id(self) -> str:
        return self.file.id

    @property
    def title_zh(self) -> str:
        return self.file.title_zh

    @property
    def meta(self) -> dict[str, Any]:
        return self.file.meta


@dataclass
class Hit:
    rule_id: str
    family: str
    subject_id: str
    household_id: str | None
    grant_id: str | None
    related_id: str | None
    facts: dict[str, Any]
    paths: list[dict] = field(default_factory=list)


def load_rule(path: Path) -> Rule:
    f = parse_cypher_file(path)
    missing = [k for k in REQUIRED_KEYS if not f.meta.get(k)]
    if missing:
        raise CypherFileError(f"{path}: rule header lacks {missing}")
    family, severity = f.meta["family"], f.meta["severity"]
    if family not in FAMILIES:
        raise CypherFileError(f"{path}: family {family!r} not in {sorted(FAMILIES)}")
    if path.parent.name != family:
        raise CypherFileError(f"{path}: a {family} rule belongs in cypher/rules/{family}/")
    if severity not in SEVERITIES:
        raise CypherFileError(f"{path}: severity {severity!r} not in {sorted(SEVERITIES)}")
    weight = float(f.meta["weight"])
    if not 0 < weight <= 1:
        raise CypherFileError(f"{path}: weight must be in (0, 1]")
    if "as_of" not in f.params:
        raise CypherFileError(f"{path}: every rule takes the `as_of` parameter (open intervals end there)")
    return Rule(file=f, family=family, severity=severity, weight=weight)


def load_rules(root: Path = CYPHER_DIR / "rules", only: set[str] | None = None,
               families: set[str] | None = None) -> list[Rule]:
    rules = [load_rule(p) for p in sorted(Path(root).rglob("*.cypher"))]
    ids = [r.id for r in rules]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise CypherFileError(f"duplicate rule ids {sorted(dupes)}")
    if only:
        unknown = only - set(ids)
        if unknown:
            raise CypherFileError(f"未知规则 unknown rules {sorted(unknown)}; known: {ids}")
        rules = [r for r in rules if r.id in only]
    if families:
        rules = [r for r in rules if r.family in families]
    return rules


def run_rule(store: GraphStore, rule: Rule, as_of: date | str | None = None,
             params: dict | None = None) -> tuple[list[Hit], float]:
    """Run one rule read-only; returns its hits and the seconds it took."""
    values = dict(params or {})
    values.setdefault("as_of", str(as_of or date.today().isoformat()))
    bound = rule.file.bind(values)
    started = time.perf_counter()
    result = store.read(rule.file.query, bound)
    took = time.perf_counter() - started
    missing = [c for c in REQUIRED_COLUMNS if c not in result.columns]
    if missing:
        raise CypherFileError(f"rule {rule.id} must return columns {list(REQUIRED_COLUMNS)}; missing {missing}")
    hits = []
    for rec in result.records():
        if not rec["subject_id"]:
            continue
        hits.append(Hit(rule_id=rule.id, family=rule.family, subject_id=rec["subject_id"],
                        household_id=rec["household_id"], grant_id=rec["grant_id"],
                        related_id=rec["related_id"], facts=dict(rec["facts"] or {}),
                        paths=[p for p in (rec["paths"] or []) if p]))
    return hits, took
