"""Orders (订单式派单): a clue dispatched to a unit, verified, reviewed and closed.

    dispatched 已派单 ──claim / assign──▶ claimed 核查中 ──submit──▶ submitted 待审核 ──approve──▶ closed 已销号
                                                                   ▲      │
                                                   submit again ───┘      │ return (reason)
                                              returned 已退回 ◀───────────┘
                                              (assign: another verifier of the unit; stays returned)

A returned order does not pass through claimed again: it never left its
verifier (the assignee is kept), so there is nothing to claim, and 已退回
is what the town's list must say — redo this, the reviewer's reason on
top — until the verifier resubmits. Meanwhile it is the town's work again
(`OPEN`): its deadline counts, it shows as overdue or due soon. Nobody
else claims it; the unit's dispatcher may hand it to another verifier.

派单 → 核查 → 反馈 → 审核 → 销号: a dispatcher sends clues in bulk to a unit
with a deadline (by default from the clue's severity, `DEADLINE_DAYS` in
queries/rules.py); a verifier of that unit claims an order, or a dispatcher
assigns it; the verifier submits structured feedback (`Feedback`) with
attachments; a reviewer of the dispatching unit — never the verifier —
approves it (销号) or returns it with a reason; every feedback version is
kept. Who may take which step is decided in permissions.py
(`order_refusal`); this module refuses with that message.

Each step writes its event row and its audit entry in one transaction, and
moves the status only from the status it read, so two people acting at
once cannot both win. One clue has at most one order: detection re-runs
keep it (the clue id is stable); a clue no rule finds any more is marked
vanished on its open order (`mark_vanished`, called by detection).
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import (Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint, or_, select,
                        update)
from sqlalchemy.engine import Connection, Engine

from reliefgraph.appdb import metadata
from reliefgraph.beijing import BEIJING
from reliefgraph.dashboard import attachments as files
from reliefgraph.dashboard import audit
from reliefgraph.dashboard.accounts import users
from reliefgraph.dashboard.permissions import (ORDER_STATUSES, Viewer, dispatch_refusal, may_see_order,
                                               order_refusal)
from reliefgraph.dashboard.units import units
from reliefgraph.queries.clues import clues
from reliefgraph.queries.rules import DEADLINE_DAYS

STATUSES = ORDER_STATUSES
OPEN = ("dispatched", "claimed", "returned")        # the receiving unit owes work: deadlines apply
CONCLUSIONS = {"true": ("属实", "True"), "partly": ("部分属实", "Partly true"), "false": ("不属实", "Not true")}
CONFIRMED = ("true", "partly")                      # the clue was right: counts for the rule's precision
EVENTS = {
    "dispatch": ("派单", "Dispatch"), "claim": ("认领", "Claim"), "assign": ("指派", "Assign"),
    "submit": ("提交反馈", "Submit feedback"), "approve": ("审核通过销号", "Approve and close"),
    "return": ("退回", "Return"), "vanished": ("线索已消失", "Clue vanished"),
    "reappeared": ("线索重新出现", "Clue found again"), "migrated": ("迁移自旧案件", "Migrated from a case"),
}
_CHUNK = 500

orders = Table(
    "orders", metadata,
    Column("order_id", String, primary_key=True),
    # One order per clue: a re-run of detection finds it again, never a second one.
    Column("clue_id", String, ForeignKey("clues.clue_id"), nullable=False, unique=True),
    Column("unit_id", String, ForeignKey("units.unit_id"), nullable=False, index=True),
    Column("dispatcher_unit", String, ForeignKey("units.unit_id"), nullable=False, index=True),
    Column("dispatched_by", String, nullable=False),
    Column("dispatched_at", String, nullable=False),
    Column("deadline", String, nullable=False),      # Beijing calendar date, YYYY-MM-DD, last day allowed
    Column("status", String, nullable=False, index=True),
    Column("assignee", String, index=True),
    Column("claimed_at", String),
    Column("submitted_at", String),
    Column("closed_at", String),
    Column("closed_by", String),
    Column("vanished_at", String),                   # detection no longer finds the clue
    Column("updated", String, nullable=False),
)

order_events = Table(
    "order_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String, ForeignKey("orders.order_id"), nullable=False, index=True),
    Column("at", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("role", String),
    Column("action", String, nullable=False),
    Column("from_status", String),
    Column("to_status", String, nullable=False),
    Column("assignee", String),
    Column("note", Text),
)

# Amounts are kept in fen (integers): exact on every database, summed without rounding.
order_feedback = Table(
    "order_feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String, ForeignKey("orders.order_id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("submitted_by", String, nullable=False),
    Column("submitted_at", String, nullable=False),
    Column("conclusion", String, nullable=False),
    Column("facts", Text, nullable=False),
    Column("amount_involved_fen", Integer, nullable=False),
    Column("amount_recovered_fen", Integer, nullable=False),
    Column("households_stopped", Integer, nullable=False),
    Column("people_stopped", Integer, nullable=False),
    Column("rectification", Text),
    Column("accountability_people", Integer, nullable=False),
    Column("accountability_kind", String),
    Column("review", String),                        # approved | returned | None (not reviewed yet)
    Column("reviewed_by", String),
    Column("reviewed_at", String),
    Column("review_reason", Text),
    UniqueConstraint("order_id", "version", name="uq_feedback_version"),
)

order_attachments = Table(
    "order_attachments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String, ForeignKey("orders.order_id"), nullable=False, index=True),
    Column("feedback_version", Integer),
    Column("sha256", String(64), nullable=False),
    Column("original_name", String, nullable=False),
    Column("size", Integer, nullable=False),
    Column("mime", String, nullable=False),
    Column("uploaded_by", String, nullable=False),
    Column("uploaded_at", String, nullable=False),
)


class OrderError(ValueError):
    """An order step was refused; the message says why, for the user (Chinese + English)."""


class FeedbackError(OrderError):
    """The feedback form does not hold together; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Feedback:
    """What the verifying unit found (核查反馈), as the form collects it."""
    conclusion: str                       # true 属实 | partly 部分属实 | false 不属实
    facts: str                            # 核查情况 what was found
    amount_involved: Decimal = Decimal("0")   # 涉及金额（元）
    amount_recovered: Decimal = Decimal("0")  # 追回金额（元）
    households_stopped: int = 0           # 停保户数
    people_stopped: int = 0               # 停保人数
    rectification: str = ""               # 整改措施
    accountability_people: int = 0        # 追责问责人数
    accountability_kind: str = ""         # 处理方式 (诫勉谈话, 党纪处分 …)

    def problems(self) -> list[str]:
        found = []
        if self.conclusion not in CONCLUSIONS:
            found.append("请选择核查结论（属实 / 部分属实 / 不属实） choose a conclusion: true, partly or false")
        if not (self.facts or "").strip():
            found.append("请填写核查情况 describe what the verification found")
        amounts = {}
        for field, zh in (("amount_involved", "涉及金额"), ("amount_recovered", "追回金额")):
            try:
                value = as_yuan(getattr(self, field))
            except OrderError as exc:
                found.append(f"{zh}：{exc}")
                continue
            if value < 0:
                found.append(f"{zh}不能为负数 {field.replace('_', ' ')} cannot be negative")
            amounts[field] = value
        if len(amounts) == 2 and amounts["amount_recovered"] > amounts["amount_involved"]:
            found.append("追回金额不能大于涉及金额 the amount recovered cannot exceed the amount involved")
        for field, zh in (("households_stopped", "停保户数"), ("people_stopped", "停保人数"),
                          ("accountability_people", "追责问责人数")):
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                found.append(f"{zh}须为非负整数 {field.replace('_', ' ')} must be a whole number ≥ 0")
        if (isinstance(self.households_stopped, int) and isinstance(self.people_stopped, int)
                and self.people_stopped < self.households_stopped):
            found.append("停保人数不能少于停保户数 people stopped cannot be fewer than households stopped")
        if isinstance(self.accountability_people, int) and self.accountability_people > 0 \
                and not (self.accountability_kind or "").strip():
            found.append("有追责问责人员时须填写处理方式 give the kind of accountability for the people handled")
        if self.conclusion == "false" and (amounts.get("amount_recovered") or 0) > 0:
            found.append("结论为不属实时不应有追回金额 a clue found not true has no amount recovered")
        return found


