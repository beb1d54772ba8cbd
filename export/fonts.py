"""The bundled CJK fonts (resources/fonts/), registered with reportlab once per process, lazily.

Roles, as the official document fonts they stand in for:
  song — AR PL UMing (subset to GB2312 + symbols): body text, tables, title (仿宋 / 宋体 / 小标宋)
  kai  — AR PL UKai (same subset): level-2 headings (楷体)
  hei  — WenQuanYi Micro Hei (whole): level-1 headings, charts (黑体); the fallback for any
         character the other two lack, so a rare name never prints as a blank box.
"""
from __future__ import annotations

import threading
from xml.sax.saxutils import escape

from models.paths import resource_path

FILES = {"song": "uming-gb2312.ttf", "kai": "ukai-gb2312.ttf", "hei": "wqy-microhei.ttf"}
NAMES = {"song": "ZPT-Song", "kai": "ZPT-Kai", "hei": "ZPT-Hei"}
FALLBACK = "hei"

_lock = threading.Lock()
_fonts: dict[str, object] = {}


def register() -> dict[str, str]:
    """Register the three fonts with reportlab (about 0.1 s, done once); role → font name."""
    with _lock:
        if not _fonts:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont
            for role, file_name in FILES.items():
                font = TTFont(NAMES[role], str(resource_path("fonts", file_name)))
                pdfmetrics.registerFont(font)
                _fonts[role] = font
    return dict(NAMES)


def font_path(role: str) -> str:
    return str(resource_path("fonts", FILES[role]))


def has_glyph(role: str, char: str) -> bool:
    register()
    return ord(char) in _fonts[role].face.charToGlyph


def missing_everywhere(text: str) -> set[str]:
    """Characters none of the bundled fonts can draw (control characters aside)."""
    register()
    return {ch for ch in text if ch >= " " and not any(ord(ch) in f.face.charToGlyph for f in _fonts.values())}


def markup(text: str, role: str) -> str:
    """Clerk text → reportlab paragraph markup: escaped (nothing is interpreted as markup), and
    each run of characters the role's font lacks set in the fallback font."""
    register()
    if role == FALLBACK:
        return escape(text)
    primary = _fonts[role].face.charToGlyph
    fallback = _fonts[FALLBACK].face.charToGlyph
    out: list[str] = []
    run: list[str] = []
    in_fallback = False
    for ch in text:
        use_fallback = ord(ch) not in primary and ord(ch) in fallback
        if use_fallback != in_fallback and run:
            chunk = escape("".join(run))
            out.append(f'<font face="{NAMES[FALLBACK]}">{chunk}</font>' if in_fallback else chunk)
            run = []
        in_fallback = use_fallback
        run.append(ch)
    if run:
        chunk = escape("".join(run))
        out.append(f'<font face="{NAMES[FALLBACK]}">{chunk}</font>' if in_fallback else chunk)
    return "".join(out)
