"""The tables workbook, read back with openpyxl: every figure in its labelled row and column."""
from __future__ import annotations

import copy
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_seed
from export import xlsx_tables
from export.package import RENDERERS
from models.report import ExpenditureRow, IncomeRow, Report, ThreePublicByInstitution

_SEEDS = {name: load_seed(name) for name in ("000", "001", "004")}
_BOOKS: dict[tuple[str, bool], bytes] = {}


def seed(name: str) -> Report:
    return copy.deepcopy(_SEEDS[name])


def rendered(name: str, draft: bool = False) -> bytes:
    if (name, draft) not in _BOOKS:
        _BOOKS[name, draft] = xlsx_tables.render(_SEEDS[name], draft)
    return _BOOKS[name, draft]


def book(content: bytes, data_only: bool = True):
    return openpyxl.load_workbook(io.BytesIO(content), data_only=data_only)


def D(value) -> Decimal | None:
    """A read-back cell value as Decimal (openpyxl returns int or float for numbers)."""
    return None if value is None else Decimal(str(value))


def find_row(ws, label: str, column: int | None = None) -> int:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label and (column is None or cell.column == column):
                return cell.row
    raise AssertionError(f"no row labelled {label!r} in {ws.title}")


def find_column(ws, heading: str, above: int) -> int:
    """The column whose heading (the nearest one above ``above``) is ``heading``."""
    for row in range(above - 1, 0, -1):
        for cell in ws[row]:
            if cell.value == heading:
                return cell.column
    raise AssertionError(f"no column {heading!r} above row {above} in {ws.title}")


def at(ws, row_label: str, heading: str, *, label_column: int | None = None):
    row = find_row(ws, row_label, label_column)
    return ws.cell(row=row, column=find_column(ws, heading, row))


def right_of(ws, label: str):
    """The first filled-in cell to the right of a label (skipping the label's merged cells)."""
    row = find_row(ws, label)
    start = next(c.column for c in ws[row] if c.value == label)
    end = start
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col == start:
            end = merged.max_col
    return ws.cell(row=row, column=end + 1)


# --- 基础数据表 (附件2) ------------------------------------------------------------------

def test_basic_data_sheet_of_seed_001_holds_every_figure_in_its_row_and_column():
    ws = book(rendered("001"))["基础数据表"]
    columns = ("2022年决算数", "2023年预算数", "2023年决算数")
    expected = {
        "三公经费": ("0", "0", "0"),
        "1、公务用车购置和维护经费": ("0", "0", "0"),
        "3、公务接待": ("0", "0", "0"),
        "项目支出": ("1829.33", "2248.65", "2082.80"),
        "涉退役军人群体就业援助专项资金": ("0", "320", "0"),
        "优抚经费": ("1591.78", "1667.9", "1828.14"),
        "安置经费": ("174.68", "257.75", "211.14"),
        "退役军人信访维稳经费": ("7.35", "0", "17.01"),
        "退役军人事务管理支出": ("55.52", "3", "26.51"),
        "公用经费": ("12.54", "14.6", "9.4"),
        "其中：办公经费": ("2.42", "3", "0.15"),
        "水费、电费、差旅费": ("0.74", "0.2", "0.19"),
        "会议费、培训费": ("0.19", "0.1", "0.1"),
        "政府采购金额": (None, "57.12", "57.12"),
    }
    for label, values in expected.items():
        for heading, value in zip(columns, values):
            cell = at(ws, label, heading, label_column=1)
            assert D(cell.value) == (None if value is None else Decimal(value)), (label, heading)
            if value is not None:
                assert cell.data_type == "n" and cell.number_format == "#,##0.00", (label, heading)
    staff_row = find_row(ws, "财政供养人员情况（人）") + 1
    assert ws.cell(staff_row, find_column(ws, "编制数", staff_row)).value == 7
    assert ws.cell(staff_row, find_column(ws, "2023年实际在职人数", staff_row)).value == 7
    rate = ws.cell(staff_row, find_column(ws, "控制率", staff_row))
    assert D(rate.value) == 1 and rate.number_format == "0.00%"
    assert right_of(ws, "厉行节约保障措施").value == "严控业务工作经费及公用经费开支"
    assert any(str(c.value).startswith("说明：“项目支出”") for c in ws["A"])
    signature = next(c.value for c in ws["A"] if str(c.value).startswith("填表人："))
    assert "许冰玢" in signature and "28580216" in signature and "单位负责人签字：朱发运" in signature
    building_row = find_row(ws, "批复规模（㎡）") + 1
    assert D(ws.cell(building_row, find_column(ws, "实际投资（万元）", building_row)).value) == 0
    # 0 / 0 is no rate: left empty rather than printed as a made-up 0 %
    assert ws.cell(building_row, find_column(ws, "规模控制率", building_row)).value is None


