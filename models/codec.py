"""data.json ⇄ Report, driven by the field kinds declared in ``models.report``.

Reading is strict about the format (a bad file is refused with the JSON path and a Chinese
message) and lenient about content (missing values are "not filled"; the checks report
them). Unknown fields are ignored. Writing produces exactly the fields of data-format.md.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import fields
from decimal import Decimal
from typing import Any

from .money import NumberError, parse_count, parse_decimal, to_text
from .report import FORMAT_NAME, FORMAT_VERSION, YEAR_RANGE, Report

MAX_TEXT_CHARS = 200_000  # one prose field; a whole report of real size is far below this
MAX_LIST_ITEMS = 20_000
MAX_DEPTH = 64            # the format nests 5 deep; anything far deeper is not a report
MAX_KEY_CHARS = 200
MAX_NARRATIVE_KEYS = 100
_NARRATIVE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# C0 controls that no text field may hold (tab, LF and CR are fine); XLSX and XML refuse them too.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # (U+FFFE/FFFF: not XML either)
# Digits other than 0-9 and their full-width forms (Arabic-Indic, mathematical bold…): Python reads
# them as numbers, a reader of the file would not see the same figure.
_FOREIGN_DIGIT = re.compile(r"(?![0-9０-９])\d")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_JSON_MESSAGES = {
    "Expecting value": "缺少值或有多余的逗号",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "字段名应写在双引号中",
    "Unterminated string starting at": "文本没有结束引号（文件可能不完整）",
    "Invalid control character at": "文本中有未转义的控制字符",
    "Invalid \\escape": "文本中有无效的转义符",
    "Invalid \\uXXXX escape": "文本中有无效的 \\u 转义符",
    "Extra data": "JSON 结束后还有多余内容",
}


class FormatError(ValueError):
    """A file that breaks the exchange format. ``path`` is a JSON path like ``finance.projects[2].initial``."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _label(f) -> str:
    return f.metadata.get("label", f.name)


def _reject_constant(name: str):
    raise FormatError("", f"文件含有非法数值 {name}（JSON 不允许 NaN/Infinity）")


def _no_duplicate_keys(pairs):
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            shown = _printable(key)[:40]
            raise FormatError(shown, f"字段“{shown}”重复出现")
        seen[key] = value
    return seen


