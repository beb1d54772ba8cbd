"""The tables of the submission package, as one XLSX workbook (openpyxl).

Sheets: 基础数据表 (附件2 of the hunan layout), 整体支出绩效自评表 (附件3), 收支情况 (per-institution
tables), 绩效指标 (every indicator field flat) and 项目支出. Every cell holds a value, never a
formula, so a reader that does not calculate still sees every figure; totals and rates are
computed here with Decimal. Every string goes through ``_text`` so that clerk text such as
"=SUM(A1)" stays text.
"""
from __future__ import annotations

import datetime as _dt
import io
import re
from copy import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from export.content import tidy_sum
from export.package import register_renderer
from models.money import ZERO, trim
from models.report import THREE_PUBLIC_ITEMS, Report, ThreeColumns
from models.scoring import Derived, derive
from models.templates import Template, load_template

BODY_FONT = "仿宋_GB2312"   # names only: Excel substitutes when the PC lacks them
TITLE_FONT = "黑体"
BODY_SIZE = 11
MAX_CELL_CHARS = 32767     # Excel's limit for one cell
RATE_PLACES = Decimal("0.0001")  # a ratio to 4 places = a percent to 2 places (domain.md rounding)
DRAFT_MARK = "草稿"
# A4 landscape (11.69 × 8.27 in) inside the margins set by set_print, in points.
PRINTABLE_WIDTH = (11.69 - 2 * 0.5) * 72
PRINTABLE_HEIGHT = (8.27 - 2 * 0.75) * 72
NEARLY_ONE_PAGE = 1.3   # a form this close to one page is scaled down onto one page rather than split
MIN_ROW_HEIGHT = 16.0  # points: one line of 11 pt text with room above and below

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# Characters XML 1.0 cannot hold (openpyxl refuses them); clerks paste them from other programs.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@")
_NOT_FILLED = "（未填写）"


# --- values -----------------------------------------------------------------------------

def money_format(value: Decimal) -> str:
    """'#,##0.00', or as many decimals as the clerk entered (at most 6)."""
    exponent = value.as_tuple().exponent
    places = min(6, max(2, -exponent if isinstance(exponent, int) else 2))
    return "#,##0." + "0" * places


def ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> Decimal | None:
    """numerator / denominator rounded to 4 places (shown as 0.00%); None when it cannot be computed."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def change_ratio(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """(current − previous) / previous: 较上年增减率."""
    if current is None or previous is None or previous == 0:
        return None
    return ratio(current - previous, previous)


def total(values) -> Decimal | None:
    """Sum of the filled values; None (an empty cell) when none is filled."""
    present = [v for v in values if v is not None]
    return tidy_sum(sum(present, ZERO)) if present else None


def _text(value: str) -> str:
    cleaned = _ILLEGAL.sub("", value)
    if len(cleaned) > MAX_CELL_CHARS:
        cleaned = cleaned[:MAX_CELL_CHARS - 1] + "…"
    return cleaned


def put(cell: Cell, value, number_format: str | None = None) -> Cell:
    """The one way a value enters a cell.

    Strings (clerk text included) are always stored as text: openpyxl would otherwise turn
    "=…" into a formula and "#N/A" into an error. Text that Excel would read as a formula when
    retyped (= + - @) also gets the quote prefix, so editing the cell keeps it text.
    Decimals and ints are numbers; None leaves the cell empty (not filled ≠ 0).
    """
    if value is None:
        cell.value = None
    elif isinstance(value, str):
        text = _text(value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True
    elif isinstance(value, bool):
        cell.value = "是" if value else "否"
        cell.data_type = "s"
    elif isinstance(value, (Decimal, int)):
        # openpyxl serialises with "%.16g": the XML text of a double, as Excel stores every number.
        cell.value = value
        if number_format is None and isinstance(value, Decimal):
            number_format = money_format(value)
        cell.number_format = number_format or "0"
    else:  # pragma: no cover - a programming error
        raise TypeError(f"unsupported cell value {type(value).__name__}")
    if number_format and value is not None and not isinstance(value, (Decimal, int)):
        cell.number_format = number_format
    return cell


# --- layout -----------------------------------------------------------------------------

def display_width(text: str) -> int:
    """Width in Excel column units: a CJK character is about two digits wide."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def line_count(text: str, width_units: float) -> int:
    usable = max(1.0, width_units - 1)
    lines = 0
    for part in str(text).split("\n"):
        lines += max(1, -(-display_width(part) // int(usable)))
    return lines


@dataclass(frozen=True)
class Style:
    bold: bool = False
    title: bool = False
    size: int = BODY_SIZE
    border: bool = True
    horizontal: str = "center"
    vertical: str = "center"
    indent: int = 0


LABEL = Style(horizontal="left")
HEAD = Style(bold=True)
CELL = Style()
NUMBER = Style(horizontal="right")
TEXT = Style(horizontal="left")
PLAIN = Style(border=False, horizontal="left")


class SheetWriter:
    """Writes a bordered form onto one worksheet, row by row, and estimates row heights."""

    def __init__(self, ws: Worksheet, widths: list[float]):
        self.ws = ws
        self.widths = widths
        self.row = 1
        self._heights: dict[int, float] = {}
        self._styles: dict[tuple, object] = {}
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.sheet_view.showGridLines = False

    @property
    def last_column(self) -> int:
        return len(self.widths)

    def write(self, row: int, col: int, value, style: Style = CELL, *, to_col: int | None = None,
              to_row: int | None = None, number_format: str | None = None) -> Cell:
        to_col = to_col or col
        to_row = to_row or row
        cell = put(self.ws.cell(row=row, column=col), value, number_format)
        if to_col > col or to_row > row:
            # Merged before the top-left cell has borders, so openpyxl has no edge borders to copy;
            # every cell of the range then gets the full style below.
            self._merge(row, col, to_row, to_col)
        key = (style, cell.number_format, bool(cell.quotePrefix))
        styled = self._styles.get(key)
        if styled is None:
            cell.font = Font(name=TITLE_FONT if (style.title or style.bold) else BODY_FONT, size=style.size,
                             bold=style.bold and not style.title)
            cell.alignment = Alignment(horizontal=style.horizontal, vertical=style.vertical, wrap_text=True,
                                       indent=style.indent)
            if style.border:
                cell.border = BORDER
            # openpyxl re-indexes a style on every assignment, which dominates large reports:
            # the finished style array is copied instead (same workbook, same indices).
            styled = self._styles[key] = copy(cell._style)
        for r in range(row, to_row + 1):
            for c in range(col, to_col + 1):
                self.ws.cell(row=r, column=c)._style = copy(styled)
        if value is not None:
            width = sum(self.widths[col - 1:to_col])
            lines = line_count(value, width) if isinstance(value, str) else 1
            points = lines * style.size * 1.3 + 3
            per_row = points / (to_row - row + 1)
            for r in range(row, to_row + 1):
                self._heights[r] = max(self._heights.get(r, 0), per_row)
        return cell

    def _merge(self, row: int, col: int, to_row: int, to_col: int):
        """ws.merge_cells without its MergedCellRange.format(): that copies the top-left cell's
        borders and protection onto every cell of the range, one style re-index each (a third
        of the workbook's time), and write() gives every cell of the range its style anyway."""
        coord = f"{get_column_letter(col)}{row}:{get_column_letter(to_col)}{to_row}"
        self.ws.merged_cells.add(MergedCellRange(self.ws, coord))
        for r in range(row, to_row + 1):
            for c in range(col, to_col + 1):
                if (r, c) != (row, col):
                    self.ws._cells[r, c] = MergedCell(self.ws, r, c)

    def blank_row(self, row: int, first: int = 1, last: int | None = None):
        """Bordered empty cells, so an unfilled row still prints as a ruled line."""
        for c in range(first, (last or self.last_column) + 1):
            self.ws.cell(row=row, column=c).border = BORDER

    def finish(self) -> float:
        """Set the row heights; returns the estimated height of the whole sheet in points."""
        heights = {row: max(MIN_ROW_HEIGHT, points) for row, points in self._heights.items()}
        for row, points in heights.items():
            heights[row] = min(409.0, round(points, 1))
            self.ws.row_dimensions[row].height = heights[row]
        return sum(heights.get(r, 15.0) for r in range(1, self.ws.max_row + 1))

    def pages_high(self, height: float) -> float:
        """How many A4 landscape pages ``height`` fills once the sheet is scaled to one page wide."""
        width = sum(w * 7 + 5 for w in self.widths) * 0.75          # column units → pixels → points
        scale = min(1.0, PRINTABLE_WIDTH / width)
        return height * scale / PRINTABLE_HEIGHT


@dataclass(frozen=True)
class Signature:
    filler: str
    date: str
    phone: str
    head: str

    def line(self) -> str:
        return (f"填表人：{self.filler}    填报日期：{self.date}    联系电话：{self.phone}"
                f"    单位负责人签字：{self.head}")


def signature_of(report: Report) -> Signature:
    unit = report.unit
    filler = unit.filler.name or unit.contact.name or ""
    phone = unit.filler.phone or unit.contact.phone or ""
    return Signature(filler, chinese_date(report.report_date), phone, unit.head or "")


def chinese_date(iso: str | None) -> str:
    """'2024-03-15' → '2024年3月15日'; blank (room for handwriting) when not filled."""
    if not iso:
        return "    年  月  日"
    try:
        day = _dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.year}年{day.month}月{day.day}日"


def _header_footer_text(text: str, limit: int = 60) -> str:
    # "&" starts a header/footer code in Excel; Excel caps the whole string at 255 characters.
    text = _ILLEGAL.sub("", text).replace("\n", " ")
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.replace("&", "&&")


def set_print(ws: Worksheet, report: Report, signature: Signature, draft: bool,
              title_rows: str | None = None, one_page: bool = False):
    """A4 landscape, one page wide (and one page high when ``one_page``), the signature line in the
    footer, 草稿 in the header of drafts."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.left.text = _header_footer_text(report.unit.name or "")
    ws.oddHeader.left.font = BODY_FONT
    ws.oddHeader.left.size = 9
    if draft:
        ws.oddHeader.right.text = DRAFT_MARK
        ws.oddHeader.right.font = f"{TITLE_FONT},Bold"
        ws.oddHeader.right.size = 16
        ws.oddHeader.right.color = "C00000"
    footer = (f"填表人：{_header_footer_text(signature.filler, 20)}  "
              f"填报日期：{_header_footer_text(signature.date, 20)}  "
              f"联系电话：{_header_footer_text(signature.phone, 30)}  "
              f"单位负责人签字：{_header_footer_text(signature.head, 20)}")
    ws.oddFooter.left.text = footer
    ws.oddFooter.left.font = BODY_FONT
    ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.font = BODY_FONT
    ws.oddFooter.right.size = 9


def year_label(report: Report, offset: int, suffix: str, fallback: str) -> str:
    return f"{report.year + offset}年{suffix}" if report.year else fallback


def sheet_title(report: Report, name: str, draft: bool) -> str:
    year = f"{report.year}年度" if report.year else ""
    return f"{year}{name}" + ("（草稿）" if draft else "")


def _listing_start(ws: Worksheet, headings, title: str, unit_line: bool, report: Report):
    """A listing sheet's writer with its title and one heading row; returns (writer, heading row)."""
    w = SheetWriter(ws, [width for _, width in headings])
    _title_block(w, None, title, unit_line, report)
    head_row = w.row
    for col, (heading, _) in enumerate(headings, start=1):
        w.write(head_row, col, heading, HEAD)
    w.row += 1
    return w, head_row


def _title_block(w: SheetWriter, annex: str | None, title: str, unit_line: bool, report: Report):
    if annex:
        w.write(w.row, 1, annex, Style(title=True, size=12, border=False, horizontal="left"))
        w.row += 1
    w.write(w.row, 1, title, Style(title=True, size=16, border=False), to_col=w.last_column)
    w.ws.row_dimensions[w.row].height = 30
    w.row += 1
    if unit_line:
        half = max(1, w.last_column // 2)
        w.write(w.row, 1, f"填报单位：{report.unit.name or ''}", PLAIN, to_col=half)
        w.write(w.row, half + 1, "金额单位：万元", Style(border=False, horizontal="right"), to_col=w.last_column)
        w.row += 1


def _signature_row(w: SheetWriter, signature: Signature):
    w.write(w.row, 1, signature.line(), PLAIN, to_col=w.last_column)
    w.row += 1


# --- 基础数据表 (附件2) ------------------------------------------------------------------

def _basic_data_sheet(ws: Worksheet, report: Report, signature: Signature, draft: bool):
    finance = report.finance
    staffing = report.unit.staffing
    # A: labels; B–G: two columns per money figure above, one per figure in 楼堂馆所.
    w = SheetWriter(ws, [34, 13, 13, 13, 13, 13, 13])
    _title_block(w, "附件2", sheet_title(report, "部门（单位）整体支出绩效评价基础数据表", draft), True, report)
    money_cols = ((2, 3), (4, 5), (6, 7))

    def three(label: str, values, style: Style = LABEL):
        w.write(w.row, 1, label, style)
        for (first, last), value in zip(money_cols, values):
            w.write(w.row, first, value, NUMBER, to_col=last)
        w.row += 1

    def head(label: str, headings):
        w.write(w.row, 1, label, HEAD)
        for (first, last), heading in zip(money_cols, headings):
            w.write(w.row, first, heading, HEAD, to_col=last)
        w.row += 1

    head("财政供养人员情况（人）", ["编制数", year_label(report, 0, "实际在职人数", "本年实际在职人数"), "控制率"])
    authorized = staffing.authorized_total
    actual = staffing.actual_in_service
    w.write(w.row - 1, 1, "财政供养人员情况（人）", HEAD, to_row=w.row)
    w.write(w.row, 2, authorized, NUMBER, to_col=3, number_format="0")
    w.write(w.row, 4, actual, NUMBER, to_col=5, number_format="0")
    w.write(w.row, 6, ratio(actual, authorized), NUMBER, to_col=7, number_format="0.00%")
    w.row += 1

    head("经费控制情况（万元）", [year_label(report, -1, "决算数", "上年决算数"),
                             year_label(report, 0, "预算数", "本年预算数"),
                             year_label(report, 0, "决算数", "本年决算数")])
    three_public = finance.three_public
    items = [getattr(three_public, item) for item in THREE_PUBLIC_ITEMS]
    columns = ("prev_final", "budget", "final")
    three("三公经费", [total(getattr(i, c) for i in items) for c in columns])
    vehicles = (three_public.vehicle_purchase, three_public.vehicle_operation)
    three("1、公务用车购置和维护经费", [total(getattr(v, c) for v in vehicles) for c in columns],
          Style(horizontal="left", indent=1))
    sub = Style(horizontal="left", indent=3)
    three("其中：公车购置", _columns(three_public.vehicle_purchase), sub)
    three("公车运行维护", _columns(three_public.vehicle_operation), Style(horizontal="left", indent=6))
    three("2、出国经费", _columns(three_public.overseas), Style(horizontal="left", indent=1))
    three("3、公务接待", _columns(three_public.reception), Style(horizontal="left", indent=1))

    projects = finance.projects
    # 附件2 compares last year's final, this year's (initial) budget and this year's final per project.
    project_values = [(p.prev_final, p.initial, p.executed) for p in projects]
    three("项目支出", [total(v[i] for v in project_values) for i in range(3)])
    for project, values in zip(projects, project_values):
        three(project.name or "（未命名项目）", list(values), Style(horizontal="left", indent=1))

    funds = finance.public_funds
    three("公用经费", _columns(funds.total))
    three("其中：办公经费", _columns(funds.office), sub)
    three("水费、电费、差旅费", _columns(funds.utilities_travel), Style(horizontal="left", indent=6))
    three("会议费、培训费", _columns(funds.meetings_training), Style(horizontal="left", indent=6))
    three("政府采购金额", [None, finance.procurement.budget, finance.procurement.final])
    three("部门基本支出预算调整", [None, None, None])

    building_head = ["批复规模（㎡）", "实际规模（㎡）", "规模控制率", "预算投资（万元）", "实际投资（万元）", "投资概算控制率"]
    buildings = finance.buildings or [None]
    first = w.row
    completed = year_label(report, 0, "完工项目", "本年完工项目")
    w.write(first, 1, f"楼堂馆所控制情况\n（{completed}）", HEAD, to_row=first + len(buildings))
    for col, heading in enumerate(building_head, start=2):
        w.write(first, col, heading, HEAD)
    w.row += 1
    for building in buildings:
        if building is None:
            w.blank_row(w.row, 2)
        else:
            values = [building.approved_m2, building.actual_m2, ratio(building.actual_m2, building.approved_m2),
                      building.budget, building.actual, ratio(building.actual, building.budget)]
            for col, value in enumerate(values, start=2):
                rate = col in (4, 7)
                w.write(w.row, col, value, NUMBER, number_format="0.00%" if rate else None)
        w.row += 1
    named = [b for b in finance.buildings if b.name]
    if named:
        w.write(w.row, 1, "楼堂馆所项目名称", LABEL)
        w.write(w.row, 2, "、".join(b.name for b in named), TEXT, to_col=7)
        w.row += 1

    w.write(w.row, 1, "厉行节约保障措施", LABEL)
    w.write(w.row, 2, finance.austerity_measures, TEXT, to_col=7)
    w.row += 2
    w.write(w.row, 1, "说明：“项目支出”需要填报基本支出以外的所有项目支出情况，“公用经费”填报基本支出中的一般商品和服务支出。",
            PLAIN, to_col=7)
    w.row += 1
    _signature_row(w, signature)
    height = w.finish()
    set_print(ws, report, signature, draft, one_page=w.pages_high(height) <= NEARLY_ONE_PAGE)


def _columns(row: ThreeColumns) -> list:
    return [row.prev_final, row.budget, row.final]


# --- 整体支出绩效自评表 (附件3) -------------------------------------------------------------

def _level1_label(name: str, weights: dict[str, Decimal]) -> str:
    weight = weights.get(name)
    return f"{name}\n（{trim(weight)}分）" if weight is not None else name


def _runs(keys: list) -> list[tuple[int, int]]:
    """(start, end) index pairs of consecutive equal, non-empty keys."""
    runs, start = [], 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start] or not keys[start]:
            runs.append((start, index - 1))
            start = index
    return runs


def indicator_value(text: str | None, number: Decimal | None, unit: str | None):
    """年度指标值 / 实际完成值 as printed: the clerk's text; else the number (a number cell when unitless)."""
    if text:
        return text
    if number is None:
        return None
    if unit:
        return f"{format(trim(number), 'f')}{unit}"
    return number


def _self_evaluation_sheet(ws: Worksheet, report: Report, derived: Derived, template: Template,
                           signature: Signature, draft: bool):
    budget = report.finance.overall_budget
    # A: block label; B 一级指标; C 二级; D 三级; E 年度指标值; F 实际完成值; G 分值; H 得分; I 偏差原因.
    w = SheetWriter(ws, [7.5, 14, 14, 28, 17, 17, 9, 9, 28])
    _title_block(w, "附件3", sheet_title(report, "部门（单位）整体支出绩效自评表", draft), False, report)
    level = report.unit.level or ""
    w.write(w.row, 1, f"{level}预算部门（单位）名称", LABEL, to_col=3)
    w.write(w.row, 4, report.unit.name, TEXT, to_col=9)
    w.row += 1

    block_label = Style(bold=True)   # three characters a line in column A, as the seed prints them
    block = w.row
    source = budget.by_source
    source_rows = [("一般公共预算", source.general_public), ("政府性基金拨款", source.gov_fund),
                   ("纳入专户管理的非税收入拨款", source.special_non_tax), ("其他资金", source.other)]
    nature_rows = [("基本支出", budget.by_nature.basic), ("项目支出", budget.by_nature.project)]
    w.write(block, 1, "年度预算申请（万元）", block_label, to_row=block + 2 + len(source_rows))
    w.write(block, 2, None, HEAD)
    for col, heading in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率"], start=3):
        w.write(block, col, heading, HEAD)
    w.write(block, 8, "得分", HEAD, to_col=9)
    w.row += 1
    rate = None if derived.execution_rate is None else derived.execution_rate / 100
    w.write(w.row, 2, "年度资金总额", HEAD)
    for col, value in enumerate([budget.initial, budget.full_year, budget.executed], start=3):
        w.write(w.row, col, value, NUMBER)
    w.write(w.row, 6, derived.budget_execution_weight, CELL, number_format="General")
    w.write(w.row, 7, rate, CELL, number_format="0.00%")
    w.write(w.row, 8, derived.budget_execution_score, CELL, to_col=9, number_format="General")
    w.row += 1
    w.write(w.row, 2, "按收入性质分：", LABEL, to_col=4)
    w.write(w.row, 5, "按支出性质分：", LABEL, to_col=9)
    w.row += 1
    for index, (label, value) in enumerate(source_rows):
        w.write(w.row, 2, label, LABEL, to_col=3)
        w.write(w.row, 4, value, NUMBER)
        if index < len(nature_rows):
            w.write(w.row, 5, nature_rows[index][0], LABEL, to_col=6)
            w.write(w.row, 7, nature_rows[index][1], NUMBER, to_col=9)
        else:
            w.write(w.row, 5, None, LABEL, to_col=6)
            w.write(w.row, 7, None, NUMBER, to_col=9)
        w.row += 1

    goal = report.evaluation.overall_goal
    w.write(w.row, 1, "年度总体目标", block_label, to_row=w.row + 1)
    w.write(w.row, 2, "预期目标", HEAD, to_col=5)
    w.write(w.row, 6, "实际完成情况", HEAD, to_col=9)
    w.row += 1
    w.write(w.row, 2, goal.expected, Style(horizontal="left", vertical="top"), to_col=5)
    w.write(w.row, 6, goal.actual, Style(horizontal="left", vertical="top"), to_col=9)
    w.row += 1

    indicators = report.evaluation.indicators
    grid_head = w.row
    w.write(grid_head, 1, "绩效指标", block_label, to_row=grid_head + max(1, len(indicators)))
    for col, heading in enumerate(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                   "偏差原因分析及改进措施"], start=2):
        w.write(grid_head, col, heading, HEAD)
    first = grid_head + 1
    if not indicators:
        w.write(first, 2, "（未填写绩效指标）", CELL, to_col=9)
    for offset, (indicator, result) in enumerate(zip(indicators, derived.indicator_scores)):
        row = first + offset
        w.write(row, 4, indicator.name, TEXT)
        w.write(row, 5, indicator_value(indicator.target_text, indicator.target, indicator.unit), CELL,
                number_format="General")
        w.write(row, 6, indicator_value(indicator.actual_text, indicator.actual, indicator.unit), CELL,
                number_format="General")
        w.write(row, 7, indicator.weight, CELL, number_format="General")
        w.write(row, 8, result.score, CELL, number_format="General")
        w.write(row, 9, indicator.deviation or None, TEXT)
    level1_keys = [i.level1 or "" for i in indicators]
    for start, end in _runs(level1_keys):
        name = level1_keys[start]
        w.write(first + start, 2, _level1_label(name, derived.weights_by_level1) if name else None, HEAD,
                to_row=first + end)
        level2_keys = [i.level2 or "" for i in indicators[start:end + 1]]
        for s2, e2 in _runs(level2_keys):
            w.write(first + start + s2, 3, level2_keys[s2] or None, CELL, to_row=first + start + e2)
    w.row = first + max(1, len(indicators))

    w.write(w.row, 1, "总分", HEAD, to_col=6)
    w.write(w.row, 7, derived.weight_total, CELL, number_format="General")
    w.write(w.row, 8, derived.total_score, CELL, number_format="General")
    w.write(w.row, 9, None, CELL)
    w.row += 1
    w.write(w.row, 1, "评价等次", HEAD, to_col=6)
    grade = template.grade_label(derived.grade) if derived.grade else None
    w.write(w.row, 7, grade, CELL, to_col=9)
    w.row += 2
    _signature_row(w, signature)
    height = w.finish()
    one_page = w.pages_high(height) <= NEARLY_ONE_PAGE
    set_print(ws, report, signature, draft, title_rows=None if one_page else f"{grid_head}:{grid_head}",
              one_page=one_page)


