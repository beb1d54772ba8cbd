"""Live checks (domain.md, "Checks the clerk must see live").

``run_checks(report)`` returns every problem as (severity, field path, Chinese message). It is a
pure function of the report and cheap enough to re-run on each edit. Errors block the final
export; warnings do not.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from .money import HUNDRED, ZERO, format_decimal, trim
from .report import THREE_PUBLIC_ITEMS, Report
from .scoring import Derived, derive, effective_rules
from .templates import load_template

ERROR = "error"
WARNING = "warning"
TOLERANCE = Decimal("0.01")  # 万元: one hundred 元, what rounding in the source tables explains
HALF_CENT = Decimal("0.005")

STEPS = ("基本情况", "收支情况", "绩效指标", "自评评分", "报告与导出")
_SCORING_FIELDS = ("score_override", "deviation", "band", "override_reason", "over_achievement_confirmed")


@dataclass(frozen=True)
class Problem:
    severity: str
    path: str
    message: str

    @property
    def step(self) -> int:
        return step_of(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def step_of(path: str) -> int:
    """The wizard step (0–4) where the field at ``path`` is edited."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    if head == "finance":
        return 1
    if head == "evaluation":
        if path.startswith(("evaluation.budget_execution", "evaluation.evaluators", "evaluation.conclusion",
                            "evaluation.rules")):
            return 3
        if path.rsplit(".", 1)[-1] in _SCORING_FIELDS:
            return 3
        return 2
    if head == "narrative":
        return 4
    return 0


def _fmt(value: Decimal) -> str:
    return format_decimal(value, places=2, grouping=False)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def _rounding_tolerance(*groups: Iterable[Decimal | None]) -> Decimal:
    """How far rows may miss their total by rounding alone: each row printed to 2 decimals (万元
    rounded from 元) may be half a cent off, and so may the total; never less than TOLERANCE."""
    terms = sum(1 for group in groups for value in group if value is not None)
    return max(TOLERANCE, HALF_CENT * (terms + 1))


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


class _Collector:
    def __init__(self):
        self.problems: list[Problem] = []

    def error(self, path: str, message: str):
        self.problems.append(Problem(ERROR, path, message))

    def warning(self, path: str, message: str):
        self.problems.append(Problem(WARNING, path, message))


def run_checks(report: Report, derived: Derived | None = None) -> list[Problem]:
    """All problems, errors first, each group in field order."""
    template = load_template(report.template)
    derived = derived or derive(report, template)
    out = _Collector()
    _check_basics(report, out)
    _check_finance(report, derived, template, out)
    _check_indicators(report, derived, template, out)
    _check_narrative(report, out)
    return sorted(out.problems, key=lambda p: (p.severity != ERROR, p.step))


# --- 基本情况 ----------------------------------------------------------------------------

def _check_basics(report: Report, out: _Collector):
    unit = report.unit
    if _blank(unit.name):
        out.error("unit.name", "请填写单位名称（全称）")
    if report.year is None:
        out.error("year", "请填写评价年度")
    if _blank(unit.contact.name):
        out.error("unit.contact.name", "请填写联系人姓名")
    if _blank(unit.contact.phone):
        out.error("unit.contact.phone", "请填写联系人电话")
    staffing = unit.staffing
    authorized = staffing.authorized_total
    if authorized is not None and staffing.actual_in_service is not None and staffing.actual_in_service > authorized:
        out.warning("unit.staffing.actual_in_service",
                    f"实有在职人数{staffing.actual_in_service}人超过编制数{authorized}人，请在人员情况说明中解释")
    names = {i.name for i in unit.institutions if i.name}
    for index, institution in enumerate(unit.institutions):
        if _blank(institution.name):
            out.error(f"unit.institutions[{index}].name", f"第{index + 1}个机构未填写名称")
    numbers = [t.no for t in report.tasks if t.no is not None]
    for index, task in enumerate(report.tasks):
        if _blank(task.name):
            out.error(f"tasks[{index}].name", f"第{index + 1}项工作任务未填写任务名称")
        if task.no is not None and numbers.count(task.no) > 1:
            out.error(f"tasks[{index}].no", f"工作任务序号{task.no}重复")
    if report.template == "guangdong" and not report.tasks:
        out.warning("tasks", "广东模板的自评结论综述按年度主要工作任务分组，请填写工作任务")
    _check_institution_refs(report, names, out)


