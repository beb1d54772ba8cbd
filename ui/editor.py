"""The wizard for one open report: header, step list, step page, 问题清单, bottom bar."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QPushButton, QSplitter, QStackedWidget, QStyle, QStyleOptionViewItem, QToolButton,
                               QVBoxLayout, QWidget)

from models.checks import ERROR, STEPS, step_of
from models.templates import load_template

from . import theme
from .fields import display
from .session import ReportSession, path_text

STEP_NUMBERS = "①②③④⑤"
STEP_LIST_WIDTH = 190  # the step list's width at the default font size (wider when its items need it)
PROBLEMS_WIDTH = 270   # the 问题清单's usual width
STATE_NOT_STARTED, STATE_ERROR, STATE_WARNING, STATE_DONE = "未开始", "有错误", "有警告", "完成"
_STATE_COLOURS = {STATE_NOT_STARTED: "#b8bec7", STATE_ERROR: theme.ERROR, STATE_WARNING: theme.WARNING,
                  STATE_DONE: theme.OK}


def _state_icon(state: str) -> QIcon:
    pixmap = QPixmap(28, 28)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(_STATE_COLOURS[state]))
    painter.drawEllipse(3, 3, 22, 22)
    painter.setPen(QColor("white"))
    font = painter.font()
    font.setPixelSize(16)
    font.setBold(True)
    painter.setFont(font)
    mark = {STATE_DONE: "✓", STATE_ERROR: "!", STATE_WARNING: "!", STATE_NOT_STARTED: ""}[state]
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, mark)
    painter.end()
    return QIcon(pixmap)


def step_started(session: ReportSession, step: int) -> bool:
    report = session.report
    if step == 0:
        unit = report.unit
        return bool(unit.name or unit.functions or unit.contact.name or unit.institutions)
    if step == 1:
        budget = report.finance.overall_budget
        return any(v is not None for v in (budget.initial, budget.full_year, budget.executed)) \
            or bool(report.finance.projects or report.finance.income)
    if step == 2:
        return bool(report.evaluation.indicators or report.evaluation.overall_goal.expected)
    if step == 3:
        return bool(report.evaluation.indicators) and session.derived.budget_execution_score is not None
    return any((text or "").strip() for text in report.narrative.values())


def step_state(session: ReportSession, step: int, counts) -> str:
    errors, warnings = counts[step]
    if not step_started(session, step):
        return STATE_NOT_STARTED
    if errors:
        return STATE_ERROR
    if warnings:
        return STATE_WARNING
    return STATE_DONE


def wrap_list_items(view: QListWidget, padding: int = 11) -> list[int]:
    """Long messages wrap over several lines: give each item of ``view`` the height its wrapped text needs at
    the list's current width and font (``padding``: the style sheet's item padding and border). The heights."""
    width = max(view.viewport().width() - 14, 80)
    metrics = view.fontMetrics()
    heights = []
    for i in range(view.count()):
        item = view.item(i)
        item_metrics = metrics if not item.font().bold() else QFontMetrics(item.font())
        rect = item_metrics.boundingRect(QRect(0, 0, width, 10000), int(Qt.TextFlag.TextWordWrap), item.text())
        item.setSizeHint(QSize(width, rect.height() + padding))
        heights.append(rect.height() + padding)
    return heights


class ProblemPanel(QFrame):
    """问题清单: errors first, then warnings, grouped by step; a click takes the clerk there."""

    jump = Signal(str)

    def __init__(self, session: ReportSession, parent=None):
        super().__init__(parent)
        self.setObjectName("problems")
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 6, 6)
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() + 1)
        self.title.setFont(font)
        layout.addWidget(self.title)
        hint = QLabel("点击一项，转到要修改的地方", self)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.list = QListWidget(self)
        self.list.setObjectName("problemList")
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)  # re-wrap long messages when the panel is resized
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemClicked.connect(self._activate)
        self.list.itemActivated.connect(self._activate)
        layout.addWidget(self.list, 1)
        session.changed.connect(lambda _c: self.refresh())
        self.refresh()

        self.list.viewport().installEventFilter(self)

    def eventFilter(self, obj, event):
        if obj is self.list.viewport() and event.type() == QEvent.Type.Resize:
            if event.size().width() != event.oldSize().width():
                QTimer.singleShot(0, self._fit_items)
        return False

    def _fit_items(self):
        wrap_list_items(self.list)

    def refresh(self):
        problems = self.session.problems
        errors = [p for p in problems if p.severity == ERROR]
        warnings = [p for p in problems if p.severity != ERROR]
        self.title.setText(f"问题清单（{len(errors)} 错误　{len(warnings)} 警告）" if problems else "问题清单")
        self.list.clear()
        if not problems:
            item = QListWidgetItem("✓ 没有发现问题")
            item.setForeground(QColor(theme.OK))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
            return
        for group, severity_name in ((errors, "错误"), (warnings, "警告")):
            steps = sorted({step_of(p.path) for p in group})
            for step in steps:
                header = QListWidgetItem(f"{severity_name} · {STEP_NUMBERS[step]} {STEPS[step]}")
                font = header.font()
                font.setBold(True)
                header.setFont(font)
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)
                header.setForeground(QColor(theme.ERROR if group is errors else theme.WARNING))
                self.list.addItem(header)
                for problem in (p for p in group if step_of(p.path) == step):
                    item = QListWidgetItem(("✖ " if problem.is_error else "⚠ ") + problem.message)
                    item.setData(Qt.ItemDataRole.UserRole, problem.path)
                    item.setToolTip(problem.message)
                    self.list.addItem(item)
        self._fit_items()

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())
                if self.list.item(i).data(Qt.ItemDataRole.UserRole)]

    def _activate(self, item: QListWidgetItem):
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.jump.emit(path)


class Editor(QWidget):
    """Everything shown while one report is open."""

    back = Signal()

    def __init__(self, session: ReportSession, parent=None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        # header: unit · year · template, total + grade, saved indicator
        self.header = QFrame(self)
        self.header.setObjectName("header")
        head = QHBoxLayout(self.header)
        head.setContentsMargins(12, 6, 12, 6)
        self.back_button = QToolButton(self.header)
        self.back_button.setText("◀ 报告列表")
        self.back_button.setToolTip("回到报告列表（所有修改已自动保存）")
        self.back_button.clicked.connect(self.back.emit)
        head.addWidget(self.back_button)
        self.title = QLabel(self.header)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() + 2)
        font.setBold(True)
        self.title.setFont(font)
        head.addWidget(self.title, 1)
        self.score = QLabel(self.header)
        self.score.setFont(font)
        head.addWidget(self.score)
        head.addSpacing(18)
        self.saved = QLabel("● 已保存", self.header)
        self.saved.setObjectName("savedOk")
        head.addWidget(self.saved)
        self.font_buttons = []
        for text, delta, tip in (("A－", -1, "字号变小"), ("A＋", 1, "字号变大")):
            button = QToolButton(self.header)
            button.setText(text)
            button.setToolTip(tip)
            button.setProperty("delta", delta)
            head.addWidget(button)
            self.font_buttons.append(button)
        layout.addWidget(self.header)

        # body: steps | page | problems
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.steps = QListWidget(self.splitter)
        self.steps.setObjectName("steps")
        self.steps.setIconSize(QSize(20, 20))
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row_height = self.fontMetrics().height() + 22
        for n, name in enumerate(STEPS):
            item = QListWidgetItem(f"{STEP_NUMBERS[n]} {name}")
            item.setSizeHint(QSize(140, row_height))
            self.steps.addItem(item)
        self.pages = QStackedWidget(self.splitter)
        self.page_list = LazyPages(self.pages, STEP_PAGES, session, on_built=self._page_built)
        self.problems = ProblemPanel(session, self.splitter)
        self.problems.jump.connect(self.jump_to)
        self.splitter.addWidget(self.steps)
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(self.problems)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([STEP_LIST_WIDTH, 905, PROBLEMS_WIDTH])
        layout.addWidget(self.splitter, 1)
        self.steps.currentRowChanged.connect(self.show_step)

        # footer: 上一步 / 撤销 / 重做 / 下一步
        footer = QFrame(self)
        footer.setObjectName("footer")
        foot = QHBoxLayout(footer)
        foot.setContentsMargins(12, 6, 12, 6)
        self.prev_button = QPushButton("◀ 上一步", footer)
        self.prev_button.clicked.connect(lambda: self.show_step(self.pages.currentIndex() - 1))
        self.undo_button = QPushButton("撤销 Ctrl+Z", footer)
        self.undo_button.clicked.connect(session.undo_stack.undo)
        self.redo_button = QPushButton("重做 Ctrl+Y", footer)
        self.redo_button.clicked.connect(session.undo_stack.redo)
        self.next_button = QPushButton("下一步 ▶", footer)
        self.next_button.setObjectName("primary")
        self.next_button.clicked.connect(lambda: self.show_step(self.pages.currentIndex() + 1))
        for button in (self.prev_button, self.undo_button, self.redo_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.status = QLabel(footer)
        self.status.setObjectName("hint")
        foot.addWidget(self.prev_button)
        foot.addSpacing(20)
        foot.addWidget(self.status, 1)
        foot.addWidget(self.undo_button)
        foot.addWidget(self.redo_button)
        foot.addSpacing(20)
        foot.addWidget(self.next_button)
        layout.addWidget(footer)

        session.undo_stack.canUndoChanged.connect(self._undo_state)
        session.undo_stack.canRedoChanged.connect(self._undo_state)
        session.undo_stack.undoTextChanged.connect(lambda _t: self._undo_state())
        session.changed.connect(self._on_changed)
        session.previewed.connect(lambda _derived: self.show_score())
        session.saved.connect(self._on_saved)
        session.refused.connect(lambda message: self.status.setText("✖ " + message if message else ""))
        self._undo_state()
        self.refresh()
        self.steps.setCurrentRow(0)
        self._keyboard()

    def _keyboard(self):
        """Everything without a mouse: steps by Ctrl+PgUp/PgDn or Alt+1…5, F6 to the 问题清单."""
        shortcuts = [("Ctrl+PgDown", lambda: self.show_step(self.pages.currentIndex() + 1)),
                     ("Ctrl+PgUp", lambda: self.show_step(self.pages.currentIndex() - 1)),
                     ("F6", lambda: self.problems.list.setFocus(Qt.FocusReason.ShortcutFocusReason))]
        shortcuts += [(f"Alt+{n + 1}", lambda n=n: self._go(n)) for n in range(len(STEPS))]
        for keys, slot in shortcuts:
            QShortcut(QKeySequence(keys), self, activated=slot)
        for n in range(len(STEPS)):
            self.steps.item(n).setData(Qt.ItemDataRole.WhatsThisRole, f"Alt+{n + 1}")
        self.next_button.setToolTip("下一步（Ctrl+PgDown）")
        self.prev_button.setToolTip("上一步（Ctrl+PgUp）")

    def _go(self, step: int):
        self.show_step(step)
        page = self.page_list[step]
        first = next((w for w in page.body.findChildren(QWidget)
                      if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(page) and w.isEnabled()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _page_built(self, step: int, page):
        if step == 4:
            page.jump.connect(self.jump_to)

    # --- navigation ---------------------------------------------------------------------
    def show_step(self, step: int):
        if not 0 <= step < len(self.page_list):
            return
        target = self.page_list[step]  # built on its first visit
        current = self.pages.currentWidget()
        if current is not None and current is not target and self.page_list.is_page(current):
            current.commit()
        self.pages.setCurrentWidget(target)
        if self.steps.currentRow() != step:
            self.steps.blockSignals(True)
            self.steps.setCurrentRow(step)
            self.steps.blockSignals(False)
        self.prev_button.setEnabled(step > 0)
        self.next_button.setEnabled(step < len(self.page_list) - 1)

    def jump_to(self, path: str) -> bool:
        step = step_of(path)
        self.show_step(step)
        found = self.page_list[step].reveal(path)
        if not found:
            self.status.setText("该问题涉及整份报告，请按提示检查")
        return found

    def current_page(self):
        return self.pages.currentWidget()

    # --- state --------------------------------------------------------------------------
    def _on_changed(self, change):
        self.refresh()
        stack = self.session.undo_stack
        if change.quiet:
            return
        # during QUndoStack.undo() the command being undone is still the stack's undo command
        self.status.setText(f"已撤销：{stack.undoText()}" if change.undo else "")
        if change.undo and change.focus is not None:
            # show what undo changed back, so nothing happens out of sight
            QTimer.singleShot(0, lambda: self._reveal_quietly(change.focus))

    def _reveal_quietly(self, path):
        text = path_text(path)
        step = step_of(text)
        if self.pages.currentIndex() != step:
            self.show_step(step)
        self.page_list[step].reveal(text)

    def _on_saved(self, ok: bool, message: str):
        self.saved.setText("● 已保存" if ok else "● 保存失败")
        self.saved.setObjectName("savedOk" if ok else "savedFail")
        self.saved.setToolTip(message)
        self.saved.style().unpolish(self.saved)
        self.saved.style().polish(self.saved)

    def _undo_state(self):
        try:
            stack = self.session.undo_stack
            stack.canUndo()
        except RuntimeError:  # the stack is being destroyed with its session
            return
        self.undo_button.setEnabled(stack.canUndo())
        self.redo_button.setEnabled(stack.canRedo())
        self.undo_button.setToolTip(f"撤销：{stack.undoText()}" if stack.canUndo() else "没有可撤销的修改")
        self.redo_button.setToolTip(f"重做：{stack.redoText()}" if stack.canRedo() else "没有可重做的修改")

    def show_score(self):
        """Total and grade as shown: they follow a number while it is typed (session.preview)."""
        derived = self.session.shown_derived
        if derived.total_score is None:
            self.score.setText("总分 —")
            self.score.setToolTip("每项指标都能计分、预算执行率能计算后显示总分")
        else:
            template = load_template(self.session.report.template)
            grade = template.grade_label(derived.grade) if derived.grade else ""
            self.score.setText(f"总分 {display('money', derived.total_score)}　{grade}")
            self.score.setToolTip("预算执行率得分＋各项指标得分")

    def refresh(self):
        report = self.session.report
        template = load_template(report.template)
        year = f"{report.year}年度" if report.year else "年度未填"
        self.title.setText(f"{report.unit.name or '（未填单位名称）'} · {year} · {template.name}")
        self.show_score()
        counts = self.session.step_counts()
        for step in range(len(STEPS)):
            state = step_state(self.session, step, counts)
            errors, warnings = counts[step]
            marks = []
            if errors:
                marks.append(f"✖{errors}")
            if warnings:
                marks.append(f"⚠{warnings}")
            item = self.steps.item(step)
            item.setText(f"{STEP_NUMBERS[step]} {STEPS[step]}" + (f"  {' '.join(marks)}" if marks else ""))
            item.setIcon(_state_icon(state))
            item.setToolTip(f"{STEPS[step]}：{state}" + (f"（{errors}个错误，{warnings}个警告）" if marks else "")
                            + f"　快捷键 Alt+{step + 1}")
            item.setData(Qt.ItemDataRole.UserRole, state)
        self.steps.setMinimumWidth(self.step_list_width())  # "✖12 ⚠3" may be longer than the last counts

    def step_text_room(self, row: int, width: int) -> int:
        """Pixels the text of step ``row`` has in a list ``width`` wide: what the style leaves beside the
        icon, inside the item's padding and border (the style sheet's), less the text's own margins."""
        steps = self.steps
        steps.ensurePolished()
        option = QStyleOptionViewItem()
        steps.initViewItemOption(option)  # the icon size, alignment and widget, as the list paints with
        option.rect = QRect(0, 0, width - 2 * steps.frameWidth(), steps.item(row).sizeHint().height())
        steps.itemDelegate().initStyleOption(option, steps.model().index(row, 0))
        style = steps.style()
        text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, steps)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, steps) + 1
        return text.width() - 2 * margin

    def step_list_width(self) -> int:
        """The width at which the longest step item is shown whole at the current font size."""
        metrics = self.steps.fontMetrics()
        probe = 1000
        return max(probe - self.step_text_room(row, probe) + metrics.horizontalAdvance(self.steps.item(row).text())
                   for row in range(self.steps.count())) + 2

    def fit_step_list(self):
        """After a font size change: the step list as wide as its items need (at least its usual width), the
        问题清单 back to its usual width too (or what the larger font needs): widened at the largest size, it
        kept that width back at 100 % and pushed the step page into a sideways scroll."""
        sizes = self.splitter.sizes()
        width = max(self.step_list_width(), STEP_LIST_WIDTH)
        problems = max(self.problems.minimumSizeHint().width(), PROBLEMS_WIDTH)
        if sum(sizes) > 0 and (sizes[0], sizes[2]) != (width, problems):
            self.splitter.setSizes([width, max(sum(sizes) - width - problems, 0), problems])

    def commit(self):
        page = self.pages.currentWidget()
        if page is not None and self.page_list.is_page(page):
            page.commit()


