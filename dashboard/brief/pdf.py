"""A briefing as an A4 PDF (fpdf2): the Noto CJK fonts embedded as subsets (text selectable, searchable, and given back
by pdftotext), a cover with the office header, page numbers, tables shared out across the page width and repeated
headers on a page break, charts at their drawn resolution, and a 数据说明 page."""

from __future__ import annotations

import datetime as dt
import io
import logging

from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode

from dashboard.brief import fonts
from dashboard.brief.model import DEMO_MARK, OFFICE, TITLE, Briefing, Section, Table

RED = (192, 0, 0)
GREY = (96, 96, 96)
HEAD_FILL = (232, 238, 247)
MARGIN = 18  # mm
BODY, SMALL, TABLE = 11, 8.5, 8.5  # pt
LINE = 6.4  # mm per body line
logging.getLogger("fontTools").setLevel(logging.WARNING)  # the font subsetter logs every glyph at INFO


class _Document(FPDF):
    def __init__(self, brief: Briefing):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.brief = brief
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        for style, kind in (("", "regular"), ("B", "bold")):
            f = fonts.face(kind)
            self.add_font("cjk", style, str(f.path), collection_font_number=f.index)
        t = fonts.face("title")
        self.add_font("title", "", str(t.path), collection_font_number=t.index)
        self.set_title(f"{TITLE}（{brief.month_text} · {brief.scope}）")
        self.set_author(OFFICE)
        self.set_creator("曲靖市运行监测")
        self.set_lang("zh-CN")
        self.set_creation_date(
            brief.generated_at.astimezone(dt.UTC) if brief.generated_at.tzinfo else brief.generated_at.replace(tzinfo=dt.UTC)
        )

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font("cjk", "", SMALL)
        self.set_text_color(*GREY)
        mark = f"　{DEMO_MARK}" if self.brief.demo else ""
        self.cell(0, 5, f"{TITLE} · {self.brief.month_text} · {self.brief.scope}{mark}", align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*RED)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.set_draw_color(0)
        self.ln(4)
        self.set_text_color(0)

    def footer(self):
        self.set_y(-12)
        self.set_font("cjk", "", SMALL)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"第 {self.page_no()} 页　共 {{nb}} 页", align="C")
        self.set_text_color(0)

    # ------------------------------------------------------------ building blocks
    def paragraph(self, text: str, size: float = BODY, color=(0, 0, 0), indent: bool = True) -> None:
        self.set_font("cjk", "", size)
        self.set_text_color(*color)
        self.multi_cell(
            0, LINE * size / BODY, ("\u3000\u3000" if indent else "") + text, wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT"
        )
        self.set_text_color(0)

    def heading(self, text: str, size: float = 15) -> None:
        if self.get_y() > self.h - MARGIN - 40:  # never a heading alone at the foot of a page
            self.add_page()
        self.ln(3)
        self.set_font("cjk", "B", size)
        self.cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def table(self, t: Table) -> None:
        if t.title:
            self.heading(t.title, 11)
        if t.frame.width and t.frame.height:
            self.set_font("cjk", "", TABLE)
            widths = t.widths if t.widths and len(t.widths) == t.frame.width else None
            with super().table(
                col_widths=widths,
                width=self.epw,
                line_height=TABLE * 0.55,
                text_align="LEFT",
                wrapmode=WrapMode.CHAR,
                headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
                padding=1,
            ) as out:
                header = out.row()
                for c in t.frame.columns:
                    header.cell(c)
                for values in t.frame.iter_rows():
                    row = out.row()
                    for v in values:
                        row.cell("" if v is None else str(v))
            self.ln(1.5)
        if t.note:
            self.paragraph(t.note, SMALL, GREY, indent=False)
        self.ln(2)

    def section(self, s: Section) -> None:
        self.heading(s.title + (f"（{DEMO_MARK}）" if s.demo else ""))
        for text in s.narrative:
            self.paragraph(text)
        self.ln(2)
        if s.figures is not None:
            self.table(s.figures)
        for c in s.charts:
            width = min(self.epw, c.width_cm * 10)
            self.image(io.BytesIO(c.png), x=(self.w - width) / 2, w=width)
            self.ln(3)
        for t in s.tables:
            self.table(t)


def _cover(pdf: _Document, b: Briefing) -> None:
    pdf.add_page()
    pdf.ln(18)
    pdf.set_font("title", "", 30)
    pdf.set_text_color(*RED)
    pdf.cell(0, 16, OFFICE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    y = pdf.get_y()
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, y + 1.4, pdf.w - MARGIN, y + 1.4)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0)
    pdf.ln(12)
    pdf.set_text_color(0)
    pdf.set_font("title", "", 24)
    pdf.cell(0, 12, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 15)
    pdf.cell(0, 10, f"{b.month_text}　·　{b.scope}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("cjk", "", 10)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 6, f"数据截至 {b.cut_off}　·　生成于 {b.generated_at:%Y-%m-%d %H:%M}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    if b.demo:
        pdf.ln(4)
        pdf.set_font("cjk", "B", 12)
        pdf.set_text_color(*RED)
        pdf.set_draw_color(*RED)
        w = 90
        pdf.set_x((pdf.w - w) / 2)
        pdf.cell(w, 9, f"{DEMO_MARK}：仅供演示，不代表真实情况", border=1, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.set_draw_color(0)
    pdf.ln(10)
    pdf.heading("本期要点", 14)
    for line in b.highlights:
        pdf.paragraph("■ " + line, indent=False)
        pdf.ln(1)


def _notes(pdf: _Document, b: Briefing) -> None:
    pdf.add_page()
    pdf.heading("数据说明")
    for title, text in b.notes:
        pdf.set_font("cjk", "B", BODY)
        pdf.cell(0, LINE, title, new_x="LMARGIN", new_y="NEXT")
        pdf.paragraph(text, 9.5, indent=False)
        pdf.ln(1.5)
    for t in b.rules:
        pdf.table(t)


def render(b: Briefing) -> bytes:
    pdf = _Document(b)
    _cover(pdf, b)
    for s in b.sections:
        pdf.add_page()
        pdf.section(s)
    _notes(pdf, b)
    return bytes(pdf.output())
