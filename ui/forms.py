"""Scalar fields bound to paths of the report, collapsible sections and the scrollable step page.

A bound field commits when it is left (or on Enter) through the same parse path as the
tables (``ui.fields.parse_for_kind``); it shows its problems (colour + tooltip) after each edit.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QScrollArea, QSizePolicy, QToolButton, QToolTip, QVBoxLayout, QWidget)

from models.money import NumberError

from . import theme
from .fields import GLOSSARY, NUMERIC_KINDS, display, edit_text, meta_for_path, parse_for_kind
from .session import ReportSession, TypingPreview, path_text


def _repolish(widget: QWidget):
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


# The widest figure a field is made room for before its value is known: a county department's money in 万元
# (9,999,999.99 万元 ≈ 1,000 亿元). A longer value shown makes the field wider still.
FIGURE_SAMPLES = {"money": "9,999,999.99", "signed": "-9,999,999.99", "number": "9,999,999.99", "count": "9,999,999"}


def width_for_text(edit: QLineEdit, text_width: int) -> int:
    """The width at which ``edit`` shows ``text_width`` pixels of text whole: what QLineEdit.sizeHint adds to
    the 17 "x" it measures (its inner margins, text margins, the style's frame and padding), plus air."""
    measured = edit.fontMetrics().horizontalAdvance("x") * 17
    return text_width + edit.sizeHint().width() - measured + 4


class FieldLineEdit(QLineEdit):
    """A one-line field; numbers right-aligned, shown with separators when not being edited.

    A figure is never squeezed: the field is at least as wide as its widest plausible figure and the text it
    shows, measured with its current font, again whenever the font or the value changes (at the largest font
    size the step page scrolls sideways instead). ``chars``: a fixed width of that many digits (and the hint)."""

    def __init__(self, kind: str, parent=None, *, chars: int = 0, numeric: bool | None = None,
                 sample: str | None = None):
        super().__init__(parent)
        self.kind = kind
        self.stored: Any = None
        self.chars = chars
        self.numeric = kind in NUMERIC_KINDS if numeric is None else numeric
        self.sample = sample if sample is not None else FIGURE_SAMPLES.get(kind, FIGURE_SAMPLES["money"])
        if self.numeric:
            self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setFont(theme.digits_font())  # the family only: the size follows the page's font
        self.fit_width()

    def shown_texts(self) -> list[str]:
        texts = [self.text()]
        if self.kind in ("money", "signed"):  # what it shows when left and while edited
            texts += [display(self.kind, self.stored), edit_text(self.kind, self.stored)]
        return texts

    def fit_width(self):
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(text) for text in self.shown_texts())
        if self.chars:  # wide enough for the hint inside it, too ("留空用自动得分" was cut off)
            widest = max(widest, metrics.horizontalAdvance("8") * self.chars,
                         metrics.horizontalAdvance(self.placeholderText()) + 8)
            self.setFixedWidth(width_for_text(self, widest) + 12)
        elif self.numeric:
            self.setMinimumWidth(width_for_text(self, max(widest, metrics.horizontalAdvance(self.sample))))

    def setPlaceholderText(self, text: str):  # type: ignore[override]
        super().setPlaceholderText(text)
        self.fit_width()

    def setText(self, text: str):  # type: ignore[override]
        super().setText(text)
        self.fit_width()

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit_width()

    def event(self, event):
        handled = super().event(event)
        if event.type() == QEvent.Type.Polish:  # the style sheet's border and padding are known now
            self.fit_width()
        return handled

    def show_value(self, value):
        self.stored = value
        if self.kind in ("money", "signed") and not self.hasFocus():
            self.setText(display(self.kind, value))
        else:
            self.setText(edit_text(self.kind, value))
        self.setModified(False)

    def focusInEvent(self, event):
        if self.kind in ("money", "signed") and not self.isModified():
            self.setText(edit_text(self.kind, self.stored))
            QTimer.singleShot(0, self.selectAll)
        super().focusInEvent(event)

    def focusOutEvent(self, event):
        super().focusOutEvent(event)  # editingFinished (commit) comes first
        if self.kind in ("money", "signed") and not self.isModified():
            self.setText(display(self.kind, self.stored))

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)      # editingFinished
            self.focusNextChild()            # Enter moves on, as in a paper form
            return
        if event.key() == Qt.Key.Key_Escape and self.isModified() and not event.modifiers():
            self.show_value(self.stored)     # Esc takes back what was typed, as in a table cell
            self.selectAll()
            return
        super().keyPressEvent(event)


