"""The tables a template outline embeds in the report, as neutral ``content.Table`` blocks.

An outline names a table kind ("basic_data", "guangdong_summary", …); the layout of each
kind (rows, spans, column widths) is here, the choice and order of tables is the template's.
Money cells use ``content.table_money`` (2 decimals, separators, right-aligned).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

from models.money import HUNDRED, ZERO, round2, to_text, trim
from models.report import THREE_PUBLIC_ITEMS, Report, ThreeColumns
from models.scoring import Derived
from models.templates import Template

from .content import (Cell, Table, Values, _sum, circled, indicator_groups, percent, points, table_money)

BUILDERS: dict[str, Callable] = {}


def builder(name: str):
    def wrap(fn):
        BUILDERS[name] = fn
        return fn
    return wrap


def build(kind: str, report: Report, derived: Derived, template: Template, values: Values) -> Table | None:
    if kind not in BUILDERS:
        raise ValueError(f"unknown table kind {kind!r}")
    return BUILDERS[kind](report, derived, template, values)


def c(text, align: str = "left", bold: bool = False) -> Cell:
    return Cell("" if text is None else str(text), align, bold)


def h(text) -> Cell:
    """A header cell."""
    return Cell(str(text), "center", True)


def m(value: Decimal | None) -> Cell:
    return Cell(table_money(value), "right")


def n(value) -> Cell:
    return Cell("" if value is None else str(value), "right")


def ratio_pct(part: Decimal | int | None, whole: Decimal | int | None) -> str:
    if part is None or whole in (None, 0):
        return ""
    return percent(round2(Decimal(part) / Decimal(whole) * HUNDRED)) or ""


def _year(values: Values, delta: int = 0) -> str:
    year = values.get("year")
    return f"{int(year) + delta}年" if year else ""


# --- hunan ------------------------------------------------------------------------------

@builder("basic_data")
def basic_data(report: Report, derived: Derived, template: Template, values: Values) -> Table:
    """附件2 部门（单位）整体支出绩效评价基础数据表: 7 columns, label + 3 pairs or 6 singles."""
    finance = report.finance
    staffing = report.unit.staffing
    rows: list[list[Cell]] = []
    spans: list[tuple[int, int, int, int]] = []

    def triple(label: Cell, a: Cell, b: Cell, d: Cell):
        r = len(rows)
        rows.append([label, a, c(""), b, c(""), d, c("")])
        spans.extend([(1, r, 2, r), (3, r, 4, r), (5, r, 6, r)])

    def money_row(label: str, cols: ThreeColumns | None, *, bold=False, indent=0):
        cols = cols or ThreeColumns()
        triple(c("\u3000" * indent + label, bold=bold), m(cols.prev_final), m(cols.budget), m(cols.final))

    triple(h("财政供养人员情况（人）"), h("编制数"), h(f"{_year(values)}实际在职人数"), h("控制率"))
    triple(c(""), n(staffing.authorized_total), n(staffing.actual_in_service),
           Cell(ratio_pct(staffing.actual_in_service, staffing.authorized_total), "right"))
    triple(h("经费控制情况（万元）"), h(f"{_year(values, -1)}决算数"), h(f"{_year(values)}预算数"),
           h(f"{_year(values)}决算数"))
    three = finance.three_public

    def summed(*items: ThreeColumns) -> ThreeColumns:
        return ThreeColumns(*(_sum(getattr(i, col) for i in items) for col in ("prev_final", "budget", "final")))

    money_row("三公经费", summed(*(getattr(three, i) for i in THREE_PUBLIC_ITEMS)), bold=True)
    money_row("1、公务用车购置和维护经费", summed(three.vehicle_purchase, three.vehicle_operation), indent=1)
    money_row("其中：公车购置", three.vehicle_purchase, indent=2)
    money_row("\u3000\u3000\u3000公车运行维护", three.vehicle_operation, indent=2)
    money_row("2、出国经费", three.overseas, indent=1)
    money_row("3、公务接待", three.reception, indent=1)
    projects = finance.projects
    triple(c("项目支出：", bold=True), m(_sum(p.prev_final for p in projects)), m(_sum(p.initial for p in projects)),
           m(_sum(p.executed for p in projects)))
    for project in projects:
        triple(c("\u3000" + (project.name or "")), m(project.prev_final), m(project.initial), m(project.executed))
    funds = finance.public_funds
    money_row("公用经费", funds.total, bold=True)
    money_row("其中：办公经费", funds.office, indent=1)
    money_row("\u3000\u3000\u3000水费、电费、差旅费", funds.utilities_travel, indent=1)
    money_row("\u3000\u3000\u3000会议费、培训费", funds.meetings_training, indent=1)
    triple(c("政府采购金额", bold=True), Cell("——", "center"), m(finance.procurement.budget), m(finance.procurement.final))
    rows.append([h(f"楼堂馆所控制情况（{_year(values)}完工项目）"), h("批复规模（㎡）"), h("实际规模（㎡）"), h("规模控制率"),
                 h("预算投资（万元）"), h("实际投资（万元）"), h("投资概算控制率")])
    buildings = finance.buildings or []
    for building in buildings:
        rows.append([c(building.name), m(building.approved_m2), m(building.actual_m2),
                     Cell(ratio_pct(building.actual_m2, building.approved_m2), "right"), m(building.budget),
                     m(building.actual), Cell(ratio_pct(building.actual, building.budget), "right")])
    if not buildings:
        rows.append([c("无")] + [c("") for _ in range(6)])
    r = len(rows)
    rows.append([c("厉行节约保障措施", bold=True), c(finance.austerity_measures), c(""), c(""), c(""), c(""), c("")])
    spans.append((1, r, 6, r))
    return Table([], rows, [3.3, 1, 1, 1, 1, 1, 1], repeat_header=False, spans=spans, small=True)


@builder("self_evaluation")
def self_evaluation(report: Report, derived: Derived, template: Template, values: Values) -> Table:
    """附件3 部门（单位）整体支出绩效自评表: 9 columns, the layout of the Hunan form."""
    budget = report.finance.overall_budget
    source, nature = budget.by_source, budget.by_nature
    rows: list[list[Cell]] = []
    spans: list[tuple[int, int, int, int]] = []
    groups: list[tuple[int, int, int]] = []
    blank = lambda: c("")  # noqa: E731

    def row(cells: list[Cell], *row_spans: tuple[int, int]):
        r = len(rows)
        rows.append(cells + [blank() for _ in range(9 - len(cells))])
        for first, last in row_spans:
            spans.append((first, r, last, r))

    def left_right(left: str, right: str, bold=False):
        row([blank(), c(left, bold=bold), blank(), blank(), blank(), c(right, bold=bold)], (1, 4), (5, 8))

    level = report.unit.level or ""
    row([h(f"{level}预算部门（单位）名称"), blank(), blank(), c(report.unit.name)], (0, 2), (3, 8))
    start = len(rows)
    row([h("年度预算申请（万元）"), blank(), blank(), h("年初预算数"), h("全年预算数"), h("全年执行数"), h("分值"),
         h("执行率"), h("得分")], (1, 2))
    row([blank(), c("年度资金总额", bold=True), blank(), m(budget.initial), m(budget.full_year), m(budget.executed),
         n(points(derived.budget_execution_weight)), n(percent(derived.execution_rate)),
         n(points(derived.budget_execution_score))], (1, 2))
    left_right("按收入性质分：", "按支出性质分：", bold=True)
    left_right(f"其中：一般公共预算：{table_money(source.general_public)}", f"其中：基本支出：{table_money(nature.basic)}")
    left_right(f"政府性基金拨款：{table_money(source.gov_fund)}", f"项目支出：{table_money(nature.project)}")
    left_right(f"纳入专户管理的非税收入拨款：{table_money(source.special_non_tax)}", "")
    left_right(f"其他资金：{table_money(source.other)}", "")
    groups.append((0, start, len(rows) - 1))
    goal = report.evaluation.overall_goal
    start = len(rows)
    row([h("年度总体目标"), h("预期目标"), blank(), blank(), blank(), h("实际完成情况")], (1, 4), (5, 8))
    row([blank(), c(goal.expected), blank(), blank(), blank(), c(goal.actual)], (1, 4), (5, 8))
    groups.append((0, start, len(rows) - 1))
    start = len(rows)
    row([h("绩效指标"), h("一级指标"), h("二级指标"), h("三级指标"), h("年度指标值"), h("实际完成值"), h("分值"),
         h("得分"), h("偏差原因分析及改进措施")])
    indicators = report.evaluation.indicators
    previous_level1 = object()
    level1_start = None
    for indicator, result in zip(indicators, derived.indicator_scores):
        label = ""
        if indicator.level1 != previous_level1:
            if level1_start is not None and len(rows) - 1 > level1_start:
                groups.append((1, level1_start, len(rows) - 1))
            level1_start = len(rows)
            weight = derived.weights_by_level1.get(indicator.level1 or "")
            label = (indicator.level1 or "") + (f"（{points(weight)}分）" if weight is not None else "")
            previous_level1 = indicator.level1
        row([blank(), c(label), c(indicator.level2), c(indicator.name), c(_target(indicator)), c(_actual(indicator)),
             n(points(indicator.weight)), n(points(result.score)), c(indicator.deviation)])
    if level1_start is not None and len(rows) - 1 > level1_start:
        groups.append((1, level1_start, len(rows) - 1))
    if not indicators:
        row([blank(), c("（未填报绩效指标）")], (1, 8))
    groups.append((0, start, len(rows) - 1))
    grade = template.grade_label(derived.grade) if derived.grade else ""
    row([h("总分"), blank(), blank(), blank(), blank(), blank(), n(points(derived.weight_total)),
         n(points(derived.total_score)), c(f"评价等次：{grade}" if grade else "")], (0, 5))
    return Table([], rows, [0.9, 1.5, 1.6, 2.5, 1.7, 1.7, 0.9, 1.3, 1.9], repeat_header=False, spans=spans,
                 groups=groups, small=True)


def _indicator_value(text: str | None, number: Decimal | None, unit: str | None) -> str:
    """年度指标值 / 实际完成值: the clerk's text, else the number as entered (9692.786137万元, never
    rounded like a score: the prose and the workbook print it in full too)."""
    if text:
        return text
    if number is not None:
        return f"{to_text(trim(number))}{unit or ''}"
    return ""


def _target(indicator) -> str:
    return _indicator_value(indicator.target_text, indicator.target, indicator.unit)


def _actual(indicator) -> str:
    return _indicator_value(indicator.actual_text, indicator.actual, indicator.unit)


@builder("project_goals")
def project_goals(report: Report, derived: Derived, template: Template, values: Values) -> Table | None:
    """绩效目标设置情况: each project's goals as set at budgeting (seed 004)."""
    projects = [p for p in report.finance.projects if p.goals]
    if not projects:
        return None
    rows, groups = [], []
    for index, project in enumerate(projects, start=1):
        start = len(rows)
        for number, goal in enumerate(project.goals):
            rows.append([c(index if number == 0 else "", "center"), c(project.name if number == 0 else ""),
                         c(goal.type, "center"), c(goal.text)])
        if len(rows) - 1 > start:  # +1: group rows count the header row
            groups.extend([(0, start + 1, len(rows)), (1, start + 1, len(rows))])
    return Table([[h("序号"), h("项目名称"), h("目标类型"), h("目标")]], rows, [0.7, 2.6, 1.4, 5], groups=groups,
                 small=True)


