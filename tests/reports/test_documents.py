"""The official documents on a generated county: the case report of an order
through its whole loop, and the 线索处置台账 over its orders — numbers,
content in DOCX and PDF, and who reads which IDs in clear."""
from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from reliefgraph.beijing import to_beijing
from reliefgraph.cli import app
from reliefgraph.dashboard import accounts, audit, orders, units
from reliefgraph.dashboard.cases import clear_values_for
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.graph.pii import mask
from reliefgraph.queries.clues import findings
from reliefgraph.reports import documents, gather, numbering
from reliefgraph.reports.ledger import LedgerFilter

PW = "correct horse 9"
PREFIX = "X县纪委监委"
SCAN = b"%PDF-1.4\n% a scanned household visit form\n%%EOF\n"


def _viewer(engine, name):
    u = accounts.get_user(engine, name)
    clear = clear_values_for(engine, name) if u.role == "verifier" else frozenset()
    return Viewer(u.username, u.role, clear, u.unit_id)


@pytest.fixture(scope="module")
def loop(county, tmp_path_factory):
    """Units, accounts and three orders of planted clues: one through return and
    resubmission to closed, one claimed, one only dispatched."""
    import os

    os.environ["RELIEFGRAPH_APP_FILES"] = str(tmp_path_factory.mktemp("files"))
    e = county.engine
    units.add_unit(e, "doc.jw", "某县纪委监委", "discipline")
    units.add_unit(e, "doc.town", "某某镇人民政府", "town")
    numbering.set_prefix(e, "doc.jw", PREFIX)
    for name, role, unit, display in (("doc.disp", "dispatcher", "doc.jw", "派单员甲"),
                                      ("doc.rev", "reviewer", "doc.jw", "审核员甲"),
                                      ("doc.ver", "verifier", "doc.town", "核查员乙"),
                                      ("doc.ver2", "verifier", "doc.town", "核查员丙"),
                                      ("doc.ana", "analyst", "doc.jw", "分析员丁"),
                                      ("doc.boss", "admin", None, "管理员")):
        accounts.add_user(e, name, PW, role, display, unit_id=unit)
    with e.connect() as conn:
        ids = [r[0] for r in conn.execute(select(findings.c.clue_id).where(findings.c.rule_id == "car_during_grant")
                                          .group_by(findings.c.clue_id)
                                          .order_by(func.count().desc(), findings.c.clue_id).limit(3))]
    assert len(ids) == 3
    order_ids = orders.dispatch(e, _viewer(e, "doc.disp"), ids, "doc.town")
    first = order_ids[0]
    orders.claim(e, _viewer(e, "doc.ver"), first)
    orders.submit_feedback(e, _viewer(e, "doc.ver"), first,
                           orders.Feedback("partly", "入户核查，车辆登记在户主名下，已出售但未过户。", Decimal("3600"),
                                           Decimal("1200"), 1, 3, "停发并追回多发救助金", 1, "诫勉谈话"),
                           attachments=[("入户核查表.pdf", SCAN)])
    orders.review(e, _viewer(e, "doc.rev"), first, approve=False, reason="请补充车辆过户证明")
    orders.submit_feedback(e, _viewer(e, "doc.ver"), first,
                           orders.Feedback("true", "补充车管所记录：车辆仍登记在户主名下。", Decimal("4800.50"),
                                           Decimal("4800.50"), 1, 3, "停发并追回", 1, "诫勉谈话"))
    orders.review(e, _viewer(e, "doc.rev"), first, approve=True)
    orders.claim(e, _viewer(e, "doc.ver2"), order_ids[1])
    return order_ids


def _docx_text(data: bytes) -> tuple[list[str], list[list[str]]]:
    doc = Document(io.BytesIO(data))
    return [p.text for p in doc.paragraphs], [[c.text for c in row.cells] for t in doc.tables for row in t.rows]


