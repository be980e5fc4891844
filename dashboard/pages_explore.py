"""图谱 Explore: search, draw the neighbourhood, expand, filter, hide, pin,
a timeline of the person or household, export."""
from __future__ import annotations

import streamlit as st

from reliefgraph.dashboard import cluetable, explore, graphlayout, graphview, timeline
from reliefgraph import exports
from reliefgraph.dashboard.ui import Ctx, draw, search_index
from reliefgraph.graph.schema import load_schema

STATE = "explore"
# Set by another page (a clue's "open the graph"): what to draw on arrival.
PENDING = "explore_pending"
CHOOSE = "请选择 choose"


def _state() -> dict:
    return st.session_state.setdefault(STATE, {"candidates": [], "graph": None, "centre": None, "found": 0,
                                               "hidden": [], "highlight": [], "notice": None, "timeline": None})


def open_subject(label: str, key: str, highlight: list[str] | None = None, page: str = "图谱 Explore") -> None:
    """A button callback: switch to this page with `label:key` drawn (and a clue's evidence marked)."""
    st.session_state[PENDING] = {"label": label, "key": key, "highlight": list(highlight or [])}
    st.session_state["page"] = page


def render(ctx: Ctx) -> None:
    st.header("图谱 Explore")
    schema = load_schema()
    state = _state()
    pending = st.session_state.pop(PENDING, None)
    if pending:
        state["candidates"] = []
        _draw(ctx, state, pending["label"], pending["key"], 2, explore.Filters(), True, pending["highlight"])
    with st.form("explore_search"):
        text = st.text_input("姓名、身份证号、号牌、统一社会信用代码、单位或地址（姓名可输拼音首字母） "
                             "name (or its pinyin initials), citizen ID, plate, credit code, organisation or address",
                             placeholder="例如 张三、zs、贵A12345、青禾建材、青山村1组")
        if st.form_submit_button("检索 search") and text.strip():
            state["candidates"] = explore.search(
                ctx.store, text, ctx.viewer, index=search_index(),
                clue_counts=lambda ids: cluetable.clue_counts(ctx.engine, ids))
            ctx.audit("search", [c.ref for c in state["candidates"]],
                      {"text": text.strip(), "hits": len(state["candidates"])})
            if not state["candidates"]:
                st.info("未找到 nothing found")
    candidates = state["candidates"]
    pick = None
    if candidates:
        # None chosen among several: with namesakes, a preselected first one
        # is how the wrong person gets looked at. A single hit (an ID, a
        # plate) leaves nothing to confuse.
        pick = st.radio(f"选择对象（{len(candidates)} 个结果；同名者按出生日期、村居和线索数区分） "
                        "choose (namesakes differ by birth date, village and clues)",
                        range(len(candidates)), index=0 if len(candidates) == 1 else None, key="explore_pick",
                        format_func=lambda i: candidates[i].option(schema))
    if candidates or state["graph"] is not None:
        hops, filters, collapse = _filter_controls(schema)
        b1, b2 = st.columns(2)
        if candidates and b1.button("绘制 draw", key="explore_draw", disabled=pick is None,
                                    help="先在上面选择一个对象 choose one above first" if pick is None else None):
            chosen = candidates[pick]
            _draw(ctx, state, chosen.label, chosen.key, hops, filters, collapse, [])
        if state["graph"] is not None and b2.button("按筛选重新查询当前图 apply the filters to this graph",
                                                    key="explore_refilter"):
            _refilter(ctx, state, hops, filters, collapse)
    if state["graph"] is not None:
        _show(ctx, state)


def _filter_controls(schema) -> tuple[int, explore.Filters, bool]:
    c1, c2 = st.columns(2)
    hops = c1.radio("范围 hops", [1, 2], index=1, horizontal=True, key="explore_hops")
    types = c2.multiselect("关系类型 relationship types（空为全部 empty = all）", list(schema.relationships),
                           format_func=lambda t: f"{schema.relationships[t].zh} {t}", key="explore_types",
                           placeholder="全部关系类型 all types")
    c3, c4 = st.columns(2)
    start = c3.date_input("时间窗口起 window from", value=None, key="explore_from", format="YYYY-MM-DD")
    end = c4.date_input("时间窗口止 window to", value=None, key="explore_to", format="YYYY-MM-DD")
    filters = explore.Filters(tuple(types), start.isoformat() if start else None, end.isoformat() if end else None)
    each = st.checkbox("逐月显示发放记录 show each monthly payment（默认按救助和收款人合并 folded by default）",
                       key="explore_each_payment")
    return hops, filters, not each


