"""The report as Word (python-docx): the same blocks as the PDF, editable by the clerk.

Real Word headings (标题 1/2/3) and real tables, styles named with the official East Asian fonts:
仿宋_GB2312 body, 黑体 level 1, 楷体_GB2312 level 2, 方正小标宋简体 title. A PC that lacks one
substitutes the font listed as its ``altName`` in the font table (仿宋, 楷体, 宋体), which every
Chinese Windows has. A draft says 草稿 in the page header.
"""
from __future__ import annotations

import io
import re

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from models.report import Report

from . import charts, content
from .fonts import escape
from .package import register_renderer

BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
LATIN_FONT = "Times New Roman"
# font → the font Word uses when the first is not installed (every Chinese Windows has these)
ALT_NAMES = {BODY_FONT: "仿宋", HEADING2_FONT: "楷体", TITLE_FONT: "宋体", HEADING1_FONT: "SimHei"}
BODY_PT = 16
LINE_PT = 28.9
TEXT_WIDTH_MM = 156
CELL_MARGIN_PT = 5.4    # Word's default left and right cell margin (108 twips)
MIN_NUMBER_PT = 6.5
_NUMBER = re.compile(r"^[-+]?[\d,]+(\.\d+)?%?$")
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _set_fonts(element_rpr_owner, east_asia: str, latin: str = LATIN_FONT):
    """w:rFonts with explicit names (theme fonts removed, or Word would ignore ours)."""
    rpr = element_rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _style(doc, name: str, *, east_asia: str, size: float, bold=False, align=None, first_line_chars=0,
           line_pt: float | None = LINE_PT, base: str | None = None, space_before=0, space_after=0,
           keep_with_next=False, outline_level: int | None = None):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base:
            style.base_style = styles[base]
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element, east_asia)
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    if line_pt:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line_pt)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    fmt.keep_with_next = keep_with_next
    ppr = style.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    for attr in list(ind.attrib):
        del ind.attrib[attr]
    # 首行缩进两字: in characters, so it follows the font size as Word users expect
    ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
    ind.set(qn("w:firstLine"), str(int(first_line_chars * size * 20)))
    if outline_level is not None:
        level = ppr.find(qn("w:outlineLvl"))
        if level is None:
            level = OxmlElement("w:outlineLvl")
            ppr.append(level)
        level.set(qn("w:val"), str(outline_level))
    return style


