"""The report: plain dataclasses mirroring data.json (data-format.md), field for field.

Each field carries its exchange-format kind in ``metadata`` so that reading, writing,
storing and checking are driven by one description (see ``models.codec``).
Kinds: money (万元, ≥ 0, ≤ 6 places), signed (money that may be negative), number (a
decimal such as a target or weight, sign allowed), count (int ≥ 0), text, date (ISO),
enum, bool, obj (nested dataclass), objs (list of dataclass), texts (list of str).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

FORMAT_NAME = "zipingtong-report"
FORMAT_VERSION = 1
YEAR_RANGE = (2015, 2100)

TEMPLATES = ("hunan", "guangdong", "generic")
LEVELS = ("区级", "县级", "市级", "省级")
UNIT_TYPES = ("行政单位", "参照公务员法管理事业单位", "事业单位")
INSTITUTION_KINDS = ("本级", "下属行政单位", "下属事业单位")
INDICATOR_KINDS = ("quantitative", "qualitative")
DIRECTIONS = (">=", "<=", "=")
BANDS = ("achieved", "partly", "not_achieved")
STATUSES = ("已完成年度目标", "部分完成", "未完成")
LEVEL1_NAMES = ("产出指标", "效益指标", "满意度指标", "成本指标", "投入指标", "过程指标")
BUDGET_EXECUTION_RULES = ("proportional", "bands_101")
QUANTITATIVE_RULES = ("proportional", "threshold_60")
SATISFACTION_RULES = ("quantitative", "bands_101")


def _f(kind: str, default=None, **meta):
    meta["kind"] = kind
    if kind in ("objs", "texts"):
        return field(default_factory=list, metadata=meta)
    if kind == "obj":
        return field(default_factory=meta["cls"], metadata=meta)
    return field(default=default, metadata=meta)


def money(**meta):
    return _f("money", **meta)


def signed(**meta):
    return _f("signed", **meta)


def number(**meta):
    return _f("number", **meta)


def count(**meta):
    return _f("count", **meta)


def text(**meta):
    return _f("text", **meta)


def date(**meta):
    return _f("date", **meta)


def enum(values, **meta):
    return _f("enum", values=values, **meta)


def flag(default=None, **meta):
    return _f("bool", default=default, **meta)


def obj(cls, **meta):
    return _f("obj", cls=cls, **meta)


def objs(cls, **meta):
    return _f("objs", cls=cls, **meta)


def texts(**meta):
    return _f("texts", **meta)


# --- unit -------------------------------------------------------------------------------

@dataclass
class Region:
    province: str | None = text(label="省")
    city: str | None = text(label="市")
    county: str | None = text(label="区县")


@dataclass
class Institution:
    name: str | None = text(label="机构名称")
    kind: str | None = enum(INSTITUTION_KINDS, label="机构类型")


@dataclass
class Staffing:
    authorized_admin: int | None = count(label="行政编制")
    authorized_public_institution: int | None = count(label="事业编制")
    authorized_other: int | None = count(label="工勤等其他编制")
    actual_in_service: int | None = count(label="实有在职人数")
    actual_other: int | None = count(label="编外人员")
    retired: int | None = count(label="离退休人数")
    notes: str | None = text(label="人员情况说明")

    @property
    def authorized_total(self) -> int | None:
        parts = [self.authorized_admin, self.authorized_public_institution, self.authorized_other]
        return None if all(p is None for p in parts) else sum(p or 0 for p in parts)


@dataclass
class Person:
    name: str | None = text(label="姓名")
    phone: str | None = text(label="联系电话")


@dataclass
class Unit:
    name: str | None = text(label="单位名称")
    region: Region = obj(Region, label="所在地区")
    level: str | None = enum(LEVELS, label="预算级次")
    rank: str | None = text(label="机构规格")
    unit_type: str | None = enum(UNIT_TYPES, label="单位性质")
    funding: str | None = text(label="经费形式")
    established: str | None = date(label="成立时间")
    functions: list[str] = texts(label="主要职责")
    departments: list[str] = texts(label="内设机构")
    institutions: list[Institution] = objs(Institution, label="机构")
    staffing: Staffing = obj(Staffing, label="人员情况")
    contact: Person = obj(Person, label="联系人")
    filler: Person = obj(Person, label="填表人")
    head: str | None = text(label="单位负责人")
    overview: str | None = text(label="单位概况")


@dataclass
class Task:
    no: int | None = count(label="序号")
    name: str | None = text(label="任务名称")
    content: str | None = text(label="主要实施内容")
    goal: str | None = text(label="期望达到的目标")


# --- finance ----------------------------------------------------------------------------

@dataclass
class BySource:
    general_public: Decimal | None = money(label="一般公共预算")
    gov_fund: Decimal | None = money(label="政府性基金拨款")
    special_non_tax: Decimal | None = money(label="纳入专户管理的非税收入拨款")
    other: Decimal | None = money(label="其他资金")

    def total(self) -> Decimal | None:
        parts = [self.general_public, self.gov_fund, self.special_non_tax, self.other]
        return None if all(p is None for p in parts) else sum((p or 0 for p in parts), Decimal(0))


@dataclass
class ByNature:
    basic: Decimal | None = money(label="基本支出")
    project: Decimal | None = money(label="项目支出")


@dataclass
class OverallBudget:
    initial: Decimal | None = money(label="年初预算数", required=True)
    full_year: Decimal | None = money(label="全年预算数", required=True)
    executed: Decimal | None = money(label="全年执行数", required=True)
    by_source: BySource = obj(BySource, label="按收入性质分")
    by_nature: ByNature = obj(ByNature, label="按支出性质分")


@dataclass
class IncomeRow:
    institution: str | None = text(label="机构")
    carryover: Decimal | None = money(label="上年结转")
    general_public: Decimal | None = money(label="一般公共预算")
    gov_fund: Decimal | None = money(label="政府性基金")
    state_capital: Decimal | None = money(label="国有资本经营")
    special_non_tax: Decimal | None = money(label="专户非税收入")
    other: Decimal | None = money(label="其他收入")

    AMOUNTS = ("carryover", "general_public", "gov_fund", "state_capital", "special_non_tax", "other")


@dataclass
class ExpenditureRow:
    institution: str | None = text(label="机构")
    personnel: Decimal | None = money(label="人员经费")
    public_use: Decimal | None = money(label="公用经费")
    project: Decimal | None = money(label="项目支出")
    balance_year: Decimal | None = money(label="本年结余")
    balance_accumulated: Decimal | None = money(label="累计结余")

    AMOUNTS = ("personnel", "public_use", "project", "balance_year", "balance_accumulated")


@dataclass
class ProjectGoal:
    type: str | None = text(label="目标类型")
    text: str | None = text(label="目标")


@dataclass
class Project:
    name: str | None = text(label="项目名称")
    prev_final: Decimal | None = money(label="上年决算数")
    initial: Decimal | None = money(label="年初预算数")
    adjustment: Decimal | None = signed(label="调整数")
    full_year: Decimal | None = money(label="全年预算数")
    executed: Decimal | None = money(label="全年执行数")
    carryover: Decimal | None = money(label="结余结转")
    direct_to_towns: bool | None = flag(label="直拨镇街")
    category: str | None = text(label="项目类别")
    goals: list[ProjectGoal] = objs(ProjectGoal, label="项目绩效目标")
    description: str | None = text(label="项目实施及绩效情况")


@dataclass
class ThreeColumns:
    """上年决算 / 本年预算 / 本年决算, used by 三公经费 and 公用经费."""
    prev_final: Decimal | None = money(label="上年决算数")
    budget: Decimal | None = money(label="本年预算数")
    final: Decimal | None = money(label="本年决算数")


@dataclass
class ThreePublicByInstitution:
    institution: str | None = text(label="机构")
    vehicle_purchase: Decimal | None = money(label="公务用车购置")
    vehicle_operation: Decimal | None = money(label="公务用车运行维护")
    overseas: Decimal | None = money(label="因公出国（境）")
    reception: Decimal | None = money(label="公务接待")


THREE_PUBLIC_ITEMS = ("vehicle_purchase", "vehicle_operation", "overseas", "reception")


@dataclass
class ThreePublic:
    vehicle_purchase: ThreeColumns = obj(ThreeColumns, label="公务用车购置")
    vehicle_operation: ThreeColumns = obj(ThreeColumns, label="公务用车运行维护")
    overseas: ThreeColumns = obj(ThreeColumns, label="因公出国（境）")
    reception: ThreeColumns = obj(ThreeColumns, label="公务接待")
    by_institution: list[ThreePublicByInstitution] = objs(ThreePublicByInstitution, label="分机构三公经费")


@dataclass
class PublicFunds:
    total: ThreeColumns = obj(ThreeColumns, label="公用经费")
    office: ThreeColumns = obj(ThreeColumns, label="办公经费")
    utilities_travel: ThreeColumns = obj(ThreeColumns, label="水费、电费、差旅费")
    meetings_training: ThreeColumns = obj(ThreeColumns, label="会议费、培训费")


@dataclass
class Procurement:
    budget: Decimal | None = money(label="政府采购预算数")
    final: Decimal | None = money(label="政府采购决算数")


@dataclass
class Building:
    name: str | None = text(label="项目名称")
    approved_m2: Decimal | None = money(label="批复规模（㎡）", unit="㎡")
    actual_m2: Decimal | None = money(label="实际规模（㎡）", unit="㎡")
    budget: Decimal | None = money(label="预算投资")
    actual: Decimal | None = money(label="实际投资")


@dataclass
class AssetsByInstitution:
    institution: str | None = text(label="机构")
    fixed_total: Decimal | None = money(label="固定资产总额")


@dataclass
class Assets:
    total: Decimal | None = money(label="资产总额")
    current: Decimal | None = money(label="流动资产")
    fixed_original: Decimal | None = money(label="固定资产原值")
    fixed_net: Decimal | None = money(label="固定资产净值")
    fixed_in_use: Decimal | None = money(label="在用固定资产")
    fixed_rented: Decimal | None = money(label="出租出借固定资产")
    by_institution: list[AssetsByInstitution] = objs(AssetsByInstitution, label="分机构固定资产")


@dataclass
class OtherBudgets:
    gov_fund: str | None = text(label="政府性基金预算支出情况")
    state_capital: str | None = text(label="国有资本经营预算支出情况")
    social_insurance: str | None = text(label="社会保险基金预算支出情况")


@dataclass
class Finance:
    overall_budget: OverallBudget = obj(OverallBudget, label="年度资金总额")
    income: list[IncomeRow] = objs(IncomeRow, label="年度收入情况")
    expenditure: list[ExpenditureRow] = objs(ExpenditureRow, label="年度支出和结余情况")
    projects: list[Project] = objs(Project, label="项目支出")
    three_public: ThreePublic = obj(ThreePublic, label="三公经费")
    public_funds: PublicFunds = obj(PublicFunds, label="公用经费")
    procurement: Procurement = obj(Procurement, label="政府采购")
    buildings: list[Building] = objs(Building, label="楼堂馆所")
    assets: Assets = obj(Assets, label="资产情况")
    other_budgets: OtherBudgets = obj(OtherBudgets, label="其他预算")
    austerity_measures: str | None = text(label="厉行节约保障措施")


# --- evaluation -------------------------------------------------------------------------

@dataclass
class OverallGoal:
    expected: str | None = text(label="预期目标")
    actual: str | None = text(label="实际完成情况")


@dataclass
class Rules:
    """Scoring rules chosen for this report; None means the template's default."""
    budget_execution: str | None = enum(BUDGET_EXECUTION_RULES, label="预算执行率计分规则")
    quantitative: str | None = enum(QUANTITATIVE_RULES, label="定量指标计分规则")
    satisfaction: str | None = enum(SATISFACTION_RULES, label="满意度计分规则")
    over_achievement_pct: Decimal | None = number(label="超额完成提示阈值（%）")


