"""Clues: rule hits about one subject, merged, scored and kept across runs.

A clue is one (family, subject) — e.g. all hidden-asset findings about one
grant holder — so an inspector opens one case, not five. Its id is derived
from family and subject, so re-running detection updates the same clue and
keeps its case status; a clue no rule finds any more is marked inactive,
never deleted.
"""
from __future__ import annotations

import csv
import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (JSON, Boolean, Column, Float, ForeignKey, Integer, String, Table, Text, bindparam,
                        delete, select, update)
from sqlalchemy.engine import Engine

from reliefgraph.appdb import metadata
from reliefgraph.graph.store import GraphStore
from reliefgraph.queries.evidence import evidence_of
from reliefgraph.queries.narrative import narrate
from reliefgraph.queries.network import bonus
from reliefgraph.queries.rules import SEVERITIES, Hit, Rule

clues = Table(
    "clues", metadata,
    Column("clue_id", String, primary_key=True),
    Column("family", String, nullable=False, index=True),
    Column("subject_id", String, nullable=False, index=True),
    Column("subject_name", String),
    Column("household_id", String),
    Column("region_code", String, index=True),     # the subject's registered village
    Column("score", Float, nullable=False),
    Column("severity", String, nullable=False),
    Column("rule_ids", JSON, nullable=False),
    Column("summary", Text, nullable=False),
    Column("status", String, nullable=False, default="new"),  # case workflow: see the dashboard
    Column("active", Boolean, nullable=False, default=True),
    Column("first_seen", String, nullable=False),
    Column("last_seen", String, nullable=False),
    Column("last_run", Integer),
)