# --- guangdong --------------------------------------------------------------------------

@builder("guangdong_summary")
def guangdong_summary(report: Report, derived: Derived, template: Template, values: Values) -> Table | None:
    """自评结论综述: the key indicators grouped by the task they serve."""
    if not report.evaluation.indicators:
        return None
    rows, groups = [], []
    number = 0
    for task, indicators in indicator_groups(report):
        start = len(rows)
        for i, indicator in enumerate(indicators):
            number += 1
            plan = goal = ""
            if i == 0 and task is not None:
                plan = f"任务{task.no}：{task.name or ''}"
                goal = task.goal or task.content or ""
            rows.append([c(plan), c(goal), c(f"{circled(number)}{indicator.name or ''}"), c(indicator.standard),
                         c(indicator.status, "center")])
        if len(rows) - 1 > start:  # +1: group rows count the header row
            groups.extend([(0, start + 1, len(rows)), (1, start + 1, len(rows))])
    header = [h("年度主要支出计划"), h("年度任务的绩效指标"), h("年度任务的关键指标"), h("年度任务的绩效标准"), h("完成情况")]
    return Table([header], rows, [2.1, 3.0, 2.6, 3.6, 1.5], groups=groups, small=True)


# --- generic (部门（单位）基本概况 form, seed 002 style) ---------------------------------

