"""The 报告 Reports page and the clue page's report button, through Streamlit's
AppTest: a report is generated for the signed-in role, offered for download
and recorded in the audit log."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import reliefgraph.dashboard
from reliefgraph.dashboard import accounts, audit
from reliefgraph.graph.pii import mask
from reliefgraph.queries.clues import list_clues

APP = str(Path(reliefgraph.dashboard.__file__).with_name("app.py"))
PW = "correct horse 9"


@pytest.fixture
def signed_in(county, monkeypatch):
    monkeypatch.setenv("RELIEFGRAPH_URI", str(county.db))
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", county.app_url)
    for name, role in (("boss", "admin"), ("li", "analyst")):
        if accounts.get_user(county.engine, name) is None:
            accounts.add_user(county.engine, name, PW, role)

    def sign_in(username: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        at.text_input[0].input(username)
        at.text_input[1].input(PW)
        at.button[0].click()
        at.run()
        assert not at.exception, at.exception
        return at
    return sign_in


def _downloads(at: AppTest, key: str) -> list:
    return [e for e in at.get("download_button") if getattr(e, "key", None) == key]


def test_an_analyst_generates_a_masked_clue_report_on_the_reports_page(county, signed_in):
    clue = list_clues(county.engine)[0]
    at = signed_in("li")
    at.sidebar.radio[0].set_value("报告 Reports")
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="report_clue").set_value(clue["clue_id"])
    at.selectbox(key="report_page_format").set_value("html")
    at.run()
    at.button(key="report_page_generate").click()
    at.run()
    assert not at.exception, at.exception
    assert len(_downloads(at, "report_page_download")) == 1
    (entry,) = audit.entries(county.engine, limit=1)
    assert entry.action == "report" and entry.actor == "li" and entry.subjects == [f"Clue:{clue['clue_id']}"]
    captions = " ".join(str(c.value) for c in at.caption)
    assert f"{entry.seq:06d}" in captions
    issued = at.session_state["report_page_issued"][1]
    text = issued.data.decode("utf-8")
    assert mask("citizen_id", clue["subject_id"]) in text and clue["subject_id"] not in text


def test_the_clue_page_offers_the_report_button(county, signed_in):
    clue = list_clues(county.engine)[0]
    at = signed_in("boss")
    at.sidebar.radio[0].set_value("线索 Clues")
    at.run()
    at.selectbox(key="open_clue").set_value(clue["clue_id"])
    at.run()
    at.selectbox(key="clue_page_format").set_value("docx")
    at.button(key="clue_page_generate").click()
    at.run()
    assert not at.exception, at.exception
    assert len(_downloads(at, "clue_page_download")) == 1
    issued = at.session_state["clue_page_issued"][1]
    assert issued.filename.endswith(".docx") and issued.data[:2] == b"PK"
    assert audit.entries(county.engine, limit=1)[0].detail["format"] == "docx"