def _check_institution_refs(report: Report, names: set[str], out: _Collector):
    if not names:
        return
    finance = report.finance
    tables = (("finance.income", finance.income, "收入表"), ("finance.expenditure", finance.expenditure, "支出表"),
              ("finance.three_public.by_institution", finance.three_public.by_institution, "分机构三公经费表"),
              ("finance.assets.by_institution", finance.assets.by_institution, "分机构固定资产表"))
    for base, rows, title in tables:
        for index, row in enumerate(rows):
            if row.institution and row.institution not in names and len(rows) > 1:
                out.warning(f"{base}[{index}].institution",
                            f"{title}第{index + 1}行的机构“{row.institution}”不在基本情况的机构名单中")


# --- 收支情况 ----------------------------------------------------------------------------

def _check_finance(report: Report, derived: Derived, template, out: _Collector):
    finance = report.finance
    budget = finance.overall_budget
    base = "finance.overall_budget"
    for name, label in (("initial", "年初预算数"), ("full_year", "全年预算数"), ("executed", "全年执行数")):
        if getattr(budget, name) is None:
            out.error(f"{base}.{name}", f"请填写年度资金总额的{label}（万元）")

    source_total = budget.by_source.total()
    source = budget.by_source
    source_tolerance = _rounding_tolerance((source.general_public, source.gov_fund, source.special_non_tax,
                                            source.other))
    if source_total is not None and budget.full_year is not None and \
            abs(source_total - budget.full_year) > source_tolerance:
        out.error(f"{base}.by_source.general_public",
                  f"按收入性质分合计{_fmt(source_total)}万元与全年预算数{_fmt(budget.full_year)}万元不一致"
                  f"（差{_fmt(abs(source_total - budget.full_year))}）")
    nature = budget.by_nature
    if nature.basic is not None and nature.project is not None and budget.executed is not None:
        nature_total = nature.basic + nature.project
        if abs(nature_total - budget.executed) > TOLERANCE:
            out.warning(f"{base}.by_nature.project",
                        f"按支出性质分：基本支出{_fmt(nature.basic)}＋项目支出{_fmt(nature.project)}＝{_fmt(nature_total)}万元，"
                        f"与全年执行数{_fmt(budget.executed)}万元不一致（差{_fmt(abs(nature_total - budget.executed))}）")

    if budget.executed is not None and budget.full_year is not None and budget.executed > budget.full_year:
        excess = budget.executed - budget.full_year
        carried = _sum(row.carryover for row in finance.income) or ZERO
        if carried + TOLERANCE < excess:
            out.error(f"{base}.executed",
                      f"全年执行数{_fmt(budget.executed)}万元超过全年预算数{_fmt(budget.full_year)}万元"
                      f"（超{_fmt(excess)}），且上年结转不足以解释，请核对")
    low_pct = Decimal(template.rule("low_execution_warning_pct"))
    if derived.execution_rate is not None and derived.execution_rate < low_pct:
        out.warning(f"{base}.executed",
                    f"预算执行率{_fmt(derived.execution_rate)}%低于{trim(low_pct)}%，请在“存在的问题及原因分析”中说明原因")

    _check_institution_rows(finance, out)
    _check_projects(finance, out)
    _check_three_public(finance, out)
    _check_public_funds(finance, out)


def _check_institution_rows(finance, out: _Collector):
    budget = finance.overall_budget
    nature = budget.by_nature
    rows = finance.expenditure
    if rows and _nature_is_budget_split(budget, rows):
        return
    if rows:
        basic_rows = _sum(_sum((row.personnel, row.public_use)) for row in rows)
        basic_tolerance = _rounding_tolerance((row.personnel for row in rows), (row.public_use for row in rows))
        if basic_rows is not None and nature.basic is not None and abs(basic_rows - nature.basic) > basic_tolerance:
            out.error("finance.expenditure[0].personnel",
                      f"各机构人员经费＋公用经费合计{_fmt(basic_rows)}万元，与基本支出{_fmt(nature.basic)}万元不一致"
                      f"（差{_fmt(abs(basic_rows - nature.basic))}）")
        project_rows = _sum(row.project for row in rows)
        if project_rows is not None and nature.project is not None and \
                abs(project_rows - nature.project) > _rounding_tolerance(row.project for row in rows):
            out.error("finance.expenditure[0].project",
                      f"各机构项目支出合计{_fmt(project_rows)}万元，与项目支出{_fmt(nature.project)}万元不一致"
                      f"（差{_fmt(abs(project_rows - nature.project))}）")


