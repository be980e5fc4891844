"""派单 Dispatch: a dispatcher picks clues (filters, bulk select) and sends
them as orders to a unit with a deadline."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from reliefgraph.dashboard import cluetable, orders, orderviews, units
from reliefgraph.dashboard.pages_clues import _town_names
from reliefgraph.dashboard.permissions import dispatch_refusal
from reliefgraph.dashboard.ui import Ctx, flash, rule_files
from reliefgraph.queries.rules import DEADLINE_DAYS, FAMILIES

PICK = "选择"
SHOWN = {"score": "评分 score", "name": "姓名 name", "family": "类别 family", "town": "乡镇 town",
         "rules": "规则 rules", "severity": "等级 severity", "first_seen": "首次发现 first seen",
         "subject": "身份证号 ID"}


def render(ctx: Ctx) -> None:
    st.header("派单 Dispatch")
    refusal = dispatch_refusal(ctx.viewer)
    if refusal:
        st.warning(refusal)
        return
    rules = {r.id: r.title_zh for r in rule_files()}
    towns = _town_names(id(ctx.store), ctx.store)
    with st.expander("筛选 filters", expanded=True):
        c1, c2, c3 = st.columns(3)
        families = c1.multiselect("类别 family", list(FAMILIES), format_func=lambda f: FAMILIES[f][0],
                                  placeholder="全部类别 all families", key="dispatch_families")
        rule = c2.selectbox("规则 rule", [None, *rules], format_func=lambda r: "全部 all" if r is None else rules[r],
                            placeholder="全部 all", key="dispatch_rule")
        town = c3.selectbox("乡镇 town", [None, *cluetable.towns(ctx.engine)], key="dispatch_town",
                            format_func=lambda t: "全部 all" if t is None else cluetable.town_label(t, towns),
                            placeholder="全部 all")
        c4, c5 = st.columns(2)
        min_score = c4.slider("最低评分 min score", 0.0, 1.0, 0.0, 0.05, key="dispatch_score")
        only_new = c5.checkbox("仅看上次检测新增 new in last run", key="dispatch_new",
                               help="首次发现于最近一次检测运行之后的线索 first seen since the latest detection run began")
    since = cluetable.last_run_started(ctx.engine) if only_new else None
    filters = cluetable.ClueFilters(tuple(families), (), rule, town, None, min_score, new_since=since)
    rows = orderviews.undispatched(ctx.engine, cluetable.clue_rows(ctx.engine, ctx.viewer, filters, towns, rules))
    st.caption(f"待派单线索 clues not yet dispatched: {len(rows)} 条")
    if not rows:
        st.info("没有符合条件的待派单线索 no clue waiting to be dispatched matches")
        return
    pick_all = st.checkbox("全选筛选结果 select every clue shown", key="dispatch_all")
    frame = pd.DataFrame(rows)[["clue_id", *SHOWN]].rename(columns=SHOWN)
    frame.insert(0, PICK, pick_all)
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", height=420, key=f"dispatch_table:{pick_all}",
        disabled=[c for c in frame.columns if c != PICK],
        column_config={PICK: st.column_config.CheckboxColumn(PICK, width="small"),
                       "clue_id": None,   # kept to know the rows, not shown
                       SHOWN["score"]: st.column_config.ProgressColumn(SHOWN["score"], min_value=0, max_value=1,
                                                                       format="%.2f", width="small")})
    chosen = edited.loc[edited[PICK], "clue_id"].tolist()
    all_units = units.list_units(ctx.engine)
    targets = {u["unit_id"]: u["name"] for u in all_units if u["unit_id"] != ctx.viewer.unit_id}
    # Not a form: whether one deadline is set changes what is asked.
    with st.container(border=True):
        st.markdown(f"已选 selected: **{len(chosen)}** 条")
        c1, c2 = st.columns(2)
        unit_id = c1.selectbox("承办单位 to unit", list(targets), index=None, format_func=targets.get,
                               placeholder="请选择承办单位 choose a unit", key="dispatch_unit")
        set_one = c2.checkbox("统一指定期限 one deadline for all", key="dispatch_set_deadline")
        if set_one:
            deadline = c2.date_input("核查期限 deadline", value=orderviews.today_beijing() + timedelta(days=7),
                                     min_value=orderviews.today_beijing(), format="YYYY-MM-DD",
                                     key="dispatch_deadline")
        else:
            deadline = None
            c2.caption("期限按线索等级自动确定 deadline by each clue's severity: " + "，".join(
                f"{cluetable.SEVERITY[s]} {d} 天" for s, d in DEADLINE_DAYS.items()) + "（北京时间 Beijing days）")
        submitted = st.button("派单 dispatch", type="primary", disabled=not chosen, key="dispatch_go")
    if not submitted:
        return
    if not chosen:
        st.error("请先在表格中勾选线索 tick the clues to dispatch first")
        return
    if not unit_id:
        st.error("请选择承办单位 choose the unit to send them to")
        return
    try:
        made = orders.dispatch(ctx.engine, ctx.viewer, chosen, unit_id, deadline=deadline)
    except (orders.OrderError, PermissionError) as exc:
        st.error(str(exc))
        return
    flash(f"已派单 {len(made)} 条至「{targets[unit_id]}」 dispatched {len(made)} clues to {targets[unit_id]}")
    st.rerun()
