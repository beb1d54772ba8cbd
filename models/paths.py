"""Where bundled resources and the clerk's database live, frozen (pyinstaller) or from source."""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "zipingtong"
APP_TITLE = "自评通"
APP_VERSION = "0.1.0"


def resource_path(*parts: str) -> Path:
    """A file under resources/, from the source tree or from a pyinstaller bundle (sys._MEIPASS)."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)


def data_dir() -> Path:
    """The user's data folder; ZIPINGTONG_HOME overrides it (tests, portable installs)."""
    override = os.environ.get("ZIPINGTONG_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_dir
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "zipingtong.sqlite3"
