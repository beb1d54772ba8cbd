"""Steps ③ 绩效指标 and ④ 自评评分, and the indicator library."""
from __future__ import annotations

import json
import re
from decimal import Decimal

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QGridLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton, QTableView, QVBoxLayout,
                               QWidget)

from models.money import ZERO, NumberError, format_percent, parse_decimal, round2, trim
from models.paths import resource_path
from models.report import (BUDGET_EXECUTION_RULES, LEVEL1_NAMES, QUANTITATIVE_RULES, SATISFACTION_RULES, STATUSES,
                           Evaluator, Indicator)
from models.scoring import closest_weight_preset, effective_rules
from models.templates import load_template

from .fields import ENUM_LABELS, GLOSSARY, display
from .forms import StepPage, form_grid
from .listmodel import ReadOnlyRowsModel
from .session import ReportSession
from .steps import _labelled
from .table import RowsModel, TableSection, column, derived_column


def _points(value) -> str:
    return "" if value is None else format(trim(value), "f")


def new_indicator(session: ReportSession, used: set | None = None, **values) -> Indicator:
    """A blank indicator with the next free id (i1, i2, …); ``used`` collects ids of a batch."""
    used = used if used is not None else set()
    used |= {i.id for i in session.report.evaluation.indicators}
    n = len(session.report.evaluation.indicators) + 1
    while f"i{n}" in used:
        n += 1
    used.add(f"i{n}")
    values.setdefault("deviation", "")
    return Indicator(id=f"i{n}", **values)


_PRINTED_TARGET = re.compile(r"^[≥≤=<>＜＞]?\s*([0-9]+(?:\.[0-9]+)?)\s*(.*)$")


def target_number(text: str | None, unit: str | None) -> Decimal | None:
    """The number in a library target such as "≥90%" or "≥1场" (its unit only after it), else None."""
    match = _PRINTED_TARGET.match((text or "").strip())
    if not match or match[2].strip() not in ("", (unit or "").strip()):
        return None
    try:
        return parse_decimal(match[1], allow_negative=False)
    except NumberError:
        return None


def load_library() -> list[dict]:
    with open(resource_path("indicator_library.json"), encoding="utf-8") as handle:
        return json.load(handle)["indicators"]


