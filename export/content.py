"""What the report says: one neutral document model built from (report, derived, template).

The template's ``outline`` (resources/templates/<key>.json) decides the section order, headings,
the wording of every generated sentence, which tables and charts appear and the signature lines.
This module only fills the named placeholders of that wording with the report's figures; the PDF
and DOCX renderers draw the resulting blocks and decide nothing about content.

Money in prose is printed exactly as the clerk entered it ("2214.5万元", as the seeds print it),
so a reader can find a figure they typed; money computed here (sums) gets 2 decimals. Money in
tables always has at least 2 decimals, more if entered, with thousands separators
(``table_money``). Nothing is ever converted to float.
"""
from __future__ import annotations

import datetime as _dt
import re
import string
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable

from models.money import HUNDRED, ZERO, format_decimal, round2, to_text, trim
from models.report import THREE_PUBLIC_ITEMS, Indicator, Project, Report, Task
from models.scoring import Derived, IndicatorScore, derive, execution_rate_pct
from models.templates import Template, load_template

# --- the document model -----------------------------------------------------------------


@dataclass
class Title:
    text: str
    cover: list[str] = field(default_factory=list)


@dataclass
class Heading:
    text: str
    level: int                 # 1 黑体, 2 楷体, 3 仿宋 bold
    kind: str = "section"      # "section" | "attachment" (an attachment's title)


@dataclass
class Paragraph:
    text: str
    style: str = "body"        # body | note | attachment_label | caption


@dataclass
class Cell:
    text: str
    align: str = "left"        # left | center | right
    bold: bool = False


@dataclass
class Table:
    header_rows: list[list[Cell]]
    rows: list[list[Cell]]
    widths: list[float]        # relative column widths
    repeat_header: bool = True
    caption: str | None = None
    # (first_col, first_row, last_col, last_row), rows counted over header_rows + rows
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    # (col, first_row, last_row): rows that belong together in that column (a task's rows in the
    # 自评结论综述); drawn without inner lines, text in the first row, so a page may split them
    groups: list[tuple[int, int, int]] = field(default_factory=list)
    small: bool = False        # 五号 instead of 小四 for wide tables

    @property
    def all_rows(self) -> list[list[Cell]]:
        return self.header_rows + self.rows


@dataclass
class ChartSeries:
    label: str
    value: Decimal


@dataclass
class Chart:
    kind: str                  # budget_structure | project_execution
    title: str
    # budget_structure: parts = basic/project, items = projects' executed amounts
    # project_execution: items = full_year per project, second = executed per project
    parts: list[ChartSeries] = field(default_factory=list)
    items: list[ChartSeries] = field(default_factory=list)
    second: list[ChartSeries] = field(default_factory=list)


@dataclass
class Signature:
    items: list[tuple[str, str]]   # (label, value); value "" is a blank to write on


@dataclass
class PageBreak:
    pass


Block = Title | Heading | Paragraph | Table | Chart | Signature | PageBreak


@dataclass
class Document:
    title: str
    blocks: list[Block]
    draft: bool = False

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def text_blocks(self) -> Iterable[str]:
        for block in self.blocks:
            if isinstance(block, (Title, Heading, Paragraph)):
                yield block.text
            elif isinstance(block, Table):
                for row in block.all_rows:
                    for cell in row:
                        yield cell.text


# --- number formats ---------------------------------------------------------------------

def prose_money(value: Decimal | None, *, computed: bool = False) -> str | None:
    """In running text: as entered, no separators; a computed figure gets 2 decimals."""
    if value is None:
        return None
    if computed:
        return format_decimal(value, places=2, grouping=False)
    return to_text(value)


def table_money(value: Decimal | None) -> str:
    """In a table cell: 2 decimals (more if entered), thousands separators; blank when not filled."""
    return format_decimal(value, places=2, grouping=True) if value is not None else ""


def points(value: Decimal | None) -> str | None:
    """Scores and weights: 9, 9.5, 9.99 (trailing zeros dropped as the seeds print them)."""
    return None if value is None else to_text(trim(round2(value)))


def percent(value: Decimal | None) -> str | None:
    return None if value is None else f"{to_text(trim(value))}%"


def _count(value: int | None) -> str | None:
    return None if value is None else str(value)


