"""One table model over a list of dataclass rows, one delegate, one spreadsheet-like view.

``RowsModel`` reads the rows live from the session's report; every edit goes through
``ReportSession`` (undoable, autosaved). Columns come from the dataclass field metadata
(``column(cls, attr)``), so labels and kinds are written once, in models.report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QEvent, QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMenu, QMessageBox, QPushButton, QScrollArea, QStyle, QStyledItemDelegate, QTableView, QToolTip,
                               QVBoxLayout, QWidget)

from models.money import NumberError, format_decimal

from . import theme
from .fields import (ENUM_LABELS, GLOSSARY, NUMERIC_KINDS, display, edit_text, enum_label, field_meta,
                     parse_for_kind, strip_list_number)
from .session import ReportSession, TypingPreview, get_at, path_text

EDIT_ROLE = Qt.ItemDataRole.EditRole
STRETCH_MIN_CHARS = 6  # characters a stretched column (a name) keeps at any font size
DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole
CHECK_ROLE = Qt.ItemDataRole.CheckStateRole


@dataclass
class Column:
    attr: str | None            # None: the row itself is the value (a list of texts)
    header: str
    kind: str                   # money/signed/number/count/text/date/enum/bool/derived
    tooltip: str = ""
    values: tuple = ()          # enum codes, in order
    labels: dict = field(default_factory=dict)   # enum code → Chinese
    editable: bool = True
    compute: Callable[[Any, int], Any] | None = None  # derived: (row, index) → (text, numeric?)
    width: int = 0              # characters of width; 0 = take the remaining space
    total: bool = False         # summed in the 合计 row
    enabled: Callable[[Any], bool] | None = None      # e.g. band only for qualitative indicators
    cell_tooltip: Callable[[Any, int], str] | None = None  # e.g. the rule behind an auto score
    strip_numbering: bool = False  # a list the report numbers itself: "1、…" typed or pasted loses its "1、"
    places: int | None = None      # fixed decimals shown (weights: 10.00 beside 16.67), None = as typed
    shown_header: str = ""         # the header as the table shows it, e.g. "年度\n指标值": a column narrower
                                   # than its name (messages still name the column by ``header``)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


def column(cls, attr: str, **overrides) -> Column:
    """A column described by the dataclass field ``cls.attr`` (label, kind, enum values)."""
    meta = field_meta(cls, attr)
    header = overrides.pop("header", meta.get("label", attr))
    kind = meta["kind"]
    values = tuple(meta.get("values", ()))
    spec = Column(attr=attr, header=header, kind=kind, tooltip=GLOSSARY.get(header, GLOSSARY.get(meta.get("label"), "")),
                  values=values, labels=dict(ENUM_LABELS.get(attr, {})))
    if kind in ("money", "signed") and "total" not in overrides:
        spec.total = True
    if kind in NUMERIC_KINDS and "width" not in overrides:
        spec.width = 11
    for key, value in overrides.items():
        setattr(spec, key, value)
    return spec


def derived_column(header: str, compute: Callable[[Any, int], Any], tooltip: str = "", width: int = 9,
                   numeric: bool = True) -> Column:
    return Column(attr=None, header=header, kind="derived-number" if numeric else "derived", tooltip=tooltip,
                  editable=False, compute=compute, width=width)


class RowsModel(QAbstractTableModel):
    """Rows of ``session.get(list_path)``; or fixed rows (attr, label) under ``list_path``."""

    def __init__(self, session: ReportSession, list_path: tuple, columns: list[Column], *,
                 new_row: Callable[[], Any] | None = None, fixed_rows: list[tuple[str, str]] | None = None,
                 totals: bool = False, parent=None):
        super().__init__(parent)
        self.session = session
        self.list_path = tuple(list_path) if list_path is not None else None
        self.columns = columns
        self.new_row = new_row
        self.fixed_rows = fixed_rows
        self.totals = totals and any(c.total for c in columns)
        self._count = self._row_count()
        # figures in the monospaced-digit family; their size is the view's, so they follow its font
        self._figure_fonts = (theme.digits_font(), theme.digits_font(bold=True))
        session.changed.connect(self._on_changed)
        session.previewed.connect(self._on_previewed)

    # --- structure ------------------------------------------------------------------------
    def set_list_path(self, list_path: tuple | None):
        """Detail tables (a project's goals) follow the selected row of their master table."""
        self.beginResetModel()
        self.list_path = tuple(list_path) if list_path is not None else None
        self._count = self._row_count()
        self.endResetModel()

    def rows(self, shown: bool = False) -> list:
        """The rows as stored; ``shown``: as on screen, with the number being typed (session.preview)."""
        if self.list_path is None:
            return []
        report = self.session.shown_report if shown else self.session.report
        if self.fixed_rows is not None:
            return [get_at(report, self.list_path + (attr,)) for attr, _label in self.fixed_rows]
        return get_at(report, self.list_path)

    def _row_count(self) -> int:
        if self.list_path is None:
            return 0
        return len(self.fixed_rows) if self.fixed_rows is not None else len(self.session.get(self.list_path))

    @property
    def can_add(self) -> bool:
        return self.fixed_rows is None and self.new_row is not None and self.list_path is not None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count + (1 if self.totals and self._count else 0)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def is_totals_row(self, row: int) -> bool:
        return self.totals and row == self._count

    @property
    def totals_label_in_header(self) -> bool:
        """"合计" stands in the row header when the first column is summed too (三公经费: its rows are named
        in the row header): written into the first cell it would hide that column's total."""
        return self.totals and bool(self.columns) and self.columns[0].total

    def row_path(self, row: int) -> tuple:
        if self.fixed_rows is not None:
            return self.list_path + (self.fixed_rows[row][0],)
        return self.list_path + (row,)

    def cell_path(self, row: int, col: int) -> tuple:
        attr = self.columns[col].attr
        return self.row_path(row) + ((attr,) if attr else ())

    def locate(self, path: str) -> tuple[int, int] | None:
        """(row, column) of the cell whose JSON path is ``path``; a row-level path gives column 0."""
        if self.list_path is None:
            return None
        for row in range(self._count):
            base = path_text(self.row_path(row))
            if path == base:
                return row, 0
            if path.startswith(base + "."):
                attr = path[len(base) + 1:]
                for col, spec in enumerate(self.columns):
                    if spec.attr == attr:
                        return row, col
                return row, 0
            if path.startswith(base + "[") and self.columns and self.columns[0].attr is None:
                return row, 0
        return None

    def _on_changed(self, change):
        count = self._row_count()
        if count != self._count or self.list_path in change.structural:
            self.beginResetModel()
            self._count = count
            self.endResetModel()
        elif self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def _on_previewed(self, _derived):
        """A number is being typed somewhere: repaint only what is computed (derived columns, 合计 row)."""
        if not self._count or self.rowCount() != self._count + (1 if self.totals else 0):
            return
        last = self._count - 1
        for col, spec in enumerate(self.columns):
            if spec.compute is not None:
                self.dataChanged.emit(self.index(0, col), self.index(last, col), [DISPLAY_ROLE])
        if self.totals:
            self.dataChanged.emit(self.index(self._count, 0), self.index(self._count, self.columnCount() - 1),
                                  [DISPLAY_ROLE])

    # --- reading ----------------------------------------------------------------------------
    def value(self, row: int, col: int, rows: list | None = None):
        spec = self.columns[col]
        item = (rows if rows is not None else self.rows())[row]
        if spec.compute is not None:
            return spec.compute(item, row)
        return item if spec.attr is None else getattr(item, spec.attr)

    def total_of(self, col: int) -> Decimal | None:
        """The 合计 of a column as shown: with the number being typed."""
        rows = self.rows(shown=True)
        values = [self.value(r, col, rows) for r in range(self._count)]
        present = [v for v in values if isinstance(v, Decimal)]
        return sum(present, Decimal(0)) if present else None

    def display_text(self, row: int, col: int) -> str:
        spec = self.columns[col]
        if self.is_totals_row(row):
            if col == 0 and not self.totals_label_in_header:
                return "合计"
            if not spec.total:
                return ""
            total = self.total_of(col)
            if spec.places is not None and total is not None:
                return format_decimal(total, places=spec.places)  # 90.00 under 10.00, as the column shows
            return display(spec.kind if spec.kind in ("money", "signed", "number") else "money", total)
        # computed cells follow the number being typed; entered cells show what is stored
        value = self.value(row, col, self.rows(shown=True) if spec.compute is not None else None)
        if spec.kind == "enum":
            return enum_label(spec.attr, value) if spec.labels else (value or "")
        if spec.kind == "bool":
            return ""
        if spec.kind.startswith("derived"):
            if isinstance(value, Decimal):
                return display("money", value)
            return "" if value is None else str(value)
        if spec.places is not None and isinstance(value, Decimal):
            return format_decimal(value, places=spec.places)  # 10.00 under 16.67: the points line up
        return display(spec.kind, value)

    def cell_enabled(self, row: int, col: int) -> bool:
        spec = self.columns[col]
        return spec.enabled is None or spec.enabled(self.rows()[row])

    def data(self, index: QModelIndex, role: int = DISPLAY_ROLE):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        spec = self.columns[col]
        totals = self.is_totals_row(row)
        if role == DISPLAY_ROLE:
            return self.display_text(row, col)
        if role == EDIT_ROLE:
            if totals:
                return None
            value = self.value(row, col)
            return value if spec.kind == "enum" else edit_text(spec.kind, value)
        if role == CHECK_ROLE and spec.kind == "bool" and not totals:
            return Qt.CheckState.Checked if self.value(row, col) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if spec.numeric or spec.kind == "derived-number" or (totals and spec.total):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if spec.kind == "bool":
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if not totals:
                problem = self.session.problem_at(self.cell_path(row, col)) if spec.attr or col == 0 else None
                if problem is not None:
                    return theme.ERROR_BG if problem.is_error else theme.WARNING_BG
            if totals or not spec.editable or not self.cell_enabled(row, col):
                return theme.DERIVED_BG
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if totals or not spec.editable:
                return theme.DERIVED_FG
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if totals:
                return "合计由程序计算，不能修改"
            if spec.attr or col == 0:
                found = self.session.problems_by_path.get(path_text(self.cell_path(row, col)))
                if found:
                    return "\n".join(("✖ " if p.is_error else "⚠ ") + p.message for p in found)
            if spec.cell_tooltip is not None:
                return spec.cell_tooltip(self.rows()[row], row) or spec.tooltip or None
            text = self.display_text(row, col)
            if spec.kind in ("text", "derived") and len(text) > 12:
                return text
            return spec.tooltip or None
        if role == Qt.ItemDataRole.FontRole:
            if spec.numeric or spec.kind == "derived-number" or totals:
                return self._figure_fonts[1 if totals else 0]
        return None

    def headerData(self, section: int, orientation, role: int = DISPLAY_ROLE):
        if orientation == Qt.Orientation.Horizontal:
            spec = self.columns[section]
            if role == DISPLAY_ROLE:
                return spec.shown_header or spec.header
            if role == Qt.ItemDataRole.ToolTipRole:
                return spec.tooltip or spec.header
            return None
        if role == DISPLAY_ROLE:
            if self.is_totals_row(section):
                return "合计" if self.totals_label_in_header else ""
            if self.fixed_rows is not None:
                return self.fixed_rows[section][1]
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid() or self.is_totals_row(index.row()):
            return base
        spec = self.columns[index.column()]
        if not spec.editable or not self.cell_enabled(index.row(), index.column()):
            return base
        if spec.kind == "bool":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    # --- writing ----------------------------------------------------------------------------
    def parse_cell(self, col: int, value) -> Any:
        """Text for column ``col`` → stored value; NumberError (Chinese) when refused."""
        spec = self.columns[col]
        if spec.kind == "enum":
            if value is None or value == "":
                return None
            if value in spec.values:
                return value
            text = str(value).strip()
            for code in spec.values:
                if text == spec.labels.get(code, code) or text == code:
                    return code
            for code in spec.values:  # 定量 for 定量指标, 正向 for 正向（≥）
                label = spec.labels.get(code, code)
                if text and (label.startswith(text) or text.startswith(label.split("（")[0])):
                    return code
            raise NumberError(f"{spec.header}“{text[:20]}”不是可选值：{'、'.join(spec.labels.get(c, c) for c in spec.values)}")
        if spec.kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value or "").strip()
            if text in ("是", "√", "✓", "true", "True", "1", "Y", "y"):
                return True
            if text in ("否", "", "false", "False", "0", "N", "n", "×"):
                return False
            raise NumberError(f"{spec.header}应填“是”或“否”")
        parsed = parse_for_kind(spec.kind, value, spec.header)
        if spec.strip_numbering and isinstance(parsed, str):
            parsed = strip_list_number(parsed)
        return parsed

    def setData(self, index: QModelIndex, value, role: int = EDIT_ROLE) -> bool:
        if not index.isValid() or self.is_totals_row(index.row()):
            return False
        spec = self.columns[index.column()]
        if not spec.editable:
            return False
        if role == CHECK_ROLE and spec.kind == "bool":
            checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            self.session.set_value(self.cell_path(index.row(), index.column()), checked, f"修改“{spec.header}”")
            return True
        if role != EDIT_ROLE:
            return False
        try:
            parsed = self.parse_cell(index.column(), value)
        except NumberError as exc:
            self.session.refused.emit(exc.message)
            return False
        path = self.cell_path(index.row(), index.column())
        if spec.kind == "text" and parsed == "" and self.session.get(path) is None:
            return True  # leaving an empty cell empty is not an edit
        self.session.set_value(path, parsed, f"修改“{spec.header}”")
        return True

    def row_is_empty(self, row: int) -> bool:
        """Nothing typed in the row's editable cells (a new row's preset kind or level does not count)."""
        for col, spec in enumerate(self.columns):
            if not spec.editable or spec.kind in ("bool", "enum"):
                continue
            value = self.value(row, col)
            if value is not None and value != "":
                return False
        return True

    def insert_row(self, at: int) -> int:
        at = max(0, min(at, self._count))
        self.session.insert_row(self.list_path, at, self.new_row(), "新增行")
        return at

    def remove_rows(self, rows: list[int]):
        rows = [r for r in rows if 0 <= r < self._count]
        self.session.remove_rows(self.list_path, rows, f"删除{len(rows)}行")

    def move_row(self, row: int, delta: int) -> int:
        target = row + delta
        if 0 <= row < self._count and 0 <= target < self._count:
            self.session.move_row(self.list_path, row, target, "上移" if delta < 0 else "下移")
            return target
        return row

    def clear_cells(self, cells: list[tuple[int, int]]):
        changes = []
        for row, col in cells:
            spec = self.columns[col]
            if self.is_totals_row(row) or not spec.editable or spec.kind == "bool" or not self.cell_enabled(row, col):
                continue
            if spec.attr is None:
                changes.append((self.cell_path(row, col), ""))
            else:
                changes.append((self.cell_path(row, col), None))
        self.session.set_values(changes, "清除内容")

    def copy_text(self, top: int, left: int, bottom: int, right: int) -> str:
        lines = []
        for row in range(top, bottom + 1):
            cells = []
            for col in range(left, right + 1):
                spec = self.columns[col]
                if self.is_totals_row(row):
                    cells.append(self.display_text(row, col).replace(",", ""))
                elif spec.kind == "bool":
                    cells.append("是" if self.value(row, col) else "否")
                elif spec.kind == "enum" or spec.kind.startswith("derived"):
                    cells.append(self.display_text(row, col).replace(",", "") if spec.kind == "derived-number"
                                 else self.display_text(row, col))
                else:
                    cells.append(edit_text(spec.kind, self.value(row, col)).replace("\t", " ").replace("\n", " "))
            lines.append("\t".join(cells))
        return "\n".join(lines)

    def paste_block(self, top: int, left: int, grid: list[list[str]]) -> list[str]:
        """Paste a block copied from Excel/WPS at (top, left) as one undoable step.

        Good cells are written; bad cells are left as they were and returned as Chinese messages.
        Rows beyond the end are added when the table can grow.
        """
        errors: list[str] = []
        changes: list[tuple[tuple, Any]] = []
        new_rows: list[Any] = []
        for r, cells in enumerate(grid):
            row = top + r
            fresh = None
            if row >= self._count:
                if not self.can_add:
                    errors.append(f"第{row + 1}行：表格行数固定，超出部分未粘贴")
                    break
                fresh = self.new_row()
            for c, text in enumerate(cells):
                col = left + c
                if col >= len(self.columns):
                    if text.strip():
                        errors.append(f"第{row + 1}行第{col + 1}列：超出表格列数，未粘贴")
                    continue
                spec = self.columns[col]
                if not spec.editable or (fresh is None and not self.cell_enabled(row, col)):
                    # a copied block often includes computed columns: same value is fine, others are reported
                    shown = "" if fresh is not None else self.display_text(row, col).replace(",", "")
                    if text.strip() and text.strip().replace(",", "") != shown:
                        errors.append(f"第{row + 1}行“{spec.header}”不能在此填写，未粘贴")
                    continue
                try:
                    value = self.parse_cell(col, text)
                except NumberError as exc:
                    errors.append(f"第{row + 1}行“{spec.header}”：{exc.message}")
                    continue
                if fresh is not None:
                    if spec.attr is None:
                        fresh = value if value is not None else ""
                    elif value is not None or spec.kind != "text":
                        setattr(fresh, spec.attr, value)
                else:
                    path = self.cell_path(row, col)
                    if spec.kind == "text" and value is None:
                        value = "" if self.session.get(path) is not None else None
                    changes.append((path, value))
            if fresh is not None:
                new_rows.append(fresh)
        from .session import InsertEdit, SetEdit, same_value
        edits = [SetEdit(path, self.session.get(path), value) for path, value in changes
                 if not same_value(self.session.get(path), value)]
        edits += [InsertEdit(self.list_path, self._count + i, item) for i, item in enumerate(new_rows)]
        if edits:
            self.session.push(edits, "粘贴")
        return errors