def as_yuan(value) -> Decimal:
    """An amount in yuan as typed (text, number or Decimal), to the fen."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", "") or "0")
    except InvalidOperation:
        raise OrderError(f"金额格式不正确 not an amount in yuan: {value!r}") from None
    if not amount.is_finite():
        raise OrderError(f"金额格式不正确 not an amount in yuan: {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise OrderError(f"金额最多两位小数（分） amounts are to the fen, at most two decimals: {value!r}")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _fen(yuan: Decimal) -> int:
    return int(as_yuan(yuan) * 100)


def _yuan(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / 100).quantize(Decimal("0.01"))


def _now(now: datetime | None = None) -> datetime:
    return now or datetime.now(timezone.utc)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def beijing_today(now: datetime | None = None) -> date:
    return _now(now).astimezone(BEIJING).date()


def default_deadline(severity: str, now: datetime | None = None) -> date:
    return beijing_today(now) + timedelta(days=DEADLINE_DAYS.get(severity, DEADLINE_DAYS["low"]))


def _new_order_id(now: datetime) -> str:
    return f"PD{now.astimezone(BEIJING):%Y%m%d}-{secrets.token_hex(4)}"


def _event(conn: Connection, order_id: str, viewer: Viewer | None, action: str, from_status: str | None,
           to_status: str, assignee: str | None, now: str, note: str | None = None, actor: str | None = None) -> None:
    conn.execute(order_events.insert().values(
        order_id=order_id, at=now, actor=actor or viewer.username, role=viewer.role if viewer else None,
        action=action, from_status=from_status, to_status=to_status, assignee=assignee, note=note))


# ---------------------------------------------------------------- dispatch

def dispatch(engine: Engine, viewer: Viewer, clue_ids: Iterable[str], unit_id: str, *,
             deadline: date | None = None, now: datetime | None = None) -> list[str]:
    """Dispatch clues to `unit_id`, one order each; their order ids, in the clues' order.

    All or nothing: an unknown clue, a clue no longer found, or one already
    dispatched refuses the whole batch, naming them."""
    refusal = dispatch_refusal(viewer)
    if refusal:
        raise OrderError(refusal)
    wanted = list(dict.fromkeys(c for c in clue_ids if c))
    if not wanted:
        raise OrderError("请先选择要派出的线索 choose the clues to dispatch first")
    if deadline is not None and deadline < beijing_today(now):
        raise OrderError(f"办理期限 {deadline} 早于今天 the deadline {deadline} is in the past")
    return audit.with_retry(engine, lambda conn: _dispatch(conn, viewer, wanted, unit_id, deadline, _now(now)))


def _dispatch(conn: Connection, viewer: Viewer, wanted: list[str], unit_id: str, deadline: date | None,
              now: datetime) -> list[str]:
    unit = conn.execute(select(units.c.unit_id, units.c.name).where(units.c.unit_id == unit_id)).first()
    if unit is None:
        raise OrderError(f"没有该承办单位 no unit {unit_id!r}")
    found, taken = {}, {}
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start:start + _CHUNK]
        found.update({r.clue_id: r for r in conn.execute(
            select(clues.c.clue_id, clues.c.severity, clues.c.active).where(clues.c.clue_id.in_(part)))})
        taken.update({r.clue_id: r.order_id for r in conn.execute(
            select(orders.c.clue_id, orders.c.order_id).where(orders.c.clue_id.in_(part)))})
    problems = []
    unknown = [c for c in wanted if c not in found]
    if unknown:
        problems.append(f"没有这些线索 no such clues: {_few(unknown)}")
    gone = [c for c in wanted if c in found and not found[c].active]
    if gone:
        problems.append(f"这些线索已不再成立 these clues are no longer found: {_few(gone)}")
    if taken:
        problems.append(f"这些线索已派单 these clues were dispatched already: "
                        f"{_few([f'{c} → {taken[c]}' for c in wanted if c in taken])}")
    if problems:
        raise OrderError("；".join(problems) + "（本批均未派出 nothing in this batch was dispatched）")
    at = _iso(now)
    rows, events = [], []
    for cid in wanted:
        oid = _new_order_id(now)
        due = deadline or default_deadline(found[cid].severity, now)
        rows.append({"order_id": oid, "clue_id": cid, "unit_id": unit_id, "dispatcher_unit": viewer.unit_id,
                     "dispatched_by": viewer.username, "dispatched_at": at, "deadline": due.isoformat(),
                     "status": "dispatched", "updated": at})
        events.append({"order_id": oid, "at": at, "actor": viewer.username, "role": viewer.role,
                       "action": "dispatch", "from_status": None, "to_status": "dispatched", "assignee": None,
                       "note": f"{unit.name}，期限 {due.isoformat()}"})
    for start in range(0, len(rows), _CHUNK):
        conn.execute(orders.insert(), rows[start:start + _CHUNK])
        conn.execute(order_events.insert(), events[start:start + _CHUNK])
    audit.append(conn, viewer.username, "order_dispatch", [f"Order:{r['order_id']}" for r in rows],
                 {"to": unit_id, "rows": len(rows), "clues": wanted,
                  "deadline": deadline.isoformat() if deadline else "by severity"}, viewer.role, now=now)
    return [r["order_id"] for r in rows]


def _few(items: list[str], n: int = 5) -> str:
    return "、".join(items[:n]) + (f" 等 {len(items)} 条 ({len(items)} in all)" if len(items) > n else "")


# ---------------------------------------------------------------- the steps

def _load(conn: Connection, order_id: str) -> dict:
    row = conn.execute(select(orders, clues.c.subject_id).join(clues, clues.c.clue_id == orders.c.clue_id)
                       .where(orders.c.order_id == order_id)).first()
    if row is None:
        raise OrderError(f"没有该派单 no order {order_id!r}")
    found = dict(row._mapping)
    latest = _latest_feedback(conn, order_id)
    found["submitted_by"] = latest.submitted_by if latest else None
    return found


def _latest_feedback(conn: Connection, order_id: str):
    return conn.execute(select(order_feedback).where(order_feedback.c.order_id == order_id)
                        .order_by(order_feedback.c.version.desc()).limit(1)).first()


def _refuse_unless(viewer: Viewer, action: str, found: dict) -> None:
    refusal = order_refusal(viewer, action, found)
    if refusal:
        raise OrderError(refusal)


def _move(conn: Connection, found: dict, to_status: str, **values) -> None:
    res = conn.execute(update(orders).where(orders.c.order_id == found["order_id"],
                                            orders.c.status == found["status"])
                       .values(status=to_status, **values))
    if res.rowcount != 1:
        raise OrderError("派单已被他人更新，请刷新后重试 the order was changed meanwhile; reload and retry")


def _audit(conn: Connection, viewer: Viewer, action: str, found: dict, detail: dict, now: datetime) -> None:
    audit.append(conn, viewer.username, action,
                 [f"Order:{found['order_id']}", f"Clue:{found['clue_id']}", f"Person:{found['subject_id']}"],
                 detail, viewer.role, now=now)


def claim(engine: Engine, viewer: Viewer, order_id: str, now: datetime | None = None) -> None:
    """A verifier of the receiving unit takes the order on."""
    def work(conn: Connection) -> None:
        found = _load(conn, order_id)
        _refuse_unless(viewer, "claim", found)
        at = _now(now)
        _move(conn, found, "claimed", assignee=viewer.username, claimed_at=_iso(at), updated=_iso(at))
        _event(conn, order_id, viewer, "claim", found["status"], "claimed", viewer.username, _iso(at))
        _audit(conn, viewer, "order_claim", found, {"from": found["status"], "to": "claimed"}, at)
    audit.with_retry(engine, work)


def assign(engine: Engine, viewer: Viewer, order_id: str, username: str, now: datetime | None = None) -> None:
    """A dispatcher (of the dispatching unit, or the receiving unit's own) gives
    the order to one of the receiving unit's active verifiers."""
    def work(conn: Connection) -> None:
        found = _load(conn, order_id)
        _refuse_unless(viewer, "assign", found)
        target = conn.execute(select(users.c.role, users.c.active, users.c.unit_id)
                              .where(users.c.username == (username or ""))).first()
        if target is None or not target.active or target.role != "verifier" or target.unit_id != found["unit_id"]:
            raise OrderError(f"只能指派给承办单位在用的核查员 an order goes to an active verifier of its unit "
                             f"({found['unit_id']}); {username!r} is not one")
        if username == found["assignee"]:
            raise OrderError(f"派单已由 {username} 承办 the order is already assigned to {username}")
        at = _now(now)
        to_status = "claimed" if found["status"] == "dispatched" else found["status"]
        values = {"assignee": username, "updated": _iso(at)}
        if found["status"] == "dispatched":
            values["claimed_at"] = _iso(at)
        _move(conn, found, to_status, **values)
        _event(conn, order_id, viewer, "assign", found["status"], to_status, username, _iso(at))
        _audit(conn, viewer, "order_assign", found, {"assignee": username, "from": found["status"],
                                                     "to": to_status}, at)
    audit.with_retry(engine, work)


def submit_feedback(engine: Engine, viewer: Viewer, order_id: str, feedback: Feedback,
                    attachments: Iterable[tuple[str, bytes]] = (), now: datetime | None = None) -> int:
    """The assigned verifier sends what they found, with files; the feedback's version number.

    Every attachment is checked before anything is written: one bad file
    refuses the whole submission."""
    problems = feedback.problems()
    if problems:
        raise FeedbackError(problems)
    checked = [files.check(name, data) for name, data in attachments]

    def work(conn: Connection) -> int:
        found = _load(conn, order_id)
        _refuse_unless(viewer, "submit", found)
        for item in checked:
            files.keep(item)
        at = _now(now)
        latest = _latest_feedback(conn, order_id)
        version = (latest.version + 1) if latest else 1
        conn.execute(order_feedback.insert().values(
            order_id=order_id, version=version, submitted_by=viewer.username, submitted_at=_iso(at),
            conclusion=feedback.conclusion, facts=feedback.facts.strip(),
            amount_involved_fen=_fen(feedback.amount_involved), amount_recovered_fen=_fen(feedback.amount_recovered),
            households_stopped=feedback.households_stopped, people_stopped=feedback.people_stopped,
            rectification=(feedback.rectification or "").strip() or None,
            accountability_people=feedback.accountability_people,
            accountability_kind=(feedback.accountability_kind or "").strip() or None))
        for item in checked:
            conn.execute(order_attachments.insert().values(
                order_id=order_id, feedback_version=version, sha256=item.sha256, original_name=item.name,
                size=item.size, mime=item.mime, uploaded_by=viewer.username, uploaded_at=_iso(at)))
        _move(conn, found, "submitted", submitted_at=_iso(at), updated=_iso(at))
        _event(conn, order_id, viewer, "submit", found["status"], "submitted", found["assignee"], _iso(at),
               note=f"第 {version} 版 version {version}")
        _audit(conn, viewer, "order_feedback", found,
               {"version": version, "conclusion": feedback.conclusion,
                "attachments": [f"{c.name} ({c.sha256[:12]})" for c in checked]}, at)
        return version
    return audit.with_retry(engine, work)


def review(engine: Engine, viewer: Viewer, order_id: str, *, approve: bool, reason: str = "",
           now: datetime | None = None) -> str:
    """A reviewer of the dispatching unit closes the order (销号) or returns it
    with a reason; the new status."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise OrderError("退回须写明理由 a return needs a reason")

    def work(conn: Connection) -> str:
        found = _load(conn, order_id)
        _refuse_unless(viewer, "review", found)
        at = _now(now)
        latest = _latest_feedback(conn, order_id)
        to_status = "closed" if approve else "returned"
        conn.execute(update(order_feedback).where(order_feedback.c.id == latest.id).values(
            review="approved" if approve else "returned", reviewed_by=viewer.username, reviewed_at=_iso(at),
            review_reason=reason or None))
        values = {"updated": _iso(at)}
        if approve:
            values.update(closed_at=_iso(at), closed_by=viewer.username)
        _move(conn, found, to_status, **values)
        _event(conn, order_id, viewer, "approve" if approve else "return", found["status"], to_status,
               found["assignee"], _iso(at), note=reason or None)
        _audit(conn, viewer, "order_review", found,
               {"action": "approve" if approve else "return", "version": latest.version, "reason": reason,
                "to": to_status}, at)
        return to_status
    return audit.with_retry(engine, work)


# ---------------------------------------------------------------- reading

def _order_query():
    unit = units.alias("receiving")
    sender = units.alias("sending")
    return (select(orders, unit.c.name.label("unit_name"), sender.c.name.label("dispatcher_unit_name"),
                   clues.c.family, clues.c.subject_id, clues.c.subject_name, clues.c.household_id,
                   clues.c.region_code, clues.c.score, clues.c.severity, clues.c.rule_ids, clues.c.summary,
                   clues.c.active.label("clue_active"))
            .select_from(orders.join(clues, clues.c.clue_id == orders.c.clue_id)
                         .join(unit, unit.c.unit_id == orders.c.unit_id)
                         .join(sender, sender.c.unit_id == orders.c.dispatcher_unit)))


def order(engine: Engine, order_id: str) -> dict:
    """The order with its clue, its units' names and who sent its latest feedback."""
    with engine.connect() as conn:
        row = conn.execute(_order_query().where(orders.c.order_id == order_id)).first()
        if row is None:
            raise OrderError(f"没有该派单 no order {order_id!r}")
        found = dict(row._mapping)
        latest = _latest_feedback(conn, order_id)
    found["submitted_by"] = latest.submitted_by if latest else None
    found["conclusion"] = latest.conclusion if latest else None
    return found


def list_orders(engine: Engine, *, unit_id: str | None = None, dispatcher_unit: str | None = None,
                statuses: Iterable[str] | None = None, assignee: str | None = None, family: str | None = None,
                clue_ids: Iterable[str] | None = None, visible_to: Viewer | None = None) -> list[dict]:
    """Orders, nearest deadline first. `visible_to` keeps those the viewer's unit may see."""
    query = _order_query().order_by(orders.c.deadline, orders.c.order_id)
    if unit_id:
        query = query.where(orders.c.unit_id == unit_id)
    if dispatcher_unit:
        query = query.where(orders.c.dispatcher_unit == dispatcher_unit)
    if statuses:
        query = query.where(orders.c.status.in_(list(statuses)))
    if assignee:
        query = query.where(orders.c.assignee == assignee)
    if family:
        query = query.where(clues.c.family == family)
    if clue_ids is not None:
        query = query.where(orders.c.clue_id.in_(list(clue_ids)))
    if visible_to is not None and visible_to.role != "admin":
        if not visible_to.unit_id:      # an account in no unit sees no orders
            return []
        mine = visible_to.unit_id
        query = query.where(or_(orders.c.unit_id == mine, orders.c.dispatcher_unit == mine))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def orders_of_unit(engine: Engine, unit_id: str, statuses: Iterable[str] | None = None) -> list[dict]:
    """The orders a unit was sent (its work list)."""
    return list_orders(engine, unit_id=unit_id, statuses=statuses)


def dispatched_clue_ids(engine: Engine) -> set[str]:
    """Clues that have an order: the dispatch page leaves them out of its selection."""
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(select(orders.c.clue_id))}


