"""Start-up check of the database and the 备份与恢复 dialog (Qt over models.backup).

``check_database_on_start`` runs before the store is opened: a damaged file is set aside (never
deleted) and the newest good backup offered. ``open_store_with_recovery`` wraps that with the
other refusals of opening (another copy holds the file, a newer schema). ``RestoreDialog`` lists
the backups, takes one now, sets how many are kept and restores the chosen one.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QMessageBox, QPushButton, QSpinBox, QTableView, QVBoxLayout, QWidget)

from models import backup

from .listmodel import ReadOnlyRowsModel


def _when(info: backup.BackupInfo) -> str:
    moment = info.created  # (no CJK inside strftime: it goes through the C library's locale on Windows)
    return f"{moment.year}年{moment.month:02d}月{moment.day:02d}日 {moment:%H:%M}"


def _count(info: backup.BackupInfo) -> str:
    return "无法读取" if info.report_count is None else f"{info.report_count}份报告"


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def _box(parent, icon, title: str, text: str, detail: str = "") -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    box.setTextFormat(Qt.TextFormat.PlainText)  # paths and names are shown as they are, never as markup
    return box


def _tell(parent, icon, title: str, text: str, detail: str = "") -> None:
    """A message with one 确定 button (not Qt's "OK", whatever translations are installed)."""
    box = _box(parent, icon, title, text, detail)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole).setObjectName("ok")
    box.exec()


def check_database_on_start(parent: QWidget | None, db_path: Path) -> Path | None:
    """Quick-check ``db_path`` before opening it. Returns the path to open, or None to quit.

    A damaged file: the clerk is told in plain words and offered the newest good backup; the
    damaged file is renamed aside (``<name>.corrupt-<time>``) in the same folder, never deleted.
    With no usable backup the clerk may start with an empty database (the damaged one kept).
    """
    db_path = Path(db_path)
    checked = backup.check_database(db_path)
    if checked.ok:
        return db_path
    if checked.status == "unreadable":
        _tell(parent, QMessageBox.Icon.Critical, "无法打开数据库",
             f"无法读取保存报告的数据库文件：\n{db_path}",
             "请确认文件没有被其他程序（如杀毒软件、同步盘）占用，然后重新打开自评通。")
        return None

    newest = backup.newest_good_backup(db_path)
    if newest is not None:
        box = _box(parent, QMessageBox.Icon.Warning, "数据库文件已损坏",
                   "保存报告的数据库文件已损坏，无法打开。\n这通常是在保存时断电或强行关机造成的。",
                   f"最近一份完好的备份是 {_when(newest)} 的（{_count(newest)}）。\n"
                   "用它恢复后，在这之后所做的修改将不在其中。\n\n"
                   "损坏的文件不会被删除，会改名后保留在原来的文件夹中。")
        restore = box.addButton("用备份恢复", QMessageBox.ButtonRole.AcceptRole)
        restore.setObjectName("restoreBackup")
        quit_button = box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quit")
        box.setDefaultButton(restore)
        box.exec()
        if box.clickedButton() is not restore:
            return None
        try:
            result = backup.restore(db_path, newest.path)
        except backup.BackupError as exc:
            _tell(parent, QMessageBox.Icon.Critical, "恢复失败", exc.message)
            return None
        kept = f"损坏的文件已保留为：\n{result.aside}" if result.aside else ""
        _tell(parent, QMessageBox.Icon.Information, "已从备份恢复",
             f"已用 {_when(newest)} 的备份恢复了数据库（{_count(newest)}）。", kept)
        return db_path

    box = _box(parent, QMessageBox.Icon.Warning, "数据库文件已损坏",
               "保存报告的数据库文件已损坏，无法打开，而且没有可用的备份。",
               "可以新建一个空的数据库继续使用（损坏的文件会改名保留，不会删除，可交给技术人员尝试修复），"
               "或者先退出。\n\n如有以前导出的提交包，可在新建后用“导入”找回报告。")
    fresh = box.addButton("新建空数据库", QMessageBox.ButtonRole.AcceptRole)
    fresh.setObjectName("startEmpty")
    quit_button = box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    quit_button.setObjectName("quit")
    box.setDefaultButton(quit_button)
    box.exec()
    if box.clickedButton() is not fresh:
        return None
    from models import lock
    if lock.is_locked_elsewhere(db_path):
        _tell(parent, QMessageBox.Icon.Warning, "数据库正在使用",
             lock.DatabaseInUse(db_path).message)
        return None
    try:
        aside = backup.move_aside(db_path, "corrupt")
    except OSError as exc:
        _tell(parent, QMessageBox.Icon.Critical, "无法处理损坏的文件", f"无法将损坏的文件改名保留：{backup.describe_os_error(exc)}")
        return None
    _tell(parent, QMessageBox.Icon.Information, "已新建空数据库", f"损坏的文件已保留为：\n{aside}")
    return db_path


def open_store_with_recovery(parent: QWidget | None, db_path: Path):
    """The Store for ``db_path`` after the start-up check, or None (the clerk was told why)."""
    from models.store import DatabaseCorrupt, Store, StoreError, StoreInUse
    path = check_database_on_start(parent, db_path)
    if path is None:
        return None
    try:
        return Store(path)
    except StoreInUse as exc:
        _tell(parent, QMessageBox.Icon.Warning, "数据库正在使用", str(exc))
    except DatabaseCorrupt as exc:  # damaged between the check and the opening: rare, but say so
        _tell(parent, QMessageBox.Icon.Critical, "数据库文件已损坏", str(exc))
    except StoreError as exc:
        _tell(parent, QMessageBox.Icon.Critical, "无法打开数据库", str(exc))
    return None