# --- 自评结论综述 (guangdong layout: indicators grouped by task) ------------------------------

def circled(number: int) -> str:
    """①–⑳ as the seeds number 关键指标, then (21), (22) …"""
    return chr(0x2460 + number - 1) if 1 <= number <= 20 else f"({number})"


def task_groups(report: Report) -> list[tuple[str | None, str | None, list[int]]]:
    """(task label, its 绩效指标 text, indicator indexes) in task order; unlinked indicators last."""
    indicators = report.evaluation.indicators
    groups, linked = [], set()
    for task in report.tasks:
        members = [n for n, i in enumerate(indicators) if i.task is not None and i.task == task.no]
        linked.update(members)
        label = f"任务{task.no}：{task.name or ''}" if task.no is not None else (task.name or "")
        groups.append((label, task.goal or task.content, members))
    rest = [n for n in range(len(indicators)) if n not in linked]
    if rest:
        groups.append(("（未关联工作任务的指标）", None, rest))
    return groups


def _task_sheet(ws: Worksheet, report: Report, signature: Signature, draft: bool):
    w = SheetWriter(ws, [24, 36, 28, 44, 14])
    _title_block(w, None, sheet_title(report, "自评结论综述", draft), False, report)
    head_row = w.row
    for col, heading in enumerate(["年度主要支出计划", "年度任务的绩效指标", "年度任务的关键指标", "年度任务的绩效标准",
                                   "完成情况"], start=1):
        w.write(head_row, col, heading, HEAD)
    w.row += 1
    indicators = report.evaluation.indicators
    for label, goal, members in task_groups(report):
        first = w.row
        last = first + max(1, len(members)) - 1
        w.write(first, 1, label, TEXT, to_row=last)
        w.write(first, 2, goal, Style(horizontal="left", vertical="top"), to_row=last)
        if not members:
            for col in (3, 4, 5):
                w.write(first, col, None, CELL)
        for offset, index in enumerate(members):
            indicator = indicators[index]
            w.write(first + offset, 3, f"{circled(index + 1)}{indicator.name or ''}", TEXT)
            w.write(first + offset, 4, indicator.standard, TEXT)
            w.write(first + offset, 5, indicator.status, CELL)
        w.row = last + 1
    w.finish()
    set_print(ws, report, signature, draft, title_rows=f"{head_row}:{head_row}")


