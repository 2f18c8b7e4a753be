"""Table recognition on the real report: shapes, offsets, totals, store round trip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.table_store import TableStore, write_table_store
from ingest.tables import (
    Table,
    find_tables,
    parse_tables,
    row_text,
    validate_tables,
)
from tests.conftest import REPORT, REPORT_NAME

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mini_report.txt"


@pytest.fixture(scope="module")
def tables() -> list[Table]:
    return find_tables(REPORT.read_text(encoding="utf-8"), REPORT_NAME)


def by_kind(tables: list[Table], kind: str) -> list[Table]:
    return [t for t in tables if t.kind == kind]


def test_finds_every_table_of_the_report_with_its_shape(tables: list[Table]) -> None:
    assert [t.kind for t in tables] == [
        "woonoverlast_per_wijk",
        "target_vs_realisation",
        "target_vs_realisation",
        "target_vs_realisation",
        "financial_totals",
    ]
    cross = tables[0]
    assert cross.title == "Tabel 5.1 Woonoverlast per wijk 2024"
    assert cross.section == "Doelstelling 5.1 Bevorderen van de veiligheid in de woning"
    assert cross.year == 2024 and cross.unit == "aantal"
    assert len(cross.rows) == 9 and all(len(r.cells) == 7 for r in cross.rows)
    assert [r.label for r in cross.rows][:2] == ["Centrum", "Meerzicht"]
    assert cross.rows[-1].is_total and not any(r.is_total for r in cross.rows[:-1])
    rokkeveen = next(r for r in cross.rows if r.key == "Rokkeveen")
    assert rokkeveen.cells[1].dims == (
        ("wijk", "Rokkeveen"),
        ("eigendom", "koop"),
        ("status", "afgerond"),
    )
    assert rokkeveen.cells[1].value == Decimal(4)


def test_the_junk_line_after_table_5_1_is_neither_row_nor_problem() -> None:
    parsed = parse_tables(REPORT.read_text(encoding="utf-8"), REPORT_NAME)
    assert parsed.problems == []
    assert all("Afgeronde Afgeronde" not in r.label for t in parsed.tables for r in t.rows)


def test_year_tables_keep_decimal_commas_and_the_target_verdict(tables: list[Table]) -> None:
    burglaries, neighbourhood, city = by_kind(tables, "target_vs_realisation")
    assert burglaries.title == "Aantal woninginbraken per jaar (Realisatie 2024)"
    assert [r.key for r in burglaries.rows] == ["begroting", "realisatie"]
    assert [c.value for c in burglaries.rows[1].cells] == [Decimal(97), Decimal(89)]
    assert burglaries.target_met is True and burglaries.higher_is_better is False
    assert neighbourhood.unit == "rapportcijfer" and neighbourhood.higher_is_better is True
    assert [c.raw for c in neighbourhood.rows[1].cells] == ["8,0", "8,0"]
    assert [c.value for c in city.rows[0].cells] == [Decimal("7.4"), Decimal("7.4")]
    assert city.section == "Doelstelling 5.3 Behouden veiligheid in de stad"
    verdict = burglaries.note("doel_gehaald")
    assert verdict is not None and verdict.text == "Doel gehaald: Ja."


def test_money_table_reads_thousands_dots_and_goal_codes(tables: list[Table]) -> None:
    (money,) = by_kind(tables, "financial_totals")
    assert money.unit == "€ 1.000"
    assert money.columns == ("Lasten", "Baten", "Toevoegingen", "Onttrekkingen", "Saldo")
    assert [r.key for r in money.rows] == ["5.1", "5.2", "5.3", "totaal"]
    goal_2 = money.rows[1]
    assert [c.value for c in goal_2.cells] == [-3374, 1, 0, 0, -3372]
    assert money.rows[2].cells[1].value == Decimal(1240)
    assert money.rows[3].is_total


def test_offsets_round_trip_for_every_row_cell_and_note(tables: list[Table]) -> None:
    source = REPORT.read_text(encoding="utf-8")
    for table in tables:
        assert source[table.start : table.end].rstrip().endswith(table.rows[-1].text)
        for row in table.rows:
            assert source[row.start : row.end] == row.text
            assert row.text == row.text.strip()
            for cell in row.cells:
                assert source[cell.start : cell.end] == cell.raw
        for note in table.notes:
            assert source[note.start : note.end] == note.text


def test_printed_totals_add_up_except_the_two_saldo_figures(tables: list[Table]) -> None:
    found = {(m.table_id, m.axis, m.total.raw, m.computed) for m in validate_tables(tables)}
    assert found == {
        ("totalen-per-doelstelling", "rij", "-3.372", Decimal(-3373)),
        ("totalen-per-doelstelling", "kolom", "-19.901", Decimal(-19900)),
    }


def test_row_text_is_a_readable_line_with_all_values(tables: list[Table]) -> None:
    rokkeveen = next(r for r in tables[0].rows if r.key == "Rokkeveen")
    assert row_text(tables[0], rokkeveen) == (
        "Tabel 5.1 Woonoverlast per wijk 2024 — Rokkeveen: koop lopend 5, koop afgerond 4, "
        "corporatie lopend 8, corporatie afgerond 5, particulier lopend 0, "
        "particulier afgerond 1, totaal 23"
    )
    money = tables[-1]
    assert "lasten -3.374" in row_text(money, money.rows[1])


def test_same_kinds_with_other_numbers_and_wijken_parse_without_code_changes() -> None:
    parsed = parse_tables(FIXTURE.read_text(encoding="utf-8"), "mini")
    assert parsed.problems == []
    cross, thefts, money = parsed.tables
    assert cross.title == "Tabel 7.1 Woonoverlast per wijk 2025"
    assert [r.key for r in cross.rows] == ["Dorp", "Palenstein", "Driemanspolder", "totaal"]
    assert thefts.columns == ("2024", "2025") and thefts.higher_is_better is False
    assert [r.key for r in money.rows] == ["7.1", "7.2", "totaal"]
    assert validate_tables(parsed.tables) == []


def test_unreadable_table_block_is_reported_not_dropped() -> None:
    source = (
        "Aantal boetes (Realisatie 2024)\n\n\nType 2023 2024\nBegroting 10 12\nRealisatie 9 8 7\n"
    )
    parsed = parse_tables(source, "kapot")
    assert parsed.tables == []
    (problem,) = parsed.problems
    assert "verschillend aantal getallen" in problem.reason
    assert source[problem.start : problem.end] == problem.text


def test_table_store_round_trips_through_sqlite(tables: list[Table], tmp_path: Path) -> None:
    path = tmp_path / "tables.sqlite"
    write_table_store(tables, path)
    assert TableStore.open(path).tables == tuple(tables)
    write_table_store(tables, path)  # rewriting replaces, never duplicates
    assert len(TableStore.open(path).tables) == len(tables)


def test_table_store_has_typed_dimension_columns(tables: list[Table], tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "tables.sqlite"
    write_table_store(tables, path)
    with sqlite3.connect(path) as db:
        value, raw, start = db.execute(
            "SELECT value, raw, cell_start FROM cells "
            "WHERE wijk='Rokkeveen' AND eigendom='koop' AND status='afgerond'"
        ).fetchone()
        money = db.execute(
            "SELECT value FROM cells WHERE doelstelling='5.2' AND kolom='lasten'"
        ).fetchone()
    source = REPORT.read_text(encoding="utf-8")
    assert (value, raw, source[start : start + len(raw)]) == ("4", "4", "4")
    assert money == ("-3374",)
