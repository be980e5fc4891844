"""线索 Clues: the filtered, sortable table, and one clue opened."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reliefgraph.dashboard import cluetable, graphview
from reliefgraph.dashboard.cases import STATUSES
from reliefgraph.dashboard.pages_cases import case_panel
from reliefgraph.dashboard.pages_reports import report_button
from reliefgraph.dashboard.queryform import to_csv
from reliefgraph.dashboard.ui import Ctx, draw, rule_files
from reliefgraph.queries.rules import FAMILIES
from reliefgraph.reports.issue import Target

COLUMNS = {"clue_id": "编号 id", "family": "类别 family", "rules": "规则 rules", "town": "乡镇 town",
           "subject": "身份证号 ID", "name": "姓名 name", "score": "评分 score", "severity": "等级 severity",
           "status": "状态 status", "assignee": "核查人 assignee", "summary": "摘要 summary"}


def render(ctx: Ctx) -> None:
    st.header("线索 Clues")
    rules = {r.id: r.title_zh for r in rule_files()}
    with st.expander("筛选 filters", expanded=True):
        c1, c2, c3 = st.columns(3)
        families = c1.multiselect("类别 family", list(FAMILIES), format_func=lambda f: FAMILIES[f][0])
        statuses = c2.multiselect("状态 status", list(STATUSES), format_func=lambda s: STATUSES[s][0])
        rule = c3.selectbox("规则 rule", [None, *rules], format_func=lambda r: "全部 all" if r is None else rules[r])
        c4, c5, c6 = st.columns(3)
        town = c4.selectbox("乡镇 town", [None, *cluetable.towns(ctx.engine)],
                            format_func=lambda t: "全部 all" if t is None else t)
        assignee = c5.text_input("核查人 assignee").strip() or None
        min_score = c6.slider("最低评分 min score", 0.0, 1.0, 0.0, 0.05)
    filters = cluetable.ClueFilters(tuple(families), tuple(statuses), rule, town, assignee, min_score)
    rows = cluetable.clue_rows(ctx.engine, ctx.viewer, filters)
    st.caption(f"{len(rows)} 条线索 clues — 点击表头排序 click a header to sort")
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).rename(columns=COLUMNS)
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={COLUMNS["score"]: st.column_config.ProgressColumn(min_value=0, max_value=1)})
    st.download_button("导出 CSV export", to_csv(list(COLUMNS.values()), [tuple(r.values()) for r in rows]),
                       file_name="clues.csv", mime="text/csv", on_click=ctx.audit,
                       args=("export", [], {"what": "clues", "rows": len(rows), "filters": str(filters)}))
    if not rows:
        return
    # No status in the label: the browser sends the label back, and one that a
    # case step changed would close the clue at the next click.
    labels = {r["clue_id"]: f"{r['score']:.2f} · {r['family']} · {r['name'] or ''} {r['subject']}" for r in rows}
    cid = st.selectbox("打开线索 open a clue", [None, *labels],
                       format_func=lambda c: "—" if c is None else labels[c], key="open_clue")
    if cid:
        clue_detail(ctx, cid)


def clue_detail(ctx: Ctx, cid: str) -> None:
    head = cluetable.clue_header(ctx.engine, ctx.viewer, cid)
    if head is None:
        st.error("没有该线索 no such clue")
        return
    ctx.audit_once(f"clue:{cid}", "view_clue", [f"Clue:{cid}", f"Person:{head['subject_id']}"])
    st.subheader(f"{head['subject_name'] or ''} {head['subject_shown']} — {FAMILIES[head['family']][0]}")
    st.write(f"评分 score {head['score']:.2f} · 等级 severity {head['severity']} · "
             f"首次发现 first seen {head['first_seen'][:10]}" + ("" if head["active"] else " · 已失效 inactive"))
    rules = {r.id: r for r in rule_files()}
    for f in cluetable.findings_for(ctx.engine, ctx.viewer, cid):
        rule = rules.get(f["rule_id"])
        with st.container(border=True):
            st.markdown(f"**{rule.title_zh if rule else f['rule_id']}** `{f['rule_id']}`")
            st.write(f["narrative"])
            if rule and rule.meta.get("legal_basis"):
                st.caption(f"依据 basis: {rule.meta['legal_basis']}")
            draw(graphview.from_evidence(f["evidence"]), height=360)
            if f["sources"]:
                st.caption("证据来源 source records")
                st.dataframe(pd.DataFrame(f["sources"]), hide_index=True, width="stretch")
    case_panel(ctx, cid)
    with st.expander("生成报告 / Report"):
        report_button(ctx, Target(clue=cid), key="clue_page")