# --- 收支情况 -----------------------------------------------------------------------------

def _grid(w: SheetWriter, caption: str, headings: list[str], rows: list[list], total_row: list | None,
          formats: list[str | None] | None = None):
    """A captioned table: headings, one row per institution, then 合计 (values, not formulas)."""
    w.write(w.row, 1, caption, Style(title=True, size=12, border=False, horizontal="left"), to_col=len(headings))
    w.row += 1
    for col, heading in enumerate(headings, start=1):
        w.write(w.row, col, heading, HEAD)
    w.row += 1
    if not rows:
        w.write(w.row, 1, _NOT_FILLED, CELL, to_col=len(headings))
        w.row += 2
        return
    for values in [*rows, *([total_row] if total_row else [])]:
        for col, value in enumerate(values, start=1):
            number_format = formats[col - 1] if formats else None
            style = TEXT if col == 1 else NUMBER
            if values is total_row and col == 1:
                style = HEAD
            w.write(w.row, col, value, style, number_format=number_format)
        w.row += 1
    w.row += 1


def _finance_sheet(ws: Worksheet, report: Report, signature: Signature, draft: bool):
    finance = report.finance
    w = SheetWriter(ws, [30, 14, 14, 14, 14, 14, 14, 14, 14])
    _title_block(w, None, sheet_title(report, "部门（单位）收支情况表", draft), True, report)

    income_fields = ("carryover", "general_public", "gov_fund", "state_capital", "special_non_tax", "other")
    rows = []
    for row in finance.income:
        amounts = [getattr(row, name) for name in income_fields]
        this_year = total(amounts[1:])
        rows.append([row.institution, *amounts, this_year, total(amounts)])
    _grid(w, "一、年度收入情况（万元）",
          ["机构", "上年结转", "一般公共预算", "政府性基金", "国有资本经营", "专户非税收入", "其他收入", "本年收入小计",
           "收入合计"], rows, _total_row(rows))

    rows = []
    for row in finance.expenditure:
        basic = total([row.personnel, row.public_use])
        rows.append([row.institution, row.personnel, row.public_use, basic, row.project,
                     total([basic, row.project]), row.balance_year, row.balance_accumulated])
    _grid(w, "二、年度支出和结余情况（万元）",
          ["机构", "人员经费", "公用经费", "基本支出小计", "项目支出", "支出合计", "本年结余", "累计结余"],
          rows, _total_row(rows))

    three_public = finance.three_public
    labels = {"vehicle_purchase": "公务用车购置", "vehicle_operation": "公务用车运行维护",
              "overseas": "因公出国（境）", "reception": "公务接待"}
    rows = []
    for item in THREE_PUBLIC_ITEMS:
        columns = getattr(three_public, item)
        rows.append([labels[item], columns.prev_final, columns.budget, columns.final,
                     ratio(columns.final, columns.budget), change_ratio(columns.final, columns.prev_final)])
    sums = [total(getattr(getattr(three_public, i), c) for i in THREE_PUBLIC_ITEMS)
            for c in ("prev_final", "budget", "final")]
    rows.append(["三公经费合计", *sums, ratio(sums[2], sums[1]), change_ratio(sums[2], sums[0])])
    if all(v is None for r in rows for v in r[1:]):
        rows = []
    rate_formats = [None, None, None, None, "0.00%", "0.00%"]
    _grid(w, "三、“三公”经费控制情况（万元）",
          ["项目", year_label(report, -1, "决算数", "上年决算数"), year_label(report, 0, "预算数", "本年预算数"),
           year_label(report, 0, "决算数", "本年决算数"), "预算控制率（决算/预算）", "较上年增减率"],
          rows, None, rate_formats)

    rows = []
    for row in three_public.by_institution:
        amounts = [getattr(row, item) for item in THREE_PUBLIC_ITEMS]
        rows.append([row.institution, *amounts, total(amounts)])
    _grid(w, "四、分机构“三公”经费（万元）",
          ["机构", "公务用车购置", "公务用车运行维护", "因公出国（境）", "公务接待", "合计"], rows, _total_row(rows))

    assets = finance.assets
    asset_values = [assets.total, assets.current, assets.fixed_original, assets.fixed_net, assets.fixed_in_use,
                    assets.fixed_rented]
    rows = [["本部门（单位）", *asset_values]] if any(v is not None for v in asset_values) else []
    _grid(w, "五、资产情况（万元）",
          ["", "资产总额", "流动资产", "固定资产原值", "固定资产净值", "在用固定资产", "出租出借固定资产"], rows, None)

    rows = [[row.institution, row.fixed_total] for row in assets.by_institution]
    _grid(w, "六、分机构固定资产（万元）", ["机构", "固定资产总额"], rows, _total_row(rows))

    other = finance.other_budgets
    rows = [[label, value] for label, value in (("政府性基金预算支出情况", other.gov_fund),
                                                ("国有资本经营预算支出情况", other.state_capital),
                                                ("社会保险基金预算支出情况", other.social_insurance)) if value]
    _grid_text(w, "七、其他预算支出情况", rows)
    w.finish()
    set_print(ws, report, signature, draft)