def events_of(engine: Engine, order_id: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(order_events).where(order_events.c.order_id == order_id).order_by(order_events.c.id))]


def feedback_of(engine: Engine, order_id: str) -> list[dict]:
    """Every feedback version, oldest first, amounts in yuan (Decimal)."""
    with engine.connect() as conn:
        rows = conn.execute(select(order_feedback).where(order_feedback.c.order_id == order_id)
                            .order_by(order_feedback.c.version)).all()
    out = []
    for r in rows:
        row = dict(r._mapping)
        row["amount_involved"] = _yuan(row.pop("amount_involved_fen"))
        row["amount_recovered"] = _yuan(row.pop("amount_recovered_fen"))
        out.append(row)
    return out


def attachments_of(engine: Engine, order_id: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(order_attachments).where(order_attachments.c.order_id == order_id)
            .order_by(order_attachments.c.id))]


def read_attachment(engine: Engine, viewer: Viewer, attachment_id: int) -> tuple[dict, bytes]:
    """An attachment's record and bytes for download, if the viewer may see its
    order; the reading is audited."""
    with engine.connect() as conn:
        row = conn.execute(select(order_attachments).where(order_attachments.c.id == attachment_id)).first()
        if row is None:
            raise OrderError(f"没有该附件 no attachment {attachment_id}")
        found = _load(conn, row.order_id)
    if not may_see_order(viewer, found):
        raise OrderError("该附件属于其他单位的派单 this attachment belongs to another unit's order")
    data = files.read(row.sha256)
    audit.record(engine, viewer.username, "attachment_read",
                 [f"Order:{row.order_id}", f"Attachment:{row.sha256}"], {"what": row.original_name}, viewer.role)
    return dict(row._mapping), data


