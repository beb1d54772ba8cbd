"""The wizard driven through its widgets (pytest-qt, offscreen): jump-to-field, undo/redo, paste,
new-from-last-year, autosave across a restart, refused placeholders, delete/restore."""
from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from conftest import seed_path
from ui.app import MainWindow


# --- helpers shared with test_ui_seed001 ------------------------------------------------

def type_text(widget, text: str):
    """Type as a clerk does: ASCII as key presses, Chinese as an input method commits it."""
    run = ""

    def flush_chinese():
        nonlocal run
        if run:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)
            run = ""

    for ch in text:
        if ch == "\n":
            flush_chinese()
            QTest.keyClick(widget, Qt.Key.Key_Return)
        elif ch.isascii() and ch.isprintable():
            flush_chinese()
            QTest.keyClicks(widget, ch)
        else:
            run += ch
    flush_chinese()


def type_key_events(widget, text: str):
    """Chinese typed one key event per character (no input method)."""
    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown,
                                                 Qt.KeyboardModifier.NoModifier, ch))


def fill_line(widget: QLineEdit, text: str):
    """Select what is there, type the new value, press Enter (commits, moves on)."""
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if not text:
        QTest.keyClick(widget, Qt.Key.Key_Delete)
    type_text(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def fill_text(widget, text: str):
    """A prose field: select all, type, leave it (focus out commits)."""
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(widget, Qt.Key.Key_Delete)
    type_text(widget, text)
    QApplication.sendEvent(widget, QEvent(QEvent.Type.FocusOut))


def choose(combo: QComboBox, text: str):
    """Pick an entry with the arrow keys (a closed combo box emits ``activated``)."""
    target = combo.findText(text)
    assert target >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    for _ in range(abs(target - combo.currentIndex())):
        QTest.keyClick(combo, key)
    assert combo.currentIndex() == target


def cell_editor(view):
    editors = [w for w in view.viewport().findChildren(QLineEdit) + view.viewport().findChildren(QComboBox)
               if w.isVisible()]
    return editors[0] if editors else None


def fill_cell(qtbot, view, row: int, col: int, text: str):
    """Go to the cell, F2, type, Enter: like a spreadsheet."""
    view.setCurrentIndex(view.model().index(row, col))
    QTest.keyClick(view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: cell_editor(view) is not None, timeout=2000)
    editor = cell_editor(view)
    if isinstance(editor, QComboBox):
        index = editor.findText(text)
        assert index >= 0, text
        editor.setCurrentIndex(index)
        QTest.keyClick(editor, Qt.Key.Key_Return)
    else:
        QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(editor, text)
        QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell_editor(view) is None, timeout=2000)


def column_of(model, attr: str) -> int:
    return next(i for i, c in enumerate(model.columns) if c.attr == attr)


@pytest.fixture
def window(qtbot, db_path):
    win = MainWindow(db_path)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    assert win.open_store()
    yield win
    win.close()


def open_seed(win, name="001"):
    report_id = win.import_path(seed_path(name))
    assert report_id is not None and win.editor is not None
    return report_id


# --- tests --------------------------------------------------------------------------------

def test_problem_list_jumps_to_the_table_cell(qtbot, window):
    open_seed(window)
    editor = window.editor
    assert editor.pages.currentIndex() == 0
    items = editor.problems.items()
    target = next(i for i in items if i.data(Qt.ItemDataRole.UserRole) == "finance.expenditure[0].project")
    assert target.text().startswith("✖")
    rect = editor.problems.list.visualItemRect(target)
    qtbot.mouseClick(editor.problems.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.pages.currentIndex() == 1          # switched to 收支情况
    page = editor.page_list[1]
    index = page.expenditure.view.currentIndex()
    assert (index.row(), index.column()) == (0, column_of(page.expenditure.model, "project"))
    assert page.expenditure.view.selectionModel().isSelected(index)
    # the cell shows the problem: red background and the message as tooltip
    assert "项目支出合计" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.BackgroundRole).name() == "#fbe3e0"
    # a form field: 偏差原因 problems live on the scoring step; a scalar one on step 1
    assert editor.jump_to("unit.contact.phone")
    assert editor.pages.currentIndex() == 0
    assert editor.page_list[0].binder.locate("unit.contact.phone") is not None


def test_undo_redo_of_a_table_edit_is_saved(qtbot, window):
    report_id = open_seed(window)
    editor = window.editor
    editor.show_step(1)
    page = editor.page_list[1]
    view = page.projects.view
    col = column_of(page.projects.model, "executed")
    fill_cell(qtbot, view, 1, col, "1,800.5")
    project = window.session.report.finance.projects[1]
    assert project.executed == Decimal("1800.5")
    assert view.currentIndex().row() == 2                 # Enter moved down
    assert view.model().index(1, col).data() == "1,800.50"  # separators when not editing
    qtbot.waitUntil(lambda: not window.session.dirty)
    assert window.store.load(report_id).finance.projects[1].executed == Decimal("1800.5")

    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.report.finance.projects[1].executed == Decimal("1828.14")
    qtbot.waitUntil(lambda: not window.session.dirty)
    assert window.store.load(report_id).finance.projects[1].executed == Decimal("1828.14")
    QTest.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert window.session.report.finance.projects[1].executed == Decimal("1800.5")
    assert editor.undo_button.isEnabled()