def test_basic_data_sheet_of_seed_004_leaves_unprinted_figures_empty():
    ws = book(rendered("004"))["基础数据表"]
    assert at(ws, "三公经费", "2018年决算数").value is None
    assert at(ws, "三公经费", "2019年预算数").value is None
    assert D(at(ws, "三公经费", "2019年决算数").value) == 0
    assert D(at(ws, "项目支出", "2019年决算数", label_column=1).value) == Decimal("7997.94")
    assert D(at(ws, "拥军优属经费", "2019年决算数").value) == Decimal("237.06")
    assert D(at(ws, "退役军人服务办聘用人员经费", "2019年决算数").value) == Decimal("2.39")
    assert at(ws, "公用经费", "2019年决算数").value is None
    staff_row = find_row(ws, "财政供养人员情况（人）") + 1
    assert [ws.cell(staff_row, c).value for c in (2, 4)] == [16, 16]
    assert D(ws.cell(staff_row, 6).value) == 1


def test_staff_control_rate_is_actual_over_authorized():
    report = seed("001")
    report.unit.staffing.authorized_admin = 8
    ws = book(xlsx_tables.render(report, False))["基础数据表"]
    staff_row = find_row(ws, "财政供养人员情况（人）") + 1
    assert D(ws.cell(staff_row, find_column(ws, "控制率", staff_row)).value) == Decimal("0.875")


# --- 整体支出绩效自评表 (附件3) -------------------------------------------------------------

