"""The start page's 备份与恢复 and the damaged-database path, through the main window."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QMessageBox

from conftest import seed_path
from models import backup
from test_ui_wizard import window  # noqa: F401  (fixture)
from ui import recovery
from ui.app import MainWindow


def click_in_message_boxes(monkeypatch, *names):
    """Answer every message box by clicking its button named in ``names`` (the first one it has)."""
    shown = []

    def answer(box):
        shown.append(box.text())
        for name in names:
            button = box.findChild(QAbstractButton, name)
            if button is not None:
                button.click()
                break
        return 0
    monkeypatch.setattr(QMessageBox, "exec", answer)
    return shown


def test_backup_button_restores_every_report(qtbot, window, monkeypatch):
    window.import_path(seed_path("001"))
    window.close_report()
    backup.make_backup(window.db_path, "manual")
    for summary in window.store.list_reports():
        window.store.purge(summary.id)
    window.refresh_list()
    assert window.start.model.rowCount() == 0

    def choose_newest_and_restore(dialog):
        dialog.table.selectRow(0)
        dialog.restore_selected()
        return 1
    shown = click_in_message_boxes(monkeypatch, "confirmRestore")
    monkeypatch.setattr(recovery.RestoreDialog, "exec", choose_newest_and_restore)
    window.start.backup_button.click()
    assert any("恢复" in text for text in shown)
    assert window.store is not None and window.start.model.rowCount() == 1


def test_damaged_database_is_set_aside_and_a_fresh_one_opened(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "broken.sqlite3"
    db.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8192)
    shown = click_in_message_boxes(monkeypatch, "startEmpty", "restoreBackup")
    win = MainWindow(db)
    qtbot.addWidget(win)
    assert win.open_store()
    assert any("损坏" in text for text in shown)
    assert [p for p in tmp_path.iterdir() if p.name.startswith("broken.sqlite3.corrupt")]
    assert win.store.list_reports() == []
    win.close()
