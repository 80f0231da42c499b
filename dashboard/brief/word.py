"""A briefing as an editable Word file (python-docx) with the same content as the PDF, for staff who add commentary:
real headings (the navigation pane lists the sections), real tables, the charts as pictures, page numbers in the
footer. Chinese text asks for the fonts of a government office PC (dashboard.brief.fonts)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from dashboard.brief import fonts
from dashboard.brief.model import DEMO_MARK, OFFICE, TITLE, Briefing, Table

RED = RGBColor(0xC0, 0x00, 0x00)
GREY = RGBColor(0x60, 0x60, 0x60)
PAGE_WIDTH_CM = 21.0 - 2 * 1.8


def _east_asian(style_or_run, name: str) -> None:
    """Word reads Chinese text's font from w:eastAsia; python-docx sets only the Latin one."""
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def _run(paragraph, text: str, size: float | None = None, bold: bool = False, color: RGBColor | None = None, font: str | None = None):
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    if font:
        run.font.name = font
        _east_asian(run, font)
    return run


def _page_number(paragraph) -> None:
    """第 {PAGE} 页 as a field Word fills in."""
    _run(paragraph, "第 ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _run(paragraph, " 页")


def _table(doc, t: Table) -> None:
    if t.title:
        doc.add_heading(t.title, level=3)
    if t.frame.width and t.frame.height:
        table = doc.add_table(rows=1, cols=t.frame.width)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = t.widths if t.widths and len(t.widths) == t.frame.width else (1,) * t.frame.width
        cm = [PAGE_WIDTH_CM * w / sum(widths) for w in widths]
        for cell, name, w in zip(table.rows[0].cells, t.frame.columns, cm, strict=True):
            cell.width = Cm(w)
            _run(cell.paragraphs[0], name, 9, bold=True)
        for values in t.frame.iter_rows():
            cells = table.add_row().cells
            for cell, v, w in zip(cells, values, cm, strict=True):
                cell.width = Cm(w)
                _run(cell.paragraphs[0], "" if v is None else str(v), 9)
    if t.note:
        _run(doc.add_paragraph(), t.note, 8.5, color=GREY)


def render(b: Briefing) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    normal.font.name = fonts.WORD_BODY
    _east_asian(normal, fonts.WORD_BODY)
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        style.font.name = fonts.WORD_HEADING
        style.font.color.rgb = RGBColor(0, 0, 0)
        _east_asian(style, fonts.WORD_HEADING)
    doc.core_properties.title = f"{TITLE}（{b.month_text} · {b.scope}）"
    doc.core_properties.author = OFFICE
    doc.core_properties.created = b.generated_at.replace(tzinfo=None)
    doc.core_properties.language = "zh-CN"

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    if b.demo:
        _run(footer, f"　{DEMO_MARK}", color=RED)

    # cover
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, OFFICE, 26, bold=True, color=RED, font=fonts.WORD_TITLE)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "━" * 24, 12, color=RED)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, TITLE, 22, bold=True, font=fonts.WORD_TITLE)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, f"{b.month_text}　·　{b.scope}", 15)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, f"数据截至 {b.cut_off}　·　生成于 {b.generated_at:%Y-%m-%d %H:%M}", 10, color=GREY)
    if b.demo:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, f"{DEMO_MARK}：仅供演示，不代表真实情况", 12, bold=True, color=RED)
    doc.add_heading("本期要点", level=2)
    for line in b.highlights:
        doc.add_paragraph(line, style="List Bullet")

    for s in b.sections:
        doc.add_page_break()
        doc.add_heading(s.title + (f"（{DEMO_MARK}）" if s.demo else ""), level=1)
        for text in s.narrative:
            p = doc.add_paragraph(text)
            p.paragraph_format.first_line_indent = Pt(22)
        if s.figures is not None:
            _table(doc, s.figures)
        for c in s.charts:
            doc.add_picture(io.BytesIO(c.png), width=Cm(min(c.width_cm, PAGE_WIDTH_CM)))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for t in s.tables:
            _table(doc, t)

    doc.add_page_break()
    doc.add_heading("数据说明", level=1)
    for title, text in b.notes:
        p = doc.add_paragraph()
        _run(p, f"{title}：", bold=True)
        _run(p, text)
    for t in b.rules:
        _table(doc, t)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