@builder("generic_overview")
def generic_overview(report: Report, derived: Derived, template: Template, values: Values) -> Table:
    unit = report.unit
    staffing = unit.staffing
    rows, spans = [], []

    def pair(label: str, text: str | None):
        r = len(rows)
        rows.append([h(label), c(text), c(""), c(""), c("")])
        spans.append((1, r, 4, r))

    pair("单位名称", unit.name)
    r = len(rows)
    rows.append([h("联系人"), c(unit.contact.name), h("联系电话"), c(unit.contact.phone), c("")])
    spans.append((3, r, 4, r))
    rows.append([h("人员编制"), h("行政编制"), h("事业编制"), h("其他编制"), h("实有在职")])
    rows.append([c(""), n(staffing.authorized_admin), n(staffing.authorized_public_institution),
                 n(staffing.authorized_other), n(staffing.actual_in_service)])
    pair("内设机构", "、".join(unit.departments))
    pair("职能职责概述", "\n".join(f"{i}.{f}" for i, f in enumerate(unit.functions, start=1)))
    tasks = "\n".join(f"{t.no or i}.{t.name or ''}{('：' + t.content) if t.content else ''}"
                      for i, t in enumerate(report.tasks, start=1))
    pair("年度主要工作内容", tasks or (report.evaluation.overall_goal.expected or ""))
    return Table([], rows, [2.2, 2, 2, 2, 2], repeat_header=False, spans=spans, groups=[(0, 2, 3)], small=True)


