"""The report as PDF (reportlab): A4, 公文-like layout, bundled CJK fonts embedded as subsets.

Layout after GB/T 9704 (党政机关公文格式): margins 37 / 35 / 28 / 26 mm, body 三号 (16 pt) with
28.9 pt line pitch (22 lines a page), title 二号 (22 pt) centred, level-1 headings 黑体, level-2
楷体, page numbers "— n —" at the foot. Tables 小四/五号, header rows repeated on every page.
A draft carries a diagonal 草稿 on every page. What the report says comes from export.content.
"""
from __future__ import annotations

import io
import re

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib import textsplit as _textsplit
from reportlab.platypus import paragraph as _paragraph
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate,
                                Spacer, Table, TableStyle)

from models.report import Report

from . import charts, content, fonts
from .package import register_renderer

# 禁则: reportlab's list of characters that may not start a line is Japanese; Chinese text also
# needs the full-width comma, colon, semicolon and closing marks to hang at the line end.
_CANNOT_START = "，：；！？”’》」』】〕）％…·"
for _module in (_paragraph, _textsplit):  # one-frag paragraphs wrap in textsplit, others in paragraph
    if not set(_CANNOT_START) <= set(_module.ALL_CANNOT_START):
        _module.ALL_CANNOT_START = _module.ALL_CANNOT_START + _CANNOT_START

PAGE_W, PAGE_H = A4
MARGINS = dict(topMargin=37 * mm, bottomMargin=35 * mm, leftMargin=28 * mm, rightMargin=26 * mm)
TEXT_W = PAGE_W - MARGINS["leftMargin"] - MARGINS["rightMargin"]
BODY = 16
LEADING = 28.9
ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


class Styles:
    def __init__(self):
        names = fonts.register()
        song, kai, hei = names["song"], names["kai"], names["hei"]
        base = dict(fontName=song, fontSize=BODY, leading=LEADING, wordWrap="CJK", alignment=TA_JUSTIFY)
        self.body = ParagraphStyle("body", firstLineIndent=2 * BODY, **base)
        self.note = ParagraphStyle("note", **{**base, "fontSize": 10.5, "leading": 15}, firstLineIndent=0)
        self.title = ParagraphStyle("title", fontName=song, fontSize=22, leading=34, alignment=TA_CENTER,
                                    wordWrap="CJK", spaceAfter=6)
        self.cover = ParagraphStyle("cover", fontName=song, fontSize=BODY, leading=LEADING, alignment=TA_CENTER,
                                    wordWrap="CJK")
        self.h1 = ParagraphStyle("h1", fontName=hei, fontSize=BODY, leading=LEADING, wordWrap="CJK",
                                 firstLineIndent=2 * BODY)
        self.h2 = ParagraphStyle("h2", fontName=kai, fontSize=BODY, leading=LEADING, wordWrap="CJK",
                                 firstLineIndent=2 * BODY)
        self.h3 = ParagraphStyle("h3", fontName=song, fontSize=BODY, leading=LEADING, wordWrap="CJK",
                                 firstLineIndent=2 * BODY)
        self.attachment_label = ParagraphStyle("attachment_label", fontName=hei, fontSize=BODY, leading=LEADING)
        self.attachment_title = ParagraphStyle("attachment_title", fontName=song, fontSize=18, leading=28,
                                               alignment=TA_CENTER, wordWrap="CJK", spaceBefore=6, spaceAfter=10)
        self.caption = ParagraphStyle("caption", fontName=hei, fontSize=12, leading=20, alignment=TA_CENTER,
                                      spaceBefore=6, spaceAfter=4)
        self.signature = ParagraphStyle("signature", fontName=song, fontSize=12, leading=20, wordWrap="CJK")
        self.cell = {size: {align: ParagraphStyle(f"cell{size}{align}", fontName=song, fontSize=size,
                                                  leading=size * 1.25, alignment=ALIGN[align], wordWrap="CJK")
                            for align in ALIGN} for size in (10.5, 12)}
        self.role = {song: "song", kai: "kai", hei: "hei"}
        self.span_groups = True

    def para(self, text: str, style: ParagraphStyle, bold: bool = False) -> Paragraph:
        # reportlab collapses runs of spaces, 全角 ones included: blanks to write on (年  月  日) would vanish
        text = text.replace("\u3000", "\u00a0\u00a0")
        marked = fonts.markup(text, self.role[style.fontName])
        if bold:
            # The bundled Song has no bold face: set table labels in the 黑体 instead.
            marked = f'<font face="{fonts.NAMES["hei"]}">{fonts.markup(text, "hei")}</font>'
        return Paragraph(marked.replace("\n", "<br/>"), style)


