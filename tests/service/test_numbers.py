"""Dutch number reading and writing, shared with the grounding check."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.core.numbers import (
    extract_numbers,
    format_euro,
    format_number,
    format_percent,
    parse_nl_number,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("13.939", Decimal(13939)),
        ("30,8%", Decimal("30.8")),
        ("€ 1,1 mln.", Decimal(1100000)),
        ("€ 63.857", Decimal(63857)),
        ("-3.374", Decimal(-3374)),
        ("7,5", Decimal("7.5")),
        ("8,0", Decimal("8.0")),
        ("7.5 (English)", Decimal("7.5")),
        ("13,939,000", Decimal(13939000)),
        ("1.240,50", Decimal("1240.50")),
    ],
)
def test_parse_nl_number(text: str, value: Decimal) -> None:
    assert parse_nl_number(text) == value


def test_extract_numbers_skips_citation_markers_and_reads_every_figure() -> None:
    text = "In 2024 waren er 4 + 24 + 3 = 31 casussen [1]. Daling van 8,2% [2, 3]; 2022-2026."
    assert extract_numbers(text) == [2024, 4, 24, 3, 31, Decimal("8.2"), 2022, 2026]


def test_parse_returns_none_without_a_number() -> None:
    assert parse_nl_number("geen getal") is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal(13939), "13.939"),
        (Decimal("7.5"), "7,5"),
        (Decimal("8.0"), "8,0"),
        (Decimal(-3374), "-3.374"),
        (Decimal(0), "0"),
        (Decimal(1240), "1.240"),
    ],
)
def test_format_number_is_dutch_and_keeps_printed_precision(value: Decimal, text: str) -> None:
    assert format_number(value) == text
    assert extract_numbers(text) == [value]


def test_money_and_percentages() -> None:
    assert format_euro(Decimal(-3374), Decimal(1000)) == "€ 3.374.000"
    assert format_percent(Decimal(68) / Decimal(210) * 100) == "32,4%"
