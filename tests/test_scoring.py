from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from conftest import load_seed
from models.money import D
from models.report import Indicator, Report
from models.scoring import (EffectiveRules, budget_execution_auto_score, closest_weight_preset, derive,
                            execution_ratio, grade_for,
                            score_indicator)
from models.templates import load_template

TEMPLATE = load_template("hunan")


def rules(**kw):
    base = dict(budget_execution="proportional", quantitative="proportional", satisfaction="quantitative",
                over_achievement_pct=D("20"), budget_execution_weight=D("10"))
    base.update(kw)
    return EffectiveRules(**base)


def quant(direction, target, actual, weight="10", **kw):
    return Indicator(name="x", level1=kw.pop("level1", "产出指标"), kind="quantitative", direction=direction,
                     target=D(target), actual=D(actual), weight=D(weight), **kw)


def test_seed_001_figures():
    derived = derive(load_seed("001"))
    assert derived.execution_rate == D("99.92")
    assert derived.budget_execution_auto == D("9.99")
    assert derived.budget_execution_score == D("9")     # the seed's override
    assert derived.indicator_score_total == D("90")
    assert derived.total_score == D("99")
    assert derived.grade == "优"


def test_seed_000_has_no_total_until_weights_are_set():
    derived = derive(load_seed("000"))
    assert derived.execution_rate == D("100")
    assert derived.total_score is None and derived.grade is None


@pytest.mark.parametrize("rate,rule,expected", [
    ("1", "proportional", "10"), ("0.9992", "proportional", "9.99"), ("1.05", "proportional", "10"),
    ("0.5", "proportional", "5"), ("1", "bands_101", "10"), ("0.9999", "bands_101", "7"),
    ("0.8", "bands_101", "7"), ("0.7999", "bands_101", "5"), ("0.6", "bands_101", "5"), ("0.5999", "bands_101", "0"),
])
def test_budget_execution_rules(rate, rule, expected):
    assert budget_execution_auto_score(D("10"), D(rate), rule, TEMPLATE) == D(expected)


@pytest.mark.parametrize("direction,target,actual,rule,expected", [
    (">=", "100", "100", "proportional", "10"), (">=", "100", "80", "proportional", "8"),
    ("<=", "10", "8", "proportional", "10"), ("<=", "10", "20", "proportional", "5"),
    ("<=", "0", "1", "proportional", "0"), ("=", "100", "90", "proportional", "9"),
    ("=", "100", "250", "proportional", "0"), (">=", "100", "80", "threshold_60", "5"),
    (">=", "100", "59", "threshold_60", "0"), (">=", "100", "60", "threshold_60", "0"),
    (">=", "3", "2", "proportional", "6.67"),
])
def test_quantitative_rules(direction, target, actual, rule, expected):
    result = score_indicator(quant(direction, target, actual), rules(quantitative=rule), TEMPLATE)
    assert result.score == D(expected)


def test_over_achievement_is_flagged_not_silent():
    result = score_indicator(quant(">=", "100", "125"), rules(), TEMPLATE)
    assert result.over_achieved and result.score == D("10")
    assert not score_indicator(quant(">=", "100", "119"), rules(), TEMPLATE).over_achieved


def test_satisfaction_bands_101():
    sat = quant(">=", "90", "85", level1="满意度指标")
    assert score_indicator(sat, rules(satisfaction="bands_101"), TEMPLATE).score == D("8")
    assert score_indicator(sat, rules(), TEMPLATE).score == D("9.44")


@pytest.mark.parametrize("band,expected", [("achieved", "10"), ("partly", "8"), ("not_achieved", "6")])
def test_qualitative_band_top(band, expected):
    indicator = Indicator(name="x", kind="qualitative", band=band, weight=D("10"))
    assert score_indicator(indicator, rules(), TEMPLATE).score == D(expected)


def test_override_wins_and_is_marked():
    indicator = quant(">=", "100", "100", score_override=D("9.5"))
    result = score_indicator(indicator, rules(), TEMPLATE)
    assert result.score == D("9.5") and result.auto == D("10") and result.overridden


@pytest.mark.parametrize("total,grade", [("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"),
                                         ("79.99", "中"), ("60", "中"), ("59.99", "差"), ("0", "差")])
def test_grade_band_edges(total, grade):
    assert grade_for(D(total), TEMPLATE) == grade


def test_total_is_sum_of_rounded_scores():
    report = Report(template="hunan")
    report.finance.overall_budget.full_year = D("3")
    report.finance.overall_budget.executed = D("2")
    report.evaluation.indicators = [quant(">=", "3", "2", weight="45"), quant(">=", "3", "2", weight="45")]
    derived = derive(report)
    assert derived.budget_execution_score == D("6.67")
    assert [s.score for s in derived.indicator_scores] == [D("30.00"), D("30.00")]
    assert derived.total_score == D("66.67")


decimals = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(direction=st.sampled_from([">=", "<=", "="]), target=decimals, actual=decimals, weight=weights,
       rule=st.sampled_from(["proportional", "threshold_60"]))
def test_score_between_zero_and_weight(direction, target, actual, weight, rule):
    indicator = Indicator(name="x", kind="quantitative", direction=direction, target=target, actual=actual,
                          weight=weight)
    score = score_indicator(indicator, rules(quantitative=rule), TEMPLATE).score
    assert Decimal(0) <= score <= weight


@given(target=decimals.filter(lambda d: d > 0), low=decimals, high=decimals, weight=weights,
       rule=st.sampled_from(["proportional", "threshold_60"]))
def test_score_monotone_in_actual(target, low, high, weight, rule):
    low, high = sorted((low, high))
    up = lambda a: score_indicator(Indicator(name="x", kind="quantitative", direction=">=", target=target, actual=a,
                                             weight=weight), rules(quantitative=rule), TEMPLATE).score
    down = lambda a: score_indicator(Indicator(name="x", kind="quantitative", direction="<=", target=target,
                                               actual=a, weight=weight), rules(quantitative=rule), TEMPLATE).score
    assert up(low) <= up(high)
    assert down(low) >= down(high)


@given(full_year=decimals.filter(lambda d: d > 0), executed=decimals,
       rule=st.sampled_from(["proportional", "bands_101"]))
def test_budget_execution_score_bounded(full_year, executed, rule):
    score = budget_execution_auto_score(D("10"), execution_ratio(full_year, executed), rule, TEMPLATE)
    assert Decimal(0) <= score <= D("10")


def test_closest_weight_preset_follows_the_report():
    presets = TEMPLATE.weight_presets
    keys = [preset["key"] for preset in presets]
    seed_weights = derive(load_seed("001")).weights_by_level1  # 产出40 效益20 满意度10 成本20
    assert keys[closest_weight_preset(presets, seed_weights)] == "101"
    assert keys[closest_weight_preset(presets, {"产出指标": D("50"), "效益指标": D("30"), "满意度指标": D("10")})] == "10"
    assert keys[closest_weight_preset(presets, {"成本指标": D("5")})] == "101"
    assert closest_weight_preset(presets, {}) == 0