def _setup(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    _style(doc, "Normal", east_asia=BODY_FONT, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)
    _style(doc, "Title", east_asia=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=34,
           space_before=10, space_after=6)
    title_ppr = doc.styles["Title"].element.get_or_add_pPr()
    border = title_ppr.find(qn("w:pBdr"))
    if border is not None:  # the template's Title has a rule under it; an official title has none
        title_ppr.remove(border)
    _style(doc, "Heading 1", east_asia=HEADING1_FONT, size=BODY_PT, first_line_chars=2, keep_with_next=True,
           outline_level=0)
    _style(doc, "Heading 2", east_asia=HEADING2_FONT, size=BODY_PT, first_line_chars=2, keep_with_next=True,
           outline_level=1)
    _style(doc, "Heading 3", east_asia=BODY_FONT, size=BODY_PT, bold=True, first_line_chars=2,
           keep_with_next=True, outline_level=2)
    _style(doc, "报告封面", base="Normal", east_asia=BODY_FONT, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "附件标识", base="Normal", east_asia=HEADING1_FONT, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    _style(doc, "表格文字", base="Normal", east_asia=BODY_FONT, size=12, line_pt=None,
           align=WD_ALIGN_PARAGRAPH.LEFT)
    _style(doc, "表格文字小", base="Normal", east_asia=BODY_FONT, size=10.5, line_pt=None,
           align=WD_ALIGN_PARAGRAPH.LEFT)
    _style(doc, "表注", base="Normal", east_asia=BODY_FONT, size=10.5, line_pt=None, align=WD_ALIGN_PARAGRAPH.LEFT,
           space_before=3)
    _style(doc, "签字栏", base="Normal", east_asia=BODY_FONT, size=12, line_pt=None, align=WD_ALIGN_PARAGRAPH.LEFT,
           space_before=6)
    _style(doc, "表题", base="Normal", east_asia=HEADING1_FONT, size=12, line_pt=None,
           align=WD_ALIGN_PARAGRAPH.CENTER, space_before=6, space_after=3, keep_with_next=True)
    _style(doc, "图", base="Normal", east_asia=BODY_FONT, size=BODY_PT, line_pt=None,
           align=WD_ALIGN_PARAGRAPH.CENTER)
    _add_font_alternates(doc)


def _attribute(value: str) -> str:
    """A quoted XML attribute value (xml.sax.saxutils.quoteattr costs its importer ≈ 10 ms)."""
    return '"' + escape(value).replace('"', "&quot;") + '"'


def _add_font_alternates(doc):
    """Declare the official fonts in word/fontTable.xml with the font Word should substitute."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    entries = "".join(
        f'<w:font w:name={_attribute(name)}><w:altName w:val={_attribute(alt)}/><w:charset w:val="86"/>'
        f'<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>' for name, alt in ALT_NAMES.items())
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _field(paragraph, instruction: str):
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(separate)
    shown = paragraph.add_run("1")
    closing = paragraph.add_run()
    closing._r.append(end)
    return shown


def _page_furniture(doc, draft: bool):
    section = doc.sections[0]
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in ("— ",):
        run = footer.add_run(text)
        run.font.size = Pt(14)
    _field(footer, "PAGE").font.size = Pt(14)
    footer.add_run(" —").font.size = Pt(14)
    header = section.header.paragraphs[0]
    if draft:
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run("草稿")
        run.bold = True
        run.font.size = Pt(18)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        _set_fonts(run._r, HEADING1_FONT)
        note = header.add_run("（未经审核，不作正式报送）")
        note.font.size = Pt(10.5)
        note.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else [""]


def _set_style(paragraph, style):
    # paragraph.style = … looks the style up by name each time (slow on big tables)
    paragraph._p.style = style.style_id


def _number_size(text: str, size_pt: float, width_pt: float) -> float | None:
    """A smaller size for a figure wider than its cell, so that Word does not break it inside the
    number (6,621.902│741); None when it fits. Widths in em of the Latin font (Times New Roman):
    digits ½, comma and point ¼, per cent ⅚."""
    if not _NUMBER.match(text):
        return None
    room = width_pt - 2 * CELL_MARGIN_PT - 1
    needed = sum({",": 0.25, ".": 0.25, "%": 0.84}.get(ch, 0.5) for ch in text) * size_pt
    if needed <= room:
        return None
    return max(MIN_NUMBER_PT, int(size_pt * room / needed * 4) / 4)


def _cell_text(cell, value: content.Cell, style, width=None):
    lines = _lines(value.text)
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        _set_style(paragraph, style)
        paragraph.alignment = ALIGN[value.align]
        stripped = line.lstrip("\u3000")
        if len(stripped) != len(line):  # indented label: keep it as an indent, not as spaces
            paragraph.paragraph_format.left_indent = Pt(style.font.size.pt * (len(line) - len(stripped)))
        run = paragraph.add_run(stripped)
        if value.bold:
            run.bold = True
        smaller = _number_size(stripped, style.font.size.pt, width.pt) if width is not None else None
        if smaller:
            run.font.size = Pt(smaller)


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _cant_split(row):
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _merge_span(grid, c0: int, r0: int, c1: int, r1: int):
    """What python-docx's ``grid[r0][c0].merge(grid[r1][c1])`` writes, done with the cells at hand.

    merge() first measures the span by walking the table with XPath from each corner (the grid
    offset of every cell before it, the row index of every row above it): for seed 001's 80 spans
    that was about half the DOCX time. Here the span is known: in each row, the first cell takes
    the others' width and content, spans their columns (gridSpan), and is marked as the start or
    a continuation of a vertical merge.
    """
    top = grid[r0][c0]._tc
    for r in range(r0, r1 + 1):
        tc = grid[r][c0]._tc
        tc._move_content_to(top)
        for col in range(c0 + 1, c1 + 1):
            swallowed = grid[r][col]._tc
            swallowed._move_content_to(top)
            tc._add_width_of(swallowed)
            tc.grid_span += swallowed.grid_span
            swallowed._remove()
        tc.vMerge = None if r1 == r0 else ("restart" if r == r0 else "continue")


def _table(doc, block: content.Table):
    if block.caption:
        doc.add_paragraph(block.caption, style="表题")
    rows = block.all_rows
    ncols = len(block.widths)
    table = doc.add_table(rows=len(rows), cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(block.widths)
    widths = [Mm(TEXT_WIDTH_MM * w / total) for w in block.widths]
    style = doc.styles["表格文字小" if block.small else "表格文字"]
    covered = set()
    span_width = {}
    for c0, r0, c1, r1 in block.spans:
        span_width[(c0, r0)] = Emu(sum(widths[c0:c1 + 1]))
        covered |= {(c, r) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(c0, r0)}
    for col, r0, r1 in block.groups:
        covered |= {(col, r) for r in range(r0 + 1, r1 + 1)}
    word_rows = list(table.rows)
    grid = [list(word_row.cells) for word_row in word_rows]  # table.cell() re-walks the table each call
    for r, row in enumerate(rows):
        _cant_split(word_rows[r])
        if r < len(block.header_rows) and block.repeat_header:
            _repeat_header(word_rows[r])
        for col in range(ncols):
            cell = grid[r][col]
            cell.width = widths[col]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            value = row[col] if col < len(row) else content.Cell("")
            if (col, r) not in covered:
                _cell_text(cell, value, style, span_width.get((col, r), widths[col]))
            else:
                _set_style(cell.paragraphs[0], style)
    # spans and groups never overlap, so cells fetched before merging stay valid
    for span in block.spans:
        _merge_span(grid, *span)
    # Column groups are plain vertical merges: mark them directly. python-docx's merge() walks the
    # table per call and recurses once per row (RecursionError past ~1,000 rows).
    for col, r0, r1 in block.groups:
        if r1 > r0:
            grid[r0][col]._tc.vMerge = "restart"
            for r in range(r0 + 1, r1 + 1):
                grid[r][col]._tc.vMerge = "continue"
    # Word keeps the column grid from tblGrid: set it too, or LibreOffice draws equal columns
    grid = table._tbl.tblGrid
    for width, grid_col in zip(widths, grid.findall(qn("w:gridCol"))):
        grid_col.set(qn("w:w"), str(int(width.twips)))
    doc.add_paragraph(style="表注")  # a little air under the table


def render_document(document: content.Document) -> bytes:
    doc = new_docx()
    _setup(doc)
    _page_furniture(doc, document.draft)
    props = doc.core_properties
    props.title = document.title
    props.author = "自评通"
    props.subject = "部门整体支出绩效自评报告"
    body = doc.element.body
    # the template starts with one empty paragraph; drop it so the title is first
    for paragraph in list(doc.paragraphs):
        body.remove(paragraph._p)
    pending_break = False

    style_ids: dict[str, str] = {}

    def paragraph(text: str | None = None, style: str = "Normal"):
        nonlocal pending_break
        # add_paragraph(style=name) scans every style per call (≈ 1 ms): look each name up once
        p = doc.add_paragraph()
        if style != "Normal":
            if style not in style_ids:
                style_ids[style] = doc.styles[style].style_id
            p._p.style = style_ids[style]
        if text:
            p.add_run(text)
        if pending_break:
            p.paragraph_format.page_break_before = True
            pending_break = False
        return p

    for block in document.blocks:
        if isinstance(block, content.Title):
            p = paragraph(block.text, "Title")
            for run in p.runs:
                _set_fonts(run._r, TITLE_FONT)
            for line in block.cover:
                paragraph(line, "报告封面")
            paragraph()
        elif isinstance(block, content.Heading):
            style = {1: "Heading 1", 2: "Heading 2"}.get(block.level, "Heading 3")
            p = paragraph(block.text, style)
            if block.kind == "attachment":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.space_after = Pt(8)
                for run in p.runs:
                    run.font.size = Pt(18)
                    _set_fonts(run._r, TITLE_FONT)
        elif isinstance(block, content.Paragraph):
            style = {"note": "表注", "attachment_label": "附件标识", "caption": "表题"}.get(block.style, "Normal")
            paragraph(block.text, style)
        elif isinstance(block, content.Table):
            if pending_break:
                paragraph()
            _table(doc, block)
        elif isinstance(block, content.Chart):
            drawing = charts.drawing(block, TEXT_WIDTH_MM / 25.4 * 72)
            p = paragraph(style="图")
            p.add_run().add_picture(io.BytesIO(charts.to_png(drawing)), width=Mm(TEXT_WIDTH_MM))
        elif isinstance(block, content.Signature):
            parts = [f"{label}：{value or chr(0x3000) * 4}" for label, value in block.items]
            paragraph("\u3000\u3000".join(parts), "签字栏")
        elif isinstance(block, content.PageBreak):
            pending_break = True
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@register_renderer("report_docx", ".docx", "报告")
def render(report: Report, draft: bool) -> bytes:
    return render_document(content.build_document(report, draft))

