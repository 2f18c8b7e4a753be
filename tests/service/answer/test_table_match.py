"""Matching a part to a table: the table that explains the part, and the rows and columns
the part names in it, judged from the table's own title, labels and headers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from service.answer.table_match import (
    STRONG,
    Asked,
    TableMatch,
    TableView,
    asked_concepts,
    coverage,
    match,
    strength,
)
from tests.service.answer.helpers import Report, Tables

WIJKEN = Report(
    "gouda-jaarverslag-2024-veiligheid",
    "Gouda",
    2024,
    "Veiligheid",
    """Programma 1 Veiligheid

Tabel 1.4 Overlastzaken 2024 per wijk
 Koop Huur
Wijk Lopend Afgerond Lopend Afgerond Totaal
Bloemendaal 3 5 8 6 22
Korte Akkeren 1 2 9 4 16
Goverwelle 2 2 3 3 10
Totaal 6 9 20 13 48

Aantal fietsendiefstallen per jaar (Realisatie 2024)
Het aantal bij de politie geregistreerde fietsendiefstallen.

Type 2023 2024
Begroting 300 280
Realisatie 310 265
Doel gehaald: Ja.

Gemiddeld rapportcijfer veiligheid in de buurt (Realisatie 2024)
Bron: Veiligheidsmonitor

Type 2023 2024
Begroting 7,0 7,0
Realisatie 7,2 6,9
Doel gehaald: Nee.

Gemiddeld rapportcijfer veiligheid in de stad (Realisatie 2024)
Bron: Veiligheidsmonitor

Type 2023 2024
Begroting 6,5 6,5
Realisatie 6,6 6,8
Doel gehaald: Ja.

Wat heeft het gekost?
Bedragen x € 1.000
Onderdeel Begroting primitief Begroting na wijziging Realisatie
Handhaving -900 -950 -980
Veiligheidshuis -300 -310 -305
Totaal lasten -1.200 -1.260 -1.285

