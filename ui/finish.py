"""Step ⑤ 报告与导出: the prose sections, what still blocks export, a preview, the export itself."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QTextBrowser, QVBoxLayout, QWidget)

from models.checks import ERROR, STEPS, step_of
from models.money import format_percent, trim
from models.report import NARRATIVE_SECTIONS
from models.templates import load_template

from .dialogs import choose_folder
from .editor import wrap_list_items
from .fields import display
from .forms import StepPage
from .session import ReportSession
from .settings import app_settings

REQUIRED_SECTIONS = ("problems", "improvements")
_NUMERALS = "一二三四五六七八九十"


def _p(text: str | None) -> str:
    if not text or not text.strip():
        return "<p style='color:#9aa1ab'>（未填写）</p>"
    return "".join(f"<p style='text-indent:2em; margin:2px 0'>{html.escape(line)}</p>"
                   for line in text.split("\n") if line.strip())


def _as_printed(text, number, unit) -> str:
    """年度指标值 / 实际完成值 as the documents print them: the text, else the number with its unit."""
    if text:
        return text
    return "" if number is None else f"{trim(number)}{unit or ''}"


def _money(value) -> str:
    return display("money", value) or "—"


def preview_html(session: ReportSession) -> str:
    """A plain preview of the report's first pages, from the same data the exporters use."""
    report, derived = session.report, session.derived
    unit = report.unit
    finance = report.finance
    budget = finance.overall_budget
    template = load_template(report.template)
    title = f"{html.escape(unit.name or '（未填单位名称）')}{report.year or ''}年度部门整体支出绩效自评报告"
    out = [f"<h2 style='text-align:center'>{title}</h2>"]
    sections = []
    basic = _p(unit.overview)
    if unit.functions:
        basic += "<p><b>主要职责：</b></p>" + "".join(
            f"<p style='margin:1px 0 1px 2em'>{n}. {html.escape(f)}</p>" for n, f in enumerate(unit.functions, 1))
    staffing = unit.staffing
    if staffing.authorized_total is not None or staffing.actual_in_service is not None:
        basic += (f"<p style='text-indent:2em'>人员情况：编制{staffing.authorized_total or 0}人，"
                  f"实有在职{staffing.actual_in_service if staffing.actual_in_service is not None else '—'}人。</p>")
    sections.append(("部门（单位）基本情况", basic))
    sections.append(("一般公共预算支出情况", (
        f"<p style='text-indent:2em'>年初预算数{_money(budget.initial)}万元，全年预算数{_money(budget.full_year)}万元，"
        f"全年执行数{_money(budget.executed)}万元，预算执行率{format_percent(derived.execution_rate) or '—'}。"
        f"其中基本支出{_money(budget.by_nature.basic)}万元，项目支出{_money(budget.by_nature.project)}万元。</p>")))
    other = finance.other_budgets
    sections.append(("政府性基金预算支出情况", _p(other.gov_fund)))
    sections.append(("国有资本经营预算支出情况", _p(other.state_capital)))
    sections.append(("社会保险基金预算支出情况", _p(other.social_insurance)))
    projects = "".join(f"<p style='text-indent:2em'><b>{html.escape(p.name or '')}</b>：全年预算{_money(p.full_year)}万元，"
                       f"执行{_money(p.executed)}万元。{html.escape(p.description or '')}</p>" for p in finance.projects)
    sections.append(("资金使用及绩效情况", _p(report.narrative.get("work_summary")) + projects
                     + (_p(report.narrative.get("project_performance")) if report.narrative.get("project_performance") else "")))
    sections.append(("存在的问题及原因分析", _p(report.narrative.get("problems"))))
    sections.append(("下一步改进措施", _p(report.narrative.get("improvements"))))
    sections.append(("绩效自评结果拟应用和公开情况", _p(report.narrative.get("application"))))
    for n, (heading, body) in enumerate(sections):
        out.append(f"<h3>{_NUMERALS[n]}、{heading}</h3>{body}")
    rows = ["<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th>"
            "<th>分值</th><th>得分</th></tr>"]
    for indicator, score in zip(report.evaluation.indicators, derived.indicator_scores):
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(v or ''))}</td>" for v in (
            indicator.level1, indicator.level2, indicator.name,
            _as_printed(indicator.target_text, indicator.target, indicator.unit),
            _as_printed(indicator.actual_text, indicator.actual, indicator.unit)))
            + f"<td align='right'>{trim(indicator.weight) if indicator.weight is not None else ''}</td>"
            f"<td align='right'>{trim(score.score) if score.score is not None else ''}</td></tr>")
    total = "—" if derived.total_score is None else display("money", derived.total_score)
    grade = template.grade_label(derived.grade) if derived.grade else "—"
    out.append("<h3>部门（单位）整体支出绩效自评表（摘要）</h3>"
               "<table border='1' cellspacing='0' cellpadding='3' width='100%'>" + "".join(rows) + "</table>"
               f"<p><b>总分：{total}　评价等次：{grade}</b></p>")
    return "".join(out)


