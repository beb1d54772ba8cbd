"""The start page: the reports in the store; new, new from last year's, open, import, delete/restore."""
from __future__ import annotations

import datetime as _dt

from decimal import Decimal

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox, QTableView,
                               QVBoxLayout, QWidget)

from models.money import format_decimal
from models.report import YEAR_RANGE

from . import theme
from .fields import ENUM_LABELS
from .listmodel import ReadOnlyRowsModel

COLUMNS = ("单位", "年度", "模板", "状态", "总分", "等次", "最后修改")


def _when(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        moment = _dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.strftime("%Y-%m-%d %H:%M")


class ReportListModel(ReadOnlyRowsModel):
    """The store's report summaries as rows of the start page (read-only)."""

    COLUMNS = COLUMNS
    RIGHT = (1, 4)

    @property
    def summaries(self) -> list:
        return self.rows

    def set_summaries(self, summaries):
        self.set_rows(summaries)

    def cell(self, summary, col: int, role):
        deleted = summary.deleted_at is not None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(summary, col, deleted)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if deleted:
                return QColor("#9aa1ab")
            if col == 3:
                return QColor(theme.ERROR if summary.error_count else theme.OK)
        if role == Qt.ItemDataRole.UserRole:
            return summary.id
        return None

    @staticmethod
    def _text(summary, col: int, deleted: bool) -> str:
        if col == 0:
            return summary.unit_name or "（未填单位名称）"
        if col == 1:
            return f"{summary.year}" if summary.year else ""
        if col == 2:
            return ENUM_LABELS["template"].get(summary.template, summary.template)
        if col == 3:
            return "已删除（可恢复）" if deleted else summary.status
        if col == 4:  # as the header shows it: 99.00
            return format_decimal(Decimal(summary.total_score), places=2) if summary.total_score else "—"
        if col == 5:
            return summary.grade or "—"
        return _when(summary.updated_at)


class NewReportDialog(QDialog):
    """单位名称, 年度, 模板 — or only the year, for a report made from last year's."""

    def __init__(self, parent=None, *, unit: str = "", year: int | None = None, template: str = "hunan",
                 from_previous: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("从上年报告新建" if from_previous else "新建报告")
        layout = QVBoxLayout(self)
        if from_previous:
            note = QLabel(f"以“{from_previous}”为基础新建：复制单位信息、职责、机构、工作任务、项目和绩效指标；"
                          "上年决算数自动带入，本年数字需重新填写。", self)
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        self.unit = QLineEdit(unit, self)
        self.unit.setPlaceholderText("单位全称，如 株洲市芦淞区退役军人事务局")
        self.unit.setMinimumWidth(360)
        self.year = QSpinBox(self)
        self.year.setRange(*YEAR_RANGE)
        self.year.setValue(year or _dt.date.today().year - 1)
        self.year.setSuffix(" 年度")
        self.template = QComboBox(self)
        from models.templates import template_keys
        for key in template_keys():
            self.template.addItem(ENUM_LABELS["template"].get(key, key), key)
        self.template.setCurrentIndex(max(0, self.template.findData(template)))
        if not from_previous:
            form.addRow("单位名称", self.unit)
        form.addRow("评价年度", self.year)
        if not from_previous:
            form.addRow("报告模板", self.template)
        layout.addLayout(form)
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton("新建", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, int, str]:
        return self.unit.text().strip(), self.year.value(), self.template.currentData()


class StartPage(QWidget):
    open_requested = Signal(int)
    new_requested = Signal()
    new_from_last_year_requested = Signal(int)
    import_requested = Signal()
    delete_requested = Signal(int)
    restore_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.setSpacing(10)
        self.title = title = QLabel("自评通 · 部门整体支出绩效自评", self)
        layout.addWidget(title)
        intro = QLabel("选择一份报告继续填写，或新建一份。所有修改随时自动保存在本机。", self)
        intro.setObjectName("hint")
        layout.addWidget(intro)

        bar = QHBoxLayout()
        self.new_button = QPushButton("新建报告…", self)
        self.new_button.setObjectName("primary")
        self.carry_button = QPushButton("从上年报告新建…", self)
        self.carry_button.setToolTip("以所选报告为基础，新建下一年度的报告")
        self.open_button = QPushButton("打开", self)
        self.import_button = QPushButton("导入提交包或数据文件…", self)
        self.delete_button = QPushButton("删除", self)
        self.restore_button = QPushButton("恢复", self)
        self.backup_button = QPushButton("备份与恢复…", self)
        self.backup_button.setToolTip("查看自动备份，立即备份，或把全部报告恢复到某次备份时的样子")
        self.show_deleted = QCheckBox("显示已删除的报告", self)
        for button in (self.new_button, self.carry_button, self.open_button, self.import_button, self.delete_button,
                       self.restore_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.show_deleted)
        bar.addWidget(self.backup_button)
        layout.addLayout(bar)

        self.model = ReportListModel(parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.empty = QLabel("还没有报告。点“新建报告…”开始，或“导入提交包或数据文件…”。", self)
        self.empty.setObjectName("hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty, 1)  # takes the table's room when there is no table: no gaps in between
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        self.new_button.clicked.connect(self.new_requested.emit)
        self.import_button.clicked.connect(self.import_requested.emit)
        self.open_button.clicked.connect(self._open)
        self.carry_button.clicked.connect(lambda: self._with_selected(self.new_from_last_year_requested.emit))
        self.delete_button.clicked.connect(lambda: self._with_selected(self.delete_requested.emit))
        self.restore_button.clicked.connect(lambda: self._with_selected(self.restore_requested.emit))
        self.table.activated.connect(lambda _index: self._open())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self._selection_changed()
        self.apply_font()

    def apply_font(self):
        """The title and the row height from the page's font (again after A＋/A－ in a report)."""
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() + 8)
        font.setBold(True)
        self.title.setFont(font)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            QTimer.singleShot(0, self, self.apply_font)  # after the style sheet has polished the title again

    @property
    def summaries(self) -> list:
        return self.model.summaries

    def show_reports(self, summaries, select_id: int | None = None):
        self.model.set_summaries(summaries)
        self.empty.setVisible(not self.summaries)
        self.table.setVisible(bool(self.summaries))
        if self.summaries:
            row = next((r for r, s in enumerate(self.summaries) if s.id == select_id), 0)
            self.table.selectRow(row)
        self._selection_changed()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.summaries[rows[0].row()].id

    def selected_summary(self):
        rows = self.table.selectionModel().selectedRows()
        return self.summaries[rows[0].row()] if rows else None

    def _with_selected(self, emit):
        report_id = self.selected_id()
        if report_id is not None:
            emit(report_id)

    def _open(self):
        summary = self.selected_summary()
        if summary is not None and summary.deleted_at is None:
            self.open_requested.emit(summary.id)

    def _selection_changed(self):
        summary = self.selected_summary()
        live = summary is not None and summary.deleted_at is None
        for button in (self.open_button, self.carry_button, self.delete_button):
            button.setEnabled(live)
        self.restore_button.setVisible(summary is not None and summary.deleted_at is not None)
