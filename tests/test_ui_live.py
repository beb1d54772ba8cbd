"""Derived figures follow a number while it is typed (ReportSession.preview), offscreen: 合计, 执行率,
scores and the header total change before Enter; nothing is stored, undone or checked until the
entry is committed; Esc brings the committed figures back."""
from __future__ import annotations

import time
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from models.money import format_percent
from models.scoring import execution_rate_pct
from ui.session import TypingPreview
from test_ui_wizard import cell_editor, column_of, open_seed, window  # noqa: F401


def open_cell(qtbot, view, row: int, col: int):
    """F2 on the cell and select what is there: the digits typed next replace it."""
    view.setCurrentIndex(view.model().index(row, col))
    QTest.keyClick(view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: cell_editor(view) is not None, timeout=2000)
    editor = cell_editor(view)
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    return editor


def column_headed(model, header: str) -> int:
    return next(i for i, c in enumerate(model.columns) if c.header == header)


def state(window):
    """What must not move while typing: the undo stack, the problems, the store's copy."""
    session = window.session
    stored = window.store.load(session.report_id)
    return (session.undo_stack.count(), [(p.path, p.message) for p in session.problems],
            stored.finance.projects[1].executed, stored.finance.overall_budget.executed,
            [(i.weight, i.actual) for i in stored.evaluation.indicators])


def test_project_execution_follows_the_digits_typed_in_a_cell(qtbot, window):
    open_seed(window)
    editor_window = window.editor
    editor_window.show_step(1)
    page = editor_window.page_list[1]
    model, view = page.projects.model, page.projects.view
    executed, rate = column_of(model, "executed"), column_headed(model, "执行率")
    total_row = model.rowCount() - 1
    assert model.index(total_row, 0).data() == "合计"
    assert model.index(total_row, executed).data() == "2,082.80"
    assert model.index(1, rate).data() == "100.00%"
    qtbot.waitUntil(lambda: not window.session.dirty)
    before = state(window)
    problems_shown = [item.text() for item in editor_window.problems.items()]

    editor = open_cell(qtbot, view, 1, executed)
    others = Decimal("2082.80") - Decimal("1828.14")
    for typed in ("1", "10", "100", "1000"):
        QTest.keyClicks(editor, typed[-1])
        total = f"{others + Decimal(typed):,.2f}"
        qtbot.waitUntil(lambda: model.index(total_row, executed).data() == total, timeout=1000)
        assert model.index(1, rate).data() == format_percent(execution_rate_pct(Decimal("1828.14"), Decimal(typed)))
        assert window.session.report.finance.projects[1].executed == Decimal("1828.14")  # not yet
        assert state(window) == before
    assert model.index(total_row, executed).data() == "1,254.66"
    assert model.index(1, rate).data() == "54.70%"
    assert [item.text() for item in editor_window.problems.items()] == problems_shown

    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell_editor(view) is None, timeout=2000)
    assert window.session.report.finance.projects[1].executed == Decimal("1000")
    assert window.session.undo_stack.count() == before[0] + 1
    qtbot.waitUntil(lambda: not window.session.dirty)
    assert window.store.load(window.session.report_id).finance.projects[1].executed == Decimal("1000")
    assert model.index(total_row, executed).data() == "1,254.66"
    assert window.session.previewing is None


def test_escape_brings_back_the_committed_figures(qtbot, window):
    open_seed(window)
    window.editor.show_step(1)
    page = window.editor.page_list[1]
    model, view = page.projects.model, page.projects.view
    executed, rate = column_of(model, "executed"), column_headed(model, "执行率")
    total_row = model.rowCount() - 1
    before = state(window)
    editor = open_cell(qtbot, view, 2, executed)
    QTest.keyClicks(editor, "105.57")                       # half of 211.14
    qtbot.waitUntil(lambda: model.index(2, rate).data() == "50.00%", timeout=1000)
    assert model.index(total_row, executed).data() == "1,977.23"
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: cell_editor(view) is None, timeout=2000)
    assert model.index(2, rate).data() == "100.00%"
    assert model.index(total_row, executed).data() == "2,082.80"
    assert window.session.previewing is None and state(window) == before
    QTest.qWait(150)                                        # no late preview after the editor closed
    assert window.session.previewing is None and model.index(total_row, executed).data() == "2,082.80"
    # typing on a selected cell replaces it (no F2): the first digit is previewed too
    view.setCurrentIndex(model.index(4, executed))
    QTest.keyClicks(view, "0")
    qtbot.waitUntil(lambda: model.index(total_row, executed).data() == "2,065.79", timeout=1000)
    assert model.index(4, rate).data() == "0.00%" and state(window) == before
    QTest.keyClick(cell_editor(view), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: model.index(total_row, executed).data() == "2,082.80", timeout=1000)


