from decimal import Decimal

import pytest

from conftest import load_seed
from models.checks import ERROR, WARNING, derived_mismatches, run_checks, step_of
from models.money import D
from models.report import Indicator, Project


def problems_at(report, path):
    return [p for p in run_checks(report) if p.path == path]


def only(report, path, severity):
    found = problems_at(report, path)
    assert found, f"no problem at {path}"
    assert all(p.severity == severity for p in found), found
    return found[0]


def test_seed_000_totals_add_up_so_no_nature_warning():
    report = load_seed("000")
    nature = report.finance.overall_budget.by_nature
    assert nature.basic + nature.project == D("11207.11") == report.finance.overall_budget.executed
    assert not problems_at(report, "finance.overall_budget.by_nature.project")


def test_seed_000_missing_weights_are_errors_at_each_indicator():
    report = load_seed("000")
    for index in range(len(report.evaluation.indicators)):
        only(report, f"evaluation.indicators[{index}].weight", ERROR)


def test_seed_001_contradictions_are_flagged():
    report = load_seed("001")
    nature = only(report, "finance.overall_budget.by_nature.project", WARNING)
    assert "1.76" in nature.message
    rows = only(report, "finance.expenditure[0].project", ERROR)
    assert "2071.33" in rows.message and "2084.56" in rows.message
    assert "结余结转" in only(report, "finance.projects[1].carryover", WARNING).message
    assert "成本指标" in only(report, "evaluation.indicators[9].direction", WARNING).message
    assert "第十六条" in only(report, "evaluation.indicators[10].actual", WARNING).message


def test_seed_001_scores_break_no_rule():
    report = load_seed("001")
    paths = {p.path for p in run_checks(report)}
    assert not any(p.startswith("evaluation.budget_execution") for p in paths)
    assert not any(p.endswith((".deviation", ".score_override", ".weight")) for p in paths)
    assert "evaluation.indicators" not in paths  # weights sum to 100


def test_seed_004_has_no_indicators():
    report = load_seed("004")
    assert "至少需要一项绩效指标" in only(report, "evaluation.indicators", ERROR).message


def test_required_fields():
    report = load_seed("001")
    report.unit.name = " "
    report.unit.contact.phone = None
    report.narrative["problems"] = ""
    report.narrative.pop("improvements", None)
    for path in ("unit.name", "unit.contact.phone", "narrative.problems", "narrative.improvements"):
        only(report, path, ERROR)


def test_weights_must_sum_to_100():
    report = load_seed("001")
    report.evaluation.indicators[0].weight = D("11")
    assert "101" in only(report, "evaluation.indicators", ERROR).message


def test_score_below_weight_needs_deviation():
    report = load_seed("001")
    indicator = report.evaluation.indicators[1]
    indicator.actual = D("90")  # 质量指标 100% target → 9 of 10
    message = only(report, "evaluation.indicators[1].deviation", ERROR).message
    assert "得分9" in message and "分值10" in message
    indicator.deviation = "部分经费使用不规范，已整改"
    assert not problems_at(report, "evaluation.indicators[1].deviation")


def test_override_out_of_range_and_without_reason():
    report = load_seed("001")
    report.evaluation.indicators[1].score_override = D("12")
    only(report, "evaluation.indicators[1].score_override", ERROR)
    report.evaluation.indicators[1].score_override = D("9.5")
    assert problems_at(report, "evaluation.indicators[1].override_reason")
    report.evaluation.budget_execution.override_reason = ""
    only(report, "evaluation.budget_execution.override_reason", ERROR)


def test_qualitative_score_outside_band_is_error():
    report = load_seed("001")
    index = next(i for i, ind in enumerate(report.evaluation.indicators) if ind.kind == "qualitative")
    indicator = report.evaluation.indicators[index]
    indicator.band = "achieved"
    indicator.score_override = indicator.weight * Decimal("0.7")
    indicator.deviation = "x"
    assert "档" in only(report, f"evaluation.indicators[{index}].score_override", ERROR).message
    indicator.band = "partly"
    assert not problems_at(report, f"evaluation.indicators[{index}].score_override")


def test_project_sums():
    report = load_seed("001")
    report.finance.projects.append(Project(name="新项目", initial=D("10"), adjustment=D("-2"), full_year=D("9"),
                                           executed=D("9.5")))
    index = len(report.finance.projects) - 1
    assert "10.00" in only(report, f"finance.projects[{index}].full_year", ERROR).message
    only(report, f"finance.projects[{index}].executed", ERROR)


def test_low_execution_rate_warns_and_overspend_errors():
    report = load_seed("001")
    budget = report.finance.overall_budget
    budget.executed = D("1500")
    assert "执行率" in only(report, "finance.overall_budget.executed", WARNING).message
    budget.executed = D("2300")
    only(report, "finance.overall_budget.executed", ERROR)


def test_by_source_must_equal_full_year():
    report = load_seed("001")
    report.finance.overall_budget.by_source.gov_fund = D("5")
    only(report, "finance.overall_budget.by_source.general_public", ERROR)


def test_three_public_warnings_and_yuan_in_wanyuan():
    report = load_seed("001")
    reception = report.finance.three_public.reception
    reception.prev_final, reception.budget, reception.final = D("4.2"), D("4"), D("4215")
    messages = [p.message for p in problems_at(report, "finance.three_public.reception.final")]
    assert any("超过预算数" in m for m in messages) and any("元" in m and "万元" in m for m in messages)


def test_staffing_over_authorized_and_percent_over_100():
    report = load_seed("001")
    report.unit.staffing.actual_in_service = 9
    only(report, "unit.staffing.actual_in_service", WARNING)
    indicator = report.evaluation.indicators[1]
    indicator.actual = D("120")
    assert "100%" in only(report, "evaluation.indicators[1].actual", WARNING).message


def test_quantitative_needs_numbers():
    report = load_seed("001")
    report.evaluation.indicators.append(Indicator(name="新增指标", level1="产出指标", kind="quantitative",
                                                  target_text="若干", weight=D("0")))
    index = len(report.evaluation.indicators) - 1
    assert "若干" in only(report, f"evaluation.indicators[{index}].target", ERROR).message
    only(report, f"evaluation.indicators[{index}].actual", ERROR)


@pytest.mark.parametrize("path,step", [
    ("unit.name", 0), ("tasks[0].name", 0), ("finance.projects[3].executed", 1),
    ("evaluation.indicators[2].target", 2), ("evaluation.indicators[2].deviation", 3),
    ("evaluation.budget_execution.score_override", 3), ("narrative.problems", 4),
])
def test_step_of(path, step):
    assert step_of(path) == step


def test_derived_mismatch_is_a_warning():
    found = derived_mismatches({"total_score": "98", "grade": "优", "execution_rate": "99.920"},
                               {"total_score": "99", "grade": "优", "execution_rate": "99.92"})
    assert [p.path for p in found] == ["derived.total_score"]
    assert found[0].severity == WARNING
