from decimal import Decimal

import pytest

from models.money import NumberError, format_decimal, parse_count, parse_decimal, round2, to_text


@pytest.mark.parametrize("text,expected", [
    ("2214.5", Decimal("2214.5")), ("0", Decimal(0)), ("9692.786137", Decimal("9692.786137")),
    ("  12.30 ", Decimal("12.30")), ("１２３．４", Decimal("123.4")), ("", None), (None, None),
])
def test_parse_accepts_plain_decimals(text, expected):
    assert parse_decimal(text) == expected


def test_trailing_zeros_survive_round_trip():
    assert to_text(parse_decimal("648.00")) == "648.00"
    assert to_text(parse_decimal("2214.5")) == "2214.5"


@pytest.mark.parametrize("placeholder", ["*", "—", "——", "/", "-", "－"])
def test_placeholders_are_refused_with_a_message(placeholder):
    with pytest.raises(NumberError) as info:
        parse_decimal(placeholder, what="年初预算数")
    assert "年初预算数" in info.value.message and "留空" in info.value.message


def test_seven_decimals_is_an_error_not_a_rounding():
    with pytest.raises(NumberError) as info:
        parse_decimal("1.1234567", what="全年预算数")
    assert "6位小数" in info.value.message


def test_negative_money_refused_unless_allowed():
    with pytest.raises(NumberError):
        parse_decimal("-46.61", what="调整数")
    assert parse_decimal("-46.61", allow_negative=True) == Decimal("-46.61")


@pytest.mark.parametrize("junk", ["12,34", "1e5", "NaN", "inf", "12元", "abc", "1.2.3"])
def test_junk_is_refused(junk):
    with pytest.raises(NumberError):
        parse_decimal(junk)


def test_thousands_separators_only_when_pasting():
    assert parse_decimal("1,591.78", grouping=True) == Decimal("1591.78")
    with pytest.raises(NumberError):
        parse_decimal("1,591.78")


def test_counts_are_whole_numbers():
    assert parse_count("16") == 16
    for bad in ("1.5", "-1", "十六"):
        with pytest.raises(NumberError):
            parse_count(bad)


def test_format_and_round():
    assert format_decimal(Decimal("2372.7")) == "2,372.70"
    assert format_decimal(Decimal("9692.786137")) == "9,692.786137"
    assert round2(Decimal("9.995")) == Decimal("10.00")
    assert round2(Decimal("9.994")) == Decimal("9.99")


@pytest.mark.parametrize("digits", ["١٢٣", "𝟏𝟎", "१२"])
def test_only_ascii_digits_after_fullwidth_folding(digits):
    with pytest.raises(NumberError):
        parse_decimal(digits)
    with pytest.raises(NumberError):
        parse_count(digits)