class BackupListModel(ReadOnlyRowsModel):
    """The backups as rows of the 备份与恢复 dialog (read-only); a damaged backup is shown, not offered."""

    COLUMNS = ("备份时间", "类型", "报告数", "大小")

    @property
    def backups(self) -> list[backup.BackupInfo]:
        return self.rows

    def set_backups(self, backups):
        self.set_rows(backups)

    def flags(self, index):
        if not index.isValid() or not self.rows[index.row()].readable:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def cell(self, info: backup.BackupInfo, col: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return (_when(info), info.kind_label, _count(info), _size(info.size))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and not info.readable:
            return "这个备份文件已损坏，不能用于恢复"
        return None


class RestoreDialog(QDialog):
    """备份与恢复: the backups (time, kind, reports, size), 立即备份, how many to keep, 恢复.

    ``release`` is called just before restoring, to close whatever holds the database open (the
    open report and the Store); after ``exec()`` returns Accepted the caller opens it again.
    ``restored`` then holds the models.backup.RestoreResult.
    """

    COLUMNS = BackupListModel.COLUMNS

    def __init__(self, db_path: Path, parent: QWidget | None = None,
                 release: Callable[[], None] | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.release = release
        self.restored: backup.RestoreResult | None = None
        self.setWindowTitle("备份与恢复")
        self.resize(640, 440)

        layout = QVBoxLayout(self)
        intro = QLabel("自评通每天第一次打开时、以及升级数据库之前，会自动备份全部报告。"
                       "选择一个备份，可以把全部报告恢复到当时的样子；恢复前，当前的数据库会另存一份，不会丢失。", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.model = BackupListModel(parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("backupTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        layout.addWidget(self.table, 1)

        self.empty = QLabel("还没有备份。自评通会在明天第一次打开时自动备份，也可以点“立即备份”。", self)
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)

        row = QHBoxLayout()
        row.addWidget(QLabel("保留最近", self))
        self.keep = QSpinBox(self)
        self.keep.setObjectName("keepBackups")
        self.keep.setRange(backup.MIN_KEEP, backup.MAX_KEEP)
        self.keep.setValue(backup.read_keep(self.db_path))
        self.keep.setSuffix(" 份")
        self.keep.valueChanged.connect(self._keep_changed)
        row.addWidget(self.keep)
        row.addWidget(QLabel("备份，更早的自动删除", self))
        row.addStretch(1)
        self.backup_now = QPushButton("立即备份", self)
        self.backup_now.setObjectName("backupNow")
        self.backup_now.clicked.connect(self.make_backup_now)
        row.addWidget(self.backup_now)
        layout.addLayout(row)

        self.folder = QLabel(f"备份文件夹：{backup.backup_dir(self.db_path)}", self)
        self.folder.setObjectName("hint")
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setWordWrap(True)
        layout.addWidget(self.folder)

        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton("恢复所选备份…", self)
        self.restore_button.setObjectName("primary")  # the style sheet's accent button
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore_selected)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self):
        self.model.set_backups(backup.list_backups(self.db_path))
        self.table.setVisible(bool(self.backups))
        self.empty.setVisible(not self.backups)
        readable = [row for row, info in enumerate(self.backups) if info.readable]
        if readable:
            self.table.selectRow(readable[0])
        self._selection_changed()

    @property
    def backups(self) -> list[backup.BackupInfo]:
        return self.model.backups

    def selected(self) -> backup.BackupInfo | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        info = self.backups[rows.pop()]
        return info if info.readable else None

    def _selection_changed(self):
        self.restore_button.setEnabled(self.selected() is not None)

    def _keep_changed(self, value: int):
        backup.write_keep(self.db_path, value)

    def make_backup_now(self):
        try:
            backup.make_backup(self.db_path, "manual")
            backup.prune(self.db_path, self.keep.value())
        except OSError as exc:
            _tell(self, QMessageBox.Icon.Warning, "备份失败", f"未能备份：{backup.describe_os_error(exc)}")
        except sqlite3.Error:
            _tell(self, QMessageBox.Icon.Warning, "备份失败", "未能备份：数据库读写出错，请稍后再试")
        self.refresh()

    def restore_selected(self):
        info = self.selected()
        if info is None:
            return
        confirm = _box(self, QMessageBox.Icon.Question, "恢复备份",
                       f"用 {_when(info)} 的备份（{_count(info)}）恢复全部报告？",
                       "在这之后所做的修改不在这个备份中。当前的数据库会先另存一份（不会删除），"
                       "需要时仍可找回。")
        go = confirm.addButton("恢复", QMessageBox.ButtonRole.AcceptRole)
        go.setObjectName("confirmRestore")
        confirm.addButton("取消", QMessageBox.ButtonRole.RejectRole).setObjectName("cancel")
        confirm.exec()
        if confirm.clickedButton() is not go:
            return
        if self.release is not None:
            self.release()
        try:
            self.restored = backup.restore(self.db_path, info.path)
        except backup.BackupError as exc:
            _tell(self, QMessageBox.Icon.Critical, "恢复失败", exc.message)
            if self.release is not None:
                self.accept()  # the caller closed its store for us: let it open it again
            return
        kept = f"原来的数据库已另存为：\n{self.restored.aside}" if self.restored.aside else ""
        _tell(self, QMessageBox.Icon.Information, "已恢复", f"已用 {_when(info)} 的备份恢复了全部报告。", kept)
        self.accept()
