"""Every file of the hostile corpus (tests/hostile/) through check, import and verify.

Each refusal is the promised exit code with one Chinese line naming the problem, never a
traceback, and an import leaves the store's reports exactly as they were.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, seed_path

HOSTILE = Path(__file__).resolve().parent / "hostile"
sys.path.insert(0, str(HOSTILE))
import make_hostile  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
ALL_CASES = make_hostile.CASES + make_hostile.BUILT_AT_TEST_TIME


@pytest.fixture(scope="module")
def big_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile_big")
    for case in make_hostile.BUILT_AT_TEST_TIME:
        (folder / case.name).write_bytes(case.build())
    return folder


def case_file(case, big_files: Path) -> Path:
    if case in make_hostile.BUILT_AT_TEST_TIME:
        return big_files / case.name
    return HOSTILE / case.name


@pytest.fixture(scope="module")
def populated_db(tmp_path_factory) -> Path:
    """A database that already holds a report (seed 004), built once and copied per test."""
    import main
    folder = tmp_path_factory.mktemp("populated")
    path = folder / "reports.sqlite3"
    assert main.main(["import", str(seed_path("004")), "--db", str(path)]) == 0
    return path


def reports_digest(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        digest = hashlib.sha256()
        for row in conn.execute("SELECT * FROM report ORDER BY id"):
            digest.update(repr(row).encode())
        for row in conn.execute("SELECT * FROM report_part ORDER BY report_id, part, position"):
            digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def run_main(capsys, *argv) -> tuple[int, str, str]:
    import main
    capsys.readouterr()
    code = main.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_chinese_line(err: str, case):
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, (case.name, err[:500])
    line = lines[0]
    assert CJK.search(line), line
    assert "Traceback" not in err and "内部错误" not in err, line
    assert len(line) < 400, line
    return line


def test_the_corpus_is_complete():
    for case in make_hostile.CASES:
        assert (HOSTILE / case.name).is_file(), f"run tests/hostile/make_hostile.py ({case.name} missing)"
    assert len(make_hostile.CASES) >= 60


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_check(case, big_files, capsys):
    code, out, err = run_main(capsys, "check", case_file(case, big_files))
    assert code == case.expect["check"], (case.name, err[:300])
    if code == make_hostile.FORMAT:
        line = assert_one_chinese_line(err, case)
        assert case.message in line, (case.message, line)
        assert out == ""
    else:
        assert "Traceback" not in err


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_verify(case, big_files, capsys):
    code, out, err = run_main(capsys, "verify", case_file(case, big_files))
    assert code == case.expect["verify"], (case.name, err[:300])
    if code:
        assert err.splitlines()[0].startswith("校验未通过"), err[:300]
        assert "Traceback" not in err and "内部错误" not in err
    else:
        assert out.startswith("校验通过")


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_import_leaves_the_store_unchanged(case, big_files, populated_db, tmp_path, capsys):
    db = tmp_path / "reports.sqlite3"
    shutil.copy(populated_db, db)
    before = reports_digest(db)
    code, out, err = run_main(capsys, "import", case_file(case, big_files), "--db", db)
    assert code == case.expect["import"], (case.name, err[:300])
    if code == make_hostile.FORMAT:
        line = assert_one_chinese_line(err, case)
        assert case.message in line, (case.message, line)
        assert reports_digest(db) == before
    else:
        assert code == 0 and out.startswith("已导入报告"), err
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT count(*) FROM report").fetchone()[0] == 2
        conn.close()


def test_markup_and_formulas_are_stored_as_plain_text(populated_db, tmp_path, capsys):
    db = tmp_path / "reports.sqlite3"
    shutil.copy(populated_db, db)
    code, _out, err = run_main(capsys, "import", HOSTILE / "markup_and_formulas.json", "--db", db)
    assert code == 0, err
    from models.store import Store
    with Store(db) as store:
        [summary] = [s for s in store.list_reports() if s.year == 2023]
        report = store.load(summary.id)
    assert report.narrative["problems"].startswith("<b>粗体</b> & <font size=80>")
    assert report.narrative["improvements"].startswith("=HYPERLINK(")
    assert report.evaluation.indicators[0].analysis == "+cmd|' /C calc'!A0"


@pytest.mark.parametrize("name", ["truncated_half.zip", "bomb_lying_sizes.zip", "lone_surrogate.json",
                                  "deep_nesting.json", "symlink.zip", "int_5000_digits.json"])
def test_a_real_process_prints_one_line_and_no_traceback(name, tmp_path):
    """The same refusals from a real `python main.py` process (stdout/stderr as the clerk sees them)."""
    for command in ("check", "import"):
        argv = [sys.executable, str(ROOT / "main.py"), command, str(HOSTILE / name)]
        if command == "import":
            argv += ["--db", str(tmp_path / "db.sqlite3")]
        result = subprocess.run(argv, capture_output=True, timeout=60, cwd=tmp_path,
                                env={"PATH": "/usr/bin:/bin", "ZIPINGTONG_HOME": str(tmp_path / "home")})
        err = result.stderr.decode("utf-8")
        assert result.returncode == 2, err
        assert len(err.strip().splitlines()) == 1 and CJK.search(err) and "Traceback" not in err, err
        assert result.stdout == b""