findings = Table(
    "clue_findings", metadata,
    Column("id", Integer, primary_key=True),
    Column("clue_id", String, ForeignKey("clues.clue_id"), nullable=False, index=True),
    Column("rule_id", String, nullable=False, index=True),
    Column("grant_id", String),
    Column("related_id", String),
    Column("facts", JSON, nullable=False),
    Column("narrative", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("run_id", Integer, nullable=False),
)

runs = Table(
    "detection_runs", metadata,
    Column("run_id", Integer, primary_key=True),
    Column("started", String, nullable=False),
    Column("finished", String),
    Column("as_of", String, nullable=False),
    Column("rules", JSON, nullable=False),
    Column("seconds", JSON),         # rule id → seconds
    Column("hits", Integer),
    Column("clues", Integer),
)


def clue_id(family: str, subject_id: str) -> str:
    return hashlib.sha256(f"{family}|{subject_id}".encode()).hexdigest()[:16]


def score(weights: list[float]) -> float:
    """Independent reasons compound: 1 − Π(1 − w) over the distinct rules hit."""
    remaining = 1.0
    for w in weights:
        remaining *= 1.0 - w
    return round(1.0 - remaining, 4)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def start_run(engine: Engine, as_of: str, rules: list[Rule]) -> int:
    with engine.begin() as conn:
        res = conn.execute(runs.insert().values(started=_now(), as_of=as_of, rules=[r.id for r in rules]))
        return int(res.inserted_primary_key[0])


def store_hits(engine: Engine, store: GraphStore, run_id: int, rules: list[Rule], hits: list[Hit],
               seconds: dict[str, float], all_rules: list[Rule]) -> dict[str, int]:
    """Replace the findings of the rules that ran and refresh the clues they touch.

    `all_rules` gives every rule's weight and severity: a clue's score covers
    all its findings, including those of rules not run this time.
    """
    by_rule = {r.id: r for r in rules}
    known = {r.id: r for r in all_rules}
    subjects = _subjects(store, {h.subject_id for h in hits})
    rows = []
    for h in hits:
        rule = by_rule[h.rule_id]
        rows.append({
            "clue_id": clue_id(h.family, h.subject_id), "rule_id": h.rule_id, "grant_id": h.grant_id,
            "related_id": h.related_id, "facts": _jsonable(h.facts),
            "narrative": narrate(rule.meta["narrative"], h.facts, h.paths),
            "evidence": evidence_of(h.paths, store.schema), "run_id": run_id,
        })
    now = _now()
    with engine.begin() as conn:
        touched = {r[0] for r in conn.execute(
            select(findings.c.clue_id).where(findings.c.rule_id.in_(list(by_rule))).distinct())}
        conn.execute(delete(findings).where(findings.c.rule_id.in_(list(by_rule))))
        touched |= {r["clue_id"] for r in rows}
        first_hit = {clue_id(h.family, h.subject_id): h for h in hits}
        existing = {r.clue_id: r for r in conn.execute(select(clues).where(clues.c.clue_id.in_(list(touched))))}
        # A finding references its clue (PostgreSQL enforces it): a new clue's
        # row comes first, its scores are filled in below, in this transaction.
        # Every step is one statement (or one executemany), not one per clue:
        # per-clue statements took over 3 s for 2 000 clues at 300 k persons.
        new_rows = []
        for cid in sorted(touched - set(existing)):
            h = first_hit[cid]
            name, region = subjects.get(h.subject_id, (None, None))
            new_rows.append(dict(
                clue_id=cid, family=h.family, subject_id=h.subject_id, subject_name=name,
                household_id=h.household_id, region_code=region, status="new", first_seen=now, last_seen=now,
                score=0.0, severity="low", rule_ids=[], summary=""))
        if new_rows:
            conn.execute(clues.insert(), new_rows)
        for start in range(0, len(rows), 500):
            conn.execute(findings.insert(), rows[start:start + 500])
        found_of: dict[str, list] = {cid: [] for cid in touched}
        ids = sorted(touched)
        for start in range(0, len(ids), 500):
            for f in conn.execute(select(findings.c.clue_id, findings.c.rule_id, findings.c.narrative, findings.c.facts)
                                  .where(findings.c.clue_id.in_(ids[start:start + 500]))
                                  .order_by(findings.c.clue_id, findings.c.rule_id, findings.c.id)):
                found_of[f.clue_id].append(f)
        gone = sorted(cid for cid, found in found_of.items() if not found)
        for start in range(0, len(gone), 500):
            conn.execute(update(clues).where(clues.c.clue_id.in_(gone[start:start + 500])).values(active=False))
        refreshed = []
        for cid in ids:
            found = found_of[cid]
            if not found:
                continue
            rule_ids = sorted({f.rule_id for f in found})
            base = score([known[r].weight for r in rule_ids if r in known])
            network_bonus = max(bonus((f.facts or {}).get("network")) for f in found)
            refreshed.append({
                "b_clue_id": cid,
                "score": round(1 - (1 - base) * (1 - network_bonus), 4),
                "severity": max((known[r].severity for r in rule_ids if r in known), key=SEVERITIES.get,
                                default="low"),
                "rule_ids": rule_ids, "summary": "；".join(dict.fromkeys(f.narrative for f in found)),
                "active": True, "last_seen": now, "last_run": run_id,
            })
        if refreshed:
            conn.execute(update(clues).where(clues.c.clue_id == bindparam("b_clue_id"))
                         .values({k: bindparam(k) for k in refreshed[0] if k != "b_clue_id"}), refreshed)
        active = conn.execute(select(clues.c.clue_id).where(clues.c.active.is_(True))).all()
        conn.execute(update(runs).where(runs.c.run_id == run_id).values(
            finished=_now(), seconds={k: round(v, 4) for k, v in seconds.items()}, hits=len(hits),
            clues=len(active)))
    # A dispatched clue keeps its order (its id is stable); one no rule finds
    # any more is marked so on its order, for the unit verifying it.
    from reliefgraph.dashboard.orders import mark_vanished

    marked = mark_vanished(engine, {r[0] for r in active})
    return {"hits": len(hits), "clues_touched": len(touched), "active_clues": len(active),
            "orders_vanished": marked["vanished"], "orders_reappeared": marked["reappeared"]}


def _subjects(store: GraphStore, ids: set[str]) -> dict[str, tuple[str | None, str | None]]:
    if not ids:
        return {}
    res = store.read("UNWIND $ids AS id MATCH (p:Person {citizen_id: id}) RETURN id, p.name, p.region_code",
                     {"ids": sorted(ids)})
    return {r[0]: (r[1], r[2]) for r in res.rows}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def list_clues(engine: Engine, active_only: bool = True, family: str | None = None) -> list[dict]:
    query = select(clues).order_by(clues.c.score.desc(), clues.c.clue_id)
    if active_only:
        query = query.where(clues.c.active.is_(True))
    if family:
        query = query.where(clues.c.family == family)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def findings_of(engine: Engine, cid: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(findings).where(findings.c.clue_id == cid).order_by(findings.c.rule_id, findings.c.id))]


CSV_COLUMNS = ["clue_id", "family", "rule_ids", "subject_id", "household_id", "score", "severity", "status",
               "region_code", "summary"]


def write_csv(engine: Engine, path: Path) -> int:
    rows = list_clues(engine)
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, CSV_COLUMNS, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({**r, "rule_ids": ";".join(r["rule_ids"]), "summary": _neutralise(r["summary"])})
    return len(rows)


def _neutralise(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs.
    return "'" + text if text and text[0] in "=+-@" else text