def _pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_case_report_of_an_order_holds_its_whole_loop_in_the_official_layout(county, loop, artifacts, tmp_path):
    e = county.engine
    year = to_beijing(audit.entries(e, limit=1)[0].at).year
    before = numbering.last_seq(e, "doc.jw", year)
    doc = documents.case_report(county.store, e, loop[0], _viewer(e, "doc.rev"), "docx")
    assert doc.number == f"{PREFIX}〔{year}〕{before + 1}号"
    (artifacts / "order_case_report.docx").write_bytes(doc.data)
    paragraphs, cells = _docx_text(doc.data)
    assert paragraphs[:3] == ["某县纪委监委", doc.number, "案件线索核查处置报告"]
    for heading in ("一、线索来源", "二、核查对象基本情况", "三、线索内容与证据", "四、派单与核查经过", "五、核查反馈",
                    "六、附件", "审核意见", "签批"):
        assert heading in paragraphs, heading
    flat = {c for row in cells for c in row}
    assert {"部分属实", "属实", "3,600.00", "4,800.50", "诫勉谈话", "停发并追回多发救助金"} <= flat
    assert hashlib.sha256(SCAN).hexdigest() in flat and "入户核查表.pdf" in flat
    assert any(row[2:] == ["退回", "请补充车辆过户证明"] for row in cells)
    assert any(row[2] == "同意销号" for row in cells if len(row) == 4)
    assert ["承办人", "核查员乙（doc.ver）", row_date(cells, "承办人")] in cells
    assert any(row[0] == "审核人" and row[1] == "审核员甲（doc.rev）" for row in cells)
    with zipfile.ZipFile(io.BytesIO(doc.data)) as z:
        footer = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert "NUMPAGES" in footer and "PAGE" in footer
    entry = audit.entries(e, limit=1)[0]
    assert entry.detail["number"] == doc.number and entry.subjects[0] == f"Order:{loop[0]}"

    pdf = documents.case_report(county.store, e, loop[0], _viewer(e, "doc.rev"), "pdf")
    (artifacts / "order_case_report.pdf").write_bytes(pdf.data)
    assert pdf.number == f"{PREFIX}〔{year}〕{before + 2}号"
    text = _squash(_pdf_text(pdf.data, tmp_path))
    for expected in (pdf.number, "案件线索核查处置报告", "四、派单与核查经过", "请补充车辆过户证明", "签发人",
                     "核查员乙", "4,800.50", hashlib.sha256(SCAN).hexdigest()[:12]):
        assert _squash(expected) in text, expected
    assert re.search(r"第1页共\d+页", text)


def row_date(cells, role):
    return next(row[2] for row in cells if row and row[0] == role)


def test_the_assigned_verifier_reads_the_household_in_clear_and_others_by_role(county, loop):
    e = county.engine
    report = gather.clue_report(county.store, e, orders.order(e, loop[0])["clue_id"], "x", "admin")
    member_ids = [m["citizen_id"] for m in report.household.members]
    assert len(member_ids) >= 2

    def cells_of(name):
        return {c for row in _docx_text(documents.case_report(
            county.store, e, loop[0], _viewer(e, name), "docx", pictures=False).data)[1] for c in row}

    assigned = cells_of("doc.ver")
    assert set(member_ids) <= assigned                       # needed to verify
    for reader in ("doc.ver2", "doc.rev", "doc.disp"):      # same unit, not assigned; the dispatching unit
        seen = cells_of(reader)
        assert not set(member_ids) & seen, reader
        assert mask("citizen_id", member_ids[0]) in seen


def test_an_administrator_without_a_unit_names_the_issuing_unit(county, loop):
    e = county.engine
    with pytest.raises(documents.DocumentError, match="不属于任何单位"):
        documents.case_report(county.store, e, loop[0], _viewer(e, "doc.boss"), "docx", pictures=False)
    doc = documents.case_report(county.store, e, loop[0], _viewer(e, "doc.boss"), "docx", unit_id="doc.jw",
                                pictures=False)
    member_ids = [m["citizen_id"] for m in gather.clue_report(county.store, e, orders.order(e, loop[0])["clue_id"],
                                                              "x", "admin").household.members]
    assert set(member_ids) <= {c for row in _docx_text(doc.data)[1] for c in row}
    with pytest.raises(documents.DocumentError, match="本单位"):
        documents.case_report(county.store, e, loop[0], _viewer(e, "doc.rev"), "docx", unit_id="doc.town")


def test_a_failed_render_of_a_document_consumes_no_number(county, loop, monkeypatch):
    e = county.engine
    first = documents.ledger(e, LedgerFilter(), _viewer(e, "doc.disp"), "pdf")
    seq = int(re.search(r"〕(\d+)号", first.number).group(1))

    def broken(od):
        raise RuntimeError("font missing")

    monkeypatch.setitem(documents.WRITERS, "pdf", broken)
    with pytest.raises(RuntimeError):
        documents.ledger(e, LedgerFilter(), _viewer(e, "doc.disp"), "pdf")
    monkeypatch.undo()
    after = documents.ledger(e, LedgerFilter(), _viewer(e, "doc.disp"), "docx")
    assert after.number == first.number.replace(f"〕{seq}号", f"〕{seq + 1}号")


