"""Scores, totals and grade as pure functions of the report and its template (domain.md, Scoring).

Every derived figure the program shows or prints comes from ``derive``: nothing is typed twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .money import HUNDRED, ZERO, round2, to_text, trim
from .report import Indicator, Report
from .templates import Template, load_template

ONE = Decimal(1)


@dataclass(frozen=True)
class EffectiveRules:
    budget_execution: str
    quantitative: str
    satisfaction: str
    over_achievement_pct: Decimal
    budget_execution_weight: Decimal


def effective_rules(report: Report, template: Template | None = None) -> EffectiveRules:
    template = template or load_template(report.template)
    chosen = report.evaluation.rules
    weight = report.evaluation.budget_execution.weight
    return EffectiveRules(
        budget_execution=chosen.budget_execution or template.rule("budget_execution"),
        quantitative=chosen.quantitative or template.rule("quantitative"),
        satisfaction=chosen.satisfaction or template.rule("satisfaction"),
        over_achievement_pct=(chosen.over_achievement_pct if chosen.over_achievement_pct is not None
                              else template.decimal_rule("over_achievement_pct")),
        budget_execution_weight=weight if weight is not None else template.decimal_rule("budget_execution_weight"),
    )


# --- budget execution -------------------------------------------------------------------

def execution_ratio(full_year: Decimal | None, executed: Decimal | None) -> Decimal | None:
    """executed / full_year, exact (not a percent); None when it cannot be computed."""
    if full_year is None or executed is None or full_year == 0:
        return None
    return executed / full_year


def execution_rate_pct(full_year: Decimal | None, executed: Decimal | None) -> Decimal | None:
    ratio = execution_ratio(full_year, executed)
    return None if ratio is None else round2(ratio * HUNDRED)


def _band_share(value_pct: Decimal, bands) -> Decimal:
    for band in bands:  # sorted high → low
        if value_pct >= band.low:
            return band.share
    return ZERO


def budget_execution_auto_score(weight: Decimal, ratio: Decimal | None, rule: str,
                                template: Template) -> Decimal | None:
    if ratio is None:
        return None
    if rule == "bands_101":
        return round2(weight * _band_share(ratio * HUNDRED, template.bands("execution_bands_101")) / HUNDRED)
    return round2(weight * min(ratio, ONE))


# --- indicators -------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorScore:
    auto: Decimal | None          # what the rule gives (None: not enough data to score)
    score: Decimal | None         # what counts: the override when set, else auto
    rule: str                     # plain Chinese: which rule produced ``auto``
    completion: Decimal | None = None  # completion rate r (quantitative), exact
    over_achieved: bool = False   # beyond target by more than the template's threshold
    overridden: bool = False


def is_satisfaction(indicator: Indicator) -> bool:
    return "满意" in (indicator.level1 or "") or "满意" in (indicator.level2 or "")


def completion_ratio(direction: str, target: Decimal, actual: Decimal) -> Decimal:
    """r of domain.md: 1 or more means the target is met."""
    if direction == "<=":
        if actual <= target:
            return ONE
        return ZERO if target == 0 else target / actual
    if direction == "=":
        if actual == target:
            return ONE
        return ZERO if target == 0 else max(ZERO, ONE - abs(actual - target) / target)
    if actual >= target:
        return ONE
    return ZERO if target == 0 else actual / target


def is_over_achieved(direction: str, target: Decimal, actual: Decimal, pct: Decimal) -> bool:
    """10号 第十六条: a target beaten by more than pct % was probably set too low."""
    margin = pct / HUNDRED
    if direction == ">=" and target > 0:
        return actual > target * (ONE + margin)
    if direction == "<=" and target > 0:
        return actual < target * (ONE - margin)
    return False


def quantitative_score(weight: Decimal, ratio: Decimal, rule: str, floor_pct: Decimal) -> Decimal:
    if ratio >= ONE:
        return weight
    if rule == "threshold_60":
        floor = floor_pct / HUNDRED
        return ZERO if ratio < floor else weight * (ratio - floor) / (ONE - floor)
    return weight * ratio


_DIRECTION_NAMES = {">=": "正向", "<=": "反向", "=": "等于"}


def score_indicator(indicator: Indicator, rules: EffectiveRules, template: Template) -> IndicatorScore:
    weight = indicator.weight
    overridden = indicator.score_override is not None
    override = round2(indicator.score_override) if overridden else None
    if weight is None:
        return IndicatorScore(None, override, "未填分值", overridden=overridden)
    if indicator.kind == "qualitative":
        if indicator.band is None:
            return IndicatorScore(None, override, "定性指标：未选择完成档次", overridden=overridden)
        _low, high, name = template.qualitative_band(indicator.band)
        auto = round2(weight * high / HUNDRED)
        return IndicatorScore(auto, override if overridden else auto, f"定性指标：{name}，取档次上限",
                              overridden=overridden)
    direction = indicator.direction or ">="
    target, actual = indicator.target, indicator.actual
    if target is None or actual is None:
        missing = "年度指标值" if target is None else "实际完成值"
        return IndicatorScore(None, override, f"定量指标：缺少{missing}", overridden=overridden)
    if is_satisfaction(indicator) and rules.satisfaction == "bands_101":
        share = _band_share(actual, template.bands("satisfaction_bands_101"))
        auto = round2(weight * share / HUNDRED)
        return IndicatorScore(auto, override if overridden else auto,
                              f"满意度：财预〔2021〕101号分档（{trim(share)}%）", overridden=overridden)
    ratio = completion_ratio(direction, target, actual)
    auto = round2(quantitative_score(weight, ratio, rules.quantitative, template.decimal_rule("threshold_60_floor")))
    rule_name = ("财预〔2021〕101号：完成率60%以下不得分" if rules.quantitative == "threshold_60"
                 else "财预〔2020〕10号：按完成比例计分")
    over = is_over_achieved(direction, target, actual, rules.over_achievement_pct)
    return IndicatorScore(auto, override if overridden else auto,
                          f"定量{_DIRECTION_NAMES.get(direction, '')}指标，{rule_name}",
                          completion=ratio, over_achieved=over, overridden=overridden)


def grade_for(total: Decimal | None, template: Template) -> str | None:
    if total is None:
        return None
    for low, grade in template.grade_bands():
        if total >= low:
            return grade
    return template.grade_bands()[-1][1]


# --- the whole report -------------------------------------------------------------------

@dataclass
class Derived:
    execution_rate: Decimal | None = None          # percent, 2 places
    budget_execution_weight: Decimal = ZERO
    budget_execution_auto: Decimal | None = None
    budget_execution_score: Decimal | None = None
    indicator_scores: list[IndicatorScore] = field(default_factory=list)
    indicator_weight_total: Decimal = ZERO
    indicator_score_total: Decimal | None = None   # None until every indicator is scored
    weight_total: Decimal = ZERO                   # budget execution + all indicators
    total_score: Decimal | None = None
    grade: str | None = None
    weights_by_level1: dict[str, Decimal] = field(default_factory=dict)

    def as_exchange(self) -> dict:
        def out(value):
            return None if value is None else to_text(trim(value))
        return {
            "execution_rate": out(self.execution_rate),
            "budget_execution_score": out(self.budget_execution_score),
            "indicator_score_total": out(self.indicator_score_total),
            "total_score": out(self.total_score),
            "grade": self.grade,
        }


def derive(report: Report, template: Template | None = None) -> Derived:
    template = template or load_template(report.template)
    rules = effective_rules(report, template)
    budget = report.finance.overall_budget
    ratio = execution_ratio(budget.full_year, budget.executed)
    derived = Derived(execution_rate=None if ratio is None else round2(ratio * HUNDRED),
                      budget_execution_weight=rules.budget_execution_weight)
    derived.budget_execution_auto = budget_execution_auto_score(
        rules.budget_execution_weight, ratio, rules.budget_execution, template)
    override = report.evaluation.budget_execution.score_override
    derived.budget_execution_score = round2(override) if override is not None else derived.budget_execution_auto

    score_total = ZERO
    weight_total = ZERO
    by_level1: dict[str, Decimal] = {}
    for indicator in report.evaluation.indicators:
        result = score_indicator(indicator, rules, template)
        derived.indicator_scores.append(result)
        if result.score is not None:
            score_total += result.score
        if indicator.weight is not None:
            weight_total += indicator.weight
            key = indicator.level1 or ""
            by_level1[key] = by_level1.get(key, ZERO) + indicator.weight
    derived.indicator_weight_total = weight_total
    derived.weights_by_level1 = by_level1
    derived.weight_total = rules.budget_execution_weight + weight_total
    # A total is only a total when every part of it could be scored: never a partial sum.
    scored = bool(derived.indicator_scores) and all(r.score is not None for r in derived.indicator_scores)
    derived.indicator_score_total = score_total if scored else None
    if scored and derived.budget_execution_score is not None:
        derived.total_score = derived.budget_execution_score + score_total
        derived.grade = grade_for(derived.total_score, template)
    return derived


def closest_weight_preset(presets, weights_by_level1: dict[str, Decimal]) -> int:
    """Index of the weight preset the report's level-1 weights follow best (0 when none fits better).

    Exact weights win; else the preset naming the same level-1 categories (a report using 成本指标
    follows 101号); else the first.
    """
    used = {level for level, weight in weights_by_level1.items() if level and weight}

    def fit(preset) -> tuple[bool, int, int]:
        wanted = {level: Decimal(weight) for level, weight in preset["weights"].items()}
        exact = sum(1 for level, weight in wanted.items() if weights_by_level1.get(level) == weight)
        shared = len(used & set(wanted)) - len(used - set(wanted))
        return (exact == len(wanted) and set(wanted) == used, shared, exact)

    if not presets:
        return 0
    return max(range(len(presets)), key=lambda index: fit(presets[index]))
