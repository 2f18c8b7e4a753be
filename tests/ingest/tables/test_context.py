"""Titles, notes, units and sections around a table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.tables.context import find_unit, notes_below, sections, target_met
from ingest.tables.lines import read_lines
from tests.ingest.tables.helpers import parse


@pytest.mark.parametrize(
    ("text", "name", "scale"),
    [
        ("Bedragen x €1.000", "€ 1.000", 1000),
        ("bedragen × € 1.000", "€ 1.000", 1000),
        ("(bedragen x € 1.000)", "€ 1.000", 1000),
        ("Tabel 3.3 Lasten en baten (x € 1.000)", "€ 1.000", 1000),
        ("Bedragen x € 1.000. N = nadelig", "€ 1.000", 1000),
        ("bedragen x € 1 mln", "€ 1.000.000", 1_000_000),
        ("bedragen in duizenden euro's", "€ 1.000", 1000),
    ],
)
def test_money_units_in_any_spelling(text: str, name: str, scale: int) -> None:
    (line,) = read_lines(text)
    unit = find_unit(line)
    assert unit is not None and unit.name == name and unit.scale == Decimal(scale)


def test_sections_follow_numbered_headings_and_w_questions() -> None:
    source = (
        "Programma 3 Sociaal domein\n\n3.1 Werk en inkomen\n\nWat hebben we gedaan?\n\n"
        "Tekst.\n\n3.2 Zorg\n\nTekst.\n\n1. Een opsomming\n\nJaarverslag 2023 Gemeente X 41\n"
    )
    lines = read_lines(source)
    paths = sections(lines, bytearray(len(lines)))
    assert paths[6] == "Programma 3 Sociaal domein > 3.1 Werk en inkomen > Wat hebben we gedaan?"
    assert paths[-1] == "Programma 3 Sociaal domein > 3.2 Zorg"


def test_notes_below_a_table() -> None:
    source = (
        "Realisatie 97 89\n Toelichting:\nDoel gehaald: Nee.\n"
        "Toelichting: Het aantal steeg.\nDat komt door de drukte.\n\nVolgende alinea.\n"
    )
    lines = read_lines(source)
    notes = notes_below(source, lines, 0, len(lines))
    assert [n.kind for n in notes] == ["doel_gehaald", "toelichting"]
    assert notes[0].text == "Doel gehaald: Nee."
    assert notes[1].text == "Toelichting: Het aantal steeg.\nDat komt door de drukte."
    assert all(source[n.start : n.end] == n.text for n in notes)
    assert target_met(notes) is False


def test_a_table_without_a_printed_title_takes_the_reference_in_the_text_above() -> None:
    source = "Tabel 4.2 geeft de aantallen per kern.\n\nKern 2022 2023\nCentrum 12 14\nNoord 8 9\n"
    (table,) = parse(source).tables
    assert table.title == "Tabel 4.2 Kern" and table.title_start == table.title_end == table.start


def test_a_heading_repeated_in_a_navigation_link_is_read_once() -> None:
    source = (
        "Indicatoren\n\nTerug naar navigatie - Indicatoren\n\n"
        "Indicator Realisatie Begroting\nAantal leerlingen 1.204 1.250\nAantal scholen 31 31\n"
    )
    (table,) = parse(source).tables
    assert table.title == "Indicatoren"
    assert source[table.title_start : table.title_end] == "Indicatoren"