class FinishPage(StepPage):
    jump = Signal(str)

    def __init__(self, session: ReportSession, parent=None):
        super().__init__(session, "⑤ 报告与导出", parent)
        # the finish line first: what still blocks a final export, and the export buttons
        checklist = QWidget()
        layout = QVBoxLayout(checklist)
        layout.setContentsMargins(0, 0, 0, 0)
        self.blocking_summary = QLabel(checklist)
        self.blocking_summary.setWordWrap(True)
        layout.addWidget(self.blocking_summary)
        self.blocking = QListWidget(checklist)
        self.blocking.setObjectName("problemList")
        # a long message wraps (at the largest font size one line ran off the page under a scroll bar)
        self.blocking.setWordWrap(True)
        self.blocking.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.blocking.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.blocking.viewport().installEventFilter(self)
        self.blocking.itemActivated.connect(self._activate)
        self.blocking.itemClicked.connect(self._activate)
        layout.addWidget(self.blocking)
        row = QHBoxLayout()
        self.export_button = QPushButton("导出提交包…", checklist)
        self.export_button.setObjectName("primary")
        self.export_button.clicked.connect(lambda: self.export(draft=False))
        self.draft_button = QPushButton("导出草稿…", checklist)
        self.draft_button.setToolTip("有错误时也可导出，文件带“草稿”水印，不能作为正式报送")
        self.draft_button.clicked.connect(lambda: self.export(draft=True))
        self.open_folder = QPushButton("打开所在文件夹", checklist)
        self.open_folder.hide()
        self.open_folder.clicked.connect(self._open_folder)
        self.result = QLabel(checklist)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.export_button)
        row.addWidget(self.draft_button)
        row.addWidget(self.result, 1)
        row.addWidget(self.open_folder)
        layout.addLayout(row)
        self.add_section("导出前检查与导出", checklist,
                         note="提交包含PDF、Word、Excel和数据文件，可直接报送财政局")

        self.editors = {}
        keys = list(NARRATIVE_SECTIONS) + [k for k in session.report.narrative if k not in NARRATIVE_SECTIONS]
        self.narrative_sections = {}
        for key in keys:
            label = NARRATIVE_SECTIONS.get(key, key)
            editor = self.binder.text(("narrative", key), lines=8 if key in ("work_summary", "problems",
                                                                            "improvements") else 4, what=label)
            self.editors[key] = editor
            self.narrative_sections[key] = self.add_section(label + ("（必填）" if key in REQUIRED_SECTIONS else ""),
                                                            editor)

        self.preview = QTextBrowser(self.body)
        self.preview.setMinimumHeight(420)
        refresh = QPushButton("刷新预览", self.body)
        refresh.clicked.connect(self.refresh_preview)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(refresh, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.preview)
        self.add_section("报告预览", box, note="正式文件以导出的PDF/Word为准")
        self.finish()
        self.last_folder: Path | None = None
        self.last_package: Path | None = None
        session.changed.connect(lambda _c: self.refresh_status())
        self.refresh_status()
        self.refresh_preview()

    def refresh_status(self):
        for key, section in self.narrative_sections.items():
            text = self.session.report.narrative.get(key) or ""
            section.note.setText(f"已填 {len(text.strip())} 字" if text.strip() else "（未填）")
        errors = [p for p in self.session.problems if p.severity == ERROR]
        self.blocking.clear()
        for problem in errors:
            item = QListWidgetItem(f"✖ {STEPS[step_of(problem.path)]}：{problem.message}")
            item.setData(Qt.ItemDataRole.UserRole, problem.path)
            item.setToolTip("点击转到该处")
            self.blocking.addItem(item)
        warnings = len(self.session.problems) - len(errors)
        if errors:
            self.blocking_summary.setText(f"还有 <b style='color:#c0392b'>{len(errors)}</b> 个错误，改正后才能导出正式提交包"
                                          f"（{warnings}个警告不影响导出）。点击一项转到该处。")
        else:
            self.blocking_summary.setText("<span style='color:#2f7d4f'>✓ 没有错误，可以导出正式提交包。</span>"
                                          + (f"（另有{warnings}个警告，请确认）" if warnings else ""))
        self.blocking.setVisible(bool(errors))
        self.fit_blocking()
        self.export_button.setEnabled(not errors)
        self.export_button.setToolTip("请先改正全部错误" if errors else "导出提交包（PDF、Word、Excel和数据文件）")

    def fit_blocking(self):
        """As tall as the first five errors, each on the lines its wrapped message needs."""
        heights = wrap_list_items(self.blocking)
        self.blocking.setFixedHeight(sum(heights[:5]) + 2 * self.blocking.frameWidth() + 4)

    def eventFilter(self, obj, event):
        blocking = getattr(self, "blocking", None)  # (the scroll area filters events before it exists)
        if blocking is not None and obj is blocking.viewport() and event.type() == QEvent.Type.Resize:
            if event.size().width() != event.oldSize().width():
                QTimer.singleShot(0, self, self.fit_blocking)  # re-wrapped at the new width
        return super().eventFilter(obj, event)

    def refresh_preview(self):
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(preview_html(self.session))
        self.preview.verticalScrollBar().setValue(scroll)

    def showEvent(self, event):
        self.refresh_preview()
        super().showEvent(event)

    def _activate(self, item: QListWidgetItem):
        self.jump.emit(item.data(Qt.ItemDataRole.UserRole))

    def export(self, draft: bool):
        self.commit()
        settings = app_settings()
        start = settings.value("export/last_folder", "") or str(Path.home())
        folder = choose_folder(self, "选择导出位置（如U盘）", start)
        if not folder:
            return None
        settings.setValue("export/last_folder", folder)
        return self.export_to(Path(folder), draft)

    def export_to(self, folder: Path, draft: bool) -> Path | None:
        from export.package import PackageError, write_package
        self.session.flush()
        try:
            path = write_package(self.session.report, folder, draft=draft)
        except (OSError, PackageError) as exc:
            QMessageBox.warning(self, "导出失败", f"无法写入{folder}：{getattr(exc, 'message', None) or exc}")
            return None
        self.last_folder, self.last_package = folder, path
        self.result.setText(f"{'草稿' if draft else '提交包'}已导出到 {path}")
        self.open_folder.show()
        return path

    def _open_folder(self):
        if self.last_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_folder)))
