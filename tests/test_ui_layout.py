"""How the wizard uses a 1366×768 screen (offscreen, the program's own font): the columns the clerk
reads most get the room, nothing is cut off at the largest font size."""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QStyle

from conftest import seed_dict
from test_ui_wizard import column_of, open_seed, qapp_cls, window  # noqa: F401


def wrapped_lines(view, text: str, width: int) -> int:
    """Lines ``text`` takes when the view wraps it in a cell ``width`` wide (the delegate's text margins)."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    metrics = view.fontMetrics()
    rect = metrics.boundingRect(QRect(0, 0, width - 2 * margin, 10_000), int(Qt.TextFlag.TextWordWrap), text)
    return round(rect.height() / metrics.lineSpacing())


def test_indicator_names_get_the_room_at_1366(qtbot, window):
    assert (window.width(), window.height()) == (1366, 768)
    open_seed(window)
    window.editor.show_step(2)
    qtbot.wait(10)
    page = window.editor.page_list[2]
    view, model = page.table.view, page.model
    name, target_text = column_of(model, "name"), column_of(model, "target_text")
    assert view.columnWidth(name) >= view.columnWidth(target_text)
    # every column on screen: neither the table nor the page scrolls sideways
    assert not view.horizontalScrollBar().isVisible() and not page.horizontalScrollBar().isVisible()
    assert sum(view.columnWidth(c) for c in range(model.columnCount())) <= view.viewport().width()
    # the names of seed 001 (up to 12 characters) are read whole on the row's two lines
    names = [indicator["name"] for indicator in seed_dict("001")["evaluation"]["indicators"]]
    assert [model.index(r, name).data() for r in range(len(names))] == names
    assert [n for n in names if wrapped_lines(view, n, view.columnWidth(name)) > view.lines] == []
    # the narrowed columns' headers are on two lines, not cut off
    assert model.headerData(target_text, Qt.Orientation.Horizontal) == "年度\n指标值"
    header = view.horizontalHeader()
    assert header.height() >= 2 * view.fontMetrics().lineSpacing()