class LibraryModel(ReadOnlyRowsModel):
    """The entries of the indicator library as rows (read-only); SEARCH_ROLE holds all text of an entry."""

    COLUMNS = ("一级指标", "二级指标", "三级指标", "参考指标值", "说明")
    KEYS = ("level1", "level2", "name", "target_text", "explanation")
    SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1

    @property
    def entries(self) -> list[dict]:
        return self.rows

    def cell(self, entry: dict, col: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.get(self.KEYS[col]) or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.get("explanation") or None
        if role == self.SEARCH_ROLE:  # kind, unit, direction too: typing "定性" or "%" finds them
            return " ".join(str(value or "") for value in entry.values())
        return None


class LibraryDialog(QDialog):
    """Pick indicators from resources/indicator_library.json (filter by typing)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("从指标库选择指标")
        self.resize(900, 560)
        self.entries = load_library()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("查找："))
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("输入关键字筛选，如 优抚、满意度、培训")
        self.filter.textChanged.connect(self._apply_filter)
        top.addWidget(self.filter, 1)
        layout.addLayout(top)
        self.model = LibraryModel(self.entries, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(LibraryModel.SEARCH_ROLE)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for col, width in ((0, 80), (1, 130), (3, 130)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.accept)
        layout.addWidget(self.table, 1)
        note = QLabel("可按住 Ctrl 多选；选用后可在表格中修改指标名称、指标值和分值。", self)
        note.setObjectName("hint")
        layout.addWidget(note)
        buttons = QDialogButtonBox(self)
        buttons.addButton("添加所选指标", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _apply_filter(self, text: str):
        self.proxy.setFilterFixedString(text.strip())

    def chosen(self) -> list[dict]:
        """The selected entries still shown by the filter, in the library's order."""
        rows = sorted({self.proxy.mapToSource(index).row() for index in self.table.selectionModel().selectedRows()})
        return [self.entries[r] for r in rows]


# --- ③ 绩效指标 ---------------------------------------------------------------------------

class IndicatorsPage(StepPage):
    def __init__(self, session: ReportSession, parent=None):
        super().__init__(session, "③ 绩效指标", parent)
        b = self.binder
        goal = ("evaluation", "overall_goal")
        goals = form_grid([[("预期目标", b.text(goal + ("expected",), lines=3))],
                           [("实际完成情况", b.text(goal + ("actual",), lines=3))]])
        self.add_section("年度总体目标", goals)

        level1 = column(Indicator, "level1", kind="enum", values=LEVEL1_NAMES, width=8)
        # at 1366×768 the name takes what the short texts leave: they wrap on two lines of 5 characters
        # ("服务对象/满意度指标"), and so do the headers over them
        cols = [level1, column(Indicator, "level2", width=9),
                column(Indicator, "name", width=0),
                column(Indicator, "kind", header="性质", width=4),
                column(Indicator, "direction", header="方向", width=8, enabled=lambda i: i.kind != "qualitative"),
                column(Indicator, "target_text", header="年度指标值", width=9, shown_header="年度\n指标值",
                       tooltip=GLOSSARY["年度指标值（文字）"]),
                column(Indicator, "target", header="目标数值", width=7, tooltip=GLOSSARY["年度指标值"],
                       enabled=lambda i: i.kind != "qualitative"),
                column(Indicator, "unit", header="单位", width=5, enabled=lambda i: i.kind != "qualitative"),
                column(Indicator, "actual_text", header="实际完成值", width=9, shown_header="实际\n完成值",
                       tooltip=GLOSSARY["实际完成值（文字）"]),
                column(Indicator, "actual", header="完成数值", width=7, tooltip=GLOSSARY["实际完成值"],
                       enabled=lambda i: i.kind != "qualitative"),
                column(Indicator, "weight", width=5, places=2)]
        for spec in cols:
            spec.total = False
        self.model = RowsModel(session, ("evaluation", "indicators"), cols,
                               new_row=lambda: new_indicator(session, **self._row_defaults()))
        library = QPushButton("从指标库选择…", self)
        library.setToolTip("常用部门整体支出绩效指标和退役军人事务类指标")
        library.clicked.connect(self.pick_from_library)
        self.table = TableSection(self.model, max_visible_rows=12, extra_buttons=[library], lines=2)
        self.tables.append(self.table)

        presets = QWidget()
        row = QHBoxLayout(presets)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("分值预设："))
        self.preset = QComboBox(presets)
        for preset in load_template(session.report.template).weight_presets:
            self.preset.addItem(preset["name"], preset)
        self.preset.setCurrentIndex(closest_weight_preset(
            [self.preset.itemData(i) for i in range(self.preset.count())], session.derived.weights_by_level1))
        self.preset.currentIndexChanged.connect(lambda _i: self.refresh_points())
        row.addWidget(self.preset, 1)
        apply = QPushButton("按预设平均分配到各指标", presets)
        apply.setToolTip("把每个一级指标的预设分值平均分给该类下的各项指标（可撤销），再按需要微调")
        apply.clicked.connect(self.apply_preset)
        row.addWidget(apply)
        self.points = QLabel(self.body)
        self.points.setWordWrap(True)
        self.points.setTextFormat(Qt.TextFormat.RichText)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(presets)
        layout.addWidget(self.points)
        layout.addWidget(self.table)

        detail = QWidget()
        grid = QGridLayout(detail)
        grid.setContentsMargins(0, 4, 0, 0)
        self.caption = QLabel(detail)
        self.caption.setObjectName("hint")
        grid.addWidget(self.caption, 0, 0, 1, 6)
        self.detail_fields = {
            "id": b.line(self._field("id"), what="编号", chars=5),
            "task": b.line(self._field("task"), what="所属任务", chars=5),
            "status": b.combo(self._field("status"), STATUSES, what="完成情况"),
            "standard": b.line(self._field("standard"), what="绩效标准"),
            "analysis": b.text(self._field("analysis"), lines=3, what="完成情况分析"),
        }
        for col, (label, key) in enumerate((("编号", "id"), ("所属任务", "task"), ("完成情况", "status"))):
            grid.addWidget(QLabel(label), 1, col * 2)
            grid.addWidget(self.detail_fields[key], 1, col * 2 + 1)
        grid.addWidget(QLabel("绩效标准"), 2, 0)
        grid.addWidget(self.detail_fields["standard"], 2, 1, 1, 5)
        grid.addWidget(_labelled("完成情况分析", self.detail_fields["analysis"]), 3, 0, 1, 6)
        grid.setColumnStretch(5, 1)
        layout.addWidget(detail)
        self.add_section("绩效指标", box, note="定量指标填目标数值和完成数值，定性指标在“自评评分”中选择完成档次")
        self.table.view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.model.modelReset.connect(self._selected)
        self.locators.append(self._reveal_detail)
        session.changed.connect(lambda _c: self.refresh_points())
        session.previewed.connect(lambda _d: self.refresh_points())
        self._selected()
        self.refresh_points()
        self.finish()

    def _row_defaults(self) -> dict:
        """A new row continues the level of the row above (the clerk fills one level at a time)."""
        current = self.table.view.currentIndex() if hasattr(self, "table") else None
        rows = self.session.report.evaluation.indicators
        if current is not None and current.isValid() and current.row() < len(rows):
            above = rows[current.row()]
            return {"level1": above.level1, "level2": above.level2}
        return {}

    def current_row(self) -> int | None:
        index = self.table.view.currentIndex()
        if index.isValid() and index.row() < len(self.session.report.evaluation.indicators):
            return index.row()
        return None

    def _field(self, attr):
        def path():
            row = self.current_row()
            return None if row is None else ("evaluation", "indicators", row, attr)
        return path

    def _selected(self):
        row = self.current_row()
        if row is None:
            self.caption.setText("选中上表中的一项指标，在这里填写编号、所属任务、绩效标准和完成情况分析（广东模板需要）")
        else:
            name = self.session.report.evaluation.indicators[row].name or "（未填名称）"
            self.caption.setText(f"第{row + 1}项指标：{name}")
        self.binder.refresh()

    def _reveal_detail(self, path: str) -> bool:
        for attr, widget in self.detail_fields.items():
            for row in range(len(self.session.report.evaluation.indicators)):
                if path == f"evaluation.indicators[{row}].{attr}":
                    self.table.view.select_cell(row, 0)
                    self._selected()
                    self._open_and_show(widget)
                    widget.setFocus()
                    return True
        return False

    def refresh_points(self):
        derived = self.session.shown_derived
        rules = effective_rules(self.session.report)
        total = load_template(self.session.report.template).decimal_rule("total_points")
        left = total - derived.weight_total
        parts = [f"预算执行率 {_points(rules.budget_execution_weight)} 分 ＋ 指标 {_points(derived.indicator_weight_total)} 分"
                 f" ＝ <b>{_points(derived.weight_total)}</b> / {_points(total)} 分"]
        if left > 0:
            parts.append(f"<span style='color:#b7791f'>还可分配 {_points(left)} 分</span>")
        elif left < 0:
            parts.append(f"<span style='color:#c0392b'>超出 {_points(-left)} 分</span>")
        else:
            parts.append("<span style='color:#2f7d4f'>分值已分配完 ✓</span>")
        preset = self.preset.currentData()
        if preset:
            levels = []
            for level, weight in preset["weights"].items():
                have = derived.weights_by_level1.get(level, ZERO)
                want = Decimal(weight)
                mark = "✓" if have == want else (f"差{_points(want - have)}" if have < want else f"多{_points(have - want)}")
                levels.append(f"{level} {_points(have)}/{_points(want)} {mark}")
            parts.append("按预设：" + "；".join(levels))
        self.points.setText("　".join(parts[:2]) + ("<br>" + parts[2] if len(parts) > 2 else ""))

    def apply_preset(self):
        preset = self.preset.currentData()
        if not preset:
            return
        indicators = self.session.report.evaluation.indicators
        changes, missing = [], []
        for level, weight in preset["weights"].items():
            rows = [i for i, ind in enumerate(indicators) if ind.level1 == level]
            if not rows:
                missing.append(level)
                continue
            share = round2(Decimal(weight) / len(rows))
            rest = Decimal(weight) - share * len(rows)
            for n, row in enumerate(rows):
                changes.append((("evaluation", "indicators", row, "weight"), trim(share + (rest if n == 0 else ZERO))))
        if missing:
            QMessageBox.information(self, "分值预设", "以下一级指标下还没有指标，未分配：" + "、".join(missing)
                                    + "\n可先从指标库添加，再分配分值。")
        if changes:
            self.session.set_values(changes, "按预设分配分值")

    def pick_from_library(self):
        dialog = LibraryDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.add_from_library(dialog.chosen())

    def add_from_library(self, entries: list[dict]):
        if not entries:
            return
        from .session import InsertEdit
        start = len(self.session.report.evaluation.indicators)
        edits, used = [], set()
        for n, entry in enumerate(entries):
            indicator = new_indicator(self.session, used, level1=entry["level1"], level2=entry["level2"],
                                      name=entry["name"], kind=entry["kind"], direction=entry.get("direction"),
                                      unit=entry.get("unit") or None, target_text=entry.get("target_text") or None)
            if indicator.kind == "quantitative":  # "≥90%" also gives the number the score is computed from
                indicator.target = target_number(indicator.target_text, indicator.unit)
            edits.append(InsertEdit(("evaluation", "indicators"), start + n, indicator))
        self.session.push(edits, f"从指标库添加{len(entries)}项指标")
        self.table.view.select_cell(start, 2)