def parse_clipboard(text: str) -> list[list[str]]:
    """Excel/WPS put a block on the clipboard as tab-separated lines (cells with line breaks quoted)."""
    rows: list[list[str]] = []
    cell, row, quoted, i = "", [], False, 0
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1:i + 2] == '"':
                cell += '"'
                i += 1
            elif ch == '"':
                quoted = False
            else:
                cell += ch
        elif ch == '"' and cell == "":
            quoted = True
        elif ch == "\t":
            row.append(cell)
            cell = ""
        elif ch == "\n":
            row.append(cell)
            rows.append(row)
            cell, row = "", []
        else:
            cell += ch
        i += 1
    if cell or row:
        row.append(cell)
        rows.append(row)
    return rows


# --- delegate and view --------------------------------------------------------------------

class CellDelegate(QStyledItemDelegate):
    """Editors by column kind; a refused entry keeps the editor open with the message beside it."""

    def __init__(self, view: "SheetView"):
        super().__init__(view)
        self.view = view
        self.last_refusal: str | None = None

    def _spec(self, index) -> Column:
        return index.model().columns[index.column()]

    def createEditor(self, parent, option, index):
        spec = self._spec(index)
        if spec.kind == "enum":
            combo = QComboBox(parent)
            combo.addItem("", None)
            for code in spec.values:
                combo.addItem(spec.labels.get(code, code), code)
            # a choice is the whole edit: take it at once (not only when the cell is left)
            combo.activated.connect(lambda _i, c=combo: self._combo_chosen(c))
            if getattr(self.view, "edit_trigger", None) in (QAbstractItemView.EditTrigger.DoubleClicked,
                                                            QAbstractItemView.EditTrigger.SelectedClicked):
                QTimer.singleShot(0, combo.showPopup)  # a click on the cell opens the list, not a closed box
            return combo
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.installEventFilter(self)
        if spec.numeric:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            editor.setFont(theme.digits_font())  # the family only: the size is the table's
            # 合计, 执行率, scores and the header total follow the number while it is typed
            model, row, col = index.model(), index.row(), index.column()
            TypingPreview(model.session, editor, model.cell_path(row, col), lambda text: model.parse_cell(col, text))
        return editor

    def _combo_chosen(self, combo: QComboBox):
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            value = index.data(EDIT_ROLE)
            position = editor.findData(value)
            editor.setCurrentIndex(max(0, position))
            return
        editor.setText(index.data(EDIT_ROLE) or "")

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), EDIT_ROLE)
            return
        self.last_refusal = None
        messages = []
        session = model.session
        session.refused.connect(messages.append)
        try:
            model.setData(index, editor.text(), EDIT_ROLE)
        finally:
            session.refused.disconnect(messages.append)
        if messages:
            self.last_refusal = messages[-1]
            self.view.show_refusal(messages[-1])

    def eventFilter(self, editor, event):
        if event.type() == QEvent.Type.KeyPress and isinstance(editor, QLineEdit):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.setModelData(editor, self.view.model(), self.view.currentIndex())
                if self.last_refusal:
                    QToolTip.showText(editor.mapToGlobal(QPoint(0, editor.height())), self.last_refusal, editor)
                    return True
                self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
                self.view.enter_down()
                return True
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                # Excel: Tab takes the value and moves right (Shift+Tab left), without opening the next cell
                self.setModelData(editor, self.view.model(), self.view.currentIndex())
                if self.last_refusal:
                    return True
                self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
                self.view.move_cursor(0, -1 if key == Qt.Key.Key_Backtab else 1)
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not event.modifiers():
                # Excel: arrows leave the cell and move, the typed value kept
                self.setModelData(editor, self.view.model(), self.view.currentIndex())
                if self.last_refusal:
                    return True
                self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
                step = -1 if key == Qt.Key.Key_Up else 1
                self.view.move_cursor(step, 0)
                return True
        return super().eventFilter(editor, event)


