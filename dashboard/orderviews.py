"""What the order pages show, outside Streamlit: Chinese labels, deadline
states in Beijing time, the statistics tables, the lists each role works from. The orders themselves (dispatch, claim, feedback, review) are
`orders.py`'s; this module only reads and words them."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Iterable

from reliefgraph.beijing import shown, to_beijing
from reliefgraph.queries.rules import FAMILIES

ORDER_STATUSES = {
    "dispatched": "已派单", "claimed": "核查中", "submitted": "待审核", "returned": "已退回", "closed": "已销号",
}
CONCLUSIONS = {"true": "属实", "partly": "部分属实", "false": "不属实"}
ACCOUNTABILITY_KINDS = ("批评教育", "诫勉谈话", "党纪处分", "政务处分", "组织处理", "移送司法机关", "其他")

UNIT_STATS = {"unit": "单位 unit", "dispatched": "派单 dispatched", "closed": "已销号 closed",
              "on_time": "按期办结 on time", "late": "超期办结 closed late", "overdue": "当前逾期 overdue now",
              "confirmed_rate": "属实率 confirmed rate", "amount_recovered": "追回金额（元）recovered"}
RULE_STATS = {"rule": "规则 rule", **{k: v for k, v in UNIT_STATS.items() if k != "unit"}}


def status_label(status: str | None) -> str:
    return ORDER_STATUSES.get(status or "", status or "")


def conclusion_label(conclusion: str | None) -> str:
    return CONCLUSIONS.get(conclusion or "", conclusion or "")


def as_date(value: Any) -> date | None:
    """A deadline or time as its Beijing calendar date (what the office's calendar says)."""
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    bj = to_beijing(value)
    return bj.date() if bj else None


def today_beijing(now: datetime | None = None) -> date:
    return to_beijing(now or datetime.now(timezone.utc)).date()


def deadline_words(deadline: Any, status: str, now: datetime | None = None) -> str:
    """`2026-12-10（剩 3 天）`, `2026-12-01（逾期 2 天）`; a closed order's deadline is just its date."""
    day = as_date(deadline)
    if day is None:
        return "—"
    if status == "closed":
        return day.isoformat()
    left = (day - today_beijing(now)).days
    if left < 0:
        return f"{day.isoformat()}（逾期 {-left} 天）"
    if left == 0:
        return f"{day.isoformat()}（今天到期）"
    return f"{day.isoformat()}（剩 {left} 天）"


def yuan(value: Any) -> str:
    if value is None or value == "":
        return "0.00"
    return f"{Decimal(str(value)):,.2f}"


def rate(value: Any) -> str:
    if value is None or value != value:      # None, or NaN where a table held None
        return "—"
    return f"{float(value) * 100:.1f}%"


def size_words(n: int) -> str:
    return f"{n} 字节" if n < 1024 else f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def order_row(o: dict, unit_names: dict[str, str], now: datetime | None = None,
              people: dict[str, str] | None = None) -> dict:
    """One order as a table row, in the words of the page."""
    return {
        "工单号 order": o.get("order_id"),
        "线索 clue": o.get("clue_id"),
        "姓名 name": o.get("subject_name") or "",
        "状态 status": status_label(o.get("status")),
        "类别 family": FAMILIES.get(o.get("family"), (o.get("family") or "",))[0],
        "承办单位 unit": o.get("unit_name") or unit_names.get(o.get("unit_id"), o.get("unit_id") or ""),
        "核查人 verifier": (people or {}).get(o.get("assignee"), o.get("assignee") or ""),
        "期限 deadline": deadline_words(o.get("deadline"), o.get("status") or "", now),
        "派单时间 dispatched": shown(o.get("dispatched_at"), suffix=False),
    }


def stats_rows(rows: Iterable[dict], key: str, names: dict[str, str]) -> tuple[list[str], list[list]]:
    """`stats_by_unit` / `stats_by_rule` rows as the downloadable table: names, not codes."""
    columns = UNIT_STATS if key == "unit_id" else RULE_STATS
    out = []
    for r in rows:
        name = names.get(r.get(key), r.get(key))
        rec = r.get("confirmed_rate")
        out.append([name, *(int(r.get(k) or 0) for k in ("dispatched", "closed", "on_time", "late", "overdue")),
                    None if rec is None else round(float(rec), 4),
                    float(Decimal(str(r.get("amount_recovered") or 0)))])
    return list(columns.values()), out


def precision_overall(trend: list[dict]) -> dict[str, dict]:
    """`orders.precision_by_month` summed per rule: {rule_id: concluded, confirmed, precision}."""
    out: dict[str, dict] = {}
    for t in trend:
        row = out.setdefault(t["rule_id"], {"concluded": 0, "confirmed": 0})
        row["concluded"] += t["concluded"]
        row["confirmed"] += t["confirmed"]
    for row in out.values():
        row["precision"] = round(row["confirmed"] / row["concluded"], 4)
    return out


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def feedback_row(viewer, f: dict, people: dict[str, str] | None = None) -> dict:
    """One round of feedback as the history table shows it; free text masked for the viewer."""
    from reliefgraph.dashboard.permissions import mask_text

    return {
        "提交时间 submitted": shown(f.get("submitted_at") or f.get("at"), suffix=False),
        "核查人 by": (people or {}).get(f.get("submitted_by"), f.get("submitted_by") or ""),
        "结论 conclusion": conclusion_label(f.get("conclusion")),
        "核查事实 facts": mask_text(viewer, f.get("facts")) or "",
        "涉及金额（元）involved": yuan(f.get("amount_involved")),
        "追回金额（元）recovered": yuan(f.get("amount_recovered")),
        "停保户/人 stopped": f"{f.get('households_stopped') or 0} 户 / {f.get('people_stopped') or 0} 人",
        "整改 rectification": mask_text(viewer, f.get("rectification")) or "",
        "问责 accountability": f"{f.get('accountability_people') or 0} 人 {f.get('accountability_kind') or ''}".strip(),
    }


# -- reading orders for the pages (orders.py owns writing them) ------------
def undispatched(engine, rows: list[dict]) -> list[dict]:
    """Clue-table rows whose clue has no order yet: what a dispatcher can still send."""
    from reliefgraph.dashboard import orders

    taken = orders.dispatched_clue_ids(engine)
    return [r for r in rows if r["clue_id"] not in taken]


def visible_orders(engine, viewer, statuses=None, assignee: str | None = None) -> list[dict]:
    """The orders of the viewer's unit, sent to it or by it (all of them for an administrator)."""
    from reliefgraph.dashboard import orders

    return orders.list_orders(engine, statuses=statuses, assignee=assignee, visible_to=viewer)


def awaiting_review(engine, viewer) -> list[dict]:
    """Submitted orders the viewer's unit dispatched: a reviewer's work list."""
    from reliefgraph.dashboard import orders

    if viewer.role == "admin":
        return orders.list_orders(engine, statuses=["submitted"])
    if not viewer.unit_id:
        return []
    return orders.list_orders(engine, dispatcher_unit=viewer.unit_id, statuses=["submitted"])


def return_reason(feedback: list[dict]) -> str | None:
    """Why the latest feedback was returned, if it was."""
    if feedback and feedback[-1].get("review") == "returned":
        return feedback[-1].get("review_reason")
    return None


def event_row(viewer, e: dict, people: dict[str, str] | None = None) -> dict:
    """One step of an order's history, as its history table shows it."""
    from reliefgraph.dashboard.orders import EVENTS
    from reliefgraph.dashboard.permissions import mask_text

    return {"时间 when": shown(e["at"], suffix=False), "人员 who": (people or {}).get(e["actor"], e["actor"]),
            "操作 action": EVENTS.get(e["action"], (e["action"],))[0],
            "状态 status": f"{status_label(e.get('from_status')) or '—'} → {status_label(e['to_status'])}",
            "说明 note": mask_text(viewer, e.get("note")) or ""}


def display_names(engine) -> dict[str, str]:
    """User name → the name people know them by, for the tables."""
    from reliefgraph.dashboard.accounts import list_users

    return {u["username"]: u["display_name"] or u["username"] for u in list_users(engine)}


def orders_version(engine) -> tuple:
    """Changes whenever an order is dispatched or moves (every step writes one
    event row) and each Beijing day (orders fall overdue): what cached
    figures are keyed by."""
    from sqlalchemy import func, select

    from reliefgraph.dashboard.orders import order_events

    with engine.connect() as conn:
        steps = conn.execute(select(func.count()).select_from(order_events)).scalar_one()
    return steps, today_beijing().isoformat()
