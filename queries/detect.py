"""One detection run: derived facts, every rule, graph algorithms, clues."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine

from reliefgraph.cypher import CYPHER_DIR
from reliefgraph.graph.store import GraphStore
from reliefgraph.queries import clues, network
from reliefgraph.queries.cypher_files import cypher_files
from reliefgraph.queries.rules import Hit, Rule, load_rules, run_rule


@dataclass
class DetectReport:
    run_id: int
    as_of: str
    derive_seconds: float
    rule_seconds: dict[str, float]
    rule_hits: dict[str, int]
    stored: dict[str, int]
    total_seconds: float
    extra: dict[str, float] = field(default_factory=dict)


def derive(store: GraphStore, parts: dict[str, float] | None = None) -> float:
    """Write the derived facts rules rely on (idempotent MERGEs); returns seconds.

    `parts`, when given, receives the seconds of each derive file (by its id) and of the snapshot."""
    started = time.perf_counter()
    parts = {} if parts is None else parts
    for f in cypher_files("derive"):
        step = time.perf_counter()
        store.write(f.query, f.bind({}), snapshot=False)
        parts[f.id] = time.perf_counter() - step
    step = time.perf_counter()
    store.snapshot()
    parts["derive.snapshot"] = time.perf_counter() - step
    return time.perf_counter() - started


def detect(store: GraphStore, engine: Engine, rules: list[Rule] | None = None,
           as_of: date | str | None = None) -> DetectReport:
    started = time.perf_counter()
    all_rules = load_rules(CYPHER_DIR / "rules")
    rules = rules if rules is not None else all_rules
    as_of = str(as_of or date.today().isoformat())
    parts: dict[str, float] = {}
    derive_seconds = derive(store, parts)
    run_id = clues.start_run(engine, as_of, rules)
    hits: list[Hit] = []
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    for rule in rules:
        found, took = run_rule(store, rule, as_of)
        hits += found
        seconds[rule.id], counts[rule.id] = took, len(found)
    network_seconds = attach_network_signals(store, hits, parts)
    stored = clues.store_hits(engine, store, run_id, rules, hits, seconds, all_rules)
    return DetectReport(run_id=run_id, as_of=as_of, derive_seconds=derive_seconds, rule_seconds=seconds,
                        rule_hits=counts, stored=stored, total_seconds=time.perf_counter() - started,
                        extra={"network_seconds": network_seconds, **parts})


def _cadre_of(hit: Hit) -> str | None:
    if hit.family == "cadre_conflict":
        return hit.subject_id
    if hit.family == "favour_relief":
        return hit.related_id
    return None


def attach_network_signals(store: GraphStore, hits: list[Hit], parts: dict[str, float] | None = None) -> float:
    """Add the implicated cadre's community and broker standing to each finding's facts."""
    pairs = [(h.subject_id, _cadre_of(h)) for h in hits if _cadre_of(h)]
    found, seconds = network.signals(store, pairs, parts)
    for h in hits:
        cadre = _cadre_of(h)
        if cadre in found:
            h.facts["network"] = found[cadre]
    return seconds
