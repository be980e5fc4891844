"""Agency data is text, never markup: names reach the HTML report escaped."""
from __future__ import annotations

from reliefgraph.reports.html_report import render_html
from reliefgraph.reports.model import Household, Report, Subject

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_names_from_agency_data_are_escaped_in_html():
    report = Report(kind="person", title="人员核查报告 Person report", generated_at="2026-11-23T00:00:00+00:00",
                    generated_by="boss", role="admin", loads=[])
    report.subject = Subject("520101198001011234", HOSTILE, "男", "1980-01-01", None, "520101101201")
    report.household = Household("H1", HOSTILE, None, [{"citizen_id": "520101198001011234", "name": HOSTILE,
                                                        "sex": "男", "birth_date": None, "death_date": None,
                                                        "relation": "户主"}], [])
    page = render_html(report, clue_views=[]).decode("utf-8")
    assert "<script>" not in page and "<img" not in page
    assert page.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") == 3
