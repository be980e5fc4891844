"""The Clues page's data, outside Streamlit: the filtered table and one
clue's findings, masked for the viewer."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from reliefgraph.dashboard.cases import STATUSES, clue_case_query
from reliefgraph.dashboard.overview import TOWN_DIGITS
from reliefgraph.dashboard.permissions import Viewer, mask_evidence, mask_for, mask_text
from reliefgraph.queries.clues import clues, findings_of
from reliefgraph.queries.evidence import sources_of
from reliefgraph.queries.rules import FAMILIES


@dataclass(frozen=True)
class ClueFilters:
    families: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    rule: str | None = None
    town: str | None = None
    assignee: str | None = None
    min_score: float = 0.0
    include_inactive: bool = False


def clue_rows(engine: Engine, viewer: Viewer, f: ClueFilters = ClueFilters()) -> list[dict]:
    query = clue_case_query().order_by(clues.c.score.desc(), clues.c.clue_id)
    if not f.include_inactive:
        query = query.where(clues.c.active.is_(True))
    if f.families:
        query = query.where(clues.c.family.in_(f.families))
    if f.statuses:
        query = query.where(clues.c.status.in_(f.statuses))
    if f.min_score:
        query = query.where(clues.c.score >= f.min_score)
    if f.town:
        query = query.where(clues.c.region_code.startswith(f.town))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    out = []
    for r in rows:
        if f.rule and f.rule not in (r["rule_ids"] or []):
            continue
        if f.assignee and r["assignee"] != f.assignee:
            continue
        out.append({
            "clue_id": r["clue_id"],
            "family": FAMILIES.get(r["family"], (r["family"],))[0],
            "rules": ", ".join(r["rule_ids"] or []),
            "town": (r["region_code"] or "")[:TOWN_DIGITS],
            "subject": mask_for(viewer, r["subject_id"], "citizen_id"),
            "name": r["subject_name"],
            "score": r["score"],
            "severity": r["severity"],
            "status": STATUSES.get(r["status"], (r["status"],))[0],
            "assignee": r["assignee"] or "",
            "summary": mask_text(viewer, r["summary"]),
        })
    return out


def clue_header(engine: Engine, viewer: Viewer, cid: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(clue_case_query().where(clues.c.clue_id == cid)).first()
    if row is None:
        return None
    r = dict(row._mapping)
    r["subject_shown"] = mask_for(viewer, r["subject_id"], "citizen_id")
    r["summary"] = mask_text(viewer, r["summary"])
    return r


def findings_for(engine: Engine, viewer: Viewer, cid: str) -> list[dict]:
    """Each finding: rule, narrative, evidence and the agency records behind it, as the viewer may see them."""
    out = []
    for f in findings_of(engine, cid):
        evidence = f["evidence"] or {"nodes": [], "relationships": []}
        out.append({"rule_id": f["rule_id"], "narrative": mask_text(viewer, f["narrative"]),
                    "evidence": mask_evidence(viewer, evidence), "sources": sources_of(evidence)})
    return out


def towns(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        codes = {(c or "")[:TOWN_DIGITS] for (c,) in conn.execute(select(clues.c.region_code).distinct())}
    return sorted(c for c in codes if c)