class FieldTextEdit(QPlainTextEdit):
    """Multi-line prose; commits when left. Tab moves to the next field."""
    left = Signal()

    def __init__(self, parent=None, lines: int = 4):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        metrics = self.fontMetrics()
        self.setFixedHeight(metrics.lineSpacing() * lines + 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def focusOutEvent(self, event):
        self.left.emit()
        super().focusOutEvent(event)


class Bound:
    def __init__(self, widget: QWidget, path, kind: str, what: str, tooltip: str = ""):
        self.widget = widget
        self._path = path
        self.kind = kind
        self.what = what
        self.tooltip = tooltip
        self.refused = False

    @property
    def path(self) -> tuple | None:
        return self._path() if callable(self._path) else self._path


class Binder(QObject):
    """Creates fields bound to report paths and keeps them in step with the session."""

    refusal = Signal(str)

    def __init__(self, session: ReportSession, parent: QWidget):
        super().__init__(parent)
        self.session = session
        self.parent_widget = parent
        self.fields: list[Bound] = []
        self.derived: list[tuple[QLineEdit, Callable]] = []
        session.changed.connect(lambda _change: self.refresh())
        session.previewed.connect(lambda _derived: self.refresh_derived())

    def _meta(self, path) -> dict:
        sample = path() if callable(path) else path
        if sample is None:
            return {"kind": "text", "label": ""}
        return meta_for_path(sample)

    def line(self, path, *, placeholder: str = "", what: str | None = None, kind: str | None = None,
             tooltip: str | None = None, chars: int = 0) -> FieldLineEdit:
        meta = self._meta(path)
        kind = kind or meta["kind"]
        what = what or meta.get("label", "")
        widget = FieldLineEdit(kind, self.parent_widget, chars=chars)
        if placeholder:
            widget.setPlaceholderText(placeholder)
        bound = Bound(widget, path, kind, what, tooltip if tooltip is not None else GLOSSARY.get(what, ""))
        widget.editingFinished.connect(lambda b=bound: self._commit_line(b))
        if kind in NUMERIC_KINDS:  # derived figures beside it follow the number while it is typed
            TypingPreview(self.session, widget, path, lambda text, b=bound: parse_for_kind(b.kind, text, b.what))
        self.fields.append(bound)
        self._show(bound)
        return widget

    def text(self, path, *, lines: int = 4, what: str | None = None, placeholder: str = "") -> FieldTextEdit:
        meta = self._meta(path)
        widget = FieldTextEdit(self.parent_widget, lines)
        if placeholder:
            widget.setPlaceholderText(placeholder)
        bound = Bound(widget, path, "text", what or meta.get("label", ""))
        widget.left.connect(lambda b=bound: self._commit_text(b))
        self.fields.append(bound)
        self._show(bound)
        return widget

    def combo(self, path, values: tuple, labels: dict | None = None, *, none_label: str = "（请选择）",
              what: str | None = None) -> QComboBox:
        meta = self._meta(path)
        widget = QComboBox(self.parent_widget)
        widget.addItem(none_label, None)
        for value in values:
            widget.addItem((labels or {}).get(value, value), value)
        bound = Bound(widget, path, "enum", what or meta.get("label", ""), GLOSSARY.get(what or meta.get("label", ""), ""))
        widget.activated.connect(lambda _i, b=bound: self._commit_combo(b))
        self.fields.append(bound)
        self._show(bound)
        return widget

    def derived_field(self, compute: Callable[[ReportSession], str], tooltip: str = "", chars: int = 0,
                      numeric: bool = True) -> QLineEdit:
        """A read-only figure; ``compute`` reads ``session.shown_report`` / ``shown_derived`` so that it
        follows a number while it is typed."""
        widget = FieldLineEdit("derived", self.parent_widget, chars=chars, numeric=numeric)
        widget.setReadOnly(True)
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        widget.setProperty("derived", True)
        widget.setToolTip(tooltip or "由程序计算，不能修改")
        self.derived.append((widget, compute))
        widget.setText(compute(self.session))
        return widget

    # --- commit -------------------------------------------------------------------------
    def _commit_line(self, bound: Bound):
        widget: FieldLineEdit = bound.widget
        path = bound.path
        if path is None or not widget.isModified():
            return
        try:
            value = parse_for_kind(bound.kind, widget.text(), bound.what)
        except NumberError as exc:
            bound.refused = True
            self._mark(bound, "error", exc.message)
            QToolTip.showText(widget.mapToGlobal(QPoint(0, widget.height())), exc.message, widget)
            self.refusal.emit(exc.message)
            self.session.refused.emit(exc.message)
            return
        if bound.refused:
            self.session.refused.emit("")  # the refused entry is gone: so is its note
        bound.refused = False
        widget.setModified(False)
        if bound.kind == "text" and value == "" and self.session.get(path) is None:
            value = None
        if not self.session.set_value(path, value, f"修改“{bound.what}”"):
            self._show(bound)

    def _commit_text(self, bound: FieldTextEdit):
        widget: FieldTextEdit = bound.widget
        path = bound.path
        if path is None or not widget.document().isModified():
            return
        value = widget.toPlainText()
        widget.document().setModified(False)
        if value == "" and self.session.get(path) is None:
            return
        self.session.set_value(path, value, f"修改“{bound.what}”")

    def _commit_combo(self, bound: Bound):
        path = bound.path
        if path is not None:
            self.session.set_value(path, bound.widget.currentData(), f"修改“{bound.what}”")

    def commit_all(self):
        """Before closing or switching: take what is typed but not yet left."""
        for bound in self.fields:
            if isinstance(bound.widget, FieldLineEdit):
                self._commit_line(bound)
            elif isinstance(bound.widget, FieldTextEdit):
                self._commit_text(bound)

    # --- showing ------------------------------------------------------------------------
    def refresh(self):
        for bound in self.fields:
            self._show(bound)
        self.refresh_derived()

    def refresh_derived(self):
        for widget, compute in self.derived:
            text = compute(self.session)
            if widget.text() != text:
                widget.setText(text)
                widget.setCursorPosition(0)

    def _show(self, bound: Bound):
        widget = bound.widget
        path = bound.path
        widget.setEnabled(path is not None)
        value = self.session.get(path) if path is not None else None
        if isinstance(widget, FieldLineEdit):
            if not (widget.hasFocus() and widget.isModified()):
                widget.show_value(value)
                bound.refused = False
        elif isinstance(widget, FieldTextEdit):
            if not (widget.hasFocus() and widget.document().isModified()):
                text = value or ""
                if widget.toPlainText() != text:
                    widget.setPlainText(text)
                widget.document().setModified(False)
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        if bound.refused:
            return
        found = self.session.problems_by_path.get(path_text(path)) if path is not None else None
        if found:
            severity = "error" if found[0].is_error else "warning"
            message = "\n".join(("✖ " if p.is_error else "⚠ ") + p.message for p in found)
            self._mark(bound, severity, message)
        else:
            self._mark(bound, "", bound.tooltip)

    def _mark(self, bound: Bound, severity: str, tooltip: str):
        widget = bound.widget
        if widget.property("severity") != severity:
            widget.setProperty("severity", severity)
            _repolish(widget)
            if isinstance(widget, FieldLineEdit):  # a coloured field has its own border
                widget.fit_width()
        widget.setToolTip(tooltip)

    def locate(self, path: str) -> QWidget | None:
        for bound in self.fields:
            bound_path = bound.path
            if bound_path is not None and path_text(bound_path) == path:
                return bound.widget
        return None


class Section(QWidget):
    """A heading that folds its content away (long steps stay readable)."""

    def __init__(self, title: str, content: QWidget, parent=None, collapsed: bool = False, note: str = ""):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(6)
        head = QHBoxLayout()
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("sectionToggle")
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(not collapsed)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggle.toggled.connect(self.set_open)
        font = self.toggle.font()
        font.setPointSizeF(font.pointSizeF() + 1)
        font.setBold(True)
        self.toggle.setFont(font)
        head.addWidget(self.toggle)
        self.note = QLabel(note, self)
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)  # at the largest font size a long note wraps rather than widen the page
        head.addWidget(self.note, 1)
        layout.addLayout(head)
        rule = QFrame(self)
        rule.setObjectName("sectionRule")
        rule.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(rule)
        self.content = content
        layout.addWidget(content)
        self.title = title
        self.set_open(not collapsed)

    def set_open(self, opened: bool):
        self.content.setVisible(opened)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if opened else Qt.ArrowType.RightArrow)
        if self.toggle.isChecked() != opened:
            self.toggle.setChecked(opened)