def _nature_is_budget_split(budget, rows) -> bool:
    """附件3 prints 按支出性质分 inside 年度预算申请, and many reports split the full-year budget there
    (by_nature adds up to full_year, not executed; a warning says so). The institutions' spending rows
    then add up to what was executed and cannot match by_nature item by item: no error for that."""
    nature = budget.by_nature
    if nature.basic is None or nature.project is None or budget.executed is None:
        return False
    if abs(nature.basic + nature.project - budget.executed) <= TOLERANCE:
        return False
    spent = _sum(_sum((row.personnel, row.public_use, row.project)) for row in rows)
    tolerance = _rounding_tolerance(*((row.personnel, row.public_use, row.project) for row in rows))
    return spent is not None and abs(spent - budget.executed) <= tolerance


def _check_projects(finance, out: _Collector):
    for index, project in enumerate(finance.projects):
        base = f"finance.projects[{index}]"
        label = f"项目“{project.name}”" if project.name else f"第{index + 1}个项目"
        if _blank(project.name):
            out.error(f"{base}.name", f"第{index + 1}个项目未填写项目名称")
        # An adjustment left blank is "not filled", not 0: many 决算 tables print no 调整数 column.
        if project.initial is not None and project.full_year is not None and project.adjustment is not None:
            expected = project.initial + project.adjustment
            if abs(expected - project.full_year) > TOLERANCE:
                out.error(f"{base}.full_year",
                          f"{label}全年预算数{_fmt(project.full_year)}应等于年初预算数{_fmt(project.initial)}"
                          f"＋调整数{_fmt(project.adjustment)}＝{_fmt(expected)}万元")
        if project.executed is not None and project.full_year is not None:
            if project.executed > project.full_year + TOLERANCE:
                out.error(f"{base}.executed",
                          f"{label}执行数{_fmt(project.executed)}万元超过全年预算数{_fmt(project.full_year)}万元")
            elif project.carryover is not None and project.executed + project.carryover > project.full_year + TOLERANCE:
                out.warning(f"{base}.carryover",
                            f"{label}执行数＋结余结转＝{_fmt(project.executed + project.carryover)}万元，"
                            f"超过全年预算数{_fmt(project.full_year)}万元")


def _looks_like_yuan(value: Decimal | None, reference: Decimal | None) -> bool:
    return value is not None and reference is not None and reference > 0 and value >= reference * 500


def _check_three_public(finance, out: _Collector):
    three = finance.three_public
    for item in THREE_PUBLIC_ITEMS:
        columns = getattr(three, item)
        base = f"finance.three_public.{item}"
        label = _three_public_label(item)
        if columns.final is not None and columns.budget is not None and columns.final > columns.budget:
            out.warning(f"{base}.final", f"三公经费“{label}”决算数{_fmt(columns.final)}万元超过预算数"
                                         f"{_fmt(columns.budget)}万元，请说明原因")
        elif columns.final is not None and columns.prev_final is not None and columns.final > columns.prev_final:
            out.warning(f"{base}.final", f"三公经费“{label}”决算数{_fmt(columns.final)}万元高于上年决算数"
                                         f"{_fmt(columns.prev_final)}万元，请说明原因")
        if _looks_like_yuan(columns.final, columns.prev_final) or _looks_like_yuan(columns.budget, columns.prev_final):
            out.warning(f"{base}.final", f"三公经费“{label}”比上年大数百倍以上，是否误按“元”填写？本表单位为万元")
    rows = three.by_institution
    if rows:
        for item in THREE_PUBLIC_ITEMS:
            total = getattr(three, item).final
            row_sum = _sum(getattr(row, item) for row in rows)
            if total is not None and row_sum is not None and \
                    abs(total - row_sum) > _rounding_tolerance(getattr(row, item) for row in rows):
                out.error(f"finance.three_public.by_institution[0].{item}",
                          f"各机构“{_three_public_label(item)}”合计{_fmt(row_sum)}万元，与三公经费决算数"
                          f"{_fmt(total)}万元不一致")


