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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.simpletypes import ST_HpsMeasure
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.styles.style import StyleFactory

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
JUSTIFICATION = {"left": "left", "center": "center", "right": "right"}  # content.Cell.align → w:jc


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
        # styles.add_style() would first search every style of the template for the name that
        # styles[name] has just not found (≈ 0.4 ms each); our names need no UI-name mapping
        style = StyleFactory(styles.element.add_style_of_type(name, WD_STYLE_TYPE.PARAGRAPH, False))
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


_VMERGE = {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}  # continue is the default
_RUN_BREAKS = re.compile(r"([\t\r\n])")
_RUN_BREAK_XML = {"\t": "<w:tab/>", "\r": "<w:br/>", "\n": "<w:br/>"}


def _run_xml(text: str, bold: bool, size_pt: float | None) -> str:
    """A w:r as python-docx's add_run(text) (+ bold, font.size) writes it: tabs as w:tab, line
    breaks as w:br, and xml:space="preserve" on a w:t with white space at either end."""
    properties = ("<w:b/>" if bold else "") + (
        f'<w:sz w:val="{ST_HpsMeasure.convert_to_xml(Pt(size_pt))}"/>' if size_pt else "")
    parts = [f"<w:rPr>{properties}</w:rPr>"] if properties else []
    for piece in _RUN_BREAKS.split(text):
        if piece in _RUN_BREAK_XML:
            parts.append(_RUN_BREAK_XML[piece])
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r>{''.join(parts)}</w:r>" if parts else "<w:r/>"


def _cell_paragraphs_xml(value: content.Cell, style_id: str, size_pt: float, width_pt: float) -> str:
    """The cell's text as w:p elements: one per line, in the table text style, aligned; leading
    全角 spaces become an indent (an indented label), figures too wide for the cell shrink."""
    out = []
    for line in _lines(value.text):
        stripped = line.lstrip("\u3000")
        indent = ""
        if len(stripped) != len(line):  # indented label: keep it as an indent, not as spaces
            indent = f'<w:ind w:left="{Pt(size_pt * (len(line) - len(stripped))).twips}"/>'
        out.append(f'<w:p><w:pPr><w:pStyle w:val={style_id}/>{indent}<w:jc w:val="{JUSTIFICATION[value.align]}"/></w:pPr>'
                   f"{_run_xml(stripped, value.bold, _number_size(stripped, size_pt, width_pt))}</w:p>")
    return "".join(out)


def _table_xml(block: content.Table, style, widths: list) -> str:
    """The w:tbl element as text, parsed once.

    It is what python-docx writes for add_table() followed by, per cell, width, vertical
    alignment, style, alignment, add_run() and merge(), and by the vMerge marks of the groups
    (document.xml is byte-identical): building it through python-docx's element API cost ≈ 0.3 ms
    a cell, each child inserted after a search of its allowed successors.
    """
    rows = block.all_rows
    ncols = len(block.widths)
    twips = [width.twips for width in widths]
    style_id = _attribute(style.style_id)
    size_pt = style.font.size.pt
    starts: dict[tuple[int, int], tuple[int, str | None]] = {}  # (col, row) → (columns spanned, vMerge)
    covered: set[tuple[int, int]] = set()   # cells with no text of their own
    removed: set[tuple[int, int]] = set()   # cells a horizontal span takes in
    for c0, r0, c1, r1 in block.spans:
        for r in range(r0, r1 + 1):
            starts[(c0, r)] = (c1 - c0 + 1, None if r1 == r0 else ("restart" if r == r0 else "continue"))
            removed |= {(c, r) for c in range(c0 + 1, c1 + 1)}
            if r > r0:
                covered.add((c0, r))
    for col, r0, r1 in block.groups:
        for r in range(r0, r1 + 1):
            if r1 > r0:
                starts[(col, r)] = (1, "restart" if r == r0 else "continue")
            if r > r0:
                covered.add((col, r))
    out = [f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:type=\"auto\" w:w=\"0\"/>"
           '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" '
           'w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>']
    # Word keeps the column grid from tblGrid: set it too, or LibreOffice draws equal columns
    out += [f'<w:gridCol w:w="{width}"/>' for width in twips]
    out.append("</w:tblGrid>")
    header_rows = len(block.header_rows) if block.repeat_header else 0
    for r, row in enumerate(rows):
        repeat = '<w:tblHeader w:val="true"/>' if r < header_rows else ""
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>")
        for col in range(ncols):
            if (col, r) in removed:
                continue
            span, merge = starts.get((col, r), (1, None))
            width = sum(twips[col:col + span])
            out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>'
                       + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
                       + _VMERGE.get(merge, "")
                       + '<w:vAlign w:val="center"/></w:tcPr>')
            if (col, r) in covered:
                out.append(f"<w:p><w:pPr><w:pStyle w:val={style_id}/></w:pPr></w:p>")
            else:
                value = row[col] if col < len(row) else content.Cell("")
                width_pt = Emu(sum(widths[col:col + span])).pt
                out.append(_cell_paragraphs_xml(value, style_id, size_pt, width_pt))
            out.append("</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _table(doc, block: content.Table):
    if block.caption:
        doc.add_paragraph(block.caption, style="表题")
    total = sum(block.widths)
    widths = [Mm(TEXT_WIDTH_MM * w / total) for w in block.widths]
    style = doc.styles["表格文字小" if block.small else "表格文字"]
    doc.element.body._insert_tbl(parse_xml(_table_xml(block, style, widths)))
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

