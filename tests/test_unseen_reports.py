"""Reports nobody here had seen: check, import, export, verify and re-import them end to end.

The fixtures in tests/fixtures/unseen/ were written by hand (README there), unlike the seeds:
several institutions with 6-decimal money, 33 projects, 25 indicators, a Guangdong report with
tasks, drafts without an indicator table, the optional scoring rules, another sector. Their
``derived`` blocks hold figures worked out by hand from domain.md; the program must agree.
"""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from pypdf import PdfReader

import main
from conftest import FIXTURES, ROOT, normalized
from report_text import squeeze

UNSEEN = FIXTURES / "unseen"
DERIVED_KEYS = ("execution_rate", "budget_execution_score", "indicator_score_total", "total_score", "grade")


def unseen(name: str) -> Path:
    return UNSEEN / f"{name}.json"


def unseen_dict(name: str) -> dict:
    return json.loads(unseen(name).read_text(encoding="utf-8"))


# name → (check exit code, error paths, warning paths)
EXPECTED = {
    "a_generic_county_veterans_3_institutions": (0, [], []),
    "c_guangdong_tasks": (0, [], []),
    "d1_no_indicators_key": (1, ["evaluation.indicators"], []),
    "d2_empty_indicators": (1, ["evaluation.indicators"], []),
    "e_optional_rules": (0, [], []),
    "f_county_agriculture_single_institution": (0, [], []),
}
DRAFTS = {"d1_no_indicators_key", "d2_empty_indicators"}


