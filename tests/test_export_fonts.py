"""export.fonts reads the bundled fonts' character tables in bulk: what it builds must be what
reportlab's own TTFont builds, since the PDF's widths, line breaks and embedded subsets come from it."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfbase.ttfonts import TTFont

from export import fonts
from models.paths import resource_path

# per-parse details, not font data: the read position and the scale function object
NOT_COMPARED = {"_pos", "_pdfScale"}


@pytest.fixture(scope="module", params=sorted(fonts.FILES))
def both(request):
    path = str(resource_path("fonts", fonts.FILES[request.param]))
    return TTFont("ZPT-Test", path), fonts.load_font("ZPT-Test", path)


def test_font_object_is_what_ttfont_init_makes(both):
    reportlab_font, bulk_font = both
    assert isinstance(bulk_font, TTFont)
    theirs = {k: v for k, v in vars(reportlab_font).items() if k not in ("face", "state", "encoding")}
    ours = {k: v for k, v in vars(bulk_font).items() if k not in ("face", "state", "encoding")}
    assert ours == theirs
    assert set(vars(bulk_font)) == set(vars(reportlab_font))
    assert vars(bulk_font.encoding) == vars(reportlab_font.encoding)


def test_face_tables_equal_reportlabs(both):
    reportlab_face, bulk_face = both[0].face, both[1].face
    theirs = vars(reportlab_face)
    assert {"charToGlyph", "charWidths", "hmetrics", "glyphPos", "glyphToChar"} <= set(theirs)
    for name, value in theirs.items():
        if name == "_ttf_data":  # mapped, not read: the same bytes
            assert bulk_face._ttf_data[:] == value
        elif isinstance(value, list):  # glyphPos, hmetrics: C arrays / read on demand here
            assert list(getattr(bulk_face, name)) == value, name
        elif name not in NOT_COMPARED:
            assert getattr(bulk_face, name) == value, name
    # same scaling: widths in 1/1000 em
    assert bulk_face._pdfScale(1234) == reportlab_face._pdfScale(1234)
    # lists in glyphToChar keep the cmap's order (text shaping takes the first)
    assert list(bulk_face.glyphToChar.items()) == list(reportlab_face.glyphToChar.items())


def test_embedded_subset_is_byte_identical(both):
    reportlab_face, bulk_face = both[0].face, both[1].face
    text = "部门整体支出绩效自评报告 2023年度 1,828.14万元 ≥90% ①（一）“”《》\u00a0堃喆ABCxyz"
    codes = [ord(ch) for ch in text]
    assert bulk_face.makeSubset(codes) == reportlab_face.makeSubset(codes)
    for code in codes:
        assert bulk_face.getCharWidth(code) == reportlab_face.getCharWidth(code)


@given(st.text(alphabet=st.sampled_from('&<>"\'&amp;ab王\n\t\u3000'), max_size=40))
def test_escape_is_saxutils_escape(text):
    from xml.sax.saxutils import escape, quoteattr

    from export.docx_report import _attribute
    assert fonts.escape(text) == escape(text)
    if '"' not in text and not {"\n", "\r", "\t"} & set(text):
        assert _attribute(text) == quoteattr(text)
