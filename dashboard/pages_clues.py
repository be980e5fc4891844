"""线索 Clues: the filtered, sortable table on the left, the clue clicked
open beside it (narrative, evidence, case, report, its subject's graph)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reliefgraph import exports
from reliefgraph.dashboard import cluetable, graphlayout, graphview, overview
from reliefgraph.dashboard.cases import STATUSES
from reliefgraph.dashboard.pages_cases import case_panel
from reliefgraph.dashboard.pages_explore import open_subject
from reliefgraph.dashboard.pages_reports import report_button
from reliefgraph.dashboard.queryform import to_csv, to_xlsx
from reliefgraph.dashboard.ui import Ctx, draw, rule_files
from reliefgraph.queries.names import names_for
from reliefgraph.queries.rules import FAMILIES
from reliefgraph.reports.issue import Target

COLUMNS = {"clue_id": "编号 id", "family": "类别 family", "rules": "规则 rules", "town": "乡镇 town",
           "subject": "身份证号 ID", "name": "姓名 name", "score": "评分 score", "severity": "等级 severity",
           "status": "状态 status", "assignee": "核查人 assignee", "summary": "摘要 summary",
           "first_seen": "首次发现 first seen"}
# What the table shows, in this order (the id and the rules' ids stay in the export).
# What tells an inspector which clue to open comes first, so it fits beside the open clue.
SHOWN = ["score", "name", "family", "status", "town", "rules", "first_seen", "assignee", "subject", "summary"]
WIDTHS = {"score": "small", "name": "small", "subject": "medium", "family": "small", "rules": "small",
          "town": "medium", "status": "small", "assignee": "small", "first_seen": "small", "summary": "large"}
TABLE_HEIGHT = 560


@st.cache_resource(ttl=60, show_spinner=False)
def _town_names(store_id: int, _store) -> dict[str, str]:
    # Town names from the graph's regions, read once a minute, not per click.
    return overview.town_names(_store)


def render(ctx: Ctx) -> None:
    st.header("线索 Clues")
    rules = {r.id: r.title_zh for r in rule_files()}
    towns = _town_names(id(ctx.store), ctx.store)
    with st.expander("筛选 filters", expanded=True):
        c1, c2, c3 = st.columns(3)
        families = c1.multiselect("类别 family", list(FAMILIES), format_func=lambda f: FAMILIES[f][0],
                                  placeholder="全部类别 all families")
        statuses = c2.multiselect("状态 status", list(STATUSES), format_func=lambda s: STATUSES[s][0],
                                  placeholder="全部状态 all statuses")
        rule = c3.selectbox("规则 rule", [None, *rules], format_func=lambda r: "全部 all" if r is None else rules[r],
                            placeholder="全部 all")
        c4, c5, c6, c7 = st.columns([3, 3, 3, 3])
        town = c4.selectbox("乡镇 town", [None, *cluetable.towns(ctx.engine)],
                            format_func=lambda t: "全部 all" if t is None else cluetable.town_label(t, towns),
                            placeholder="全部 all")
        assignee = c5.text_input("核查人 assignee", placeholder="用户名 user name").strip() or None
        min_score = c6.slider("最低评分 min score", 0.0, 1.0, 0.0, 0.05)
        only_new = c7.checkbox("仅看上次检测新增 new in last run", key="clues_new",
                               help="首次发现于最近一次检测运行之后的线索 first seen since the latest detection run began")
    since = cluetable.last_run_started(ctx.engine) if only_new else None
    filters = cluetable.ClueFilters(tuple(families), tuple(statuses), rule, town, assignee, min_score,
                                    new_since=since)
    rows = cluetable.clue_rows(ctx.engine, ctx.viewer, filters, towns, rules)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.caption(f"{len(rows)} 条线索 clues — 点击一行打开，点击表头排序 click a row to open it, a header to sort")
        frame = pd.DataFrame(rows, columns=list(COLUMNS))[SHOWN].rename(columns=COLUMNS)
        st.session_state["clue_table_ids"] = [r["clue_id"] for r in rows]
        st.dataframe(frame, hide_index=True, width="stretch", height=TABLE_HEIGHT, key="clue_table",
                     on_select=_row_clicked, selection_mode="single-row",
                     column_config={COLUMNS["score"]: st.column_config.ProgressColumn(
                         COLUMNS["score"], min_value=0, max_value=1, format="%.2f", width="small"),
                         **{COLUMNS[c]: st.column_config.Column(COLUMNS[c], width=w)
                            for c, w in WIDTHS.items() if c != "score"}})
        columns, table = list(COLUMNS.values()), [tuple(r.values()) for r in rows]
        audit_detail = {"what": "clues", "rows": len(rows), "filters": str(filters)}
        e1, e2 = st.columns(2)
        e1.download_button("导出 CSV export", ctx.exported(lambda: to_csv(columns, table), [],
                                                           {**audit_detail, "format": "csv"}),
                           file_name="clues.csv", mime=exports.MIME["csv"], on_click="ignore", key="clues_csv")
        e2.download_button("导出 Excel export", ctx.exported(lambda: to_xlsx(columns, table), [],
                                                             {**audit_detail, "format": "xlsx"}),
                           file_name="clues.xlsx", mime=exports.MIME["xlsx"], on_click="ignore", key="clues_xlsx")
    with right:
        if not rows:
            st.info("没有符合条件的线索 no clue matches")
            return
        # No status in the label: the browser sends the label back, and one that a
        # case step changed would close the clue at the next click.
        labels = {r["clue_id"]: f"{r['score']:.2f} · {r['family']} · {r['name'] or ''} {r['subject']}" for r in rows}
        cid = st.selectbox("打开线索 open a clue", list(labels), index=None, format_func=labels.get,
                           key="open_clue", placeholder="点击左侧表格一行，或在此选择 click a row, or choose here")
        if cid:
            clue_detail(ctx, cid)


def _row_clicked() -> None:
    # A callback runs before the page does, so the select box below can still be set.
    rows = st.session_state["clue_table"].selection.rows
    ids = st.session_state.get("clue_table_ids") or []
    if rows and rows[0] < len(ids):
        st.session_state["open_clue"] = ids[rows[0]]


def _open_graph(ctx: Ctx, cid: str, subject_id: str) -> None:
    # The evidence is read when the button is clicked, not on every rerun of the clue.
    open_subject("Person", subject_id, cluetable.evidence_refs(ctx.engine, cid))


def clue_detail(ctx: Ctx, cid: str) -> None:
    head = cluetable.clue_header(ctx.engine, ctx.viewer, cid)
    if head is None:
        st.error("没有该线索 no such clue")
        return
    ctx.audit_once(f"clue:{cid}", "view_clue", [f"Clue:{cid}", f"Person:{head['subject_id']}"])
    st.subheader(f"{head['subject_name'] or ''} {head['subject_shown']} — {FAMILIES[head['family']][0]}")
    st.write(f"评分 score {head['score']:.2f} · 等级 severity "
             f"{cluetable.SEVERITY.get(head['severity'], head['severity'])} · "
             f"首次发现 first seen {cluetable.beijing_date(head['first_seen'])}"
             + ("" if head["active"] else " · 已失效 inactive"))
    st.button("在图谱中查看此人及证据 open the subject's graph", key="clue_open_graph", type="primary",
              on_click=_open_graph, args=(ctx, cid, head["subject_id"]))
    rules = {r.id: r for r in rule_files()}
    names = names_for(ctx.store)
    for f in cluetable.findings_for(ctx.engine, ctx.viewer, cid):
        rule = rules.get(f["rule_id"])
        with st.container(border=True):
            st.markdown(f"**{rule.title_zh if rule else f['rule_id']}** `{f['rule_id']}`")
            st.write(f["narrative"])
            if rule and rule.meta.get("legal_basis"):
                st.caption(f"依据 basis: {rule.meta['legal_basis']}")
            # Tall, not wide: the panel beside the table is narrow.
            evidence = graphlayout.layout(graphview.name_nodes(graphview.from_evidence(f["evidence"]), names),
                                          tall=True)
            draw(evidence, height=graphview.fitting_height(evidence))
            if f["sources"]:
                with st.expander(f"证据来源 source records ({len(f['sources'])})"):
                    st.dataframe(pd.DataFrame(cluetable.source_rows(f["sources"], names)), hide_index=True,
                                 width="stretch")
    case_panel(ctx, cid)
    with st.expander("生成报告 / Report"):
        report_button(ctx, Target(clue=cid), key="clue_page")