def test_self_evaluation_sheet_of_seed_001():
    ws = book(rendered("001"))["整体支出绩效自评表"]
    assert right_of(ws, "区级预算部门（单位）名称").value == "株洲市芦淞区退役军人事务局"
    row = {h: at(ws, "年度资金总额", h).value
           for h in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")}
    assert {k: D(v) for k, v in row.items()} == {
        "年初预算数": Decimal("2372.7"), "全年预算数": Decimal("2227.73"), "全年执行数": Decimal("2225.97"),
        "分值": 10, "执行率": Decimal("0.9992"), "得分": 9}
    assert at(ws, "年度资金总额", "执行率").number_format == "0.00%"
    assert at(ws, "年度资金总额", "年初预算数").number_format == "#,##0.00"
    assert D(right_of(ws, "一般公共预算").value) == Decimal("2227.73")
    assert D(right_of(ws, "政府性基金拨款").value) == 0
    assert D(right_of(ws, "纳入专户管理的非税收入拨款").value) == 0
    assert D(right_of(ws, "基本支出").value) == Decimal("143.17")
    assert D(right_of(ws, "项目支出").value) == Decimal("2084.56")
    goal_row = find_row(ws, "预期目标") + 1
    assert ws.cell(goal_row, find_column(ws, "预期目标", goal_row)).value.startswith("贯彻落实党和国家")
    assert ws.cell(goal_row, find_column(ws, "实际完成情况", goal_row)).value.startswith("加强政治引领")

    def indicator(name, heading):
        return at(ws, name, heading, label_column=4).value

    assert indicator("资金拨付时间", "年度指标值") == "2023年12月底前"
    assert indicator("资金拨付时间", "实际完成值") == "12月31日前发放到位"
    assert (indicator("资金拨付时间", "分值"), indicator("资金拨付时间", "得分")) == (20, 20)
    assert indicator("完成预算支付资金", "年度指标值") == "2372.7万元"
    assert indicator("无影响生态安全事件发生", "分值") == 5
    assert D(at(ws, "总分", "分值").value) == 100
    assert D(at(ws, "总分", "得分").value) == 99
    assert right_of(ws, "评价等次").value == "优"


def test_level1_and_level2_cells_are_merged_with_their_weight_sum():
    ws = book(rendered("001"))["整体支出绩效自评表"]
    spans = {}
    for merged in ws.merged_cells.ranges:
        value = ws.cell(merged.min_row, merged.min_col).value
        if merged.min_col == 2 and merged.max_col == 2 and isinstance(value, str):
            spans[value] = merged.max_row - merged.min_row + 1
    assert spans == {"产出指标\n（40分）": 3, "效益指标\n（20分）": 4, "成本指标\n（20分）": 3}
    assert find_row(ws, "满意度指标\n（10分）", 2)  # a one-row group: its own cell, not merged
    # consecutive equal 二级指标 merge too
    report = seed("001")
    report.evaluation.indicators[1].level2 = "数量指标"
    ws = book(xlsx_tables.render(report, False))["整体支出绩效自评表"]
    first = find_row(ws, "根据我区优抚对象人数发放", 4)
    assert any(m.min_row == first and m.max_row == first + 1 and m.min_col == 3 == m.max_col
               for m in ws.merged_cells.ranges)


def test_self_evaluation_sheet_of_seed_000_without_weights():
    wb = book(rendered("000"))
    ws = wb["整体支出绩效自评表"]
    assert at(ws, "年度资金总额", "年初预算数").value is None
    assert D(at(ws, "年度资金总额", "全年预算数").value) == Decimal("11207.11")
    assert D(at(ws, "年度资金总额", "全年执行数").value) == Decimal("11207.11")
    assert D(at(ws, "年度资金总额", "执行率").value) == 1
    cell = right_of(ws, "基本支出")
    assert D(cell.value) == Decimal("648.00") and cell.number_format == "#,##0.00"
    assert D(right_of(ws, "项目支出").value) == Decimal("10559.11")
    assert right_of(ws, "政府性基金拨款").value is None
    assert at(ws, "总分", "得分").value is None  # no weights, no total: never a partial sum
    names = [i.name for i in _SEEDS["000"].evaluation.indicators]
    for name in names:
        assert find_row(ws, name, 4)
    flat = wb["绩效指标"]
    for name in names:
        assert at(flat, name, "完成档次", label_column=4).value == "达成年度指标"
    first = _SEEDS["000"].evaluation.indicators[0]
    basic = wb["基础数据表"]
    staff_row = find_row(basic, "财政供养人员情况（人）") + 1
    assert [basic.cell(staff_row, c).value for c in (2, 4, 6)] == [19, None, None]  # 行政10 + 事业9
    assert D(at(basic, "项目支出", "2023年决算数", label_column=1).value) is None  # no project rows
    assert at(flat, first.name, "绩效标准", label_column=4).value == first.standard
    assert at(flat, first.name, "所属任务", label_column=4).value == first.task
    assert at(flat, first.name, "完成情况分析", label_column=4).value == first.analysis


def test_self_evaluation_sheet_of_seed_004_has_no_indicators_and_the_nature_split():
    ws = book(rendered("004"))["整体支出绩效自评表"]
    assert D(right_of(ws, "基本支出").value) == Decimal("142.94")
    assert D(right_of(ws, "项目支出").value) == Decimal("7997.94")
    for heading in ("年初预算数", "全年预算数", "全年执行数", "执行率", "得分"):
        assert at(ws, "年度资金总额", heading).value is None
    assert find_row(ws, "（未填写绩效指标）")
    assert right_of(ws, "评价等次").value is None


# --- 收支情况, 项目支出, 绩效指标 ------------------------------------------------------------

def test_per_institution_tables_with_totals_computed_as_values():
    report = seed("001")
    report.finance.income = [
        IncomeRow("局机关", Decimal("2.064046"), Decimal("9584.256820"), Decimal("0"), None, None, Decimal("7.704188")),
        IncomeRow("光荣院", None, Decimal("100.5"), None, None, None, None)]
    report.finance.expenditure = [
        ExpenditureRow("局机关", Decimal("398.580948"), Decimal("26.777787"), Decimal("9167.527684"),
                       Decimal("1.138546"), None),
        ExpenditureRow("光荣院", Decimal("50"), Decimal("10"), Decimal("40.5"), None, None)]
    report.finance.three_public.by_institution = [
        ThreePublicByInstitution("局机关", Decimal("0"), Decimal("1.2"), Decimal("0"), Decimal("4.215")),
        ThreePublicByInstitution("光荣院", None, Decimal("0.8"), None, None)]
    ws = book(xlsx_tables.render(report, False))["收支情况"]
    income = find_row(ws, "一、年度收入情况（万元）")
    expenditure = find_row(ws, "二、年度支出和结余情况（万元）")
    three_public = find_row(ws, "四、分机构“三公”经费（万元）")

    def cell(label, heading, after):
        row = next(r for r in range(after, ws.max_row + 1) if ws.cell(r, 1).value == label)
        return ws.cell(row, find_column(ws, heading, row))

    general = cell("局机关", "一般公共预算", income)
    assert D(general.value) == Decimal("9584.256820") and general.number_format == "#,##0.000000"
    assert general.data_type == "n"
    assert D(cell("合计", "一般公共预算", income).value) == Decimal("9684.756820")
    assert D(cell("局机关", "本年收入小计", income).value) == Decimal("9591.961008")
    assert D(cell("局机关", "收入合计", income).value) == Decimal("9594.025054")
    assert D(cell("合计", "上年结转", income).value) == Decimal("2.064046")
    assert cell("合计", "国有资本经营", income).value is None  # nothing filled: empty, not 0
    assert D(cell("局机关", "基本支出小计", expenditure).value) == Decimal("425.358735")
    assert D(cell("光荣院", "支出合计", expenditure).value) == Decimal("100.5")
    assert D(cell("合计", "项目支出", expenditure).value) == Decimal("9208.027684")
    assert D(cell("合计", "公务用车运行维护", three_public).value) == 2
    assert D(cell("局机关", "合计", three_public).value) == Decimal("5.415")
    assert cell("局机关", "合计", three_public).number_format == "#,##0.000"
    assert D(cell("合计", "合计", three_public).value) == Decimal("6.215")


def test_three_public_control_rates_and_missing_tables():
    report = seed("001")
    report.finance.three_public.reception.prev_final = Decimal("5")
    report.finance.three_public.reception.budget = Decimal("4")
    report.finance.three_public.reception.final = Decimal("3")
    ws = book(xlsx_tables.render(report, False))["收支情况"]
    assert D(at(ws, "公务接待", "预算控制率（决算/预算）").value) == Decimal("0.75")
    assert D(at(ws, "公务接待", "较上年增减率").value) == Decimal("-0.4")
    assert D(at(ws, "三公经费合计", "2023年决算数").value) == 3
    assert at(ws, "公务用车购置", "预算控制率（决算/预算）").value is None  # 0 / 0
    ws = book(rendered("000"))["收支情况"]
    assert find_row(ws, "（未填写）")


def test_project_sheet_lists_every_project_with_totals():
    ws = book(rendered("001"))["项目支出"]
    assert D(at(ws, "安置经费", "调整数", label_column=2).value) == Decimal("-46.61")
    assert D(at(ws, "优抚经费", "结余结转", label_column=2).value) == Decimal("0.21")
    assert D(at(ws, "优抚经费", "执行率", label_column=2).value) == 1
    assert at(ws, "涉退役军人群体就业援助专项资金", "直拨镇街", label_column=2).value == "是"
    assert D(at(ws, "合计", "年初预算数").value) == Decimal("2248.65")
    assert at(ws, "合计", "执行率").value is None  # one project lacks 全年预算数
    ws = book(rendered("004"))["项目支出"]
    assert D(at(ws, "合计", "全年执行数").value) == Decimal("7997.94")
    assert at(ws, "优抚对象医疗补助", "项目类别", label_column=2).value == "专项经费"
    assert "质量目标：" in at(ws, "优抚对象医疗补助", "项目绩效目标", label_column=2).value


def test_indicator_sheet_shows_rule_auto_score_override_and_over_achievement():
    report = seed("001")
    second = report.evaluation.indicators[1]
    second.actual = Decimal("130")
    second.score_override = Decimal("8")
    second.override_reason = "指标值设定偏低"
    ws = book(xlsx_tables.render(report, False))["绩效指标"]
    name = second.name
    assert at(ws, name, "超额完成提示", label_column=4).value == "超额完成，待确认"
    assert D(at(ws, name, "自动得分", label_column=4).value) == 10
    assert D(at(ws, name, "手工得分", label_column=4).value) == 8
    assert D(at(ws, name, "得分", label_column=4).value) == 8
    assert at(ws, name, "手工评分理由", label_column=4).value == "指标值设定偏低"
    assert "10号" in at(ws, name, "计分规则", label_column=4).value
    assert at(ws, name, "指标方向", label_column=4).value == "正向（≥）"
    assert D(at(ws, "预算执行率", "自动得分", label_column=4).value) == Decimal("9.99")
    assert D(at(ws, "预算执行率", "手工得分", label_column=4).value) == 9
    assert at(ws, "预算执行率", "手工评分理由", label_column=4).value
    assert D(at(ws, "合计", "得分").value) == 97  # 9 + 90 − 10 + 8


# --- safety, print set-up, drafts -----------------------------------------------------------

FORMULA_LIKE = ["=SUM(A1)", "@cmd", "+1+1", "-2-3", "=HYPERLINK(\"http://x\",\"y\")", "#N/A"]


def test_clerk_text_that_looks_like_a_formula_stays_text():
    report = seed("001")
    report.unit.name = "=SUM(A1)"
    report.evaluation.indicators[0].name = "@cmd"
    report.evaluation.indicators[0].deviation = "+1+1"
    report.evaluation.indicators[1].target_text = "-2-3"
    report.finance.projects[0].name = "=HYPERLINK(\"http://x\",\"y\")"
    report.finance.austerity_measures = "#N/A"
    report.finance.income[0].institution = "=1+1"
    content = xlsx_tables.render(report, False)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(re.search(r"<f[ >]", xml) for xml in sheets)
    wb = book(content, data_only=False)
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in FORMULA_LIKE or cell.value == "=1+1":
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    found[cell.value] = cell
    assert set(found) == set(FORMULA_LIKE) | {"=1+1"}
    assert found["=SUM(A1)"].quotePrefix  # retyping the cell in Excel keeps it text
    assert find_row(wb["整体支出绩效自评表"], "@cmd", 4)


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=60))
def test_any_text_round_trips_as_text(text):
    workbook = openpyxl.Workbook()
    xlsx_tables.put(workbook.active["A1"], text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    cell = book(buffer.getvalue(), data_only=False).active["A1"]
    cleaned = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)
    if cleaned == "":
        assert cell.value is None
    else:
        assert cell.data_type == "s"
        assert cell.value == cleaned


