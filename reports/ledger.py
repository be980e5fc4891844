"""线索处置台账: one row per order over a period and a unit, with totals.

The rows are read in three queries whatever their number (orders with
their clues, the latest feedback of each, display names), masked for the
reader (a verifier reads in clear the subjects of their own orders), and
laid out as a landscape `OfficialDoc` (DOCX / PDF) or as a spreadsheet by
`reliefgraph.exports` (IDs as text, formulas neutralised).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from reliefgraph.beijing import shown
from reliefgraph.dashboard.audit import day_bounds
from reliefgraph.dashboard.permissions import Viewer, mask_for
from reliefgraph.queries.rules import FAMILIES
from reliefgraph.reports.casedoc import yuan
from reliefgraph.reports.official import Grid, OfficialDoc, Pairs, Para

TITLE = "线索处置台账"
COLUMNS = ("序号", "派单编号", "线索编号", "问题类型", "核查对象", "身份证号", "承办单位", "派单日期", "办理期限",
           "办理状态", "核查结论", "涉及金额（元）", "追回金额（元）", "停保户数", "停保人数", "追责问责人数", "销号日期")
# Millimetres on landscape A4 at 7 pt: order ids, clue ids and IDs fit on one line.
WIDTHS = (8, 29, 24.5, 15, 11, 24.7, 17, 14.8, 14.8, 12, 12, 16, 16, 8, 8, 8, 14.8)
SIZE = 7


class LedgerError(ValueError):
    """The ledger's filter does not hold together; the message says why."""


@dataclass(frozen=True)
class LedgerFilter:
    unit_id: str | None = None           # the receiving (承办) unit; None: every unit
    dispatcher_unit: str | None = None   # the dispatching unit; None: every unit
    date_from: date | None = None        # Beijing calendar days of dispatch, both included
    date_to: date | None = None

    def __post_init__(self):
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise LedgerError(f"起始日期晚于截止日期 --from {self.date_from} is after --to {self.date_to}")

    @property
    def period(self) -> str:
        if not self.date_from and not self.date_to:
            return "不限（全部派单）"
        if not self.date_to:
            return f"{self.date_from.isoformat()} 起（按派单日期，北京时间）"
        first = self.date_from.isoformat() if self.date_from else "最早"
        return f"{first} 至 {self.date_to.isoformat()}（按派单日期，北京时间）"

    @property
    def subject(self) -> str:
        """How the ledger is named in the document register and the audit log."""
        return (f"ledger unit={self.unit_id or '*'} dispatcher={self.dispatcher_unit or '*'} "
                f"from={self.date_from or '*'} to={self.date_to or '*'}")


@dataclass
class LedgerRow:
    order_id: str
    clue_id: str
    family: str
    subject_name: str
    subject_id: str
    unit: str
    dispatched_at: str
    deadline: str
    status: str
    conclusion: str
    amount_involved: Decimal | None
    amount_recovered: Decimal | None
    households_stopped: int | None
    people_stopped: int | None
    accountability_people: int | None
    closed_at: str
    vanished: bool


def rows(engine: Engine, flt: LedgerFilter, viewer: Viewer) -> list[LedgerRow]:
    """The orders in the filter that `viewer` may see, oldest dispatch first, masked for them."""
    from reliefgraph.dashboard.orders import CONCLUSIONS, STATUSES, list_orders, order_feedback

    found = list_orders(engine, unit_id=flt.unit_id, dispatcher_unit=flt.dispatcher_unit, visible_to=viewer)
    since, until = day_bounds(flt.date_from, flt.date_to)
    found = [o for o in found if (not since or o["dispatched_at"] >= since) and (not until or o["dispatched_at"] < until)]
    found.sort(key=lambda o: (o["dispatched_at"], o["order_id"]))
    latest = _latest_feedback(engine, order_feedback)
    out = []
    for o in found:
        fb = latest.get(o["order_id"])
        out.append(LedgerRow(
            order_id=o["order_id"], clue_id=o["clue_id"], family=FAMILIES.get(o["family"], (o["family"],))[0],
            subject_name=o.get("subject_name") or "—",
            subject_id=mask_for(viewer, o["subject_id"], "citizen_id") if o.get("subject_id") else "—",
            unit=o.get("unit_name") or o["unit_id"], dispatched_at=shown(o["dispatched_at"], suffix=False)[:10],
            deadline=o["deadline"], status=STATUSES.get(o["status"], (o["status"],))[0],
            conclusion=CONCLUSIONS.get(fb["conclusion"], (fb["conclusion"],))[0] if fb else "—",
            amount_involved=Decimal(fb["amount_involved_fen"]) / 100 if fb else None,
            amount_recovered=Decimal(fb["amount_recovered_fen"]) / 100 if fb else None,
            households_stopped=fb["households_stopped"] if fb else None,
            people_stopped=fb["people_stopped"] if fb else None,
            accountability_people=fb["accountability_people"] if fb else None,
            closed_at=shown(o.get("closed_at"), suffix=False)[:10] if o.get("closed_at") else "—",
            vanished=bool(o.get("vanished_at"))))
    return out


