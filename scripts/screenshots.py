"""Screenshots of the wizard with a real report (seed 001) for docs/screenshots/ (see screenshots.sh).

Runs the real program window at 1366×768 on a throw-away database: the start page, then every step.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
SEED = ROOT / "tests" / "fixtures" / "seed_001.json"


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="zipingtong-shots-"))
    os.environ["ZIPINGTONG_HOME"] = str(home)  # a fresh store and settings, not the clerk's
    from PySide6.QtCore import QCoreApplication
    from ui.app import MainWindow, ZiPingTongApp

    app = ZiPingTongApp(sys.argv[:1])
    window = MainWindow(home / "reports.sqlite3")
    window.resize(1366, 768)
    window.show()
    window.open_store()

    def settle():
        for _ in range(5):
            QCoreApplication.processEvents()

    def shoot(name: str):
        settle()
        path = OUT / f"{name}.png"
        window.grab().save(str(path))
        print(f"{path.relative_to(ROOT)}  {window.width()}×{window.height()}")

    OUT.mkdir(parents=True, exist_ok=True)
    report_id = window.import_path(SEED)
    window.create_from_last_year(report_id, 2024)
    window.show_start()
    window.refresh_list(report_id)
    shoot("start")
    window.open_report(report_id)
    editor = window.editor
    for step in range(5):
        editor.show_step(step)
        page = editor.page_list[step]
        if step == 1:
            page.projects.view.setCurrentIndex(page.projects.model.index(1, 0))
            settle()
            page.verticalScrollBar().setValue(page.sections[3].y() - 8)  # 项目支出
        if step == 2:
            page.table.view.setCurrentIndex(page.table.model.index(1, 2))
            settle()
            page.verticalScrollBar().setValue(page.sections[1].y() - 8)  # 绩效指标
        if step == 3:
            page.table.view.setCurrentIndex(page.table.model.index(8, 0))
        shoot(f"step{step + 1}")
    window.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
