"""Access: each role can do exactly what it may (role x page x action, in the
running app); personal data never reaches an analyst's browser in any form
Streamlit sends (every element of every page, not just what is rendered);
sessions expire; the embedded engine listens on no TCP port and keeps its
files to its owner.

Already proven elsewhere and not repeated here: Argon2id hashes and their
upgrade, throttled sign-in (tests/dashboard/test_accounts.py), the
append-only, hash-chained audit log and `reliefgraph audit verify` catching an
edited or removed entry (tests/dashboard/test_audit.py).
"""
from __future__ import annotations

import stat
from pathlib import Path

import psutil
import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from dashboard_county import ID_A, ID_B, ID_C, ID_D, PHONE
from test_app import APP, PW, _one, _page, _sign_in
from reliefgraph.appdb import connect
from reliefgraph.dashboard import accounts, audit, cases
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.queries import clues
from reliefgraph.queries.detect import detect
from reliefgraph.queries.rules import load_rules

# The app module runs itself on import, so its page list is restated here (the spec).
PAGES = ["总览 Overview", "工单 Orders", "线索 Clues", "图谱 Explore", "查询 Saved queries", "核查 Cases",
         "报告 Reports", "统计 Statistics", "规则 Rules", "管理 Admin"]
SECRETS = (ID_A, ID_B, ID_C, ID_D, PHONE)
USERS = {"boss": "admin", "zhang": "verifier", "li": "analyst"}