def _grid_text(w: SheetWriter, caption: str, rows: list[list[str]]):
    w.write(w.row, 1, caption, Style(title=True, size=12, border=False, horizontal="left"), to_col=w.last_column)
    w.row += 1
    if not rows:
        w.write(w.row, 1, _NOT_FILLED, CELL, to_col=w.last_column)
        w.row += 1
    for label, value in rows:
        w.write(w.row, 1, label, LABEL)
        w.write(w.row, 2, value, TEXT, to_col=w.last_column)
        w.row += 1


def _total_row(rows: list[list]) -> list | None:
    if len(rows) < 1:
        return None
    width = len(rows[0])
    return ["合计", *[total(r[col] for r in rows) for col in range(1, width)]]


# --- 绩效指标 (flat) ----------------------------------------------------------------------

_KIND_NAMES = {"quantitative": "定量", "qualitative": "定性"}
_DIRECTION_NAMES = {">=": "正向（≥）", "<=": "反向（≤）", "=": "等于（=）"}
_RULE_NAMES = {"proportional": "按执行率比例计分", "bands_101": "财预〔2021〕101号分档"}


def _indicator_sheet(ws: Worksheet, report: Report, derived: Derived, template: Template,
                     signature: Signature, draft: bool):
    # 25 columns: kept narrow so that the printout (one page wide) stays legible.
    headings = [("序号", 5), ("一级指标", 9), ("二级指标", 10), ("三级指标", 18), ("指标性质", 6),
                ("指标方向", 8), ("年度指标值", 9), ("计量单位", 6), ("年度指标值（文字）", 12),
                ("实际完成值", 9), ("实际完成值（文字）", 12), ("完成率", 9), ("分值", 6), ("计分规则", 16),
                ("自动得分", 7), ("手工得分", 7), ("手工评分理由", 22), ("得分", 6), ("完成档次", 10),
                ("超额完成提示", 10), ("偏差原因分析及改进措施", 18), ("所属任务", 6), ("绩效标准", 16),
                ("完成情况", 9), ("完成情况分析", 26)]
    w, head_row = _listing_start(ws, headings, sheet_title(report, "绩效指标明细表", draft), False, report)

    execution = report.evaluation.budget_execution
    rules_rule = report.evaluation.rules.budget_execution or template.rule("budget_execution")
    rate = None if derived.execution_rate is None else derived.execution_rate / 100
    budget = report.finance.overall_budget
    values = {1: "—", 4: "预算执行率", 5: "定量", 7: budget.full_year, 8: "万元", 9: "全年预算数",
              10: budget.executed, 11: "全年执行数", 12: rate, 13: derived.budget_execution_weight,
              14: _RULE_NAMES.get(rules_rule, rules_rule), 15: derived.budget_execution_auto,
              16: execution.score_override, 17: execution.override_reason, 18: derived.budget_execution_score}
    _flat_row(w, values, len(headings))

    for number, (indicator, result) in enumerate(zip(report.evaluation.indicators, derived.indicator_scores), 1):
        if result.over_achieved:
            over = "超额完成，已确认" if indicator.over_achievement_confirmed else "超额完成，待确认"
        else:
            over = None
        band = template.qualitative_band(indicator.band)[2] if indicator.band else None
        values = {1: number, 2: indicator.level1, 3: indicator.level2, 4: indicator.name,
                  5: _KIND_NAMES.get(indicator.kind or "", indicator.kind),
                  6: _DIRECTION_NAMES.get(indicator.direction or "", indicator.direction),
                  7: indicator.target, 8: indicator.unit, 9: indicator.target_text, 10: indicator.actual,
                  11: indicator.actual_text,
                  12: None if result.completion is None else result.completion.quantize(RATE_PLACES, ROUND_HALF_UP),
                  13: indicator.weight, 14: result.rule, 15: result.auto, 16: indicator.score_override,
                  17: indicator.override_reason, 18: result.score, 19: band, 20: over, 21: indicator.deviation or None,
                  22: indicator.task, 23: indicator.standard, 24: indicator.status, 25: indicator.analysis}
        _flat_row(w, values, len(headings))
    w.write(w.row, 1, "合计", HEAD, to_col=12)
    w.write(w.row, 13, derived.weight_total, NUMBER, number_format="General")
    w.write(w.row, 18, derived.total_score, NUMBER, number_format="General")
    for col in (14, 15, 16, 17, *range(19, 26)):
        w.write(w.row, col, None, CELL)
    w.row += 1
    w.finish()
    ws.freeze_panes = f"{get_column_letter(5)}{head_row + 1}"
    set_print(ws, report, signature, draft, title_rows=f"{head_row}:{head_row}")


