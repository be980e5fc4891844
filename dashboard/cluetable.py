"""The Clues page's data, outside Streamlit: the filtered table and one
clue's findings, masked for the viewer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from reliefgraph.dashboard.cases import STATUSES, clue_case_query
from reliefgraph.dashboard.overview import TOWN_DIGITS
from reliefgraph.dashboard.permissions import Viewer, mask_evidence, mask_for, mask_text
from reliefgraph.queries.clues import clues, findings_of, runs
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
    new_since: str | None = None      # first seen at or after this time: what the last run added


BEIJING = timezone(timedelta(hours=8))
SEVERITY = {"high": "高 high", "medium": "中 medium", "low": "低 low"}


def last_run_started(engine: Engine) -> str | None:
    """When the latest detection run began: clues first seen since then are new."""
    with engine.connect() as conn:
        return conn.execute(select(runs.c.started).order_by(runs.c.run_id.desc()).limit(1)).scalar()


def beijing_date(stamp: str | None) -> str:
    """A stored UTC time as its date in Beijing (what the inspector's calendar says)."""
    if not stamp:
        return ""
    try:
        t = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:10]
    return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone(BEIJING).date().isoformat()


def town_label(code: str, names: dict[str, str]) -> str:
    return f"{names[code]} ({code})" if code in names else code


def clue_rows(engine: Engine, viewer: Viewer, f: ClueFilters = ClueFilters(), towns: dict[str, str] | None = None,
              rule_titles: dict[str, str] | None = None) -> list[dict]:
    """The table's rows, masked; `towns` and `rule_titles` turn codes into names where known."""
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
    if f.new_since:
        query = query.where(clues.c.first_seen >= f.new_since)
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
            "rules": "、".join((rule_titles or {}).get(i, i) for i in r["rule_ids"] or []),
            "town": town_label((r["region_code"] or "")[:TOWN_DIGITS], towns or {}),
            "subject": mask_for(viewer, r["subject_id"], "citizen_id"),
            "name": r["subject_name"],
            "score": r["score"],
            "severity": SEVERITY.get(r["severity"], r["severity"]),
            "status": STATUSES.get(r["status"], (r["status"],))[0],
            "assignee": r["assignee"] or "",
            "summary": mask_text(viewer, r["summary"]),
            "first_seen": beijing_date(r["first_seen"]),
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


def evidence_refs(engine: Engine, cid: str) -> list[str]:
    """Every node of the clue's evidence paths, as the explorer knows them
    (`Label:key`, server-side only), to mark them within the neighbourhood."""
    refs = []
    for f in findings_of(engine, cid):
        refs += [n["ref"] for n in (f["evidence"] or {}).get("nodes", []) if n.get("ref")]
    return list(dict.fromkeys(refs))


def towns(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        codes = {(c or "")[:TOWN_DIGITS] for (c,) in conn.execute(select(clues.c.region_code).distinct())}
    return sorted(c for c in codes if c)


def clue_counts(engine: Engine, subject_ids: list[str]) -> dict[str, int]:
    """Active clues per person: what a search shows beside each namesake."""
    if not subject_ids:
        return {}
    query = (select(clues.c.subject_id, func.count()).where(clues.c.subject_id.in_(subject_ids),
                                                            clues.c.active.is_(True))
             .group_by(clues.c.subject_id))
    with engine.connect() as conn:
        return {sid: n for sid, n in conn.execute(query)}


SOURCE_COLUMNS = {"agency": "部门 agency", "file": "文件 file", "row": "行 row", "fact": "事实 fact",
                  "batch": "导入批次 batch"}


def source_rows(sources: list[dict], names) -> list[dict]:
    """The agency records behind a finding, headed in Chinese, agencies by name (`民政局 (civil_affairs)`)."""
    from reliefgraph.graph.schema import load_schema

    schema = load_schema()
    fact_zh = {p: prop.zh for nt in schema.nodes.values() for p, prop in nt.properties.items()}
    return [{SOURCE_COLUMNS["agency"]: names.label("agency", s.get("agency"), with_code=True),
             SOURCE_COLUMNS["file"]: s.get("file"), SOURCE_COLUMNS["row"]: s.get("row"),
             SOURCE_COLUMNS["fact"]: fact_zh.get(s.get("fact"), s.get("fact")) or "",
             SOURCE_COLUMNS["batch"]: s.get("batch")} for s in sources]
