"""Exports: written through a temp file and a rename, refused cleanly on a missing or read-only
folder or a disk error (no partial file, an older package left intact); the clerk's text never
becomes a spreadsheet formula, PDF markup or invalid XML."""
from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import zipfile
from pathlib import Path

import pytest


import main
from export import package as pkg

HOSTILE = Path(__file__).resolve().parent / "hostile"
CJK = re.compile(r"[\u4e00-\u9fff]")


def run_main(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def hostile_text_report():
    from models.codec import report_from_json
    report = report_from_json((HOSTILE / "markup_and_formulas.json").read_bytes())
    indicators = report.evaluation.indicators
    indicators[3].analysis = "=HYPERLINK(\"http://example.invalid\",\"点击领取\")"
    indicators[4].analysis = "=1+1"
    indicators[5].name = "=SUM(A1:A9)"
    report.unit.head = "@负责人"
    report.narrative["other"] = "第一段\x0b第二段\x0c第三\x01段\ud800尾"  # pasted from Word, as typed in the program
    return report


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, bytes]:
    content = pkg.build_package(hostile_text_report(), draft=True)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def member(exported, suffix: str) -> bytes:
    [name] = [n for n in exported if n.endswith(suffix)]
    return exported[name]


# --- where the file goes ----------------------------------------------------------------------

def test_a_missing_folder_is_refused_with_a_message(tmp_path):
    code, _out, err = run_main("export", HOSTILE / "valid.zip", "--out", tmp_path / "nowhere")
    assert code == 1 and "输出文件夹不存在" in err
    assert not (tmp_path / "nowhere").exists()


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_read_only_folder_gives_a_message_and_no_file(tmp_path, monkeypatch):
    out = tmp_path / "locked"
    out.mkdir()
    if os.name == "posix" and os.geteuid() != 0:
        out.chmod(0o555)  # the real thing where permissions bind
    else:  # root (CI) or Windows: the OS refuses the temp file as it would for a read-only folder
        def refuse(*_args, **_kwargs):
            raise PermissionError(errno.EACCES, "Permission denied")
        monkeypatch.setattr(pkg.tempfile, "mkstemp", refuse)
    try:
        code, _out, err = run_main("export", HOSTILE / "valid.zip", "--out", out)
    finally:
        out.chmod(0o755)
    assert code == 1
    assert "没有权限" in err and "没有留下不完整的文件" in err and len(err.strip().splitlines()) == 1
    assert _entries(out) == []


@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EIO])
def test_a_disk_error_mid_write_leaves_no_partial_file_and_keeps_the_old_package(tmp_path, monkeypatch, failure):
    out = tmp_path / "usb"
    out.mkdir()
    assert run_main("export", HOSTILE / "valid.zip", "--out", out)[0] == 0
    [old] = list(out.iterdir())
    old_bytes = old.read_bytes()

    def broken_fsync(_fd):
        raise OSError(failure, os.strerror(failure))
    monkeypatch.setattr(pkg.os, "fsync", broken_fsync)
    code, _out, err = run_main("export", HOSTILE / "valid.zip", "--out", out)
    assert code == 1
    assert {errno.ENOSPC: "磁盘空间不足", errno.EIO: "磁盘读写错误"}[failure] in err
    assert CJK.search(err) and "Traceback" not in err
    assert _entries(out) == [old.name] and old.read_bytes() == old_bytes  # no .part left, old intact


def test_write_atomic_removes_its_temp_file_when_interrupted(tmp_path, monkeypatch):
    def broken_replace(_src, _dst):
        raise KeyboardInterrupt  # the clerk closes the window at the worst moment
    monkeypatch.setattr(pkg.os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        pkg.write_atomic(tmp_path / "x.zip", b"content")
    assert _entries(tmp_path) == ["home"]  # (the test's own data folder)


def test_exported_package_is_complete_and_verifies(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert run_main("export", HOSTILE / "valid.zip", "--out", out)[0] == 0
    [package] = list(out.iterdir())
    code, out_text, err = run_main("verify", package)
    assert code == 0, err
    assert out_text.startswith("校验通过")


# --- what the clerk typed stays text ----------------------------------------------------------

def test_xlsx_holds_formula_looking_text_as_text(exported):
    import openpyxl
    workbook = openpyxl.load_workbook(io.BytesIO(member(exported, ".xlsx")))
    seen = {}
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert not re.search(r"HYPERLINK|cmd\||A1:A9", str(cell.value)), (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    for marker in ("=HYPERLINK(", "=1+1", "+cmd|", "@SUM(", "=SUM(A1:A9)"):
                        if cell.value.startswith(marker):
                            assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                            seen[marker] = cell
    assert {"=HYPERLINK(", "=1+1", "+cmd|", "=SUM(A1:A9)"} <= set(seen), sorted(seen)
    # the quote prefix keeps it text when the cell is edited in Excel
    assert all(cell.quotePrefix for cell in seen.values())


def test_pdf_prints_markup_literally(exported):
    from pypdf import PdfReader
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(member(exported, ".pdf"))).pages)
    flat = re.sub(r"\s+", "", text)
    for literal in ("<b>粗体</b>", "&", "<fontsize=80>大字</font>", "<script>alert(1)</script>",
                    '=HYPERLINK("http://example.invalid","点击")'):
        assert literal in flat, literal


def test_docx_prints_markup_literally_and_controls_are_cleaned(exported):
    import docx
    document = docx.Document(io.BytesIO(member(exported, ".docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "<b>粗体</b> & <font size=80>大字</font>" in text
    assert "第一段" in text and "\x0b" not in text and "\x01" not in text


def test_the_exported_data_json_reads_back_with_control_characters_cleaned(exported, tmp_path):
    path = tmp_path / "data.json"
    path.write_bytes(exported["data.json"])
    code, _out, err = run_main("check", path)
    assert code in (0, 1), err
    from models.codec import report_from_json
    other = report_from_json(exported["data.json"]).narrative["other"]
    assert other == "第一段\n第二段\n第三段\ufffd尾"


def test_package_name_never_carries_controls_or_a_disguised_extension():
    report = hostile_text_report()
    report.unit.name = "单位\u202egpj.exe\x1b\ud800"
    name = pkg.package_name(report)
    assert name.endswith("_部门整体支出绩效自评.zip")
    assert not re.search(r"[\x00-\x1f\u202a-\u202e\ud800-\udfff]", name)
