"""HTML reports from the Jinja2 template (autoescaped: names in agency data
cannot inject markup). The picture is inlined, so the file stands alone."""
from __future__ import annotations

import base64

from jinja2 import Environment, PackageLoader, select_autoescape

from reliefgraph.reports import views
from reliefgraph.reports.facts import FACT_COLUMNS, SOURCE_COLUMNS
from reliefgraph.reports.model import Report

COLUMNS = {"facts": FACT_COLUMNS, "sources": SOURCE_COLUMNS, "members": views.MEMBER_COLUMNS,
           "grants": views.GRANT_COLUMNS, "loads": views.LOAD_COLUMNS, "history": views.HISTORY_COLUMNS,
           "summary": views.SUMMARY_COLUMNS}

_env = Environment(loader=PackageLoader("reliefgraph.reports", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True))
_env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")


def render_html(report: Report, clue_views: list[views.ClueView] | None = None) -> bytes:
    if clue_views is None:
        clue_views = views.clue_views(report)
    page = _env.get_template("report.html.j2").render(
        r=report, clues=clue_views, columns=COLUMNS, subject_pairs=views.subject_pairs(report),
        members=views.member_rows(report), grants=views.grant_rows(report), loads=views.load_rows(report),
        history_rows=views.history_rows, summary_rows=views.summary_rows, verify_fields=views.VERIFY_FIELDS)
    return page.encode("utf-8")
