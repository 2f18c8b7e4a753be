"""Row-layout tables (a label, then its figures on one line), as a PDF's text gives them."""

from __future__ import annotations

from decimal import Decimal

from ingest.parse import parse_document
from ingest.tables import validate_tables
from tests.ingest.tables.helpers import cells, headers, parse, the

FINANCIAL = """\
Programma 6 Sport, cultuur en recreatie

6.3 Wat heeft het gekost?

Bedragen × €1.000

Omschrijving Begroting Begroting Realisatie Verschil
primitief na wijziging
Lasten
Sportbeleid en activering 2.140 2.310 2.287 23
Sportaccommodaties 6.905 7.420 7.611 −191
Cultuurpresentatie, cultuurproductie en cultuurparticipatie 4.380 4.512 4.498 14
Musea 1.270 1.270 1.302 −32
Totaal lasten 14.695 15.512 15.698 −186
Baten
Sportbeleid en activering – 120 95 −25
Sportaccommodaties 2.815 2.815 2.934 119
Cultuurpresentatie, cultuurproductie en cultuurparticipatie 310 342 351 9
Musea 85 85 61 −24
Totaal baten 3.210 3.362 3.441 79
Saldo van baten en lasten −11.485 −12.150 −12.257 −107

Toelichting op de verschillen
De lasten van de sportaccommodaties waren hoger door de energieprijzen.
"""


def test_financial_table_with_a_header_split_over_two_lines() -> None:
    (table,) = parse(FINANCIAL, "hengelo-2022-sport", 2022).tables
    assert table.title == "6.3 Wat heeft het gekost?"
    assert table.kind == "financial" and table.layout == "rows"
    assert table.unit == "€ 1.000" and table.scale == 1000
    assert table.stub == "Omschrijving"
    assert headers(table) == [
        ("Begroting primitief",),
        ("Begroting na wijziging",),
        ("Realisatie",),
        ("Verschil",),
    ]
    assert table.year == 2022  # the title names none: the document's year
    assert cells(table, "Sportaccommodaties")[3] == "−191"
    lasten = table.rows[1]
    assert lasten.group == "Lasten" and the(lasten.cells[3]).value == Decimal(-191)
    nil = table.rows[5].cells[0]
    assert table.rows[5].group == "Baten" and nil is not None and nil.nil and nil.value == 0
    assert [r.label for r in table.rows if r.is_total] == [
        "Totaal lasten",
        "Totaal baten",
        "Saldo van baten en lasten",
    ]
    assert table.rows[-1].group == ""  # a group's total row closes the group
    assert validate_tables([table]) == []


def test_a_wrong_group_total_is_found_per_column() -> None:
    source = FINANCIAL.replace("Totaal baten 3.210 3.362", "Totaal baten 3.210 3.372")
    (table,) = parse(source).tables
    (mismatch,) = validate_tables([table])
    assert (mismatch.axis, mismatch.label, mismatch.total.raw) == (
        "kolom",
        "Begroting na wijziging",
        "3.372",
    )
    assert mismatch.computed == 3362


INDICATORS = """\
Beleidsdoel 1.2 Minder overlast en criminaliteit

Beleidsindicatoren

Indicator Bron Nulmeting Streefwaarde Realisatie
Aantal meldingen overlast jeugd per 1.000 inwoners Politie 3,1 (2019) 2,8 2,9
Winkeldiefstallen per 1.000 inwoners CBS 2,4 (2019) 2,0 1,7
Percentage inwoners dat zich veilig voelt in de buurt Waarstaatjegemeente.nl 78% (2020) 80% 81,5 %
Verwijzingen Halt per 10.000 jongeren Bureau Halt 112 (2019) 100 n.b.

Toelichting: De realisatie voor Halt-verwijzingen over 2021 was nog niet bekend.
"""


def test_indicator_table_with_a_source_column_and_years_in_parentheses() -> None:
    (table,) = parse(INDICATORS, "almelo-2021-veiligheid", 2021).tables
    assert table.title == "Beleidsindicatoren" and table.kind == "indicator"
    assert table.section == "Beleidsdoel 1.2 Minder overlast en criminaliteit"
    assert table.stub == "Indicator"
    assert headers(table) == [("Bron",), ("Nulmeting",), ("Streefwaarde",), ("Realisatie",)]
    assert cells(table, "Aantal meldingen overlast jeugd per 1.000 inwoners") == [
        "Politie",
        "3,1 (2019)",
        "2,8",
        "2,9",
    ]
    halt = next(r for r in table.rows if r.label.startswith("Verwijzingen"))
    assert halt.label == "Verwijzingen Halt per 10.000 jongeren"
    source, baseline, _, actual = halt.cells
    assert source is not None and source.raw == "Bureau Halt" and source.value is None
    assert baseline is not None and baseline.value == 112 and baseline.year == 2019
    assert actual is not None and actual.raw == "n.b." and actual.value is None
    share = next(r for r in table.rows if r.label.startswith("Percentage")).cells
    assert share[1] is not None and share[1].percent and share[1].year == 2020
    assert share[3] is not None and share[3].raw == "81,5 %" and share[3].value == Decimal("81.5")
    assert table.note("toelichting") is not None