def test_paste_block_with_a_bad_cell(qtbot, window):
    open_seed(window)
    editor = window.editor
    editor.show_step(1)
    page = editor.page_list[1]
    view = page.projects.view
    model = page.projects.model
    before = len(window.session.report.finance.projects)
    col = column_of(model, "initial")
    view.setCurrentIndex(model.index(3, col))
    # a block from Excel: 2 columns (年初预算数, 调整数) × 3 rows, the last row beyond the table
    QGuiApplication.clipboard().setText("1,003.25\t*\n4\t-2.5\n7\t8\n")
    QTest.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    projects = window.session.report.finance.projects
    assert projects[3].initial == Decimal("1003.25")
    assert projects[3].adjustment == Decimal("23.51")      # the bad cell is left as it was
    assert projects[4].initial == Decimal("4") and projects[4].adjustment == Decimal("-2.5")
    assert len(projects) == before + 1                     # a row was added for the last line
    assert projects[5].initial == Decimal("7") and projects[5].adjustment == Decimal("8")
    assert page.projects.refusal.isVisible()
    assert "调整数不能填“*”" in page.projects.refusal.text()
    # the whole paste is one undo step
    window.undo()
    projects = window.session.report.finance.projects
    assert len(projects) == before and projects[3].initial == Decimal("3")
    # copy out: a block of exact values, tab separated
    view.setCurrentIndex(model.index(1, col))
    view.selectionModel().select(model.index(1, col), view.selectionModel().SelectionFlag.ClearAndSelect)
    QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "1667.9"


def test_placeholder_in_a_money_field_is_refused(qtbot, window):
    open_seed(window)
    editor = window.editor
    editor.show_step(1)
    field = editor.page_list[1].binder.locate("finance.overall_budget.initial")
    fill_line(field, "—")
    assert window.session.report.finance.overall_budget.initial == Decimal("2372.7")
    assert field.property("severity") == "error"
    assert "不能填“—”" in field.toolTip()
    assert "不能填" in editor.status.text()
    fill_line(field, "2,400.123456")
    assert window.session.report.finance.overall_budget.initial == Decimal("2400.123456")
    assert field.property("severity") == ""
    fill_line(field, "1.1234567")  # seven decimals: refused, not rounded
    assert window.session.report.finance.overall_budget.initial == Decimal("2400.123456")


def test_new_report_from_last_year(qtbot, window):
    prev_id = open_seed(window)
    window.show_start()
    new_id = window.create_from_last_year(prev_id, 2024)
    assert new_id != prev_id and window.editor is not None
    report = window.session.report
    assert report.year == 2024 and report.unit.name == "株洲市芦淞区退役军人事务局"
    page = window.editor.page_list[1]
    model = page.projects.model
    assert model.index(1, column_of(model, "prev_final")).data() == "1,828.14"
    assert model.index(1, column_of(model, "executed")).data() == ""
    assert window.editor.title.text().startswith("株洲市芦淞区退役军人事务局 · 2024年度")
    window.show_start()
    years = sorted(s.year for s in window.start.summaries)
    assert years == [2023, 2024]


