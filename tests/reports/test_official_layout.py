"""The official layout (GB/T 9704 manner) in both formats: A4, the issuing
unit in red, the document number under it, Chinese headings, page numbers
as 第 X 页 共 Y 页, a header row repeated on every page, the review and
signature blocks, the Chinese fonts embedded in the PDF."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from docx.shared import Cm
from pypdf import PdfReader

from reliefgraph.reports.official import Grid, OfficialDoc, Pairs, Para, Review, Signature, chinese_ordinal
from reliefgraph.reports.official_docx import render_official_docx
from reliefgraph.reports.official_pdf import render_official_pdf

NUMBER = "X县纪委监委〔2026〕7号"


def _doc(rows: int = 3, landscape: bool = False) -> OfficialDoc:
    od = OfficialDoc(issuer="某县纪委监委", number=NUMBER, title="线索处置台账", issued_at="2026-12-04 01:30 (北京时间)",
                     landscape=landscape)
    od.heading("一、台账范围")
    od.add(Pairs([("承办单位", "某某镇人民政府")]))
    od.heading("（一）明细", 2)
    od.add(Grid(("序号", "派单编号", "状态"), [(str(i), f"ORD-{i:05d}", "已销号") for i in range(1, rows + 1)],
                totals=("合计", f"{rows} 件", "")))
    od.add(Para("注：金额取最新一次反馈。", note=True))
    od.reviews = [Review("2026-12-03 10:00 (北京时间)", "审核员甲", "退回", "请补充入户核查表"),
                  Review("2026-12-04 09:00 (北京时间)", "审核员甲", "同意销号", "")]
    od.signatures = [Signature("承办人", "核查员乙", "2026-12-03"), Signature("审核人", "审核员甲", "2026-12-04"),
                     Signature("签发人")]
    return od


def test_chinese_ordinals_number_the_headings():
    assert [chinese_ordinal(n) for n in (1, 2, 9, 10, 11, 19, 20, 21, 99)] == \
        ["一", "二", "九", "十", "十一", "十九", "二十", "二十一", "九十九"]


def test_docx_has_the_official_frame(artifacts):
    data = render_official_docx(_doc(rows=120))
    (artifacts / "official_layout.docx").write_bytes(data)
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert (round(section.page_width / Cm(1), 1), round(section.page_height / Cm(1), 1)) == (21.0, 29.7)
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[:3] == ["某县纪委监委", NUMBER, "线索处置台账"]
    issuer_run = doc.paragraphs[0].runs[0]
    assert str(issuer_run.font.color.rgb) == "FF0000"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["一、台账范围", "（一）明细", "审核意见", "签批"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        footer = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        header = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
        body = z.read("word/document.xml").decode()
    assert re.search(r"第 .*PAGE .*页 共 .*NUMPAGES .*页", re.sub(r"<[^>]+>", " ", footer)), footer
    assert "内部资料 注意保密" in header and NUMBER in header
    assert body.count("<w:tblHeader/>") == 3     # the grid, the reviews, the signatures repeat their header row
    assert 'w:color="FF0000"' in body          # the red rule under the number
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["合计", "120 件", ""] in cells
    assert ["2026-12-03 10:00 (北京时间)", "审核员甲", "退回", "请补充入户核查表"] in cells
    assert ["承办人", "核查员乙", "2026-12-03"] in cells and ["审核人", "审核员甲", "2026-12-04"] in cells
    assert any(row[0] == "签发人" and "年" in row[2] for row in cells)     # left to sign by hand


def test_landscape_docx_turns_the_page():
    doc = Document(io.BytesIO(render_official_docx(_doc(landscape=True))))
    section = doc.sections[0]
    assert (round(section.page_width / Cm(1), 1), round(section.page_height / Cm(1), 1)) == (29.7, 21.0)


def _pdftotext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (Debian poppler-utils) is not installed")
def test_pdf_has_the_official_frame_and_embeds_its_fonts(artifacts):
    data = render_official_pdf(_doc(rows=120))
    path = artifacts / "official_layout.pdf"
    path.write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert pages >= 3
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)     # A4 in points
    text = _pdftotext(path)
    for expected in ("某县纪委监委", NUMBER, "线索处置台账", "一、台账范围", "（一）明细", "审核意见", "签批",
                     "承办人", "审核人", "签发人", "核查员乙", "请补充入户核查表", "内部资料 注意保密"):
        assert expected in text, expected
    per_page = text.split("\f")
    for n, page in enumerate(per_page[:pages], 1):
        assert re.search(rf"第\s*{n}\s*页\s*共\s*{pages}\s*页", page), page[-200:]
        assert "派单编号" in page or n == pages      # the header row repeats on every page of the table
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    embedded = [line.split() for line in fonts.splitlines()[2:]]
    assert {f[0].split("+")[1] for f in embedded} == {"NotoSerifSC", "NotoSansSC"}
    assert all(f[-5] == "yes" and f[-4] == "yes" for f in embedded), fonts     # embedded, subset


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (Debian poppler-utils) is not installed")
def test_pdf_first_page_renders(artifacts, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(render_official_pdf(_doc(landscape=True)))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(artifacts / "official_layout_page1")], check=True)
    assert (artifacts / "official_layout_page1.png").read_bytes()[:4] == b"\x89PNG"


def test_hostile_and_rare_text_is_laid_out_not_fatal(tmp_path):
    """Names from agency extracts can hold control characters, markup and
    characters outside the fonts; the document still comes out, markup as text."""
    od = _doc()
    od.add(Grid(("姓名", "备注"), [("王\x00五\x0b<w:t>&amp;", "𠮷😀\u200b"), ("陈\x1f七", "=1+1")]))
    doc = Document(io.BytesIO(render_official_docx(od)))
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["王五<w:t>&amp;", "𠮷😀\u200b"] in cells and ["陈七", "=1+1"] in cells
    path = tmp_path / "hostile.pdf"
    path.write_bytes(render_official_pdf(od))
    if shutil.which("pdftotext"):
        assert "王五<w:t>&amp;" in _pdftotext(path)