def test_half_typed_and_unreadable_numbers(qtbot, window):
    """"12." is twelve on its way to 12.5: previewed as 12. "1,2" (a separator typed) is no number yet:
    the committed figures are shown and nothing is marked until Enter refuses it."""
    open_seed(window)
    window.editor.show_step(1)
    page = window.editor.page_list[1]
    model, view = page.projects.model, page.projects.view
    executed = column_of(model, "executed")
    total_row = model.rowCount() - 1
    before = state(window)
    editor = open_cell(qtbot, view, 3, executed)           # 26.51 → 12.
    QTest.keyClicks(editor, "12.")
    qtbot.waitUntil(lambda: model.index(total_row, executed).data() == "2,068.29", timeout=1000)
    QTest.keyClicks(editor, "5")
    qtbot.waitUntil(lambda: model.index(total_row, executed).data() == "2,068.79", timeout=1000)
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, "1,2")
    qtbot.waitUntil(lambda: model.index(total_row, executed).data() == "2,082.80", timeout=1000)
    assert window.session.previewing is None
    assert not page.projects.refusal.isVisible() and window.editor.status.text() == ""
    assert state(window) == before
    QTest.keyClick(editor, Qt.Key.Key_Return)               # now it is refused, the editor stays open
    assert page.projects.refusal.isVisible() and "不是有效数字" in page.projects.refusal.text()
    assert cell_editor(view) is editor and state(window) == before


def test_indicator_weight_and_actual_move_the_header_total(qtbot, window):
    open_seed(window)
    editor_window = window.editor
    editor_window.show_step(2)
    page = editor_window.page_list[2]
    model, view = page.model, page.table.view
    assert editor_window.score.text() == "总分 99.00　优"
    before = state(window)
    # 经费使用符合相关政策规定: 10 points, target 100, actual 100 → actual 50 scores 5
    editor = open_cell(qtbot, view, 1, column_of(model, "actual"))
    QTest.keyClicks(editor, "50")
    qtbot.waitUntil(lambda: editor_window.score.text() == "总分 94.00　优", timeout=1000)
    assert cell_editor(view) is editor and state(window) == before
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor_window.score.text() == "总分 99.00　优", timeout=1000)

    # its weight 10 → 8: the points line shows 2 left to give, the total drops by 2
    editor = open_cell(qtbot, view, 1, column_of(model, "weight"))
    QTest.keyClicks(editor, "8")
    qtbot.waitUntil(lambda: editor_window.score.text() == "总分 97.00　优", timeout=1000)
    assert "还可分配 2 分" in page.points.text()
    assert state(window) == before
    QTest.keyClick(editor, Qt.Key.Key_Tab)                  # leaving commits, as before
    qtbot.waitUntil(lambda: window.session.report.evaluation.indicators[1].weight == Decimal("8"), timeout=2000)
    assert window.session.previewing is None
    assert window.session.undo_stack.count() == before[0] + 1
    assert editor_window.score.text() == "总分 97.00　优"

    # step ④: a hand score typed into the table moves 得分, its 合计 and the total below the table
    editor_window.show_step(3)
    scoring = editor_window.page_list[3]
    score = column_headed(scoring.model, "得分")
    total_row = scoring.model.rowCount() - 1
    assert scoring.model.index(1, score).data() == "8.00" and scoring.model.index(total_row, score).data() == "88.00"
    editor = open_cell(qtbot, scoring.table.view, 1, column_of(scoring.model, "score_override"))
    QTest.keyClicks(editor, "3")
    qtbot.waitUntil(lambda: scoring.model.index(1, score).data() == "3.00", timeout=1000)
    assert scoring.model.index(total_row, score).data() == "83.00"
    assert "总分 <b>92.00</b>" in scoring.total.text() and editor_window.score.text() == "总分 92.00　优"
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: scoring.model.index(1, score).data() == "8.00", timeout=1000)
    assert "总分 <b>97.00</b>" in scoring.total.text() and editor_window.score.text() == "总分 97.00　优"