# ---------------------------------------------------------------- deadlines

def _open_orders(engine: Engine, unit_id: str | None):
    return list_orders(engine, unit_id=unit_id, statuses=OPEN)


def overdue(engine: Engine, unit_id: str | None = None, now: datetime | None = None) -> list[dict]:
    """Orders the receiving unit still owes past their deadline (a Beijing
    calendar day), most overdue first, with `days_overdue`. An order awaiting
    review is not the unit's to finish, so it is not overdue."""
    today = beijing_today(now)
    found = []
    for row in _open_orders(engine, unit_id):
        late = (today - date.fromisoformat(row["deadline"])).days
        if late > 0:
            found.append({**row, "days_overdue": late})
    return sorted(found, key=lambda r: (-r["days_overdue"], r["order_id"]))


def due_soon(engine: Engine, unit_id: str | None = None, now: datetime | None = None, days: int = 2) -> list[dict]:
    """Open orders whose deadline is today or within `days` days, with `days_left`."""
    today = beijing_today(now)
    found = []
    for row in _open_orders(engine, unit_id):
        left = (date.fromisoformat(row["deadline"]) - today).days
        if 0 <= left <= days:
            found.append({**row, "days_left": left})
    return sorted(found, key=lambda r: (r["days_left"], r["order_id"]))


