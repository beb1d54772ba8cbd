"""Smoke test of the frozen program (pyinstaller onedir bundle in dist/zipingtong/).

Runs only where pyinstaller is installed in this environment and either a bundle built from the
current sources exists (build/build.sh) or ZIPINGTONG_BUILD_BUNDLE=1 asks the test to build one.
It checks what a clerk's PC would do with the bundle alone: check a fixture, export a package
(documents rendered with the bundled fonts and templates), and start the window offscreen.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, seed_path

DIST = ROOT / "dist"
BUNDLE_DIR = DIST / "zipingtong"
EXECUTABLE = BUNDLE_DIR / ("zipingtong.exe" if sys.platform == "win32" else "zipingtong")
# On Windows the program is windowed (no console output); its console twin runs the commands.
CLI = BUNDLE_DIR / "zipingtong-cli.exe" if sys.platform == "win32" else EXECUTABLE
SPEC = ROOT / "build" / "zipingtong.spec"
SOURCES = [ROOT / "main.py", SPEC, *ROOT.glob("models/*.py"), *ROOT.glob("export/*.py"), *ROOT.glob("ui/*.py"),
           *(p for p in (ROOT / "resources").rglob("*") if p.is_file())]


def _stale() -> bool:
    built = EXECUTABLE.stat().st_mtime
    return any(path.stat().st_mtime > built for path in SOURCES if path.exists())


def _build():
    result = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                             "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "out"), str(SPEC)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def bundle() -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("pyinstaller is not installed (pip install -e '.[build]')")
    wanted = os.environ.get("ZIPINGTONG_BUILD_BUNDLE") == "1"
    if not EXECUTABLE.exists() and not wanted:
        pytest.skip("no bundle in dist/zipingtong: run build/build.sh, or set ZIPINGTONG_BUILD_BUNDLE=1")
    if EXECUTABLE.exists() and _stale() and not wanted:
        pytest.skip("dist/zipingtong is older than the sources: run build/build.sh, or set ZIPINGTONG_BUILD_BUNDLE=1")
    if wanted and (not EXECUTABLE.exists() or _stale()):
        _build()
    return EXECUTABLE


def _run(args: list, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # The frozen program must not fall back on the source tree: run it from elsewhere.
    return subprocess.run([str(a) for a in args], env=env, cwd=BUNDLE_DIR.parent, capture_output=True,
                          timeout=timeout)


def _source(args: list) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=ROOT, capture_output=True,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=300)


def test_frozen_check_gives_the_same_figures_and_problems_as_the_source(bundle):
    frozen = _run([CLI, "check", seed_path("001"), "--json"])
    source = _source(["check", seed_path("001"), "--json"])
    assert frozen.returncode == source.returncode == 1, frozen.stderr.decode()  # seed 001 keeps one error
    figures = json.loads(frozen.stdout)
    assert figures == json.loads(source.stdout)
    assert figures["derived"]["total_score"] == "99" and figures["derived"]["grade"] == "优"
    assert [e["path"] for e in figures["errors"]] == ["finance.expenditure[0].project"]


def test_frozen_export_writes_a_package_with_every_document_the_source_writes(bundle, tmp_path):
    frozen_out, source_out = tmp_path / "frozen", tmp_path / "source"
    frozen_out.mkdir()
    source_out.mkdir()
    result = _run([CLI, "export", seed_path("001"), "--out", frozen_out, "--draft"])
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert _source(["export", seed_path("001"), "--out", source_out, "--draft"]).returncode == 0
    [package] = list(frozen_out.glob("*.zip"))
    [reference] = list(source_out.glob("*.zip"))

    from export.package import open_package
    opened = open_package(package)  # hashes and sizes checked
    roles = sorted(entry["role"] for entry in opened.manifest["files"])
    assert roles == sorted(entry["role"] for entry in open_package(reference).manifest["files"])
    data = json.loads(opened.data)
    assert data["derived"]["total_score"] == "99"
    assert data["finance"]["overall_budget"]["executed"] == "2225.97"
    assert opened.manifest["draft"] is True

    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
    for name in names:
        if name.endswith(".pdf"):
            import pypdf
            pdf = pypdf.PdfReader(_extract(package, name, tmp_path))
            text = "".join(page.extract_text() or "" for page in pdf.pages)
            assert "2225.97" in text.replace(",", "")
        if name.endswith(".xlsx"):
            import openpyxl
            book = openpyxl.load_workbook(_extract(package, name, tmp_path), data_only=True)
            values = {str(cell.value).replace(",", "") for sheet in book.worksheets for row in sheet.iter_rows()
                      for cell in row if cell.value is not None}
            assert any(v.startswith("2225.97") for v in values)
        if name.endswith(".docx"):
            import docx
            document = docx.Document(_extract(package, name, tmp_path))
            text = "\n".join(p.text for p in document.paragraphs) + "".join(
                cell.text for table in document.tables for row in table.rows for cell in row.cells)
            assert "株洲市芦淞区退役军人事务局" in text

    verify = _run([CLI, "verify", package])
    assert verify.returncode == 0, verify.stderr.decode("utf-8", "replace")


def _extract(package: Path, name: str, folder: Path) -> Path:
    target = folder / ("member" + Path(name).suffix)
    with zipfile.ZipFile(package) as archive:
        target.write_bytes(archive.read(name))
    return target


def test_frozen_gui_shows_the_start_page_and_a_report_offscreen(bundle, tmp_path):
    db = tmp_path / "bundle.sqlite3"
    imported = _run([CLI, "import", seed_path("001"), "--db", db])
    assert imported.returncode == 0, imported.stderr.decode("utf-8", "replace")
    start_page = _run([bundle, "gui", "--quit-after-ready", "--db", db], timeout=60)
    assert start_page.returncode == 0, start_page.stderr.decode("utf-8", "replace")
    report = _run([bundle, "gui", "--quit-after-ready", "--db", db, "--open", "1"], timeout=60)
    assert report.returncode == 0, report.stderr.decode("utf-8", "replace")
