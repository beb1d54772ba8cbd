"""The report as Word, read back with python-docx: headings in outline order, fonts, tables, figures."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

from conftest import load_seed
from models.templates import load_template
from report_text import missing_money, squeeze

SEEDS = ("000", "001", "004")


def render(report, draft=False) -> bytes:
    from export import docx_report
    return docx_report.render(report, draft)


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def docs() -> dict[str, tuple[object, bytes, object]]:
    out = {}
    for seed in SEEDS:
        report = load_seed(seed)
        data = render(report)
        out[seed] = (report, data, Document(io.BytesIO(data)))
    return out


def _without_number(text: str) -> str:
    return re.sub(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[、.．])", "", text)


@pytest.mark.parametrize("seed", SEEDS)
def test_headings_are_word_headings_in_outline_order(docs, seed):
    report, _data, doc = docs[seed]
    # numbers are compared apart: a left-out section moves the later ones up (test_content)
    headings = [(p.style.name, _without_number(p.text)) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    outline = load_template(report.template).outline["sections"]
    expected = [s["heading"].replace("{year}", str(report.year)) for s in outline]
    level_of = {s["heading"].replace("{year}", str(report.year)): s.get("level", 1) for s in outline}
    printed = [text for _style, text in headings if text in level_of]
    # the outline's own sections, in its order; omitted ones only where the outline allows it
    assert printed == [h for h in expected if h in printed]
    omitted = [s for s, h in zip(outline, expected) if h not in printed]
    assert all(s.get("omit_if_empty") for s in omitted)
    for style, text in headings:
        if text in level_of:
            assert style == f"Heading {level_of[text]}", text
    assert doc.paragraphs[0].style.name == "Title"


@pytest.mark.parametrize("seed", SEEDS)
def test_every_money_figure_and_indicator_is_in_the_document(docs, seed):
    report, _data, doc = docs[seed]
    text = all_text(doc)
    assert missing_money(report, text) == []
    flat = squeeze(text)
    assert [i.name for i in report.evaluation.indicators if squeeze(i.name) not in flat] == []


def test_official_east_asian_fonts_with_substitutes(docs):
    _report, data, doc = docs["001"]

    def east_asia(style_name):
        fonts = doc.styles[style_name].element.rPr.find(qn("w:rFonts"))
        return fonts.get(qn("w:eastAsia"))

    assert east_asia("Normal") == "仿宋_GB2312"
    assert east_asia("Heading 1") == "黑体"
    assert east_asia("Heading 2") == "楷体_GB2312"
    assert east_asia("Title") == "方正小标宋简体"
    assert doc.styles["Normal"].font.size.pt == 16
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        font_table = archive.read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
    assert '<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>' in font_table
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_tables_are_real_tables_with_repeated_headers(docs):
    _report, _data, doc = docs["000"]
    summary = next(t for t in doc.tables if t.rows[0].cells[0].text == "年度主要支出计划")
    assert summary.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert summary.rows[1].cells[2].text == "①发放各类优抚对象补助金"
    # task 1's rows share one merged cell in the first column
    assert summary.rows[1].cells[0]._tc is summary.rows[6].cells[0]._tc
    hunan = docs["001"][2]
    assert len(hunan.tables) >= 2
    basic = next(t for t in hunan.tables if "财政供养人员情况（人）" in t.rows[0].cells[0].text)
    money_cells = [c for row in basic.rows for c in row.cells if c.text == "1,828.14"]
    assert money_cells and money_cells[0].paragraphs[0].alignment == 2  # right-aligned numbers


def test_charts_are_pictures(docs):
    _report, data, doc = docs["001"]
    assert len(doc.inline_shapes) >= 2
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert images and archive.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"


def test_page_number_field_and_draft_header(docs):
    _report, data, doc = docs["004"]
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml
    assert "草稿" not in doc.sections[0].header._element.xml
    draft = Document(io.BytesIO(render(load_seed("004"), draft=True)))
    assert "草稿" in draft.sections[0].header.paragraphs[0].text


def test_clerk_text_is_kept_literally():
    report = load_seed("004")
    report.narrative["problems"] = "经费<b>不足</b> & 人手\n第二段"
    doc = Document(io.BytesIO(render(report)))
    texts = [p.text for p in doc.paragraphs]
    assert "经费<b>不足</b> & 人手" in texts
    assert "第二段" in texts