def form_grid(rows: list[list[tuple[str, QWidget]]], parent=None, label_width: int = 0) -> QWidget:
    """Label/field pairs, several pairs per line, aligned in columns."""
    box = QWidget(parent)
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(10)
    grid.setVerticalSpacing(6)
    widest = max(len(pairs) for pairs in rows)
    for r, pairs in enumerate(rows):
        col = 0
        for label, widget in pairs:
            caption = QLabel(label, box)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            caption.setBuddy(widget)
            if isinstance(widget, QPlainTextEdit):
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(caption, r, col)
            span = 1
            if len(pairs) == 1 and isinstance(widget, (QPlainTextEdit,)) or getattr(widget, "span_all", False):
                span = 2 * widest - 1
            grid.addWidget(widget, r, col + 1, 1, span)
            col += 2
    for c in range(0, 2 * widest, 2):  # only the columns in use: a lone text box takes the whole line
        grid.setColumnStretch(c + 1, 1)
    return box


class StepPage(QScrollArea):
    """One step of the wizard: sections stacked in a scrollable page; knows where each field is."""

    def __init__(self, session: ReportSession, title: str, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # at 100 % every step fits its width; at the largest font sizes on 1366×768 a wide table would be cut
        # off on the right: a scroll bar then, rather than columns nobody can reach
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.body = QWidget()
        self.body.setObjectName("page")
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(18, 10, 18, 18)
        self.layout_.setSpacing(4)
        heading = QLabel(title, self.body)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() + 5)
        font.setBold(True)
        heading.setFont(font)
        self.layout_.addWidget(heading)
        self.setWidget(self.body)
        self.binder = Binder(session, self.body)
        self.tables: list = []          # TableSection
        self.sections: list[Section] = []
        self.locators: list[Callable[[str], bool]] = []

    def add_section(self, title: str, content: QWidget, note: str = "", collapsed: bool = False) -> Section:
        section = Section(title, content, self.body, collapsed=collapsed, note=note)
        self.layout_.addWidget(section)
        self.sections.append(section)
        return section

    def finish(self):
        self.layout_.addStretch(1)

    def section_of(self, widget: QWidget) -> Section | None:
        parent = widget
        while parent is not None and not isinstance(parent, Section):
            parent = parent.parentWidget()
        return parent

    def _open_and_show(self, widget: QWidget):
        section = self.section_of(widget)
        if section is not None:
            section.set_open(True)
        QTimer.singleShot(0, lambda: self.ensureWidgetVisible(widget, 40, 80))
        self.ensureWidgetVisible(widget, 40, 80)

    def reveal(self, path: str) -> bool:
        """Show and focus the field at ``path`` (switching to its row in a table)."""
        for locate in self.locators:
            if locate(path):
                return True
        widget = self.binder.locate(path)
        if widget is not None:
            self._open_and_show(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        for table in self.tables:
            cell = table.model.locate(path)
            if cell is not None:
                self._open_and_show(table)
                table.view.select_cell(*cell)
                return True
        for table in self.tables:  # a problem about the whole list ("evaluation.indicators")
            if path == path_text(table.model.list_path):
                self._open_and_show(table)
                table.view.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def commit(self):
        """Before closing or switching: take what is typed but not yet left, in fields and table cells."""
        self.binder.commit_all()
        for view in self.findChildren(QAbstractItemView):
            if view.state() == QAbstractItemView.State.EditingState:
                editor = view.indexWidget(view.currentIndex())
                if editor is not None:
                    view.commitData(editor)
                    view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