YEAR_CODES = """\
Tabel 2.4 Beleidsindicatoren wonen (B = begroting, R = rekening)
Indicator B2021 R2021 B2022 R2022
Gemiddelde WOZ-waarde (x € 1.000) 262 268 270 291
Nieuw gebouwde woningen per 1.000 woningen 9,0 8,4 9,0 10,2
Demografische druk (%) 70,1 69,8 70,5 70,2
"""


def test_year_coded_headers_get_their_year_and_aliases_from_the_legend() -> None:
    (table,) = parse(YEAR_CODES, "zwolle-2022-wonen", 2022).tables
    assert table.title == "Tabel 2.4 Beleidsindicatoren wonen (B = begroting, R = rekening)"
    assert [c.label for c in table.columns] == ["B2021", "R2021", "B2022", "R2022"]
    assert [c.year for c in table.columns] == [2021, 2021, 2022, 2022]
    assert [c.aliases for c in table.columns] == [
        ("begroting 2021",),
        ("rekening 2021",),
        ("begroting 2022",),
        ("rekening 2022",),
    ]
    assert cells(table, "Gemiddelde WOZ-waarde (x € 1.000)") == ["262", "268", "270", "291"]
    assert table.year == 2022


def test_year_codes_without_a_legend_read_as_begroting_and_realisatie() -> None:
    source = YEAR_CODES.replace(" (B = begroting, R = rekening)", "")
    (table,) = parse(source).tables
    assert table.columns[1].aliases == ("realisatie 2021",)


YEAR_HEADERS = """\
Kerncijfers economie
Omschrijving Realisatie 2021 Realisatie 2022 Begroting 2023
Aantal vestigingen 9.412 9.688 9.700
Werkloosheid (%) 3,9 % 3,4 % 3,5 %
Bezoekers binnenstad per week 41.200 44.950 45.000
"""


def test_headers_of_a_word_and_a_year() -> None:
    (table,) = parse(YEAR_HEADERS, "ede-2022-economie").tables
    assert table.title == "Kerncijfers economie" and table.stub == "Omschrijving"
    assert headers(table) == [("Realisatie 2021",), ("Realisatie 2022",), ("Begroting 2023",)]
    assert [c.year for c in table.columns] == [2021, 2022, 2023]
    assert cells(table, "Werkloosheid (%)") == ["3,9 %", "3,4 %", "3,5 %"]
    assert the(table.rows[1].cells[0]).percent
    assert table.line == 1


PER_DISTRICT = """\
Veiligheid in de stadsdelen

Tabel 3 Meldingen overlast per stadsdeel 2023
Stadsdeel Aantal meldingen overlast jeugd Aantal meldingen woonoverlast Aandeel
Centrum 212 88 22,4%
Haarlem-Noord 301 121 31,8 %
Schalkwijk 255 140 29,6%
Haarlem-Oost 96 52 11,0%
Zuid-West 41 23 5,2%
Totaal 905 424 100%
Bron: Politie Kennemerland en gemeentelijk meldpunt
"""


def test_table_per_district_with_multi_word_headers_percentages_and_a_total() -> None:
    (table,) = parse(PER_DISTRICT, "haarlem-2023-veiligheid").tables
    assert table.title == "Tabel 3 Meldingen overlast per stadsdeel 2023"
    assert table.year == 2023 and table.stub == "Stadsdeel"
    assert [c.label for c in table.columns] == [
        "Aantal meldingen overlast jeugd",
        "Aantal meldingen woonoverlast",
        "Aandeel",
    ]
    assert cells(table, "Haarlem-Noord") == ["301", "121", "31,8 %"]
    assert table.rows[-1].is_total and cells(table, "Totaal") == ["905", "424", "100%"]
    assert the(table.note("bron")).text.startswith("Bron: Politie")
    assert validate_tables([table]) == []  # percentages are not summed


MULTI_WORD_LABELS = """\
Handhaving openbare ruimte 2023
Categorie 2022 2023 Verschil
Aantal meldingen overlast jeugd 1.204 1.120 -84
Aantal meldingen foutparkeren 3.877 4.015 138
Aantal meldingen afval naast containers 2.310 2.598 288
Totaal 7.391 7.733 342
"""


def test_multi_word_row_labels_and_a_run_of_years_in_the_header() -> None:
    (table,) = parse(MULTI_WORD_LABELS).tables
    assert table.stub == "Categorie"
    assert headers(table) == [("2022",), ("2023",), ("Verschil",)]
    assert [r.label for r in table.rows][:2] == [
        "Aantal meldingen overlast jeugd",
        "Aantal meldingen foutparkeren",
    ]
    assert validate_tables([table]) == []