# --- ④ 自评评分 ---------------------------------------------------------------------------

class ScoringModel(RowsModel):
    """Indicators seen from the scoring side; confirming an over-achievement asks first."""

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        spec = self.columns[index.column()] if index.isValid() else None
        if spec is not None and spec.attr == "over_achievement_confirmed" and role == Qt.ItemDataRole.CheckStateRole:
            checked = value if isinstance(value, bool) else Qt.CheckState(value) == Qt.CheckState.Checked
            if checked and self.confirm is not None and not self.confirm(index.row()):
                return False
        return super().setData(index, value, role)

    confirm = None


class ScoringPage(StepPage):
    def __init__(self, session: ReportSession, parent=None):
        super().__init__(session, "④ 自评评分", parent)
        b = self.binder
        template = load_template(session.report.template)
        r = ("evaluation", "rules")

        def default(name, labels):
            return f"按模板默认（{labels.get(template.rule(name), template.rule(name))}）"

        rules = form_grid([
            [("预算执行率", b.combo(r + ("budget_execution",), BUDGET_EXECUTION_RULES, ENUM_LABELS["budget_execution"],
                                  none_label=default("budget_execution", ENUM_LABELS["budget_execution"]))),
             ("定量指标", b.combo(r + ("quantitative",), QUANTITATIVE_RULES, ENUM_LABELS["quantitative"],
                                 none_label=default("quantitative", ENUM_LABELS["quantitative"])))],
            [("满意度指标", b.combo(r + ("satisfaction",), SATISFACTION_RULES, ENUM_LABELS["satisfaction"],
                                  none_label=default("satisfaction", ENUM_LABELS["satisfaction"]))),
             ("超额完成提示（%）", b.line(r + ("over_achievement_pct",),
                                       placeholder=f"默认 {template.rule('over_achievement_pct')}", chars=6))],
        ])
        self.add_section("计分规则", rules, collapsed=True, note="一般按模板默认，不必修改")

        be = ("evaluation", "budget_execution")

        def auto(ss):
            value = ss.shown_derived.budget_execution_auto
            return "" if value is None else _points(value)

        budget = form_grid([
            [("分值", b.line(be + ("weight",), placeholder=_points(template.decimal_rule("budget_execution_weight")),
                           chars=6)),
             ("执行率", b.derived_field(lambda ss: format_percent(ss.shown_derived.execution_rate), chars=8,
                                     tooltip=GLOSSARY["执行率"])),
             ("自动得分", b.derived_field(auto, chars=6, tooltip="按计分规则由执行率计算")),
             ("手工得分", b.line(be + ("score_override",), chars=6, placeholder="留空用自动得分"))],
            [("手工评分理由", b.text(be + ("override_reason",), lines=3))],
        ])
        self.add_section("预算执行率", budget, note="执行率＝全年执行数÷全年预算数，取自“收支情况”")

        def score_of(row, index):
            scores = session.shown_derived.indicator_scores
            return scores[index].score if index < len(scores) else None

        def auto_of(row, index):
            scores = session.shown_derived.indicator_scores
            return scores[index].auto if index < len(scores) else None

        def rule_of(row, index):
            scores = session.shown_derived.indicator_scores
            return scores[index].rule if index < len(scores) else ""

        def can_confirm(row) -> bool:
            index = session.report.evaluation.indicators.index(row) if row in session.report.evaluation.indicators else -1
            scores = session.derived.indicator_scores  # what can be confirmed follows committed figures
            return bool(row.over_achievement_confirmed) or (0 <= index < len(scores) and scores[index].over_achieved)

        auto_column = derived_column("自动得分", auto_of, GLOSSARY["自动得分"], width=7)
        auto_column.cell_tooltip = lambda row, index: "计分依据：" + rule_of(row, index)
        cols = [column(Indicator, "name", editable=False, width=0),
                column(Indicator, "weight", editable=False, width=5, places=2),
                column(Indicator, "band", width=11, enabled=lambda i: i.kind == "qualitative"),
                auto_column,
                column(Indicator, "score_override", header="手工得分", width=7, tooltip=GLOSSARY["手工得分"]),
                derived_column("得分", score_of, GLOSSARY["得分"], width=6),
                column(Indicator, "override_reason", width=10),
                column(Indicator, "deviation", header="偏差原因分析及改进措施", width=0,
                       shown_header="偏差原因分析\n及改进措施"),  # narrow at the largest font size
                column(Indicator, "over_achievement_confirmed", header="确认超额", width=6, enabled=can_confirm,
                       tooltip=GLOSSARY["确认超额完成"])]
        for spec in cols:
            spec.total = False
        cols[1].total = cols[3].total = cols[5].total = True
        self.model = ScoringModel(session, ("evaluation", "indicators"), cols, totals=True)
        self.model.confirm = self._confirm_over
        self.table = TableSection(self.model, max_visible_rows=12, lines=2,
                                  hint="得分低于分值须填写偏差原因；定性指标选择完成档次")
        self.tables.append(self.table)
        self.rule_line = QLabel(self.body)
        self.rule_line.setObjectName("hint")
        self.rule_line.setWordWrap(True)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.rule_line)
        self.add_section("指标评分", box)
        self.table.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_rule())
        session.changed.connect(lambda _c: self._show_rule())
        session.previewed.connect(lambda _d: self._show_rule())

        self.total = QLabel(self.body)
        self.total.setTextFormat(Qt.TextFormat.RichText)
        font = self.total.font()
        font.setPointSizeF(font.pointSizeF() + 3)
        self.total.setFont(font)
        self.add_section("总分与评价等次", self.total)
        session.changed.connect(lambda _c: self._show_total())
        session.previewed.connect(lambda _d: self._show_total())
        self._show_total()

        self.evaluators = TableSection(RowsModel(session, ("evaluation", "evaluators"),
                                                 [column(Evaluator, "name", width=10), column(Evaluator, "title", width=12),
                                                  column(Evaluator, "unit")], new_row=Evaluator), max_visible_rows=5)
        self.tables.append(self.evaluators)
        self.add_section("评价人员", self.evaluators)
        self.add_section("自评结论", b.text(("evaluation", "conclusion"), lines=3,
                                        placeholder="自评结论综述，如：经自评，本部门整体支出绩效……"))
        self.finish()

    def _show_rule(self):
        index = self.table.view.currentIndex()
        scores = self.session.shown_derived.indicator_scores
        if not index.isValid() or index.row() >= len(scores):
            self.rule_line.setText("选中一项指标，这里显示它的计分依据。")
            return
        result = scores[index.row()]
        indicator = self.session.report.evaluation.indicators[index.row()]
        text = f"计分依据：{result.rule}"
        if result.completion is not None:
            text += f"；完成率 {format_percent(round2(result.completion * 100))}"
        if result.over_achieved:
            text += "；实际完成值超出指标值较多（财预〔2020〕10号第十六条），请确认指标值设置是否偏低"
        if result.overridden:
            text += f"；已手工评分（自动得分 {_points(result.auto) or '—'}）"
        self.rule_line.setText(f"{indicator.name or '（未填名称）'}　{text}")

    def _show_total(self):
        derived = self.session.shown_derived
        template = load_template(self.session.report.template)
        if derived.total_score is None:
            self.total.setText("总分：<b>尚不能计算</b>　（每项指标都能计分、预算执行率能计算后显示）")
            return
        grade = template.grade_label(derived.grade) if derived.grade else ""
        self.total.setText(
            f"总分 <b>{display('money', derived.total_score)}</b> 分　评价等次 <b>{grade}</b>"
            f"<br><span style='font-size:small'>预算执行率 {_points(derived.budget_execution_score)} 分 ＋ "
            f"指标 {_points(derived.indicator_score_total)} 分（90分及以上为优，80分及以上为良，60分及以上为中，"
            f"60分以下为差）</span>")

    def _confirm_over(self, row: int) -> bool:
        indicator = self.session.report.evaluation.indicators[row]
        answer = QMessageBox.question(
            self, "确认超额完成",
            f"指标“{indicator.name}”的实际完成值超出年度指标值较多。\n\n"
            "按财预〔2020〕10号第十六条，指标值明显设置偏低的应扣分。确认指标值设置合理、保留当前得分吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
