"""Every figure stays whole at every font size (offscreen, 1366×768, seed 001): money and number fields are
as wide as what they show, tables show their 合计 row and every figure in its column, and tables and
fields re-measure themselves when their font changes."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionFrame

from ui import theme
from ui.forms import FieldLineEdit
from test_ui_wizard import open_seed, window  # noqa: F401

TEXT_MARGIN = 8  # the line edit's frame and its own 2 px inner margins, on both sides


def settle(qtbot):
    for _ in range(3):
        QCoreApplication.processEvents()
    qtbot.wait(5)


def figure_fields(page) -> list[FieldLineEdit]:
    return [edit for edit in page.body.findChildren(FieldLineEdit) if edit.numeric and edit.isVisibleTo(page)]


def text_room(edit: FieldLineEdit) -> int:
    """Pixels of text the field shows without scrolling: the style's contents rect less the inner margins,
    and never more than its contents rect less a few pixels."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    return min(contents.width() - 4, edit.contentsRect().width() - TEXT_MARGIN)


def cut_fields(page) -> list[str]:
    """Figures wider than their field, as "label text (needed > room)"."""
    cut = []
    for edit in figure_fields(page):
        metrics = edit.fontMetrics()
        for text in {edit.text(), *edit.shown_texts()}:
            if metrics.horizontalAdvance(text) > text_room(edit):
                cut.append(f"{text!r} ({metrics.horizontalAdvance(text)} > {text_room(edit)})")
    return cut


def table_problems(table) -> list[str]:
    """What of a table is not in sight: its last (合计) row, columns beyond the viewport, cut figures."""
    view, model = table.view, table.model
    problems = []
    last = model.rowCount() - 1
    rect = view.visualRect(model.index(last, 0))
    viewport = view.viewport().rect()
    if rect.top() < 0 or rect.bottom() > viewport.bottom():
        problems.append(f"row {last + 1} of {model.columns[0].header}: {rect.top()}–{rect.bottom()} "
                        f"outside 0–{viewport.bottom()}")
    if view.horizontalHeader().length() > viewport.width() + 1:
        problems.append(f"{model.columns[0].header}: columns {view.horizontalHeader().length()} wide "
                        f"in {viewport.width()}")
    plain, bold = view.figure_metrics()
    for col in range(model.columnCount()):
        if not view.is_figure_column(col):
            continue
        for row in range(model.rowCount()):
            text = model.display_text(row, col)
            metrics = bold if model.is_totals_row(row) else plain
            if metrics.horizontalAdvance(text) + 6 > view.columnWidth(col):
                problems.append(f"{model.columns[col].header} row {row + 1}: {text!r} in {view.columnWidth(col)}")
    return problems


@pytest.fixture
def largest_font():
    app = QApplication.instance()
    yield theme.FONT_SIZES[-1]
    app.apply_font_size(theme.DEFAULT_POINT_SIZE)


@pytest.mark.parametrize("size", [theme.DEFAULT_POINT_SIZE, theme.FONT_SIZES[-1]])
def test_every_figure_whole_on_steps_1_to_4(qtbot, window, largest_font, size):
    assert (window.width(), window.height()) == (1366, 768)
    open_seed(window)
    if size != theme.DEFAULT_POINT_SIZE:
        window.change_font_size(len(theme.FONT_SIZES))  # A＋ until the largest size
    assert QApplication.instance().font().pointSize() == size
    editor = window.editor
    checked_fields = checked_tables = 0
    for step in range(4):
        editor.show_step(step)
        settle(qtbot)
        page = editor.page_list[step]
        if size == theme.DEFAULT_POINT_SIZE:  # at 100 % every step fits 1366 without a sideways scroll
            assert page.body.width() <= page.viewport().width(), f"step {step + 1}"
        assert cut_fields(page) == [], f"step {step + 1}"
        checked_fields += len(figure_fields(page))
        for table in page.tables:
            if not table.view.isVisibleTo(page) or not table.model.rowCount():
                continue
            assert table.model._count <= table.view.max_visible_rows  # seed 001's tables are short
            assert table_problems(table) == [], f"step {step + 1}"
            checked_tables += 1
    # 年度资金总额 (12), 政府采购 (2), 资产 (6), 人员 (8), 预算执行率 (4) …; every table with rows
    assert checked_fields >= 30 and checked_tables >= 9
    finance = editor.page_list[1]
    total_row = finance.projects.model.rowCount() - 1
    assert finance.projects.model.index(total_row, 0).data() == "合计"


def test_money_field_at_the_largest_size_shows_the_whole_figure(qtbot, window, largest_font):
    """The colleague's report: 年初预算数 showed ".70" of 2,372.70 at the largest size."""
    open_seed(window)
    window.change_font_size(len(theme.FONT_SIZES))
    editor = window.editor
    editor.show_step(1)
    settle(qtbot)
    page = editor.page_list[1]
    initial = page.binder.locate("finance.overall_budget.initial")
    assert initial.text() == "2,372.70"
    assert initial.fontMetrics().horizontalAdvance("9,999,999.99") <= text_room(initial)
    # the page scrolls sideways rather than squeezing the fields
    assert page.body.width() > page.viewport().width() and page.horizontalScrollBar().isVisible()
    # a longer value typed in widens its field
    page.binder.session.set_value(("finance", "overall_budget", "initial"), __import__("decimal").Decimal(
        "123456789.123456"), "test")
    settle(qtbot)
    assert initial.text() == "123,456,789.123456" and cut_fields(page) == []


