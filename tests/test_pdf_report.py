"""The report PDF, read back with pypdf: figures, indicator names, embedded CJK fonts, draft mark."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from conftest import load_seed
from report_text import missing_money, squeeze

SEEDS = ("000", "001", "004")


def render(report, draft=False) -> bytes:
    from export import pdf_report
    return pdf_report.render(report, draft)


@pytest.fixture(scope="module")
def pdfs() -> dict[str, tuple[object, PdfReader, str]]:
    out = {}
    for seed in SEEDS:
        report = load_seed(seed)
        reader = PdfReader(io.BytesIO(render(report)))
        text = "\n".join(page.extract_text() for page in reader.pages)
        out[seed] = (report, reader, text)
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_every_money_figure_is_printed(pdfs, seed):
    report, _reader, text = pdfs[seed]
    assert missing_money(report, text) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_every_indicator_name_is_printed(pdfs, seed):
    report, _reader, text = pdfs[seed]
    flat = squeeze(text)
    missing = [i.name for i in report.evaluation.indicators if squeeze(i.name) not in flat]
    assert missing == []


def test_seed_sentences_are_generated_as_the_seeds_print_them(pdfs):
    flat = squeeze(pdfs["001"][2])
    assert "2023年度单位一般公共预算财政拨款收入2214.5万元。" in flat
    assert ("2023年度单位一般公共预算财政拨款支出2214.50万元，其中：项目支出2071.33万元，基本支出143.17万元，"
            "其中：人员经费133.77万元，公用经费9.4万元。") in flat
    assert "年中调减46.61万元" in flat
    flat000 = squeeze(pdfs["000"][2])
    assert ("2023年总收入11207.11万元，其中，一般公共预算财政拨款收入11207.11万元；总支出11207.11万元，"
            "其中，基本支出648.00万元，项目支出10559.11万元。") in flat000
    # seed 000 has no weights: each indicator paragraph prints its status and no score
    assert "指标1“发放各类优抚对象补助金”已完成年度目标。每月发放人数为" in flat000
    assert "该项得分" not in flat000


@pytest.mark.parametrize("seed", SEEDS)
def test_cjk_fonts_are_embedded_subsets(pdfs, seed):
    _report, reader, _text = pdfs[seed]
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            assert "/ToUnicode" in font  # the text extracts as Chinese, not as glyph numbers
            embedded.add(str(font["/BaseFont"]))
    assert all(re.fullmatch(r"/[A-Z]{6}\+\S+", name) for name in embedded), embedded
    families = {name.split("+", 1)[1] for name in embedded}
    assert {"UMingCN", "WenQuanYiMicroHei", "UKaiCN"} <= families


@pytest.mark.parametrize("seed", SEEDS)
def test_text_extracts_as_chinese_without_missing_glyphs(pdfs, seed):
    from export import content, fonts
    report, reader, text = pdfs[seed]
    assert "部门（单位）" in text or "基本情况" in text
    assert "\ufffd" not in text
    document = content.build_document(report)
    assert fonts.missing_everywhere("".join(document.text_blocks())) == set()
    assert f"— {len(reader.pages)} —" in text  # page numbers


def test_table_headers_repeat_on_every_page(pdfs):
    _report, reader, _text = pdfs["000"]
    pages = [squeeze(p.extract_text()) for p in reader.pages]
    with_rows = [p for p in pages if "任务的关键指标" in p]
    assert len(with_rows) >= 2  # the 自评结论综述 runs over a page break and its header comes back


def test_draft_is_watermarked_and_final_is_not(pdfs):
    report = load_seed("001")
    draft = PdfReader(io.BytesIO(render(report, draft=True)))
    assert all("草稿" in page.extract_text() for page in draft.pages)
    assert "草稿" not in pdfs["001"][2]


def test_clerk_text_is_never_markup():
    report = load_seed("004")
    report.narrative["problems"] = "经费<b>不足</b> & 人手<font size=40>紧张</font>\n第二段 a<b"
    text = PdfReader(io.BytesIO(render(report))).pages
    flat = squeeze("".join(page.extract_text() for page in text))
    assert "经费<b>不足</b>&人手<fontsize=40>紧张</font>" in flat
    assert "第二段a<b" in flat


def test_rare_characters_fall_back_to_a_font_that_has_them():
    report = load_seed("004")
    report.unit.head = "王堃喆"  # outside GB2312: not in the UMing subset
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render(report))).pages)
    assert "王堃喆" in text


def test_renderers_are_registered_for_the_package():
    from export.package import RENDERERS, _load_renderers
    _load_renderers()
    assert RENDERERS["report_pdf"][:2] == (".pdf", "报告")
    assert RENDERERS["report_docx"][:2] == (".docx", "报告")


def test_generic_template_prints_the_overview_form():
    report = load_seed("001")
    report.template = "generic"
    text = squeeze("".join(p.extract_text() for p in PdfReader(io.BytesIO(render(report))).pages))
    for caption in ("部门（单位）基本概况", "年度收入情况", "综合得分及评价等次", "评价人员", "部门意见"):
        assert caption in text
    assert missing_money(report, text) == []
