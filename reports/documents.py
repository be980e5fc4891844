"""Issue the official documents: the case report of an order and the
线索处置台账, numbered by their issuing unit (`numbering`), masked for their
reader, as DOCX or PDF (the ledger also as a spreadsheet, unnumbered: it is
data, not a document, and its export is audited).

The issuing unit is the reader's own unit; an administrator who belongs to
none names one. Who reads what in clear:

- administrators: everything;
- the verifier the order is assigned to: the household's members' IDs and
  address too, beyond what the dashboard shows them (they have to find the
  household and check who lives there);
- other verifiers: what `clear_values_for` gives them (their own orders);
- dispatchers, reviewers, analysts: masked.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Engine

from reliefgraph.beijing import shown
from reliefgraph.dashboard import audit
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.exports import MIME as TABLE_MIME
from reliefgraph.exports import xlsx_bytes
from reliefgraph.graph.store import GraphStore
from reliefgraph.reports import ledger as ledger_mod
from reliefgraph.reports import numbering
from reliefgraph.reports.casedoc import Trail, case_document
from reliefgraph.reports.masking import for_viewer
from reliefgraph.reports.model import Report
from reliefgraph.reports.official import OfficialDoc
from reliefgraph.reports.official_docx import render_official_docx
from reliefgraph.reports.official_pdf import render_official_pdf

WRITERS = {"docx": render_official_docx, "pdf": render_official_pdf}
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf", "xlsx": TABLE_MIME["xlsx"]}
LEDGER_FORMATS = ("docx", "pdf", "xlsx")


class DocumentError(ValueError):
    """The document cannot be issued; the message says why (Chinese + English)."""


@dataclass
class Document:
    number: str             # 发文字号, or "" for an unnumbered spreadsheet
    data: bytes
    mime: str
    filename: str


def _writer(fmt: str):
    try:
        return WRITERS[fmt]
    except KeyError:
        raise DocumentError(f"未知格式 unknown format {fmt!r}; formats: {', '.join(WRITERS)}") from None


def issuing_unit(engine: Engine, viewer: Viewer, unit_id: str | None = None) -> dict:
    """The unit a document goes out under: the viewer's own, or (administrators only) the one named."""
    from reliefgraph.dashboard.units import get_unit

    if unit_id and viewer.unit_id and unit_id != viewer.unit_id and viewer.role != "admin":
        raise DocumentError(f"只能以本单位名义发文 you may issue documents only in your own unit's name "
                            f"({viewer.unit_id}), not {unit_id}")
    chosen = unit_id or viewer.unit_id
    if not chosen:
        raise DocumentError("账号不属于任何单位，请指定发文单位 the account belongs to no unit: name the issuing unit")
    unit = get_unit(engine, chosen)
    if unit is None:
        raise DocumentError(f"没有该单位 no unit {chosen!r}")
    return unit


def _display_names(engine: Engine) -> dict[str, str]:
    from reliefgraph.dashboard.accounts import users

    with engine.connect() as conn:
        return {r.username: r.display_name for r in conn.execute(select(users.c.username, users.c.display_name))}


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)


def _issue(engine: Engine, viewer: Viewer, unit: dict, kind: str, subject: str, fmt: str, build, subjects,
           detail, now: datetime | None) -> Document:
    writer = _writer(fmt)
    prefix = numbering.prefix_of(engine, unit["unit_id"], default=unit["name"])

    def render(number: str, at: datetime) -> bytes:
        return writer(build(number, shown(at)))

    try:
        issued = numbering.issue(engine, unit_id=unit["unit_id"], prefix=prefix, kind=kind, subject=subject,
                                 fmt=fmt, actor=viewer.username, role=viewer.role, render=render, subjects=subjects,
                                 detail=detail, now=now)
    except numbering.NumberingError as exc:
        raise DocumentError(str(exc)) from None
    name = f"{_safe(issued.number)}-{numbering.KINDS[kind]}.{fmt}"
    return Document(issued.number, issued.data, MIME[fmt], name)


