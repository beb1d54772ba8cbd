"""The program's settings file (window size, splitter, font size, last report, last folders)."""
from __future__ import annotations

from PySide6.QtCore import QSettings

from models.paths import data_dir


def app_settings() -> QSettings:
    """Settings live beside the database (ZIPINGTONG_HOME moves both), as an INI file."""
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
