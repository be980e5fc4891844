"""The case report of one order (案件线索核查处置报告) as an `OfficialDoc`.

What it holds: the clue and its findings with their evidence and source
records, the subject and the household, the order's handling trail
(dispatch, claim, every feedback version with its conclusion, amounts,
households and people stopped, rectification, accountability), the
attachments with their SHA-256, the review decisions, and the signature
block filled with who did the work and when. The report arrives already
masked for its reader (`masking.for_viewer`); free text from the order is
masked here with the same viewer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reliefgraph.beijing import shown
from reliefgraph.dashboard.permissions import Viewer, mask_text
from reliefgraph.reports import views
from reliefgraph.reports.facts import FACT_COLUMNS, SOURCE_COLUMNS
from reliefgraph.reports.model import Report
from reliefgraph.reports.official import (Grid, OfficialDoc, Pairs, Para, Picture, Review, Signature,
                                          chinese_ordinal)

TITLE = "案件线索核查处置报告"
DECISIONS = {"approved": "同意销号", "returned": "退回"}


@dataclass
class Trail:
    """An order and what happened to it, as `dashboard.orders` records it."""
    order: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)     # username → display name


def yuan(value: Decimal | int | float | None) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}"


def _date(value: str | None) -> str:
    return shown(value, suffix=False)[:10] if value else ""


def _who(trail: Trail, username: str | None) -> str:
    if not username:
        return "—"
    name = trail.names.get(username)
    return f"{name}（{username}）" if name and name != username else username


def case_document(report: Report, trail: Trail, viewer: Viewer, *, issuer: str, number: str, issued_at: str,
                  pictures: bool = True) -> OfficialDoc:
    from reliefgraph.dashboard.orders import STATUSES

    o = trail.order
    od = OfficialDoc(issuer=issuer, number=number, title=TITLE, issued_at=issued_at)
    od.add(Para(f"派单编号：{o['order_id']}　线索编号：{o['clue_id']}　当前状态："
                f"{STATUSES.get(o['status'], (o['status'],))[0]}"
                + ("　（线索已不再被检出）" if o.get("vanished_at") else "")))
    n = iter(range(1, 20))
    clue = report.clues[0] if report.clues else None
    od.heading(f"{chinese_ordinal(next(n))}、线索来源")
    if clue:
        od.add(Pairs([("线索编号", clue.clue_id), ("问题类型", clue.family_zh),
                      ("风险评分", f"{clue.score:.2f}"), ("风险等级", clue.severity_zh),
                      ("首次发现", clue.first_seen_date), ("数据截至", report.data_as_of)]))
    od.heading(f"{chinese_ordinal(next(n))}、核查对象基本情况")
    if report.subject:
        od.add(Pairs(views.subject_pairs(report)))
    for i, (heading, columns, rows, empty) in enumerate(views.household_tables(report), 1):
        od.heading(f"（{chinese_ordinal(i)}）{heading.split(' ')[0]}", 2)
        od.add(Grid(columns, rows) if rows else Para(empty))
    od.heading(f"{chinese_ordinal(next(n))}、线索内容与证据")
    for cv in (views.clue_views(report) if pictures else _views_without_pictures(report)):
        for i, fv in enumerate(cv.findings, 1):
            f = fv.finding
            od.heading(f"（{chinese_ordinal(i)}）{f.title_zh}", 2)
            od.add(Para(f.narrative), Para(f"依据：{f.legal_basis}", note=True),
                   Para(f"证据路径：{f.evidence_note}", note=True))
            if f.look_alikes:
                od.add(Para("核查时需排除的合理情形：" + "；".join(f.look_alikes), note=True))
            od.add(Grid(FACT_COLUMNS, fv.facts, widths=(2, 8, 10, 6), size=8.5),
                   Grid(SOURCE_COLUMNS, fv.sources, widths=(4, 5, 7, 2, 5, 4), size=8.5))
        if cv.picture:
            od.add(Picture(cv.picture, "证据关系图"))
    od.heading(f"{chinese_ordinal(next(n))}、派单与核查经过")
    od.add(Pairs([("派单单位", o.get("dispatcher_unit_name") or o["dispatcher_unit"]),
                  ("承办单位", o.get("unit_name") or o["unit_id"]),
                  ("派单人", _who(trail, o["dispatched_by"])), ("派单时间", shown(o["dispatched_at"])),
                  ("办理期限", o["deadline"]), ("核查人", _who(trail, o.get("assignee"))),
                  ("认领时间", shown(o.get("claimed_at")) or "—"), ("销号时间", shown(o.get("closed_at")) or "—")]))
    od.add(Grid(("时间", "操作人", "操作", "状态变化", "说明"), _event_rows(trail, viewer),
                widths=(4, 3, 3, 4, 6), size=9))
    od.heading(f"{chinese_ordinal(next(n))}、核查反馈")
    if not trail.feedback:
        od.add(Para("尚未提交核查反馈。"))
    for fb in trail.feedback:
        od.heading(f"（{chinese_ordinal(fb['version'])}）第 {fb['version']} 次反馈（{shown(fb['submitted_at'])}，"
                   f"{_who(trail, fb['submitted_by'])}）", 2)
        od.add(Pairs(_feedback_pairs(fb, viewer)))
    od.heading(f"{chinese_ordinal(next(n))}、附件")
    if trail.attachments:
        od.add(Grid(("序号", "文件名", "类型", "大小(字节)", "SHA-256", "上传人", "上传时间"),
                    [(str(i), a["original_name"], a["mime"], f"{a['size']:,}", a["sha256"], _who(trail, a["uploaded_by"]),
                      shown(a["uploaded_at"])) for i, a in enumerate(trail.attachments, 1)],
                    widths=(1.2, 4, 3, 2.2, 9, 3, 3.6), size=8))
        od.add(Para("附件以 SHA-256 校验值登记，原件存于系统，可按校验值核对。", note=True))
    else:
        od.add(Para("无。"))
    od.reviews = [Review(shown(fb["reviewed_at"]), _who(trail, fb["reviewed_by"]),
                         DECISIONS.get(fb["review"], fb["review"]), mask_text(viewer, fb.get("review_reason")) or "")
                  for fb in trail.feedback if fb.get("review")]
    od.signatures = _signatures(trail)
    return od


def _views_without_pictures(report: Report) -> list[views.ClueView]:
    from reliefgraph.reports.facts import fact_rows, source_rows

    return [views.ClueView(c, None, [views.FindingView(f, fact_rows(f.evidence), source_rows(f.sources))
                                     for f in c.findings]) for c in report.clues]


def _event_rows(trail: Trail, viewer: Viewer) -> list[tuple[str, ...]]:
    from reliefgraph.dashboard.orders import EVENTS, STATUSES

    def status(s):
        return STATUSES.get(s, (s,))[0] if s else "—"
    return [(shown(e["at"]), _who(trail, e["actor"]), EVENTS.get(e["action"], (e["action"],))[0],
             f"{status(e.get('from_status'))} → {status(e.get('to_status'))}",
             mask_text(viewer, e.get("note")) or (f"指派给 {_who(trail, e['assignee'])}" if e.get("assignee") else "—"))
            for e in trail.events]


def _feedback_pairs(fb: dict, viewer: Viewer) -> list[tuple[str, str]]:
    from reliefgraph.dashboard.orders import CONCLUSIONS

    review = DECISIONS.get(fb.get("review") or "", "待审核")
    return [("核查结论", CONCLUSIONS.get(fb["conclusion"], (fb["conclusion"],))[0]),
            ("核查情况", mask_text(viewer, fb["facts"]) or "—"),
            ("涉及金额（元）", yuan(fb["amount_involved"])), ("追回金额（元）", yuan(fb["amount_recovered"])),
            ("停保户数", str(fb["households_stopped"])), ("停保人数", str(fb["people_stopped"])),
            ("整改措施", mask_text(viewer, fb.get("rectification")) or "—"),
            ("追责问责人数", str(fb["accountability_people"])), ("处理方式", fb.get("accountability_kind") or "—"),
            ("审核结果", review)]


def _signatures(trail: Trail) -> list[Signature]:
    """承办人: who submitted the latest feedback; 审核人: who approved it; 签发人 signs by hand."""
    latest = trail.feedback[-1] if trail.feedback else None
    doer = Signature("承办人", _who(trail, latest["submitted_by"]), _date(latest["submitted_at"])) if latest \
        else Signature("承办人")
    approved = latest if latest and latest.get("review") == "approved" else None
    checker = Signature("审核人", _who(trail, approved["reviewed_by"]), _date(approved["reviewed_at"])) if approved \
        else Signature("审核人")
    return [doer, checker, Signature("签发人")]
