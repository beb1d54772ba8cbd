"""File and folder choosers with every label in Chinese.

Windows shows its own (Chinese) dialogs; elsewhere Qt draws the dialog itself and its translation
leaves "Look in:" and "Files of type:" in English, so the labels are set here.
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

_LABELS = {QFileDialog.DialogLabel.LookIn: "查找范围：", QFileDialog.DialogLabel.FileType: "文件类型：",
           QFileDialog.DialogLabel.Reject: "取消"}

_TOOL_TIPS = {"backButton": "后退", "forwardButton": "前进", "toParentButton": "上一级文件夹",
              "newFolderButton": "新建文件夹", "listModeButton": "列表", "detailModeButton": "详细信息"}


def _dialog(parent: QWidget | None, title: str, start: str, accept: str, name_label: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, start)
    for label, text in _LABELS.items():
        dialog.setLabelText(label, text)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, accept)
    dialog.setLabelText(QFileDialog.DialogLabel.FileName, name_label)
    dialog.setViewMode(QFileDialog.ViewMode.List)  # names only: the detail columns say "Folder" in English
    # Qt's own dialog names its tool buttons through the translation file; name them here too, so
    # they are Chinese even where qtbase_zh_CN.qm is missing.
    from PySide6.QtWidgets import QAbstractButton
    for name, tip in _TOOL_TIPS.items():
        button = dialog.findChild(QAbstractButton, name)
        if button is not None:
            button.setToolTip(tip)
            button.setAccessibleName(tip)
    return dialog


def folder_dialog(parent: QWidget | None, title: str, start: str) -> QFileDialog:
    dialog = _dialog(parent, title, start, "选择", "文件夹：")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return dialog


def file_dialog(parent: QWidget | None, title: str, start: str, name_filter: str) -> QFileDialog:
    dialog = _dialog(parent, title, start, "打开", "文件名：")
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(name_filter)
    return dialog


def _run(dialog: QFileDialog) -> str:
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]


def choose_folder(parent: QWidget | None, title: str, start: str) -> str:
    """The folder chosen, or "" when cancelled."""
    return _run(folder_dialog(parent, title, start))


def choose_file(parent: QWidget | None, title: str, start: str, name_filter: str) -> str:
    """The file chosen, or "" when cancelled."""
    return _run(file_dialog(parent, title, start, name_filter))
