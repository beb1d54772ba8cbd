import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, normalized, seed_dict, seed_path


def run(*args, stdin=subprocess.DEVNULL, env=None):
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True,
                            text=True, encoding="utf-8", stdin=stdin, env=env or os.environ.copy(), timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_json_seed_001():
    result = run("check", seed_path("001"), "--json")
    assert result.returncode == 1  # the seed contradicts itself: per-institution project total
    out = json.loads(result.stdout)
    assert set(out) == {"errors", "warnings", "derived"}
    assert out["derived"] == {"execution_rate": "99.92", "budget_execution_score": "9",
                              "indicator_score_total": "90", "total_score": "99", "grade": "优"}
    assert {"path": "finance.expenditure[0].project"} .items() <= out["errors"][0].items()
    assert any(w["path"] == "finance.overall_budget.by_nature.project" for w in out["warnings"])


def test_check_clean_report_exits_0(tmp_path):
    data = seed_dict("001")
    data["finance"]["expenditure"][0]["project"] = "2084.56"
    result = run("check", write_json(tmp_path / "ok.json", data))
    assert result.returncode == 0, result.stdout
    assert "总分：99" in result.stdout and "评价等次：优" in result.stdout


def test_check_format_error_exit_2_json_names_path(tmp_path):
    data = seed_dict("001")
    data["finance"]["projects"][1]["executed"] = "1828.1400001"
    result = run("check", write_json(tmp_path / "bad.json", data), "--json")
    assert result.returncode == 2
    out = json.loads(result.stdout)
    assert out["errors"][0]["path"] == "finance.projects[1].executed" and out["derived"] == {}


def test_check_not_json_exit_2(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"\x00\x01garbage")
    result = run("check", path)
    assert result.returncode == 2 and "JSON" in result.stderr


def test_derived_mismatch_in_file_is_a_warning(tmp_path):
    data = seed_dict("001")
    data["derived"]["total_score"] = "100"
    out = json.loads(run("check", write_json(tmp_path / "d.json", data), "--json").stdout)
    assert any(w["path"] == "derived.total_score" for w in out["warnings"])
    assert out["derived"]["total_score"] == "99"


def test_import_list_replace_and_refusal(tmp_path):
    db = tmp_path / "store.sqlite3"
    first = run("import", seed_path("001"), "--db", db)
    assert first.returncode == 0 and "已导入" in first.stdout
    again = run("import", seed_path("001"), "--db", db)
    assert again.returncode == 1 and "--replace" in again.stderr
    replaced = run("import", seed_path("001"), "--db", db, "--replace")
    assert replaced.returncode == 0 and "已替换" in replaced.stdout
    listing = run("list", "--db", db)
    assert listing.stdout.count("株洲市芦淞区退役军人事务局") == 1 and "99" in listing.stdout


def test_import_unfinished_report_prints_problems(tmp_path):
    db = tmp_path / "store.sqlite3"
    result = run("import", seed_path("004"), "--db", db)
    assert result.returncode == 0
    assert "尚未完成" in result.stdout and "至少需要一项绩效指标" in result.stdout


def test_import_format_error_writes_nothing(tmp_path):
    db = tmp_path / "store.sqlite3"
    data = seed_dict("001")
    data["version"] = 7
    result = run("import", write_json(tmp_path / "v7.json", data), "--db", db)
    assert result.returncode == 2 and "版本" in result.stderr
    assert "还没有报告" in run("list", "--db", db).stdout


def test_export_blocks_on_errors_unless_draft(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    blocked = run("export", seed_path("004"), "--out", out)
    assert blocked.returncode == 1 and "--draft" in blocked.stderr and not list(out.iterdir())
    draft = run("export", seed_path("004"), "--out", out, "--draft")
    assert draft.returncode == 0
    [package] = list(out.iterdir())
    assert package.name == "2019_长沙市天心区退役军人事务局_部门整体支出绩效自评.zip"
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["draft"] is True and manifest["format"] and manifest["version"] == 1
        for entry in manifest["files"]:
            content = archive.read(entry["name"])
            assert hashlib.sha256(content).hexdigest() == entry["sha256"] and len(content) == entry["bytes"]
        data = json.loads(archive.read("data.json"))
    assert normalized(data) == normalized(seed_dict("004"))
    assert run("verify", package).returncode == 0


def test_export_from_store_and_reimport_is_lossless(tmp_path):
    db, out = tmp_path / "store.sqlite3", tmp_path / "out"
    out.mkdir()
    data = seed_dict("001")
    data["finance"]["expenditure"][0]["project"] = "2084.56"
    run("import", write_json(tmp_path / "ok.json", data), "--db", db)
    result = run("export", "--report", "1", "--db", db, "--out", out)
    assert result.returncode == 0, result.stderr
    [package] = list(out.iterdir())
    db2 = tmp_path / "other.sqlite3"
    assert run("import", package, "--db", db2).returncode == 0
    from models.codec import report_to_dict
    from models.store import Store
    store = Store(db2)
    assert normalized(report_to_dict(store.load(1))) == normalized(data)
    store.close()


def test_verify_detects_tampering(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    run("export", seed_path("000"), "--out", out, "--draft")
    [package] = list(out.iterdir())
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "data.json":
                content = content.replace("11207.11".encode(), "11207.12".encode(), 1)
            dst.writestr(info, content)
    result = run("verify", tampered)
    assert result.returncode == 1 and "校验值" in result.stderr


def test_export_to_missing_folder_is_a_message(tmp_path):
    result = run("export", seed_path("004"), "--out", tmp_path / "nope", "--draft")
    assert result.returncode == 1 and "不存在" in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_exported_package_is_readable_by_others_like_any_new_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    run("export", seed_path("004"), "--out", out, "--draft")
    [package] = list(out.iterdir())
    mask = os.umask(0o022)
    os.umask(mask)
    assert package.stat().st_mode & 0o777 == 0o666 & ~mask


def test_usage_errors_are_in_chinese():
    result = run("check")
    assert result.returncode == 2
    assert "缺少参数" in result.stderr and "用法" in result.stderr
    assert "usage" not in result.stderr and "required" not in result.stderr
