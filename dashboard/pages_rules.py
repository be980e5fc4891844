"""规则 Rules: each rule's header as analysts read it, and its precision
from verifiers' conclusions with the trend per month."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from reliefgraph.dashboard import orders, orderviews
from reliefgraph.dashboard.ui import Ctx, rule_files
from reliefgraph.queries.rules import FAMILIES
from reliefgraph.queries.names import SEVERITIES_ZH


def render(ctx: Ctx) -> None:
    st.header("规则 Rules")
    rules = {r.id: r for r in rule_files()}
    trend = orders.precision_by_month(ctx.engine)
    overall = orderviews.precision_overall(trend)
    st.dataframe(pd.DataFrame([{
        "规则 rule": r.title_zh,
        "查准率 precision": orderviews.rate(overall[rid]["precision"]) if rid in overall else "—",
        "已销号 concluded": overall.get(rid, {}).get("concluded", 0), "权重 weight": r.weight,
        "等级 severity": SEVERITIES_ZH.get(r.severity, r.severity), "类别 family": FAMILIES.get(r.family, (r.family,))[0]}
        for rid, r in rules.items()]), hide_index=True, width="stretch")
    rid = st.selectbox("查看规则 open a rule", list(rules), index=None, key="rule_open",
                       format_func=lambda r: rules[r].title_zh, placeholder="请选择规则 choose a rule")
    if not rid:
        return
    rule = rules[rid]
    st.subheader(rule.title_zh)
    st.caption(f"`{rid}` · {FAMILIES.get(rule.family, (rule.family,))[0]} · "
               f"等级 {SEVERITIES_ZH.get(rule.severity, rule.severity)} · 权重 weight {rule.weight}")
    if rule.meta.get("legal_basis"):
        st.write(f"依据 basis: {rule.meta['legal_basis']}")
    lookalikes = rule.meta.get("false_positives") or rule.meta.get("falsepositives")
    if lookalikes:
        st.write("合法情形 lawful look-alikes: " + "；".join(map(str, lookalikes)))
    months = [t for t in trend if t["rule_id"] == rid]
    if not months:
        st.info("该规则的线索尚无销号结论 no order of this rule has been closed yet")
        return
    st.write(f"查准率 precision: **{orderviews.rate(overall[rid]['precision'])}**"
             f"（{overall[rid]['confirmed']} / {overall[rid]['concluded']} 属实或部分属实 / 已销号）")
    st.caption("按月查准率 precision per month (Beijing time, by the month the order was closed)")
    chart = (alt.Chart(pd.DataFrame(months))
             .mark_line(point=alt.OverlayMarkDef(size=80))
             .encode(x=alt.X("month:O", title="月份 month", axis=alt.Axis(labelAngle=0)),
                     y=alt.Y("precision:Q", title="查准率 precision", scale=alt.Scale(domain=[0, 1]),
                             axis=alt.Axis(format="%")),
                     tooltip=[alt.Tooltip("month:O", title="月份"), alt.Tooltip("concluded:Q", title="已销号"),
                              alt.Tooltip("confirmed:Q", title="属实或部分属实"),
                              alt.Tooltip("precision:Q", title="查准率", format=".1%")])
             .properties(height=280))
    st.altair_chart(chart, width="stretch")
    st.dataframe(pd.DataFrame([{"月份 month": m["month"], "已销号 concluded": m["concluded"],
                                "属实或部分属实 confirmed": m["confirmed"], "不属实 dismissed": m["dismissed"],
                                "查准率 precision": orderviews.rate(m["precision"])} for m in months]),
                 hide_index=True, width="stretch")