def test_money_keeps_the_decimals_the_clerk_entered():
    workbook = openpyxl.Workbook()
    values = {"A1": Decimal("9692.786137"), "A2": Decimal("4.215"), "A3": Decimal("2214.5"), "A4": Decimal("0")}
    for ref, value in values.items():
        xlsx_tables.put(workbook.active[ref], value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    ws = book(buffer.getvalue()).active
    assert {ref: D(ws[ref].value) for ref in values} == values
    assert [ws[ref].number_format for ref in values] == ["#,##0.000000", "#,##0.000", "#,##0.00", "#,##0.00"]
    assert all(ws[ref].data_type == "n" for ref in values)


def test_every_sheet_prints_a4_landscape_one_page_wide_with_the_signature_footer():
    wb = book(rendered("001"), data_only=False)
    assert wb.sheetnames == list(xlsx_tables.SHEET_NAMES)
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9"), ws.title
        assert setup.fitToWidth == 1, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        footer = ws.oddFooter.left.text
        for part in ("填表人：许冰玢", "填报日期：", "联系电话：28580216", "单位负责人签字：朱发运"):
            assert part in footer, (ws.title, part)
        assert "草稿" not in (ws.oddHeader.right.text or "")
    # the two forms of seed 001 nearly fit a page: printed on one, like the seed's 附件2 and 附件3
    assert [ws.page_setup.fitToHeight for ws in wb.worksheets] == [1, 1, 0, 0, 0]
    head = find_row(wb["绩效指标"], "三级指标")
    assert wb["绩效指标"].print_title_rows == f"${head}:${head}"
    assert wb["整体支出绩效自评表"].print_title_rows is None


def test_a_long_indicator_grid_runs_over_pages_with_its_heading_repeated():
    report = seed("001")
    report.evaluation.indicators = [copy.deepcopy(i) for _ in range(6) for i in report.evaluation.indicators]
    ws = book(xlsx_tables.render(report, False), data_only=False)["整体支出绩效自评表"]
    grid = find_row(ws, "一级指标")
    assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == f"${grid}:${grid}"


def test_draft_is_marked_in_headers_and_titles_only_for_drafts():
    final = book(rendered("001"), data_only=False)
    draft = book(rendered("001", draft=True), data_only=False)
    for ws in draft.worksheets:
        assert ws.oddHeader.right.text == "草稿", ws.title
    assert draft["基础数据表"]["A2"].value == "2023年度部门（单位）整体支出绩效评价基础数据表（草稿）"
    assert final["基础数据表"]["A2"].value == "2023年度部门（单位）整体支出绩效评价基础数据表"
    for ws in final.worksheets:
        assert not any("草稿" in str(c.value) for row in ws.iter_rows() for c in row if c.value), ws.title


def test_footer_escapes_ampersands_and_the_report_date_is_printed():
    report = seed("001")
    report.unit.head = "A&B"
    report.report_date = "2024-03-15"
    ws = book(xlsx_tables.render(report, False), data_only=False)["基础数据表"]
    assert "单位负责人签字：A&&B" in ws.oddFooter.left.text
    assert "填报日期：2024年3月15日" in ws.oddFooter.left.text
    assert any("填报日期：2024年3月15日" in str(c.value) for c in ws["A"])


def test_an_empty_report_renders_and_registers_as_the_tables_document():
    wb = book(xlsx_tables.render(Report(), True))
    assert wb.sheetnames == list(xlsx_tables.SHEET_NAMES)
    assert wb["基础数据表"]["A2"].value == "部门（单位）整体支出绩效评价基础数据表（草稿）"
    suffix, label, render = RENDERERS["tables_xlsx"]
    assert (suffix, label, render) == (".xlsx", "表格", xlsx_tables.render)


def test_task_summary_sheet_groups_the_indicators_of_seed_000_by_task():
    wb = book(rendered("000"))
    assert wb.sheetnames == ["基础数据表", "整体支出绩效自评表", "自评结论综述", "收支情况", "绩效指标", "项目支出"]
    assert xlsx_tables.TASK_SHEET not in book(rendered("001")).sheetnames  # no tasks, no sheet
    ws = wb["自评结论综述"]
    third = "③发放企业军转干部生活补助"
    assert at(ws, third, "年度任务的绩效标准", label_column=3).value.startswith("完成 69 名区属、4 名市属企业军转干部")
    assert at(ws, third, "完成情况", label_column=3).value == "已完成年度目标"
    assert find_row(ws, "⑬做好创建双拥模范区工作", 3)
    spans = {ws.cell(m.min_row, 1).value: m.max_row - m.min_row + 1
             for m in ws.merged_cells.ranges if m.min_col == 1 == m.max_col}
    assert spans == {"任务1：推进全区优抚工作": 6, "任务2：义务兵和预备消防士家庭优待金发放工作": 2,
                     "任务3：落实相关政策做好安置工作": 3, "任务4：落实双拥工作事项": 2}
    task2 = find_row(ws, "任务2：义务兵和预备消防士家庭优待金发放工作", 1)
    assert ws.cell(task2, 2).value == "对义务兵和消防士家庭发放优待金；发放高校毕业生相关补贴。"
