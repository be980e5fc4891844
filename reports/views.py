"""What the three writers lay out: a report's clues with their picture and
their fact and source tables, computed once per rendering."""
from __future__ import annotations

from dataclasses import dataclass

from reliefgraph.beijing import shown
from reliefgraph.reports.facts import fact_count, fact_rows, source_rows
from reliefgraph.reports.model import ClueSection, Finding, Report
from reliefgraph.reports.picture import draw_png, merged

VERIFY_FIELDS = ("核查人 Inspector", "核查日期 Date", "核查方式 Method（入户/比对/询问）",
                 "核查结论 Conclusion（□属实 □部分属实 □不属实）", "处理意见 Action proposed", "签字 Signature")
HISTORY_COLUMNS = ("时间 at", "操作人 actor", "操作 action", "状态 status", "说明 note")
MEMBER_COLUMNS = ("与户主关系 relation", "姓名 name", "身份证号 citizen ID", "性别 sex", "出生日期 born", "死亡日期 died")
GRANT_COLUMNS = ("救助编号 grant", "类别 programme", "起始 start", "截止 end", "月金额(元) monthly", "人数 persons",
                 "状态 status")
LOAD_COLUMNS = ("部门 agency", "数据项 extract", "文件 file", "导入完成 loaded", "批次 batch")
SUMMARY_COLUMNS = ("类别 category", "人数 people", "记录 records", "依据规则 rules")


@dataclass
class FindingView:
    finding: Finding
    facts: list[tuple[str, ...]]
    sources: list[tuple[str, ...]]


@dataclass
class ClueView:
    clue: ClueSection
    picture: bytes | None
    findings: list[FindingView]

    @property
    def fact_total(self) -> int:
        return sum(fact_count(f.finding.evidence) for f in self.findings)


def clue_views(report: Report) -> list[ClueView]:
    return [ClueView(c, draw_png(merged([f.evidence for f in c.findings])),
                     [FindingView(f, fact_rows(f.evidence), source_rows(f.sources)) for f in c.findings])
            for c in report.clues]


def member_rows(report: Report) -> list[tuple[str, ...]]:
    h = report.household
    return [tuple(_s(m[k]) for k in ("relation", "name", "citizen_id", "sex", "birth_date", "death_date"))
            for m in (h.members if h else [])]


def grant_rows(report: Report) -> list[tuple[str, ...]]:
    h = report.household
    return [tuple(_s(g[k]) for k in ("grant_id", "programme", "start", "end", "monthly_amount", "persons", "status"))
            for g in (h.grants if h else [])]


def household_tables(report: Report) -> list[tuple[str, tuple[str, ...], list[tuple[str, ...]], str]]:
    """(heading, columns, rows, what to say when there are none) for the household's two tables."""
    return [("家庭成员 Household members", MEMBER_COLUMNS, member_rows(report), "无户籍成员记录 no household members on record"),
            ("救助享受情况 Grants", GRANT_COLUMNS, grant_rows(report), "无救助记录 no grants on record")]


def load_rows(report: Report) -> list[tuple[str, ...]]:
    return [(_s(b["agency_zh"]), _s(b["extract_zh"]), _s(b["file"]), shown(b["finished"]),
             _s(b["batch"])) for b in report.loads]


def history_rows(clue: ClueSection) -> list[tuple[str, ...]]:
    from reliefgraph.dashboard.cases import ACTIONS, STATUSES

    return [(shown(h["at"]), _s(h["actor"]), ACTIONS.get(h["action"], (h["action"],))[0],
             f"{STATUSES.get(h['from_status'], (h['from_status'],))[0]} → {STATUSES.get(h['to_status'], (h['to_status'],))[0]}",
             _history_note(h)) for h in (clue.case.history if clue.case else [])]


def _history_note(step: dict) -> str:
    if step.get("conclusion") or step.get("note"):
        return step.get("conclusion") or step["note"]
    if step["action"] in ("assign", "reassign") and step.get("assignee"):
        return f"分派给 assigned to {step['assignee']}"
    return "—"


def summary_rows(scope) -> list[tuple[str, ...]]:
    return [(line.title_zh, str(line.people), "" if line.records is None else str(line.records),
             "、".join(line.rules)) for line in scope.lines]


def subject_pairs(report: Report) -> list[tuple[str, str]]:
    s = report.subject
    if s is None:
        return []
    pairs = [("姓名 name", s.name), ("身份证号 citizen ID", s.citizen_id), ("性别 sex", s.sex),
             ("出生日期 born", s.birth_date), ("死亡日期 died", s.death_date), ("户籍地 registered in", s.region)]
    h = report.household
    if h:
        pairs += [("户号 household", h.household_id), ("住址 address", h.address), ("所在村居 village", h.region)]
    return [(k, _s(v)) for k, v in pairs]


def _s(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)