@dataclass
class BudgetExecution:
    weight: Decimal | None = number(label="预算执行率分值")
    score_override: Decimal | None = number(label="预算执行率得分（手工）")
    override_reason: str | None = text(label="手工评分理由")


@dataclass
class Indicator:
    id: str | None = text(label="编号")
    level1: str | None = text(label="一级指标")
    level2: str | None = text(label="二级指标")
    name: str | None = text(label="三级指标", required=True)
    kind: str | None = enum(INDICATOR_KINDS, label="指标性质")
    direction: str | None = enum(DIRECTIONS, label="指标方向")
    target: Decimal | None = number(label="年度指标值")
    unit: str | None = text(label="计量单位")
    target_text: str | None = text(label="年度指标值（文字）")
    actual: Decimal | None = number(label="实际完成值")
    actual_text: str | None = text(label="实际完成值（文字）")
    weight: Decimal | None = number(label="分值")
    score_override: Decimal | None = number(label="得分（手工）")
    band: str | None = enum(BANDS, label="完成档次")
    deviation: str | None = text(label="偏差原因分析及改进措施")
    task: int | None = count(label="所属任务")
    standard: str | None = text(label="绩效标准")
    status: str | None = enum(STATUSES, label="完成情况")
    analysis: str | None = text(label="完成情况分析")
    # Not in data-format.md v1: a writer may add fields. Written only when set.
    override_reason: str | None = text(label="手工评分理由", optional_out=True)
    over_achievement_confirmed: bool | None = flag(label="确认超额完成", optional_out=True)