# ---------------------------------------------------------------- statistics

def _closed_with_feedback(conn: Connection) -> dict[str, dict]:
    """The approved feedback of each closed order."""
    rows = conn.execute(select(order_feedback).where(order_feedback.c.review == "approved")).all()
    return {r.order_id: r for r in rows}


def _figures(rows: list[dict], approved: dict, today: date) -> dict:
    out = {"dispatched": len(rows), "open": 0, "submitted": 0, "closed": 0, "on_time": 0, "late": 0, "overdue": 0,
           "confirmed": 0, "confirmed_rate": None, "amount_involved": 0.0, "amount_recovered": 0.0,
           "households_stopped": 0, "people_stopped": 0}
    involved = recovered = 0
    for row in rows:
        status = row["status"]
        deadline = date.fromisoformat(row["deadline"])
        if status in OPEN:
            out["open"] += 1
            out["overdue"] += today > deadline
        elif status == "submitted":
            out["submitted"] += 1
        elif status == "closed":
            out["closed"] += 1
            fb = approved.get(row["order_id"])
            if fb is None:
                continue
            sent = _beijing_date(fb.submitted_at) or deadline
            out["on_time" if sent <= deadline else "late"] += 1
            out["confirmed"] += fb.conclusion in CONFIRMED
            involved += fb.amount_involved_fen
            recovered += fb.amount_recovered_fen
            out["households_stopped"] += fb.households_stopped
            out["people_stopped"] += fb.people_stopped
    if out["closed"]:
        out["confirmed_rate"] = round(out["confirmed"] / out["closed"], 4)
    # Floats of yuan, to the fen: what a chart and a spreadsheet take.
    out["amount_involved"], out["amount_recovered"] = float(_yuan(involved)), float(_yuan(recovered))
    return out