Totalen per doelstelling
Bedragen x € 1.000
Doelstelling Lasten Baten Saldo
Handhaving en toezicht (1.1) -700 50 -650
Crisisbeheersing en brandweer (1.2) -585 10 -575
Totaal programma -1.285 60 -1.225
""",
)


@pytest.fixture(scope="module")
def gouda() -> Tables:
    return Tables(WIJKEN)


def views(tables: Tables) -> list[TableView]:
    return [TableView.of(t, tables.vocabulary.stems) for t in tables.tables]


def asked(tables: Tables, question: str, history: Sequence[str] = ()) -> Asked:
    part = tables.frame(question, history).parts[0]
    return asked_concepts(part, tables.vocabulary, lambda _concept: 1.0)


def found(tables: Tables, question: str, history: Sequence[str] = ()) -> TableMatch:
    result = match(asked(tables, question, history), views(tables))
    assert result is not None, f"no table for {question!r}"
    return result


def headers(result: TableMatch) -> list[str]:
    return [result.view.table.columns[i].label for i in result.columns]


def labels(result: TableMatch) -> list[str]:
    return [result.view.table.rows[i].label for i in result.rows]


def test_a_compound_holding_a_one_word_header_names_it(gouda: Tables) -> None:
    (concept,) = gouda.vocabulary.concepts("koopwoningen")
    assert strength(concept, gouda.vocabulary.stems("Koop")) >= STRONG
    # a part of a longer label is not that label
    assert strength(concept, gouda.vocabulary.stems("Koop Lopend")) < STRONG


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Hoeveel lopende zaken had Bloemendaal?", "Tabel 1.4 Overlastzaken 2024 per wijk"),
        ("Hoeveel fietsendiefstallen waren er?", "Aantal fietsendiefstallen per jaar"),
        ("Wat kostte het veiligheidshuis?", "Wat heeft het gekost?"),
    ],
)
def test_the_table_that_explains_the_part_is_chosen(
    gouda: Tables, question: str, title: str
) -> None:
    assert found(gouda, question).view.table.title.startswith(title)


def test_no_table_when_the_part_is_about_something_else(gouda: Tables) -> None:
    assert match(asked(gouda, "Hoeveel boetes schreven de handhavers uit?"), views(gouda)) is None


def test_a_table_that_does_not_hold_what_is_counted_does_not_answer(gouda: Tables) -> None:
    # The wijk is a row of the overlast table, but that table counts zaken, not cameras.
    assert match(asked(gouda, "Hoeveel camera's hangen er in Bloemendaal?"), views(gouda)) is None
    # A generic head ("zaken") leaves the counted thing to the table.
    assert labels(found(gouda, "Hoeveel zaken had Bloemendaal?")) == ["Bloemendaal"]


def test_a_named_municipality_is_never_missing_from_a_table(gouda: Tables) -> None:
    question = "Wat was het rapportcijfer voor veiligheid in de stad Gouda?"
    part = gouda.frame(question).parts[0]
    bare = asked_concepts(part, gouda.vocabulary, lambda _concept: 1.0)
    placed = asked_concepts(part, gouda.vocabulary, lambda _concept: 1.0, places=["Gouda"])
    stad = next(v for v in views(gouda) if "in de stad" in v.table.title)
    assert coverage(placed, stad) == 1.0 > coverage(bare, stad)
    assert found_with(placed, gouda).view.table.title == stad.table.title


def found_with(concepts: Asked, tables: Tables) -> TableMatch:
    result = match(concepts, views(tables))
    assert result is not None
    return result


def test_row_and_both_header_levels_are_named(gouda: Tables) -> None:
    result = found(gouda, "Hoeveel afgeronde zaken had Korte Akkeren bij huurwoningen?")
    assert labels(result) == ["Korte Akkeren"]
    assert headers(result) == ["Huur Afgerond"]
    assert result.levels_named == {0, 1}


def test_words_that_select_different_columns_add_up(gouda: Tables) -> None:
    result = found(gouda, "Hoeveel lopende en afgeronde zaken had Goverwelle bij koopwoningen?")
    assert headers(result) == ["Koop Lopend", "Koop Afgerond"]


def test_a_word_every_group_holds_selects_within_each_group(gouda: Tables) -> None:
    result = found(gouda, "Hoeveel afgeronde zaken had Bloemendaal?")
    assert headers(result) == ["Koop Afgerond", "Huur Afgerond"]


def test_the_more_specific_header_wins(gouda: Tables) -> None:
    specific = found(gouda, "Wat kostte handhaving volgens de primitieve begroting?")
    assert headers(specific) == ["Begroting primitief"]
    general = found(gouda, "Wat kostte handhaving volgens de begroting?")
    assert headers(general) == ["Begroting primitief", "Begroting na wijziging"]


def test_nothing_named_leaves_rows_and_columns_to_the_structure(gouda: Tables) -> None:
    result = found(gouda, "Hoeveel fietsendiefstallen waren er?")
    assert (result.rows, result.columns) == ((), ())


def test_totaal_in_the_part_asks_for_the_total_row(gouda: Tables) -> None:
    assert asked(gouda, "Wat waren de totale lasten?").wants_total
    assert not asked(gouda, "Wat waren de lasten van handhaving?").wants_total


def test_a_named_detail_row_wins_over_the_total_row_sharing_its_word(gouda: Tables) -> None:
    result = found(gouda, "Wat waren de lasten van handhaving?")  # "Totaal lasten" holds it too
    assert result.view.table.title == "Wat heeft het gekost?"
    assert labels(result) == ["Handhaving"]


def test_the_group_noun_of_welke_is_what_the_answer_names_not_the_topic(gouda: Tables) -> None:
    result = asked(gouda, "Welke wijk had de meeste lopende zaken?")
    assert result.group is not None
    assert all("wijk" not in concept for concept, _ in result.own)


def test_a_follow_ups_own_row_replaces_the_carried_row(gouda: Tables) -> None:
    result = found(gouda, "en Goverwelle?", ["Hoeveel afgeronde zaken had Bloemendaal?"])
    assert labels(result) == ["Goverwelle"]
    assert headers(result) == ["Koop Afgerond", "Huur Afgerond"]  # the carried column stays


def test_a_follow_ups_own_column_replaces_the_carried_column(gouda: Tables) -> None:
    result = found(
        gouda, "en bij huurwoningen?", ["Hoeveel lopende zaken had Bloemendaal bij koopwoningen?"]
    )
    assert labels(result) == ["Bloemendaal"]
    assert headers(result) == ["Huur Lopend"]


def test_a_follow_up_moves_to_the_sibling_table(gouda: Tables) -> None:
    result = found(
        gouda, "en in de stad?", ["Welk rapportcijfer gaven inwoners de veiligheid in de buurt?"]
    )
    assert "in de stad" in result.view.table.title


def test_comparing_two_tables_of_one_shape_makes_them_rivals(gouda: Tables) -> None:
    result = found(gouda, "Is de veiligheid hoger in de buurt of in de stad?")
    assert result.rival is not None
    titles = {result.view.table.title, result.rival.table.title}
    assert {"buurt" in t for t in titles} == {True, False}


def test_a_row_label_of_another_table_is_missing_from_this_one(gouda: Tables) -> None:
    result = found(gouda, "Hoeveel geregistreerde fietsendiefstallen waren er in Bloemendaal?")
    assert result.view.table.title.startswith("Aantal fietsendiefstallen")
    assert result.missing == ("Bloemendaal",)


def test_the_group_noun_chooses_the_table_broken_down_by_it(gouda: Tables) -> None:
    result = found(gouda, "Welke doelstelling had de hoogste lasten?")
    assert result.view.table.title == "Totalen per doelstelling"


BUILT = Report(
    "hoorn-jaarstukken-2024-wonen",
    "Hoorn",
    2024,
    "Wonen",
    """Programma 4 Wonen

