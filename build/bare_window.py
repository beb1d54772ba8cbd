"""The baseline for start-up, memory and bundle size: a bare PySide6 window and nothing else.

    python build/bare_window.py [--quit-after-ready]

With --quit-after-ready it exits 0 once the window has been painted, like ``main.py gui
--quit-after-ready``. build/build.sh --baseline freezes this file the same way as the program.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class _QuitAfterPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("zipingtong: ready", flush=True)  # as main.py gui --quit-after-ready prints
            QTimer.singleShot(0, QApplication.instance().quit)
        return False


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("bare window")
    label = QLabel("bare window")
    window.setCentralWidget(label)
    window.resize(1200, 760)
    if "--quit-after-ready" in sys.argv:
        watcher = _QuitAfterPaint(label)
        label.installEventFilter(watcher)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