def test_fields_and_tables_follow_a_font_change(qtbot, window):
    """Each field and table re-measures itself when its font changes (A＋/A－ also rebuild the editor; under
    the style sheet a polished widget keeps its own font, so each is given the larger one here)."""
    open_seed(window)
    editor = window.editor
    editor.show_step(1)
    settle(qtbot)
    page = editor.page_list[1]
    initial = page.binder.locate("finance.overall_budget.initial")
    projects = page.projects.view
    before = (initial.minimumWidth(), projects.verticalHeader().defaultSectionSize(), projects.height(),
              projects.columnWidth(1), projects.minimumWidth())
    for edit in page.body.findChildren(FieldLineEdit):
        font = edit.font()
        font.setPointSize(theme.FONT_SIZES[-1])
        edit.setFont(font)
    for table in page.tables:
        table.view.setFont(theme.ui_font(theme.FONT_SIZES[-1]))
    settle(qtbot)
    after = (initial.minimumWidth(), projects.verticalHeader().defaultSectionSize(), projects.height(),
             projects.columnWidth(1), projects.minimumWidth())
    assert all(a > b for a, b in zip(after, before)), (before, after)
    assert cut_fields(page) == []
    assert [p for table in page.tables if table.model.rowCount() and table.view.isVisibleTo(page)
            for p in table_problems(table)] == []


def test_step_5_error_list_wraps_at_the_largest_size(qtbot, window, largest_font):
    open_seed(window)
    window.change_font_size(len(theme.FONT_SIZES))
    editor = window.editor
    editor.show_step(4)
    settle(qtbot)
    blocking = editor.page_list[4].blocking
    assert blocking.count() == 1 and blocking.isVisible()
    assert not blocking.horizontalScrollBar().isVisible()
    item = blocking.item(0)
    rect = blocking.visualItemRect(item)
    assert rect.height() >= 2 * blocking.fontMetrics().lineSpacing()  # the long message on two lines
    assert blocking.viewport().rect().contains(rect)


def test_report_list_follows_the_font_size_chosen_in_a_report(qtbot, window, largest_font):
    """The report list is not rebuilt by A＋: it was left at the old size until the program was restarted."""
    open_seed(window)
    window.change_font_size(len(theme.FONT_SIZES))
    window.show_start()
    settle(qtbot)
    start = window.start
    assert start.table.font().pointSize() == start.new_button.font().pointSize() == theme.FONT_SIZES[-1]
    assert start.title.font().pointSize() == theme.FONT_SIZES[-1] + 8
    assert start.table.verticalHeader().defaultSectionSize() >= start.table.fontMetrics().height() + 14


def test_a_long_figure_scrolled_into_sight_widens_its_column(qtbot, window):
    """Only the rows in sight are measured (a table of 1,000 rows costs no more than one of 10): a figure
    further down widens its column when it is scrolled to, and a figure typed widens it at once."""
    open_seed(window)
    editor = window.editor
    editor.show_step(1)
    settle(qtbot)
    table = editor.page_list[1].projects
    view, model = table.view, table.model
    rate = next(c for c, spec in enumerate(model.columns) if spec.header == "执行率")  # no 合计: rows only
    view.select_cell(model._count - 1, 0)
    rows = "\n".join(f"新增项目{n}\t\t\t\t{'0.01' if n == 14 else '1.00'}\t{'1234.56' if n == 14 else '1.00'}"
                     for n in range(15))
    assert view.paste_text(rows) == []
    settle(qtbot)
    assert model._count > view.max_visible_rows  # the table scrolls now
    assert model.display_text(model._count - 1, rate) == "12345600.00%"
    assert view.figures_width(rate, [model._count - 1]) > view.columnWidth(rate)  # not in sight yet
    view.scrollToBottom()
    settle(qtbot)
    assert table_problems(table) == []
    # typed into a cell in sight: widened after the edit
    window.session.set_value(("finance", "projects", model._count - 2, "executed"),
                             __import__("decimal").Decimal("-9876543210.5"), "test")
    settle(qtbot)
    assert table_problems(table) == []



def test_check_boxes_grow_with_the_font(qapp):
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton
    from ui import theme

    def indicator_width() -> int:
        box = QCheckBox("显示已删除的报告")
        box.ensurePolished()
        option = QStyleOptionButton()
        box.initStyleOption(option)
        return box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box).width()

    widths = {}
    for size in (theme.FONT_SIZES[0], theme.FONT_SIZES[-1]):
        qapp.apply_font_size(size)
        widths[size] = indicator_width()
    qapp.apply_font_size(theme.DEFAULT_POINT_SIZE)
    assert widths[theme.FONT_SIZES[-1]] == round(theme.FONT_SIZES[-1] * 1.35)
    assert widths[theme.FONT_SIZES[0]] < widths[theme.FONT_SIZES[-1]]