def test_form_fields_preview_rate_scores_and_total(qtbot, window):
    open_seed(window)
    editor_window = window.editor
    finance, scoring = editor_window.page_list[1], editor_window.page_list[3]
    editor_window.show_step(1)
    executed = finance.binder.locate("finance.overall_budget.executed")
    rates = [w for w, _c in finance.binder.derived + scoring.binder.derived if w.text() == "99.92%"]
    auto = next(w for w, _c in scoring.binder.derived if w.text() == "9.99")
    assert len(rates) == 2                                   # 执行率 on step ② and on step ④
    before = state(window)
    executed.setFocus()
    QTest.keyClick(executed, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(executed, "1113.865")                   # half of 2,227.73
    qtbot.waitUntil(lambda: all(w.text() == "50.00%" for w in rates), timeout=1000)
    assert auto.text() == "5"
    assert window.session.report.finance.overall_budget.executed == Decimal("2225.97") and state(window) == before
    QTest.keyClick(executed, Qt.Key.Key_Escape)             # Esc takes the typing back
    assert executed.text() == "2225.97" and not executed.isModified()
    qtbot.waitUntil(lambda: all(w.text() == "99.92%" for w in rates), timeout=1000)
    assert auto.text() == "9.99" and state(window) == before

    # the hand score of budget execution (9 today) moves the header total and the step-④ total
    editor_window.show_step(3)
    override = scoring.binder.locate("evaluation.budget_execution.score_override")
    override.setFocus()
    QTest.keyClick(override, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(override, "5")
    qtbot.waitUntil(lambda: editor_window.score.text() == "总分 95.00　优", timeout=1000)
    assert "总分 <b>95.00</b>" in scoring.total.text()
    assert state(window) == before
    QTest.keyClick(override, Qt.Key.Key_Return)             # committed: one undo step, saved
    assert window.session.report.evaluation.budget_execution.score_override == Decimal("5")
    assert window.session.undo_stack.count() == before[0] + 1
    assert editor_window.score.text() == "总分 95.00　优" and window.session.previewing is None
    window.undo()
    assert editor_window.score.text() == "总分 99.00　优"


def test_preview_with_a_thousand_indicators_is_cheap(qtbot, window):
    from conftest import load_seed
    from models.report import Indicator
    report = load_seed("001")
    base = report.evaluation.indicators
    report.evaluation.indicators = [Indicator(**{**vars(base[i % 11]), "id": f"i{i + 1}"}) for i in range(1000)]
    window.open_report(window.store.create(report))
    editor_window = window.editor
    editor_window.show_step(2)
    page = editor_window.page_list[2]
    editor_window.page_list[3]                              # the scoring step listens too
    editor = open_cell(qtbot, page.table.view, 500, column_of(page.model, "actual"))
    resets = []
    for model in (page.model, editor_window.page_list[3].model):
        model.modelReset.connect(lambda: resets.append(1))
    shown = editor_window.score.text()
    timings = []
    preview = editor.findChild(TypingPreview)
    for digit in "50":
        QTest.keyClicks(editor, digit)
        started = time.perf_counter()
        preview.show_typed()                                 # what the debounce timer runs
        QTest.qWait(0)                                       # and the repaint it asks for
        timings.append(time.perf_counter() - started)
    assert window.session.previewing == ("evaluation", "indicators", 500, "actual")
    assert editor_window.score.text() != shown and not resets
    assert max(timings) < 0.1, timings
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert editor_window.score.text() == shown


def test_a_cell_being_typed_is_kept_when_the_report_is_closed(qtbot, window):
    report_id = open_seed(window)
    window.editor.show_step(1)
    page = window.editor.page_list[1]
    model, view = page.projects.model, page.projects.view
    editor = open_cell(qtbot, view, 1, column_of(model, "executed"))
    QTest.keyClicks(editor, "1000")
    window.show_start()  # back to the list with the editor still open: nothing typed may be lost
    assert window.store.load(report_id).finance.projects[1].executed == Decimal("1000")