def tidy_sum(value: Decimal) -> Decimal:
    """A sum of 6-decimal entries keeps the decimals it needs, not its trailing zeros
    (398.580948 + 152.304517 + 86.914535 = 637.800000 prints 637.80), and at least 2."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        value = value.normalize()
        if value.as_tuple().exponent > -2:
            value = value.quantize(Decimal("0.01"))
    return value


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return tidy_sum(sum(present, ZERO)) if present else None


def chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


def date_cn(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        day = _dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.year}年{day.month}月{day.day}日"


# --- figures: the named placeholders of the outline's wording ----------------------------

Values = dict[str, "str | bool | None"]


def report_values(report: Report, derived: Derived, template: Template) -> Values:
    unit = report.unit
    finance = report.finance
    budget = finance.overall_budget
    staffing = unit.staffing
    income, expenditure = finance.income, finance.expenditure
    income_total = _sum(_sum(getattr(row, name) for name in row.AMOUNTS) for row in income)
    personnel = _sum(row.personnel for row in expenditure)
    public_use = _sum(row.public_use for row in expenditure)
    project_spent = _sum(row.project for row in expenditure)
    basic_spent = _sum([personnel, public_use])
    spent_total = _sum([basic_spent, project_spent])
    # 总收入: the institutions' income rows when entered, else the budget by source, else full-year budget
    if income_total is not None:
        revenue_total, revenue_computed = income_total, True
    elif budget.by_source.total() is not None:
        revenue_total, revenue_computed = budget.by_source.total(), True
    else:
        revenue_total, revenue_computed = budget.full_year, False
    general_public = _sum(row.general_public for row in income)
    three = finance.three_public
    three_final = _sum(getattr(three, item).final for item in THREE_PUBLIC_ITEMS)
    three_prev = _sum(getattr(three, item).prev_final for item in THREE_PUBLIC_ITEMS)
    grade = template.grade_label(derived.grade) if derived.grade else None
    other = finance.other_budgets
    values: Values = {
        "year": _count(report.year),
        "unit": unit.name,
        "province": unit.region.province, "city": unit.region.city, "county": unit.region.county,
        "level": unit.level, "rank": unit.rank, "unit_type": unit.unit_type, "funding": unit.funding,
        "overview": unit.overview,
        "functions_text": "；".join(f for f in unit.functions if f) or None,
        "departments": "、".join(d for d in unit.departments if d) or None,
        "department_count": _count(len(unit.departments)) if unit.departments else None,
        "authorized_total": _count(staffing.authorized_total),
        "authorized_admin": _count(staffing.authorized_admin),
        "authorized_public_institution": _count(staffing.authorized_public_institution),
        "authorized_other": _count(staffing.authorized_other),
        "actual_in_service": _count(staffing.actual_in_service),
        "actual_other": _count(staffing.actual_other),
        "retired": _count(staffing.retired),
        "staffing_notes": staffing.notes,
        "contact_name": unit.contact.name, "contact_phone": unit.contact.phone,
        "filler_name": unit.filler.name or unit.contact.name,
        "filler_phone": unit.filler.phone or unit.contact.phone,
        "head": unit.head,
        "report_date_cn": date_cn(report.report_date),
        "initial": prose_money(budget.initial),
        "full_year": prose_money(budget.full_year),
        "executed": prose_money(budget.executed),
        "basic": prose_money(budget.by_nature.basic),
        "project": prose_money(budget.by_nature.project),
        "by_source_general_public": prose_money(budget.by_source.general_public),
        "revenue_total": prose_money(revenue_total, computed=revenue_computed),
        "revenue_general_public": prose_money(general_public, computed=len(income) > 1)
        if general_public is not None else prose_money(budget.by_source.general_public),
        "income_total": prose_money(income_total, computed=True),
        "income_general_public": prose_money(general_public, computed=len(income) > 1),
        "expenditure_total": prose_money(spent_total, computed=True),
        "expenditure_basic": prose_money(basic_spent, computed=True),
        "expenditure_personnel": prose_money(personnel, computed=len(expenditure) > 1),
        "expenditure_public_use": prose_money(public_use, computed=len(expenditure) > 1),
        "expenditure_project": prose_money(project_spent, computed=len(expenditure) > 1),
        "three_public_final": prose_money(three_final, computed=True),
        "three_public_prev_final": prose_money(three_prev, computed=True),
        "three_public_none": three_final is not None and three_final == 0,
        "execution_rate": percent(derived.execution_rate),
        "budget_execution_weight": points(derived.budget_execution_weight),
        "budget_execution_score": points(derived.budget_execution_score),
        "indicator_score_total": points(derived.indicator_score_total),
        "total_score": points(derived.total_score),
        "weight_total": points(derived.weight_total),
        "grade": grade,
        "conclusion": report.evaluation.conclusion,
        "overall_goal_expected": report.evaluation.overall_goal.expected,
        "overall_goal_actual": report.evaluation.overall_goal.actual,
        "other_gov_fund": other.gov_fund, "other_state_capital": other.state_capital,
        "other_social_insurance": other.social_insurance,
        "austerity_measures": finance.austerity_measures,
        "project_count": _count(len(finance.projects)) if finance.projects else None,
        "indicator_count": _count(len(report.evaluation.indicators)) if report.evaluation.indicators else None,
        "has_overview": bool((unit.overview or "").strip()),
    }
    return values


def project_values(project: Project) -> Values:
    adjustment = project.adjustment
    carryover = project.carryover
    rate = execution_rate_pct(project.full_year, project.executed)
    return {
        "name": project.name,
        "category": project.category,
        "prev_final": prose_money(project.prev_final),
        "initial": prose_money(project.initial),
        "adjustment": prose_money(abs(adjustment)) if adjustment is not None else None,
        "adjustment_up": prose_money(adjustment) if adjustment is not None and adjustment > 0 else None,
        "adjustment_down": prose_money(-adjustment) if adjustment is not None and adjustment < 0 else None,
        "full_year": prose_money(project.full_year),
        "executed": prose_money(project.executed),
        "carryover": prose_money(carryover),
        "carryover_nonzero": prose_money(carryover) if carryover is not None and carryover != 0 else None,
        "carryover_zero": carryover is not None and carryover == 0,
        "execution_rate": percent(rate),
        "description": project.description,
        "direct_to_towns": bool(project.direct_to_towns),
        "added_in_year": (not project.direct_to_towns and (project.initial is None or project.initial == 0)
                          and adjustment is not None and adjustment > 0),
        "has_executed": project.executed is not None,
        "has_initial": project.initial is not None,
        "has_description": bool((project.description or "").strip()),
    }


def score_on_100(indicator: Indicator, result: IndicatorScore) -> Decimal | None:
    """Guangdong prints each indicator's score on a 100-point scale: score ÷ weight × 100."""
    if result.score is None or not indicator.weight:
        return None
    return round2(result.score / indicator.weight * HUNDRED)


