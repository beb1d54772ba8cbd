"""The start page's report list model, tested without a view."""
from __future__ import annotations

from PySide6.QtCore import Qt

from models.store import ReportSummary
from ui import theme
from ui.start import COLUMNS, ReportListModel


def summary(**kw):
    base = dict(id=1, unit_name="株洲市芦淞区退役军人事务局", year=2023, template="hunan", total_score="99", grade="优",
                error_count=0, warning_count=5, updated_at="2026-11-23T15:09:00", deleted_at=None)
    base.update(kw)
    return ReportSummary(**base)


def row_texts(model, row):
    return [model.index(row, col).data() for col in range(len(COLUMNS))]


def test_rows_show_the_summary_like_the_header(qapp):
    model = ReportListModel()
    model.set_summaries([summary(), summary(id=2, year=2024, total_score=None, grade=None, error_count=16),
                         summary(id=3, deleted_at="2026-11-23T16:00:00")])
    assert model.rowCount() == 3 and model.columnCount() == len(COLUMNS)
    assert row_texts(model, 0) == ["株洲市芦淞区退役军人事务局", "2023", "湖南模板", "已完成（5个警告）", "99.00", "优",
                                   "2026-11-23 15:09"]
    assert row_texts(model, 1)[3:6] == ["未完成（16个错误）", "—", "—"]
    assert row_texts(model, 2)[3] == "已删除（可恢复）"
    assert model.index(1, 3).data(Qt.ItemDataRole.ForegroundRole).name() == theme.ERROR.lower()
    assert model.index(0, 4).data(Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert model.index(2, 0).data(Qt.ItemDataRole.UserRole) == 3
