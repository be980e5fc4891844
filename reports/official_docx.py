"""An `OfficialDoc` as A4 DOCX (python-docx), in the GB/T 9704 manner.

Page numbers are Word fields (PAGE, NUMPAGES) that Word, WPS and
LibreOffice fill in when they lay the file out. Tables repeat their header
row on every page (`w:tblHeader`). Rows are written straight into the
table's XML: python-docx's `add_row` re-reads the whole table each time,
which made a 5,000-row ledger take minutes.
"""
from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from reliefgraph.reports.official import Grid, Heading, OfficialDoc, Pairs, Para, Picture

RED = RGBColor(0xFF, 0x00, 0x00)
TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT = "宋体", "仿宋", "黑体", "楷体"
A4 = (Cm(21.0), Cm(29.7))
# GB/T 9704 版心 156 × 225 mm on A4: top 37 mm, bottom 35, left 28, right 26.
PORTRAIT_MARGINS = (Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6))
LANDSCAPE_MARGINS = (Cm(2.2), Cm(2.0), Cm(2.0), Cm(2.0))


# Characters XML 1.0 cannot hold (control characters, lone surrogates): an
# agency's extract can carry them in a name; they are dropped, not fatal.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text) -> str:
    return _NOT_XML.sub("", str(text))


def _fonts(run, east_asian: str, size: float | None = None, bold: bool = False, colour: RGBColor | None = None):
    run.font.name = east_asian
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
    if size:
        run.font.size = Pt(size)
    run.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _para(doc, text: str, font: str = BODY_FONT, size: float = 14, bold=False, colour=None, centre=False,
          right=False, style=None, space_after: float = 4):
    p = doc.add_paragraph(style=style)
    if text:
        _fonts(p.add_run(_clean(text)), font, size, bold, colour)
    if centre:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.space_after = Pt(space_after)
    return p


