"""The real report's three table shapes: same figures, same offsets as printed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.tables import Table, TableParse, parse_tables, row_view, validate_tables
from tests.conftest import REPORT
from tests.ingest.tables.helpers import the

DOCUMENT = REPORT.stem


@pytest.fixture(scope="module")
def parsed(source: str) -> TableParse:
    return parse_tables(source, DOCUMENT, 2024)


@pytest.fixture(scope="module")
def tables(parsed: TableParse) -> tuple[Table, ...]:
    return parsed.tables


def test_the_report_has_five_tables_and_no_unreadable_block(parsed: TableParse) -> None:
    assert [t.kind for t in parsed.tables] == [
        "cross",
        "year_series",
        "year_series",
        "year_series",
        "financial",
    ]
    assert parsed.problems == ()
    assert all(t.id.startswith(f"{DOCUMENT}/") for t in parsed.tables)


def test_cross_table_has_grouped_columns_and_the_reports_own_reference(
    tables: tuple[Table, ...],
) -> None:
    cross = tables[0]
    assert cross.title == "Tabel 5.1 Woonoverlast 2024"
    assert cross.id == f"{DOCUMENT}/tabel-5-1-woonoverlast-2024"
    assert cross.stub == "Woonoverlast 2024"
    assert cross.section == "Doelstelling 5.1 Bevorderen van de veiligheid in de woning"
    assert cross.year == 2024 and cross.layout == "rows" and cross.line == 46
    assert [c.header for c in cross.columns] == [
        ("Koop", "Lopende casuïstiek"),
        ("Koop", "Afgeronde casuïstiek"),
        ("Corporatie", "Lopende casuïstiek"),
        ("Corporatie", "Afgeronde casuïstiek"),
        ("Particulier", "Lopende casuïstiek"),
        ("Particulier", "Afgeronde casuïstiek"),
        ("Totaal",),
    ]
    assert [c.is_total for c in cross.columns] == [False] * 6 + [True]
    labels = [r.label for r in cross.rows]
    assert labels == [
        "Centrum",
        "Meerzicht",
        "Buytenweg",
        "De Leyens",
        "Seghwaert",
        "Noordhove",
        "Rokkeveen",
        "Oosterheem",
        "Totaal",
    ]
    assert [r.is_total for r in cross.rows] == [False] * 8 + [True]
    rokkeveen = cross.rows[6]
    assert [c.value for c in rokkeveen.cells if c] == [5, 4, 8, 5, 0, 1, 23]
    assert [c.raw for c in cross.rows[-1].cells if c] == ["34", "24", "99", "39", "9", "5", "210"]


def test_the_junk_line_after_the_cross_table_is_neither_row_nor_problem(
    tables: tuple[Table, ...], source: str
) -> None:
    cross = tables[0]
    assert source[cross.start : cross.end].rstrip().endswith("Totaal 34 24 99 39 9 5 210")
    assert "Afgeronde Afgeronde" not in source[cross.start : cross.end]


def test_year_tables_keep_title_notes_verdict_and_decimal_commas(
    tables: tuple[Table, ...],
) -> None:
    burglaries, neighbourhood, city = tables[1:4]
    assert burglaries.title == "Aantal woninginbraken per jaar (Realisatie 2024)"
    assert burglaries.stub == "Type" and burglaries.unit == "aantal"
    assert [c.header for c in burglaries.columns] == [("2023",), ("2024",)]
    assert [c.year for c in burglaries.columns] == [2023, 2024]
    assert [r.label for r in burglaries.rows] == ["Begroting", "Realisatie"]
    assert [c.value for c in burglaries.rows[1].cells if c] == [97, 89]
    assert burglaries.target_met is True and burglaries.higher_is_better is False
    assert [n.kind for n in burglaries.notes] == [
        "omschrijving",
        "bron",
        "doel_gehaald",
        "toelichting",
    ]
    assert the(burglaries.note("bron")).text == "Bron: Politie"
    assert the(burglaries.note("doel_gehaald")).text == "Doel gehaald: Ja."
    assert neighbourhood.unit == "rapportcijfer" and neighbourhood.higher_is_better is True
    assert [c.raw for c in neighbourhood.rows[1].cells if c] == ["8,0", "8,0"]
    assert [c.value for c in city.rows[0].cells if c] == [Decimal("7.4"), Decimal("7.4")]
    assert city.section == "Doelstelling 5.3 Behouden veiligheid in de stad"


def test_money_table_reads_units_thousands_and_the_total_row(tables: tuple[Table, ...]) -> None:
    money = tables[4]
    assert money.title == "Totalen per doelstelling"
    assert money.unit == "€ 1.000" and money.scale == 1000
    assert money.section == "Jaarrekening Programma 5 Veiligheid"
    assert [c.label for c in money.columns] == [
        "Lasten",
        "Baten",
        "Toevoegingen",
        "Onttrekkingen",
        "Saldo",
    ]
    assert money.columns[-1].is_total
    assert money.rows[1].label == "Bevorderen /behouden veiligheid en leefbaarheid in de wijk (5.2)"
    assert [c.value for c in money.rows[1].cells if c] == [-3374, 1, 0, 0, -3372]
    assert the(money.rows[2].cells[1]).value == 1240
    assert money.rows[3].label == "TOTAAL PROGRAMMA" and money.rows[3].is_total
    assert the(money.note("eenheid")).text == "Bedragen x €1.000"


def test_every_offset_round_trips(tables: tuple[Table, ...], source: str) -> None:
    for table in tables:
        assert source[table.title_start : table.title_end] in (table.title, "")
        for row in table.rows:
            span = source[row.start : row.end]
            assert span == span.strip() and span.startswith(row.label.split()[0])
            for cell in row.cells:
                assert cell is not None and source[cell.start : cell.end] == cell.raw
            assert row.end == the(row.cells[-1]).end
        for note in table.notes:
            assert source[note.start : note.end] == note.text


def test_the_two_printed_saldo_figures_that_do_not_add_up_are_found(
    tables: tuple[Table, ...],
) -> None:
    found = {(m.axis, m.label, m.total.raw, m.computed) for m in validate_tables(tables)}
    assert found == {
        (
            "rij",
            "Bevorderen /behouden veiligheid en leefbaarheid in de wijk (5.2)",
            "-3.372",
            -3373,
        ),
        ("kolom", "Saldo", "-19.901", -19900),
    }


def test_row_view_names_every_column_with_its_value(tables: tuple[Table, ...]) -> None:
    cross, money = tables[0], tables[4]
    assert row_view(cross, cross.rows[6]) == (
        "Tabel 5.1 Woonoverlast 2024 — Rokkeveen: Koop Lopende casuïstiek 5, "
        "Koop Afgeronde casuïstiek 4, Corporatie Lopende casuïstiek 8, "
        "Corporatie Afgeronde casuïstiek 5, Particulier Lopende casuïstiek 0, "
        "Particulier Afgeronde casuïstiek 1, Totaal 23"
    )
    assert row_view(money, money.rows[1]).startswith(
        "Totalen per doelstelling (bedragen x € 1.000) — Bevorderen /behouden"
    )
