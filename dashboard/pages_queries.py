"""查询 Saved queries, and the ad-hoc Cypher box (read-only in the database)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reliefgraph import exports
from reliefgraph.dashboard import queryform
from reliefgraph.dashboard.permissions import can
from reliefgraph.dashboard.ui import Ctx, draw


def render(ctx: Ctx) -> None:
    st.header("查询 Saved queries")
    files = queryform.files_for(ctx.user.role)
    if files:
        by_id = {f.id: f for f in files}
        fid = st.selectbox("选择查询 choose a query", list(by_id),
                           format_func=lambda i: f"{by_id[i].title_zh} — {by_id[i].title_en}", key="query_file")
        f = by_id[fid]
        if f.meta.get("description"):
            st.caption(f.meta["description"])
        with st.form(f"query:{fid}"):
            raw = {w.name: _widget(w, fid) for w in queryform.widgets(f, ctx.store, ctx.viewer)}
            run = st.form_submit_button("运行 run")
        if run:
            try:
                params = queryform.coerce(f, raw)
                outcome = queryform.run_saved(ctx.store, f, params, ctx.viewer)
            except queryform.QueryInputError as exc:
                st.error(str(exc))
            else:
                ctx.audit("run_query", [], {"query": fid, "params": params, "rows": outcome.total_rows})
                st.session_state["query_outcome"] = (fid, outcome)
        if st.session_state.get("query_outcome", (None,))[0] == fid:
            _show(ctx, fid, st.session_state["query_outcome"][1])
    if can(ctx.user.role, "run_adhoc"):
        st.subheader("自定义查询 ad-hoc Cypher（只读 read-only）")
        with st.form("adhoc"):
            text = st.text_area("Cypher", height=120, placeholder="例 e.g. MATCH (p:Person)-[:OWNS]->(v:Vehicle) RETURN p, v LIMIT 20")
            go = st.form_submit_button("运行 run", key="adhoc_run")
        if go:
            try:
                outcome = queryform.run_adhoc(ctx.store, text, ctx.viewer)
            except queryform.QueryInputError as exc:
                ctx.audit("run_adhoc", [], {"query": text[:2000], "refused": str(exc)[:200]})
                st.error(str(exc))
            else:
                ctx.audit("run_adhoc", [], {"query": text[:2000], "rows": outcome.total_rows})
                st.session_state["query_outcome"] = ("adhoc", outcome)
        if st.session_state.get("query_outcome", (None,))[0] == "adhoc":
            _show(ctx, "adhoc", st.session_state["query_outcome"][1])


def _widget(w: queryform.Widget, fid: str):
    key = f"q:{fid}:{w.name}"
    if w.options:
        labels = dict(w.options)
        values = list(labels)
        if w.kind == "list":
            chosen = [v for v in (w.default or "").split(", ") if v in labels] if isinstance(w.default, str) else []
            return st.multiselect(w.label, values, default=chosen, format_func=labels.get, key=key)
        index = values.index(w.default) if w.default in labels else 0
        if w.open:   # suggestions from the data, or any value typed below
            picked = st.selectbox(w.label, values, index=index, format_func=labels.get, key=f"{key}:pick")
            typed = st.text_input("或直接输入 or type another", value="", key=key, placeholder=w.hint or None)
            return typed.strip() or picked
        return st.selectbox(w.label, values, index=index, format_func=labels.get, key=key)
    if w.kind == "bool":
        return st.checkbox(w.label, value=bool(w.default), key=key)
    if w.kind == "int":
        return st.number_input(w.label, value=w.default, step=1, key=key, help=w.hint or None)
    if w.kind == "float":
        return st.number_input(w.label, value=w.default, key=key, help=w.hint or None)
    if w.kind == "date":
        return st.date_input(w.label, value=w.default, key=key, help=w.hint or None)
    placeholder = {"month": "年-月 如 2024-01", "list": "多个值用逗号分隔 如 car, truck"}.get(w.kind, "")
    return st.text_input(w.label, value="" if w.default is None else str(w.default), key=key,
                         placeholder=placeholder or w.hint, help=w.hint or None)


def _show(ctx: Ctx, fid: str, outcome: queryform.Outcome) -> None:
    note = f"（显示前 {len(outcome.rows)} 行 showing the first {len(outcome.rows)}）" \
        if outcome.total_rows > len(outcome.rows) else ""
    st.caption(f"{outcome.total_rows} 行 rows{note}")
    st.dataframe(pd.DataFrame(queryform.table_rows(outcome.rows), columns=outcome.columns),
                 hide_index=True, width="stretch")
    c1, c2 = st.columns(2)
    # Made when clicked, not on every rerun of the page that shows the result.
    detail = {"what": "query", "query": fid, "rows": len(outcome.rows)}
    c1.download_button("导出 CSV export", ctx.exported(lambda: queryform.to_csv(outcome.columns, outcome.rows), [],
                                                       {**detail, "format": "csv"}),
                       file_name=f"{fid}.csv", mime=exports.MIME["csv"], on_click="ignore", key=f"{fid}_csv")
    c2.download_button("导出 Excel export", ctx.exported(lambda: queryform.to_xlsx(outcome.columns, outcome.rows), [],
                                                         {**detail, "format": "xlsx"}),
                       file_name=f"{fid}.xlsx", mime=exports.MIME["xlsx"], on_click="ignore", key=f"{fid}_xlsx")
    if outcome.graph is not None:
        draw(outcome.graph, height=420)
