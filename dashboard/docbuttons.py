"""The official documents on the pages: an order's case report and the
线索处置台账, issued (and numbered) only when asked, then offered for download.

Issuing takes a document number, so it happens on a click, never on a rerun;
the issued file is kept in the session so the download survives the rerun
the click on the download button starts."""
from __future__ import annotations

from datetime import date

import streamlit as st

from reliefgraph.dashboard import units
from reliefgraph.dashboard.ui import Ctx

FORMATS = {"docx": "Word (DOCX)", "pdf": "PDF", "xlsx": "Excel（表格，不编号 unnumbered）"}


def _offer(key: str) -> None:
    doc = st.session_state.get(key)
    if doc is None:
        return
    number = f"（文号 {doc.number}）" if doc.number else ""
    st.download_button(f"下载 download{number} {doc.filename}", doc.data, file_name=doc.filename, mime=doc.mime,
                       key=f"{key}:download", on_click="ignore", type="primary")


def case_report_buttons(ctx: Ctx, oid: str) -> None:
    from reliefgraph.reports import documents

    key = f"doc:case:{oid}"
    st.caption("案件核查报告 case report（正式公文，生成即占用本单位文号 an official document: issuing takes a number）")
    c1, c2, _ = st.columns([1, 1, 3])
    for fmt, col in (("docx", c1), ("pdf", c2)):
        if col.button(f"生成 {FORMATS[fmt]}", key=f"{key}:{fmt}"):
            with st.spinner("正在生成 issuing…"):
                try:
                    st.session_state[key] = documents.case_report(ctx.store, ctx.engine, oid, ctx.viewer, fmt)
                except documents.DocumentError as exc:
                    st.error(str(exc))
    _offer(key)


def ledger_form(ctx: Ctx) -> None:
    """线索处置台账 for a unit and a period, as an official document or a spreadsheet."""
    from reliefgraph.reports import documents, ledger

    names = units.unit_names(ctx.engine)
    st.subheader("线索处置台账 ledger of clues and their handling")
    with st.form("ledger"):
        c1, c2 = st.columns(2)
        to_unit = c1.selectbox("承办单位 receiving unit", list(names), index=None, format_func=names.get,
                               placeholder="全部单位 every unit")
        from_unit = c2.selectbox("派单单位 dispatching unit", list(names), format_func=names.get,
                                 placeholder="全部单位 every unit",
                                 index=list(names).index(ctx.viewer.unit_id) if ctx.viewer.unit_id in names else None)
        c3, c4, c5 = st.columns(3)
        since = c3.date_input("派单日期自 dispatched from", value=None, format="YYYY-MM-DD")
        until = c4.date_input("至 to", value=None, format="YYYY-MM-DD")
        fmt = c5.radio("格式 format", list(FORMATS), format_func=FORMATS.get, horizontal=True)
        asked = st.form_submit_button("生成台账 issue the ledger")
    if asked:
        try:
            flt = ledger.LedgerFilter(unit_id=to_unit, dispatcher_unit=from_unit,
                                      date_from=since if isinstance(since, date) else None,
                                      date_to=until if isinstance(until, date) else None)
            with st.spinner("正在生成 issuing…"):
                st.session_state["doc:ledger"] = documents.ledger(ctx.engine, flt, ctx.viewer, fmt)
        except (ledger.LedgerError, documents.DocumentError) as exc:
            st.error(str(exc))
    _offer("doc:ledger")
