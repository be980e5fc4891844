"""总览 Overview: what the data covers, where the clues are, how precise the rules are."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reliefgraph.beijing import shown
from reliefgraph.dashboard import overview
from reliefgraph.dashboard.ui import Ctx, rule_files, settings
from reliefgraph.queries import at_risk_summary
from reliefgraph.queries.names import names_for


def _counter_frame(counter, name: str) -> pd.DataFrame:
    return pd.DataFrame(counter.most_common(), columns=[name, "线索 clues"]).set_index(name)


def _bars(counts: dict[str, int], name: str) -> None:
    """Horizontal bars whose labels are set at 13 px and not cut short
    (Streamlit's own bar chart draws 10-px labels cut at 100 px)."""
    import altair as alt

    frame = pd.DataFrame(list(counts.items()), columns=[name, "线索 clues"])
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{name}:N", sort="-x", title=None, axis=alt.Axis(labelFontSize=13, labelLimit=320)),
        x=alt.X("线索 clues:Q", title="线索 clues", axis=alt.Axis(labelFontSize=12, titleFontSize=12)),
        tooltip=[name, "线索 clues"]).properties(height=alt.Step(30))
    st.altair_chart(chart, width="stretch")


@st.cache_data(ttl=120, show_spinner=False)
def _graph_figures(graph_uri: str, _store) -> tuple:
    # Whole-graph counts take a second at county scale and change only when
    # a load runs; every signed-in user lands on this page first.
    return overview.coverage(_store), overview.last_loads(_store), overview.grants_by_programme(_store)


def render(ctx: Ctx) -> None:
    st.header("总览 Overview")
    cover, loads, programmes = _graph_figures(settings().graph_uri, ctx.store)
    names = names_for(ctx.store)
    counts = overview.clue_counts(ctx.engine)
    cols = st.columns(4)
    cols[0].metric("人员 persons", f"{cover['persons']:,}")
    cols[1].metric("户 households", f"{cover['households']:,}",
                   help=f"其中享受救助 with grants: {cover['households_with_grants']:,}")
    cols[2].metric("救助对象 grants", f"{cover['grants']:,}")
    cols[3].metric("有效线索 active clues", f"{counts.total:,}")

    left, right = st.columns(2)
    with left:
        st.subheader("按类别 by family")
        if counts.by_family:
            _bars(dict(counts.by_family.most_common()), "类别 family")
        st.subheader("按状态 by status")
        st.dataframe(_counter_frame(counts.by_status, "状态 status"), width="stretch")
    with right:
        st.subheader("按乡镇 by town")
        named = {names.label("region", code) if code != "—" else "未知 unknown": n
                 for code, n in counts.by_town.items()}
        if named:
            _bars(named, "乡镇 town")
        st.subheader("按规则 by rule")
        titles = {r.id: r.title_zh for r in rule_files()}
        st.dataframe(pd.DataFrame([(titles.get(rid, rid), rid, n) for rid, n in counts.by_rule.most_common()],
                                  columns=["规则 rule", "id", "线索 clues"]), hide_index=True, width="stretch")

    _at_risk(ctx, titles)

    st.subheader("核查查准率 precision per rule (confirmed / concluded)")
    precision = overview.precision_table(ctx.engine)
    if precision:
        precision = [{**p, "rule_id": titles.get(p["rule_id"], p["rule_id"])} for p in precision]
        st.dataframe(pd.DataFrame(precision).rename(columns={
            "rule_id": "规则 rule", "confirmed": "属实 confirmed", "dismissed": "不属实 dismissed",
            "concluded": "已办结 concluded", "precision": "查准率 precision"}), hide_index=True,
            width="stretch")
    else:
        st.caption("尚无办结案件 no case concluded yet")

    st.subheader("各部门数据最近导入 last load per agency")
    if loads:
        loads = [{**b, "agency": names.label("agency", b["agency"]), "finished": shown(b["finished"])} for b in loads]
        st.dataframe(pd.DataFrame(loads).rename(columns={
            "agency": "部门 agency", "finished": "完成时间 finished", "file_name": "最近文件 last file",
            "files": "文件数 files"}), hide_index=True, width="stretch")
    else:
        st.caption("尚未导入数据 nothing loaded yet: `reliefgraph load DIR`")
    st.caption("图数据统计每 2 分钟刷新 graph figures refresh every 2 minutes")
    if programmes:
        st.caption("救助对象按类别 grants by programme: " +
                   "，".join(f"{names.label('programme', p)} {n:,}" for p, n in programmes.items()))


def _at_risk(ctx: Ctx, titles: dict) -> None:
    """Households at risk (应保未保), counted from the active at_risk clues, and the help they may get."""
    county = [x for x in overview.at_risk_lines(ctx.engine, titles) if x.scope == "county"]
    total = next(x for x in county if x.rule == at_risk_summary.TOTAL)
    st.subheader("应保未保（防返贫风险） households at risk")
    if not total.households:
        st.caption("暂无应保未保线索 no at-risk clue")
        return
    left, right = st.columns(2)
    left.metric("应保未保户 households", f"{total.households:,}")
    left.dataframe(pd.DataFrame([(x.title_zh, x.households) for x in county if x.rule != at_risk_summary.TOTAL],
                                columns=["规则 rule", "户数 households"]), hide_index=True, width="stretch")
    right.dataframe(pd.DataFrame(total.help.most_common(), columns=["可能的帮扶 help", "户数 households"]),
                    hide_index=True, width="stretch")