_GENERAL_COLUMNS = {7, 10, 13, 15, 16, 18}   # targets, weights, scores: shown as entered (10, 9.5)


def _flat_row(w: SheetWriter, values: dict, width: int):
    for col in range(1, width + 1):
        value = values.get(col)
        if col == 12:
            w.write(w.row, col, value, CELL, number_format="0.00%")
        elif col in _GENERAL_COLUMNS or col in (1, 22):
            w.write(w.row, col, value, CELL, number_format="General")
        elif col in (4, 9, 11, 14, 17, 21, 23, 25):
            w.write(w.row, col, value, TEXT)
        else:
            w.write(w.row, col, value, CELL)
    w.row += 1


# --- 项目支出 -----------------------------------------------------------------------------

def _project_sheet(ws: Worksheet, report: Report, signature: Signature, draft: bool):
    headings = [("序号", 5), ("项目名称", 24), ("项目类别", 10), ("上年决算数", 12), ("年初预算数", 12),
                ("调整数", 11), ("全年预算数", 12), ("全年执行数", 12), ("结余结转", 10), ("执行率", 9),
                ("直拨镇街", 7), ("项目绩效目标", 30), ("项目实施及绩效情况", 44)]
    w, head_row = _listing_start(ws, headings, sheet_title(report, "项目支出情况表", draft), True, report)
    projects = report.finance.projects
    money_fields = ("prev_final", "initial", "adjustment", "full_year", "executed", "carryover")
    if not projects:
        w.write(w.row, 1, _NOT_FILLED, CELL, to_col=len(headings))
        w.row += 1
    for number, project in enumerate(projects, start=1):
        w.write(w.row, 1, number, CELL, number_format="0")
        w.write(w.row, 2, project.name, TEXT)
        w.write(w.row, 3, project.category, CELL)
        for col, name in enumerate(money_fields, start=4):
            w.write(w.row, col, getattr(project, name), NUMBER)
        w.write(w.row, 10, ratio(project.executed, project.full_year), NUMBER, number_format="0.00%")
        w.write(w.row, 11, None if project.direct_to_towns is None else project.direct_to_towns, CELL)
        goals = "\n".join(f"{g.type}：{g.text}" if g.type else (g.text or "") for g in project.goals)
        w.write(w.row, 12, goals or None, TEXT)
        w.write(w.row, 13, project.description, TEXT)
        w.row += 1
    if projects:
        w.write(w.row, 1, "合计", HEAD, to_col=3)
        sums = [total(getattr(p, name) for p in projects) for name in money_fields]
        for col, value in enumerate(sums, start=4):
            w.write(w.row, col, value, NUMBER)
        # A rate of two partial sums would compare different sets of projects: only when all are filled.
        complete = all(p.full_year is not None and p.executed is not None for p in projects)
        w.write(w.row, 10, ratio(sums[4], sums[3]) if complete else None, NUMBER, number_format="0.00%")
        for col in (11, 12, 13):
            w.write(w.row, col, None, CELL)
        w.row += 1
    w.finish()
    ws.freeze_panes = f"{get_column_letter(3)}{head_row + 1}"
    set_print(ws, report, signature, draft, title_rows=f"{head_row}:{head_row}")


