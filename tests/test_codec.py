import json

import pytest

from conftest import normalized, seed_dict, seed_path
from models.codec import FormatError, report_from_dict, report_from_json, report_to_dict, report_to_json
from models.store import Store


@pytest.mark.parametrize("seed", ["000", "001", "004"])
def test_seed_round_trip_file_store_file(seed, db_path):
    original = seed_dict(seed)
    store = Store(db_path)
    report_id = store.create(report_from_dict(original))
    again = report_to_dict(store.load(report_id))
    store.close()
    assert normalized(again) == normalized(original)
    # and a second pass is a fixed point, derived included
    assert report_to_dict(report_from_dict(again)) == again


def test_unknown_fields_are_ignored_but_extra_narrative_sections_kept():
    data = seed_dict("001")
    data["something_new"] = {"x": 1}
    data["unit"]["nickname"] = "芦淞"
    data["narrative"]["budget_management"] = "预算管理及执行情况……"
    out = report_to_dict(report_from_dict(data))
    assert "something_new" not in out and "nickname" not in out["unit"]
    assert out["narrative"]["budget_management"] == "预算管理及执行情况……"


def test_money_written_as_strings_exactly_as_entered():
    out = json.loads(report_to_json(report_from_json(seed_path("001").read_bytes())))
    budget = out["finance"]["overall_budget"]
    assert budget == {**budget, "initial": "2372.7", "full_year": "2227.73", "executed": "2225.97"}
    assert out["derived"] == {"execution_rate": "99.92", "budget_execution_score": "9",
                              "indicator_score_total": "90", "total_score": "99", "grade": "优"}


def _broken(mutate):
    data = seed_dict("001")
    mutate(data)
    return data


@pytest.mark.parametrize("mutate,path,words", [
    (lambda d: d.update(format="other"), "format", "format"),
    (lambda d: d.update(version=2), "version", "版本"),
    (lambda d: d.update(year=1999), "year", "超出范围"),
    (lambda d: d.update(year="2023"), "year", "整数"),
    (lambda d: d.update(template="beijing"), "template", "beijing"),
    (lambda d: d["finance"]["overall_budget"].update(initial=2372.7), "finance.overall_budget.initial", "文本"),
    (lambda d: d["finance"]["overall_budget"].update(initial="-1"), "finance.overall_budget.initial", "负数"),
    (lambda d: d["finance"]["overall_budget"].update(executed="1.1234567"), "finance.overall_budget.executed", "6位小数"),
    (lambda d: d["finance"]["projects"][0].update(initial="*"), "finance.projects[0].initial", "留空"),
    (lambda d: d["evaluation"]["indicators"][2].update(kind="fuzzy"), "evaluation.indicators[2].kind", "fuzzy"),
    (lambda d: d["unit"]["staffing"].update(retired=1.5), "unit.staffing.retired", "整数"),
    (lambda d: d["unit"].update(functions="一条"), "unit.functions", "列表"),
    (lambda d: d.update(report_date="2024-13-40"), "report_date", "日期"),
])
def test_bad_files_name_the_json_path(mutate, path, words):
    with pytest.raises(FormatError) as info:
        report_from_dict(_broken(mutate))
    assert info.value.path == path
    assert words in info.value.message


@pytest.mark.parametrize("raw,words", [
    (b"\xff\xfe{}", "UTF-8"), (b"{not json", "JSON"), (b"[1, 2]", "对象"),
    (b'{"format": "zipingtong-report", "format": "x"}', "重复"),
    (b'{"format": "zipingtong-report", "version": NaN}', "NaN"),
])
def test_unparseable_files(raw, words):
    with pytest.raises(FormatError) as info:
        report_from_json(raw)
    assert words in info.value.message


def test_missing_money_means_not_filled_not_zero():
    data = seed_dict("001")
    del data["finance"]["overall_budget"]["initial"]
    data["finance"]["overall_budget"]["full_year"] = None
    report = report_from_dict(data)
    assert report.finance.overall_budget.initial is None and report.finance.overall_budget.full_year is None
