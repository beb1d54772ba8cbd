"""Tables behave like Excel under the keyboard."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from test_ui_live import open_cell
from test_ui_wizard import cell_editor, column_of, open_seed, window  # noqa: F401


def test_tab_takes_the_value_and_moves_right_without_opening_the_next_cell(qtbot, window):
    report_id = open_seed(window)
    window.editor.show_step(1)
    page = window.editor.page_list[1]
    model, view = page.projects.model, page.projects.view
    initial = column_of(model, "initial")
    editor = open_cell(qtbot, view, 2, initial)
    QTest.keyClicks(editor, "300")
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: cell_editor(view) is None, timeout=2000)
    assert view.currentIndex().row() == 2 and view.currentIndex().column() == initial + 1
    assert window.session.report.finance.projects[2].initial == Decimal("300")
    editor = open_cell(qtbot, view, 2, initial + 1)
    QTest.keyClick(editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: cell_editor(view) is None, timeout=2000)
    assert view.currentIndex().column() == initial
    window.session.flush()
    assert window.store.load(report_id).finance.projects[2].initial == Decimal("300")
