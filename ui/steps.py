"""Steps ① 基本情况 and ② 收支情况: every field of data-format.md's unit, tasks and finance."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from models.money import HUNDRED, format_percent, round2
from models.report import (LEVELS, UNIT_TYPES, AssetsByInstitution, Building, ExpenditureRow, IncomeRow,
                           Institution, Project, ProjectGoal, Task, ThreeColumns, ThreePublicByInstitution)
from models.scoring import execution_rate_pct
from models.templates import template_keys

from .fields import ENUM_LABELS, GLOSSARY, display
from .forms import StepPage, form_grid
from .session import ReportSession
from .table import Column, RowsModel, TableSection, column, derived_column


def _money(value) -> str:
    return display("money", value)


def _sum(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _pair(*widgets) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(12)
    for widget in widgets:  # side by side, tops level even when one is taller
        layout.addWidget(widget, 1, Qt.AlignmentFlag.AlignTop)
    return box


def _labelled(title: str, widget: QWidget, hint: str = "") -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    head = QLabel(title, box)
    head.setObjectName("sectionTitle")
    if hint:
        head.setToolTip(hint)
    layout.addWidget(head)
    layout.addWidget(widget)
    return box


def texts_table(session: ReportSession, path: tuple, header: str, tooltip: str, rows: int = 6,
                lines: int = 1, numbered: bool = False) -> TableSection:
    model = RowsModel(session, path, [Column(attr=None, header=header, kind="text", tooltip=tooltip,
                                             strip_numbering=numbered)],
                      new_row=lambda: "")
    return TableSection(model, add_text="＋ 新增", max_visible_rows=rows, lines=lines)


# --- ① 基本情况 ---------------------------------------------------------------------------

class BasicPage(StepPage):
    def __init__(self, session: ReportSession, parent=None):
        super().__init__(session, "① 基本情况", parent)
        b = self.binder
        u = ("unit",)
        templates = tuple(template_keys())
        self.unit_name = b.line(u + ("name",), placeholder="单位全称，如 株洲市芦淞区退役军人事务局")
        self.unit_name.span_all = True
        report_box = form_grid([
            [("单位名称", self.unit_name)],
            [("评价年度", b.line(("year",), kind="year", what="评价年度", placeholder="如 2023", chars=6)),
             ("报告模板", b.combo(("template",), templates, ENUM_LABELS["template"], what="报告模板")),
             ("填报日期", b.line(("report_date",), placeholder="如 2024-03-15"))],
        ])
        self.add_section("报告信息", report_box)

        unit_box = form_grid([
            [("省", b.line(u + ("region", "province"), placeholder="如 湖南省")),
             ("市", b.line(u + ("region", "city"), placeholder="如 株洲市")),
             ("区县", b.line(u + ("region", "county"), placeholder="如 芦淞区"))],
            [("预算级次", b.combo(u + ("level",), LEVELS)),
             ("单位性质", b.combo(u + ("unit_type",), UNIT_TYPES)),
             ("机构规格", b.line(u + ("rank",), placeholder="如 正科级"))],
            [("经费形式", b.line(u + ("funding",), placeholder="如 全额拨款")),
             ("成立时间", b.line(u + ("established",), placeholder="如 2019-03-25")),
             ("单位负责人", b.line(u + ("head",)))],
            [("联系人", b.line(u + ("contact", "name"), what="联系人姓名")),
             ("联系电话", b.line(u + ("contact", "phone"), what="联系人电话")),
             ("", QWidget())],
            [("填表人", b.line(u + ("filler", "name"), what="填表人姓名")),
             ("填表人电话", b.line(u + ("filler", "phone"), what="填表人电话")),
             ("", QWidget())],
        ])
        self.add_section("单位信息", unit_box)
        self.add_section("单位概况", b.text(u + ("overview",), lines=3,
                                         placeholder="单位性质、规格、内设机构等概况（报告第一部分）"))

        self.functions = texts_table(session, u + ("functions",), "主要职责（每条一行，序号由程序自动编排）",
                                     "报告“主要职责”部分，每一条职责一行；从Word粘贴时“1、”等序号会自动去掉",
                                     rows=10, lines=2, numbered=True)
        self.tables.append(self.functions)
        self.add_section("主要职责", self.functions)

        self.departments = texts_table(session, u + ("departments",), "内设机构", "单位的内设科室（股室）", rows=5)
        institutions = RowsModel(session, u + ("institutions",),
                                 [column(Institution, "name"), column(Institution, "kind", width=14)],
                                 new_row=lambda: Institution(kind="本级", name=session.report.unit.name)
                                 if not session.report.unit.institutions  # the first one is the unit itself
                                 else Institution(kind="下属事业单位"))
        self.institutions = TableSection(institutions, max_visible_rows=5)
        self.tables += [self.departments, self.institutions]
        self.add_section("内设机构与所属机构", _pair(_labelled("内设机构", self.departments),
                                                    _labelled("机构（本级在前，下属单位在后）", self.institutions)))

        s = u + ("staffing",)
        staffing = form_grid([
            [("行政编制", b.line(s + ("authorized_admin",), chars=6)),
             ("事业编制", b.line(s + ("authorized_public_institution",), chars=6)),
             ("工勤等其他编制", b.line(s + ("authorized_other",), chars=6)),
             ("编制合计", b.derived_field(lambda ss: str(ss.shown_report.unit.staffing.authorized_total or ""), chars=6,
                                       tooltip="行政编制＋事业编制＋工勤等其他编制，由程序计算"))],
            [("实有在职人数", b.line(s + ("actual_in_service",), chars=6)),
             ("编外人员", b.line(s + ("actual_other",), chars=6)),
             ("离退休人数", b.line(s + ("retired",), chars=6)),
             ("在职人员控制率", b.derived_field(_staff_control_rate, chars=6,
                                          tooltip="实有在职人数 ÷ 编制合计 × 100%，由程序计算"))],
        ])
        notes = b.text(s + ("notes",), lines=2, placeholder="如：部门共有编制人数7人，实有人数9人，其中……")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(staffing)
        layout.addWidget(_labelled("人员情况说明", notes))
        self.add_section("人员情况（人）", box)

        tasks = RowsModel(session, ("tasks",),
                          [column(Task, "no", width=5), column(Task, "name", width=18), column(Task, "content"),
                           column(Task, "goal")],
                          new_row=lambda: Task(no=len(session.report.tasks) + 1))
        self.tasks = TableSection(tasks, max_visible_rows=6, lines=2)
        self.tables.append(self.tasks)
        self.add_section("年度主要工作任务", self.tasks, note="广东模板按任务分组；其他模板可不填")
        self.finish()


def _staff_control_rate(session: ReportSession) -> str:
    staffing = session.shown_report.unit.staffing
    total = staffing.authorized_total
    if not total or staffing.actual_in_service is None:
        return ""
    return format_percent(round2(Decimal(staffing.actual_in_service) * HUNDRED / Decimal(total)))


# --- ② 收支情况 ---------------------------------------------------------------------------

def _row_total(attrs):
    def compute(row, _index):
        return _sum(getattr(row, a) for a in attrs)
    return compute


def _project_rate(row, _index):
    rate = execution_rate_pct(row.full_year, row.executed)
    return None if rate is None else format_percent(rate)


class FinancePage(StepPage):
    def __init__(self, session: ReportSession, parent=None):
        super().__init__(session, "② 收支情况（单位：万元）", parent)
        b = self.binder
        ob = ("finance", "overall_budget")

        def rate(ss):
            return format_percent(ss.shown_derived.execution_rate)

        budget = form_grid([
            [("年初预算数", b.line(ob + ("initial",))), ("全年预算数", b.line(ob + ("full_year",))),
             ("全年执行数", b.line(ob + ("executed",))),
             ("执行率", b.derived_field(rate, tooltip=GLOSSARY["执行率"]))],
            [("一般公共预算", b.line(ob + ("by_source", "general_public"))),
             ("政府性基金拨款", b.line(ob + ("by_source", "gov_fund"))),
             ("专户非税收入", b.line(ob + ("by_source", "special_non_tax"),
                                  what="纳入专户管理的非税收入拨款")),
             ("其他资金", b.line(ob + ("by_source", "other")))],
            [("按收入性质合计", b.derived_field(lambda ss: _money(ss.shown_report.finance.overall_budget.by_source.total()),
                                          tooltip="按收入性质分四项之和，应等于全年预算数")),
             ("基本支出", b.line(ob + ("by_nature", "basic"))), ("项目支出", b.line(ob + ("by_nature", "project"))),
             ("按支出性质合计", b.derived_field(
                 lambda ss: _money(_sum((ss.shown_report.finance.overall_budget.by_nature.basic,
                                         ss.shown_report.finance.overall_budget.by_nature.project))),
                 tooltip="基本支出＋项目支出，应等于全年执行数"))],
        ])
        self.add_section("年度资金总额", budget, note="第二行按收入性质分，第三行按支出性质分")

        income_cols = [column(IncomeRow, "institution", width=0)] + \
            [column(IncomeRow, a, width=9) for a in IncomeRow.AMOUNTS] + \
            [derived_column("合计", _row_total(IncomeRow.AMOUNTS), "本行各项收入之和")]
        income_cols[-1].total = True
        self.income = TableSection(RowsModel(session, ("finance", "income"), income_cols, new_row=self._institution_row(IncomeRow),
                                             totals=True), max_visible_rows=5)
        expenditure_cols = [column(ExpenditureRow, "institution", width=0)] + \
            [column(ExpenditureRow, a, width=10) for a in ExpenditureRow.AMOUNTS] + \
            [derived_column("基本支出", _row_total(("personnel", "public_use")), "人员经费＋公用经费")]
        expenditure_cols[-1].total = True
        self.expenditure = TableSection(RowsModel(session, ("finance", "expenditure"), expenditure_cols,
                                                  new_row=self._institution_row(ExpenditureRow), totals=True),
                                        max_visible_rows=5)
        self.tables += [self.income, self.expenditure]
        self.add_section("年度收入情况（按机构）", self.income)
        self.add_section("年度支出和结余情况（按机构）", self.expenditure)

        project_cols = [column(Project, "name", width=0)] + \
            [column(Project, a, width=9) for a in ("prev_final", "initial", "adjustment", "full_year", "executed",
                                                    "carryover")] + \
            [derived_column("执行率", _project_rate, GLOSSARY["执行率"], width=8),
             column(Project, "direct_to_towns", width=7)]
        self.projects_model = RowsModel(session, ("finance", "projects"), project_cols,
                                        new_row=lambda: Project(direct_to_towns=False), totals=True)
        self.projects = TableSection(self.projects_model, max_visible_rows=10)
        self.tables.append(self.projects)
        self.goals_model = RowsModel(session, None, [column(ProjectGoal, "type", width=14), column(ProjectGoal, "text")],
                                     new_row=ProjectGoal)
        self.goals = TableSection(self.goals_model, max_visible_rows=4)
        self.project_caption = QLabel("", self.body)
        self.project_caption.setObjectName("hint")
        detail = QWidget()
        grid = QGridLayout(detail)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.addWidget(self.project_caption, 0, 0, 1, 2)
        self.project_category = b.line(self._project_field("category"), what="项目类别",
                                       placeholder="如 专项经费、业务工作经费")
        grid.addWidget(QLabel("项目类别"), 1, 0)
        grid.addWidget(self.project_category, 1, 1)
        self.project_description = b.text(self._project_field("description"), lines=3, what="项目实施及绩效情况")
        grid.addWidget(_labelled("项目实施及绩效情况", self.project_description), 2, 0, 1, 2)
        grid.addWidget(_labelled("项目绩效目标", self.goals), 3, 0, 1, 2)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.projects)
        layout.addWidget(detail)
        self.add_section("项目支出", box, note="选中一个项目，在下方填写它的说明和绩效目标")
        self.projects.view.selectionModel().currentRowChanged.connect(lambda *_: self._project_selected())
        self.projects_model.modelReset.connect(self._project_selected)
        self.locators.append(self._reveal_project_detail)
        self._project_selected()

        tp = ("finance", "three_public")
        three_cols = [column(ThreeColumns, a, width=10) for a in ("prev_final", "budget", "final")]
        self.three_public = TableSection(RowsModel(session, tp, three_cols, totals=True, fixed_rows=[
            ("vehicle_purchase", "公务用车购置"), ("vehicle_operation", "公务用车运行维护"),
            ("overseas", "因公出国（境）"), ("reception", "公务接待")]), max_visible_rows=6)
        by_inst_cols = [column(ThreePublicByInstitution, "institution", width=0)] + \
            [column(ThreePublicByInstitution, a, width=10) for a in ("vehicle_purchase", "vehicle_operation",
                                                                     "overseas", "reception")]
        self.three_public_by_inst = TableSection(RowsModel(session, tp + ("by_institution",), by_inst_cols,
                                                           new_row=self._institution_row(ThreePublicByInstitution),
                                                           totals=True), max_visible_rows=4)
        pf = ("finance", "public_funds")
        self.public_funds = TableSection(RowsModel(session, pf, [column(ThreeColumns, a, width=10)
                                                                 for a in ("prev_final", "budget", "final")],
                                                   fixed_rows=[("total", "公用经费"), ("office", "其中：办公经费"),
                                                               ("utilities_travel", "水费、电费、差旅费"),
                                                               ("meetings_training", "会议费、培训费")]),
                                         max_visible_rows=5)
        self.tables += [self.three_public, self.three_public_by_inst, self.public_funds]
        self.add_section("三公经费", _pair(self.three_public, self.public_funds),
                         note="左：三公经费；右：公用经费及其明细")
        self.add_section("分机构三公经费", self.three_public_by_inst, collapsed=not session.report.finance.three_public.by_institution,
                         note="有下属单位时填写")

        pr = ("finance", "procurement")
        procurement = form_grid([[("政府采购预算数", b.line(pr + ("budget",))),
                                  ("政府采购决算数", b.line(pr + ("final",))), ("", QWidget())]])
        self.buildings = TableSection(RowsModel(session, ("finance", "buildings"),
                                                [column(Building, "name", width=0)] +
                                                [column(Building, a, width=10) for a in
                                                 ("approved_m2", "actual_m2", "budget", "actual")],
                                                new_row=lambda: Building(name="")), max_visible_rows=4)
        self.buildings.model.columns[1].total = self.buildings.model.columns[2].total = False
        self.tables.append(self.buildings)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(procurement)
        layout.addWidget(_labelled("楼堂馆所（本年竣工）", self.buildings))
        self.add_section("政府采购与楼堂馆所", box)

        a = ("finance", "assets")
        assets = form_grid([
            [("资产总额", b.line(a + ("total",))), ("流动资产", b.line(a + ("current",))),
             ("固定资产原值", b.line(a + ("fixed_original",)))],
            [("固定资产净值", b.line(a + ("fixed_net",))), ("在用固定资产", b.line(a + ("fixed_in_use",))),
             ("出租出借固定资产", b.line(a + ("fixed_rented",)))],
        ])
        self.assets_by_inst = TableSection(RowsModel(session, a + ("by_institution",),
                                                     [column(AssetsByInstitution, "institution", width=0),
                                                      column(AssetsByInstitution, "fixed_total", width=12)],
                                                     new_row=self._institution_row(AssetsByInstitution)),
                                           max_visible_rows=3)
        self.tables.append(self.assets_by_inst)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(assets)
        layout.addWidget(_labelled("分机构固定资产", self.assets_by_inst))
        self.add_section("资产情况", box, collapsed=False)

        o = ("finance", "other_budgets")
        other = form_grid([
            [("政府性基金预算", b.line(o + ("gov_fund",), placeholder="没有请填“无”"))],
            [("国有资本经营预算", b.line(o + ("state_capital",), placeholder="没有请填“无”"))],
            [("社会保险基金预算", b.line(o + ("social_insurance",), placeholder="没有请填“无”"))],
            [("厉行节约保障措施", b.text(("finance", "austerity_measures"), lines=2))],
        ])
        self.add_section("其他预算支出与厉行节约", other)
        self.finish()

    def _institution_row(self, cls):
        def make():
            names = [i.name for i in self.session.report.unit.institutions if i.name]
            existing = {getattr(r, "institution", None) for r in self.session.get(self._list_of(cls))}
            free = [n for n in names if n not in existing]
            return cls(institution=free[0] if free else (names[0] if names and not existing else None))
        return make

    @staticmethod
    def _list_of(cls) -> tuple:
        return {IncomeRow: ("finance", "income"), ExpenditureRow: ("finance", "expenditure"),
                ThreePublicByInstitution: ("finance", "three_public", "by_institution"),
                AssetsByInstitution: ("finance", "assets", "by_institution")}[cls]

    def current_project(self) -> int | None:
        index = self.projects.view.currentIndex()
        if index.isValid() and index.row() < len(self.session.report.finance.projects):
            return index.row()
        return None

    def _project_field(self, attr):
        def path():
            row = self.current_project()
            return None if row is None else ("finance", "projects", row, attr)
        return path

    def _project_selected(self):
        row = self.current_project()
        self.goals_model.set_list_path(None if row is None else ("finance", "projects", row, "goals"))
        project = None if row is None else self.session.report.finance.projects[row]
        self.project_caption.setText("请先在上表中选中一个项目" if project is None else
                                     f"第{row + 1}个项目：{project.name or '（未填名称）'}")
        self.binder.refresh()

    def _reveal_project_detail(self, path: str) -> bool:
        for row in range(len(self.session.report.finance.projects)):
            base = f"finance.projects[{row}]"
            if path.startswith(base + ".description") or path.startswith(base + ".category") \
                    or path.startswith(base + ".goals"):
                self.projects.view.select_cell(row, 0)
                self._project_selected()
                target = self.project_description if ".description" in path else (
                    self.project_category if ".category" in path else self.goals.view)
                self._open_and_show(target)
                target.setFocus()
                return True
        return False