LONG_PARAGRAPH = 1500  # characters; reportlab's line breaking grows with the square of a paragraph's length
_BREAK_AFTER = "。；！？\n"


def split_long_text(text: str, limit: int = LONG_PARAGRAPH) -> list[str]:
    """One clerk paragraph as pieces of at most ``limit`` characters, cut after a sentence where one is
    near: a 50,000-character paragraph took seconds, six of 190,000 took minutes to lay out whole."""
    pieces = []
    while len(text) > limit:
        cut = max(text.rfind(mark, limit // 2, limit) for mark in _BREAK_AFTER)
        cut = cut + 1 if cut > 0 else limit
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


class TitleFlowable(Flowable):
    """The report title, centred, set heavier than body text: 小标宋 is a bold Song and the
    bundled Song has no bold face, so the glyphs are filled and stroked (text render mode 2)."""

    STROKE = 0.45

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text = text
        self.style = style
        self.lines: list[str] = []

    def _font_for(self, ch: str) -> str:
        return self.style.fontName if fonts.has_glyph("song", ch) else fonts.NAMES["hei"]

    def _width(self, text: str) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth
        return sum(stringWidth(ch, self._font_for(ch), self.style.fontSize) for ch in text)

    def wrap(self, avail_width, avail_height):
        lines, current = [], ""
        for ch in self.text:
            if current and self._width(current + ch) > avail_width:
                lines.append(current)
                current = ""
            current += ch
        if current:
            lines.append(current)
        if len(lines) == 2 and len(lines[1]) < len(lines[0]) // 3:
            # a short widow on the second line: balance the two lines instead
            half = (len(self.text) + 1) // 2
            lines = [self.text[:half], self.text[half:]]
        self.lines = lines
        self.avail_width = avail_width
        self.width = avail_width
        self.height = len(lines) * self.style.leading
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        size = self.style.fontSize
        canvas.saveState()
        canvas.setLineWidth(self.STROKE)
        for index, line in enumerate(self.lines):
            y = self.height - (index + 1) * self.style.leading + (self.style.leading - size) / 2 + size * 0.12
            x = (self.avail_width - self._width(line)) / 2
            text = canvas.beginText(x, y)
            text.setTextRenderMode(2)
            for ch in line:
                text.setFont(self._font_for(ch), size)
                text.textOut(ch)
            canvas.drawText(text)
        canvas.restoreState()


def _bold_title(text: str, style: ParagraphStyle) -> Flowable:
    return TitleFlowable(text, style)


class ChartFlowable(Flowable):
    def __init__(self, drawing):
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        from reportlab.graphics import renderPDF
        renderPDF.draw(self.drawing, self.canv, 0, 0)


FRAME_H = PAGE_H - MARGINS["topMargin"] - MARGINS["bottomMargin"]
CELL_PADDING = 3  # left and right, as set in _table
MIN_NUMBER_SIZE = 6.5
_NUMBER = re.compile(r"^[-+]?[\d,]+(\.\d+)?%?$")


def _number_style(style: ParagraphStyle, text: str, width: float) -> ParagraphStyle:
    """A figure never wraps inside itself (6,621.902│741 reads as two numbers): when it is wider
    than its cell, its size shrinks until it fits (not below MIN_NUMBER_SIZE)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    if not _NUMBER.match(text):
        return style
    room = width - 2 * CELL_PADDING - 0.5
    needed = stringWidth(text, style.fontName, style.fontSize)
    if needed <= room:
        return style
    size = max(MIN_NUMBER_SIZE, int(style.fontSize * room / needed * 4) / 4)
    return ParagraphStyle(f"{style.name}n{size}", parent=style, fontSize=size, leading=style.leading)


def _tall_groups(block: content.Table, data: list, widths: list[float]) -> set:
    """Groups whose rows together are taller than a quarter page (measured unspanned)."""
    if not block.groups:
        return set()
    probe = Table(data, colWidths=widths)
    probe.wrap(TEXT_W, FRAME_H)
    heights = probe._rowHeights
    return {g for g in block.groups if sum(heights[g[1]:g[2] + 1]) > FRAME_H / 4}


def _table(block: content.Table, styles: Styles, trailer: list | None = None) -> list:
    """The table; ``trailer`` (a note, signature lines) rides in borderless rows glued to the
    last row, so a signature never lands alone at the top of a page."""
    size = 10.5 if block.small else 12
    rows = block.all_rows
    ncols = len(block.widths)
    total = sum(block.widths)
    widths = [TEXT_W * w / total for w in block.widths]
    covered = set()
    span_width = {}
    for c0, r0, c1, r1 in block.spans:
        span_width[(c0, r0)] = sum(widths[c0:c1 + 1])
        for r in range(r0, r1 + 1):
            for col in range(c0, c1 + 1):
                if (col, r) != (c0, r0):
                    covered.add((col, r))
    data = []
    for r, row in enumerate(rows):
        cells = []
        for col in range(ncols):
            cell = row[col] if col < len(row) else content.Cell("")
            if (col, r) in covered or not cell.text:
                cells.append("")
                continue
            text = cell.text.lstrip("\u3000")
            indent = len(cell.text) - len(text)  # leading ideographic spaces: an indented label
            style = styles.cell[size][cell.align]
            if indent:
                style = ParagraphStyle(f"{style.name}i{indent}", parent=style, leftIndent=indent * size)
            style = _number_style(style, text, span_width.get((col, r), widths[col]))
            cells.append(styles.para(text, style, bold=cell.bold))
        data.append(cells)
    last = len(data) - 1
    for flowable in trailer or []:
        data.append([flowable] + [""] * (ncols - 1))
    commands = [("GRID", (0, 0), (-1, last), 0.6, colors.black),
                ("BOX", (0, 0), (-1, last), 1.0, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    for c0, r0, c1, r1 in block.spans:
        commands.append(("SPAN", (c0, r0), (c1, r1)))
    tall = _tall_groups(block, data, widths) if styles.span_groups else set(block.groups)
    hidden = set()  # (col, row) cells whose bottom line is left out
    for group in block.groups:
        col, r0, r1 = group
        if group not in tall:
            commands.append(("SPAN", (col, r0), (col, r1)))
        else:
            # A spanned cell cannot be split across pages: a tall group would leave a hole at the
            # foot of the page (or not fit at all). Its label stays in the first row and no line
            # is drawn between the group's rows.
            commands.append(("VALIGN", (col, r0), (col, r1), "TOP"))
            hidden |= {(col, r) for r in range(r0, r1)}
    # where a page splits the table, close the first part and open the second with a rule
    commands.append(("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 1.0, colors.black))
    commands.append(("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), 1.0, colors.black))
    if hidden:
        commands = [c for c in commands if c[0] != "GRID"]
        commands.append(("LINEAFTER", (0, 0), (-2, last), 0.6, colors.black))
        for r in range(last):
            start = None
            for col in range(ncols + 1):
                drawn = col < ncols and (col, r) not in hidden
                if drawn and start is None:
                    start = col
                elif not drawn and start is not None:
                    commands.append(("LINEBELOW", (start, r), (col - 1, r), 0.6, colors.black))
                    start = None
    for r in range(last + 1, len(data)):
        commands.extend([("SPAN", (0, r), (-1, r)), ("LEFTPADDING", (0, r), (-1, r), 0),
                         ("TOPPADDING", (0, r), (-1, r), 4)])
    if trailer:
        commands.append(("NOSPLIT", (0, max(last - 1, 0)), (-1, len(data) - 1)))
    if block.header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, len(block.header_rows) - 1), colors.HexColor("#F2F2F2")))
    table = Table(data, colWidths=widths, repeatRows=len(block.header_rows) if block.repeat_header else 0,
                  splitByRow=1, splitInRow=0, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    out: list = []
    if block.caption:
        out.append(CondPageBreak(90))  # a caption never ends a page without its table
        out.append(styles.para(block.caption, styles.caption))
    out.append(table)
    out.append(Spacer(1, 6))
    return out


def _signature(block: content.Signature, styles: Styles) -> Paragraph:
    parts = [f"{label}：{value or chr(0x3000) * 4}" for label, value in block.items]
    return styles.para("\u3000\u3000".join(parts), styles.signature)


def _is_trailer(block) -> bool:
    return isinstance(block, content.Signature) or (isinstance(block, content.Paragraph) and block.style == "note")


def flowables(document: content.Document, styles: Styles) -> list:
    story: list = []
    blocks = document.blocks
    consumed: set[int] = set()
    for index, block in enumerate(blocks):
        if index in consumed:
            continue
        if isinstance(block, content.Title):
            story.append(Spacer(1, 10))
            story.append(_bold_title(block.text, styles.title))
            for line in block.cover:
                story.append(styles.para(line, styles.cover))
            story.append(Spacer(1, LEADING / 2))
        elif isinstance(block, content.Heading):
            if block.kind == "attachment":
                story.append(Spacer(1, 4))
                story.append(_bold_title(block.text, styles.attachment_title))
                story.append(Spacer(1, 10))
            else:
                style = {1: styles.h1, 2: styles.h2}.get(block.level, styles.h3)
                # keep a heading with the first lines that follow it
                story.append(CondPageBreak(LEADING * 3))
                story.append(styles.para(block.text, style))
        elif isinstance(block, content.Paragraph):
            style = {"note": styles.note, "attachment_label": styles.attachment_label,
                     "caption": styles.caption}.get(block.style, styles.body)
            pieces = split_long_text(block.text)
            story.append(styles.para(pieces[0], style))
            # the rest of a very long paragraph continues without a new first-line indent
            continued = ParagraphStyle(f"{style.name}_continued", parent=style, firstLineIndent=0)
            story.extend(styles.para(piece, continued) for piece in pieces[1:])
        elif isinstance(block, content.Table):
            trailer = []
            following = index + 1
            while following < len(blocks) and _is_trailer(blocks[following]):
                item = blocks[following]
                trailer.append(_signature(item, styles) if isinstance(item, content.Signature)
                               else styles.para(item.text, styles.note))
                consumed.add(following)
                following += 1
            story.extend(_table(block, styles, trailer))
        elif isinstance(block, content.Chart):
            drawing = charts.drawing(block, TEXT_W)
            story.append(KeepTogether([Spacer(1, 6), ChartFlowable(drawing), Spacer(1, 6)]))
        elif isinstance(block, content.Signature):
            story.append(_signature(block, styles))
        elif isinstance(block, content.PageBreak):
            story.append(PageBreak())
    return story


def _page_decoration(draft: bool):
    names = fonts.register()

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(names["song"], 14)
        canvas.setFillColor(colors.black)
        canvas.drawCentredString(PAGE_W / 2, 20 * mm, f"— {doc.page} —")
        if draft:
            canvas.setFont(names["hei"], 110)
            canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.16))
            canvas.translate(PAGE_W / 2, PAGE_H / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -40, "草稿")
        canvas.restoreState()
    return decorate


def render_document(document: content.Document) -> bytes:
    try:
        return _build(document, span_groups=True)
    except LayoutError:
        # A grouped column (a task's rows, 绩效指标) taller than a page: draw groups unspanned.
        return _build(document, span_groups=False)


def _build(document: content.Document, span_groups: bool) -> bytes:
    styles = Styles()
    styles.span_groups = span_groups
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=document.title, author="自评通",
                            subject="部门整体支出绩效自评报告", creator="自评通", **MARGINS)
    decorate = _page_decoration(document.draft)
    # Streams deflated only, not also ASCII85-encoded (reportlab's default, for 7-bit mail): the
    # encoder is pure Python (≈ 10 ms for seed 001) and makes the file a quarter larger.
    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(flowables(document, styles), onFirstPage=decorate, onLaterPages=decorate)
    finally:
        rl_config.useA85 = a85
    return buffer.getvalue()


@register_renderer("report_pdf", ".pdf", "报告")
def render(report: Report, draft: bool) -> bytes:
    return render_document(content.build_document(report, draft))
