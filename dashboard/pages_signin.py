"""登录 Sign-in."""
from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from reliefgraph.dashboard import accounts, audit
from reliefgraph.dashboard.ui import TOKEN


def render(engine: Engine) -> None:
    st.title("社会救助跨部门关联监督 reliefgraph")
    reason = st.session_state.pop("signed_out_reason", None)
    if reason:
        st.warning(reason)
    if not accounts.list_users(engine):
        st.info("尚无用户。请先在命令行创建管理员 no users yet — create the first admin on the command line: "
                "`reliefgraph user add NAME --role admin`")
    with st.form("sign_in"):
        username = st.text_input("用户名 User name", placeholder="用户名 user name")
        password = st.text_input("密码 Password", type="password", placeholder="密码 password")
        submitted = st.form_submit_button("登录 Sign in")
    if not submitted:
        return
    try:
        session = accounts.sign_in(engine, username, password)
    except accounts.SignInError as exc:
        # The typed name is recorded as the actor (failed attempts on an
        # account are what an administrator looks for) — unless it is not a
        # possible user name: people type their password into the wrong box.
        typed = username.strip().lower()
        audit.record(engine, typed if accounts.USERNAME.match(typed) else "-", "sign_in_failed", [],
                     {"reason": exc.reason})
        st.error(str(exc))
        return
    audit.record(engine, session.user.username, "sign_in", [], {}, session.user.role)
    st.session_state[TOKEN] = session.token
    st.rerun()
