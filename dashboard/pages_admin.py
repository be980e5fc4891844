"""管理 Admin: accounts and the audit log (administrators only)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reliefgraph.dashboard import accounts, audit
from reliefgraph.dashboard.permissions import require
from reliefgraph.dashboard.ui import Ctx


def render(ctx: Ctx) -> None:
    require(ctx.viewer, "manage_users")
    st.header("管理 Admin")
    users_tab, audit_tab = st.tabs(["用户 users", "审计日志 audit log"])
    with users_tab:
        _users(ctx)
    with audit_tab:
        _audit(ctx)


def _users(ctx: Ctx) -> None:
    rows = accounts.list_users(ctx.engine)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    with st.form("user_add", clear_on_submit=True):
        st.markdown("**新增用户 add a user**")
        c1, c2, c3 = st.columns(3)
        username = c1.text_input("用户名 user name")
        display = c2.text_input("显示名 display name")
        role = c3.selectbox("角色 role", list(accounts.ROLES), format_func=lambda r: f"{accounts.ROLES[r][0]} {r}")
        password = st.text_input("初始密码 initial password", type="password")
        if st.form_submit_button("创建 create"):
            try:
                user = accounts.add_user(ctx.engine, username.strip(), password, role, display.strip() or None)
            except accounts.AccountError as exc:
                st.error(str(exc))
            else:
                ctx.audit("user_add", [user.username], {"role": role})
                st.success(f"已创建 created {user.username}")
    active = [r["username"] for r in rows if r["active"] and r["username"] != ctx.user.username]
    if active:
        with st.form("user_disable"):
            who = st.selectbox("停用用户 disable a user", active)
            if st.form_submit_button("停用 disable"):
                accounts.disable_user(ctx.engine, who)
                ctx.audit("user_disable", [who])
                st.rerun()


def _audit(ctx: Ctx) -> None:
    c1, c2, c3 = st.columns(3)
    actor = c1.text_input("用户 who").strip() or None
    action = c2.selectbox("操作 action", [None, *audit.ACTIONS],
                          format_func=lambda a: "全部 all" if a is None else f"{audit.ACTIONS[a]} {a}")
    subject = c3.text_input("对象 subject (e.g. Person:5201…)").strip() or None
    ctx.audit_once(f"audit:{actor}:{action}:{subject}", "view_audit", [], {"actor": actor, "action": action})
    rows = audit.entries(ctx.engine, limit=500, actor=actor, action=action, subject=subject)
    st.dataframe(pd.DataFrame([{"#": e.seq, "时间 when (UTC)": e.at[:19], "用户 who": e.actor, "角色 role": e.role,
                                "操作 action": f"{audit.ACTIONS.get(e.action, '')} {e.action}",
                                "对象 subjects": ", ".join(e.subjects), "详情 detail": str(e.detail)}
                               for e in rows]), hide_index=True, width="stretch")
    if st.button("校验哈希链 verify the chain"):
        result = audit.verify(ctx.engine)
        if result.ok:
            st.success(f"审计日志完整 intact: {result.entries} 条 entries; 链头 head {result.head}")
        else:
            st.error("审计日志被篡改 tampered: " + "; ".join(f"#{s} {r}" for s, r in result.problems[:20]))
