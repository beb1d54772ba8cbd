"""Start the desktop program: the application object, the main window, the store operations.

The window is painted first; the store is opened right after (its reads need only sqlite3; sqlmodel,
≈0.3 s to import, is loaded in a background thread for the first save).
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QLibraryInfo, QLocale, QObject, Qt, QTimer, QTranslator
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QStackedWidget

from models.paths import APP_TITLE

from . import theme
from .settings import app_settings
from .start import NewReportDialog, StartPage


class ZiPingTongApp(QApplication):
    """Chinese Qt dialogs, the system Chinese font at the clerk's chosen size, the one style sheet."""

    def __init__(self, argv=None):
        super().__init__(argv if argv is not None else sys.argv)
        self.setApplicationName(APP_TITLE)
        self.setApplicationDisplayName(APP_TITLE)
        self.setOrganizationName("zipingtong")
        self._translators = []
        for name in ("qtbase_zh_CN", "qt_zh_CN"):
            translator = QTranslator(self)
            if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), name.split("_")[0], "_",
                               QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
                self.installTranslator(translator)
                self._translators.append(translator)
                break
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.apply_font_size(self.font_size())
        self.setStyleSheet(theme.style_sheet(self.font_size()))

    @staticmethod
    def font_size() -> int:
        try:
            size = int(app_settings().value("view/font_size", theme.DEFAULT_POINT_SIZE))
        except (TypeError, ValueError):
            size = theme.DEFAULT_POINT_SIZE
        return min(max(size, theme.FONT_SIZES[0]), theme.FONT_SIZES[-1])

    def apply_font_size(self, size: int):
        self.setFont(theme.ui_font(size))
        if self.styleSheet():
            # under a style sheet a polished widget keeps the font it had: polished again, the widgets that
            # are on screen (the report list) take the new size; check boxes are sized for it too
            self.setStyleSheet(theme.style_sheet(size))


