"""One value per line, as copying an HTML table gives: header cells, then label and values."""

from __future__ import annotations

from ingest.tables import validate_tables
from tests.ingest.tables.helpers import cells, headers, parse, the

# Cells separated by blank lines; a header cell may span two lines ("Rekening" / "2020").
FINANCIAL = """\
Programma 4 Onderwijs

Wat heeft het gekost?

bedragen x € 1.000

Onderwijs

Rekening
2020

Begroting
2021

Rekening
2021

Verschil

Lasten

Onderwijshuisvesting

5.410

5.880

5.712

168

Leerplicht en RMC

912

940

1.003

−63

Totaal lasten

6.322

6.820

6.715

105

Baten

Onderwijshuisvesting

310

250

298

48

Totaal baten

310

250

298

48

Saldo

6.012

6.570

6.417

153

Toelichting op de verschillen

De lasten voor leerplicht zijn hoger door extra inzet op thuiszitters.
"""


def test_blank_separated_financial_table_with_sub_headings() -> None:
    (table,) = parse(FINANCIAL, "helmond-2021-onderwijs", 2021).tables
    assert table.layout == "one_per_line" and table.kind == "financial"
    assert table.title == "Wat heeft het gekost?"
    assert table.unit == "€ 1.000" and table.stub == "Onderwijs"
    assert headers(table) == [
        ("Rekening 2020",),
        ("Begroting 2021",),
        ("Rekening 2021",),
        ("Verschil",),
    ]
    assert [c.year for c in table.columns] == [2020, 2021, 2021, None]
    assert [(r.group, r.label) for r in table.rows] == [
        ("Lasten", "Onderwijshuisvesting"),
        ("Lasten", "Leerplicht en RMC"),
        ("Lasten", "Totaal lasten"),
        ("Baten", "Onderwijshuisvesting"),
        ("Baten", "Totaal baten"),
        ("", "Saldo"),
    ]
    assert [r.is_total for r in table.rows] == [False, False, True, False, True, True]
    assert cells(table, "Leerplicht en RMC") == ["912", "940", "1.003", "−63"]
    row = table.rows[0]
    assert (
        FINANCIAL[row.start : row.end] == "Onderwijshuisvesting\n\n5.410\n\n5.880\n\n5.712\n\n168"
    )
    # Saldo = lasten − baten in three columns, lasten + baten in the Verschil column.
    assert validate_tables([table]) == []


def test_a_wrong_saldo_in_a_flat_table_is_found() -> None:
    source = FINANCIAL.replace("6.570\n", "6.580\n")
    (table,) = parse(source).tables
    (mismatch,) = validate_tables([table])
    assert (mismatch.label, mismatch.total.raw, mismatch.computed) == (
        "Begroting 2021",
        "6.580",
        6570,
    )


# One cell per line without blank lines; text cells before and after the figures, and the
# year columns printed as bare years in the header.
INDICATORS = """\
Indicatoren zorg en welzijn

Indicator
Eenheid
2020
2021
2022
Bron
Cliënten met een maatwerkarrangement Wmo
per 1.000 inwoners
58
61
63
CBS
Jongeren met jeugdhulp
%
11,2%
11,9%
12,4%
CBS
Personen met een bijstandsuitkering
per 10.000 inwoners 18+
402,3
388,9
371,5
Waarstaatjegemeente.nl

Toelichting
De cijfers over 2022 zijn voorlopig.
"""


def test_line_per_cell_indicator_table_with_text_cells_on_both_sides() -> None:
    (table,) = parse(INDICATORS, "tilburg-2022-zorg").tables
    assert table.title == "Indicatoren zorg en welzijn" and table.stub == "Indicator"
    assert headers(table) == [("Eenheid",), ("2020",), ("2021",), ("2022",), ("Bron",)]
    assert [r.label for r in table.rows] == [
        "Cliënten met een maatwerkarrangement Wmo",
        "Jongeren met jeugdhulp",
        "Personen met een bijstandsuitkering",
    ]
    assert cells(table, "Jongeren met jeugdhulp") == ["%", "11,2%", "11,9%", "12,4%", "CBS"]
    last = table.rows[-1]
    assert the(last.cells[-1]).raw == "Waarstaatjegemeente.nl"
    assert INDICATORS[last.start : last.end].endswith("371,5\nWaarstaatjegemeente.nl")
    assert table.kind == "indicator"


