"""图谱 Explore: search, draw the neighbourhood, expand, filter, hide, pin, export."""
from __future__ import annotations

import streamlit as st

from reliefgraph.dashboard import explore, graphview
from reliefgraph.dashboard.ui import Ctx, draw
from reliefgraph.graph.schema import load_schema

STATE = "explore"


def _state() -> dict:
    return st.session_state.setdefault(STATE, {"candidates": [], "graph": None, "centre": None, "found": 0,
                                               "hidden": []})


def render(ctx: Ctx) -> None:
    st.header("图谱 Explore")
    schema = load_schema()
    state = _state()
    with st.form("explore_search"):
        text = st.text_input("姓名、身份证号、号牌、统一社会信用代码或企业名称 "
                             "name, citizen ID, plate, credit code or company name")
        if st.form_submit_button("检索 search") and text.strip():
            state["candidates"] = explore.search(ctx.store, text, ctx.viewer)
            ctx.audit("search", [c.ref for c in state["candidates"]],
                      {"text": text.strip(), "hits": len(state["candidates"])})
            if not state["candidates"]:
                st.info("未找到 nothing found")
    candidates = state["candidates"]
    if candidates:
        pick = st.radio("选择对象（同名者按出生日期、村居区分） choose (namesakes differ by birth date and village)",
                        range(len(candidates)), key="explore_pick",
                        format_func=lambda i: (f"{schema.nodes[candidates[i].label].zh} · {candidates[i].caption} · "
                                               f"{candidates[i].shown_key} · {candidates[i].detail}"))
        c1, c2 = st.columns(2)
        hops = c1.radio("范围 hops", [1, 2], index=1, horizontal=True, key="explore_hops")
        types = c2.multiselect("关系类型 relationship types（空为全部 empty = all）", list(schema.relationships),
                               format_func=lambda t: f"{schema.relationships[t].zh} {t}", key="explore_types")
        c3, c4 = st.columns(2)
        start = c3.date_input("时间窗口起 window from", value=None, key="explore_from")
        end = c4.date_input("时间窗口止 window to", value=None, key="explore_to")
        filters = explore.Filters(tuple(types), start.isoformat() if start else None, end.isoformat() if end else None)
        each = st.checkbox("逐月显示发放记录 show each monthly payment（默认按救助和收款人合并 folded by default）",
                           key="explore_each_payment")
        if st.button("绘制 draw", key="explore_draw"):
            chosen = candidates[pick]
            sub, found = explore.neighbourhood(ctx.store, chosen.label, chosen.key, ctx.viewer, hops, filters,
                                               collapse=not each)
            state.update(graph=sub, centre=chosen.ref, found=found, hidden=[], filters=filters, collapse=not each)
            ctx.audit("view_subgraph", [chosen.ref], {"hops": hops, "types": list(types), "nodes": len(sub.nodes),
                                                      "window": [filters.start, filters.end]})
    if state["graph"] is not None:
        _show(ctx, state)


def _show(ctx: Ctx, state: dict) -> None:
    sub: graphview.Subgraph = state["graph"]
    if sub.truncated:
        st.warning(f"邻居过多：找到 {state['found']} 个以上节点，仅绘制 {graphview.MAX_DRAW_NODES} 个。"
                   "请按关系类型或时间窗口筛选，或只看一跳。 Too many neighbours to draw: showing "
                   f"{graphview.MAX_DRAW_NODES} of {state['found']}+; filter by relationship type or time, or use 1 hop.")
    names = {ref: f"{n.caption} ({load_schema().nodes[n.label].zh})" for ref, n in sub.nodes.items()}
    c1, c2, c3 = st.columns([2, 2, 1])
    hidden = c1.multiselect("隐藏 hide", list(names), format_func=names.get, key="explore_hide")
    pinned = c2.multiselect("固定 pin", list(names), format_func=names.get, key="explore_pin")
    for ref, node in sub.nodes.items():
        node.pinned = ref in pinned
    # A folded run of payments is a summary with no record of its own to expand.
    expandable = [ref for ref, n in sub.nodes.items() if n.key is not None]
    target = c3.selectbox("展开 expand", [None, *expandable], format_func=lambda r: "—" if r is None else names[r],
                          key="explore_expand")
    if target and c3.button("展开邻居 expand"):
        label, key = sub.nodes[target].label, sub.nodes[target].key
        more, _ = explore.neighbourhood(ctx.store, label, key, ctx.viewer, 1, state.get("filters") or explore.Filters(),
                                        collapse=state.get("collapse", True))
        grown = graphview.cap(sub.merge(more), keep=[state["centre"], target])
        state["graph"] = grown
        ctx.audit("view_subgraph", [target], {"hops": 1, "expand": True, "nodes": len(more.nodes)})
        st.rerun()
    shown = sub.without(hidden)
    st.caption(f"节点 nodes {len(shown.nodes)} · 关系 relationships {len(shown.edges)}")
    draw(shown, centre=state["centre"])
    d0, d1, d2, d3 = st.columns(4)
    detail = {"what": "subgraph", "nodes": len(shown.nodes)}
    subjects = list(shown.nodes)
    # Drawn only when asked for: a picture takes longer than the page.
    d0.download_button("导出 PNG 图片", lambda: graphview.to_png(shown) or b"", file_name="subgraph.png",
                       mime="image/png", on_click=ctx.audit, args=("export", subjects, {**detail, "format": "png"}))
    d1.download_button("导出 HTML", lambda: graphview.to_html(shown, centre=state["centre"], inline=True),
                       file_name="subgraph.html", mime="text/html", on_click=ctx.audit, args=("export", subjects, {**detail, "format": "html"}))
    d2.download_button("节点 CSV nodes", graphview.nodes_csv(shown), file_name="nodes.csv", mime="text/csv",
                       on_click=ctx.audit, args=("export", subjects, {**detail, "format": "nodes.csv"}))
    d3.download_button("关系 CSV edges", graphview.edges_csv(shown), file_name="edges.csv", mime="text/csv",
                       on_click=ctx.audit, args=("export", subjects, {**detail, "format": "edges.csv"}))
