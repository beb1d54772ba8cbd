"""Start the desktop program (placeholder window until the wizard lands)."""
from __future__ import annotations

import sys
from pathlib import Path


def run(db_path: Path | None = None, open_id: int | None = None, quit_after_ready: bool = False) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("自评通")
    window.setCentralWidget(QLabel("自评通：部门整体支出绩效自评"))
    window.resize(1200, 760)
    window.show()
    if quit_after_ready:
        QTimer.singleShot(0, app.quit)
    return app.exec()
