"""Shared test set-up: every test gets its own data folder (and so its own SQLite file)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("ZIPINGTONG_HOME", str(home))
    return home


def seed_path(name: str) -> Path:
    return FIXTURES / f"seed_{name}.json"


def seed_dict(name: str) -> dict:
    return json.loads(seed_path(name).read_text(encoding="utf-8"))


def load_seed(name: str):
    from models.codec import report_from_json
    return report_from_json(seed_path(name).read_bytes())


def normalized(value):
    """data.json content with absent ≡ null ≡ empty container, and without ``derived``."""
    if isinstance(value, dict):
        out = {k: normalized(v) for k, v in value.items() if k != "derived"}
        return {k: v for k, v in out.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "reports.sqlite3"


@pytest.fixture(scope="session")
def qapp_cls():
    """Every Qt test runs in the program's own QApplication (Chinese translations, fonts, style)."""
    from ui.app import ZiPingTongApp
    return ZiPingTongApp


def hold_database_in_another_process(db_path: Path, home: Path):
    """A second copy of the program holding ``db_path`` open as its writer; returns once it does."""
    import subprocess
    code = ("import sys, time; sys.path.insert(0, %r)\n"
            "from models.store import Store\n"
            "s = Store(%r); print('ready', flush=True); time.sleep(60)\n") % (str(ROOT), str(db_path))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "ZIPINGTONG_HOME": str(home)})
    assert child.stdout.readline().strip() == "ready"
    return child
