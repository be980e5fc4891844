"""Gather a report's content from the graph and the application database.

Everything here is in clear; masking for the reader's role happens after
(`masking.for_viewer`). Queries read only, by natural key, with every value
passed as a parameter.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, union
from sqlalchemy.engine import Engine

from reliefgraph.beijing import now_shown, shown

from reliefgraph.dashboard.cases import STATUSES, case_of, history_of
from reliefgraph.graph.schema import load_schema
from reliefgraph.graph.store import GraphStore
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.queries.clues import clues, findings, findings_of
from reliefgraph.queries.evidence import sources_of
from reliefgraph.queries.names import NAMED_LABELS, names_for, node_caption
from reliefgraph.queries.rules import FAMILIES, load_rules
from reliefgraph.queries.summary import TOTAL, TOWN_DIGITS, categories, summarise
from reliefgraph.reports.model import (CaseRecord, ClueSection, Finding, Household, Report, Subject,
                                       SummaryLine, SummaryScope)

LOADS = ("MATCH (b:LoadBatch) WHERE b.status = 'done' "
         "RETURN b.batch_id, b.mapping, b.agency, b.file_name, b.finished, b.rows_loaded ORDER BY b.finished")
PERSON = ("MATCH (p:Person {citizen_id: $id}) "
          "RETURN p.name, p.sex, p.birth_date, p.death_date, p.region_code")
HOUSEHOLDS = ("MATCH (:Person {citizen_id: $id})-[m:MEMBER_OF]->(h:Household) "
              "RETURN h.household_id, h.address, h.region_code, m.end")
MEMBERS = ("MATCH (x:Person)-[m:MEMBER_OF]->(:Household {household_id: $hid}) "
           "RETURN x.citizen_id, x.name, x.sex, x.birth_date, x.death_date, m.relation, m.start, m.end")
GRANTS = ("MATCH (:Household {household_id: $hid})-[:RECEIVES]->(g:Grant) "
          "RETURN g.grant_id, g.programme, g.start, g.end, g.monthly_amount, g.persons, g.status")
REGIONS = "UNWIND $codes AS c MATCH (r:Region {code: c}) RETURN r.code, r.name"


class ReportError(LookupError):
    """Nothing to report on; the message says so for the user (Chinese + English)."""


def _now() -> str:
    return now_shown(seconds=True)


class Gatherer:
    """One report's reads: load batches and region names are fetched once."""

    def __init__(self, store: GraphStore, engine: Engine):
        self.store, self.engine = store, engine
        self.schema = load_schema()
        self.rules = {r.id: r for r in load_rules()}
        mappings = {m.id: m for m in load_mappings()}
        self.batches: dict[str, dict] = {}
        for batch_id, mapping_id, agency, file_name, finished, rows in store.read(LOADS).rows:
            m = mappings.get(mapping_id)
            self.batches[batch_id] = {
                "batch": batch_id, "mapping": mapping_id, "agency": agency,
                "agency_zh": m.agency_zh if m else agency, "extract_zh": m.title_zh if m else mapping_id,
                "file": file_name, "finished": finished, "rows": rows}
        self._regions: dict[str, str] = {}

    def loads(self) -> list[dict]:
        """The newest batch of each extract: what the data is as of."""
        latest: dict[str, dict] = {}
        for b in self.batches.values():   # ordered by finish time
            latest[b["mapping"] or b["file"]] = b
        return sorted(latest.values(), key=lambda b: (str(b["agency"]), str(b["mapping"])))

    def region_names(self, codes: set[str]) -> dict[str, str]:
        missing = sorted(c for c in codes if c and c not in self._regions)
        if missing:
            self._regions.update({c: n for c, n in self.store.read(REGIONS, {"codes": missing}).rows})
        return {c: self._regions.get(c, "") for c in codes}

    def region(self, code: str | None) -> str | None:
        if not code:
            return None
        town = code[:TOWN_DIGITS]
        names = self.region_names({code, town})
        parts = [n for n in ([names[town]] if town != code else []) + [names[code]] if n]
        return f"{' '.join(parts)} ({code})" if parts else code

    # -- people and households -----------------------------------------------------
    def subject(self, citizen_id: str) -> Subject | None:
        row = self.store.read(PERSON, {"id": citizen_id}).rows
        if not row:
            return None
        name, sex, birth, death, region = row[0]
        sex_zh = self.schema.nodes["Person"].properties["sex"].values.get(sex or "", sex)
        return Subject(citizen_id, name, sex_zh, birth, death, self.region(region))

    def household(self, citizen_id: str, preferred: str | None = None) -> Household | None:
        rows = self.store.read(HOUSEHOLDS, {"id": citizen_id}).rows
        if not rows:
            return None
        # The clue's household first, else the current membership (no end date).
        rows.sort(key=lambda r: (r[0] != preferred, r[3] is not None, str(r[3])))
        hid, address, region, _ = rows[0]
        relations = self.schema.relationships["MEMBER_OF"].properties["relation"].values
        sexes = self.schema.nodes["Person"].properties["sex"].values
        order = list(relations)
        members = [{"citizen_id": cid, "name": name, "sex": sexes.get(sex or "", sex), "birth_date": birth,
                    "death_date": death, "relation": relations.get(rel or "", rel or "—"),
                    "start": start, "end": end, "_order": order.index(rel) if rel in order else len(order)}
                   for cid, name, sex, birth, death, rel, start, end in
                   self.store.read(MEMBERS, {"hid": hid}).rows]
        members.sort(key=lambda m: (m.pop("_order"), str(m["birth_date"])))
        programmes = self.schema.nodes["Programme"].properties["code"].values
        statuses = self.schema.nodes["Grant"].properties["status"].values
        grants = [{"grant_id": gid, "programme": programmes.get(p or "", p), "start": start, "end": end,
                   "monthly_amount": amount, "persons": persons, "status": statuses.get(st or "", st)}
                  for gid, p, start, end, amount, persons, st in self.store.read(GRANTS, {"hid": hid}).rows]
        grants.sort(key=lambda g: str(g["start"]))
        return Household(hid, address, self.region(region), members, grants)

    # -- clues --------------------------------------------------------------------
    def clue_section(self, cid: str) -> ClueSection:
        row = case_of(self.engine, cid)
        if row is None:
            raise ReportError(f"没有该线索 no clue {cid}")
        found = []
        for f in findings_of(self.engine, cid):
            rule = self.rules.get(f["rule_id"])
            meta = rule.meta if rule else {}
            evidence = self._named(f["evidence"] or {"nodes": [], "relationships": []})
            found.append(Finding(
                rule_id=f["rule_id"], title_zh=rule.title_zh if rule else f["rule_id"],
                title_en=rule.file.title_en if rule else "", severity=rule.severity if rule else "",
                narrative=f["narrative"], legal_basis=" ".join(str(meta.get("legal_basis", "")).split()),
                evidence_note=str(meta.get("evidence", "")), look_alikes=list(meta.get("false_positives") or []),
                evidence=evidence, sources=[self._source(s) for s in sources_of(evidence)]))
        return ClueSection(
            clue_id=cid, family=row["family"], family_zh=FAMILIES.get(row["family"], (row["family"],))[0],
            score=row["score"], severity=row["severity"], status_zh=STATUSES.get(row["status"], (row["status"],))[0],
            active=bool(row["active"]), first_seen=row["first_seen"], subject_id=row["subject_id"],
            subject_name=row["subject_name"], findings=found, case=self._case(cid, row))

    def _named(self, evidence: dict) -> dict:
        """Evidence whose programme, region, grant … nodes read as names, not codes."""
        names = names_for(self.store)
        nodes = [{**n, "caption": node_caption(names, n.get("label"), n.get("key"), n.get("properties") or {},
                                               n.get("caption"))} if n.get("label") in NAMED_LABELS else n
                 for n in evidence.get("nodes", [])]
        return {**evidence, "nodes": nodes}

    def _source(self, s: dict) -> dict:
        b = self.batches.get(s.get("batch") or "", {})
        return {"agency": b.get("agency_zh", s.get("agency")), "extract": b.get("extract_zh", ""),
                "file": s.get("file"), "row": s.get("row"), "batch": s.get("batch"),
                "loaded": shown(b.get("finished"), suffix=False)[:10], "fact": self._fact_zh(s.get("fact"))}

    def _fact_zh(self, fact: str | None) -> str | None:
        # A fact another agency added to a node (a death date): named as the schema names it.
        names = [nt.properties[fact].zh for nt in self.schema.nodes.values() if fact in nt.properties]
        return names[0] if names else fact

    def _case(self, cid: str, row: dict) -> CaseRecord | None:
        history = history_of(self.engine, cid)
        if row["status"] == "new" and not history:
            return None
        return CaseRecord(status=row["status"], status_zh=STATUSES.get(row["status"], (row["status"],))[0],
                          assignee=row["assignee"], conclusion=row["conclusion"], notes=row["notes"],
                          concluded=row["concluded"], history=history)

    def clues_about(self, citizen_id: str) -> list[str]:
        """Clues whose subject is the person, then those whose evidence names them."""
        query = union(select(clues.c.clue_id).where(clues.c.subject_id == citizen_id),
                      select(findings.c.clue_id).where(findings.c.related_id == citizen_id))
        with self.engine.connect() as conn:
            ids = {r[0] for r in conn.execute(query)}
            rows = conn.execute(select(clues.c.clue_id, clues.c.subject_id, clues.c.score)
                                .where(clues.c.clue_id.in_(sorted(ids)))).all()
        rows.sort(key=lambda r: (r.subject_id != citizen_id, -r.score, r.clue_id))
        return [r.clue_id for r in rows]