def _page_class(module: str, name: str):
    def build(session):
        # imported on the step's first visit too: the page modules cost ≈ 40 ms to import
        from importlib import import_module
        return getattr(import_module(module, __package__), name)(session)
    return build


STEP_PAGES = [_page_class(".steps", "BasicPage"), _page_class(".steps", "FinancePage"),
              _page_class(".indicators", "IndicatorsPage"), _page_class(".indicators", "ScoringPage"),
              _page_class(".finish", "FinishPage")]


class LazyPages:
    """The five step pages, each built on its first visit: building all five when a report is
    opened cost ≈ 0.2 s before the clerk saw anything. Until then a blank placeholder holds its place
    in the stacked widget, so step numbers and indexes stay the same."""

    def __init__(self, stack: QStackedWidget, factories, session, on_built):
        self._stack = stack
        self._factories = factories
        self._session = session
        self._on_built = on_built
        self._built = [None] * len(factories)
        for _factory in factories:
            stack.addWidget(QWidget(stack))

    def __len__(self) -> int:
        return len(self._factories)

    def __getitem__(self, step):
        if isinstance(step, slice):
            return [self[i] for i in range(len(self))[step]]
        if self._built[step] is None:
            placeholder = self._stack.widget(step)
            page = self._factories[step](self._session)
            self._stack.insertWidget(step, page)
            self._stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._built[step] = page
            self._on_built(step, page)
        return self._built[step]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def is_page(self, widget) -> bool:
        return any(page is widget for page in self._built)


class UndoShortcutFilter(QObject):
    """Ctrl+Z / Ctrl+Y reach the report's undo stack unless the focused field has its own typing to undo."""

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.ShortcutOverride:
            undo = event.matches(QKeySequence.StandardKey.Undo)
            redo = event.matches(QKeySequence.StandardKey.Redo) or (
                event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier)
            if undo or redo:
                if isinstance(obj, QLineEdit):
                    own = obj.isUndoAvailable() if undo else obj.isRedoAvailable()
                    if not own:
                        return True  # not accepted: the window's shortcut fires
                elif isinstance(obj, QPlainTextEdit):
                    document = obj.document()
                    own = document.isUndoAvailable() if undo else document.isRedoAvailable()
                    if not own:
                        return True
        return False
