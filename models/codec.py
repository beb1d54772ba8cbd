"""data.json ⇄ Report, driven by the field kinds declared in ``models.report``.

Reading is strict about the format (a bad file is refused with the JSON path and a Chinese
message) and lenient about content (missing values are "not filled"; the checks report
them). Unknown fields are ignored. Writing produces exactly the fields of data-format.md.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import fields
from decimal import Decimal
from typing import Any

from .money import NumberError, parse_count, parse_decimal, to_text
from .report import FORMAT_NAME, FORMAT_VERSION, YEAR_RANGE, Report

MAX_TEXT_CHARS = 200_000  # one prose field; a whole report of real size is far below this
MAX_LIST_ITEMS = 20_000


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
            raise FormatError(key, f"字段“{key}”重复出现")
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
        raise FormatError("", f"文件不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）") from None
    except RecursionError:
        raise FormatError("", "文件嵌套层数过多，不是有效的报告") from None
    except ValueError as exc:  # e.g. int too large to convert
        raise FormatError("", f"文件不是有效的 JSON（{exc}）") from None
    if not isinstance(obj, dict):
        raise FormatError("", "文件内容应为一个 JSON 对象")
    return obj


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
        return {str(key): _read_text(text, _join(path, key), label) or "" for key, text in value.items()}
    if value is None:
        return None
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


def copy_report(report: Report) -> Report:
    """A deep copy through the codec's own description (no derived figures involved)."""
    return _read_dataclass(Report, _write_dataclass(report), "")