class MainWindow(QMainWindow):
    def __init__(self, db_path: Path | None = None):
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.db_path = db_path
        self.store = None
        self.session = None
        self.editor = None
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.start = StartPage(self)
        self.stack.addWidget(self.start)
        self.start.open_requested.connect(self.open_report)
        self.start.new_requested.connect(self.new_report)
        self.start.new_from_last_year_requested.connect(self.new_from_last_year)
        self.start.import_requested.connect(self.import_file)
        self.start.delete_requested.connect(self.delete_report)
        self.start.restore_requested.connect(self.restore_report)
        self.start.show_deleted.toggled.connect(lambda _on: self.refresh_list())
        self.start.backup_button.clicked.connect(self.show_backups)
        # A program left open past midnight still takes the day's backup.
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(3_600_000)
        self._backup_timer.timeout.connect(lambda: self.store is not None and self.store.backup_if_due())
        self._backup_timer.start()

        self.undo_action = QAction("撤销", self)
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("重做", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.redo_action.triggered.connect(self.redo)
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        from .editor import UndoShortcutFilter
        self._shortcut_filter = UndoShortcutFilter(self)
        QApplication.instance().installEventFilter(self._shortcut_filter)

        settings = app_settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1366, 740)

    # --- store --------------------------------------------------------------------------
    def open_store(self) -> bool:
        """Open the database after the start-up check (a damaged file is set aside, a backup offered)."""
        from models.paths import default_db_path

        from .recovery import open_store_with_recovery
        self.store = open_store_with_recovery(self, self.db_path or default_db_path())
        if self.store is None:
            return False
        self.refresh_list()
        return True

    def show_backups(self):
        from models.paths import default_db_path

        from .recovery import RestoreDialog

        def release():
            self.close_report()
            if self.store is not None:
                self.store.close()
                self.store = None

        dialog = RestoreDialog(self.db_path or default_db_path(), self, release=release)
        dialog.exec()
        if self.store is None:  # released for a restore: open whatever is in place now
            self.open_store()

    def refresh_list(self, select_id: int | None = None):
        if self.store is None:
            return
        self.start.show_reports(self.store.list_reports(include_deleted=self.start.show_deleted.isChecked()),
                                select_id)

    # --- reports ------------------------------------------------------------------------
    def open_report(self, report_id: int) -> bool:
        from models.store import StoreError

        from .editor import Editor
        from .session import ReportSession
        self.close_report()
        try:
            report = self.store.load(report_id)
        except StoreError as exc:
            QMessageBox.warning(self, "无法打开报告", str(exc))
            return False
        self.session = ReportSession(self.store, report_id, report, self)
        self.editor = Editor(self.session, self)
        self.editor.back.connect(self.show_start)
        for button in self.editor.font_buttons:
            button.clicked.connect(lambda _c=False, b=button: self.change_font_size(b.property("delta")))
        settings = app_settings()
        sizes = settings.value("window/splitter")
        if isinstance(sizes, list) and len(sizes) == 3:
            try:
                self.editor.splitter.setSizes([int(s) for s in sizes])
            except (TypeError, ValueError):
                pass
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)
        settings.setValue("last_report", report_id)
        self.setWindowTitle(f"{APP_TITLE} — {report.title()}")
        return True

    def close_report(self):
        if self.editor is not None:
            self.editor.commit()
            app_settings().setValue("window/splitter", self.editor.splitter.sizes())
            self.session.flush()
            # the editor goes first; nothing may reach it while the session is torn down
            self.session.undo_stack.blockSignals(True)
            self.session.blockSignals(True)
            self.stack.removeWidget(self.editor)
            self.editor.deleteLater()
            self.session.deleteLater()
            self.editor = None
            self.session = None
        self.setWindowTitle(APP_TITLE)

    def show_start(self):
        self.close_report()
        self.refresh_list(app_settings().value("last_report", None, int))
        self.stack.setCurrentWidget(self.start)

    def _confirm_duplicate(self, unit: str, year: int) -> str | None:
        """'replace', 'keep' (both), or None (cancel) when the unit and year are already there."""
        existing = self.store.find(unit, year) if unit else None
        if existing is None:
            return "keep"
        box = QMessageBox(self)
        box.setWindowTitle("已有同一年度的报告")
        box.setText(f"本机已有“{unit}”{year}年度的报告。")
        replace = box.addButton("替换原报告", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("另存一份", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is replace:
            return "replace"
        if box.clickedButton() is keep:
            return "keep"
        return None

    def new_report(self):
        dialog = NewReportDialog(self)
        if dialog.exec() != NewReportDialog.DialogCode.Accepted:
            return None
        unit, year, template = dialog.values()
        return self.create_report(unit, year, template)

    def create_report(self, unit: str, year: int, template: str) -> int:
        from models.report import NARRATIVE_SECTIONS, Report, Unit
        report = Report(template=template, year=year, unit=Unit(name=unit or None))
        report.narrative = {key: "" for key in NARRATIVE_SECTIONS}
        report_id = self.store.create(report)
        self.open_report(report_id)
        return report_id

    def new_from_last_year(self, report_id: int):
        summary = self.store.summary(report_id)
        dialog = NewReportDialog(self, year=(summary.year or 2023) + 1,
                                 from_previous=f"{summary.unit_name} {summary.year or ''}年度")
        if dialog.exec() != NewReportDialog.DialogCode.Accepted:
            return None
        return self.create_from_last_year(report_id, dialog.values()[1])

    def create_from_last_year(self, report_id: int, year: int) -> int | None:
        from models.carryover import report_from_last_year
        prev = self.store.load(report_id)
        report = report_from_last_year(prev, year)
        choice = self._confirm_duplicate(report.unit.name or "", year)
        if choice is None:
            return None
        if choice == "replace":
            existing = self.store.find(report.unit.name, year)
            self.store.replace(existing.id, report)
            new_id = existing.id
        else:
            new_id = self.store.create(report)
        self.open_report(new_id)
        return new_id

    def import_file(self):
        settings = app_settings()
        from .dialogs import choose_file
        path = choose_file(self, "导入提交包或数据文件", settings.value("import/last_folder", ""),
                           "提交包或数据文件 (*.zip *.json);;所有文件 (*)")
        if not path:
            return None
        settings.setValue("import/last_folder", str(Path(path).parent))
        return self.import_path(Path(path))

    def import_path(self, path: Path) -> int | None:
        from export.package import PackageError, load_report_file
        from models.codec import FormatError
        try:
            loaded = load_report_file(path)
        except FormatError as exc:
            where = f"（位置：{exc.path}）" if exc.path else ""
            QMessageBox.warning(self, "无法导入", f"文件格式不对，未导入：{exc.message}{where}")
            return None
        except PackageError as exc:
            QMessageBox.warning(self, "无法导入", f"未导入：{exc.message}")
            return None
        report = loaded.report
        choice = self._confirm_duplicate(report.unit.name or "", report.year)
        if choice is None:
            return None
        if choice == "replace":
            existing = self.store.find(report.unit.name, report.year)
            self.store.replace(existing.id, report)
            report_id = existing.id
        else:
            report_id = self.store.create(report)
        self.open_report(report_id)
        return report_id

    def delete_report(self, report_id: int, confirm: bool = True) -> bool:
        summary = self.store.summary(report_id)
        name = f"{summary.unit_name or '（未填单位名称）'} {summary.year or ''}年度"
        if confirm:
            answer = QMessageBox.question(self, "删除报告", f"删除“{name}”的报告？\n\n删除后可勾选“显示已删除的报告”找回并恢复。",
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.store.delete(report_id)
        self.refresh_list()
        self.start.message.setText(f"已删除“{name}”。勾选“显示已删除的报告”可以恢复。")
        return True

    def restore_report(self, report_id: int):
        self.store.undelete(report_id)
        self.refresh_list(report_id)
        self.start.message.setText("已恢复。")

    # --- window -------------------------------------------------------------------------
    def undo(self):
        if self.session is not None:
            self.editor.commit()
            self.session.undo_stack.undo()

    def redo(self):
        if self.session is not None:
            self.session.undo_stack.redo()

    def change_font_size(self, delta: int):
        app = QApplication.instance()
        sizes = theme.FONT_SIZES
        current = app.font().pointSize()
        index = min(range(len(sizes)), key=lambda i: abs(sizes[i] - current))
        size = sizes[min(max(index + delta, 0), len(sizes) - 1)]
        app_settings().setValue("view/font_size", size)
        if hasattr(app, "apply_font_size"):
            app.apply_font_size(size)
        else:
            app.setFont(theme.ui_font(size))
        if self.session is not None:  # rebuild the editor so every size and width follows the new font
            report_id, step = self.session.report_id, self.editor.pages.currentIndex()
            self.open_report(report_id)
            self.editor.show_step(step)
            self.editor.fit_step_list()  # the step list follows the font, wider or back to its usual width

    def closeEvent(self, event):
        self.close_report()
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.sync()
        if self.store is not None:
            self.store.close()
        super().closeEvent(event)


def run(db_path: Path | None = None, open_id: int | None = None, quit_after_ready: bool = False) -> int:
    app = QApplication.instance() or ZiPingTongApp(sys.argv)
    window = MainWindow(db_path)
    window.show()

    def after_first_paint():
        if not window.open_store():
            if quit_after_ready:
                app.exit(1)
            return
        target = open_id
        if target is None and not quit_after_ready:  # a timing run shows the start page, not the last report
            last = app_settings().value("last_report", None)
            try:
                last = int(last) if last is not None else None
            except (TypeError, ValueError):
                last = None
            summary = window.store.summary(last) if last is not None else None
            target = last if summary is not None and summary.deleted_at is None else None
        opened = window.open_report(target) if target is not None else True
        if not quit_after_ready:
            # The first save needs sqlmodel (≈ 0.3 s to import): load it while the clerk reads the page.
            threading.Thread(target=preload_store_modules, name="preload", daemon=True).start()
        if quit_after_ready:
            # "Ready" means the page the clerk would see is painted: the start page with its list,
            # or the opened report's first step. repaint() paints it now, synchronously.
            window.repaint()
            # the bench times start-up to this line (process exit adds Qt and Python teardown)
            print("zipingtong: ready", flush=True)
            app.exit(0 if opened else 1)

    painted = FirstPaint(window.start, after_first_paint)
    QTimer.singleShot(3000, painted.fire)  # a platform that never paints still starts
    return app.exec()


def preload_store_modules():
    from models.store import preload_write_modules
    preload_write_modules()


class FirstPaint(QObject):
    """Calls ``then`` once, after ``widget`` has been painted for the first time."""

    def __init__(self, widget, then):
        super().__init__(widget)
        self.then = then
        self.done = False
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            QTimer.singleShot(0, self.fire)  # after this paint has reached the screen
        return False

    def fire(self):
        if not self.done:
            self.done = True
            self.then()
