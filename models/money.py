"""Decimal numbers for money, rates and scores: the one constructor and the one formatter.

Money never becomes a float. Text typed by the clerk or read from data.json goes through
``parse_decimal``; everything printed goes through ``format_decimal``.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

MAX_PLACES = 6
# Typed by clerks in paper forms to mean "nothing here": a number field must refuse them.
PLACEHOLDERS = {"*", "—", "——", "-", "--", "/", "－", "／", "＊", "无", "空", "—-", "…", "x", "X"}
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)  # 0–9 only: \d alone takes any script's digits
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$", re.ASCII)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class NumberError(ValueError):
    """A value that is not an acceptable number; ``message`` is plain Chinese for the clerk."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def D(value: str | int | Decimal) -> Decimal:
    """Literal decimals in code and tests: D("2214.5"). Refuses floats on purpose."""
    if isinstance(value, float):  # pragma: no cover - a programming error
        raise TypeError("floats are not allowed for money")
    return Decimal(value)


def parse_decimal(text: str | int | Decimal | None, *, allow_negative: bool = False,
                  max_places: int | None = MAX_PLACES, grouping: bool = False,
                  what: str = "金额") -> Decimal | None:
    """Parse a number typed or read as text. Empty means "not filled" (None).

    ``grouping`` accepts thousands separators (as pasted from Excel). Raises NumberError
    with a Chinese message for placeholders, junk, negative values, too many decimals.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise NumberError(f"{what}应为数字，不能是真/假值")
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    elif isinstance(text, str):
        raw = text.strip().translate(_FULLWIDTH).replace(" ", "").replace("\u00a0", "")
        if raw == "":
            return None
        if raw in PLACEHOLDERS or set(raw) <= set("*-—/－／＊…"):
            raise NumberError(f"{what}不能填“{text.strip()}”：没有数值请留空，数值为零请填0")
        if grouping and _GROUPED_RE.match(raw):
            raw = raw.replace(",", "")
        if not _NUMBER_RE.match(raw):
            raise NumberError(f"{what}“{_clip(text.strip())}”不是有效数字")
        value = Decimal(raw)
    else:
        raise NumberError(f"{what}应为数字文本")
    if not value.is_finite():
        raise NumberError(f"{what}不是有效数字")
    if value < 0 and not allow_negative:
        raise NumberError(f"{what}不能为负数：{_clip(str(text).strip())}")
    if max_places is not None and _places(value) > max_places:
        raise NumberError(f"{what}最多{max_places}位小数（万元），“{_clip(str(text).strip())}”有{_places(value)}位")
    if abs(value) >= Decimal("1e15"):
        raise NumberError(f"{what}数值过大：{_clip(str(text).strip())}")
    return value


def parse_count(value, *, what: str = "人数") -> int | None:
    """Whole numbers of people or 人次: int ≥ 0, or None when not filled."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError(f"{what}应为整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        raw = value.strip().translate(_FULLWIDTH)
        if raw == "":
            return None
        if not re.fullmatch(r"\+?\d{1,9}", raw, re.ASCII):
            raise NumberError(f"{what}应为不小于0的整数，“{_clip(value.strip())}”不是")
        number = int(raw)
    else:
        raise NumberError(f"{what}应为整数")
    if number < 0:
        raise NumberError(f"{what}不能为负数")
    if number > 10**9:
        raise NumberError(f"{what}数值过大")
    return number


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _clip(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def to_text(value: Decimal | None) -> str | None:
    """Decimal → exchange-format string, exactly as entered (no exponent, trailing zeros kept)."""
    if value is None:
        return None
    text = format(value, "f")
    return "0" if text in ("-0", "+0") else text


def round2(value: Decimal) -> Decimal:
    """Scores and rates: half-up to 2 decimals (domain.md)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def trim(value: Decimal) -> Decimal:
    """99.00 → 99, 9.50 → 9.5: for derived figures written to data.json."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_decimal(value: Decimal | None, *, places: int | None = 2, grouping: bool = True) -> str:
    """Printed form: thousands separators, at least ``places`` decimals, more if entered."""
    if value is None:
        return ""
    shown = value
    if places is not None and _places(value) < places:
        shown = value.quantize(Decimal(1).scaleb(-places))
    text = format(shown, ",f" if grouping else "f")
    return text


def format_percent(value: Decimal | None) -> str:
    return "" if value is None else f"{format_decimal(value, places=2, grouping=False)}%"