# -- the case report of an order -----------------------------------------------------

def reader_of_order(viewer: Viewer, order: dict, report: Report) -> Viewer:
    """The assigned verifier reads the household in clear; everyone else as the dashboard masks."""
    if viewer.role != "verifier" or order.get("assignee") != viewer.username:
        return viewer
    extra = {report.subject.citizen_id} if report.subject else set()
    if report.household:
        extra |= {m["citizen_id"] for m in report.household.members if m.get("citizen_id")}
        if report.household.address:
            extra.add(report.household.address)
    return replace(viewer, clear_values=viewer.clear_values | frozenset(extra))


def case_report(store: GraphStore, engine: Engine, order_id: str, viewer: Viewer, fmt: str, *,
                unit_id: str | None = None, now: datetime | None = None, pictures: bool = True) -> Document:
    from reliefgraph.dashboard import orders
    from reliefgraph.dashboard.permissions import may_see_order
    from reliefgraph.reports import gather

    _writer(fmt)
    try:
        found = orders.order(engine, order_id)
    except orders.OrderError as exc:
        raise DocumentError(str(exc)) from None
    if not may_see_order(viewer, found):
        raise DocumentError("该派单不属于您的单位 this order belongs to another unit")
    unit = issuing_unit(engine, viewer, unit_id)
    try:
        report = gather.clue_report(store, engine, found["clue_id"], viewer.username, viewer.role)
    except gather.ReportError as exc:
        raise DocumentError(str(exc)) from None
    reader = reader_of_order(viewer, found, report)
    shown_report = for_viewer(report, reader)
    trail = Trail(found, orders.events_of(engine, order_id), orders.feedback_of(engine, order_id),
                  orders.attachments_of(engine, order_id), _display_names(engine))

    def build(number: str, at: str) -> OfficialDoc:
        return case_document(shown_report, trail, reader, issuer=unit["name"], number=number, issued_at=at,
                             pictures=pictures)

    return _issue(engine, viewer, unit, "case_report", order_id, fmt, build,
                  [f"Order:{order_id}", f"Clue:{found['clue_id']}"], {"order": order_id}, now)


# -- the ledger ----------------------------------------------------------------------

def ledger(engine: Engine, flt: ledger_mod.LedgerFilter, viewer: Viewer, fmt: str, *,
           unit_id: str | None = None, now: datetime | None = None) -> Document:
    from reliefgraph.dashboard.units import unit_names

    if fmt not in LEDGER_FORMATS:
        raise DocumentError(f"未知格式 unknown format {fmt!r}; formats: {', '.join(LEDGER_FORMATS)}")
    names = unit_names(engine)
    for wanted in (flt.unit_id, flt.dispatcher_unit):
        if wanted and wanted not in names:
            raise DocumentError(f"没有该单位 no unit {wanted!r}")
    found = ledger_mod.rows(engine, flt, viewer)
    detail = {"filter": flt.subject, "rows": len(found)}
    if fmt == "xlsx":
        data = xlsx_bytes(ledger_mod.COLUMNS, [tuple(float(v) if isinstance(v, Decimal) else v for v in row)
                                               for row in ledger_mod.table(found)], sheet=ledger_mod.TITLE)
        audit.record(engine, viewer.username, "export", [flt.subject], {"format": fmt, "what": "ledger", **detail},
                     viewer.role)
        return Document("", data, MIME[fmt], f"{ledger_mod.TITLE}.xlsx")
    unit = issuing_unit(engine, viewer, unit_id)

    def build(number: str, at: str) -> OfficialDoc:
        return ledger_mod.document(found, flt, issuer=unit["name"], number=number, issued_at=at, unit_names=names)

    return _issue(engine, viewer, unit, "ledger", flt.subject, fmt, build, [flt.subject], detail, now)