class SheetView(QTableView):
    """A table that behaves like Excel: Enter moves down, typing replaces, Delete clears, Ctrl+C/V blocks."""

    refusal = Signal(str)
    pasted = Signal(list)   # error messages of the last paste

    def __init__(self, model: RowsModel, parent=None, max_visible_rows: int = 12, lines: int = 1):
        super().__init__(parent)
        self.max_visible_rows = max_visible_rows
        self.lines = lines  # rows of long texts (indicator names) are two lines tall, wrapped
        self.fresh_row: tuple[int, int] | None = None  # (row, undo index) of the line Enter opened
        self.setModel(model)
        self.setItemDelegate(CellDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setTabKeyNavigation(True)
        self.setWordWrap(lines > 1)
        self.setAlternatingRowColors(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        model.modelReset.connect(self._on_model_reset)
        self._pending_figures: list[tuple[int, int, int, int]] = []
        model.dataChanged.connect(self._figures_changed)
        self.verticalScrollBar().valueChanged.connect(lambda _value: self._on_model_reset(refit=False))
        # a scroll bar appearing under the rows takes their room: the table grows by its height
        self.horizontalScrollBar().rangeChanged.connect(lambda _low, high: self._refit_for_scroll_bar(high > 0))
        self._fitted_with_scroll_bar = False
        self.apply_widths()

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # widths, row heights and height from the new font
            for header in (self.horizontalHeader(), self.verticalHeader()):
                header.setFont(self.font())  # (polished children keep their own font under the style sheet)
            self.apply_widths()

    def model(self) -> RowsModel:  # type: ignore[override]
        return super().model()

    def edit(self, index, trigger=None, event=None):  # type: ignore[override]
        if trigger is None:
            return super().edit(index)
        self.edit_trigger = trigger  # the delegate opens a choice list at once when the cell was clicked
        return super().edit(index, trigger, event)

    def apply_widths(self):
        """Column widths, row heights and the table's size from the current font (again after A＋/A－)."""
        header = self.horizontalHeader()
        stretch = False
        for col, spec in enumerate(self.model().columns):
            if spec.width:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                self.setColumnWidth(col, self.column_width(col))
            else:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
                stretch = True
        if not stretch:
            header.setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(self.row_height())
        self.fit_height()

    def header_width(self, col: int) -> int:
        """The header's text whole, inside the style sheet's padding."""
        spec = self.model().columns[col]
        metrics = self.fontMetrics()
        text = max(metrics.horizontalAdvance(line) for line in (spec.shown_header or spec.header).splitlines()) + 18
        return max(text, self.horizontalHeader().sectionSizeHint(col))

    def column_width(self, col: int) -> int:
        """A fixed column: ``spec.width`` digits, its header, its choices, and every figure it shows, whole."""
        spec = self.model().columns[col]
        metrics = self.fontMetrics()
        digits = self.figure_metrics()[0] if self.is_figure_column(col) else metrics
        width = max(digits.horizontalAdvance("8") * spec.width + 12, self.header_width(col))
        if spec.kind == "enum" and spec.values:  # "满意度指标" on one line, the list's arrow beside it
            width = max(width, max(metrics.horizontalAdvance(spec.labels.get(v, v)) for v in spec.values) + 34)
        if self.is_figure_column(col):
            width = max(width, self.figures_width(col, self.rows_in_sight()))
        return width

    def is_figure_column(self, col: int) -> bool:
        spec = self.model().columns[col]
        return bool(spec.width) and (spec.numeric or spec.kind == "derived-number" or spec.total)

    def figure_metrics(self) -> tuple[QFontMetrics, QFontMetrics]:
        """The figures' metrics at the table's size: plain, and bold as in the 合计 row."""
        return (QFontMetrics(theme.digits_font().resolve(self.font())),
                QFontMetrics(theme.digits_font(bold=True).resolve(self.font())))

    def figures_width(self, col: int, rows) -> int:
        """Room for the longest figure of ``rows`` in column ``col`` (digits are of equal width: the longest
        text is the widest), inside the cell's text margins."""
        model = self.model()
        plain, bold = "", ""
        for row in rows:
            text = model.display_text(row, col)
            if model.is_totals_row(row):
                bold = max(bold, text, key=len)
            else:
                plain = max(plain, text, key=len)
        plain_metrics, bold_metrics = self.figure_metrics()
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1
        return max(plain_metrics.horizontalAdvance(plain), bold_metrics.horizontalAdvance(bold)) + 2 * margin + 6

    def rows_in_sight(self) -> list[int]:
        """The rows the table shows at its scroll position (it is at most ``max_visible_rows`` tall) and its
        合计 row: only their figures are measured, a table of 1,000 indicators costs no more than one of 10."""
        model = self.model()
        count, data_rows = model.rowCount(), model._count
        top = min(max(self.rowAt(0), 0), max(data_rows - 1, 0))
        rows = list(range(top, min(top + self.max_visible_rows + 1, data_rows)))
        return rows + list(range(data_rows, count))  # the 合计 row

    def _on_model_reset(self, refit: bool = True):
        if refit:
            self.fit_height()
        model = self.model()  # new rows, or rows scrolled into sight: their figures may be longer
        self._figures_changed(model.index(0, 0), model.index(model.rowCount() - 1, model.columnCount() - 1))

    def _figures_changed(self, top_left, bottom_right, _roles=()):
        """A figure typed or computed may be longer than its column: widen it (after the event loop turns,
        once for all the changes of one edit)."""
        if not top_left.isValid():
            return
        if not self._pending_figures:
            QTimer.singleShot(0, self, self._widen_for_figures)
        self._pending_figures.append((top_left.row(), bottom_right.row(), top_left.column(), bottom_right.column()))

    def _widen_for_figures(self):
        pending, self._pending_figures = self._pending_figures, []
        in_sight = self.rows_in_sight()
        widened = False
        for top, bottom, left, right in pending:
            rows = [row for row in in_sight if top <= row <= bottom]
            for col in range(left, min(right + 1, self.model().columnCount())):
                if rows and self.is_figure_column(col):
                    needed = self.figures_width(col, rows)
                    if needed > self.columnWidth(col):
                        self.setColumnWidth(col, needed)
                        widened = True
        if widened:
            self.fit_width()

    def row_height(self) -> int:
        """Lines of the table's font, or of the bold figures of the 合计 row if they are taller."""
        figures = QFontMetrics(theme.digits_font(bold=True).resolve(self.font()))
        return max(self.fontMetrics().lineSpacing(), figures.lineSpacing()) * self.lines + 10

    def stretch_minimum(self, col: int) -> int:
        """A column that takes the remaining space keeps room for a few characters (a name, on two lines)
        and for its header."""
        return max(self.fontMetrics().horizontalAdvance("国") * STRETCH_MIN_CHARS + 12, self.header_width(col))

    def fit_width(self):
        """Never narrower than its columns: at the largest font sizes the step page scrolls sideways rather
        than squeezing a name column to two characters or hiding the 合计 row under a scroll bar."""
        header = self.horizontalHeader()
        width = 2 * self.frameWidth()
        stretched = []
        for col, spec in enumerate(self.model().columns):
            if not header.isSectionHidden(col):
                if spec.width:  # (a last section stretched to the edge counts at its own width)
                    stretched_last = header.stretchLastSection() and col == header.count() - 1
                    width += self.column_width(col) if stretched_last else self.columnWidth(col)
                else:
                    stretched.append(self.stretch_minimum(col))
        if stretched:  # the header shares the room equally among stretched columns
            width += len(stretched) * max(stretched)
        if not self.verticalHeader().isHidden():
            width += max(self.verticalHeader().minimumWidth(), self.verticalHeader().sizeHint().width())
        if self.model().rowCount() > self.visible_rows():
            width += self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(width)

    def visible_rows(self) -> int:
        """Rows the table is tall enough for: every row up to ``max_visible_rows``, and the 合计 row below them."""
        model = self.model()
        totals = model.rowCount() - model._count
        return max(min(model._count, self.max_visible_rows) + totals, 2)

    def fit_height(self):
        self.fit_width()
        height = (self.horizontalHeader().sizeHint().height() + self.visible_rows() * self.row_height()
                  + 2 * self.frameWidth() + 4)
        self._fitted_with_scroll_bar = self.horizontalScrollBar().maximum() > 0
        if self._fitted_with_scroll_bar:
            height += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(height)

    def _refit_for_scroll_bar(self, needed: bool):
        if needed != self._fitted_with_scroll_bar:
            QTimer.singleShot(0, self, self.fit_height)  # not inside the view's own geometry update

    # --- Excel-like keys ------------------------------------------------------------------
    def move_cursor(self, drow: int, dcol: int):
        current = self.currentIndex()
        if not current.isValid():
            return
        row = min(max(current.row() + drow, 0), self.model().rowCount() - 1)
        col = min(max(current.column() + dcol, 0), self.model().columnCount() - 1)
        self.setCurrentIndex(self.model().index(row, col))

    def enter_down(self):
        """Enter moves down. In a one-column list (职责, 内设机构) Enter on the last filled line opens the
        next line, as Word's numbered list does: otherwise the next item typed would overwrite this one.
        The new line is dropped again if it is left empty (see ``drop_fresh_row``)."""
        model, current = self.model(), self.currentIndex()
        if (current.isValid() and model.can_add and current.row() == model._count - 1
                and len([c for c in model.columns if c.editable]) == 1 and not model.row_is_empty(current.row())):
            at = model.insert_row(model._count)
            self.fresh_row = (at, model.session.undo_stack.index())
            self.setCurrentIndex(model.index(at, current.column()))
            self.reveal_current()
            return
        self.move_cursor(1, 0)

    def drop_fresh_row(self) -> bool:
        """Take back the line Enter opened when nothing was typed in it (and nothing else done since)."""
        fresh, self.fresh_row = self.fresh_row, None
        if fresh is None:
            return False
        model = self.model()
        row, command = fresh
        session = model.session
        if row != model._count - 1 or not model.row_is_empty(row) or session.undo_stack.index() != command:
            return False
        session.undo_quietly()
        return True

    def focusOutEvent(self, event):
        focus = QApplication.focusWidget()
        to_editor = focus not in (None, self) and focus.isVisible() and self.isAncestorOf(focus)  # a cell editor
        elsewhere = event.reason() in (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)
        if not to_editor and not elsewhere:  # (away to Excel to copy the next item: the line stays)
            self.drop_fresh_row()
        super().focusOutEvent(event)

    def reveal_current(self):
        """Scroll the step page so the current cell (a new row at the bottom) is in sight."""
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is None or area.widget() is None:
            return

        def show():
            index = self.currentIndex()
            if not index.isValid():
                return
            self.scrollTo(index)
            rect = self.visualRect(index)
            centre = self.viewport().mapTo(area.widget(), rect.center())
            area.ensureVisible(centre.x(), centre.y(), 40, rect.height() + 40)
        QTimer.singleShot(0, show)  # after the table has grown to its new height

    def keyPressEvent(self, event):
        key, mods = event.key(), event.modifiers()
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_from_clipboard()
            return
        if self.state() != QAbstractItemView.State.EditingState:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods:
                self.enter_down()
                return
            if key == Qt.Key.Key_Delete and not mods:
                self.clear_selection()
                return
            if key == Qt.Key.Key_Insert:
                self.add_row()
                return
            if key == Qt.Key.Key_Delete and mods & Qt.KeyboardModifier.ControlModifier:
                self.remove_selected_rows()
                return
            if key == Qt.Key.Key_Space and not mods:
                index = self.currentIndex()
                if index.isValid() and self.model().flags(index) & Qt.ItemFlag.ItemIsUserCheckable:
                    checked = index.data(CHECK_ROLE) == Qt.CheckState.Checked
                    self.model().setData(index, not checked, CHECK_ROLE)
                    return
        super().keyPressEvent(event)

    def selected_cells(self) -> list[tuple[int, int]]:
        cells = {(i.row(), i.column()) for i in self.selectedIndexes()}
        if not cells and self.currentIndex().isValid():
            cells = {(self.currentIndex().row(), self.currentIndex().column())}
        return sorted(cells)

    def selected_rows(self) -> list[int]:
        return sorted({row for row, _ in self.selected_cells()})

    def clear_selection(self):
        self.model().clear_cells(self.selected_cells())

    def copy_selection(self):
        cells = self.selected_cells()
        if not cells:
            return
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        QGuiApplication.clipboard().setText(self.model().copy_text(min(rows), min(cols), max(rows), max(cols)))

    def paste_from_clipboard(self):
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> list[str]:
        grid = parse_clipboard(text)
        if not grid:
            return []
        current = self.currentIndex()
        top = current.row() if current.isValid() else 0
        left = current.column() if current.isValid() else 0
        cells = self.selected_cells()
        if cells:
            top, left = min(r for r, _ in cells), min(c for _, c in cells)
        if self.model().is_totals_row(top):
            top = self.model()._count
        errors = self.model().paste_block(top, left, grid)
        self.pasted.emit(errors)
        if errors:
            self.show_refusal(f"有{len(errors)}个单元格未粘贴：" + "；".join(errors[:3]) + ("……" if len(errors) > 3 else ""))
        return errors

    def show_refusal(self, message: str):
        self.refusal.emit(message)

    # --- rows -----------------------------------------------------------------------------
    def add_row(self):
        model = self.model()
        if not model.can_add:
            return
        current = self.currentIndex()
        if self.fresh_row is not None and current.isValid() and current.row() == self.fresh_row[0] \
                and model.row_is_empty(current.row()):
            self.fresh_row = None  # the empty line Enter opened is the new row
            self.setFocus()
            return
        at = current.row() + 1 if current.isValid() and current.row() < model._count else model._count
        at = model.insert_row(at)
        self.setCurrentIndex(model.index(at, 0))
        self.setFocus()
        self.reveal_current()

    def remove_selected_rows(self):
        model = self.model()
        if not model.can_add:
            return
        rows = [r for r in self.selected_rows() if r < model._count]
        if not rows:
            return
        model.remove_rows(rows)
        if model._count:
            self.setCurrentIndex(model.index(min(rows[0], model._count - 1), 0))

    def move_selected(self, delta: int):
        model = self.model()
        current = self.currentIndex()
        if not model.can_add or not current.isValid():
            return
        target = model.move_row(current.row(), delta)
        self.setCurrentIndex(model.index(target, current.column()))

    def select_cell(self, row: int, col: int):
        index = self.model().index(row, col)
        self.setCurrentIndex(index)
        self.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(index)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _menu(self, pos):
        menu = QMenu(self)
        model = self.model()
        if model.can_add:
            menu.addAction("在下方插入行\tInsert", self.add_row)
            menu.addAction("删除所选行\tCtrl+Delete", self.remove_selected_rows)
            menu.addAction("上移", lambda: self.move_selected(-1))
            menu.addAction("下移", lambda: self.move_selected(1))
            menu.addSeparator()
        menu.addAction("复制\tCtrl+C", self.copy_selection)
        menu.addAction("粘贴\tCtrl+V", self.paste_from_clipboard)
        menu.addAction("清除内容\tDelete", self.clear_selection)
        menu.exec(self.viewport().mapToGlobal(pos))


class TableSection(QWidget):
    """A table with its buttons (新增 / 删除 / 上移 / 下移 / 粘贴) and a line for refused entries."""

    def __init__(self, model: RowsModel, parent=None, add_text: str = "＋ 新增", max_visible_rows: int = 12,
                 extra_buttons: list[QPushButton] | None = None, hint: str = "", lines: int = 1):
        super().__init__(parent)
        self.model = model
        self.view = SheetView(model, self, max_visible_rows=max_visible_rows, lines=lines)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        # a detail table (a project's goals) has no rows until its master row is chosen: the buttons are
        # there from the start and enabled while there is a list to add to
        if model.fixed_rows is None and model.new_row is not None:
            for key, text, slot, tip in (("add", add_text, self.view.add_row, "在当前行下方新增一行（Insert）"),
                                         ("remove", "删除", self._confirm_remove, "删除所选行（Ctrl+Delete），可撤销"),
                                         ("up", "上移", lambda: self.view.move_selected(-1), "把当前行上移"),
                                         ("down", "下移", lambda: self.view.move_selected(1), "把当前行下移")):
                button = QPushButton(text, self)
                button.setToolTip(tip)
                button.clicked.connect(slot)
                bar.addWidget(button)
                self.buttons[key] = button
        for button in extra_buttons or []:
            bar.addWidget(button)
        paste = QPushButton("从Excel粘贴", self)
        paste.setToolTip("先在Excel或WPS中复制一块单元格，再点这里（或在表格中按Ctrl+V）")
        paste.clicked.connect(self.view.paste_from_clipboard)
        bar.addWidget(paste)
        self.buttons["paste"] = paste
        for button in list(self.buttons.values()) + list(extra_buttons or []):
            # the style's 80-pixel minimum let two tables side by side (内设机构 | 机构) overflow the page:
            # a button may shrink to its text
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + 20)
        if hint:
            label = QLabel(hint, self)
            label.setObjectName("hint")
            bar.addWidget(label)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self.refusal = QLabel(self)
        self.refusal.setObjectName("refusal")
        self.refusal.setWordWrap(True)
        self.refusal.hide()
        layout.addWidget(self.refusal)
        self.view.refusal.connect(self._show_refusal)
        model.session.changed.connect(lambda _c: self.refusal.hide())
        model.modelReset.connect(self._enable_buttons)
        self._enable_buttons()

    def _enable_buttons(self):
        for key in ("add", "remove", "up", "down", "paste"):
            if key in self.buttons:
                self.buttons[key].setEnabled(self.model.list_path is not None)

    def _show_refusal(self, message: str):
        self.refusal.setText("✖ " + message)
        self.refusal.show()

    def _confirm_remove(self):
        rows = [r for r in self.view.selected_rows() if r < self.model._count]
        if not rows:
            return
        answer = QMessageBox.question(self, "删除行", f"删除所选的{len(rows)}行？删除后可按 Ctrl+Z 撤销。",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.view.remove_selected_rows()
