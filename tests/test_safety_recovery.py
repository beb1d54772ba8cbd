"""ui/recovery.py driven for real (offscreen): the start-up check of a damaged database, the
"already open elsewhere" refusal, and the 备份与恢复 dialog."""
from __future__ import annotations

import datetime as _dt
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox

from conftest import hold_database_in_another_process, load_seed

from models import backup
from models.store import Store
from ui.recovery import BackupListModel, RestoreDialog, check_database_on_start, open_store_with_recovery


class Answers:
    """Clicks through the message boxes as they open: a button's objectName, or "ok"."""

    def __init__(self, *names: str):
        self.names = list(names)
        self.seen: list[str] = []
        self._poll()

    def _poll(self):
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible() and widget not in getattr(self, "_done", []):
                self._done = getattr(self, "_done", []) + [widget]
                self.seen.append(f"{widget.windowTitle()}|{widget.text()}|{widget.informativeText()}")
                name = self.names.pop(0) if self.names else "ok"
                button = widget.buttons()[0] if name == "ok" else widget.findChild(QAbstractButton, name)
                assert button is not None, (name, self.seen[-1])
                QTimer.singleShot(0, button.click)
                break
        if self.names or not self.seen:
            QTimer.singleShot(20, self._poll)


def reports_in(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM report").fetchone()[0]
    finally:
        conn.close()


def damaged_db_with_backup(db_path: Path, with_backup: bool = True) -> bytes:
    with Store(db_path) as store:
        store.create(load_seed("001"))
        store.create(load_seed("004"))
    if with_backup:
        backup.make_backup(db_path, "manual")
    with Store(db_path) as store:
        store.create(load_seed("000"))
    with open(db_path, "r+b") as handle:
        handle.truncate(db_path.stat().st_size // 2)
    return db_path.read_bytes()


def test_a_healthy_database_opens_without_a_question(qtbot, db_path):
    with Store(db_path) as store:
        store.create(load_seed("001"))
    assert check_database_on_start(None, db_path) == db_path
    assert check_database_on_start(None, db_path.with_name("new.sqlite3")) == db_path.with_name("new.sqlite3")


def test_a_damaged_database_is_restored_from_the_newest_good_backup(qtbot, db_path):
    damaged = damaged_db_with_backup(db_path)
    answers = Answers("restoreBackup", "ok")
    assert check_database_on_start(None, db_path) == db_path
    assert "数据库文件已损坏" in answers.seen[0] and "断电" in answers.seen[0] and "2份报告" in answers.seen[0]
    assert "不会被删除" in answers.seen[0]
    assert "已从备份恢复" in answers.seen[1] and ".corrupt-" in answers.seen[1]
    assert reports_in(db_path) == 2
    [aside] = list(db_path.parent.glob("reports.sqlite3.corrupt-*"))
    assert aside.read_bytes() == damaged


def test_quitting_leaves_the_damaged_file_untouched(qtbot, db_path):
    damaged = damaged_db_with_backup(db_path)
    answers = Answers("quit")
    assert check_database_on_start(None, db_path) is None
    assert answers.seen and db_path.read_bytes() == damaged
    assert not list(db_path.parent.glob("*.corrupt-*"))


def test_without_a_backup_the_clerk_may_start_empty_and_the_bad_file_is_kept(qtbot, db_path):
    damaged = damaged_db_with_backup(db_path, with_backup=False)
    for stray in backup.list_backups(db_path):  # (the daily one of this morning)
        stray.path.unlink()
    answers = Answers("startEmpty", "ok")
    assert check_database_on_start(None, db_path) == db_path
    assert "没有可用的备份" in answers.seen[0]
    [aside] = list(db_path.parent.glob("reports.sqlite3.corrupt-*"))
    assert aside.read_bytes() == damaged
    with Store(db_path) as store:
        assert store.list_reports() == []


def test_a_database_open_in_another_copy_is_refused_with_a_message(qtbot, db_path, tmp_path):
    Store(db_path).close()
    child = hold_database_in_another_process(db_path, tmp_path)
    try:
        answers = Answers("ok")
        assert open_store_with_recovery(None, db_path) is None
        assert "数据库正在使用" in answers.seen[0] and "另一个自评通窗口" in answers.seen[0]
    finally:
        child.kill()
        child.wait(10)
    store = open_store_with_recovery(None, db_path)
    assert store is not None
    store.close()


def test_backup_list_model_rows_and_damaged_backups(qapp, tmp_path):
    model = BackupListModel()
    model.set_backups([
        backup.BackupInfo(tmp_path / "a.sqlite3", _dt.datetime(2024, 3, 5, 9, 7), "daily", 3 * 1024 * 1024 + 1, 4),
        backup.BackupInfo(tmp_path / "b.sqlite3", _dt.datetime(2023, 12, 31, 23, 59), "manual", 300, None)])
    assert model.rowCount() == 2 and model.columnCount() == 4
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["备份时间", "类型", "报告数", "大小"]
    assert [model.index(0, c).data() for c in range(4)] == ["2024年03月05日 09:07", "每日自动备份", "4份报告", "3.0 MB"]
    assert [model.index(1, c).data() for c in range(4)] == ["2023年12月31日 23:59", "手动备份", "无法读取", "1 KB"]
    assert model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert not model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole)
    # a damaged backup is shown but can be neither selected nor restored
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert model.flags(model.index(1, 0)) == Qt.ItemFlag.NoItemFlags
    assert "已损坏" in model.index(1, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) is None


def test_restore_dialog_lists_restores_and_keeps_the_current_file(qtbot, db_path):
    with Store(db_path) as store:
        store.create(load_seed("001"))
    older = backup.make_backup(db_path, "manual")
    store = Store(db_path)
    store.create(load_seed("004"))
    backup.make_backup(db_path, "manual")
    store.create(load_seed("000"))

    released = []

    def release():
        released.append(True)
        store.close()

    dialog = RestoreDialog(db_path, release=release)
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.model
    rows = [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]
    assert [row[2] for row in rows] == ["2份报告", "1份报告"]
    assert all(row[1] == "手动备份" and row[0].count("年") == 1 for row in rows)
    assert dialog.restore_button.isEnabled()  # the newest is selected

    dialog.backup_now.click()  # a backup now, with the store still open
    assert model.rowCount() == 3 and model.index(0, 2).data() == "3份报告"

    dialog.keep.setValue(5)
    assert backup.read_keep(db_path) == 5

    dialog.table.selectRow(2)  # the oldest: one report
    assert dialog.selected().path == older
    answers = Answers("confirmRestore", "ok")
    dialog.restore_selected()
    assert "1份报告" in answers.seen[0] and "另存" in answers.seen[0]
    assert dialog.result() == QDialog.DialogCode.Accepted and released == [True]
    assert reports_in(db_path) == 1
    assert reports_in(dialog.restored.aside) == 3  # the replaced database, whole, beside it


def test_restore_dialog_cancel_changes_nothing(qtbot, db_path):
    with Store(db_path) as store:
        store.create(load_seed("001"))
    backup.make_backup(db_path, "manual")
    with Store(db_path) as store:
        store.create(load_seed("004"))
    dialog = RestoreDialog(db_path)
    qtbot.addWidget(dialog)
    answers = Answers("cancel")
    dialog.restore_selected()
    assert answers.seen and dialog.restored is None
    assert reports_in(db_path) == 2


def test_restore_dialog_without_backups_says_so(qtbot, db_path):
    Store(db_path).close()
    dialog = RestoreDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.empty.isVisible() and not dialog.table.isVisible()
    assert not dialog.restore_button.isEnabled()
