"""管理 Admin: accounts (add, change role or unit, disable / re-enable, reset
the password) and the audit log (filter by who, what, object and date; export;
verify the hash chain). Administrators only."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from reliefgraph.dashboard import accounts, audit, units
from reliefgraph.dashboard.permissions import require
from reliefgraph.dashboard.queryform import to_csv
from reliefgraph.dashboard.ui import Ctx, flash

CHOOSE = "请选择 choose"
NO_UNIT = ""          # the unit box's choice for "in no unit" (a selectbox cannot offer None and a name)
AUDIT_LIMIT = 2000


def render(ctx: Ctx) -> None:
    require(ctx.viewer, "manage_users")
    st.header("管理 Admin")
    users_tab, audit_tab = st.tabs(["用户 users", "审计日志 audit log"])
    with users_tab:
        _users(ctx)
    with audit_tab:
        _audit(ctx)


def _role(r: str) -> str:
    return f"{accounts.ROLES[r][0]} {r}" if r in accounts.ROLES else r


def _users(ctx: Ctx) -> None:
    rows = accounts.list_users(ctx.engine)
    unit_names = units.unit_names(ctx.engine)

    def unit_label(unit_id: str | None) -> str:
        return f"{unit_names.get(unit_id, unit_id)} ({unit_id})" if unit_id else "无单位 no unit"

    st.dataframe(pd.DataFrame([{
        "用户名 user": r["username"], "显示名 name": r["display_name"], "角色 role": _role(r["role"]),
        "单位 unit": unit_label(r["unit_id"]) if r["unit_id"] else "",
        "状态 status": "启用 active" if r["active"] else "停用 disabled",
        "创建 created (北京时间)": audit.beijing_time(r["created"]) if r["created"] else "",
        "最近登录 last sign-in (北京时间)": audit.beijing_time(r["last_sign_in"]) if r["last_sign_in"] else "从未 never"}
        for r in rows]), hide_index=True, width="stretch")
    with st.form("user_add", clear_on_submit=True):
        st.markdown("**新增用户 add a user**")
        c1, c2, c3 = st.columns(3)
        username = c1.text_input("用户名 user name", placeholder="小写字母开头 starts with a-z")
        display = c2.text_input("显示名 display name", placeholder="例如 王核查")
        role = c3.selectbox("角色 role", list(accounts.ROLES), format_func=_role, placeholder=CHOOSE)
        c4, c5 = st.columns([2, 1])
        password = c4.text_input("初始密码 initial password", type="password",
                                 placeholder=f"至少 {accounts.MIN_PASSWORD} 个字符 at least {accounts.MIN_PASSWORD} characters")
        unit = c5.selectbox("所属单位 unit", [NO_UNIT, *unit_names], format_func=unit_label, key="admin_add_unit",
                            placeholder=CHOOSE,
                            help="派单员、核查员、审核员须归属单位 dispatchers, verifiers and reviewers work within a unit")
        if st.form_submit_button("创建 create"):
            try:
                user = accounts.add_user(ctx.engine, username.strip(), password, role, display.strip() or None,
                                         unit_id=unit or None)
            except accounts.AccountError as exc:
                st.error(str(exc))
            else:
                ctx.audit("user_add", [user.username], {"role": role, "unit": unit or None})
                st.success(f"已创建 created {user.username}")
    others = [r for r in rows if r["username"] != ctx.user.username]
    if not others:
        return
    with st.form("user_change"):
        st.markdown("**修改用户 change a user**（不能修改自己 not yourself）")
        c1, c2 = st.columns(2)
        names = {r["username"]: r for r in others}
        who = c1.selectbox("用户 user", list(names), index=None, placeholder=CHOOSE, key="admin_who",
                           format_func=lambda u: f"{u} · {_role(names[u]['role'])} · "
                                                 f"{unit_names.get(names[u]['unit_id'], '无单位')} · "
                                                 f"{'启用' if names[u]['active'] else '停用'}")
        action = c2.radio("操作 action", ["role", "unit", "disable", "enable", "password"], horizontal=True,
                          key="admin_action",
                          format_func={"role": "变更角色 change role", "unit": "变更单位 change unit",
                                       "disable": "停用 disable", "enable": "重新启用 re-enable",
                                       "password": "重置密码 reset password"}.get)
        c3, c4, c5 = st.columns(3)
        new_role = c3.selectbox("新角色 new role", list(accounts.ROLES), format_func=_role, key="admin_role",
                                placeholder=CHOOSE)
        new_unit = c4.selectbox("新单位 new unit", [NO_UNIT, *unit_names], format_func=unit_label, key="admin_unit",
                                index=None, placeholder=CHOOSE)
        new_password = c5.text_input("新密码 new password", type="password", key="admin_password",
                                     placeholder=f"至少 {accounts.MIN_PASSWORD} 个字符")
        if st.form_submit_button("执行 apply"):
            _change(ctx, who, action, new_role, new_password, new_unit, names)


def _change(ctx: Ctx, who: str | None, action: str, role: str, password: str, unit: str | None = None,
            rows: dict[str, dict] | None = None) -> None:
    if who is None:
        st.error("请先选择用户 choose a user first")
        return
    try:
        if action == "role":
            accounts.set_role(ctx.engine, who, role)
            ctx.audit("user_role", [who], {"to": role})
        elif action == "unit":
            if unit is None:
                st.error("请选择新单位（或“无单位”） choose the new unit (or no unit)")
                return
            before = (rows or {}).get(who, {}).get("unit_id")
            # Ends the account's sessions: the orders it sees change from its next sign-in.
            accounts.set_unit(ctx.engine, who, unit or None)
            ctx.audit("user_unit", [who], {"unit": unit or None, "from": before})
        elif action == "disable":
            accounts.disable_user(ctx.engine, who)
            ctx.audit("user_disable", [who])
        elif action == "enable":
            accounts.enable_user(ctx.engine, who)
            ctx.audit("user_enable", [who])
        else:
            accounts.set_password(ctx.engine, who, password)
            # The password itself is never recorded.
            ctx.audit("user_password", [who])
    except accounts.AccountError as exc:
        st.error(str(exc))
        return
    flash(f"已完成 done: {who}")
    st.rerun()


def _audit(ctx: Ctx) -> None:
    c1, c2, c3 = st.columns(3)
    actor = c1.text_input("用户 who", placeholder="用户名 user name").strip() or None
    action = c2.selectbox("操作 action", [None, *audit.ACTIONS],
                          format_func=lambda a: "全部 all" if a is None else f"{audit.ACTIONS[a]} {a}",
                          placeholder="全部 all")
    subject = c3.text_input("对象 subject", placeholder="例如 Person:5201… 或 Clue:…").strip() or None
    today = (datetime.now(audit.BEIJING)).date()
    c4, c5 = st.columns(2)
    first = c4.date_input("起 from (北京时间)", value=today - timedelta(days=30), format="YYYY-MM-DD",
                          key="audit_from")
    last = c5.date_input("止 to (北京时间)", value=today, format="YYYY-MM-DD", key="audit_to")
    since, until = audit.day_bounds(first, last)
    ctx.audit_once(f"audit:{actor}:{action}:{subject}:{since}:{until}", "view_audit", [],
                   {"actor": actor, "action": action, "window": [str(first or ""), str(last or "")]})
    rows = [audit.readable(e) for e in audit.entries(ctx.engine, limit=AUDIT_LIMIT, actor=actor, action=action,
                                                        subject=subject, since=since, until=until)]
    st.caption(f"{len(rows)} 条记录 entries" + (f"（仅显示最近 {AUDIT_LIMIT} 条 newest only）"
                                              if len(rows) >= AUDIT_LIMIT else ""))
    frame = pd.DataFrame(rows, columns=["#", "时间 when (北京时间)", "用户 who", "角色 role", "操作 action",
                                        "对象 subjects", "详情 detail"])
    st.dataframe(frame, hide_index=True, width="stretch", height=420,
                 column_config={"详情 detail": st.column_config.TextColumn(width="large")})
    c6, c7 = st.columns(2)
    c6.download_button("导出审计日志 CSV export", to_csv(list(frame.columns), [tuple(r.values()) for r in rows]),
                       file_name="audit_log.csv", mime="text/csv", on_click=ctx.audit,
                       args=("export", [], {"what": "audit_log", "rows": len(rows)}))
    if c7.button("校验哈希链 verify the chain"):
        result = audit.verify(ctx.engine)
        if result.ok:
            st.success(f"审计日志完整 intact: {result.entries} 条 entries; 链头 head {result.head}")
        else:
            st.error("审计日志被篡改 tampered: " + "; ".join(f"#{s} {r}" for s, r in result.problems[:20]))
