"""The dashboard's entry point: `reliefgraph dashboard` runs this with Streamlit.

Sign-in first; then the pages the signed-in role may open. Every page gets a
`Ctx` (application database, graph store, user, viewer for masking) and
writes what it shows or changes to the audit log.
"""
from __future__ import annotations

import streamlit as st

from reliefgraph.dashboard import accounts, audit, pages_signin, ui, units
from reliefgraph.dashboard.permissions import PermissionDenied, can

PAGES = {
    "总览 Overview": "pages_overview",
    "派单 Dispatch": "pages_dispatch",
    "工单 Orders": "pages_orders",
    "审核 Review": "pages_review",
    "线索 Clues": "pages_clues",
    "图谱 Explore": "pages_explore",
    "查询 Saved queries": "pages_queries",
    "核查 Cases": "pages_cases",
    "报告 Reports": "pages_reports",
    "统计 Statistics": "pages_stats",
    "规则 Rules": "pages_rules",
    "管理 Admin": "pages_admin",
}
# Pages only some roles need; every other page is open to every role.
PAGE_ROLES = {
    "pages_dispatch": {"dispatcher"},
    "pages_orders": {"dispatcher", "verifier", "reviewer", "admin"},
    "pages_review": {"reviewer"},
    "pages_cases": {"admin", "verifier"},     # cases from before orders, worked to their end
}


def pages_for(role: str) -> list[str]:
    return [name for name, module in PAGES.items()
            if (module != "pages_admin" or can(role, "manage_users")) and role in PAGE_ROLES.get(module, {role})]


def main() -> None:
    st.set_page_config(page_title="reliefgraph 社会救助监督", page_icon="🔎", layout="wide")
    settings = ui.settings()
    engine = ui.app_engine(settings.app_db)
    user = ui.current_user(engine)
    if user is None:
        pages_signin.render(engine)
        return
    try:
        store = ui.graph_store(settings.graph_uri)
    except Exception as exc:  # the page must say what to do, not crash
        st.error(f"无法打开图数据库 cannot open the graph store: {exc}")
        return
    ctx = ui.Ctx(engine, store, user, ui.viewer_for(engine, user, store))
    with st.sidebar:
        unit = units.get_unit(engine, user.unit_id)
        st.markdown(f"**{user.display_name}** · {user.role_zh} {user.role}" + (f"  \n{unit['name']}" if unit else ""))
        page = st.radio("页面 page", pages_for(user.role), key="page")
        if st.button("退出 sign out"):
            audit.record(engine, user.username, "sign_out", [], {}, user.role)
            accounts.sign_out(engine, st.session_state.pop(ui.TOKEN))
            # Drawn graphs and query results were masked for this user; the
            # next one to sign in at this browser must not inherit them.
            for key in list(st.session_state):
                del st.session_state[key]
            st.rerun()
    import importlib

    module = importlib.import_module(f"reliefgraph.dashboard.{PAGES[page]}")
    ui.show_flashes()
    from reliefgraph.dashboard.pages_orders import deadline_notice

    deadline_notice(ctx)
    try:
        module.render(ctx)
    except PermissionDenied as exc:
        st.error(str(exc))


main()