def test_the_ledger_lists_exactly_the_orders_with_totals(county, loop, artifacts, tmp_path):
    e = county.engine
    flt = LedgerFilter(unit_id="doc.town")
    wanted = orders.list_orders(e, unit_id="doc.town")
    assert {o["order_id"] for o in wanted} == set(loop)
    doc = documents.ledger(e, flt, _viewer(e, "doc.disp"), "docx")
    (artifacts / "ledger.docx").write_bytes(doc.data)
    paragraphs, cells = _docx_text(doc.data)
    assert paragraphs[:3] == ["某县纪委监委", doc.number, "线索处置台账"]
    body = [row for row in cells if row[0].isdigit()]
    assert [row[1] for row in body] == sorted(loop)         # one batch, one dispatch time: by order id
    closed = next(row for row in body if row[1] == loop[0])
    assert closed[9:16] == ["已销号", "属实", "4,800.50", "4,800.50", "1", "3", "1"]
    assert all(row[10] == "—" for row in body if row[1] != loop[0])     # no feedback yet
    totals = next(row for row in cells if row[0] == "合计")
    assert totals[1] == "3 件" and totals[11:16] == ["4,800.50", "4,800.50", "1", "3", "1"]
    assert all(mask("citizen_id", o["subject_id"]) in {r[5] for r in body} for o in wanted)   # a dispatcher: masked

    pdf = documents.ledger(e, flt, _viewer(e, "doc.disp"), "pdf")
    (artifacts / "ledger.pdf").write_bytes(pdf.data)
    text = _pdf_text(pdf.data, tmp_path)
    assert all(o in text for o in loop) and "线索处置台账" in text and "合计" in text

    xlsx = documents.ledger(e, flt, _viewer(e, "doc.ver"), "xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "派单编号", "线索编号") and len(rows) == 4
    own = orders.order(e, loop[0])["subject_id"]
    id_cells = {r[1]: sheet.cell(row=i, column=6) for i, r in enumerate(rows[1:], start=2)}
    assert id_cells[loop[0]].value == own and id_cells[loop[0]].number_format == "@"   # their own: clear, as text
    assert id_cells[loop[1]].value == mask("citizen_id", orders.order(e, loop[1])["subject_id"])
    assert next(r for r in rows if r[1] == loop[0])[11] == 4800.5      # amounts stay numbers


def test_the_ledger_filters_by_period_and_refuses_an_unknown_unit(county, loop):
    from datetime import date, timedelta

    e = county.engine
    today = to_beijing(orders.order(e, loop[0])["dispatched_at"]).date()
    assert len(documents.ledger(e, LedgerFilter("doc.town", date_from=today, date_to=today),
                                _viewer(e, "doc.disp"), "xlsx").data) > 0
    empty = LedgerFilter("doc.town", date_from=today + timedelta(days=1))
    sheet = load_workbook(io.BytesIO(documents.ledger(e, empty, _viewer(e, "doc.disp"), "xlsx").data)).active
    assert sheet.max_row == 1
    with pytest.raises(documents.DocumentError, match="没有该单位"):
        documents.ledger(e, LedgerFilter("nowhere"), _viewer(e, "doc.disp"), "pdf")
    with pytest.raises(ValueError, match="晚于"):
        LedgerFilter(date_from=date(2026, 5, 2), date_to=date(2026, 5, 1))


def test_the_ledger_command_writes_the_file_and_fails_in_one_clear_line(county, loop, tmp_path, monkeypatch):
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", county.app_url)
    monkeypatch.setenv("RELIEFGRAPH_PASSWORD", PW)
    runner = CliRunner()
    out = tmp_path / "台账.docx"
    done = runner.invoke(app, ["report", "ledger", "--unit", "doc.town", "--format", "docx", "--out", str(out),
                               "--user", "doc.disp"])
    assert done.exit_code == 0, done.output
    assert PREFIX in done.output and out.read_bytes()[:2] == b"PK"
    before = audit.entries(county.engine, limit=1)[0].seq
    for args, message in (
            (["--out", str(tmp_path / "missing" / "x.pdf")], "输出文件夹不存在"),
            (["--out", str(tmp_path / "x.pdf"), "--from", "2026-13-01"], "YYYY-MM-DD"),
            (["--out", str(tmp_path / "x.pdf"), "--format", "odt"], "unknown format"),
            (["--out", str(tmp_path / "x.pdf"), "--unit", "nowhere"], "没有该单位")):
        bad = runner.invoke(app, ["report", "ledger", "--user", "doc.disp", *args])
        assert bad.exit_code in (1, 2) and message in bad.output, bad.output
        assert "Traceback" not in bad.output and len(bad.output.strip().splitlines()) <= 3, bad.output
    assert audit.entries(county.engine, limit=1)[0].seq == before
    monkeypatch.setenv("RELIEFGRAPH_PASSWORD", "wrong")
    refused = runner.invoke(app, ["report", "ledger", "--out", str(tmp_path / "y.pdf"), "--user", "doc.disp"])
    assert refused.exit_code == 1 and "验证失败" in refused.output and not (tmp_path / "y.pdf").exists()


def test_the_order_command_writes_the_case_report(county, loop, tmp_path, monkeypatch):
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", county.app_url)
    monkeypatch.setenv("RELIEFGRAPH_PASSWORD", PW)
    out = tmp_path / "report.pdf"
    done = CliRunner().invoke(app, ["report", "order", loop[0], "--out", str(out), "--user", "doc.ver",
                                    "--db", str(county.db)])
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"%PDF") and "〔" in done.output
    unknown = CliRunner().invoke(app, ["report", "order", "nope", "--out", str(tmp_path / "n.pdf"), "--user",
                                       "doc.ver", "--db", str(county.db)])
    assert unknown.exit_code == 1 and "没有该派单" in unknown.output and "Traceback" not in unknown.output
