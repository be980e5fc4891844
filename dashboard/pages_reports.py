"""报告 Reports: a clue's, a person's or the summary report, generated for the
signed-in role (masked as the dashboard masks) and downloaded; each one is
numbered by the audit entry it writes."""
from __future__ import annotations

import streamlit as st

from reliefgraph.dashboard import cluetable
from reliefgraph.dashboard.permissions import require
from reliefgraph.dashboard.ui import Ctx
from reliefgraph.queries.names import names_for
from reliefgraph.reports.gather import ReportError
from reliefgraph.reports.issue import FORMATS, Target, issue

KINDS = {"clue": "线索报告 clue", "person": "人员报告 person", "summary": "汇总报告 summary"}
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word (DOCX)", "html": "HTML"}


def render(ctx: Ctx) -> None:
    st.header("报告 Reports")
    require(ctx.viewer, "export")
    kind = st.radio("报告类型 kind", list(KINDS), format_func=KINDS.get, horizontal=True, key="report_kind")
    if kind == "clue":
        rows = cluetable.clue_rows(ctx.engine, ctx.viewer)
        labels = {r["clue_id"]: f"{r['score']:.2f} · {r['family']} · {r['name'] or ''} {r['subject']}" for r in rows}
        cid = st.selectbox("线索 clue", [None, *labels], format_func=lambda c: "—" if c is None else labels[c],
                           key="report_clue", placeholder="请选择 choose")
        target = Target(clue=cid) if cid else None
    elif kind == "person":
        citizen_id = st.text_input("身份证号 citizen ID", key="report_person", placeholder="18 位身份证号 18-digit ID").strip().upper()
        target = Target(person=citizen_id) if citizen_id else None
    else:
        names = names_for(ctx.store)
        town = st.selectbox("乡镇 town", [None, *cluetable.towns(ctx.engine)],
                            format_func=lambda t: "全县 county" if t is None else names.label("region", t),
                            key="report_town", placeholder="请选择 choose")
        target = Target(summary=True, town=town)
    report_button(ctx, target, key="report_page")


def report_button(ctx: Ctx, target: Target | None, key: str) -> None:
    """Format choice, a generate button and the download of what it made."""
    c1, c2 = st.columns([1, 2])
    fmt = c1.selectbox("格式 format", list(FORMATS), format_func=FORMAT_NAMES.get, key=f"{key}_format",
                       placeholder="请选择 choose")
    if c2.button("生成报告 / Report", key=f"{key}_generate", disabled=target is None):
        try:
            with st.spinner("正在生成报告 generating…"):
                issued = issue(ctx.store, ctx.engine, target, fmt, ctx.user.username, ctx.viewer)
        except ReportError as exc:
            st.error(str(exc))
            return
        st.session_state[f"{key}_issued"] = (target, issued)
    held = st.session_state.get(f"{key}_issued")
    if held and held[0] == target:
        issued = held[1]
        st.download_button(f"下载 download {issued.filename}", issued.data, file_name=issued.filename,
                           mime=issued.mime, key=f"{key}_download")
        st.caption(f"报告编号 report no. {issued.number}（已记入审计日志 recorded in the audit log）")
