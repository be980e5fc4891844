"""What the order pages show, outside Streamlit: Chinese labels, deadline
states in Beijing time, the statistics tables and the monthly precision
trend. The orders themselves (dispatch, claim, feedback, review) are
`orders.py`'s; this module only reads and words them."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Iterable

from reliefgraph.beijing import shown, to_beijing

ORDER_STATUSES = {
    "dispatched": "已派单", "claimed": "核查中", "submitted": "待审核", "returned": "已退回", "closed": "已销号",
}
CONCLUSIONS = {"true": "属实", "partly": "部分属实", "false": "不属实"}
# Conclusions that count as confirmed for precision: a partly true clue was a real finding.
CONFIRMED = ("true", "partly")
ACCOUNTABILITY_KINDS = ("批评教育", "诫勉谈话", "党纪处分", "政务处分", "组织处理", "移送司法机关", "其他")

UNIT_STATS = {"unit": "单位 unit", "dispatched": "派单 dispatched", "closed": "已销号 closed",
              "on_time": "按期办结 on time", "overdue": "逾期 overdue", "confirmed_rate": "属实率 confirmed rate",
              "amount_recovered": "追回金额（元）recovered"}
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
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def order_row(o: dict, unit_names: dict[str, str], now: datetime | None = None) -> dict:
    """One order as a table row, in the words of the page."""
    return {
        "工单号 order": o.get("order_id"),
        "线索 clue": o.get("clue_id"),
        "姓名 name": o.get("subject_name") or "",
        "状态 status": status_label(o.get("status")),
        "承办单位 unit": unit_names.get(o.get("unit_id"), o.get("unit_id") or ""),
        "核查人 verifier": o.get("assignee") or "",
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
        out.append([name, int(r.get("dispatched") or 0), int(r.get("closed") or 0), int(r.get("on_time") or 0),
                    int(r.get("overdue") or 0), None if rec is None else round(float(rec), 4),
                    float(Decimal(str(r.get("amount_recovered") or 0)))])
    return list(columns.values()), out


def precision_trend(closed: Iterable[tuple[list[str] | None, str | None, Any]]) -> list[dict]:
    """Per rule and Beijing month: conclusions and the share found true.

    `closed` holds (rule ids of the clue, conclusion, when the order was
    closed). A clue counts for every rule that raised it, as the verifier
    judged the clue, not one finding; only closed orders count (a returned
    conclusion was not accepted)."""
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for rule_ids, conclusion, closed_at in closed:
        day = as_date(closed_at)
        if day is None or conclusion not in CONCLUSIONS:
            continue
        for rule in rule_ids or []:
            cell = per[(rule, f"{day:%Y-%m}")]
            cell[0] += 1
            cell[1] += conclusion in CONFIRMED
    return [{"rule_id": rule, "month": month, "concluded": n, "confirmed": ok, "precision": round(ok / n, 4)}
            for (rule, month), (n, ok) in sorted(per.items())]


def precision_overall(trend: list[dict]) -> dict[str, dict]:
    """The monthly trend summed per rule: {rule_id: concluded, confirmed, precision}."""
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


def feedback_row(viewer, f: dict) -> dict:
    """One round of feedback as the history table shows it; free text masked for the viewer."""
    from reliefgraph.dashboard.permissions import mask_text

    return {
        "提交时间 submitted": shown(f.get("submitted_at") or f.get("at"), suffix=False),
        "核查人 by": f.get("submitted_by") or "",
        "结论 conclusion": conclusion_label(f.get("conclusion")),
        "核查事实 facts": mask_text(viewer, f.get("facts")) or "",
        "涉及金额（元）involved": yuan(f.get("amount_involved")),
        "追回金额（元）recovered": yuan(f.get("amount_recovered")),
        "停保户/人 stopped": f"{f.get('households_stopped') or 0} 户 / {f.get('people_stopped') or 0} 人",
        "整改 rectification": mask_text(viewer, f.get("rectification")) or "",
        "问责 accountability": f"{f.get('accountability_people') or 0} 人 {f.get('accountability_kind') or ''}".strip(),
    }
