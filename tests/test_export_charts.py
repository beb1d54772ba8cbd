"""Chart labels come from names the clerk typed or imported: whatever they hold, the charts draw."""
from __future__ import annotations

import io
import zipfile

from reportlab.graphics.shapes import String

from conftest import load_seed


def test_line_breaks_and_tabs_in_project_names_draw_as_one_line():
    from export import charts, content, docx_report
    report = load_seed("001")
    for index, project in enumerate(report.finance.projects):
        project.name = ["回车\r换行", "制表\t符", "两\n行"][index % 3] + (project.name or "")
    blocks = [b for b in content.build_document(report, True).blocks if isinstance(b, content.Chart)]
    assert blocks
    for block in blocks:
        drawing = charts.drawing(block, 440)
        labels = [shape.text for shape in drawing.contents if isinstance(shape, String)]
        assert any("回车 换行" in label or "制表 符" in label or "两 行" in label for label in labels)
        assert not any(ch in label for label in labels for ch in "\r\n\t")
        assert charts.to_png(drawing).startswith(b"\x89PNG")  # Pillow refused a carriage return
    with zipfile.ZipFile(io.BytesIO(docx_report.render(report, True))) as docx:
        assert sum(name.startswith("word/media/") for name in docx.namelist()) == len(blocks)


def test_chart_png_reads_back_pixel_for_pixel():
    from PIL import Image, ImageDraw

    from export.charts import png_bytes
    image = Image.new("RGB", (37, 11), "white")
    pen = ImageDraw.Draw(image)
    pen.rectangle([3, 2, 20, 9], fill=(31, 78, 121))
    pen.line([0, 10, 36, 0], fill=(192, 80, 77), width=2)
    back = Image.open(io.BytesIO(png_bytes(image)))
    assert back.format == "PNG" and back.mode == "RGB" and back.size == image.size
    assert back.tobytes() == image.tobytes()