def test_autosave_survives_restarting_the_window(qtbot, db_path):
    first = MainWindow(db_path)
    qtbot.addWidget(first)
    first.show()
    first.open_store()
    report_id = first.create_report("测试单位", 2023, "hunan")
    page = first.editor.page_list[0]
    fill_line(page.binder.locate("unit.contact.name"), "张三")
    phone = page.binder.locate("unit.contact.phone")
    QTest.keyClick(phone, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(phone, "0731-1234567")           # typed, not yet left: closing must keep it
    assert first.editor.saved.text() == "● 已保存"
    first.close()

    second = MainWindow(db_path)
    qtbot.addWidget(second)
    second.show()
    second.open_store()
    assert [s.id for s in second.start.summaries] == [report_id]
    second.open_report(report_id)
    contact = second.session.report.unit.contact
    assert (contact.name, contact.phone) == ("张三", "0731-1234567")
    assert second.editor.page_list[0].binder.locate("unit.contact.name").text() == "张三"
    second.close()


def test_delete_asks_and_can_be_restored(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    report_id = open_seed(window)
    window.show_start()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.No)
    qtbot.mouseClick(window.start.delete_button, Qt.MouseButton.LeftButton)
    assert asked and window.store.summary(report_id).deleted_at is None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(window.start.delete_button, Qt.MouseButton.LeftButton)
    assert window.start.summaries == [] and "已删除" in window.start.message.text()
    window.start.show_deleted.setChecked(True)
    assert window.start.restore_button.isVisible()
    qtbot.mouseClick(window.start.restore_button, Qt.MouseButton.LeftButton)
    assert window.store.summary(report_id).deleted_at is None


def test_chinese_typed_key_by_key_and_undo_in_a_form(qtbot, window):
    window.create_report("", 2023, "hunan")
    page = window.editor.page_list[0]
    name = page.binder.locate("unit.name")
    type_key_events(name, "某某县退役军人事务局")
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert window.session.report.unit.name == "某某县退役军人事务局"
    assert "某某县退役军人事务局" in window.editor.title.text()
    window.undo()
    assert window.session.report.unit.name is None and name.text() == ""


def test_indicator_library_and_weight_preset(qtbot, window):
    from ui.indicators import load_library
    library = load_library()
    assert len(library) >= 30
    names = " ".join(e["name"] for e in library)
    for word in ("财政供养人员控制率", "三公经费", "政府采购执行率", "优抚对象抚恤补助按时足额发放", "义务兵家庭优待金",
                 "退役士兵适应性培训", "服务对象满意度"):
        assert word in names
    window.create_report("测试单位", 2023, "hunan")
    editor = window.editor
    qtbot.keyClick(editor, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert editor.pages.currentIndex() == 2
    page = editor.page_list[2]
    chosen = [e for e in library if e["name"] in ("优抚对象抚恤补助按时足额发放率", "退役士兵适应性培训次数",
                                                   "优抚安置政策知晓率", "服务对象满意度")]
    page.add_from_library(chosen)
    indicators = window.session.report.evaluation.indicators
    assert [i.id for i in indicators] == ["i1", "i2", "i3", "i4"]
    assert indicators[0].kind == "quantitative" and indicators[0].unit == "%" and indicators[0].deviation == ""
    page.preset.setCurrentIndex(page.preset.findText("财预〔2020〕10号：产出50 效益30 满意度10"))
    assert "还可分配 90 分" in page.points.text()
    qtbot.mouseClick(next(b for b in page.findChildren(type(editor.next_button)) if b.text() == "按预设平均分配到各指标"),
                     Qt.MouseButton.LeftButton)
    weights = {i.level1 + i.name: i.weight for i in indicators}
    assert weights == {"产出指标优抚对象抚恤补助按时足额发放率": Decimal("25"), "产出指标退役士兵适应性培训次数": Decimal("25"),
                       "效益指标优抚安置政策知晓率": Decimal("30"), "满意度指标服务对象满意度": Decimal("10")}
    assert "分值已分配完" in page.points.text()
    window.undo()
    assert all(i.weight is None for i in window.session.report.evaluation.indicators)


def test_hand_score_needs_a_reason_and_changes_the_total(qtbot, window):
    open_seed(window)
    editor = window.editor
    editor.show_step(3)
    page = editor.page_list[3]
    view = page.table.view
    fill_cell(qtbot, view, 1, column_of(page.model, "score_override"), "9")
    paths = {p.path for p in window.session.problems if p.is_error}
    assert "evaluation.indicators[1].override_reason" in paths
    assert "evaluation.indicators[1].deviation" in paths
    assert editor.score.text() == "总分 98.00　优"
    assert page.model.index(1, column_of(page.model, "deviation")).data(Qt.ItemDataRole.BackgroundRole).name() == "#fbe3e0"
    fill_cell(qtbot, view, 1, column_of(page.model, "deviation"), "部分资金未按政策使用，已整改")
    paths = {p.path for p in window.session.problems if p.is_error}
    assert not any(p.startswith("evaluation.indicators[1]") for p in paths)
    auto = page.model.index(1, next(i for i, c in enumerate(page.model.columns) if c.header == "自动得分"))
    assert auto.data() == "10.00" and "计分依据" in auto.data(Qt.ItemDataRole.ToolTipRole)
    # a qualitative band outside the score is an error; a band is chosen from the list
    fill_cell(qtbot, view, 0, column_of(page.model, "band"), "部分达成")
    assert window.session.derived.indicator_scores[0].score == Decimal("8")


def test_a_thousand_indicators_stay_responsive(qtbot, window):
    import time

    from conftest import load_seed
    from models.report import Indicator
    report = load_seed("001")
    base = report.evaluation.indicators
    report.evaluation.indicators = [Indicator(**{**vars(base[i % 11]), "id": f"i{i + 1}"}) for i in range(1000)]
    window.open_report(window.store.create(report))
    window.editor.show_step(3)
    page = window.editor.page_list[3]
    started = time.perf_counter()
    fill_cell(qtbot, page.table.view, 500, column_of(page.model, "score_override"), "4")
    qtbot.waitUntil(lambda: not window.session.dirty)
    assert time.perf_counter() - started < 1.0
    assert window.store.load(window.session.report_id).evaluation.indicators[500].score_override == Decimal("4")


def test_quit_after_ready_exits_cleanly(tmp_path):
    import os
    import subprocess
    import sys
    from conftest import ROOT
    env = dict(os.environ, ZIPINGTONG_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "gui", "--quit-after-ready"], env=env,
                            capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
