"""Very long clerk paragraphs are laid out in pieces (reportlab's line breaking is quadratic)."""
from __future__ import annotations

import io

from pypdf import PdfReader

from conftest import load_seed
from export.pdf_report import LONG_PARAGRAPH, render, split_long_text


def test_pieces_are_short_cut_after_a_sentence_and_lose_nothing():
    sentences = ("第一句话说明情况，" * 30 + "。") * 40
    text = sentences + "没有句号的结尾" * 400
    pieces = split_long_text(text)
    assert "".join(pieces) == text
    assert all(len(piece) <= LONG_PARAGRAPH for piece in pieces)
    ends, position = [], 0
    for piece in pieces:
        position += len(piece)
        ends.append(position)
    inside = [piece for piece, end in zip(pieces, ends) if end <= len(sentences)]
    assert len(inside) >= 7 and all(piece.endswith("。") for piece in inside)  # cut after a sentence
    assert split_long_text("短文本。") == ["短文本。"]


def test_a_long_paragraph_prints_whole():
    report = load_seed("001")
    body = "".join(f"第{n}项工作按计划完成。" for n in range(1, 3001))
    report.narrative["work_summary"] = body
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render(report, False))).pages)
    flat = text.replace("\n", "").replace(" ", "")
    assert "第1项工作按计划完成。第2项工作" in flat and "第3000项工作按计划完成。" in flat