@pytest.fixture
def env(tiny, embedded_dir, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("RELIEFGRAPH_URI", str(embedded_dir))
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    engine = connect(url)
    for name, role in USERS.items():
        accounts.add_user(engine, name, PW, role)
    detect(tiny, engine, [r for r in load_rules() if r.id == "car_during_grant"], "2026-10-31")
    return engine


def _signed_in(name: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return _sign_in(at, name) if name else at


def _sent(at: AppTest) -> str:
    """Everything the app sent to the browser on this run: each element's
    protobuf as text (values, options, tables, HTML of the drawn graph)."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


# ---------------------------------------------------------------- role x page x action

# What each role must find (True) or must not find (False) on each page.
MATRIX = {
    #                     admin  verifier analyst
    "pages":              {"admin": set(PAGES), "verifier": set(PAGES) - {"管理 Admin"},
                           "analyst": set(PAGES) - {"管理 Admin", "工单 Orders", "核查 Cases"}},
    "adhoc_box":          {"admin": True, "verifier": False, "analyst": True},
    "manage_users":       {"admin": True, "verifier": False, "analyst": False},
}


@pytest.mark.parametrize("name", list(USERS))
def test_each_role_sees_exactly_its_pages_and_controls(env, name):
    role = USERS[name]
    at = _signed_in(name)
    offered = set(at.sidebar.radio[0].options)
    # The loop's own pages (dispatch, review) belong to roles these accounts do not hold.
    assert offered == MATRIX["pages"][role]
    _page(at, "查询 Saved queries")
    assert (len(at.text_area) == 1) is MATRIX["adhoc_box"][role]
    if MATRIX["manage_users"][role]:
        _page(at, "管理 Admin")
        assert not at.exception and len(at.dataframe) >= 1
    for page in offered:
        _page(at, page)
        assert not at.exception, (role, page, at.exception)


def _admin_page_for_forged_user():
    # Run the admin page directly, as if a non-admin had got past the page
    # menu (which offers it to admins only): the page itself must refuse.
    import os

    import streamlit as st

    from reliefgraph.dashboard import accounts, pages_admin, ui
    from reliefgraph.dashboard.permissions import PermissionDenied, Viewer

    engine = ui.app_engine(os.environ["RELIEFGRAPH_APP_DB"])
    user = accounts.get_user(engine, os.environ["FORGED_USER"])
    try:
        pages_admin.render(ui.Ctx(engine, None, user, Viewer(user.username, user.role)))
    except PermissionDenied as exc:
        st.error(str(exc))


@pytest.mark.parametrize("name", ["zhang", "li"])
def test_the_admin_page_refuses_a_non_admin_who_reaches_it(env, name, monkeypatch):
    monkeypatch.setenv("FORGED_USER", name)
    at = AppTest.from_function(_admin_page_for_forged_user, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert any("无此权限" in e.value for e in at.error)
    assert "boss" not in _sent(at), "the user list leaked"


def test_signed_out_sees_the_sign_in_form_only(env):
    at = _signed_in(None)
    assert len(at.sidebar.radio) == 0 and [t.label for t in at.text_input][:1] == ["用户名 User name"]
    shown = _sent(at)
    assert not any(s in shown for s in SECRETS) and "张三" not in shown


@pytest.mark.parametrize("name,may", [("boss", True), ("zhang", True), ("li", False)])
def test_only_the_assignee_or_an_admin_can_move_a_case(env, name, may):
    cid = clues.list_clues(env)[0]["clue_id"]
    cases.act(env, Viewer("boss", "admin"), cid, "assign", assignee="zhang")
    at = _signed_in(name)
    if "核查 Cases" not in at.sidebar.radio[0].options:   # analysts are not offered the page at all
        assert not may and cases.case_of(env, cid)["status"] == "open"
        return
    at = _page(at, "核查 Cases")
    openers = [s for s in at.selectbox if str(s.label).startswith("打开案件")]
    if not may:
        assert not openers or cid not in openers[0].options or not [
            r for r in at.radio if str(r.label).startswith("操作")]
        assert cases.case_of(env, cid)["status"] == "open"
        return
    openers[0].set_value(cid)
    at.run()
    _one(at.radio, "操作").set_value("start")
    _one(at.button, "提交").click()
    at.run()
    assert not at.exception and cases.case_of(env, cid)["status"] == "in_verification"


# ---------------------------------------------------------------- nothing clear reaches an analyst

def test_no_page_sends_an_analyst_personal_data_in_clear(env):
    at = _signed_in("li")
    sent = []
    for page in at.sidebar.radio[0].options:
        _page(at, page)
        sent.append(_sent(at))
    _page(at, "线索 Clues")
    pickers = [s for s in at.selectbox if len(s.options) > 1]
    if pickers:
        pickers[0].set_value(pickers[0].options[1])
        at.run()
        sent.append(_sent(at))
    _page(at, "图谱 Explore")
    at.text_input[0].input("张三")
    at.button[0].click()
    at.run()
    at.radio(key="explore_pick").set_value(0)      # namesakes: none is chosen for the user
    at.run()
    at.button(key="explore_draw").click()
    at.run()
    sent.append(_sent(at))
    _page(at, "查询 Saved queries")
    at.selectbox(key="query_file").set_value("person_household")
    at.run()
    at.text_input(key="q:person_household:citizen_id").input(ID_A)
    [b for b in at.button if str(b.label).startswith("运行") and b.key != "adhoc_run"][0].click()
    at.run()
    sent.append(_sent(at))
    assert not at.exception, at.exception
    everything = "\n".join(sent)
    assert "5201**********123X" in everything, "the pages did show the masked values"
    leaked = [s for s in SECRETS if s in everything]
    assert not leaked, f"sent to an analyst in clear: {leaked}"
    assert audit.verify(env).ok


def test_an_expired_session_signs_the_user_out(env):
    at = _signed_in("li")
    assert len(at.sidebar.radio) == 1
    with env.begin() as conn:
        conn.execute(update(accounts.sessions).values(last_seen="2000-01-01T00:00:00+00:00"))
    at.run()
    assert len(at.sidebar.radio) == 0
    assert any("会话已过期" in w.value for w in at.warning)


# ---------------------------------------------------------------- the engine's doors

def test_the_engine_listens_on_no_tcp_port_and_keeps_its_files_to_its_owner(tiny, embedded_dir):
    tiny.snapshot()
    pid = int((Path(embedded_dir) / "server.pid").read_text())
    proc = psutil.Process(pid)
    assert proc.net_connections(kind="inet") == [], "no TCP or UDP socket at all"
    unix = {c.laddr for c in proc.net_connections(kind="unix") if c.laddr}
    assert unix == {str(Path(embedded_dir).resolve() / "graph.sock")}, "one listener: its unix socket"
    assert stat.S_IMODE(Path(embedded_dir).stat().st_mode) == 0o700
    for path in Path(embedded_dir).iterdir():
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, f"{path.name} is open to others: {oct(mode)}"
    with tiny.server.client() as c:
        assert c.config_get("port")["port"] == "0" and c.config_get("unixsocketperm")["unixsocketperm"] == "700"


def test_the_application_database_is_readable_by_its_owner_only(tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'app.db'}")
    accounts.add_user(engine, "boss", PW, "admin")
    for path in tmp_path.glob("app.db*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path.name}: {oct(path.stat().st_mode)}"
