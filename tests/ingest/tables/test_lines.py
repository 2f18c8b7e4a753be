"""Reading figures the Dutch way, with exact offsets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.tables.lines import (
    join_words,
    parse_number,
    read_lines,
    trailing_cells,
    whole_cell,
    year_code,
    year_of,
)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1.234", Decimal(1234)),
        ("-3.374", Decimal(-3374)),
        ("−1.234", Decimal(-1234)),
        ("–17", Decimal(-17)),
        ("7,5", Decimal("7.5")),
        ("12,5%", Decimal("12.5")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("+3", Decimal(3)),
    ],
)
def test_dutch_numbers(raw: str, value: Decimal) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize(
    ("text", "raw", "value", "percent", "nil", "year", "marker"),
    [
        ("12,5 %", "12,5 %", Decimal("12.5"), True, False, None, ""),
        ("3,1 (2019)", "3,1 (2019)", Decimal("3.1"), False, False, 2019, ""),
        ("61,2 % (2020)", "61,2 % (2020)", Decimal("61.2"), True, False, 2020, ""),
        ("€ 1.234", "€ 1.234", Decimal(1234), False, False, None, ""),
        ("4.120 N", "4.120 N", Decimal(-4120), False, False, None, "N"),
        ("-909 V", "-909 V", Decimal(-909), False, False, None, "V"),
        ("–", "–", Decimal(0), False, True, None, ""),
        ("n.b.", "n.b.", None, False, False, None, ""),
        ("97*", "97*", Decimal(97), False, False, None, ""),
    ],
)
def test_one_figure_per_text(
    text: str,
    raw: str,
    value: Decimal | None,
    percent: bool,
    nil: bool,
    year: int | None,
    marker: str,
) -> None:
    (line,) = read_lines(f"  {text}  \n")
    cell = whole_cell(line.tokens, f"  {text}  \n")
    assert cell is not None
    assert (cell.raw, cell.value, cell.percent, cell.nil, cell.year, cell.marker) == (
        raw,
        value,
        percent,
        nil,
        year,
        marker,
    )
    assert (cell.start, cell.end) == (2, 2 + len(raw))


def test_words_are_no_figure() -> None:
    for text in ("Politie", "%", "Bedragen x", "2023/2024", "5.1", "(5.1)"):
        (line,) = read_lines(text)
        assert whole_cell(line.tokens, text) is None


def test_trailing_figures_and_where_the_label_ends() -> None:
    source = "intro\nBevorderen van de veiligheid in de woning (5.1) -56 0 0 200 144 \n"
    line = read_lines(source)[1]
    cells, label_end = trailing_cells(line.tokens, source)
    assert [c.raw for c in cells] == ["-56", "0", "0", "200", "144"]
    assert [t.text for t in line.tokens[:label_end]][-1] == "(5.1)"
    assert all(source[c.start : c.end] == c.raw for c in cells)
    assert line.number == 2 and source[line.start : line.end] == line.text


def test_years_and_year_codes() -> None:
    assert [year_of(w) for w in ("2024", "2023/2024", "2023-24", "R2021", "2.024")] == [
        2024,
        2024,
        2024,
        2021,
        None,
    ]
    assert year_code("B2022") == ("B", 2022) and year_code("Begroting") is None


def test_a_word_broken_over_a_line_is_joined_again() -> None:
    assert join_words(["Midden-", "huur"]) == "Middenhuur"
    assert join_words(["Midden-", "en", "hoogbouw"]) == "Midden- en hoogbouw"
    assert join_words(["Koop", "tot", "NHG-grens"]) == "Koop tot NHG-grens"
