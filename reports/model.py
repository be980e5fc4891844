"""What a report says, independent of its format.

`gather` fills these from the graph and the application database, in clear;
`masking.for_viewer` returns a masked copy; the HTML, PDF and DOCX writers
only lay them out. Keeping the content in one place is what lets the three
formats say the same thing, and the tests compare them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reliefgraph.beijing import shown

ROLE_NAMES = {"admin": "管理员 admin", "dispatcher": "派单员 dispatcher", "verifier": "核查员 verifier",
              "reviewer": "审核员 reviewer", "analyst": "分析人员 analyst"}
SEVERITY_NAMES = {"high": "高", "medium": "中", "low": "低"}
CONFIDENTIAL = ("内部资料 注意保密 — 本报告所列为核查线索，不是处理结论；仅供核查使用，不得擅自扩散。"
                "Confidential: these are leads for verification, not findings of fact.")


@dataclass
class Finding:
    rule_id: str
    title_zh: str
    title_en: str
    severity: str
    narrative: str
    legal_basis: str
    evidence_note: str                  # what the evidence path shows, from the rule header
    look_alikes: list[str]              # known lawful look-alikes, for the inspector to rule out
    evidence: dict[str, Any]            # nodes and relationships by natural key (queries/evidence.py)
    sources: list[dict[str, Any]]       # agency records behind the evidence

    @property
    def severity_zh(self) -> str:
        return SEVERITY_NAMES.get(self.severity, self.severity)


@dataclass
class CaseRecord:
    status: str
    status_zh: str
    assignee: str | None
    conclusion: str | None
    notes: str | None
    concluded: str | None
    history: list[dict[str, Any]]

    @property
    def concluded_shown(self) -> str:
        return shown(self.concluded)


@dataclass
class ClueSection:
    clue_id: str
    family: str
    family_zh: str
    score: float
    severity: str
    status_zh: str
    active: bool
    first_seen: str
    subject_id: str
    subject_name: str | None
    findings: list[Finding]
    case: CaseRecord | None             # None: the verification section is left blank

    @property
    def severity_zh(self) -> str:
        return SEVERITY_NAMES.get(self.severity, self.severity)

    @property
    def first_seen_date(self) -> str:
        """The Beijing date of the first detection (stored as UTC)."""
        return shown(self.first_seen, suffix=False)[:10]


@dataclass
class Subject:
    citizen_id: str
    name: str | None
    sex: str | None
    birth_date: str | None
    death_date: str | None
    region: str | None


@dataclass
class Household:
    household_id: str
    address: str | None
    region: str | None
    members: list[dict[str, Any]]       # citizen_id, name, relation (zh), sex, birth_date, death_date
    grants: list[dict[str, Any]]        # grant_id, programme (zh), start, end, monthly_amount, persons, status


@dataclass
class SummaryLine:
    category: str
    title_zh: str
    people: int
    records: int | None
    rules: list[str]                    # titles of the detection rules with the same logic


@dataclass
class SummaryScope:
    code: str                           # "county" or a town code
    name: str
    lines: list[SummaryLine]


@dataclass
class Report:
    kind: str                           # clue | person | summary
    title: str
    generated_at: str
    generated_by: str
    role: str
    loads: list[dict[str, Any]]         # the LoadBatch nodes the data comes from
    number: str = "（未编号 draft）"
    confidentiality: str = CONFIDENTIAL
    subject: Subject | None = None
    household: Household | None = None
    clues: list[ClueSection] = field(default_factory=list)
    summary: list[SummaryScope] = field(default_factory=list)
    summary_note: str = ""
    # Who ran the command on the machine, beside the account name given: a
    # report issued from the command line names both.
    os_user: str = ""

    @property
    def generated_by_shown(self) -> str:
        role = ROLE_NAMES.get(self.role, self.role)
        os_note = f"；系统用户 OS user {self.os_user}" if self.os_user and self.os_user != self.generated_by else ""
        return f"{self.generated_by}（{role}{os_note}）"

    @property
    def data_as_of(self) -> str:
        finished = [b["finished"] for b in self.loads if b.get("finished")]
        return shown(max(finished)) if finished else "—"

    def findings(self) -> list[Finding]:
        return [f for c in self.clues for f in c.findings]