def _draw(ctx: Ctx, state: dict, label: str, key, hops: int, filters: explore.Filters, collapse: bool,
          highlight: list[str]) -> None:
    sub, found = explore.neighbourhood(ctx.store, label, key, ctx.viewer, hops, filters, collapse=collapse)
    ref = f"{label}:{key}"
    state.update(graph=sub, centre=ref, centre_key=(label, key), hops=hops, found=found, hidden=[], filters=filters,
                 collapse=collapse, highlight=highlight, notice=None, timeline=None)
    ctx.audit("view_subgraph", [ref], {"hops": hops, "types": list(filters.types), "nodes": len(sub.nodes),
                                       "window": [filters.start, filters.end], "from_clue": bool(highlight)})


def _refilter(ctx: Ctx, state: dict, hops: int, filters: explore.Filters, collapse: bool) -> None:
    """The drawn centre queried again with the filters now set: nodes that stay keep their places."""
    label, key = state["centre_key"]
    old: graphview.Subgraph = state["graph"]
    sub, found = explore.neighbourhood(ctx.store, label, key, ctx.viewer, hops, filters, collapse=collapse)
    text = graphlayout.refilter_notice(old, sub)
    state.update(graph=sub, found=found, hops=hops, filters=filters, collapse=collapse, notice=text, timeline=None)
    ctx.audit("view_subgraph", [state["centre"]], {"hops": hops, "types": list(filters.types), "nodes": len(sub.nodes),
                                                   "window": [filters.start, filters.end], "refilter": True})


def _names(sub: graphview.Subgraph) -> dict[str, str]:
    """What each node is called in the pick lists: caption and kind, numbered when two read the same."""
    schema = load_schema()
    names, seen = {}, {}
    for ref, n in sub.nodes.items():
        name = f"{n.caption} ({schema.nodes[n.label].zh})"
        seen[name] = seen.get(name, 0) + 1
        names[ref] = name if seen[name] == 1 else f"{name} #{seen[name]}"
    return names


def _show(ctx: Ctx, state: dict) -> None:
    sub: graphview.Subgraph = state["graph"]
    crowds = [n for n in sub.nodes.values() if n.folded is not None]
    if sub.truncated and crowds and state["found"] <= graphview.MAX_DRAW_NODES:
        # Everything found is drawn; what the engine left out is the rest of a crowd.
        st.info(f"有 {len(crowds)} 组邻居人数众多（如同一单位的人员），各合并为一个方形节点，在「展开」中选择即可列出成员。"
                f" {len(crowds)} crowd(s) of neighbours (people at one organisation …) are each one square node; "
                "choose one under expand to list its members.")
    elif sub.truncated:
        st.warning(f"邻居过多：找到 {state['found']} 个以上节点，仅绘制 {graphview.MAX_DRAW_NODES} 个。"
                   "请按关系类型或时间窗口筛选，或只看一跳。 Too many neighbours to draw: showing "
                   f"{graphview.MAX_DRAW_NODES} of {state['found']}+; filter by relationship type or time, or use 1 hop.")
    names = _names(sub)
    c1, c2, c3 = st.columns([2, 2, 1])
    hidden = c1.multiselect("隐藏 hide", list(names), format_func=names.get, key="explore_hide",
                            placeholder="选择要隐藏的节点 nodes to hide")
    pinned = c2.multiselect("固定 pin", list(names), format_func=names.get, key="explore_pin",
                            placeholder="选择要固定的节点 nodes to pin")
    for ref, node in sub.nodes.items():
        node.pinned = ref in pinned
    # A folded run of payments is a summary with no record of its own to
    # expand; a folded crowd (colleagues, approved grants) opens into its members.
    expandable = [ref for ref, n in sub.nodes.items() if n.key is not None or n.folded is not None]
    target = c3.selectbox("展开 expand", expandable, index=None, format_func=names.get, key="explore_expand",
                          placeholder=CHOOSE)
    if target and c3.button("展开邻居 expand"):
        _expand(ctx, state, target, names[target])
        st.rerun()
    if state.get("notice"):
        st.info(state["notice"])
    shown = sub.without(hidden)
    marked = [r for r in state.get("highlight") or [] if r in shown.nodes]
    st.caption(f"节点 nodes {len(shown.nodes)} · 关系 relationships {len(shown.edges)}"
               + (f" · 红色为线索证据路径 red: the clue's evidence ({len(marked)} 个节点)" if marked else "")
               + " · 悬停查看关系名称 hover an edge for its name")
    draw(shown, centre=state["centre"], highlight=marked)
    _timeline(ctx, state, sub, names)
    d0, d1, d2, d3, d4 = st.columns(5)
    detail = {"what": "subgraph", "nodes": len(shown.nodes)}
    subjects = list(shown.nodes)
    # Drawn only when asked for: a picture takes longer than the page.
    def button(col, label: str, make, file_name: str, mime: str, fmt: str) -> None:
        col.download_button(label, ctx.exported(make, subjects, {**detail, "format": fmt}), file_name=file_name,
                            mime=mime, on_click="ignore")

    button(d0, "导出 PNG 图片", lambda: graphview.to_png(shown) or b"", "subgraph.png", "image/png", "png")
    button(d1, "导出 HTML", lambda: graphview.to_html(shown, centre=state["centre"], inline=True), "subgraph.html",
           "text/html", "html")
    button(d2, "节点 CSV nodes", lambda: graphview.nodes_csv(shown), "nodes.csv", exports.MIME["csv"], "nodes.csv")
    button(d3, "节点 Excel nodes", lambda: graphview.nodes_xlsx(shown), "nodes.xlsx", exports.MIME["xlsx"],
           "nodes.xlsx")
    button(d4, "关系 CSV edges", lambda: graphview.edges_csv(shown), "edges.csv", exports.MIME["csv"], "edges.csv")


