"""Frictions a new clerk met typing seed 004 (长沙市天心区 2019) from its paper copy, each driven
through the widgets offscreen: the fix must hold."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox

from test_ui_wizard import cell_editor, column_of, fill_cell, fill_line, type_text, window  # noqa: F401

UNIT = "长沙市天心区退役军人事务局"


def new_report(win):
    report_id = win.create_report(UNIT, 2019, "hunan")
    assert win.editor is not None
    return report_id


def leave(view):
    QApplication.sendEvent(view, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.OtherFocusReason))


def test_project_goals_can_be_added_with_the_button(qtbot, window):
    new_report(window)
    page = window.editor.page_list[1]
    window.editor.show_step(1)
    goals = page.goals
    assert "add" in goals.buttons                       # the button exists before a project is chosen …
    assert not goals.buttons["add"].isEnabled()         # … but there is no list to add to yet
    qtbot.mouseClick(page.projects.buttons["add"], Qt.MouseButton.LeftButton)
    fill_cell(qtbot, page.projects.view, 0, 0, "优抚对象医疗补助")
    page.projects.view.setCurrentIndex(page.projects.model.index(0, 0))
    assert goals.buttons["add"].isEnabled()
    qtbot.mouseClick(goals.buttons["add"], Qt.MouseButton.LeftButton)
    fill_cell(qtbot, goals.view, 0, column_of(goals.model, "text"), "及时发放")
    project = window.session.report.finance.projects[0]
    assert [g.text for g in project.goals] == ["及时发放"]


def test_pasted_numbered_duties_lose_their_numbers(qtbot, window):
    new_report(window)
    functions = window.editor.page_list[0].functions
    QGuiApplication.clipboard().setText("1、贯彻执行党和国家关于退役军人的政策法规。\n"
                                        "10、指导并监督检查退役军人相关法律法规的落实;\n"
                                        "（三）完成区委、区政府交办的其他任务。\n"
                                        "1.5亿元资金按时拨付。\n")
    qtbot.mouseClick(functions.buttons["paste"], Qt.MouseButton.LeftButton)
    assert window.session.report.unit.functions == [
        "贯彻执行党和国家关于退役军人的政策法规。", "指导并监督检查退役军人相关法律法规的落实;",
        "完成区委、区政府交办的其他任务。", "1.5亿元资金按时拨付。"]
    # typed into a cell, too
    fill_cell(qtbot, functions.view, 0, 0, "2、负责移交安置工作")
    assert window.session.report.unit.functions[0] == "负责移交安置工作"


def test_enter_on_the_last_line_opens_the_next_one(qtbot, window):
    new_report(window)
    departments = window.editor.page_list[0].departments
    view = departments.view

    def type_line(name):
        QTest.keyClick(view, Qt.Key.Key_F2)
        qtbot.waitUntil(lambda: cell_editor(view) is not None, timeout=2000)
        type_text(cell_editor(view), name)
        QTest.keyClick(cell_editor(view), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: cell_editor(view) is None, timeout=2000)

    qtbot.mouseClick(departments.buttons["add"], Qt.MouseButton.LeftButton)
    type_line("办公室")
    assert window.session.report.unit.departments == ["办公室", ""]   # Enter opened the next line
    assert view.currentIndex().row() == 1
    # 新增 while on that empty line uses it rather than adding another
    qtbot.mouseClick(departments.buttons["add"], Qt.MouseButton.LeftButton)
    assert window.session.report.unit.departments == ["办公室", ""]
    type_line("移交安置就业创业科")                        # the next name goes there: nothing overwritten
    assert window.session.report.unit.departments == ["办公室", "移交安置就业创业科", ""]
    QTest.keyClick(view, Qt.Key.Key_Return)              # Enter on the empty line itself: no further line
    assert len(window.session.report.unit.departments) == 3
    QTest.keyClick(view, Qt.Key.Key_Up)
    QTest.keyClick(view, Qt.Key.Key_Down)
    leave(view)                                          # left empty: it goes away, without an undo note
    assert window.session.report.unit.departments == ["办公室", "移交安置就业创业科"]
    assert "已撤销" not in window.editor.status.text()
    window.undo()                                        # the clerk's own last step is what undo takes back
    assert window.session.report.unit.departments == ["办公室", ""]


def test_a_choice_in_a_table_cell_counts_at_once(qtbot, window):
    new_report(window)
    editor = window.editor
    page = editor.page_list[2]
    page.add_from_library([{"level1": "产出指标", "level2": "时效指标", "name": "资金拨付时间",
                            "kind": "qualitative", "target_text": "年度12月底前"}])
    scoring = editor.page_list[3]
    editor.show_step(3)
    view = scoring.table.view
    col = column_of(scoring.model, "band")
    index = scoring.model.index(0, col)
    view.setCurrentIndex(index)
    QTest.keyClick(view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(cell_editor(view), QComboBox), timeout=2000)
    combo = cell_editor(view)
    choice = combo.findText("达成年度指标")
    combo.setCurrentIndex(choice)                        # what a click in the opened list does
    combo.activated.emit(choice)
    assert window.session.report.evaluation.indicators[0].band == "achieved"
    qtbot.waitUntil(lambda: cell_editor(view) is None, timeout=2000)
    # the column is wide enough for its longest choice
    metrics = view.fontMetrics()
    assert view.columnWidth(col) >= metrics.horizontalAdvance("达成年度指标") + 20
    level1 = page.table.view
    assert level1.columnWidth(0) >= metrics.horizontalAdvance("满意度指标") + 20


def test_undo_note_names_what_was_undone(qtbot, window):
    new_report(window)
    editor = window.editor
    staffing = editor.page_list[0].binder.locate("unit.staffing.authorized_admin")
    fill_line(staffing, "16")
    assert window.session.report.unit.staffing.authorized_admin == 16
    window.undo()
    assert window.session.report.unit.staffing.authorized_admin is None
    assert editor.status.text() == "已撤销：修改“行政编制”"


def test_a_month_only_date_says_what_to_write(qtbot, window):
    new_report(window)
    field = window.editor.page_list[0].binder.locate("unit.established")
    fill_line(field, "2019年3月")
    assert window.session.report.unit.established is None
    assert "要写到日，如 2019-03-01" in window.editor.status.text()
    fill_line(field, "2019-03-01")
    assert window.session.report.unit.established == "2019-03-01"
    assert window.editor.status.text() == ""            # the refusal note goes once the entry is taken
    fill_line(field, "2019年3月")
    fill_line(field, "")                                 # emptied instead: no change, the note goes too
    assert window.editor.status.text() == ""


def test_file_dialogs_have_no_english(qtbot, tmp_path):
    import re

    from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel

    from ui.dialogs import file_dialog, folder_dialog
    for dialog in (folder_dialog(None, "选择导出位置（如U盘）", str(tmp_path)),
                   file_dialog(None, "导入提交包或数据文件", str(tmp_path), "提交包或数据文件 (*.zip *.json)")):
        qtbot.addWidget(dialog)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # Qt's own dialog, as on Linux
        dialog.show()
        texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
                 if w.isVisible()] + [w.toolTip() for w in dialog.findChildren(QAbstractButton) if w.isVisible()]
        english = [t for t in texts if re.search(r"[A-Za-z]{3,}", t.replace("&", ""))]
        assert not english, english
        assert dialog.labelText(QFileDialog.DialogLabel.LookIn) == "查找范围："
        dialog.close()


def test_pages_use_their_width_and_line_up(qtbot, window):
    new_report(window)
    editor = window.editor
    basic, finance, indicators, scoring = editor.page_list[:4]
    # 年度总体目标: a lone text box runs the width of the page, not a third of it
    editor.show_step(2)
    expected = indicators.binder.locate("evaluation.overall_goal.expected")
    assert expected.width() > indicators.viewport().width() * 0.7
    # 内设机构 beside 机构: their buttons on one line, however many rows either table has
    editor.show_step(0)
    for name in ("办公室", "移交安置就业创业科", "双拥优抚褒扬科", "权益维护科"):
        basic.departments.view.add_row()
        fill_cell(qtbot, basic.departments.view, basic.departments.model._count - 1, 0, name)
    left = basic.departments.buttons["add"].mapTo(basic.body, basic.departments.buttons["add"].rect().topLeft())
    right = basic.institutions.buttons["add"].mapTo(basic.body, basic.institutions.buttons["add"].rect().topLeft())
    assert left.y() == right.y()
    # a short field is wide enough for the hint it shows
    editor.show_step(3)
    override = scoring.binder.locate("evaluation.budget_execution.score_override")
    assert override.width() >= override.fontMetrics().horizontalAdvance(override.placeholderText()) + 16


def test_first_institution_is_the_unit_and_library_targets_have_numbers(qtbot, window):
    new_report(window)
    editor = window.editor
    institutions = editor.page_list[0].institutions
    qtbot.mouseClick(institutions.buttons["add"], Qt.MouseButton.LeftButton)
    first = window.session.report.unit.institutions[0]
    assert (first.name, first.kind) == (UNIT, "本级")
    page = editor.page_list[2]
    page.add_from_library([{"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "优抚对象满意度",
                            "kind": "quantitative", "direction": ">=", "unit": "%", "target_text": "≥90%"},
                           {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "kind": "quantitative",
                            "direction": ">=", "unit": "人次", "target_text": "约10000人次"}])
    indicators = window.session.report.evaluation.indicators
    assert indicators[0].target == Decimal("90") and indicators[0].target_text == "≥90%"
    assert indicators[1].target is None                   # "约…": the clerk types the number
    # weights line up on the decimal point; the preview prints the number typed for 实际完成值
    page.model.setData(page.model.index(0, column_of(page.model, "weight")), "10")
    page.model.setData(page.model.index(1, column_of(page.model, "weight")), "16.67")
    page.model.setData(page.model.index(0, column_of(page.model, "actual")), "95")
    weight = column_of(page.model, "weight")
    assert [page.model.index(r, weight).data() for r in (0, 1)] == ["10.00", "16.67"]
    finish = editor.page_list[4]
    finish.refresh_preview()
    assert "95%" in finish.preview.toPlainText()


def test_start_page_without_reports_has_no_gaps(qtbot, window):
    start = window.start
    assert start.empty.isVisible()
    gap = start.empty.geometry().top() - start.new_button.geometry().bottom()
    assert gap < 40, gap


def test_largest_font_cuts_nothing_off(qtbot, window):
    from ui import theme
    new_report(window)
    page = window.editor.page_list[2]
    page.add_from_library([{"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "优抚对象满意度",
                            "kind": "quantitative", "direction": ">=", "unit": "%", "target_text": "≥90%"}])
    window.change_font_size(len(theme.FONT_SIZES))       # A＋ as many times as it goes
    assert QApplication.instance().font().pointSize() == theme.FONT_SIZES[-1]
    editor = window.editor
    wide = 0
    for step, page in enumerate(editor.page_list):
        editor.show_step(step)
        qtbot.wait(10)
        body, viewport = page.body, page.viewport()
        if body.width() > viewport.width():             # too wide for the window: it can be scrolled to
            wide += 1
            assert page.horizontalScrollBar().isVisible(), f"step {step + 1} cut off on the right"
        # at 100 % (and 1366 wide) nothing needs a sideways scroll
    window.change_font_size(-len(theme.FONT_SIZES))
    window.change_font_size(1)
    assert QApplication.instance().font().pointSize() == theme.DEFAULT_POINT_SIZE
    for step, page in enumerate(window.editor.page_list):
        window.editor.show_step(step)
        qtbot.wait(10)
        assert page.body.width() <= page.viewport().width(), f"step {step + 1} wider than 1366 at 100 %"
    assert wide  # the large font did make some step wider than the window (the test covers the case)