def loads(data: bytes | str) -> dict:
    """Parse JSON text strictly: UTF-8, no NaN/Infinity, no duplicate keys, one object."""
    if isinstance(data, bytes):
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError("", f"文件不是 UTF-8 编码（第{exc.start + 1}个字节起无法识别）") from None
    try:
        obj = json.loads(data, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant,
                         parse_float=Decimal, parse_int=int)
    except FormatError:
        raise
    except json.JSONDecodeError as exc:
        reason = _JSON_MESSAGES.get(exc.msg, "格式错误")
        if exc.pos >= len(exc.doc.rstrip()) and exc.msg != "Extra data":
            reason = "文件在此处意外结束，可能不完整（复制或下载中断）"
        raise FormatError("", f"文件不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{reason}）") from None
    except RecursionError:
        raise FormatError("", "文件嵌套层数过多，不是有效的报告") from None
    except ValueError:  # an integer of thousands of digits (Python's int_max_str_digits)
        raise FormatError("", "文件中有位数过多的数字，不是有效的报告") from None
    if not isinstance(obj, dict):
        raise FormatError("", "文件内容应为一个 JSON 对象")
    _check_shape(obj)
    return obj


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _check_shape(obj: dict) -> None:
    """Limits a valid JSON text can still break: nesting depth, key length, control characters
    and lone surrogates (a \\ud800 escape decodes to a str that UTF-8, SQLite and PDF refuse).

    Done here, on files only: a report already in the store is read without it.
    """
    stack: list[tuple[object, int, str]] = [(obj, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise FormatError("", f"文件嵌套层数过多（超过{MAX_DEPTH}层），不是有效的报告")
        items = value.items() if isinstance(value, dict) else enumerate(value)  # type: ignore[union-attr]
        for key, item in items:
            if isinstance(key, str) and (len(key) > MAX_KEY_CHARS or _SURROGATE.search(key) or _CONTROL.search(key)):
                raise FormatError(path[:80], f"文件中有无效的字段名“{_printable(key)[:40]}”")
            where = _join(path, key)
            if isinstance(item, (dict, list)):
                stack.append((item, depth + 1, where))
            elif isinstance(item, str):
                bad = _CONTROL.search(item) or _SURROGATE.search(item)
                if bad:
                    raise FormatError(where[:80], f"文本中有不可见的控制字符或无效字符（第{bad.start() + 1}个字符），请删除后再试")


def report_from_json(data: bytes | str) -> Report:
    return report_from_dict(loads(data))


def report_from_dict(obj: dict) -> Report:
    if not isinstance(obj, dict):
        raise FormatError("", "文件内容应为一个 JSON 对象")
    if obj.get("format") != FORMAT_NAME:
        raise FormatError("format", f"不是自评通报告文件（format 应为“{FORMAT_NAME}”）")
    version = obj.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise FormatError("version", "缺少版本号或版本号不是整数")
    if version != FORMAT_VERSION:
        raise FormatError("version", f"不支持的文件版本 {version}（本程序读取版本 {FORMAT_VERSION}）")
    year = obj.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise FormatError("year", "年度应为整数，如 2023")
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise FormatError("year", f"年度 {year} 超出范围（{YEAR_RANGE[0]}–{YEAR_RANGE[1]}）")
    if obj.get("template") is None:
        raise FormatError("template", "缺少模板（hunan / guangdong / generic）")
    return _read_dataclass(Report, obj, "")


def _read_dataclass(cls, obj: Any, path: str):
    if obj is None:
        return cls()
    if not isinstance(obj, dict):
        raise FormatError(path, "应为一个对象（{…}）")
    values = {}
    for f in fields(cls):
        if f.name not in obj:
            continue
        values[f.name] = _read_value(f, obj[f.name], _join(path, f.name))
    return cls(**values)


def _read_value(f, value: Any, path: str):
    kind = f.metadata["kind"]
    label = _label(f)
    if kind == "obj":
        return _read_dataclass(f.metadata["cls"], value, path)
    if kind == "objs":
        items = _read_list(value, path)
        return [_read_dataclass(f.metadata["cls"], item, _join(path, i)) for i, item in enumerate(items)]
    if kind == "texts":
        items = _read_list(value, path)
        return [_read_text(item, _join(path, i), label) or "" for i, item in enumerate(items)]
    if kind == "narrative":
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise FormatError(path, "应为一个对象（{…}）")
        if len(value) > MAX_NARRATIVE_KEYS:
            raise FormatError(path, f"正文段落过多（{len(value)} 段）")
        for key in value:
            if not _NARRATIVE_KEY.match(str(key)):
                raise FormatError(path, f"正文段落名“{_printable(str(key))[:40]}”无效（应为英文字母、数字和下划线）")
        return {str(key): _read_text(text, _join(path, key), label) or "" for key, text in value.items()}
    if value is None:
        return None
    if kind in ("money", "signed", "number", "count") and isinstance(value, str) and _FOREIGN_DIGIT.search(value):
        raise FormatError(path, f"{label}“{_printable(value)[:20]}”含有非阿拉伯数字，请用 0–9 书写")
    try:
        if kind in ("money", "signed"):
            if not isinstance(value, str):
                raise FormatError(path, f"{label}应写成文本形式的数字（如 \"2214.5\"），不能是 JSON 数字")
            return parse_decimal(value, allow_negative=kind == "signed", what=label)
        if kind == "number":
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                raise FormatError(path, f"{label}应为数字文本")
            return parse_decimal(value, allow_negative=True, what=label)
        if kind == "count":
            if isinstance(value, Decimal):
                raise FormatError(path, f"{label}应为整数")
            if isinstance(value, str):
                raise FormatError(path, f"{label}应为 JSON 整数，不能是文本")
            return parse_count(value, what=label)
    except NumberError as exc:
        raise FormatError(path, exc.message) from None
    if kind == "text":
        return _read_text(value, path, label)
    if kind == "date":
        text = _read_text(value, path, label)
        if text == "":
            return None
        try:
            _dt.date.fromisoformat(text)
        except ValueError:
            raise FormatError(path, f"{label}“{text[:20]}”不是有效日期（应为 2024-03-15 这样的格式）") from None
        return text
    if kind == "enum":
        allowed = f.metadata["values"]
        if value not in allowed:
            shown = str(value)[:20]
            raise FormatError(path, f"{label}的取值“{shown}”无效，应为：{' / '.join(allowed)}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise FormatError(path, f"{label}应为 true 或 false")
        return value
    raise AssertionError(kind)  # pragma: no cover


def _read_list(value: Any, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(path, "应为一个列表（[…]）")
    if len(value) > MAX_LIST_ITEMS:
        raise FormatError(path, f"列表过长（{len(value)} 项）")
    return value


def _read_text(value: Any, path: str, label: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise FormatError(path, f"{label}应为文本")
    if len(value) > MAX_TEXT_CHARS:
        raise FormatError(path, f"{label}过长（{len(value)} 字，上限 {MAX_TEXT_CHARS} 字）")
    if "\x00" in value:
        raise FormatError(path, f"{label}含有非法字符")
    return value


# --- writing ----------------------------------------------------------------------------

def report_to_dict(report: Report, derived: dict | None = None) -> dict:
    out = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    out.update(_write_dataclass(report))
    if derived is None:
        from .scoring import derive  # scoring imports report only; no cycle at import time
        derived = derive(report).as_exchange()
    out["derived"] = derived
    return out


def report_to_json(report: Report, derived: dict | None = None) -> str:
    return json.dumps(report_to_dict(report, derived), ensure_ascii=False, indent=2) + "\n"


def _write_dataclass(item) -> dict:
    out = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if f.metadata.get("optional_out") and value in (None, False, ""):
            continue
        out[f.name] = _write_value(f.metadata["kind"], value)
    return out


def _write_value(kind: str, value):
    if kind == "obj":
        return _write_dataclass(value)
    if kind == "objs":
        return [_write_dataclass(item) for item in value]
    if kind == "texts":
        return list(value)
    if kind == "narrative":
        return dict(value)
    if kind in ("money", "signed", "number"):
        return to_text(value)
    return value


def clean_text(text: str) -> str:
    """Text safe for every output (XML in DOCX/XLSX, PDF, data.json): Word's manual line and page
    breaks (\\v, \\f) become line breaks, other control characters go, lone surrogates become U+FFFD."""
    text = text.replace("\r\n", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    text = _CONTROL.sub("", text).replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text)


def _clean_tree(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: _clean_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean_tree(item) for item in value]
    return value


def cleaned_report(report: Report) -> Report:
    """A copy of ``report`` whose every text passes clean_text (what an export writes)."""
    return _read_dataclass(Report, _clean_tree(_write_dataclass(report)), "")


def copy_report(report: Report) -> Report:
    """A deep copy through the codec's own description (no derived figures involved)."""
    return _read_dataclass(Report, _write_dataclass(report), "")