@dataclass
class Evaluator:
    name: str | None = text(label="姓名")
    title: str | None = text(label="职务")
    unit: str | None = text(label="单位")


@dataclass
class Evaluation:
    overall_goal: OverallGoal = obj(OverallGoal, label="年度总体目标")
    rules: Rules = obj(Rules, label="计分规则")
    budget_execution: BudgetExecution = obj(BudgetExecution, label="预算执行率")
    indicators: list[Indicator] = objs(Indicator, label="绩效指标")
    evaluators: list[Evaluator] = objs(Evaluator, label="评价人员")
    conclusion: str | None = text(label="自评结论")


NARRATIVE_SECTIONS = {
    "work_summary": "整体支出绩效情况",
    "project_performance": "项目支出绩效情况",
    "problems": "存在的问题及原因分析",
    "improvements": "下一步改进措施",
    "application": "绩效自评结果拟应用和公开情况",
    "other": "其他需要说明的情况",
}


@dataclass
class Report:
    template: str | None = enum(TEMPLATES, label="模板")
    year: int | None = count(label="年度")
    report_date: str | None = date(label="填报日期")
    unit: Unit = obj(Unit, label="单位")
    tasks: list[Task] = objs(Task, label="年度主要工作任务")
    finance: Finance = obj(Finance, label="收支情况")
    evaluation: Evaluation = obj(Evaluation, label="绩效评价")
    # Prose sections by key: the six of data-format.md plus any a template adds.
    narrative: dict[str, str] = field(default_factory=dict, metadata={"kind": "narrative", "label": "报告正文"})

    def title(self) -> str:
        name = self.unit.name or "（未填单位名称）"
        year = f"{self.year}年度" if self.year else ""
        return f"{name} · {year}"