MARKED = """\
Wat heeft het gekost?

Bedragen x € 1.000. N = nadelig, V = voordelig.

Taakveld Begroting Realisatie Verschil
Lasten
Openbare orde en veiligheid 1.200 N 1.150 N 50 V
Crisisbeheersing en
brandweer 3.400 N 3.520 N 120 N
Totaal lasten 4.600 N 4.670 N 70 N
"""


def test_amounts_marked_nadelig_or_voordelig_and_a_label_wrapped_over_two_lines() -> None:
    (table,) = parse(MARKED).tables
    assert table.unit == "€ 1.000" and table.title == "Wat heeft het gekost?"
    wrapped = table.rows[1]
    assert wrapped.label == "Crisisbeheersing en brandweer"
    assert MARKED[wrapped.start : wrapped.end].startswith("Crisisbeheersing en\nbrandweer 3.400")
    budget = wrapped.cells[0]
    assert budget is not None and budget.raw == "3.400 N" and budget.marker == "N"
    assert budget.value == -3400
    assert the(table.rows[0].cells[2]).value == 50
    assert validate_tables([table]) == []


UNREADABLE = """\
Aantal boa-controles per wijk

Wijk 2022 2023
Centrum 120 131
Noord 98
Zuid 77 80

De controles zijn vooral in de avonduren gehouden.
"""


def test_a_block_with_a_missing_figure_is_a_problem_and_stays_running_text() -> None:
    parsed = parse(UNREADABLE, "doc")
    assert parsed.tables == ()
    (problem,) = parsed.problems
    assert problem.document == "doc" and problem.line == 3
    assert problem.reason == "rij 'Noord' heeft 1 waarde, de andere rijen 2"
    # Only recognised tables are cut out of the running text (as ingest.pipeline does it).
    document = parse_document(UNREADABLE, "doc", "Programma", [])
    text = " ".join(s.text for s in document.sentences())
    assert "Noord 98" in text


def test_ids_are_scoped_by_document_and_numbered_on_within_one() -> None:
    twice = YEAR_HEADERS + "\n\n" + YEAR_HEADERS
    first = parse(twice, "ede-2022").tables
    other = parse(YEAR_HEADERS, "ede-2023").tables
    assert [t.id for t in first] == [
        "ede-2022/kerncijfers-economie",
        "ede-2022/kerncijfers-economie-2",
    ]
    assert other[0].id == "ede-2023/kerncijfers-economie"
    assert other[0].document == "ede-2023"


KEY_FIGURES = """\
Kerngegevens

Fysieke kerngegevens Rekening 2020 Rekening 2021 Rekening 2022 Begroting 2023
Sociale structuur
Aantal inwoners *1) 41.602 41.710 41.893 42.000
van 0 - 19 jaar 9.104 9.050 9.011 9.000
van 65 jaar en ouder 9.470 9.688 9.902 10.050
Ruimtelijke structuur
Oppervlakte (in ha.) 15.342 15.342 15.342 15.342
Lengte van wegen (in km.) 612 614 615 615

*1) Peildatum 1 januari van het jaar.
"""


def test_key_figures_with_sub_headings_footnote_marks_and_lower_case_labels() -> None:
    (table,) = parse(KEY_FIGURES, "steenwijkerland-2023").tables
    assert table.title == "Kerngegevens" and table.stub == "Fysieke kerngegevens"
    assert [c.label for c in table.columns] == [
        "Rekening 2020",
        "Rekening 2021",
        "Rekening 2022",
        "Begroting 2023",
    ]
    assert [(r.group, r.label) for r in table.rows][:3] == [
        ("Sociale structuur", "Aantal inwoners *1)"),
        ("Sociale structuur", "van 0 - 19 jaar"),
        ("Sociale structuur", "van 65 jaar en ouder"),
    ]
    assert cells(table, "Lengte van wegen (in km.)") == ["612", "614", "615", "615"]
    assert table.rows[3].group == "Ruimtelijke structuur"


def test_a_first_row_with_a_missing_figure_is_a_problem_too() -> None:
    source = UNREADABLE.replace("Centrum 120 131", "Centrum 120").replace("Noord 98", "Noord 98 99")
    parsed = parse(source)
    assert parsed.tables == ()
    (problem,) = parsed.problems
    assert problem.line == 3 and problem.reason.startswith("rij 'Centrum' heeft 1 waarde")


ONE_COLUMN = """\
Meldingen per categorie 2024
Categorie Aantal
Voertuigen 3.877
Brommers/fietsen 900
Gebruik openbare ruimte 1.210
Totaal 5.987

In 2024 zijn er 120 controles geweest in Noord 12
en in Zuid 14
"""


def test_a_one_column_table_ends_at_a_blank_line() -> None:
    (table,) = parse(ONE_COLUMN, "handhaving-2024").tables
    assert table.stub == "Categorie" and headers(table) == [("Aantal",)]
    assert [r.label for r in table.rows] == [
        "Voertuigen",
        "Brommers/fietsen",
        "Gebruik openbare ruimte",
        "Totaal",
    ]
    assert validate_tables([table]) == []