def _per_institution(header: list[str], rows_in: list, fields: tuple[str, ...], total_label="合计") -> Table | None:
    if not rows_in:
        return None
    rows = [[c(getattr(r, "institution"))] + [m(getattr(r, f)) for f in fields] for r in rows_in]
    if len(rows_in) > 1:
        rows.append([c(total_label, "center", True)] + [m(_sum(getattr(r, f) for r in rows_in)) for f in fields])
    widths = [2.6] + [1.3] * len(fields)
    return Table([[h(x) for x in header]], rows, widths, small=True)


@builder("income_by_institution")
def income_by_institution(report, derived, template, values) -> Table | None:
    return _per_institution(["机构", "上年结转", "一般公共预算", "政府性基金", "国有资本经营", "专户非税收入", "其他收入"],
                            report.finance.income,
                            ("carryover", "general_public", "gov_fund", "state_capital", "special_non_tax", "other"))


@builder("expenditure_by_institution")
def expenditure_by_institution(report, derived, template, values) -> Table | None:
    return _per_institution(["机构", "人员经费", "公用经费", "项目支出", "本年结余", "累计结余"],
                            report.finance.expenditure,
                            ("personnel", "public_use", "project", "balance_year", "balance_accumulated"))


@builder("three_public_by_institution")
def three_public_by_institution(report, derived, template, values) -> Table | None:
    three = report.finance.three_public
    if three.by_institution:
        return _per_institution(["机构", "公务用车购置", "公务用车运行维护", "因公出国（境）", "公务接待"],
                                three.by_institution, THREE_PUBLIC_ITEMS)
    labels = {"vehicle_purchase": "公务用车购置", "vehicle_operation": "公务用车运行维护",
              "overseas": "因公出国（境）", "reception": "公务接待"}
    items = [(labels[i], getattr(three, i)) for i in THREE_PUBLIC_ITEMS]
    if all(cols.prev_final is None and cols.budget is None and cols.final is None for _, cols in items):
        return None
    rows = [[c(label), m(cols.prev_final), m(cols.budget), m(cols.final)] for label, cols in items]
    return Table([[h("项目"), h("上年决算数"), h("本年预算数"), h("本年决算数")]], rows, [2.6, 1.5, 1.5, 1.5], small=True)


