"""Issue a report: gather it, number it by its audit entry, mask it for the
reader's role and render it in the asked format.

The audit entry is written before the file exists and its sequence number
is the report number, so every report in circulation can be traced to who
generated it, when, about whom and for which role.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from reliefgraph.dashboard import audit
from reliefgraph.dashboard.cases import clear_values_for
from reliefgraph.dashboard.permissions import ROLES, Viewer
from reliefgraph.graph.store import GraphStore
from reliefgraph.reports import gather
from reliefgraph.reports.docx_report import render_docx
from reliefgraph.reports.html_report import render_html
from reliefgraph.reports.masking import for_viewer
from reliefgraph.reports.model import Report
from reliefgraph.reports.pdf_report import render_pdf

FORMATS = {
    "html": (render_html, "text/html"),
    "pdf": (render_pdf, "application/pdf"),
    "docx": (render_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


@dataclass(frozen=True)
class Target:
    """What a report is about: one clue, one person, or the (town's) summary."""
    clue: str | None = None
    person: str | None = None
    summary: bool = False
    town: str | None = None
    programmes: tuple[str, ...] = ()
    as_of: str | None = None

    def __post_init__(self):
        if sum([bool(self.clue), bool(self.person), self.summary]) != 1:
            raise ValueError("请指定 --clue、--person 或 --summary 之一 give exactly one of --clue, --person, --summary")

    @property
    def subjects(self) -> list[str]:
        if self.clue:
            return [f"Clue:{self.clue}"]
        if self.person:
            return [f"Person:{self.person}"]
        return [f"Summary:{self.town or 'county'}"]

    @property
    def slug(self) -> str:
        return self.clue or ("person" if self.person else f"summary-{self.town or 'county'}")


@dataclass
class Issued:
    number: str
    data: bytes
    mime: str
    filename: str
    report: Report          # as rendered, i.e. masked for the viewer


def viewer_for(engine: Engine, user: str, role: str, store: GraphStore | None = None) -> Viewer:
    """The dashboard's masking rule for `role`: verifiers read in clear only their own orders'
    households (their members' IDs come from the graph, hence `store`)."""
    if role not in ROLES:
        raise ValueError(f"未知角色 unknown role {role!r}; roles: {', '.join(ROLES)}")
    return Viewer(user, role, clear_values_for(engine, user, store) if role == "verifier" else frozenset())


def build(store: GraphStore, engine: Engine, target: Target, user: str, role: str) -> Report:
    if target.clue:
        return gather.clue_report(store, engine, target.clue, user, role)
    if target.person:
        return gather.person_report(store, engine, target.person, user, role)
    return gather.summary_report(store, engine, user, role, target.town, list(target.programmes) or None,
                                 target.as_of)


def render(report: Report, fmt: str) -> bytes:
    try:
        writer, _ = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"未知格式 unknown format {fmt!r}; formats: {', '.join(FORMATS)}") from None
    return writer(report)


def legacy_number(at: str, seq: int) -> str:
    """`RG-<Beijing date>-<audit seq>`: the number of a report issued outside
    a unit's document series. The date is the Beijing calendar day of the
    audit entry (stored in UTC): a report issued at 07:30 Beijing time is
    dated that day, not the day before."""
    day = datetime.fromisoformat(at).astimezone(audit.BEIJING)
    return f"RG-{day:%Y%m%d}-{seq:06d}"


def issue(store: GraphStore, engine: Engine, target: Target, fmt: str, user: str,
          viewer: Viewer | None = None, os_user: str | None = None) -> Issued:
    """Gather, audit, mask and render one report. `viewer` defaults to the
    dashboard's rule for an analyst (everything masked). `os_user`, given by
    the command line, is recorded in the audit entry and printed beside the
    account name."""
    if fmt not in FORMATS:
        raise ValueError(f"未知格式 unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    viewer = viewer or Viewer(user, "analyst")
    report = build(store, engine, target, user, viewer.role)
    report.os_user = os_user or ""
    detail = {"format": fmt, "kind": report.kind, "role": viewer.role, "town": target.town}
    if os_user:
        detail["os_user"] = os_user
    entry = audit.record(engine, user, "report", target.subjects, detail, viewer.role)
    report.number = legacy_number(entry.at, entry.seq)
    shown = for_viewer(report, viewer)
    return Issued(report.number, render(shown, fmt), FORMATS[fmt][1], f"{report.number}-{target.slug}.{fmt}", shown)