def indicator_values(indicator: Indicator, result: IndicatorScore | None) -> Values:
    score = result.score if result else None
    return {
        "name": indicator.name,
        "level1": indicator.level1, "level2": indicator.level2,
        "target_text": indicator.target_text or (to_text(indicator.target) if indicator.target is not None else None),
        "actual_text": indicator.actual_text or (to_text(indicator.actual) if indicator.actual is not None else None),
        "weight": points(indicator.weight),
        "score": points(score),
        "score100": points(score_on_100(indicator, result)) if result else None,
        "standard": indicator.standard,
        "status": indicator.status,
        "analysis": indicator.analysis,
        "deviation": indicator.deviation,
    }


def task_values(task: Task | None) -> Values:
    if task is None:
        return {}
    return {"task_no": _count(task.no), "task_no_cn": chinese_number(task.no) if task.no else None,
            "task_name": task.name, "task_content": task.content, "task_goal": task.goal}


# --- filling the outline's wording ------------------------------------------------------

_FORMATTER = string.Formatter()
_CLOSERS = ("。", "：", "！", "？", "；", ":", ".")


def _available(values: Values, name: str) -> bool:
    value = values.get(name)
    if isinstance(value, bool):
        return value
    return value is not None and str(value).strip() != ""


def fill(text: str, values: Values) -> str | None:
    """The wording with its placeholders filled, or None when one of them has no value."""
    names = [name for _, name, _, _ in _FORMATTER.parse(text) if name]
    if not all(_available(values, name) for name in names):
        return None
    return text.format_map({name: values[name] for name in names})