def _expand(ctx: Ctx, state: dict, target: str, name: str) -> None:
    sub: graphview.Subgraph = state["graph"]
    before = set(sub.nodes)
    node = sub.nodes[target]
    if node.folded is not None:
        grown = graphlayout.unfold(sub, target)
        added = [r for r in grown.nodes if r not in before]
    else:
        more, _ = explore.neighbourhood(ctx.store, node.label, node.key, ctx.viewer, 1,
                                        state.get("filters") or explore.Filters(), collapse=state.get("collapse", True))
        for n in more.nodes.values():
            if n.ref not in before:
                n.x = n.y = None
        merged = sub.merge(more)
        merged = graphlayout.fold_new(merged, target, [r for r in merged.nodes if r not in before])
        grown = graphview.cap(merged, keep=[state["centre"], target, *before])
        added = [r for r in grown.nodes if r not in before]
        graphlayout.place_new(grown, around=target)
    state["graph"] = grown
    state["notice"] = (f"展开「{name}」：新增 {len(added)} 个节点 added {len(added)} nodes" if added else
                       f"展开「{name}」：没有新的邻居，图中已包含它的全部关系 nothing new: "
                       "everything linked to it is already drawn")
    if node.folded is not None:
        state["notice"] += graphlayout.group_cap_notice(node)
    ctx.audit("view_subgraph", [target], {"hops": 1, "expand": True, "added": len(added)})


def _timeline(ctx: Ctx, state: dict, sub: graphview.Subgraph, names: dict[str, str]) -> None:
    subjects = [r for r, n in sub.nodes.items() if n.label in ("Person", "Household") and n.key is not None]
    if not subjects:
        return
    with st.container(border=True):
        default = subjects.index(state["centre"]) if state["centre"] in subjects else 0
        who = st.selectbox("时间线 timeline：人员或家庭 person or household", subjects, index=default,
                           format_func=names.get, key="explore_timeline", placeholder=CHOOSE)
        if who is None:
            return
        cached = state.get("timeline")
        if not cached or cached[0] != who:
            node = sub.nodes[who]
            frame = timeline.facts(ctx.store, node.label, node.key, ctx.viewer)
            # Read and built once per subject, not on each rerun of the page.
            cached = (who, None if frame.empty else timeline.spec(frame))
            state["timeline"] = cached
        if cached[1] is None:
            st.caption("没有带日期的记录 no dated records")
            return
        st.vega_lite_chart(cached[1], width="stretch")
        st.caption("救助、发放、车辆、不动产、企业、财政供养、任职与死亡记录同一时间轴；"
                   "未结束的记录画到今天（北京时间） grants, payments, vehicles, property, companies, payroll, "
                   "posts and death on one axis; open spells run to today")