def _three_public_label(item: str) -> str:
    return {"vehicle_purchase": "公务用车购置", "vehicle_operation": "公务用车运行维护",
            "overseas": "因公出国（境）", "reception": "公务接待"}[item]


def _check_public_funds(finance, out: _Collector):
    funds = finance.public_funds
    for column, label in (("prev_final", "上年决算数"), ("budget", "本年预算数"), ("final", "本年决算数")):
        total = getattr(funds.total, column)
        parts = _sum(getattr(getattr(funds, name), column) for name in ("office", "utilities_travel", "meetings_training"))
        if total is not None and parts is not None and parts > total + TOLERANCE:
            out.warning(f"finance.public_funds.total.{column}",
                        f"公用经费{label}{_fmt(total)}万元小于其中明细之和{_fmt(parts)}万元")
    total = funds.total
    if _looks_like_yuan(total.final, total.prev_final):
        out.warning("finance.public_funds.total.final", "公用经费决算数比上年大数百倍以上，是否误按“元”填写？本表单位为万元")


# --- 绩效指标 / 自评评分 ------------------------------------------------------------------

def _check_indicators(report: Report, derived: Derived, template, out: _Collector):
    evaluation = report.evaluation
    indicators = evaluation.indicators
    rules = effective_rules(report, template)
    if not indicators:
        out.error("evaluation.indicators", "至少需要一项绩效指标")
    else:
        levels = {indicator.level1 for indicator in indicators}
        for level in ("产出指标", "效益指标", "满意度指标"):
            if level not in levels:
                out.warning("evaluation.indicators", f"没有“{level}”类指标，请确认是否遗漏")
    total_weight = derived.weight_total
    points = Decimal(template.rule("total_points"))
    if indicators and all(i.weight is not None for i in indicators) and total_weight != points:
        out.error("evaluation.indicators",
                  f"分值合计应为{trim(points)}分：预算执行率{trim(rules.budget_execution_weight)}分＋指标"
                  f"{trim(derived.indicator_weight_total)}分＝{trim(total_weight)}分")

    budget_exec = evaluation.budget_execution
    if budget_exec.score_override is not None:
        if not ZERO <= budget_exec.score_override <= rules.budget_execution_weight:
            out.error("evaluation.budget_execution.score_override",
                      f"预算执行率得分{trim(budget_exec.score_override)}应在0到分值{trim(rules.budget_execution_weight)}之间")
        if _blank(budget_exec.override_reason) and budget_exec.score_override != derived.budget_execution_auto:
            out.error("evaluation.budget_execution.override_reason", "手工调整了预算执行率得分，请填写理由")

    task_numbers = {task.no for task in report.tasks if task.no is not None}
    for index, (indicator, result) in enumerate(zip(indicators, derived.indicator_scores)):
        _check_indicator(index, indicator, result, template, task_numbers, out)


