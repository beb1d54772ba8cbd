"""The indicator library: its read-only model (tested without a view) and the dialog's search box."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt

from ui.indicators import LibraryDialog, LibraryModel, load_library


def row_texts(model, row):
    return [model.index(row, col).data() for col in range(model.columnCount())]


def test_rows_show_the_library_entries(qapp):
    entries = load_library()
    model = LibraryModel(entries)
    assert model.rowCount() == len(entries) == 45 and model.columnCount() == 5
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "一级指标", "二级指标", "三级指标", "参考指标值", "说明"]
    assert row_texts(model, 0) == ["产出指标", "数量指标", "财政供养人员控制率", "≤100%",
                                   "实有在职人数 ÷ 编制数 × 100%，反映人员控制情况，不超过100%为达标"]
    assert model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == entries[0]["explanation"]
    # the search text holds every field, also those without a column (unit, direction, kind)
    search = model.index(0, 0).data(LibraryModel.SEARCH_ROLE)
    assert "quantitative" in search and "<=" in search and "财政供养人员控制率" in search
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_search_filters_on_all_text_and_chosen_follows_the_filter(qtbot):
    dialog = LibraryDialog()
    qtbot.addWidget(dialog)
    entries = dialog.entries
    assert dialog.table.model().rowCount() == len(entries)

    dialog.filter.setText(" 满意度 ")  # spaces around a keyword are ignored
    shown = [dialog.proxy.index(r, 2).data() for r in range(dialog.proxy.rowCount())]
    expected = [e["name"] for e in entries if "满意度" in " ".join(str(v or "") for v in e.values())]
    assert shown == expected and 0 < len(shown) < len(entries)

    # several rows chosen with Ctrl held: the entries come back in the library's order
    selection = dialog.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (len(shown) - 1, 0):
        selection.select(dialog.proxy.index(row, 0), flags)
    assert [e["name"] for e in dialog.chosen()] == [expected[0], expected[-1]]

    dialog.filter.setText("找不到的词")
    assert dialog.proxy.rowCount() == 0 and dialog.chosen() == []
    dialog.filter.setText("")
    assert dialog.proxy.rowCount() == len(entries)
