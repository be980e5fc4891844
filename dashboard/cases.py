"""Cases: a clue assigned to a verifier, verified offline and concluded.

The closed loop of units, dispatch, feedback and review is orders.py; the
migration to it turned every case into an order. This module stays for the
cases page until the orders pages replace it.

    new ──assign──▶ open ──start──▶ in_verification ──confirm──▶ confirmed
                                          ▲          └─dismiss──▶ dismissed
                                          └──────── reopen ◀──────┘ (admin)

The status lives in `clues.status` (detection keeps it across re-runs); the
assignee and conclusion in `cases`; every step in `case_history`, and in the
audit log within the same transaction, so a change is never recorded
without its audit entry or the other way round. Two people acting on one
case at once cannot both win: each step updates only from the status it saw.

Concluded cases feed back into detection as precision per rule
(confirmed / concluded), the figure the Overview shows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, func, select, update
from sqlalchemy.engine import Connection, Engine

from reliefgraph.appdb import metadata
from reliefgraph.dashboard import audit
from reliefgraph.dashboard.accounts import users
from reliefgraph.dashboard.permissions import Viewer, can, may_work_case, pii_values_in
from reliefgraph.queries.clues import clues, findings

STATUSES = {
    "new": ("待分派", "New"),
    "open": ("已立案待核查", "Open"),
    "in_verification": ("核查中", "In verification"),
    "confirmed": ("属实", "Confirmed"),
    "dismissed": ("不属实", "Dismissed"),
}
CONCLUDED = ("confirmed", "dismissed")
ACTIONS = {
    "assign": ("分派", "Assign"), "reassign": ("改派", "Reassign"), "start": ("开始核查", "Start verification"),
    "confirm": ("认定属实", "Confirm"), "dismiss": ("认定不属实", "Dismiss"), "reopen": ("重新核查", "Reopen"),
    "note": ("添加备注", "Add a note"),
}
TRANSITIONS = {
    ("new", "assign"): "open",
    ("open", "reassign"): "open",
    ("in_verification", "reassign"): "in_verification",
    ("open", "start"): "in_verification",
    ("in_verification", "confirm"): "confirmed",
    ("in_verification", "dismiss"): "dismissed",
    ("confirmed", "reopen"): "in_verification",
    ("dismissed", "reopen"): "in_verification",
}

cases = Table(
    "cases", metadata,
    Column("clue_id", String, ForeignKey("clues.clue_id"), primary_key=True),
    Column("assignee", String, index=True),
    Column("assigned_by", String),
    Column("opened", String, nullable=False),
    Column("conclusion", Text),
    Column("notes", Text),
    Column("concluded", String),
    Column("concluded_by", String),
    Column("updated", String, nullable=False),
)

history = Table(
    "case_history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clue_id", String, ForeignKey("clues.clue_id"), nullable=False, index=True),
    Column("at", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("action", String, nullable=False),
    Column("from_status", String, nullable=False),
    Column("to_status", String, nullable=False),
    Column("assignee", String),
    Column("conclusion", Text),
    Column("note", Text),
)


class CaseError(ValueError):
    """A case step was refused; the message says why, for the user (Chinese + English)."""


@dataclass(frozen=True)
class Step:
    clue_id: str
    action: str
    from_status: str
    to_status: str


def next_status(status: str, action: str) -> str:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise CaseError(f"当前状态“{STATUSES.get(status, (status,))[0]}”下不能“{ACTIONS.get(action, (action,))[0]}” "
                        f"cannot {action} a case that is {status}") from None


def allowed_actions(viewer: Viewer, status: str, assignee: str | None) -> list[str]:
    """The steps `viewer` may take now: the buttons a case page shows."""
    found = []
    for (frm, action), _ in TRANSITIONS.items():
        if frm != status:
            continue
        if action in ("assign", "reassign") and not can(viewer.role, "assign_case"):
            continue
        if action == "reopen" and not can(viewer.role, "reopen_case"):
            continue
        if action in ("start", "confirm", "dismiss") and not may_work_case(viewer, assignee):
            continue
        found.append(action)
    if status != "new" and may_work_case(viewer, assignee):
        found.append("note")
    return found


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def act(engine: Engine, viewer: Viewer, clue_id: str, action: str, *, assignee: str | None = None,
        conclusion: str | None = None, note: str | None = None) -> Step:
    """Take one step on a case, with its history row and audit entry, or refuse it."""
    if action not in ACTIONS:
        raise CaseError(f"未知操作 unknown action {action!r}")
    conclusion = (conclusion or "").strip() or None
    note = (note or "").strip() or None
    return audit.with_retry(engine, lambda conn: _act(conn, viewer, clue_id, action, assignee, conclusion, note))


def _act(conn: Connection, viewer: Viewer, cid: str, action: str, assignee: str | None,
         conclusion: str | None, note: str | None) -> Step:
    clue = conn.execute(select(clues.c.status, clues.c.subject_id).where(clues.c.clue_id == cid)).first()
    if clue is None:
        raise CaseError(f"没有该线索 no clue {cid}")
    case = conn.execute(select(cases).where(cases.c.clue_id == cid)).first()
    current_assignee = case.assignee if case else None
    if action not in allowed_actions(viewer, clue.status, current_assignee):
        if (clue.status, action) not in TRANSITIONS and action != "note":
            next_status(clue.status, action)  # raises with the state-machine reason
        raise CaseError(f"无权对此案件执行“{ACTIONS[action][0]}” you may not {action} this case")
    to_status = clue.status if action == "note" else next_status(clue.status, action)
    now = _now()
    values: dict = {"updated": now}
    if action in ("assign", "reassign"):
        _check_assignee(conn, assignee)
        if assignee == current_assignee:
            raise CaseError(f"案件已分派给 {assignee} already assigned to {assignee}")
        values.update(assignee=assignee, assigned_by=viewer.username)
    elif action in ("confirm", "dismiss"):
        if not conclusion:
            raise CaseError("办结须填写核查结论 a conclusion is required to close a case")
        values.update(conclusion=conclusion, concluded=now, concluded_by=viewer.username)
    elif action in ("reopen", "note") and not note:
        raise CaseError("请填写说明 a note is required")
    if note:
        values["notes"] = "\n".join(filter(None, [case.notes if case else None, f"[{now} {viewer.username}] {note}"]))
    if action == "reopen":
        values.update(conclusion=None, concluded=None, concluded_by=None)
    if to_status != clue.status:
        res = conn.execute(update(clues).where(clues.c.clue_id == cid, clues.c.status == clue.status)
                           .values(status=to_status))
        if res.rowcount != 1:
            raise CaseError("案件已被他人更新，请刷新后重试 the case was changed meanwhile; reload and retry")
    if case is None:
        conn.execute(cases.insert().values(clue_id=cid, opened=now, **values))
    else:
        conn.execute(update(cases).where(cases.c.clue_id == cid).values(**values))
    conn.execute(history.insert().values(
        clue_id=cid, at=now, actor=viewer.username, action=action, from_status=clue.status, to_status=to_status,
        assignee=values.get("assignee", current_assignee), conclusion=conclusion, note=note))
    audit.append(conn, viewer.username, "case_change", [f"Clue:{cid}", f"Person:{clue.subject_id}"],
                 {"action": action, "from": clue.status, "to": to_status,
                  "assignee": values.get("assignee", current_assignee)}, viewer.role)
    return Step(cid, action, clue.status, to_status)


def _check_assignee(conn: Connection, assignee: str | None) -> None:
    row = conn.execute(select(users.c.role, users.c.active).where(users.c.username == (assignee or ""))).first()
    if row is None or not row.active or row.role != "verifier":
        raise CaseError(f"只能分派给在用的核查人员 cases go to an active verifier; {assignee!r} is not one")


def case_of(engine: Engine, cid: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(clue_case_query().where(clues.c.clue_id == cid)).first()
    return dict(row._mapping) if row else None


def history_of(engine: Engine, cid: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(history).where(history.c.clue_id == cid).order_by(history.c.id))]


def list_cases(engine: Engine, assignee: str | None = None, statuses: list[str] | None = None) -> list[dict]:
    """Clues that are cases (anything past `new`), newest change first."""
    query = clue_case_query().where(clues.c.status != "new").order_by(cases.c.updated.desc(), clues.c.clue_id)
    if assignee:
        query = query.where(cases.c.assignee == assignee)
    if statuses:
        query = query.where(clues.c.status.in_(statuses))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def waiting_count(engine: Engine) -> int:
    """Active clues nobody has been given yet (no case, no order): what an
    assigning role must see beside its cases."""
    from reliefgraph.dashboard.orders import orders

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(clues)
                            .where(clues.c.status == "new", clues.c.active.is_(True),
                                   clues.c.clue_id.not_in(select(orders.c.clue_id)))).scalar_one()


def clue_case_query():
    return (select(clues, cases.c.assignee, cases.c.assigned_by, cases.c.opened, cases.c.conclusion, cases.c.notes,
                   cases.c.concluded, cases.c.concluded_by, cases.c.updated)
            .select_from(clues.outerjoin(cases, cases.c.clue_id == clues.c.clue_id)))


def precision_by_rule(engine: Engine) -> list[dict]:
    """Per rule: confirmed, dismissed, concluded and confirmed / concluded.

    A concluded clue counts for every rule that contributed to it, as the
    verifier judged the clue, not one finding."""
    per: dict[str, dict] = {}
    with engine.connect() as conn:
        for rule_ids, status in conn.execute(select(clues.c.rule_ids, clues.c.status)
                                             .where(clues.c.status.in_(CONCLUDED))):
            for rule in rule_ids or []:
                row = per.setdefault(rule, {"rule_id": rule, "confirmed": 0, "dismissed": 0})
                row[status] += 1
    out = []
    for rule in sorted(per):
        row = per[rule]
        row["concluded"] = row["confirmed"] + row["dismissed"]
        row["precision"] = round(row["confirmed"] / row["concluded"], 4)
        out.append(row)
    return out


MEMBERS_OF_HOUSEHOLDS = ("UNWIND $households AS hid "
                         "MATCH (p:Person)-[:MEMBER_OF]->(:Household {household_id: hid}) RETURN p.citizen_id")


def clear_values_for(engine: Engine, username: str, store=None) -> frozenset[str]:
    """The personal data a verifier may read in clear — they must find the
    household: what the evidence of the orders (and older cases) assigned to
    them holds, their subjects' IDs and, given the graph `store`, the IDs of
    everyone registered in the subjects' households."""
    from reliefgraph.dashboard.orders import orders

    found: set[str] = set()
    with engine.connect() as conn:
        rows = conn.execute(select(clues.c.clue_id, clues.c.subject_id, clues.c.household_id)
                            .join(cases, cases.c.clue_id == clues.c.clue_id)
                            .where(cases.c.assignee == username)).all()
        rows += conn.execute(select(clues.c.clue_id, clues.c.subject_id, clues.c.household_id)
                             .join(orders, orders.c.clue_id == clues.c.clue_id)
                             .where(orders.c.assignee == username)).all()
        ids = [r.clue_id for r in rows]
        found |= {r.subject_id for r in rows if r.subject_id}
        for start in range(0, len(ids), 500):
            for (evidence,) in conn.execute(select(findings.c.evidence)
                                            .where(findings.c.clue_id.in_(ids[start:start + 500]))):
                found |= pii_values_in(evidence or {})
    households = sorted({r.household_id for r in rows if r.household_id})
    if store is not None and households:
        found |= {str(r[0]) for r in store.read(MEMBERS_OF_HOUSEHOLDS, {"households": households}).rows if r[0]}
    return frozenset(found)