@builder("assets_by_institution")
def assets_by_institution(report, derived, template, values) -> Table | None:
    assets = report.finance.assets
    if assets.by_institution:
        return _per_institution(["机构", "固定资产总额"], assets.by_institution, ("fixed_total",))
    items = [("资产总额", assets.total), ("流动资产", assets.current), ("固定资产原值", assets.fixed_original),
             ("固定资产净值", assets.fixed_net), ("在用固定资产", assets.fixed_in_use), ("出租出借固定资产", assets.fixed_rented)]
    if all(v is None for _, v in items):
        return None
    return Table([[h(label) for label, _ in items]], [[m(v) for _, v in items]], [1] * 6, small=True)


def _indicator_rows(report, derived, kind: str):
    return [(i, r) for i, r in zip(report.evaluation.indicators, derived.indicator_scores) if i.kind == kind]


@builder("indicators_qualitative")
def indicators_qualitative(report, derived, template, values) -> Table | None:
    pairs = _indicator_rows(report, derived, "qualitative")
    if not pairs:
        return None
    rows = []
    for number, (indicator, result) in enumerate(pairs, start=1):
        band = template.qualitative_band(indicator.band)[2] if indicator.band else ""
        rows.append([c(number, "center"), c(indicator.level1), c(indicator.name), c(_target(indicator)),
                     c(_actual(indicator)), c(band), n(points(indicator.weight)), n(points(result.score))])
    header = [h("序号"), h("一级指标"), h("三级指标"), h("年度目标"), h("完成情况"), h("完成档次"), h("分值"), h("得分")]
    return Table([header], rows, [0.6, 1.3, 2.4, 2, 2, 1.6, 0.8, 0.8], small=True)


@builder("indicators_quantitative")
def indicators_quantitative(report, derived, template, values) -> Table | None:
    pairs = _indicator_rows(report, derived, "quantitative")
    if not pairs:
        return None
    directions = {">=": "≥", "<=": "≤", "=": "="}
    rows = []
    for number, (indicator, result) in enumerate(pairs, start=1):
        rows.append([c(number, "center"), c(indicator.level1), c(indicator.name),
                     c(directions.get(indicator.direction or "", ""), "center"), c(_target(indicator)),
                     c(_actual(indicator)), n(points(indicator.weight)), n(points(result.score))])
    header = [h("序号"), h("一级指标"), h("三级指标"), h("方向"), h("年度指标值"), h("实际完成值"), h("分值"), h("得分")]
    return Table([header], rows, [0.6, 1.3, 2.8, 0.7, 1.8, 1.8, 0.8, 0.8], small=True)


@builder("score_summary")
def score_summary(report, derived, template, values) -> Table:
    grade = template.grade_label(derived.grade) if derived.grade else ""
    rows = [[c("预算执行率"), n(points(derived.budget_execution_weight)), n(points(derived.budget_execution_score)),
             c(f"执行率{percent(derived.execution_rate)}" if derived.execution_rate is not None else "")],
            [c("绩效指标"), n(points(derived.indicator_weight_total)), n(points(derived.indicator_score_total)), c("")],
            [c("综合得分", bold=True), n(points(derived.weight_total)), n(points(derived.total_score)),
             c(f"评价等次：{grade}" if grade else "评价等次：", bold=True)]]
    return Table([[h("项目"), h("分值"), h("得分"), h("说明")]], rows, [2.5, 1.2, 1.2, 3], small=True)


@builder("evaluators")
def evaluators(report, derived, template, values) -> Table:
    people = report.evaluation.evaluators
    rows = [[c(i, "center"), c(p.name), c(p.title), c(p.unit), c("")] for i, p in enumerate(people, start=1)]
    # Always room to write by hand: at least three lines.
    for i in range(len(rows), 3):
        rows.append([c(i + 1, "center"), c(""), c(""), c(""), c("")])
    return Table([[h("序号"), h("姓名"), h("职务"), h("单位"), h("签字")]], rows, [0.7, 1.5, 1.5, 3.5, 1.8], small=True)


@builder("department_opinion")
def department_opinion(report, derived, template, values) -> Table:
    """部门意见: the conclusion, then room for the stamp and the date."""
    rows = [[h("部门意见"), c(report.evaluation.conclusion or "\n\n")],
            [c(""), Cell("（盖章）\n\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日", "right")]]
    return Table([], rows, [1.5, 8], repeat_header=False, groups=[(0, 0, 1)], small=True)


__all__ = ["build", "BUILDERS", "ZERO"]