Opgeleverde woningen 2024 per gebied
Gebied Koop Huur Totaal
Centrum 40 60 100
Kersenboogerd 25 35 60
Totaal 65 95 160

Indicatoren
Indicator Realisatie 2022 Realisatie 2023 Realisatie 2024
Opgeleverde woningen 180 150 160
Verkochte koopwoningen 90 70 65
""",
)


def test_of_two_equally_fitting_tables_the_one_with_the_asked_year_answers() -> None:
    tables = Tables(BUILT)
    year_2023 = found(tables, "Hoeveel opgeleverde woningen waren er in 2023?")
    assert year_2023.view.table.title == "Indicatoren"
    year_2024 = found(tables, "Hoeveel opgeleverde woningen waren er in 2024?")
    assert year_2024.view.table.title.startswith("Opgeleverde woningen 2024")


KINDS = Report(
    "epe-jaarstukken-2023-sociaal-domein",
    "Epe",
    2023,
    "Sociaal domein",
    """Programma 2 Sociaal domein

Tabel 2.1 Aantal toegekende maatwerkvoorzieningen per soort voorziening
Soort voorziening 2022 2023
Hulp bij het huishouden 812 840
Woonvoorzieningen 140 132
Rolstoelvoorzieningen 260 271
Totaal 1.212 1.243
""",
)


def test_the_word_the_title_counts_does_not_name_rows_the_other_words_narrow() -> None:
    tables = Tables(KINDS)
    result = found(tables, "Hoeveel voorzieningen hulp bij het huishouden waren er in 2023?")
    assert labels(result) == ["Hulp bij het huishouden"]
    # the counted word alone still names the rows it heads
    assert "Woonvoorzieningen" in labels(found(tables, "Hoeveel woonvoorzieningen waren er?"))


def test_rows_named_only_by_the_word_the_title_counts_are_not_named() -> None:
    tables = Tables(KINDS)
    assert labels(found(tables, "Hoeveel voorzieningen waren er in 2023?")) == []
