"""Attachments: accepted by content, kept once by SHA-256, never executable,
read back only by the order's units and only as they were written."""
from __future__ import annotations

import hashlib
import stat

import pytest
from orders_world import TOWN, make_world, viewer

from reliefgraph.dashboard import attachments, audit, orders
from reliefgraph.dashboard.attachments import AttachmentError
from reliefgraph.dashboard.orders import Feedback, OrderError

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64
FEEDBACK = Feedback("true", "属实")


@pytest.mark.parametrize("name, data", [("入户核查表.pdf", PDF), ("photo.JPG", JPEG), ("photo.jpeg", JPEG),
                                        ("scan.png", PNG)])
def test_pdf_jpeg_and_png_are_accepted_by_their_content(name, data):
    checked = attachments.check(name, data, max_bytes=1000)
    assert checked.sha256 == hashlib.sha256(data).hexdigest() and checked.size == len(data)


@pytest.mark.parametrize("name, data, says", [
    ("核查表.pdf", EXE, "不是 PDF、JPEG、PNG"),          # a renamed program
    ("setup.exe", EXE, "不是"),
    ("note.txt", b"just text", "不是"),
    ("photo.pdf", JPEG, "扩展名与内容"),                  # a photo called .pdf
    ("report.pdf.exe", PDF, "扩展名与内容"),
    ("scan", PNG, "扩展名与内容"),
    ("empty.pdf", b"", "为空"),
    ("big.pdf", PDF + b"0" * 1000, "超过上限"),
])
def test_anything_else_is_refused_naming_the_file(name, data, says):
    with pytest.raises(AttachmentError, match=says) as refused:
        attachments.check(name, data, max_bytes=1000)
    assert name.split("/")[-1] in str(refused.value)


def test_the_size_limit_comes_from_the_settings(monkeypatch):
    monkeypatch.setenv("RELIEFGRAPH_ATTACHMENT_MAX_MB", "0.0001")       # 104 bytes
    with pytest.raises(AttachmentError, match="超过上限"):
        attachments.check("a.pdf", PDF + b" " * 100)
    attachments.check("a.pdf", PDF)


def test_a_client_path_is_cut_to_the_file_name():
    assert attachments.clean_name("C:\\Users\\张三\\Desktop\\核查表.pdf") == "核查表.pdf"
    assert attachments.clean_name("../../etc/核查表.pdf") == "核查表.pdf"


def test_bytes_are_kept_once_by_digest_owner_only_and_not_executable(tmp_path):
    checked = attachments.check("a.pdf", PDF)
    first = attachments.keep(checked, tmp_path)
    again = attachments.keep(attachments.check("copy.pdf", PDF), tmp_path)
    assert first == again and first.name == checked.sha256 and first.suffix == ""
    mode = stat.S_IMODE(first.stat().st_mode)
    assert mode == 0o600 and not mode & 0o111
    assert attachments.read(checked.sha256, tmp_path) == PDF
    first.write_bytes(PDF + b"tampered")
    with pytest.raises(AttachmentError, match="改动"):
        attachments.read(checked.sha256, tmp_path)
    with pytest.raises(AttachmentError, match="无效"):
        attachments.read("../../etc/passwd", tmp_path)


@pytest.fixture
def claimed(app_db, tmp_path, monkeypatch):
    monkeypatch.setenv("RELIEFGRAPH_APP_FILES", str(tmp_path / "files"))
    make_world(app_db, n_clues=1)
    [oid] = orders.dispatch(app_db, viewer("disp"), ["c0"], TOWN)
    orders.claim(app_db, viewer("ver"), oid)
    return app_db, oid, tmp_path / "files"


def test_one_bad_file_refuses_the_whole_submission(claimed):
    db, oid, root = claimed
    with pytest.raises(AttachmentError, match="renamed.pdf"):
        orders.submit_feedback(db, viewer("ver"), oid, FEEDBACK, [("ok.pdf", PDF), ("renamed.pdf", EXE)])
    assert orders.feedback_of(db, oid) == [] and orders.attachments_of(db, oid) == []
    assert orders.order(db, oid)["status"] == "claimed"
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_an_attachment_is_recorded_and_read_back_by_its_units_only(claimed):
    db, oid, root = claimed
    orders.submit_feedback(db, viewer("ver"), oid, FEEDBACK, [("C:\\scans\\入户核查表.pdf", PDF)])
    [meta] = orders.attachments_of(db, oid)
    assert (meta["original_name"], meta["size"], meta["mime"], meta["uploaded_by"], meta["sha256"]) == (
        "入户核查表.pdf", len(PDF), "application/pdf", "ver", hashlib.sha256(PDF).hexdigest())
    assert meta["uploaded_at"] and (root / "attachments" / meta["sha256"][:2] / meta["sha256"]).is_file()
    record, data = orders.read_attachment(db, viewer("rev"), meta["id"])
    assert data == PDF and record["original_name"] == "入户核查表.pdf"
    assert audit.entries(db, limit=1)[0].action == "attachment_read"
    with pytest.raises(OrderError, match="其他单位"):
        orders.read_attachment(db, viewer("mzver"), meta["id"])
    with pytest.raises(OrderError, match="没有该附件"):
        orders.read_attachment(db, viewer("rev"), meta["id"] + 100)