def fill_blank(text: str, values: Values) -> str:
    """Headings: a placeholder without a value prints as nothing."""
    names = [name for _, name, _, _ in _FORMATTER.parse(text) if name]
    return text.format_map({name: (values.get(name) if _available(values, name) else "") for name in names})


def sentence(spec, values: Values) -> str | None:
    """One sentence of the outline: a string, {"when"/"unless", "text"}, {"parts": …}, {"first": […]}."""
    if isinstance(spec, str):
        return fill(spec, values)
    if "when" in spec and not _available(values, spec["when"]):
        return None
    if "unless" in spec and _available(values, spec["unless"]):
        return None
    if "first" in spec:
        for option in spec["first"]:
            text = sentence(option, values)
            if text:
                return text
        return None
    if "parts" in spec:
        parts = spec["parts"]
        lead = sentence(parts[0], values)
        if not lead:  # the subject of the sentence is missing: say nothing rather than half
            return None
        text = lead
        for part in parts[1:]:
            piece = sentence(part, values)
            if piece:
                before = part.get("before", spec.get("sep", "，")) if isinstance(part, dict) else spec.get("sep", "，")
                text += before + piece
        end = spec.get("end", "。")
        if end and not text.endswith(_CLOSERS):
            text += end
        return text
    if "text" in spec:
        return fill(spec["text"], values)
    raise ValueError(f"unknown sentence spec: {spec!r}")


def paragraphs_of(text: str | None) -> list[str]:
    """Clerk text: each line break starts a paragraph; blank lines are dropped."""
    if not text:
        return []
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _numbered(texts: list[str], pattern: str | None, start: int = 1) -> list[str]:
    if not pattern:
        return texts
    return [pattern.format(n=start + i) + t for i, t in enumerate(texts)]


def _items_paragraphs(items: list[str], pattern: str | None) -> list[Paragraph]:
    """Numbered items: the number goes on an item's first paragraph only."""
    out = []
    for index, item in enumerate(items, start=1):
        lines = paragraphs_of(item)
        if not lines:
            continue
        if pattern:
            lines[0] = pattern.format(n=index) + lines[0]
        out.extend(Paragraph(line) for line in lines)
    return out


# --- building the document --------------------------------------------------------------

_SECTION_NUMBER = re.compile(r"^(?P<open>[（(]?)(?P<digits>[一二三四五六七八九十]+|\d+)(?P<close>[）)]?[、.．]?)$")


class SectionNumbering:
    """The outline writes each section's number; when a section is left out (``omit_if_empty``) the
    ones after it at the same level move up, so the printed report never jumps from 1、 to 3、."""

    def __init__(self):
        self.counters: dict[int, int] = {}

    def renumber(self, section: dict, blocks: list) -> None:
        level = section.get("level", 1)
        for deeper in [key for key in self.counters if key > level]:
            del self.counters[deeper]  # a new parent starts its children at one
        number = section.get("number", "")
        match = _SECTION_NUMBER.match(number)
        if match is None or "attachment" in section:
            return
        self.counters[level] = self.counters.get(level, 0) + 1
        count = self.counters[level]
        digits = chinese_number(count) if not match["digits"].isdigit() else str(count)
        printed = f"{match['open']}{digits}{match['close']}"
        if printed == number:
            return
        for index, block in enumerate(blocks):
            if isinstance(block, Heading) and block.text.startswith(number):
                blocks[index] = replace(block, text=printed + block.text[len(number):])
                return


