"""Streamlit glue shared by the pages: resources, the signed-in user, audit,
graph drawing. Page logic itself lives in plain modules (explore, overview,
queryform, cases) so it is tested without Streamlit."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st
from sqlalchemy.engine import Engine

from reliefgraph.appdb import connect
from reliefgraph.dashboard import accounts, audit, cases, graphview
from reliefgraph.dashboard.accounts import User
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.graph.store import GraphStore, open_store
from reliefgraph.settings import Settings

TOKEN = "session_token"
FLASH = "flash_messages"


@dataclass
class Ctx:
    engine: Engine
    store: GraphStore
    user: User
    viewer: Viewer

    def audit(self, action: str, subjects: list[str] | None = None, detail: dict[str, Any] | None = None) -> None:
        audit.record(self.engine, self.user.username, action, subjects, detail, self.user.role)

    def exported(self, make: Callable[[], bytes | str], subjects: list[str] | None = None,
                 detail: dict[str, Any] | None = None) -> Callable[[], bytes | str]:
        """The data of a deferred download button that records the export when it is made.

        Made on click only, so the record means a file left the system. The button
        must not rerun the page (on_click="ignore"): a rerun that finishes before
        the browser fetches the file drops the deferred data and the click downloads
        nothing."""
        def make_and_record() -> bytes | str:
            data = make()
            self.audit("export", subjects, detail)
            return data
        return make_and_record

    def audit_once(self, key: str, action: str, subjects: list[str] | None = None,
                   detail: dict[str, Any] | None = None) -> None:
        """Record a view once, not on every rerun of the page that shows it."""
        marker = f"audited:{key}"
        if st.session_state.get("audited_view") != marker:
            st.session_state["audited_view"] = marker
            self.audit(action, subjects, detail)


@st.cache_resource(show_spinner=False)
def app_engine(url: str) -> Engine:
    return connect(url)


@st.cache_resource(show_spinner="正在连接图数据库 connecting to the graph store…")
def graph_store(uri: str) -> GraphStore:
    return open_store(uri)


@st.cache_resource(ttl=60, show_spinner=False)
def rule_files() -> list:
    """The rule files, read once a minute rather than on every rerun of every
    session (they change when someone adds a file, not between clicks)."""
    from reliefgraph.queries.rules import load_rules

    return load_rules()


def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(ttl=60, show_spinner=False)
def _data_version(uri: str) -> str:
    from reliefgraph.dashboard.searchindex import data_version

    return data_version(graph_store(uri))


@st.cache_resource(max_entries=2, show_spinner="正在建立检索索引 building the search index…")
def _search_index(uri: str, version: str):
    from reliefgraph.dashboard.searchindex import SearchIndex

    return SearchIndex.from_store(graph_store(uri), version)


def search_index():
    """The names of the county for prefix / pinyin / fuzzy search: built once
    per data version (checked once a minute), shared by every session."""
    uri = settings().graph_uri
    return _search_index(uri, _data_version(uri))


def current_user(engine: Engine) -> User | None:
    token = st.session_state.get(TOKEN)
    if not token:
        return None
    user = accounts.session_user(engine, token)
    if user is None:
        st.session_state.pop(TOKEN, None)
        st.session_state["signed_out_reason"] = "会话已过期，请重新登录 your session expired; please sign in again"
    return user


def viewer_for(engine: Engine, user: User, store: GraphStore | None = None) -> Viewer:
    clear = cases.clear_values_for(engine, user.username, store) if user.role == "verifier" else frozenset()
    return Viewer(user.username, user.role, clear, user.unit_id)


def draw(sub: graphview.Subgraph, height: int = 520, centre: str | None = None, highlight=()) -> None:
    if not sub.nodes:
        st.info("没有可绘制的节点 nothing to draw")
        return
    chips = " ".join(
        f"<span style='display:inline-block;width:10px;height:10px;border-radius:5px;background:{colour}'></span>"
        f" {zh} {en} ({count})" for zh, en, colour, count in graphview.legend(sub))
    # Colours and names come from schema.yaml, not from the data.
    st.markdown(f"<div style='font-size:0.85em'>图例 legend: {chips}</div>", unsafe_allow_html=True)
    # Our own page (graphview escapes every caption); not user-supplied HTML.
    st.iframe(graphview.to_html(sub, height=height, centre=centre, highlight=highlight), height=height + 20)


def status_zh(status: str) -> str:
    zh, en = cases.STATUSES.get(status, (status, status))
    return f"{zh} {en}"


def flash(message: str, kind: str = "success") -> None:
    """Say `message` on the next run of the page. A step that changes data
    reruns the page at once (st.rerun), which discards anything drawn in the
    run that took the step; the message waits in the session instead."""
    st.session_state.setdefault(FLASH, []).append((kind, message))


def show_flashes() -> None:
    """Show, once, what the previous run's steps reported."""
    for kind, message in st.session_state.pop(FLASH, []):
        getattr(st, kind if kind in ("success", "info", "warning", "error") else "info")(message)