def _beijing_date(at: str | None) -> date | None:
    if not at:
        return None
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BEIJING).date()


def stats_by_unit(engine: Engine, now: datetime | None = None) -> list[dict]:
    """Per receiving unit: dispatched, open, awaiting review, closed, closed on
    time / late, overdue now, confirmed (属实 or 部分属实) and its rate among the
    closed, amounts involved and recovered (yuan), households and people stopped.
    On time: the approved feedback was sent by the deadline."""
    rows = list_orders(engine)
    with engine.connect() as conn:
        approved = _closed_with_feedback(conn)
        names = {r.unit_id: r.name for r in conn.execute(select(units.c.unit_id, units.c.name))}
    per: dict[str, list[dict]] = {}
    for row in rows:
        per.setdefault(row["unit_id"], []).append(row)
    today = beijing_today(now)
    return [{"unit_id": u, "unit_name": names.get(u, u), **_figures(per[u], approved, today)} for u in sorted(per)]


def stats_by_rule(engine: Engine, now: datetime | None = None) -> list[dict]:
    """The same figures per rule: an order counts for every rule that found its clue."""
    rows = list_orders(engine)
    with engine.connect() as conn:
        approved = _closed_with_feedback(conn)
    per: dict[str, list[dict]] = {}
    for row in rows:
        for rule in row["rule_ids"] or []:
            per.setdefault(rule, []).append(row)
    today = beijing_today(now)
    return [{"rule_id": r, **_figures(per[r], approved, today)} for r in sorted(per)]


