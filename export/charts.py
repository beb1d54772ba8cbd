"""Charts of the report, drawn once as a reportlab Drawing: vector in the PDF, a PNG for Word.

The drawings use absolute coordinates and four primitives only (Rect, Line, String, Wedge as a
polygon), so ``to_png`` can paint the very same drawing with Pillow: reportlab's own bitmap
renderer needs a cairo binding that is not installed on a clerk's PC.
"""
from __future__ import annotations

import struct
import zlib
from decimal import Decimal

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String, Wedge
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import fonts
from .content import Chart

INK = colors.HexColor("#222222")
GRID = colors.HexColor("#BBBBBB")
PALETTE = [colors.HexColor(c) for c in ("#1F4E79", "#C0504D", "#4F81BD", "#9BBB59", "#8064A2",
                                        "#F79646", "#4BACC6", "#7F7F7F")]
BUDGET = colors.HexColor("#A6BDD7")
SPENT = colors.HexColor("#1F4E79")
MAX_BARS = 8


def _f(value: Decimal) -> float:
    # Drawing coordinates only: money stays Decimal everywhere else, and every printed figure
    # below is formatted from the Decimal, not from this float.
    return float(value)


def _money(value: Decimal) -> str:
    from .content import table_money
    return table_money(value) + "万元"