def _report(g: Gatherer, kind: str, title: str, user: str, role: str) -> Report:
    return Report(kind=kind, title=title, generated_at=_now(), generated_by=user, role=role, loads=g.loads())


def clue_report(store: GraphStore, engine: Engine, cid: str, user: str, role: str) -> Report:
    g = Gatherer(store, engine)
    section = g.clue_section(cid)
    report = _report(g, "clue", "案件线索报告 Case lead report", user, role)
    report.subject = g.subject(section.subject_id) or Subject(section.subject_id, section.subject_name,
                                                               None, None, None, None)
    with engine.connect() as conn:
        hid = conn.execute(select(clues.c.household_id).where(clues.c.clue_id == cid)).scalar()
    report.household = g.household(section.subject_id, hid)
    report.clues = [section]
    return report


def person_report(store: GraphStore, engine: Engine, citizen_id: str, user: str, role: str) -> Report:
    g = Gatherer(store, engine)
    subject = g.subject(citizen_id)
    if subject is None:
        raise ReportError("图数据库中没有该身份证号的人员 no person with that citizen ID in the graph")
    report = _report(g, "person", "人员核查报告 Person report", user, role)
    report.subject = subject
    report.household = g.household(citizen_id)
    report.clues = [g.clue_section(cid) for cid in g.clues_about(citizen_id)]
    return report


