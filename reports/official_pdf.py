"""An `OfficialDoc` as A4 PDF (fpdf2), in the GB/T 9704 manner, fonts embedded.

Noto Serif SC stands in for 宋体 / 仿宋 (title and body) and Noto Sans SC for
黑体 (headings); both come from the `pylopdf-fonts-zh-cn` wheel and travel
inside the file as subsets, so any reader shows the Chinese. Tables repeat
their header row on every page.
"""
from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from reliefgraph.reports.fonts import cjk_font_path, cjk_serif_path
from reliefgraph.reports.official import Grid, Heading, OfficialDoc, Pairs, Para, Picture

SERIF, SANS = "serif", "sans"
RED = (230, 0, 0)
HEAD_FILL = (235, 235, 235)
# One weight per font: header cells and totals are set apart by fill.
TOTALS_FILL = (245, 245, 245)
PT = 0.3528   # mm per point


class _Pdf(FPDF):
    def __init__(self, od: OfficialDoc):
        super().__init__(orientation="L" if od.landscape else "P", format="A4", unit="mm")
        self.od = od
        self.add_font(SERIF, "", str(cjk_serif_path()))
        self.add_font(SANS, "", str(cjk_font_path()))
        for font in self.fonts.values():
            # Recomputing every glyph's bounds while subsetting is most of the
            # time a PDF takes; the full font's box is still a true bound.
            font.ttfont.recalcBBoxes = False
        if od.landscape:
            self.set_margins(20, 20, 20)
            self.set_auto_page_break(True, margin=18)
        else:
            # GB/T 9704 版心 on A4: left 28 mm, right 26, top 37, bottom 35 (less the footer).
            self.set_margins(28, 30, 26)
            self.set_auto_page_break(True, margin=28)
        self.set_title(f"{od.title} {od.number}")
        self.set_author(od.issuer)
        self.set_creator("reliefgraph")
        self.set_lang("zh-CN")
        # Room for a four-digit page count (the default alias is three characters wide).
        self.alias_nb_pages("{total_pages}")

    def header(self) -> None:
        self.set_y(12)
        self.set_font(SERIF, size=9)
        self.set_text_color(*RED)
        self.cell(0, 5, f"{self.od.confidentiality}　{self.od.number}", align="R", new_x=XPos.LMARGIN,
                  new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-18)
        self.set_font(SERIF, size=10.5)
        self.cell(0, 6, f"第 {self.page_no()} 页 共 {{total_pages}} 页", align="C")

    def para(self, text: str, size: float = 14, font: str = SERIF, colour=(0, 0, 0), align="L",
             after: float = 1.5) -> None:
        self.set_font(font, size=size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * PT * 1.5, text, align=align, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(after)

    def heading(self, text: str, level: int) -> None:
        if self.get_y() + 30 > self.page_break_trigger:
            self.add_page()    # a heading never ends a page alone
        self.ln(2)
        self.para(text, size=15 if level == 1 else 14, font=SANS if level == 1 else SERIF, after=1.5)

    def grid(self, columns, rows, widths=None, totals=None, size: float = 9) -> None:
        """A bordered table drawn line by line, its header row repeated on each page.

        fpdf2's `table()` measures every cell through its general line
        breaker: a 5,000-row ledger took minutes. Table cells need only
        wrapping by character (Chinese has no spaces to break at), which is
        a sum over the font's advance widths."""
        n = len(columns) if columns else (len(rows[0]) if rows else 0)
        if not n:
            return
        widths = widths or (1,) * n
        cols = [self.epw * w / sum(widths) for w in widths]
        self.set_font(SERIF, size=size)
        advance = self.current_font.cw
        scale = size * 0.001 / self.k     # font units → mm
        line_h = size * PT * 1.3
        pad = 0.9

        def wrap(text: str, room: float) -> list[str]:
            lines = []
            for part in str(text).split("\n"):
                line, used = [], 0.0
                for ch in part:
                    # A glyph the font lacks is left out by fpdf2; reserve an em for it.
                    known = advance.get(ord(ch))
                    w = known * scale if known else size * PT
                    if line and used + w > room:
                        lines.append("".join(line))
                        line, used = [], 0.0
                    line.append(ch)
                    used += w
                lines.append("".join(line))
            return lines

        def draw(cells, fill=None) -> None:
            wrapped = [wrap(v, c - 2 * pad) for v, c in zip(cells, cols)]
            height = max(len(w) for w in wrapped) * line_h + 2 * pad
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                if columns and cells is not columns:
                    draw(columns, HEAD_FILL)
            x, y = self.l_margin, self.get_y()
            if fill:
                self.set_fill_color(*fill)
            for lines, c in zip(wrapped, cols):
                self.rect(x, y, c, height, style="DF" if fill else "D")
                for i, line in enumerate(lines):
                    if line:
                        self.text(x + pad, y + pad + line_h * i + size * PT * 0.95, line)
                x += c
            self.set_y(y + height)

        if columns:
            draw(columns, HEAD_FILL)
        for row in rows:
            draw(row)
        if totals:
            draw(totals, TOTALS_FILL)
        self.ln(2)

    def picture(self, png: bytes, caption: str) -> None:
        from PIL import Image

        width = min(self.epw, 160)
        with Image.open(io.BytesIO(png)) as img:
            height = width * img.height / img.width
        if self.get_y() + height + 10 > self.page_break_trigger:
            self.add_page()
        self.image(io.BytesIO(png), w=width, x=self.l_margin + (self.epw - width) / 2)
        self.para(caption, size=10.5, align="C")


def render_official_pdf(od: OfficialDoc) -> bytes:
    pdf = _Pdf(od)
    pdf.add_page()
    pdf.para(od.issuer, size=26, colour=RED, align="C", after=3)
    pdf.para(od.number, size=16, align="C", after=1)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.ln(6)
    pdf.para(od.title, size=22, align="C", after=2)
    pdf.para(f"印发时间：{od.issued_at}", size=12, align="C", after=4)
    for block in od.blocks:
        _block(pdf, block)
    _reviews(pdf, od)
    _signatures(pdf, od)
    return bytes(pdf.output())


def _block(pdf: _Pdf, block) -> None:
    if isinstance(block, Heading):
        pdf.heading(block.text, block.level)
    elif isinstance(block, Para):
        pdf.para(block.text, size=10.5 if block.note else 14)
    elif isinstance(block, Pairs):
        pdf.grid(None, block.items, widths=(1, 3), size=10.5)
    elif isinstance(block, Grid):
        pdf.grid(block.columns, block.rows, block.widths, block.totals, block.size)
    elif isinstance(block, Picture):
        pdf.picture(block.png, block.caption)


def _reviews(pdf: _Pdf, od: OfficialDoc) -> None:
    if od.reviews is None:
        return
    pdf.heading("审核意见", 1)
    if od.reviews:
        pdf.grid(("审核时间", "审核人", "审核结论", "意见或退回理由"),
                 [(r.at, r.reviewer, r.decision, r.reason or "—") for r in od.reviews], widths=(3, 2, 2, 6), size=10.5)
    else:
        pdf.grid(None, [("审核意见", "\u3000\n\u3000\n\u3000")], widths=(1, 4), size=12)


def _signatures(pdf: _Pdf, od: OfficialDoc) -> None:
    if pdf.get_y() + 50 > pdf.page_break_trigger:
        pdf.add_page()    # the signature block stays in one piece
    pdf.heading("签批", 1)
    pdf.grid(("签批", "姓名（签字）", "日期"),
             [(s.role, s.name or "\u3000\n\u3000", s.date or "　　年　　月　　日") for s in od.signatures],
             widths=(2, 4, 3), size=12)
    pdf.para(f"（{od.issuer}　印）", size=14, align="R")