def _field(paragraph, instruction: str, shown: str, font: str, size: float) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / result / end runs."""
    def run_xml(inner: str) -> str:
        return (f'<w:r {nsdecls("w")}><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>'
                f'<w:sz w:val="{int(size * 2)}"/></w:rPr>{inner}</w:r>')
    for inner in ('<w:fldChar w:fldCharType="begin"/>',
                  f'<w:instrText xml:space="preserve"> {instruction} </w:instrText>',
                  '<w:fldChar w:fldCharType="separate"/>', f"<w:t>{shown}</w:t>", '<w:fldChar w:fldCharType="end"/>'):
        paragraph._p.append(parse_xml(run_xml(inner)))


def _red_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="18" w:space="4" '
                         'w:color="FF0000"/></w:pBdr>'))


def _page(doc, landscape: bool) -> None:
    section = doc.sections[0]
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    top, bottom, left, right = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = top, bottom, left, right
    section.header_distance = section.footer_distance = Cm(1.2)


def _header_footer(doc, od: OfficialDoc) -> None:
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _fonts(head.add_run(_clean(f"{od.confidentiality}　{od.number}")), BODY_FONT, 9, colour=RED)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(foot.add_run("第 "), BODY_FONT, 10.5)
    _field(foot, "PAGE", "1", BODY_FONT, 10.5)
    _fonts(foot.add_run(" 页 共 "), BODY_FONT, 10.5)
    _field(foot, "NUMPAGES", "1", BODY_FONT, 10.5)
    _fonts(foot.add_run(" 页"), BODY_FONT, 10.5)


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT)):
        style = doc.styles[name]
        style.font.name = font
        style.font.size = Pt(16)
        style.font.bold = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _usable_width(doc) -> int:
    s = doc.sections[0]
    return s.page_width - s.left_margin - s.right_margin


def _cell_xml(text: str, width: int, size_half_points: int, bold: bool) -> str:
    b = "<w:b/>" if bold else ""
    # Line breaks in the value become Word line breaks, not lost.
    runs = '<w:br/>'.join(f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in _clean(text).split("\n"))
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:spacing w:after="0"/>'
            f'</w:pPr><w:r><w:rPr>{b}<w:sz w:val="{size_half_points}"/></w:rPr>{runs}</w:r></w:p></w:tc>')


def _table(doc, columns, rows, widths=None, totals=None, size: float = 9) -> None:
    """A bordered table; the first row (if `columns`) is bold and repeats on every page."""
    width = len(columns) if columns else (len(rows[0]) if rows else 0)
    if not width:
        return
    widths = widths or (1,) * width
    total_twips = int(_usable_width(doc) / 635)      # EMU → twentieths of a point
    twips = [int(total_twips * w / sum(widths)) for w in widths]
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, tw in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips):
        col.set(qn("w:w"), str(tw))
    half = int(size * 2)
    xml = []
    if columns:
        cells = "".join(_cell_xml(c, tw, half, True) for c, tw in zip(columns, twips))
        xml.append(f'<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>{cells}</w:tr>')
    for row in rows:
        xml.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                   + "".join(_cell_xml(v, tw, half, False) for v, tw in zip(row, twips)) + "</w:tr>")
    if totals:
        xml.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                   + "".join(_cell_xml(v, tw, half, True) for v, tw in zip(totals, twips)) + "</w:tr>")
    # One parse for all rows: the ledger's 5,000 rows take a fraction of a second.
    holder = parse_xml(f'<w:tbl {nsdecls("w")}>{"".join(xml)}</w:tbl>')
    for tr in list(holder):
        table._tbl.append(tr)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def render_official_docx(od: OfficialDoc) -> bytes:
    doc = Document()
    _page(doc, od.landscape)
    _styles(doc)
    _header_footer(doc, od)
    doc.core_properties.title = _clean(f"{od.title} {od.number}")
    doc.core_properties.author = _clean(od.issuer)
    _para(doc, od.issuer, TITLE_FONT, 26, bold=True, colour=RED, centre=True, space_after=6)
    number = _para(doc, od.number, BODY_FONT, 16, centre=True, space_after=12)
    _red_rule(number)
    _para(doc, od.title, TITLE_FONT, 22, bold=True, centre=True, space_after=12)
    _para(doc, f"印发时间：{od.issued_at}", BODY_FONT, 12, centre=True, space_after=10)
    for block in od.blocks:
        _block(doc, block)
    _reviews(doc, od)
    _signatures(doc, od)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _block(doc, block) -> None:
    if isinstance(block, Heading):
        doc.add_heading(_clean(block.text), level=block.level)
    elif isinstance(block, Para):
        _para(doc, block.text, BODY_FONT, 10.5 if block.note else 14)
    elif isinstance(block, Pairs):
        _table(doc, None, [(k, v) for k, v in block.items], widths=(1, 3), size=10.5)
    elif isinstance(block, Grid):
        _table(doc, block.columns, block.rows, block.widths, block.totals, block.size)
    elif isinstance(block, Picture):
        doc.add_picture(io.BytesIO(block.png), width=min(Cm(16), _usable_width(doc)))
        _para(doc, block.caption, BODY_FONT, 10.5, centre=True)


def _reviews(doc, od: OfficialDoc) -> None:
    if od.reviews is None:
        return
    doc.add_heading("审核意见", level=1)
    if od.reviews:
        _table(doc, ("审核时间", "审核人", "审核结论", "意见或退回理由"),
               [(r.at, r.reviewer, r.decision, r.reason or "—") for r in od.reviews], widths=(3, 2, 2, 6), size=10.5)
    else:
        _table(doc, None, [("审核意见", "\n\n\n")], widths=(1, 4), size=12)


def _signatures(doc, od: OfficialDoc) -> None:
    doc.add_heading("签批", level=1)
    _table(doc, ("签批", "姓名（签字）", "日期"),
           [(s.role, s.name or "\n", s.date or "　　年　　月　　日") for s in od.signatures], widths=(2, 4, 3), size=12)
    _para(doc, f"（{od.issuer}　印）", BODY_FONT, 14, right=True)