def summary_report(store: GraphStore, engine: Engine, user: str, role: str, town: str | None = None,
                   programmes: list[str] | None = None, as_of: str | None = None) -> Report:
    g = Gatherer(store, engine)
    as_of = as_of or date.today().isoformat()
    lines = summarise(store, programmes, as_of, town)
    rule_titles = {f.id.removeprefix("summary."): [g.rules[r].title_zh if r in g.rules else r
                                                   for r in f.meta.get("rules") or []] for f in categories()}
    names = g.region_names({line.scope for line in lines if line.scope != "county"})
    scopes: dict[str, SummaryScope] = {}
    for line in lines:
        if line.scope not in scopes:
            name = "全县 county" if line.scope == "county" else f"{names.get(line.scope) or '乡镇'} ({line.scope})"
            scopes[line.scope] = SummaryScope(line.scope, name, [])
        scopes[line.scope].lines.append(SummaryLine(line.category, line.title_zh, line.people, line.records,
                                                    [] if line.category == TOTAL else rule_titles.get(line.category, [])))
    report = _report(g, "summary", "违规问题汇总报告 Summary by violation type", user, role)
    report.summary = list(scopes.values())
    names = names_for(store)
    scope = f"乡镇 {names.label('region', town)}" if town else "全县"
    shown_programmes = "、".join(names.label("programme", p) for p in programmes) if programmes else "默认 default"
    report.summary_note = (f"统计范围 scope: {scope}；对象 programmes: {shown_programmes}；"
                           f"基准日 as of {as_of}。人数按身份证号去重，合计行中同时属于多类的人员只计一次。")
    return report