# --- the workbook -----------------------------------------------------------------------

SHEET_NAMES = ("基础数据表", "整体支出绩效自评表", "收支情况", "绩效指标", "项目支出")
TASK_SHEET = "自评结论综述"   # only when the report has 年度主要工作任务 (the guangdong layout)


def build_workbook(report: Report, draft: bool) -> Workbook:
    template = load_template(report.template)
    derived = derive(report, template)
    signature = signature_of(report)
    workbook = Workbook()
    basic = workbook.active
    basic.title = SHEET_NAMES[0]
    _basic_data_sheet(basic, report, signature, draft)
    _self_evaluation_sheet(workbook.create_sheet(SHEET_NAMES[1]), report, derived, template, signature, draft)
    if report.tasks:
        _task_sheet(workbook.create_sheet(TASK_SHEET), report, signature, draft)
    _finance_sheet(workbook.create_sheet(SHEET_NAMES[2]), report, signature, draft)
    _indicator_sheet(workbook.create_sheet(SHEET_NAMES[3]), report, derived, template, signature, draft)
    _project_sheet(workbook.create_sheet(SHEET_NAMES[4]), report, signature, draft)
    workbook.properties.title = _text(sheet_title(report, "部门整体支出绩效自评表格", draft))
    workbook.properties.creator = "自评通"
    return workbook


@register_renderer("tables_xlsx", ".xlsx", "表格")
def render(report: Report, draft: bool) -> bytes:
    buffer = io.BytesIO()
    build_workbook(report, draft).save(buffer)
    return buffer.getvalue()
