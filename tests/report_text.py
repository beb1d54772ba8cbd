"""Helpers shared by the report tests: what a seed's printed report must contain."""
from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from models.money import format_decimal, to_text


def money_values(obj, path: str = "") -> list[tuple[str, Decimal]]:
    """Every money figure of a report (field kinds money/signed), with its JSON path."""
    found = []
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            kind = f.metadata.get("kind")
            where = f"{path}.{f.name}" if path else f.name
            if kind in ("money", "signed") and value is not None:
                found.append((where, value))
            elif kind in ("obj", "objs"):
                found.extend(money_values(value, where))
    elif isinstance(obj, list):
        for index, item in enumerate(obj):
            found.extend(money_values(item, f"{path}[{index}]"))
    return found


def squeeze(text: str) -> str:
    """Extracted text without the line breaks and spaces that wrapping puts inside names."""
    return re.sub(r"\s+", "", text)


def printed_forms(value: Decimal) -> list[str]:
    """How a figure may be printed: as entered with 万元 in prose, or in a table cell.

    A negative adjustment is printed as its size (年中调减46.61万元)."""
    size = abs(value)
    return [f"{to_text(size)}万元", format_decimal(size, places=2, grouping=True)]


def missing_money(report, text: str) -> list[str]:
    flat = squeeze(text)
    return [f"{path}={to_text(value)}" for path, value in money_values(report.finance)
            if not any(form in flat for form in printed_forms(value))]
