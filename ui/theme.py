"""Colours, fonts and the one style sheet: one accent colour, red only for errors, amber for warnings."""
from __future__ import annotations

import functools
import sys

from PySide6.QtGui import QColor, QFont, QFontDatabase

ACCENT = "#1f5fa8"
ACCENT_LIGHT = "#e8f0fa"
ERROR = "#c0392b"
ERROR_BG = QColor("#fbe3e0")
WARNING = "#b7791f"
WARNING_BG = QColor("#fff2cc")
DERIVED_BG = QColor("#f1f2f4")
DERIVED_FG = QColor("#3c4450")
OK = "#2f7d4f"
MUTED = "#6b7280"

DEFAULT_POINT_SIZE = 10
FONT_SIZES = (9, 10, 11, 12, 14, 16)

_UI_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei",
                "Noto Sans CJK SC", "Source Han Sans SC", "SimHei")
_NUMBER_FAMILIES = ("Consolas", "WenQuanYi Micro Hei Mono", "DejaVu Sans Mono", "Menlo")


def pick_family(candidates) -> str | None:
    available = set(QFontDatabase.families())
    for name in candidates:
        if name in available:
            return name
    return None


def ui_font(point_size: int) -> QFont:
    family = pick_family(_UI_FAMILIES)
    font = QFont(family) if family else QFont()
    font.setPointSize(point_size)
    return font


def number_font(base: QFont) -> QFont:
    """Digits of equal width so columns of figures line up (monospaced digits)."""
    font = QFont(base)
    family = pick_family(_NUMBER_FAMILIES)
    if family:
        font.setFamilies([family, base.family()])
    return font


@functools.lru_cache(maxsize=1)
def _digits_families() -> tuple[str, ...]:
    """Looked up once: an item's font is asked for at every paint of every cell."""
    return tuple(f for f in (pick_family(_NUMBER_FAMILIES), pick_family(_UI_FAMILIES)) if f)


def digits_font(bold: bool = False) -> QFont:
    """The monospaced-digit family only: set on a widget (or returned as an item's font) it takes its size
    from the widget's parent (or the view), so figures follow the clerk's font size without being rebuilt."""
    font = QFont()
    families = _digits_families()
    if families:
        font.setFamilies(list(families))
    if bold:
        font.setBold(True)
    return font


def style_sheet(point_size: int = DEFAULT_POINT_SIZE) -> str:
    box = round(point_size * 1.35)  # check boxes grow with the text (clerks with poor eyesight use A＋)
    return f"""
QCheckBox::indicator, QTableView::indicator {{ width: {box}px; height: {box}px; }}
QMainWindow, QWidget#page {{ background: #ffffff; }}
QFrame#header {{ background: {ACCENT}; }}
QFrame#header QLabel {{ color: white; }}
QFrame#header QToolButton {{ color: white; border: 1px solid rgba(255,255,255,0.45); border-radius: 3px;
    padding: 2px 8px; }}
QFrame#header QToolButton:hover {{ background: rgba(255,255,255,0.15); }}
QFrame#footer {{ background: #f6f7f9; border-top: 1px solid #d9dde3; }}
QListWidget#steps {{ background: #f6f7f9; border: none; border-right: 1px solid #d9dde3; outline: 0; }}
QListWidget#steps::item {{ padding: 10px 8px; border-left: 4px solid transparent; color: #1f2933; }}
QListWidget#steps::item:selected {{ background: {ACCENT_LIGHT}; border-left: 4px solid {ACCENT}; color: #10243e; }}
QFrame#problems {{ background: #fbfbfc; border-left: 1px solid #d9dde3; }}
QListWidget#problemList {{ border: none; background: transparent; }}
QListWidget#problemList::item {{ padding: 5px 4px; border-bottom: 1px solid #eceef1; }}
QListWidget#problemList::item:selected {{ background: {ACCENT_LIGHT}; color: #10243e; }}
QLabel#sectionTitle {{ color: {ACCENT}; font-weight: bold; }}
QToolButton#sectionToggle {{ border: none; color: {ACCENT}; font-weight: bold; text-align: left; padding: 2px 0; }}
QFrame#sectionRule {{ color: #d9dde3; }}
QLabel#hint {{ color: {MUTED}; }}
QLabel#refusal {{ color: {ERROR}; }}
QLineEdit[derived="true"], QPlainTextEdit[derived="true"] {{ background: #f1f2f4; color: #3c4450;
    border: 1px solid #e1e4e8; }}
QLineEdit[severity="error"], QPlainTextEdit[severity="error"], QComboBox[severity="error"] {{
    background: #fbe3e0; border: 1px solid {ERROR}; }}
QLineEdit[severity="warning"], QPlainTextEdit[severity="warning"], QComboBox[severity="warning"] {{
    background: #fff2cc; border: 1px solid {WARNING}; }}
QTableView {{ gridline-color: #d9dde3; selection-background-color: #cfe0f5; selection-color: #10243e; }}
QHeaderView::section {{ background: #eef1f5; border: none; border-right: 1px solid #d9dde3;
    border-bottom: 1px solid #d9dde3; padding: 3px 4px; color: #1f2933; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; border-radius: 3px;
    padding: 5px 16px; }}
QPushButton#primary:disabled {{ background: #9fb6d3; border-color: #9fb6d3; }}
QLabel#savedOk {{ color: #d8f5e1; }}
QLabel#savedFail {{ color: #ffd2cc; font-weight: bold; }}
"""


def is_windows() -> bool:
    return sys.platform.startswith("win")