class _Builder:
    def __init__(self, report: Report, derived: Derived, template: Template):
        self.report = report
        self.derived = derived
        self.template = template
        self.values = report_values(report, derived, template)
        self.scores = dict(zip((id(i) for i in report.evaluation.indicators), derived.indicator_scores))

    def build(self, draft: bool) -> Document:
        outline = self.template.outline
        title = fill_blank(outline.get("title", "{year}年度{unit}部门整体支出绩效自评报告"), self.values)
        cover = [text for text in (sentence(spec, self.values) for spec in outline.get("cover", [])) if text]
        blocks: list[Block] = [Title(title, cover)]
        numbering = SectionNumbering()
        for section in outline.get("sections", []):
            printed = self.section(section)
            if printed:
                numbering.renumber(section, printed)
            blocks.extend(printed)
        return Document(title=title, blocks=blocks, draft=draft)

    def section(self, section: dict) -> list[Block]:
        body: list[Block] = []
        for spec in section.get("blocks", []):
            if "when" in spec and not _available(self.values, spec["when"]):
                continue
            if "unless" in spec and _available(self.values, spec["unless"]):
                continue
            body.extend(self.block(spec))
        if section.get("omit_if_empty") and not body:
            return []
        heading_text = fill_blank(section.get("number", "") + section["heading"], self.values)
        if "attachment" in section:
            head: list[Block] = [PageBreak(), Paragraph(section["attachment"], "attachment_label"),
                                 Heading(heading_text, section.get("level", 1), "attachment")]
        else:
            head = [Heading(heading_text, section.get("level", 1))]
        return head + body

    def block(self, spec: dict) -> list[Block]:
        kind = spec["type"]
        handler = getattr(self, f"block_{kind}", None)
        if handler is None:
            raise ValueError(f"unknown outline block type {kind!r}")
        return handler(spec)

    # each block type of the outline -----------------------------------------------------

    def block_paragraphs(self, spec: dict) -> list[Block]:
        texts = [t for t in (sentence(s, self.values) for s in spec["sentences"]) if t]
        out = _items_paragraphs(texts, spec.get("numbered"))
        if not out and spec.get("empty"):
            out = [Paragraph(spec["empty"])]
        return out

    def block_list(self, spec: dict) -> list[Block]:
        items = getattr(self.report.unit, spec["field"])
        out = _items_paragraphs([i for i in items if i and i.strip()], spec.get("numbered"))
        if not out and spec.get("empty"):
            out = [Paragraph(spec["empty"])]
        return out

    def block_narrative(self, spec: dict) -> list[Block]:
        lines = paragraphs_of(self.report.narrative.get(spec["key"]))
        if lines == ["无"]:
            lines = ["无。"]
        if not lines:
            return [] if spec.get("optional") else [Paragraph(spec.get("empty", "无。"))]
        return [Paragraph(line) for line in lines]

    def block_note(self, spec: dict) -> list[Block]:
        text = fill(spec["text"], self.values)
        return [Paragraph(text, "note")] if text else []

    def block_projects(self, spec: dict) -> list[Block]:
        items = []
        for project in self.report.finance.projects:
            values = {**self.values, **project_values(project)}
            if spec.get("only") and not _available(values, spec["only"]):
                continue
            texts = [t for t in (sentence(s, values) for s in spec["sentences"]) if t]
            if not texts:
                continue
            item = [texts[0]] + texts[1:]
            if spec.get("description"):
                item += paragraphs_of(project.description)
            items.append(item)
        out: list[Block] = []
        for index, item in enumerate(items, start=1):
            first = spec.get("numbered", "").format(n=index) + item[0] if spec.get("numbered") else item[0]
            out.append(Paragraph(first))
            out.extend(Paragraph(line) for line in item[1:])
        if not out and spec.get("empty"):
            out = [Paragraph(spec["empty"])]
        return out

    def block_tasks(self, spec: dict) -> list[Block]:
        out: list[Block] = []
        for task in self.report.tasks:
            values = {**self.values, **task_values(task)}
            for text in (sentence(s, values) for s in spec["sentences"]):
                out.extend(Paragraph(line) for line in paragraphs_of(text))
        if not out and spec.get("empty"):
            out = [Paragraph(spec["empty"])]
        return out

    def _indicator_item(self, spec: dict, indicator: Indicator, n: int, extra: Values) -> list[Paragraph]:
        values = {**self.values, **extra, **indicator_values(indicator, self.scores.get(id(indicator))),
                  "n": str(n)}
        texts = [t for t in (sentence(s, values) for s in spec["item"]) if t]
        if not texts:
            return []
        lines = [line for text in texts for line in paragraphs_of(text)]
        if spec.get("item_numbered"):
            lines[0] = spec["item_numbered"].format(n=n) + lines[0]
        return [Paragraph(line) for line in lines]

    def block_indicators(self, spec: dict) -> list[Block]:
        out: list[Block] = []
        for n, indicator in enumerate(self.report.evaluation.indicators, start=1):
            out.extend(self._indicator_item(spec, indicator, n, {}))
        if not out and spec.get("empty"):
            out = [Paragraph(spec["empty"])]
        return out

    def block_indicator_groups(self, spec: dict) -> list[Block]:
        """Guangdong: the indicators grouped by the task they serve, one paragraph each."""
        out: list[Block] = []
        for task, indicators in indicator_groups(self.report):
            values = {**self.values, **task_values(task), **group_values(indicators)}
            heading = sentence(spec["group_heading"]["text"], values) if task else None
            if heading:
                out.append(Heading(heading, spec["group_heading"].get("level", 3)))
            for text in (sentence(s, values) for s in spec.get("intro", [])):
                out.extend(Paragraph(line) for line in paragraphs_of(text))
            for n, indicator in enumerate(indicators, start=1):
                out.extend(self._indicator_item(spec, indicator, n, values))
        if not out and spec.get("empty"):
            out = [Paragraph(spec["empty"])]
        return out

    def block_table(self, spec: dict) -> list[Block]:
        from export import report_tables
        table = report_tables.build(spec["table"], self.report, self.derived, self.template, self.values)
        if table is None:
            return [Paragraph(spec["empty"])] if spec.get("empty") else []
        if spec.get("caption"):
            table.caption = fill_blank(spec["caption"], self.values)
        return [table]

    def block_chart(self, spec: dict) -> list[Block]:
        chart = build_chart(spec["chart"], fill_blank(spec.get("title", ""), self.values), self.report)
        return [chart] if chart else []

    def block_signature(self, spec: dict) -> list[Block]:
        items = [(label, fill(value, self.values) or "") for label, value in spec["lines"]]
        return [Signature(items)]

    def block_page_break(self, spec: dict) -> list[Block]:
        return [PageBreak()]