def precision_by_month(engine: Engine) -> list[dict]:
    """Per rule and Beijing calendar month of closing: confirmed (属实, 部分属实),
    dismissed (不属实), concluded and confirmed / concluded — the trend of how
    often a rule's clues turn out right, from the reviewed conclusions."""
    with engine.connect() as conn:
        rows = conn.execute(select(orders.c.closed_at, order_feedback.c.conclusion, clues.c.rule_ids)
                            .join(order_feedback, order_feedback.c.order_id == orders.c.order_id)
                            .join(clues, clues.c.clue_id == orders.c.clue_id)
                            .where(orders.c.status == "closed", order_feedback.c.review == "approved")).all()
    per: dict[tuple[str, str], dict] = {}
    for closed_at, conclusion, rule_ids in rows:
        month = (_beijing_date(closed_at) or date.min).strftime("%Y-%m")
        for rule in rule_ids or []:
            row = per.setdefault((rule, month), {"rule_id": rule, "month": month, "confirmed": 0, "dismissed": 0})
            row["confirmed" if conclusion in CONFIRMED else "dismissed"] += 1
    out = []
    for key in sorted(per):
        row = per[key]
        row["concluded"] = row["confirmed"] + row["dismissed"]
        row["precision"] = round(row["confirmed"] / row["concluded"], 4)
        out.append(row)
    return out