def _latest_feedback(engine: Engine, table) -> dict[str, dict[str, Any]]:
    newest = (select(table.c.order_id, func.max(table.c.version).label("version"))
              .group_by(table.c.order_id).subquery())
    query = select(table).join(newest, (newest.c.order_id == table.c.order_id) & (newest.c.version == table.c.version))
    with engine.connect() as conn:
        return {r.order_id: dict(r._mapping) for r in conn.execute(query)}


def _n(value) -> str:
    return "—" if value is None else str(value)


def table(found: list[LedgerRow]) -> list[tuple]:
    """The ledger as cells: text for the documents, numbers kept numbers for the spreadsheet."""
    return [(i, r.order_id, r.clue_id, r.family, r.subject_name, r.subject_id, r.unit, r.dispatched_at, r.deadline,
             r.status + ("（线索已消失）" if r.vanished else ""), r.conclusion,
             r.amount_involved, r.amount_recovered, r.households_stopped, r.people_stopped,
             r.accountability_people, r.closed_at) for i, r in enumerate(found, 1)]


@dataclass
class Totals:
    orders: int
    closed: int
    confirmed: int
    amount_involved: Decimal
    amount_recovered: Decimal
    households_stopped: int
    people_stopped: int
    accountability_people: int


def totals(found: list[LedgerRow]) -> Totals:
    return Totals(
        orders=len(found), closed=sum(r.status == "已销号" for r in found),
        confirmed=sum(r.conclusion in ("属实", "部分属实") for r in found),
        amount_involved=sum((r.amount_involved or Decimal(0) for r in found), Decimal(0)),
        amount_recovered=sum((r.amount_recovered or Decimal(0) for r in found), Decimal(0)),
        households_stopped=sum(r.households_stopped or 0 for r in found),
        people_stopped=sum(r.people_stopped or 0 for r in found),
        accountability_people=sum(r.accountability_people or 0 for r in found))


def document(found: list[LedgerRow], flt: LedgerFilter, *, issuer: str, number: str, issued_at: str,
             unit_names: dict[str, str]) -> OfficialDoc:
    t = totals(found)
    od = OfficialDoc(issuer=issuer, number=number, title=TITLE, issued_at=issued_at, landscape=True)
    od.heading("一、台账范围")
    od.add(Pairs([("承办单位", unit_names.get(flt.unit_id, flt.unit_id) if flt.unit_id else "全部单位"),
                  ("派单单位", unit_names.get(flt.dispatcher_unit, flt.dispatcher_unit) if flt.dispatcher_unit
                   else "全部单位"),
                  ("统计期间", flt.period)]))
    od.heading("二、总体情况")
    od.add(Para(f"期间共派单 {t.orders} 件，已销号 {t.closed} 件；核查属实或部分属实 {t.confirmed} 件；"
                f"涉及金额 {yuan(t.amount_involved)} 元，追回金额 {yuan(t.amount_recovered)} 元；"
                f"停保 {t.households_stopped} 户 {t.people_stopped} 人；追责问责 {t.accountability_people} 人。"))
    od.heading("三、线索处置明细")
    cells = [tuple(_cell(v) for v in row) for row in table(found)]
    od.add(Grid(COLUMNS, cells, widths=WIDTHS, size=SIZE,
                totals=("合计", f"{t.orders} 件", "", "", "", "", "", "", "", f"销号 {t.closed}", f"属实 {t.confirmed}",
                        yuan(t.amount_involved), yuan(t.amount_recovered), str(t.households_stopped),
                        str(t.people_stopped), str(t.accountability_people), "")))
    od.add(Para("注：金额取每件最新一次核查反馈；“—”表示尚无反馈。身份证号按阅读者权限脱敏。", note=True))
    return od


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return yuan(value)
    return _n(value)