# A group header over the columns, as a merged HTML cell flattens it.
GROUPED = """\
Overzicht per programma (bedragen x €1.000)

Rekening 2022
Begroting 2023
Lasten
Baten
Saldo
Lasten
Baten
Saldo
Programma 1 Bestuur
2.100
150
-1.950
2.300
160
-2.140
Programma 2 Veiligheid
5.400
300
-5.100
5.600
280
-5.320
Totaal
7.500
450
-7.050
7.900
440
-7.460
"""


def test_group_header_over_repeating_sub_columns() -> None:
    (table,) = parse(GROUPED, "provincie-2023").tables
    assert table.title == "Overzicht per programma (bedragen x €1.000)"
    assert table.unit == "€ 1.000" and table.stub == ""
    assert headers(table) == [
        ("Rekening 2022", "Lasten"),
        ("Rekening 2022", "Baten"),
        ("Rekening 2022", "Saldo"),
        ("Begroting 2023", "Lasten"),
        ("Begroting 2023", "Baten"),
        ("Begroting 2023", "Saldo"),
    ]
    assert [c.year for c in table.columns] == [2022] * 3 + [2023] * 3
    assert [c.is_total for c in table.columns] == [False, False, True] * 2
    assert cells(table, "Programma 2 Veiligheid")[3:] == ["5.600", "280", "-5.320"]
    # Saldo = baten − lasten within each group; Totaal adds the programmes.
    assert validate_tables([table]) == []


YEARS_AS_FIRST_ROW = """\
Aantal verkeersongevallen (Realisatie 2023)
Bron: Politie

Type
2022
2023
Begroting
140
130
Realisatie
151
122

Doel gehaald: Ja.
"""


def test_a_header_of_years_printed_like_a_row() -> None:
    (table,) = parse(YEARS_AS_FIRST_ROW).tables
    assert table.title == "Aantal verkeersongevallen (Realisatie 2023)"
    assert table.stub == "Type" and headers(table) == [("2022",), ("2023",)]
    assert cells(table, "Realisatie") == ["151", "122"]
    assert table.target_met is True and table.higher_is_better is False
    assert the(table.note("bron")).text == "Bron: Politie"


# Programmes as sub-headings, Lasten/Baten/Saldo as rows, and a text column saying whether
# the difference is voordelig (V) or nadelig (N).
PER_PROGRAMME = """\
Cijfers per programma

bedragen x € 1.000

Omschrijving

Begroting 2022 primitief

Begroting 2022 na wijziging

Rekening 2022

Verschil

Voordeel/ nadeel

Programma 1 Bestuur

Lasten

12.410

12.980

12.655

-325

V

Baten

-1.020

-1.020

-1.144

-124

V

Saldo

11.390

11.960

11.511

-449

V

Programma 2 Veiligheid

Lasten

6.210

6.480

6.702

222

N

Baten

-310

-310

-295

15

N

Saldo

5.900

6.170

6.407

237

N
"""


def test_programmes_as_sub_headings_with_a_voordeel_nadeel_column() -> None:
    (table,) = parse(PER_PROGRAMME, "oss-2022").tables
    assert table.stub == "Omschrijving" and table.unit == "€ 1.000"
    assert [c.label for c in table.columns] == [
        "Begroting 2022 primitief",
        "Begroting 2022 na wijziging",
        "Rekening 2022",
        "Verschil",
        "Voordeel/ nadeel",
    ]
    assert [(r.group, r.label) for r in table.rows] == [
        ("Programma 1 Bestuur", "Lasten"),
        ("Programma 1 Bestuur", "Baten"),
        ("Programma 1 Bestuur", "Saldo"),
        ("Programma 2 Veiligheid", "Lasten"),
        ("Programma 2 Veiligheid", "Baten"),
        ("Programma 2 Veiligheid", "Saldo"),
    ]
    assert cells(table, "Lasten")[3:] == ["-325", "V"]
    assert table.rows[2].is_total
    assert validate_tables([table]) == []