def precision_by_rule(engine: Engine) -> list[dict]:
    """`precision_by_month` summed over the months: one row per rule, the
    figure beside the rule's weight (the cases' figure, `cases.precision_by_rule`,
    counts only what was concluded on the cases page; migrated cases are orders)."""
    per: dict[str, dict] = {}
    for row in precision_by_month(engine):
        total = per.setdefault(row["rule_id"], {"rule_id": row["rule_id"], "confirmed": 0, "dismissed": 0})
        total["confirmed"] += row["confirmed"]
        total["dismissed"] += row["dismissed"]
    for total in per.values():
        total["concluded"] = total["confirmed"] + total["dismissed"]
        total["precision"] = round(total["confirmed"] / total["concluded"], 4)
    return [per[r] for r in sorted(per)]


# ---------------------------------------------------------------- re-runs

DETECT_ACTOR = "system:detect"


def mark_vanished(engine: Engine, current_clue_ids: Iterable[str], now: datetime | None = None) -> dict[str, int]:
    """After detection: mark the open orders whose clue no rule finds any more,
    and unmark those found again. A closed order is left as it was — its clue
    often vanishes because the verification stopped the grant."""
    current = set(current_clue_ids)

    def work(conn: Connection) -> dict[str, int]:
        rows = conn.execute(select(orders.c.order_id, orders.c.clue_id, orders.c.status, orders.c.vanished_at,
                                   orders.c.assignee).where(orders.c.status != "closed")).all()
        gone = [r for r in rows if r.clue_id not in current and r.vanished_at is None]
        back = [r for r in rows if r.clue_id in current and r.vanished_at is not None]
        if not gone and not back:
            return {"vanished": 0, "reappeared": 0}
        at = _iso(_now(now))
        for action, found, value in (("vanished", gone, at), ("reappeared", back, None)):
            for start in range(0, len(found), _CHUNK):
                part = found[start:start + _CHUNK]
                conn.execute(update(orders).where(orders.c.order_id.in_([r.order_id for r in part]))
                             .values(vanished_at=value, updated=at))
                conn.execute(order_events.insert(), [
                    {"order_id": r.order_id, "at": at, "actor": DETECT_ACTOR, "role": None, "action": action,
                     "from_status": r.status, "to_status": r.status, "assignee": r.assignee,
                     "note": "重新检测未再发现该线索 detection no longer finds this clue" if value else
                             "重新检测再次发现该线索 detection finds this clue again"} for r in part])
        audit.append(conn, DETECT_ACTOR, "order_vanished",
                     [f"Order:{r.order_id}" for r in gone + back],
                     {"vanished": len(gone), "reappeared": len(back)}, None, now=_now(now))
        return {"vanished": len(gone), "reappeared": len(back)}
    return audit.with_retry(engine, work)
