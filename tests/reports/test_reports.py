"""Reports on a planted clue of a generated county: what they contain in each
format, how they mask, and the audit entry each one leaves."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import func, select

from reliefgraph.dashboard import accounts, audit, cases
from reliefgraph.dashboard.permissions import Viewer, pii_values_in
from reliefgraph.graph.pii import mask
from reliefgraph.graph.schema import load_schema
from reliefgraph.queries.clues import clues, findings
from reliefgraph.queries.summary import TOTAL, summarise
from reliefgraph.reports import gather
from reliefgraph.reports.html_report import render_html
from reliefgraph.reports.issue import Target, issue, render, viewer_for
from reliefgraph.reports.masking import for_viewer

ADMIN = Viewer("boss", "admin")
ANALYST = Viewer("li", "analyst")
DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def _planted(engine, rule: str = "car_during_grant", offset: int = 0) -> str:
    """A clue planted by the generator: the clue with the most findings among those `rule` hit."""
    with engine.connect() as conn:
        ids = conn.execute(select(findings.c.clue_id).where(findings.c.rule_id == rule)
                           .group_by(findings.c.clue_id).order_by(func.count().desc(), findings.c.clue_id)).all()
    assert len(ids) > offset, f"the county has no {rule} clue"
    return ids[offset][0]


def _text(html: bytes) -> str:
    return DATA_URI.sub("IMAGE", html.decode("utf-8"))


def _squash(text: str) -> str:
    # pypdf reads the font's two-byte codes through its embedded CMap one byte
    # at a time and interleaves NULs and spaces; poppler reads it exactly (below).
    return re.sub(r"[\s\x00]+", "", text)


@pytest.fixture(scope="module")
def clue_report(county):
    cid = _planted(county.engine)
    return gather.clue_report(county.store, county.engine, cid, "boss", "admin")


def test_clue_report_holds_subject_every_finding_every_source_and_the_picture(clue_report):
    report = clue_report
    page = render_html(report).decode("utf-8")
    assert report.subject and report.subject.citizen_id in page and report.subject.name in page
    assert report.household and report.household.members
    for m in report.household.members:
        assert m["citizen_id"] in page and m["relation"] in page
    found = report.findings()
    assert found and all(f.narrative for f in found)
    for f in found:
        assert f.narrative in page and f.title_zh in page and f.legal_basis in page
        assert f.sources
        for s in f.sources:
            assert f"<td>{s['file']}</td><td>{s['row']}</td><td>{s['batch']}</td>" in page
    assert page.count("data:image/png;base64,") == len(report.clues) == 1
    assert "核查情况 Verification" in page and "签字 Signature" in page   # an empty section for the inspector
    assert report.loads and all(b["batch"] in page for b in report.loads)


def test_pdf_shows_the_chinese_text_with_a_cjk_font_embedded(clue_report, artifacts):
    data = render(clue_report, "pdf")
    reader = PdfReader(io.BytesIO(data))
    text = _squash("".join(page.extract_text() for page in reader.pages))
    for expected in ["案件线索报告", "核查对象", "家庭成员", clue_report.subject.name, clue_report.subject.citizen_id,
                     *(f.narrative for f in clue_report.findings()), *(f.title_zh for f in clue_report.findings())]:
        assert _squash(expected) in text, expected
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts and all(str(name).endswith("+NotoSansSC") for name in fonts), fonts   # a subset, so embedded
    for font in fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        unicode_points = [int(u, 16) for u in re.findall(r"<[0-9A-F]{4}> <([0-9A-F]{4})>", cmap)]
        assert sum(0x4E00 <= u <= 0x9FFF for u in unicode_points) > 100   # CJK ideographs
    (artifacts / "clue_report.pdf").write_bytes(data)
    if shutil.which("pdftotext"):
        plain = subprocess.run(["pdftotext", "-layout", str(artifacts / "clue_report.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
        assert "案件线索报告" in plain and clue_report.subject.name in plain


def test_first_pdf_page_renders_to_png(clue_report, artifacts):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed")
    pdf = artifacts / "clue_report_page.pdf"
    pdf.write_bytes(render(clue_report, "pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(artifacts / "clue_report_page1")], check=True)
    png = (artifacts / "clue_report_page1.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_docx_round_trips_with_the_same_findings(clue_report, artifacts):
    data = render(clue_report, "docx")
    (artifacts / "clue_report.docx").write_bytes(data)
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for f in clue_report.findings():
        assert f.narrative in paragraphs
        assert any(f.title_zh in p for p in paragraphs)
        for s in f.sources:
            assert s["file"] in cells and str(s["row"]) in cells
    assert clue_report.subject.citizen_id in cells
    assert len(doc.inline_shapes) == 1          # the picture


def test_masked_and_clear_reports_differ_exactly_in_personal_data(clue_report):
    clear = _text(render_html(for_viewer(clue_report, ADMIN)))
    masked = _text(render_html(for_viewer(clue_report, ANALYST)))
    assert clear != masked
    pii = load_schema().pii_properties()
    values = {clue_report.subject.citizen_id: "citizen_id"}
    values.update({m["citizen_id"]: "citizen_id" for m in clue_report.household.members})
    if clue_report.household.address:
        values[clue_report.household.address] = "address"
    for f in clue_report.findings():
        for node in f.evidence["nodes"]:
            for name, value in (node.get("properties") or {}).items():
                if name in pii and value:
                    values[str(value)] = pii[name]
        assert pii_values_in(f.evidence) <= set(values)
    expected = clear
    for value in sorted(values, key=len, reverse=True):   # longer first: an ID may contain a shorter value
        expected = expected.replace(value, mask(values[value], value))
    assert masked == expected
    assert not any(value in masked for value in values)


def test_issuing_a_report_writes_an_audit_entry_and_numbers_the_report_by_it(county):
    cid = _planted(county.engine)
    before = audit.entries(county.engine, limit=1)
    issued = issue(county.store, county.engine, Target(clue=cid), "html", "li", ANALYST)
    (entry,) = audit.entries(county.engine, limit=1)
    assert not before or entry.seq == before[0].seq + 1
    assert entry.action == "report" and entry.actor == "li" and entry.role == "analyst"
    assert entry.subjects == [f"Clue:{cid}"] and entry.detail["format"] == "html"
    assert issued.number.endswith(f"-{entry.seq:06d}") and issued.number in issued.data.decode("utf-8")
    assert audit.verify(county.engine).ok


def test_an_inspector_reads_their_own_case_in_clear_and_its_conclusion(county):
    engine = county.engine
    cid = _planted(county.engine, offset=1)
    for name, role in (("boss", "admin"), ("zhang", "verifier"), ("wang", "verifier")):
        if accounts.get_user(engine, name) is None:
            accounts.add_user(engine, name, "correct horse 9", role)
    cases.act(engine, ADMIN, cid, "assign", assignee="zhang")
    cases.act(engine, Viewer("zhang", "verifier", frozenset()), cid, "start")
    cases.act(engine, Viewer("zhang", "verifier", frozenset()), cid, "confirm", conclusion="经入户核实，车辆确为该户所有，情况属实。")
    with engine.connect() as conn:
        subject = conn.execute(select(clues.c.subject_id).where(clues.c.clue_id == cid)).scalar()
    own = issue(county.store, engine, Target(clue=cid), "html", "zhang", viewer_for(engine, "zhang", "verifier"))
    other = issue(county.store, engine, Target(clue=cid), "html", "wang", viewer_for(engine, "wang", "verifier"))
    own_text, other_text = own.data.decode("utf-8"), other.data.decode("utf-8")
    assert subject in own_text and subject not in other_text and mask("citizen_id", subject) in other_text
    for text in (own_text, other_text):
        assert "经入户核实，车辆确为该户所有，情况属实。" in text and "属实" in text
        assert "认定属实" in text and "开始核查" in text          # the case history
        assert "签字 Signature" not in text                    # concluded: no blank form


def test_person_report_lists_the_clues_about_the_person(county):
    cid = _planted(county.engine)
    with county.engine.connect() as conn:
        subject = conn.execute(select(clues.c.subject_id).where(clues.c.clue_id == cid)).scalar()
    issued = issue(county.store, county.engine, Target(person=subject), "html", "boss", ADMIN)
    text = issued.data.decode("utf-8")
    assert "人员核查报告" in text and subject in text and cid in text
    with pytest.raises(gather.ReportError):
        issue(county.store, county.engine, Target(person="110101190001011234"), "pdf", "boss", ADMIN)


def test_summary_report_has_the_mashan_table_per_town_with_its_rules(county):
    issued = issue(county.store, county.engine, Target(summary=True, as_of="2026-10-31"), "docx", "li", ANALYST)
    doc = Document(io.BytesIO(issued.data))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    lines = summarise(county.store, None, "2026-10-31")
    county_total = next(x for x in lines if x.scope == "county" and x.category == TOTAL)
    assert county_total.people > 0
    assert ["不符合条件人数（去重）", str(county_total.people), "", ""] in rows
    cars = next(x for x in lines if x.scope == "county" and x.category == "cars")
    assert [cars.title_zh, str(cars.people), str(cars.records), "救助期间家庭成员名下有汽车"] in rows
    towns = {x.scope for x in lines} - {"county"}
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert len(towns) > 1 and all(any(t in h for h in headings) for t in towns)


def test_every_format_renders_a_summary(county):
    report = gather.summary_report(county.store, county.engine, "li", "analyst", as_of="2026-10-31")
    assert render(report, "html").startswith(b"<!DOCTYPE html>")
    assert render(report, "pdf").startswith(b"%PDF")
    assert render(report, "docx")[:2] == b"PK"