def cli(capsys, *args) -> tuple[int, str, str]:
    """main.main in this process (fast); the output as the clerk would see it."""
    code = main.main([str(a) for a in args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err, captured.err
    return code, captured.out, captured.err


def run(*args) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True,
                            text=True, encoding="utf-8", stdin=subprocess.DEVNULL, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


# --- check ------------------------------------------------------------------------------

def test_fixtures_are_what_the_brief_asks_for():
    """Guard the fixtures themselves: a later edit must not quietly make them easy."""
    a = unseen_dict("a_generic_county_veterans_3_institutions")
    assert a["template"] == "generic" and a["unit"]["level"] == "县级"
    assert [i["kind"] for i in a["unit"]["institutions"]] == ["本级", "下属事业单位", "下属事业单位"]
    for table in (a["finance"]["income"], a["finance"]["expenditure"], a["finance"]["three_public"]["by_institution"],
                  a["finance"]["assets"]["by_institution"]):
        assert len(table) == 3
    assert len(a["finance"]["projects"]) >= 30
    indicators = a["evaluation"]["indicators"]
    assert len(indicators) == 25 and {i["kind"] for i in indicators} == {"quantitative", "qualitative"}
    weights = {}
    for indicator in indicators:
        weights[indicator["level1"]] = weights.get(indicator["level1"], 0) + Decimal(indicator["weight"])
    assert weights == {"产出指标": 40, "效益指标": 20, "成本指标": 20, "满意度指标": 10}  # 101号 preset
    assert all(a["narrative"][key].strip() for key in
               ("work_summary", "project_performance", "problems", "improvements", "application", "other"))
    assert len(a["evaluation"]["evaluators"]) == 3
    six_places = [v for v in re.findall(r'"(\d+\.\d+)"', unseen(
        "a_generic_county_veterans_3_institutions").read_text(encoding="utf-8")) if len(v.split(".")[1]) == 6]
    assert len(six_places) > 20
    assert "indicators" not in unseen_dict("d1_no_indicators_key")["evaluation"]
    assert unseen_dict("d2_empty_indicators")["evaluation"]["indicators"] == []
    f = unseen_dict("f_county_agriculture_single_institution")
    assert {"budget_management", "asset_management", "evaluation_process"} <= set(f["narrative"])
    assert "退役" not in json.dumps(f, ensure_ascii=False)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_json_matches_hand_figures(capsys, name):
    code, errors, warnings = EXPECTED[name]
    rc, out, _err = cli(capsys, "check", unseen(name), "--json")
    result = json.loads(out)
    assert rc == code, result
    assert [e["path"] for e in result["errors"]] == errors
    assert [w["path"] for w in result["warnings"]] == warnings
    # the figures worked out by hand, written into the fixture's derived block
    assert result["derived"] == {key: unseen_dict(name)["derived"][key] for key in DERIVED_KEYS}


def test_check_subprocess_clean_report_and_seven_decimals():
    clean = run("check", unseen("a_generic_county_veterans_3_institutions"), "--json")
    assert clean.returncode == 0
    assert json.loads(clean.stdout)["derived"] == {"execution_rate": "99.71", "budget_execution_score": "9.97",
                                                   "indicator_score_total": "88.23", "total_score": "98.2",
                                                   "grade": "优"}
    bad = run("check", unseen("b_seven_decimals"), "--json")
    assert bad.returncode == 2
    out = json.loads(bad.stdout)
    assert out["derived"] == {} and out["warnings"] == []
    [error] = out["errors"]
    assert error["path"] == "finance.expenditure[0].public_use"
    assert "26.7777876" in error["message"] and "6位小数" in error["message"]
    plain = run("check", unseen("b_seven_decimals"))
    assert plain.returncode == 2 and "finance.expenditure[0].public_use" in plain.stderr


def test_seven_decimals_refused_by_import_and_export(capsys, tmp_path):
    db = tmp_path / "store.sqlite3"
    rc, _out, err = cli(capsys, "import", unseen("b_seven_decimals"), "--db", db)
    assert rc == 2 and "finance.expenditure[0].public_use" in err
    rc, out, _err = cli(capsys, "list", "--db", db)
    assert "还没有报告" in out
    target = tmp_path / "out"
    target.mkdir()
    rc, _out, err = cli(capsys, "export", unseen("b_seven_decimals"), "--out", target, "--draft")
    assert rc == 2 and not list(target.iterdir())


def test_over_achievement_needs_confirmation(capsys, tmp_path):
    """e4 beats its target by 50 % (threshold 30 %): confirmed, it is quiet; unconfirmed, a warning."""
    data = unseen_dict("e_optional_rules")
    data["evaluation"]["indicators"][3].pop("over_achievement_confirmed")
    path = tmp_path / "e.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rc, out, _err = cli(capsys, "check", path, "--json")
    result = json.loads(out)
    assert rc == 0 and [w["path"] for w in result["warnings"]] == ["evaluation.indicators[3].actual"]
    # the derived block of the file still matches: a warning changes no score
    assert result["derived"]["total_score"] == "73.13"


def test_optional_rules_scores_by_hand(tmp_path):
    """Each indicator of fixture e against the score worked out by hand (domain.md, Scoring)."""
    from models.codec import report_from_dict
    from models.scoring import derive
    report = report_from_dict(unseen_dict("e_optional_rules"))
    derived = derive(report)
    by_hand = {"e1": "3.75", "e2": "0", "e3": "10", "e4": "5", "e5": "6.88", "e6": "10", "e7": "7.5", "e8": "5",
               "e9": "9", "e10": "4", "e11": "5"}
    got = {i.id: result.score for i, result in zip(report.evaluation.indicators, derived.indicator_scores)}
    assert got == {key: Decimal(value) for key, value in by_hand.items()}
    assert derived.budget_execution_score == Decimal("7")  # 92 % under bands_101 → 70 % of 10
    assert [i.id for i, r in zip(report.evaluation.indicators, derived.indicator_scores) if r.over_achieved] == \
        ["e4", "e9"]


# --- import → export → verify → re-import -----------------------------------------------

def _export_round_trip(capsys, tmp_path: Path, name: str) -> tuple[Path, dict]:
    """Import into a fresh store, export from it, verify, re-import into another store."""
    draft = name in DRAFTS
    first_db, second_db = tmp_path / "first.sqlite3", tmp_path / "second.sqlite3"
    rc, out, _err = cli(capsys, "import", unseen(name), "--db", first_db)
    assert rc == 0
    assert ("尚未完成" in out) == draft
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    if draft:
        rc, _out, err = cli(capsys, "export", "--report", "1", "--db", first_db, "--out", out_dir)
        assert rc == 1 and "--draft" in err and not list(out_dir.iterdir())
    args = ["export", "--report", "1", "--db", first_db, "--out", out_dir] + (["--draft"] if draft else [])
    rc, out, err = cli(capsys, *args)
    assert rc == 0, err
    [package] = list(out_dir.iterdir())
    rc, out, err = cli(capsys, "verify", package)
    assert rc == 0, err
    assert ("（草稿）" in out) == draft
    rc, out, _err = cli(capsys, "check", package, "--json")  # the package checks as the file did
    checked = json.loads(out)
    assert rc == EXPECTED[name][0] and [e["path"] for e in checked["errors"]] == EXPECTED[name][1]
    assert checked["derived"] == {key: unseen_dict(name)["derived"][key] for key in DERIVED_KEYS}
    rc, _out, err = cli(capsys, "import", package, "--db", second_db)
    assert rc == 0, err

    from models.codec import report_to_dict
    from models.store import Store
    store = Store(second_db)
    try:
        [summary] = store.list_reports()
        reimported = report_to_dict(store.load(summary.id))
    finally:
        store.close()
    original = unseen_dict(name)
    assert normalized(reimported) == normalized(original)
    with zipfile.ZipFile(package) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    manifest = json.loads(members["manifest.json"])
    assert manifest["draft"] is draft
    assert sorted(entry["role"] for entry in manifest["files"]) == ["data", "report_docx", "report_pdf", "tables_xlsx"]
    data = json.loads(members["data.json"])
    assert normalized(data) == normalized(original)
    assert {key: data["derived"][key] for key in DERIVED_KEYS} == {key: original["derived"][key] for key in DERIVED_KEYS}
    documents = {entry["role"]: members[entry["name"]] for entry in manifest["files"]}
    return package, documents


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def xlsx_cells(content: bytes) -> list:
    """Every filled cell of every sheet: (sheet, value, number_format)."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [(ws.title, cell.value, cell.number_format) for ws in workbook.worksheets for row in ws.iter_rows()
            for cell in row if cell.value is not None]


def xlsx_has_number(cells, figure: str) -> bool:
    """A number cell holding exactly ``figure`` and formatted with all of its decimals."""
    places = len(figure.split(".")[1]) if "." in figure else 0
    for _sheet, value, number_format in cells:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and Decimal(repr(value)) == Decimal(figure):
            if places <= 2 or number_format.endswith("." + "0" * places):
                return True
    return False


def test_a_three_institutions_round_trip_and_documents(capsys, tmp_path):
    name = "a_generic_county_veterans_3_institutions"
    _package, documents = _export_round_trip(capsys, tmp_path, name)
    data = unseen_dict(name)
    pdf = pdf_text(documents["report_pdf"])
    flat = squeeze(pdf)
    docx = squeeze(docx_text(documents["report_docx"]))
    cells = xlsx_cells(documents["tables_xlsx"])
    xlsx = squeeze("\n".join(str(value) for _s, value, _f in cells))

    # the 6-decimal executed total, with all its decimals, in the prose and in the tables
    assert "9692.786137万元" in flat and "9692.786137万元" in docx
    assert "9,692.786137" in flat and "9,692.786137" in docx
    assert xlsx_has_number(cells, "9692.786137")
    for institution in ("局机关", "县退役军人服务中心", "县光荣院"):
        for text in (flat, docx, xlsx):
            assert institution in text
    # per-institution rows, each with its 6 decimals
    for figure in ("6621.902741", "1613.624421", "398.580948", "26.777788", "6167.527684", "1577.793927",
                   "5.824371", "7.704188"):
        grouped = f"{Decimal(figure):,f}"
        assert grouped in flat, figure
        assert grouped in docx, figure
        assert xlsx_has_number(cells, figure), figure
    # every project by name in the PDF and the workbook
    for project in data["finance"]["projects"]:
        assert project["name"] in flat, project["name"]
        assert project["name"] in xlsx, project["name"]
    # scores and grade as the generic template prints them
    assert "98.2" in flat and "优秀" in flat and "99.71%" in flat
    for indicator in data["evaluation"]["indicators"]:
        assert indicator["name"] in flat, indicator["name"]


def test_pdf_money_cells_do_not_wrap_inside_a_number(capsys, tmp_path):
    """A 6-decimal figure in a narrow column stays on one line (a wrapped figure misreads as two)."""
    _package, documents = _export_round_trip(capsys, tmp_path, "a_generic_county_veterans_3_institutions")
    lines = pdf_text(documents["report_pdf"]).splitlines()
    for figure in ("6,621.902741", "6,167.527684", "1,606.162362", "8,978.556137", "9,593.645812"):
        assert any(figure in line for line in lines), figure


def test_c_guangdong_round_trip_and_documents(capsys, tmp_path):
    name = "c_guangdong_tasks"
    _package, documents = _export_round_trip(capsys, tmp_path, name)
    data = unseen_dict(name)
    flat = squeeze(pdf_text(documents["report_pdf"]))
    docx = squeeze(docx_text(documents["report_docx"]))
    for text in (flat, docx):
        for task in data["tasks"]:
            assert task["name"] in text
        for indicator in data["evaluation"]["indicators"]:
            assert indicator["name"] in text
        # scores on the 100-point scale Guangdong prints: 7.6 of 8 → 95, 4.8 of 6 → 80
        assert "指标1“退役士兵技能培训人数”部分完成。" in text and "该项得分95分" in text
        assert "该项得分80分" in text
        assert "6032.917356万元" in text and "97.06%" in text
        assert "98.11" in text
    cells = xlsx_cells(documents["tables_xlsx"])
    assert xlsx_has_number(cells, "6032.917356") and xlsx_has_number(cells, "4571.837356")


@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_draft_without_indicators_round_trip(capsys, tmp_path, name):
    _package, documents = _export_round_trip(capsys, tmp_path, name)
    data = unseen_dict(name)
    flat = squeeze(pdf_text(documents["report_pdf"]))
    assert data["unit"]["name"] in flat
    for institution in data["unit"]["institutions"]:
        if len(data["unit"]["institutions"]) > 1:
            assert institution["name"] in flat
    for project in data["finance"]["projects"]:
        assert project["name"] in flat
    assert data["finance"]["overall_budget"]["executed"] + "万元" in flat
    cells = xlsx_cells(documents["tables_xlsx"])
    assert any(isinstance(value, str) and "草稿" in value for _s, value, _f in cells)


def test_d1_subprocess_flow(tmp_path):
    """The same draft through real processes: import unfinished, final export refused, draft verified."""
    db = tmp_path / "store.sqlite3"
    imported = run("import", unseen("d1_no_indicators_key"), "--db", db)
    assert imported.returncode == 0 and "尚未完成" in imported.stdout and "evaluation.indicators" in imported.stdout
    out = tmp_path / "out"
    out.mkdir()
    assert run("export", "--report", "1", "--db", db, "--out", out).returncode == 1
    assert run("export", "--report", "1", "--db", db, "--out", out, "--draft").returncode == 0
    [package] = list(out.iterdir())
    assert run("verify", package).returncode == 0


def test_e_optional_rules_round_trip_and_documents(capsys, tmp_path):
    name = "e_optional_rules"
    _package, documents = _export_round_trip(capsys, tmp_path, name)
    flat = squeeze(pdf_text(documents["report_pdf"]))
    assert "73.13" in flat and "92%" in flat and "“中”" in flat
    cells = xlsx_cells(documents["tables_xlsx"])
    values = [value for _s, value, _f in cells]
    assert "超额完成，已确认" in values
    assert "财预〔2021〕101号分档" in values


def test_f_other_sector_round_trip_keeps_extra_narrative(capsys, tmp_path):
    name = "f_county_agriculture_single_institution"
    _package, documents = _export_round_trip(capsys, tmp_path, name)
    data = unseen_dict(name)
    flat = squeeze(pdf_text(documents["report_pdf"]))
    docx = squeeze(docx_text(documents["report_docx"]))
    for text in (flat, docx):
        assert "西华县农业农村局" in text and "17980.2455万元" in text and "97.12" in text
        assert "退役" not in text  # nothing veterans-specific leaks into another sector's report
    for project in data["finance"]["projects"]:
        assert project["name"] in flat
    # 耕地质量平均等级 (direction =) and the building row
    assert "耕地质量平均等级" in flat and "县农产品质量检测中心业务用房" in flat


def test_docx_wide_figures_are_set_smaller_than_their_narrow_cell():
    """Word breaks a figure wider than its cell inside the number; such a figure gets a smaller size."""
    from docx.shared import Pt

    from export import docx_report
    from models.codec import report_from_dict
    doc = Document(io.BytesIO(docx_report.render(report_from_dict(
        unseen_dict("a_generic_county_veterans_3_institutions")), False)))
    sizes = {}
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        sizes.setdefault(run.text, run.font.size)
    for figure in ("6,621.902741", "6,167.527684", "9,593.645812"):
        assert sizes[figure] is not None and sizes[figure] < Pt(10.5), figure
    assert sizes["398.580948"] is None  # fits: the table style's size


def test_indicator_values_are_printed_as_entered_in_the_tables():
    """i19's actual 9692.786137万元 and i20's 12.139371万元 are figures, not scores: never rounded."""
    from export import pdf_report
    from models.codec import report_from_dict
    report = report_from_dict(unseen_dict("a_generic_county_veterans_3_institutions"))
    flat = squeeze(pdf_text(pdf_report.render(report, False)))
    # 附件 自评表 row and the 定量 table row of each indicator
    assert flat.count("部门整体支出控制数9721.35万元9692.786137万元") == 1
    assert flat.count("部门整体支出控制数≤9721.35万元9692.786137万元") == 1
    assert "三公经费支出≤13.5万元12.139371万元" in flat
    assert "9692.79万元" not in flat and "12.14万元" not in flat


# --- no false alarms on correct real-world reports ----------------------------------------

def _check_variant(capsys, tmp_path, data: dict) -> tuple[int, dict]:
    """check --json of an edited fixture; its hand figures no longer apply, so they go."""
    data = {key: value for key, value in data.items() if key != "derived"}
    path = tmp_path / "variant.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rc, out, _err = cli(capsys, "check", path, "--json")
    return rc, json.loads(out)


def test_project_without_adjustment_column_is_not_an_error(capsys, tmp_path):
    """Many 决算 tables have no 调整数 column: initial 2950, full-year 3136.35, adjustment not filled."""
    data = unseen_dict("a_generic_county_veterans_3_institutions")
    data["finance"]["projects"][0]["adjustment"] = None
    rc, result = _check_variant(capsys, tmp_path, data)
    assert rc == 0 and result["errors"] == [], result
    data["finance"]["projects"][0]["adjustment"] = "186.3"  # filled, and 0.05 short: still an error
    rc, result = _check_variant(capsys, tmp_path, data)
    assert rc == 1 and [e["path"] for e in result["errors"]] == ["finance.projects[0].full_year"]


def test_rows_rounded_to_two_decimals_may_miss_their_total_by_rounding(capsys, tmp_path):
    """决算 tables print each institution's figure rounded from 元 to 0.01万元, and the total rounded
    from the exact sum: six rows each 0.004 low (398.584 → 398.58 …) print 714.21 against a total of
    714.23 (exact 714.234). Correct and consistent: no error. A real gap of 0.1 still is one."""
    data = unseen_dict("a_generic_county_veterans_3_institutions")
    rows = data["finance"]["expenditure"]
    printed = [("398.58", "26.77", "6167.52"), ("152.30", "18.25", "1204.86"), ("86.91", "31.40", "1606.16")]
    for row, (personnel, public_use, project) in zip(rows, printed):
        row.update(personnel=personnel, public_use=public_use, project=project)
    budget = data["finance"]["overall_budget"]
    budget["by_nature"] = {"basic": "714.23", "project": "8978.55"}  # exact 714.234 and 8978.552
    budget["executed"] = "9692.78"
    rc, result = _check_variant(capsys, tmp_path, data)
    assert rc == 0 and result["errors"] == [], result
    rows[0]["personnel"] = "398.48"
    rc, result = _check_variant(capsys, tmp_path, data)
    assert [e["path"] for e in result["errors"]] == ["finance.expenditure[0].personnel"]
    assert "714.11" in result["errors"][0]["message"]


def test_three_public_rows_rounded_to_two_decimals(capsys, tmp_path):
    """公务接待 exactly 3.215 + 0.595 + 0.405 = 4.215, the total typed exactly, the institutions' rows
    printed rounded: 3.22 + 0.60 + 0.41 = 4.23, 0.015 off by rounding alone."""
    data = unseen_dict("a_generic_county_veterans_3_institutions")
    for row, value in zip(data["finance"]["three_public"]["by_institution"], ("3.22", "0.60", "0.41")):
        row["reception"] = value
    data["finance"]["three_public"]["reception"]["final"] = "4.215"
    rc, result = _check_variant(capsys, tmp_path, data)
    assert rc == 0 and result["errors"] == [], result


def test_by_nature_as_budget_split_is_not_an_error_against_spending_rows(capsys, tmp_path):
    """Hunan's 附件3 prints 按支出性质分 in the 年度预算申请 block: many units split the full-year budget
    there (720.5 + 9000.85 = 9721.35), while the institutions' rows are what was spent (= executed).
    Both tables are right: a warning about by_nature, no error on the rows."""
    data = unseen_dict("a_generic_county_veterans_3_institutions")
    data["finance"]["overall_budget"]["by_nature"] = {"basic": "720.5", "project": "9000.85"}
    rc, result = _check_variant(capsys, tmp_path, data)
    assert rc == 0 and result["errors"] == [], result
    assert [w["path"] for w in result["warnings"]] == ["finance.overall_budget.by_nature.project"]
    # rows that match neither the by_nature split nor the executed total are still an error
    data["finance"]["expenditure"][2]["project"] = "1506.162362"
    rc, result = _check_variant(capsys, tmp_path, data)
    assert rc == 1 and "finance.expenditure[0].project" in [e["path"] for e in result["errors"]]


def test_qualitative_score_on_the_lower_edge_of_its_band(capsys, tmp_path):
    """10号: 达成年度指标 100–80 %（含）. i8 (weight 4) achieved with 3.2 = 80 % is inside its band."""
    data = unseen_dict("a_generic_county_veterans_3_institutions")
    indicator = data["evaluation"]["indicators"][7]
    assert indicator["id"] == "i8" and indicator["band"] == "achieved" and indicator["weight"] == "4"
    indicator.update(score_override="3.2", deviation="个别服务站档案管理不够规范；下一年度开展专项整改。")
    rc, result = _check_variant(capsys, tmp_path, data)
    assert rc == 0 and result["errors"] == [], result
    assert result["derived"]["indicator_score_total"] == "87.43"  # 88.23 − 0.8
    indicator["score_override"] = "3.1"  # 77.5 %: below the band
    rc, result = _check_variant(capsys, tmp_path, data)
    assert [e["path"] for e in result["errors"]] == ["evaluation.indicators[7].score_override"]


def test_over_achievement_lowered_to_zero_by_hand_is_answered(capsys, tmp_path):
    """The clerk may answer an over-achievement by lowering the score, down to 0 (a Decimal 0 is falsy)."""
    data = unseen_dict("e_optional_rules")
    indicator = data["evaluation"]["indicators"][3]
    indicator.pop("over_achievement_confirmed")
    indicator.update(score_override="0", override_reason="指标值设置明显偏低，按10号第十六条不得分",
                     deviation="年度指标值设置偏低；下一年度按实际能力设置。")
    rc, result = _check_variant(capsys, tmp_path, data)
    assert rc == 0 and result["warnings"] == [] and result["errors"] == [], result
    assert result["derived"]["indicator_score_total"] == "61.13"  # 66.13 − 5


def test_sums_of_six_decimal_rows_drop_trailing_zeros():
    """合计 of 398.580948 + 152.304517 + 86.914535 prints 637.80, not 637.800000; 1.838546 keeps its 6."""
    from export import pdf_report, xlsx_tables
    from models.codec import report_from_dict
    report = report_from_dict(unseen_dict("a_generic_county_veterans_3_institutions"))
    flat = squeeze(pdf_text(pdf_report.render(report, False)))
    assert "合计637.8076.43" in flat and "637.800000" not in flat
    assert "1.838546" in flat and "8,978.556137" in flat
    cells = xlsx_cells(xlsx_tables.render(report, False))
    formats = {Decimal(repr(value)): number_format for _s, value, number_format in cells
               if isinstance(value, (int, float)) and not isinstance(value, bool)}
    assert formats[Decimal("637.8")] == "#,##0.00" and formats[Decimal("76.43")] == "#,##0.00"
    assert formats[Decimal("1.838546")] == "#,##0.000000"
