"""审核 Review: the dispatching unit's reviewer approves (销号) or returns
the feedback with a reason. Nobody reviews an order they verified (four eyes)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reliefgraph.dashboard import orders, orderviews, units
from reliefgraph.dashboard.pages_orders import _step, order_panel
from reliefgraph.dashboard.permissions import order_refusal
from reliefgraph.dashboard.ui import Ctx


def render(ctx: Ctx) -> None:
    st.header("审核 Review")
    names = units.unit_names(ctx.engine)
    rows = orderviews.awaiting_review(ctx.engine, ctx.viewer)
    st.caption(f"待审核 awaiting review: {len(rows)} 条（本单位派出的工单 orders my unit dispatched）")
    if rows:
        st.dataframe(pd.DataFrame([orderviews.order_row(o, names) for o in rows]), hide_index=True, width="stretch")
    labels = {o["order_id"]: f"{o['order_id']} · {o.get('subject_name') or ''}" for o in rows}
    opened = st.session_state.get("review_order")
    if opened and opened not in labels:
        labels[opened] = opened
    oid = st.selectbox("打开工单 open an order", list(labels), index=None, format_func=labels.get,
                       key="review_order", placeholder="请选择待审核工单 choose an order")
    if not oid:
        return
    order_panel(ctx, oid, names)
    o = orders.order(ctx.engine, oid)
    if o["status"] != "submitted":
        return
    refusal = order_refusal(ctx.viewer, "review", o)
    if refusal:
        st.info(f"{refusal}。核查与审核须由不同人员完成，请由本单位其他审核员审核 "
                "verification and review must be two different people; another reviewer of the unit reviews it")
        return
    with st.form(f"review:{oid}"):
        decision = st.radio("审核意见 decision", ["approve", "return"], horizontal=True, index=None,
                            format_func={"approve": "同意销号 approve and close",
                                         "return": "退回重新核查 return for more work"}.get)
        reason = st.text_area("退回原因 reason（退回时必填 required to return）", placeholder="需补充核查的内容 what is missing")
        sent = st.form_submit_button("提交审核意见 submit", type="primary")
    if not sent:
        return
    if decision is None:
        st.error("请选择审核意见 choose approve or return")
        return
    if decision == "return" and not reason.strip():
        st.error("退回须填写原因 a return needs a reason")
        return
    approve = decision == "approve"
    _step(lambda: orders.review(ctx.engine, ctx.viewer, oid, approve=approve, reason=reason),
          f"工单 {oid} 已销号 closed" if approve else f"工单 {oid} 已退回 returned: {reason.strip()}")
