"""How the wizard uses a 1366×768 screen (offscreen, the program's own font): the columns the clerk
reads most get the room, nothing is cut off at the largest font size."""
from __future__ import annotations

import re

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QStyle

from conftest import seed_dict
from ui import theme
from ui.editor import STEP_LIST_WIDTH
from test_ui_wizard import column_of, open_seed, window  # noqa: F401


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


def step_items_cut_off(editor) -> list[str]:
    """The step items whose text is wider than the room the list gives it (beside the icon, inside the padding)."""
    steps = editor.steps
    metrics = steps.fontMetrics()
    return [steps.item(row).text() for row in range(steps.count())
            if metrics.horizontalAdvance(steps.item(row).text()) > editor.step_text_room(row, steps.width())]


def test_step_list_shows_its_counts_at_the_largest_font(qtbot, window):
    open_seed(window)
    assert "✖1 ⚠3" in window.editor.steps.item(1).text()
    assert window.editor.splitter.sizes()[0] == STEP_LIST_WIDTH and step_items_cut_off(window.editor) == []
    try:
        for _ in theme.FONT_SIZES:  # A＋ until the largest size
            window.editor.font_buttons[1].click()
        assert QApplication.instance().font().pointSize() == theme.FONT_SIZES[-1]
        qtbot.wait(10)
        editor = window.editor
        steps = editor.steps
        assert steps.font().pointSize() == theme.FONT_SIZES[-1]
        assert step_items_cut_off(editor) == []
        # the same sum by hand: text + icon + the style sheet's padding and border fit the viewport
        metrics = steps.fontMetrics()
        longest = max(metrics.horizontalAdvance(steps.item(r).text()) for r in range(steps.count()))
        assert longest + steps.iconSize().width() + 2 * 8 + 4 <= steps.viewport().width()
        assert editor.splitter.sizes()[0] > STEP_LIST_WIDTH
        # more problems make an item longer: the list widens with it
        before = steps.width()
        indicators = window.session.report.evaluation.indicators
        window.session.set_values([(("evaluation", "indicators", row, "weight"), None)
                                   for row in range(len(indicators))], "清空分值")
        assert re.search(r"✖\d\d", steps.item(2).text())  # eleven indicators without points: "✖11"
        qtbot.wait(10)
        assert step_items_cut_off(editor) == [] and steps.width() > before
    finally:
        for _ in theme.FONT_SIZES:
            window.editor.font_buttons[0].click()
        window.editor.font_buttons[1].click()
    assert QApplication.instance().font().pointSize() == theme.DEFAULT_POINT_SIZE
    qtbot.wait(10)
    assert window.editor.splitter.sizes()[0] == STEP_LIST_WIDTH  # back to its usual width