def _share(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return ""
    from models.money import round2
    return f"{round2(part / whole * 100):.2f}%".replace(".00%", "%")


def _one_line(text: str) -> str:
    """A label drawn as one line: a tab or line break pasted into a name would show as a box in
    the PDF, and Pillow's text layout refuses a carriage return (the DOCX export failed)."""
    return " ".join(text.split()) if any(ch in text for ch in "\t\r\n\v\f") else text


def _clip(text: str, font: str, size: float, width: float) -> str:
    text = _one_line(text)
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def drawing(chart: Chart, width: float) -> Drawing:
    names = fonts.register()
    if chart.kind == "budget_structure":
        return _budget_structure(chart, width, names["hei"])
    if chart.kind == "project_execution":
        return _project_execution(chart, width, names["hei"])
    raise ValueError(f"unknown chart kind {chart.kind!r}")


def _title(d: Drawing, text: str, width: float, top: float, font: str):
    d.add(String(width / 2, top - 14, _one_line(text), fontName=font, fontSize=11, fillColor=INK,
                 textAnchor="middle"))


def _top_items(items):
    ordered = sorted(items, key=lambda s: s.value, reverse=True)
    if len(ordered) <= MAX_BARS:
        return [(s.label, s.value) for s in ordered]
    rest = sum((s.value for s in ordered[MAX_BARS - 1:]), Decimal(0))
    return [(s.label, s.value) for s in ordered[:MAX_BARS - 1]] + [(f"其他{len(ordered) - MAX_BARS + 1}个项目", rest)]


def _budget_structure(chart: Chart, width: float, font: str) -> Drawing:
    bars = _top_items(chart.items) if len(chart.items) >= 2 else []
    has_pie = len(chart.parts) >= 2
    row = 20
    body = max(150 if has_pie else 0, 24 + row * len(bars))
    height = body + 34
    d = Drawing(width, height)
    _title(d, chart.title, width, height, font)
    top = height - 30
    left = 0.0
    if has_pie:
        total = sum((p.value for p in chart.parts), Decimal(0))
        radius = 52
        # alone, the pie and its legend sit in the middle of the line
        shift = 0.0 if bars else (width - 190) / 2
        cx, cy = 70 + shift, top - 10 - radius
        start = 90.0
        for index, part in enumerate(chart.parts):
            sweep = 360 * _f(part.value) / _f(total)
            wedge = Wedge(cx, cy, radius, start - sweep, start, fillColor=PALETTE[index], strokeColor=colors.white,
                          strokeWidth=1)
            d.add(wedge)
            start -= sweep
        for index, part in enumerate(chart.parts):
            y = cy - radius - 18 - index * 15
            d.add(Rect(8 + shift, y - 1, 9, 9, fillColor=PALETTE[index], strokeColor=None))
            label = f"{_one_line(part.label)} {_money(part.value)}（{_share(part.value, total)}）"
            d.add(String(21 + shift, y, label, fontName=font, fontSize=8.5, fillColor=INK))
        left = 190.0
    if bars:
        total = sum((v for _, v in bars), Decimal(0))
        label_width = min(130.0, (width - left) * 0.36)
        x0 = left + label_width + 6
        value_room = 112.0
        span = width - x0 - value_room
        biggest = max(v for _, v in bars) or Decimal(1)
        d.add(String(left, top - 8, "项目支出构成（按实际支出）", fontName=font, fontSize=9, fillColor=INK))
        for index, (label, value) in enumerate(bars):
            y = top - 28 - index * row
            length = span * _f(value) / _f(biggest)
            d.add(String(x0 - 4, y + 3, _clip(label, font, 8.5, label_width), fontName=font, fontSize=8.5,
                         fillColor=INK, textAnchor="end"))
            d.add(Rect(x0, y, max(length, 0.5), 12, fillColor=PALETTE[0], strokeColor=None))
            d.add(String(x0 + length + 4, y + 3, f"{_money(value)} {_share(value, total)}", fontName=font,
                         fontSize=8, fillColor=INK))
        d.add(Line(x0, top - 28 - (len(bars) - 1) * row - 4, x0, top - 12, strokeColor=GRID, strokeWidth=0.6))
    return d


def _project_execution(chart: Chart, width: float, font: str) -> Drawing:
    pairs = list(zip(chart.items, chart.second))[:12]
    row = 30
    height = 60 + row * len(pairs)
    d = Drawing(width, height)
    _title(d, chart.title, width, height, font)
    top = height - 40
    label_width = min(140.0, width * 0.3)
    x0 = label_width + 8
    value_room = 120.0
    span = width - x0 - value_room
    biggest = max(max(a.value, b.value) for a, b in pairs) or Decimal(1)
    # legend
    for index, (text, color) in enumerate((("全年预算数", BUDGET), ("实际支出", SPENT))):
        x = width / 2 - 80 + index * 90
        d.add(Rect(x, height - 32, 9, 9, fillColor=color, strokeColor=None))
        d.add(String(x + 13, height - 31, text, fontName=font, fontSize=8.5, fillColor=INK))
    for index, (budget, spent) in enumerate(pairs):
        y = top - index * row - 20
        d.add(String(x0 - 5, y + 7, _clip(budget.label, font, 8.5, label_width), fontName=font, fontSize=8.5,
                     fillColor=INK, textAnchor="end"))
        budget_len = span * _f(budget.value) / _f(biggest)
        spent_len = span * _f(spent.value) / _f(biggest)
        d.add(Rect(x0, y + 9, max(budget_len, 0.5), 10, fillColor=BUDGET, strokeColor=None))
        d.add(Rect(x0, y - 1, max(spent_len, 0.5), 10, fillColor=SPENT, strokeColor=None))
        rate = f"，执行率{_share(spent.value, budget.value)}" if budget.value else ""
        d.add(String(x0 + max(budget_len, spent_len) + 4, y + 4, f"{_money(spent.value)}{rate}", fontName=font,
                     fontSize=8, fillColor=INK))
    d.add(Line(x0, top - (len(pairs) - 1) * row - 24, x0, top + 2, strokeColor=GRID, strokeWidth=0.6))
    return d


# --- PNG (for Word) ---------------------------------------------------------------------

def to_png(d: Drawing, scale: float = 3.0) -> bytes:
    """Paint the drawing's primitives with Pillow at ``scale`` pixels per point."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = int(d.width * scale), int(d.height * scale)
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)
    font_files = {fonts.NAMES[role]: fonts.font_path(role) for role in fonts.FILES}
    cache: dict[tuple[str, float], object] = {}

    def xy(x: float, y: float) -> tuple[float, float]:
        return x * scale, (d.height - y) * scale

    def rgb(color):
        if color is None:
            return None
        return tuple(int(round(v * 255)) for v in color.rgb())

    for shape in d.contents:
        if isinstance(shape, Wedge):
            points = shape.asPolygon().points
            pen.polygon([xy(points[i], points[i + 1]) for i in range(0, len(points), 2)],
                        fill=rgb(shape.fillColor), outline=rgb(shape.strokeColor))
        elif isinstance(shape, Polygon):
            points = shape.points
            pen.polygon([xy(points[i], points[i + 1]) for i in range(0, len(points), 2)], fill=rgb(shape.fillColor))
        elif isinstance(shape, Rect):
            x0, y0 = xy(shape.x, shape.y + shape.height)
            x1, y1 = xy(shape.x + shape.width, shape.y)
            pen.rectangle([x0, y0, x1, y1], fill=rgb(shape.fillColor), outline=rgb(shape.strokeColor))
        elif isinstance(shape, Line):
            pen.line([xy(shape.x1, shape.y1), xy(shape.x2, shape.y2)], fill=rgb(shape.strokeColor),
                     width=max(1, int(shape.strokeWidth * scale)))
        elif isinstance(shape, String):
            key = (shape.fontName, shape.fontSize)
            if key not in cache:
                cache[key] = ImageFont.truetype(font_files.get(shape.fontName, fonts.font_path("hei")),
                                                int(round(shape.fontSize * scale)))
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}.get(shape.textAnchor, "ls")
            pen.text(xy(shape.x, shape.y), shape.text, font=cache[key], fill=rgb(shape.fillColor), anchor=anchor)
    return png_bytes(image)


def png_bytes(image) -> bytes:
    """An RGB Pillow image as PNG: 8-bit truecolour, no row filter, zlib level 3.

    Pillow's own PNG writer (Image.save) first imports its BMP, GIF, JPEG and PPM plugins, and
    tries a filter for every row: for these flat charts it took ≈ 2.5× as long and wrote
    10 % larger files than plain rows do.
    """
    width, height = image.size
    stride = 3 * width
    raw = image.tobytes()
    rows = b"".join(b"\x00" + raw[offset:offset + stride] for offset in range(0, stride * height, stride))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB, deflate, no filter, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 3))
            + chunk(b"IEND", b""))
