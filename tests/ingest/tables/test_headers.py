"""Header cells rebuilt from flattened header lines, by the shape of Dutch headers alone."""

from __future__ import annotations

from ingest.tables.headers import (
    header_from_cells,
    header_from_lines,
    header_from_rows,
    is_total_label,
    split_cells,
    split_continuation,
)


def _cells(text: str) -> list[str]:
    return [" ".join(c) for c in split_cells(text.split())]


def test_a_cell_starts_with_a_capital_or_a_run_of_years() -> None:
    assert _cells("Begroting primitief Begroting na wijziging Realisatie Verschil") == [
        "Begroting primitief",
        "Begroting na wijziging",
        "Realisatie",
        "Verschil",
    ]
    assert _cells("Realisatie 2021 Realisatie 2022 Begroting 2023") == [
        "Realisatie 2021",
        "Realisatie 2022",
        "Begroting 2023",
    ]
    assert _cells("Type 2023 2024") == ["Type", "2023", "2024"]
    assert _cells("Indicator Bron B2021 R2021") == ["Indicator", "Bron", "B2021", "R2021"]
    assert _cells("Aantal (x € 1.000) Verschil") == ["Aantal (x € 1.000)", "Verschil"]


def test_a_continuation_line_splits_into_one_piece_per_cell() -> None:
    pieces = [
        " ".join(p) for p in split_continuation("2022 primitief 2023 wijziging 2023 2023".split())
    ]
    assert pieces == ["2022", "primitief 2023", "wijziging 2023", "2023"]
    assert [" ".join(p) for p in split_continuation("primitief na wijziging".split())] == [
        "primitief",
        "na wijziging",
    ]


def _header(lines: list[str], widths: list[int]) -> tuple[str, list[tuple[str, ...]]]:
    header = header_from_lines([line.split() for line in lines], widths)
    assert header is not None
    return header.stub, [c.header for c in header.columns]


def test_group_line_over_repeating_sub_columns_then_a_total() -> None:
    stub, paths = _header(
        [
            "Koop Corporatie Particulier",
            "Wijk Lopende Afgeronde Lopende Afgeronde Lopende Afgeronde Totaal",
        ],
        [7],
    )
    assert stub == "Wijk"
    assert paths[:2] == [("Koop", "Lopende"), ("Koop", "Afgeronde")]
    assert paths[-1] == ("Totaal",)


def test_a_continuation_fills_the_columns_whose_first_word_repeats() -> None:
    stub, paths = _header(
        ["Omschrijving Begroting Begroting Realisatie Verschil", "primitief na wijziging"], [4]
    )
    assert stub == "Omschrijving"
    assert paths == [
        ("Begroting primitief",),
        ("Begroting na wijziging",),
        ("Realisatie",),
        ("Verschil",),
    ]


def test_more_cells_than_columns_name_the_stub() -> None:
    stub, paths = _header(["Programma 4 Wonen Realisatie Begroting Verschil"], [3])
    assert stub == "Programma 4 Wonen"
    assert paths == [("Realisatie",), ("Begroting",), ("Verschil",)]


def test_no_line_that_fits_gives_no_header() -> None:
    assert header_from_lines([["Totalen", "per", "doelstelling"]], [5]) is None


def test_header_cells_one_per_line_with_a_group_level() -> None:
    units = ["Rekening 2022", "Begroting 2023", "Lasten", "Baten", "Lasten", "Baten"]
    header = header_from_cells(units, 4, body_has_groups=False)
    assert header is not None and header.stub == ""
    assert [c.header for c in header.columns] == [
        ("Rekening 2022", "Lasten"),
        ("Rekening 2022", "Baten"),
        ("Begroting 2023", "Lasten"),
        ("Begroting 2023", "Baten"),
    ]
    assert [c.year for c in header.columns] == [2022, 2022, 2023, 2023]


def test_delimited_header_rows_merge_split_cells_and_spread_groups() -> None:
    header = header_from_rows(
        [
            ["", "Koop", "", "Huur", "", ""],
            ["Wijk", "Lopend", "Afgerond", "Lopend", "Afgerond", "Totaal"],
        ],
        5,
    )
    assert header.stub == "Wijk"
    assert [c.header for c in header.columns] == [
        ("Koop", "Lopend"),
        ("Koop", "Afgerond"),
        ("Huur", "Lopend"),
        ("Huur", "Afgerond"),
        ("Totaal",),
    ]
    split = header_from_rows([["", "Realisatie", "Begroting"], ["", "2022", "2023"]], 2)
    assert [c.label for c in split.columns] == ["Realisatie 2022", "Begroting 2023"]


def test_total_labels() -> None:
    for label in ("Totaal", "TOTAAL PROGRAMMA", "Totaal lasten", "Saldo van baten en lasten"):
        assert is_total_label(label)
    assert is_total_label("Gerealiseerd resultaat")
    assert not is_total_label("Openbare orde en veiligheid")