def _check_indicator(index, indicator, result, template, task_numbers, out: _Collector):
    base = f"evaluation.indicators[{index}]"
    label = f"指标“{indicator.name}”" if indicator.name else f"第{index + 1}项指标"
    if _blank(indicator.name):
        out.error(f"{base}.name", f"第{index + 1}项指标未填写三级指标名称")
    if indicator.weight is None:
        out.error(f"{base}.weight", f"{label}未填写分值")
    elif indicator.weight < 0:
        out.error(f"{base}.weight", f"{label}分值不能为负数")
    if indicator.kind is None:
        out.error(f"{base}.kind", f"{label}未选择指标性质（定量/定性）")
    elif indicator.kind == "quantitative":
        if indicator.target is None:
            out.error(f"{base}.target", f"{label}是定量指标，年度指标值须填数字"
                                        f"{'（现为“' + indicator.target_text + '”）' if indicator.target_text else ''}")
        if indicator.actual is None:
            out.error(f"{base}.actual", f"{label}是定量指标，请填写实际完成值（数字）")
        if indicator.unit and indicator.unit.strip() in ("%", "％"):
            for name, value in (("target", indicator.target), ("actual", indicator.actual)):
                if value is not None and value > HUNDRED:
                    out.warning(f"{base}.{name}", f"{label}的百分比{trim(value)}%超过100%，请核对")
        if indicator.level1 == "成本指标" and (indicator.direction or ">=") == ">=":
            out.warning(f"{base}.direction", f"{label}是成本指标，通常应为反向（≤）指标")
        if result.over_achieved and not indicator.over_achievement_confirmed and indicator.score_override is None:
            out.warning(f"{base}.actual",
                        f"{label}实际完成值超出年度指标值较多，可能指标值设置偏低（财预〔2020〕10号第十六条）："
                        "请确认，或手工调低得分并说明理由")
    else:
        if indicator.band is None:
            out.error(f"{base}.band", f"{label}是定性指标，请选择完成档次")
        elif indicator.score_override is not None and indicator.weight is not None:
            low, high, name = template.qualitative_band(indicator.band)
            share = indicator.score_override * HUNDRED / indicator.weight if indicator.weight else ZERO
            # 财预〔2020〕10号 gives the bands as 100–80 %（含）, 80–60 %（含）, 60–0 %: a band's lower
            # edge belongs to it, and the shared edges are accepted for either neighbouring band
            inside = low <= share <= high
            if not inside:
                out.error(f"{base}.score_override",
                          f"{label}选了“{name}”档，得分应在分值的{trim(low)}%–{trim(high)}%之间"
                          f"（{trim(indicator.weight * low / HUNDRED)}–{trim(indicator.weight * high / HUNDRED)}分）")
    if indicator.score_override is not None and indicator.weight is not None:
        if not ZERO <= indicator.score_override <= indicator.weight:
            out.error(f"{base}.score_override",
                      f"{label}得分{trim(indicator.score_override)}应在0到分值{trim(indicator.weight)}之间")
        elif (indicator.score_override != result.auto and _blank(indicator.override_reason)
              and _blank(indicator.deviation)):
            out.error(f"{base}.override_reason", f"{label}手工调整了得分，请填写理由")
    if result.score is not None and indicator.weight is not None and result.score < indicator.weight \
            and _blank(indicator.deviation):
        out.error(f"{base}.deviation",
                  f"请填写偏差原因：{label}得分{trim(result.score)}低于分值{trim(indicator.weight)}")
    if indicator.task is not None and task_numbers and indicator.task not in task_numbers:
        out.warning(f"{base}.task", f"{label}所属任务{indicator.task}不在年度主要工作任务中")


# --- 报告正文 ----------------------------------------------------------------------------

def _check_narrative(report: Report, out: _Collector):
    if _blank(report.narrative.get("problems")):
        out.error("narrative.problems", "请填写“存在的问题及原因分析”")
    if _blank(report.narrative.get("improvements")):
        out.error("narrative.improvements", "请填写“下一步改进措施”")


# --- derived figures in a file ----------------------------------------------------------

DERIVED_LABELS = {"execution_rate": "执行率", "budget_execution_score": "预算执行率得分",
                  "indicator_score_total": "指标得分合计", "total_score": "总分", "grade": "评价等次"}


def derived_mismatches(stated: dict | None, computed: dict) -> list[Problem]:
    """Import: a file's own derived figures that differ from the recomputed ones (warnings)."""
    problems = []
    if not isinstance(stated, dict):
        return problems
    for key, label in DERIVED_LABELS.items():
        given, actual = stated.get(key), computed.get(key)
        if given in (None, "") or actual is None:
            continue
        same = str(given) == str(actual)
        if not same and key != "grade":
            try:
                same = Decimal(str(given)) == Decimal(str(actual))
            except ArithmeticError:
                same = False
        if not same:
            problems.append(Problem(WARNING, f"derived.{key}",
                                    f"文件中的{label}“{str(given)[:20]}”与重新计算的“{actual}”不一致，已按计算结果"))
    return problems
