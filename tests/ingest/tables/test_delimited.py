"""Tables whose cells are marked off by "|", tabs, or wide gaps (layout-preserving text)."""

from __future__ import annotations

from ingest.tables import validate_tables
from tests.ingest.tables.helpers import cells, headers, parse, the

PIPES = """\
Beleidsdoel 2: Een schone stad

Afvalinzameling per inzamelmethode

| Inzamelmethode | Kilo per inwoner 2022 | Kilo per inwoner 2023 | Aandeel 2023 |
|---|---|---|---|
| Restafval | 151 | 142 | 29,5% |
| Gft | 96 | 104 | 21,6 % |
| Oud papier | 48 | 45 | 9,3% |
| Overig gescheiden | - | 191 | 39,6% |
| Totaal | 295 | 482 | 100% |

Bron: afvalmonitor gemeente, peildatum 1 februari 2024.
"""


def test_pipe_table_with_a_rule_line_nil_and_percentages() -> None:
    (table,) = parse(PIPES, "venlo-2023-afval").tables
    assert table.layout == "delimited" and table.title == "Afvalinzameling per inzamelmethode"
    assert table.stub == "Inzamelmethode"
    assert headers(table) == [
        ("Kilo per inwoner 2022",),
        ("Kilo per inwoner 2023",),
        ("Aandeel 2023",),
    ]
    assert cells(table, "Overig gescheiden") == ["-", "191", "39,6%"]
    assert the(table.rows[3].cells[0]).nil
    assert cells(table, "Gft")[2] == "21,6 %"
    row = table.rows[0]
    assert PIPES[row.start : row.end] == "Restafval | 151 | 142 | 29,5%"
    assert table.note("bron") is not None
    assert validate_tables([table]) == []  # "-" adds as nil, percentages are not summed


TABS = (
    "Sportdeelname per leeftijdsgroep\n"
    "Leeftijd\t2021\t2022\n"
    "4 tot 12 jaar\t78%\t81%\n"
    "12 tot 18 jaar\t69%\t72%\n"
    "18 jaar en ouder\t51,5%\t53%\n"
)


def test_tab_separated_table() -> None:
    (table,) = parse(TABS, "breda-2022-sport").tables
    assert table.title == "Sportdeelname per leeftijdsgroep" and table.stub == "Leeftijd"
    assert headers(table) == [("2021",), ("2022",)]
    assert [r.label for r in table.rows] == ["4 tot 12 jaar", "12 tot 18 jaar", "18 jaar en ouder"]
    assert table.unit == "%"


# Text extracted with its layout kept: columns line up, a cell may be empty, and a header
# cell may be printed over two lines.
ALIGNED = """\
Tabel 5.3 Kengetallen handhaving

Categorie                       Realisatie      Realisatie      Begroting
                                   2022            2023            2023
Meldingen openbare ruimte          12.402          13.939          12.500
Processen-verbaal                     814             902
Bestuurlijke strafbeschikkingen       311             287             350
"""


def test_gap_aligned_table_with_a_two_line_header_and_an_empty_cell() -> None:
    (table,) = parse(ALIGNED, "zoetermeer-2023").tables
    assert table.layout == "aligned" and table.title == "Tabel 5.3 Kengetallen handhaving"
    assert table.stub == "Categorie"
    assert headers(table) == [("Realisatie 2022",), ("Realisatie 2023",), ("Begroting 2023",)]
    assert cells(table, "Processen-verbaal") == ["814", "902", None]
    assert cells(table, "Bestuurlijke strafbeschikkingen") == ["311", "287", "350"]
    assert [c.year for c in table.columns] == [2022, 2023, 2023]


def test_prose_with_double_spaces_is_no_table() -> None:
    source = "Het aantal meldingen  steeg fors.  Dat kwam door  de drukte.\nEen tweede regel.\n"
    parsed = parse(source)
    assert parsed.tables == () and parsed.problems == ()


# A pasted grid without a rule line: trailing empty cells, an indicator per sub-heading,
# the same row labels under each, and rows of words (unit, source).
REPEATED = """\
Beleidsindicatoren
Indicator | Rekening 2021 | Begroting 2022 | Rekening 2022 | |
Winkeldiefstallen | ||||
Gemeente | 1,1 | 1,0 | 0,9 | |
Nederland | 2,2 | 2,2 | 2,1 | |
Eenheid: | Aantal per 1.000 inwoners | |||
Geweldsmisdrijven | ||||
Gemeente | 3,9 | 3,8 | 4,1 | |
Nederland | 4,8 | 4,7 | NB | |
Eenheid: | Aantal per 1.000 inwoners | |||
"""


def test_pipe_grid_with_sub_headings_repeated_labels_and_empty_trailing_cells() -> None:
    (table,) = parse(REPEATED, "bergen-2022").tables
    assert table.stub == "Indicator"
    assert headers(table) == [("Rekening 2021",), ("Begroting 2022",), ("Rekening 2022",)]
    assert [(r.group, r.label) for r in table.rows] == [
        ("Winkeldiefstallen", "Gemeente"),
        ("Winkeldiefstallen", "Nederland"),
        ("Winkeldiefstallen", "Eenheid:"),
        ("Geweldsmisdrijven", "Gemeente"),
        ("Geweldsmisdrijven", "Nederland"),
        ("Geweldsmisdrijven", "Eenheid:"),
    ]
    nb = table.rows[4].cells[2]
    assert nb is not None and nb.raw == "NB" and nb.value is None
    assert cells(table, "Eenheid:") == ["Aantal per 1.000 inwoners", None, None]