def indicator_groups(report: Report) -> list[tuple[Task | None, list[Indicator]]]:
    """Indicators by task, in task order; those without a (known) task last, in one group."""
    tasks = {task.no: task for task in report.tasks if task.no is not None}
    groups: dict[int | None, list[Indicator]] = {}
    for indicator in report.evaluation.indicators:
        key = indicator.task if indicator.task in tasks else None
        groups.setdefault(key, []).append(indicator)
    ordered = [(tasks[no], groups[no]) for no in sorted(k for k in groups if k is not None)]
    if None in groups:
        ordered.append((None, groups[None]))
    return ordered


def group_values(indicators: list[Indicator]) -> Values:
    statuses = [i.status for i in indicators]
    count = len(indicators)
    if statuses and all(s == statuses[0] for s in statuses) and statuses[0]:
        summary = f"均{statuses[0]}" if count > 1 else statuses[0]
    else:
        counted = [(s, statuses.count(s)) for s in dict.fromkeys(s for s in statuses if s)]
        summary = "中" + "、".join(f"{s}{c}个" for s, c in counted) if counted else None
    return {"indicator_names": "；".join(i.name for i in indicators if i.name) or None,
            "count": str(count), "status_summary": summary}


def build_chart(kind: str, title: str, report: Report) -> Chart | None:
    finance = report.finance
    if kind == "budget_structure":
        nature = finance.overall_budget.by_nature
        basic, project = nature.basic, nature.project
        if basic is None and project is None:
            basic = _sum(_sum([r.personnel, r.public_use]) for r in finance.expenditure)
            project = _sum(r.project for r in finance.expenditure)
        parts = [ChartSeries(label, value) for label, value in (("基本支出", basic), ("项目支出", project))
                 if value is not None and value > 0]
        items = [ChartSeries(p.name or "（未命名项目）", p.executed) for p in finance.projects
                 if p.executed is not None and p.executed > 0]
        if len(parts) < 2 and len(items) < 2:
            return None  # one slice says nothing a sentence does not
        return Chart(kind, title, parts=parts, items=items)
    if kind == "project_execution":
        rows = [p for p in finance.projects if p.full_year is not None and p.executed is not None]
        if not rows:
            return None
        return Chart(kind, title, items=[ChartSeries(p.name or "（未命名项目）", p.full_year) for p in rows],
                     second=[ChartSeries(p.name or "（未命名项目）", p.executed) for p in rows])
    raise ValueError(f"unknown chart kind {kind!r}")


def build_document(report: Report, draft: bool = False, derived: Derived | None = None,
                   template: Template | None = None) -> Document:
    """The report as blocks, in the order and wording of the report's template outline."""
    template = template or load_template(report.template)
    derived = derived or derive(report, template)
    return _Builder(report, derived, template).build(draft)
