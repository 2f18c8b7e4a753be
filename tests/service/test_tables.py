"""Deterministic table answers: routing, every cell reachable, operations, follow-ups."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.consistency import find_discrepancies
from ingest.parse import parse_document
from ingest.table_store import TableStore
from ingest.tables import TOTAL, Table, TableCell, TableRow, find_tables
from service.answer.grounding import ungrounded_numbers
from service.core.numbers import extract_numbers, format_number
from service.web.schemas import AskResponse
from service.tables import TableAnswerer
from tests.conftest import REPORT, REPORT_NAME

SOURCE = REPORT.read_text(encoding="utf-8")
TABLES = find_tables(SOURCE, REPORT_NAME)


@pytest.fixture(scope="module")
def answerer() -> TableAnswerer:
    spans = [(t.start, t.end, t.title) for t in TABLES]
    sentences = parse_document(SOURCE, REPORT_NAME, "Programma 5", spans).sentences()
    discrepancies = find_discrepancies(SOURCE, sentences, TABLES)
    return TableAnswerer(TableStore.from_tables(TABLES), discrepancies)


def ask(answerer: TableAnswerer, question: str, *history: str, lang: str = "nl") -> AskResponse:
    response = answerer.answer(question, history, lang)  # type: ignore[arg-type]
    assert response is not None, question
    for citation in response.citations:
        assert SOURCE[citation.start : citation.end] == citation.quote
        assert citation.document == REPORT_NAME
    return response


def quotes(response: AskResponse) -> list[str]:
    return [c.quote for c in response.citations]


# -- generated: every cell of every table is reachable ---------------------------------
_STATUS = {
    "lopend": ["lopende", "openstaande", "nog open"],
    "afgerond": ["afgeronde", "afgesloten", "gesloten"],
}
_OWNER = {
    "koop": ["koopwoningen", "eigenaar-bewoners"],
    "corporatie": ["corporatiewoningen", "sociale huur"],
    "particulier": ["particuliere verhuurders", "particuliere huurwoningen"],
}
_KOLOM = {
    "lasten": ["lasten", "kosten"],
    "baten": ["baten", "inkomsten"],
    "toevoegingen": ["toevoegingen"],
    "onttrekkingen": ["onttrekkingen"],
    "saldo": ["saldo"],
}


def _question(table: Table, row: TableRow, cell: TableCell, variant: int) -> str:
    """A Dutch question for one cell, built from the dimension vocabulary."""
    if table.kind == "financial_totals":
        kolom = _KOLOM[cell.dim("kolom") or ""]
        where = "het hele programma" if row.key == TOTAL else f"doelstelling {row.key}"
        return f"Wat waren de {kolom[variant % len(kolom)]} van {where}?"
    if table.kind == "target_vs_realisation":
        subject = table.title.split(" (")[0].lower()
        return f"Wat was de {cell.dim('type')} van het {subject} in {cell.dim('jaar')}?"
    where = f"in {row.label}" if not row.is_total else "in alle wijken samen"
    if cell.dim("eigendom") == TOTAL:
        return f"Hoeveel casussen woonoverlast {where}?"
    status = _STATUS[cell.dim("status") or ""]
    owner = _OWNER[cell.dim("eigendom") or ""]
    return (
        f"Hoeveel {status[variant % len(status)]} casussen bij "
        f"{owner[variant % len(owner)]} {where}?"
    )


GENERATED = [
    pytest.param(table, row, cell, variant, id=f"{table.id[:24]}-{row.key}-{i}-{variant}")
    for table in TABLES
    for row in table.rows
    for i, cell in enumerate(row.cells)
    for variant in (0, 1)
]


@pytest.mark.parametrize(("table", "row", "cell", "variant"), GENERATED)
def test_every_cell_is_answered_with_its_value_and_row(
    answerer: TableAnswerer, table: Table, row: TableRow, cell: TableCell, variant: int
) -> None:
    question = _question(table, row, cell, variant)
    response = ask(answerer, question)
    assert response.route == "table", question
    assert format_number(cell.value) in response.answer, (question, response.answer)
    assert cell.value in extract_numbers(response.answer)
    assert row.text in quotes(response), (question, quotes(response))


# -- routing ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "hoeveel meldingen verwerkte handhaving?",
        "hoeveel casussen ondermijning?",
        "hoeveel jongeren zaten in de PGA?",
        "hoeveel schade aan afvalbakken?",
        "hoeveel gevallen van huiselijk geweld?",
        "Welk rapportcijfer gaven professionals voor de trainingen?",
        "Hoeveel gebiedsverboden zijn opgelegd?",
        "Wie voert de aanpak jeugdgroepen uit?",
        "Hoeveel casussen zijn er in 2024 behandeld bij ondermijning?",
    ],
)
def test_text_questions_are_not_table_questions(answerer: TableAnswerer, question: str) -> None:
    assert answerer.answer(question) is None


# -- operations ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("hoeveel afgeronde casussen bij koopwoningen in Rokkeveen?", "4"),
        ("Hoeveel afgesloten zaken bij eigenaar-bewoners in Rokeveen?", "4"),
        ("hoeveel lopende casussen in Buytenwegh bij woningcorporaties", "24"),
        ("hoeveel openstaande casussen bij particuliere verhuur in het Centrum", "5"),
        ("aantal casussen woonoverlast de leyens", "12"),
        ("hoeveel casussen in seghwaert?", "35"),
        ("How many closed cases in owner-occupied homes in Meerzicht?", "6"),
        ("How many ongoing cases with private landlords in Centrum?", "5"),
    ],
)
def test_single_cells_in_many_phrasings(
    answerer: TableAnswerer, question: str, expected: str
) -> None:
    lang = "en" if question.startswith("How") else "nl"
    response = ask(answerer, question, lang=lang)
    assert response.route == "table"
    assert Decimal(expected) in extract_numbers(response.answer)


def test_open_dimension_gives_total_with_breakdown(answerer: TableAnswerer) -> None:
    response = ask(answerer, "hoeveel casussen in Centrum?")
    assert "31" in response.answer
    assert "6 + 3 + 10 + 5 + 5 + 2 = 31" in response.answer
    assert quotes(response) == ["Centrum 6 3 10 5 5 2 31"]


@pytest.mark.parametrize(
    ("question", "calculation"),
    [
        ("hoeveel casussen woonoverlast zijn afgerond?", "24 + 39 + 5 = 68"),
        ("hoeveel lopende casussen woonoverlast waren er in totaal?", "34 + 99 + 9 = 142"),
        ("hoeveel lopende casussen waren er in Meerzicht?", "4 + 24 + 3 = 31"),
        ("koop en corporatie samen in Meerzicht", "4 + 6 + 24 + 9 = 43"),
        ("hoeveel casussen bij huurwoningen in Noordhove?", "0 + 1 + 0 + 0 = 1"),
    ],
)
def test_sums_show_their_calculation(
    answerer: TableAnswerer, question: str, calculation: str
) -> None:
    assert calculation in ask(answerer, question).answer


def test_running_text_totals_are_answered_from_the_table(answerer: TableAnswerer) -> None:
    response = ask(answerer, "Hoeveel casussen woonoverlast zijn er in 2024 geregistreerd?")
    assert "210" in response.answer and "Totaal 34 24 99 39 9 5 210" in quotes(response)


def test_maximum_and_minimum_with_ties(answerer: TableAnswerer) -> None:
    most = ask(answerer, "in welke wijk liepen de meeste zaken bij particuliere verhuurders?")
    assert "Centrum" in most.answer.split("Daarna")[0]
    least = ask(answerer, "welke wijk had de minste afgeronde casussen bij particuliere huur?")
    head = least.answer.split("Daarna")[0]
    for wijk in ("Meerzicht", "Buytenweg", "Noordhove", "Oosterheem"):
        assert wijk in head
    assert "elk 0" in head
    english = ask(answerer, "Which neighbourhood had the most cases?", lang="en")
    assert "Meerzicht" in english.answer and "46" in english.answer


def test_top_n(answerer: TableAnswerer) -> None:
    response = ask(answerer, "top 3 wijken met de meeste casussen woonoverlast")
    assert "1. Meerzicht (46), 2. Buytenweg (36), 3. Seghwaert (35)" in response.answer
    assert len(response.citations) == 3


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("hoeveel lager lag de realisatie woninginbraken dan begroot in 2023?", "180 − 97 = 83"),
        ("Hoeveel zijn de woninginbraken gedaald?", "een daling: 97 − 89 = 8"),
        ("verschil woninginbraken tussen 2023 en 2024", "97 − 89 = 8"),
        ("hoeveel meer lopende dan afgeronde casussen woonoverlast?", "142 − 68 = 74"),
        ("how much lower were burglaries than the target in 2024?", "180 − 89 = 91"),
    ],
)
def test_differences(answerer: TableAnswerer, question: str, expected: str) -> None:
    lang = "en" if question.startswith("how") else "nl"
    assert expected in ask(answerer, question, lang=lang).answer


def test_shares(answerer: TableAnswerer) -> None:
    response = ask(answerer, "welk percentage van de casussen woonoverlast was afgerond?")
    assert "68 / 210 = 32,4%" in response.answer
    centrum = ask(answerer, "welk percentage van de casussen in Centrum was afgerond?")
    assert "10 / 31 = 32,3%" in centrum.answer
    corporations = ask(answerer, "welk deel van de afgeronde casussen was bij corporaties?")
    assert "39 / 68 = 57,4%" in corporations.answer


def test_target_met_uses_the_verdict_line_and_numbers(answerer: TableAnswerer) -> None:
    response = ask(answerer, "Is het doel voor woninginbraken gehaald?")
    assert response.answer.count("Ja") >= 1 and "89" in response.answer
    assert "180" in response.answer and "Lager is hier beter" in response.answer
    assert "Doel gehaald: Ja." in quotes(response)
    city = ask(answerer, "did the safety rating in Zoetermeer meet the target?", lang="en")
    assert "Yes" in city.answer and "7,6" in city.answer


def test_money_answers_show_euros_and_the_table_figure(answerer: TableAnswerer) -> None:
    response = ask(answerer, "wat waren de baten van doelstelling 5.2?")
    assert "€ 1.000" in response.answer and "1 × € 1.000" in response.answer
    spent = ask(answerer, "Hoeveel is er uitgegeven aan veiligheid in de wijk?")
    assert "€ 3.374.000" in spent.answer and "-3.374" in spent.answer
    programme = ask(answerer, "What were the total expenses of the whole programme?", lang="en")
    assert "€ 21.342.000" in programme.answer


def test_ambiguous_rating_question_gives_both_tables(answerer: TableAnswerer) -> None:
    response = ask(answerer, "Wat was het rapportcijfer voor veiligheid in 2024?")
    assert "8,0" in response.answer and "7,6" in response.answer


# -- refusals -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("Wat was het rapportcijfer voor veiligheid in de buurt in 2021?", "alleen 2023 en 2024"),
        ("hoeveel woninginbraken in 2022?", "alleen 2023 en 2024"),
        ("hoeveel casussen woonoverlast in Dorp?", "noemt Dorp niet"),
        ("hoeveel woninginbraken per maand?", "geen cijfers per maand"),
        ("hoeveel casussen woonoverlast in 2023?", "alleen 2024"),
        ("hoeveel woninginbraken waren er in Centrum?", "geen cijfers per wijk"),
    ],
)
def test_missing_figures_are_refused_with_what_the_report_gives(
    answerer: TableAnswerer, question: str, says: str
) -> None:
    response = ask(answerer, question)
    assert response.route == "refusal"
    assert says in response.answer
    assert response.citations


# -- discrepancies ------------------------------------------------------------------------
def test_answer_touching_a_flagged_figure_mentions_both_sources(answerer: TableAnswerer) -> None:
    response = ask(answerer, "hoeveel lopende casussen bij corporaties?")
    assert "99" in response.answer and "Let op" in response.answer
    assert "Totaal 34 24 99 39 9 5 210" in quotes(response)
    assert any(q.startswith("In 39 van die lopende casussen") for q in quotes(response))
    lasten = ask(answerer, "wat waren de lasten van doelstelling 5.3?")
    assert "17,4 mln" in lasten.answer and "€ 17.912.000" in lasten.answer


# -- follow-ups -----------------------------------------------------------------------------
FIRST = "hoeveel afgeronde casussen bij koopwoningen in Rokkeveen?"


@pytest.mark.parametrize(
    ("history", "question", "expected", "resolved"),
    [
        (
            [FIRST],
            "En in De Leyens?",
            "0",
            "Hoeveel afgeronde casussen woonoverlast bij koopwoningen in De Leyens?",
        ),
        (
            [FIRST, "En in Seghwaert?"],
            "en de lopende?",
            "8",
            "Hoeveel lopende casussen woonoverlast bij koopwoningen in Seghwaert?",
        ),
        (
            ["hoeveel lopende casussen in Meerzicht?"],
            "en bij corporatiewoningen?",
            "24",
            "Hoeveel lopende casussen woonoverlast bij corporatiewoningen in Meerzicht?",
        ),
        (["wat waren de lasten van doelstelling 5.1?"], "en van 5.3?", "-17.912", None),
        (["hoeveel woninginbraken waren er in 2024?"], "en in 2023?", "97", None),
    ],
)
def test_follow_ups_carry_and_override_dimensions(
    answerer: TableAnswerer,
    history: list[str],
    question: str,
    expected: str,
    resolved: str | None,
) -> None:
    response = ask(answerer, question, *history)
    assert response.route == "table"
    assert Decimal(expected.replace(".", "")) in extract_numbers(response.answer)
    if resolved:
        assert response.resolved_question == resolved


def test_follow_up_to_an_unavailable_year_is_refused(answerer: TableAnswerer) -> None:
    response = ask(answerer, "en in 2023?", FIRST)
    assert response.route == "refusal" and "alleen 2024" in response.answer


def test_self_contained_question_inherits_nothing(answerer: TableAnswerer) -> None:
    response = ask(answerer, "hoeveel casussen in Centrum?", FIRST)
    assert "31" in response.answer
    assert response.resolved_question == "Hoeveel casussen woonoverlast in Centrum?"


def test_follow_up_after_a_text_question_or_without_table_words_is_none(
    answerer: TableAnswerer,
) -> None:
    assert (
        answerer.answer("En in De Leyens?", [FIRST, "hoeveel meldingen verwerkte handhaving?"])
        is None
    )
    assert answerer.answer("En waarom?", [FIRST]) is None
    assert answerer.answer("En in De Leyens?") is None


def test_same_question_twice_gives_identical_responses(answerer: TableAnswerer) -> None:
    for question in ("hoeveel casussen in Centrum?", "top 3 wijken met de meeste casussen"):
        assert answerer.answer(question) == answerer.answer(question)
    fresh = TableAnswerer(TableStore.from_tables(TABLES), answerer.discrepancies)
    assert fresh.answer(FIRST) == answerer.answer(FIRST)


# -- compounds, hyphens and what is no figure question --------------------------------------
def grounded(response: AskResponse) -> AskResponse:
    """Every number is a cited cell or the result of a calculation shown in the answer."""
    assert ungrounded_numbers(response) == [], response.answer
    return response


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Hoeveel woonoverlastzaken had Rokkeveen?", "23"),
        ("Aantal woonoverlast-dossiers in Noordhove", "10"),
        ("Hoeveel afgeronde corporatiezaken in Seghwaert?", "9"),
        ("Hoeveel particuliercasussen liepen er in Centrum?", "5"),
        ("How many closed housing-association cases in Centrum?", "5"),
        ("How many nuisance cases at housing-corporation homes were there in Rokkeveen?", "13"),
        ("hoeveel woning-inbraken waren er in 2023?", "97"),
    ],
)
def test_compound_and_hyphenated_words_are_split_into_table_words(
    answerer: TableAnswerer, question: str, expected: str
) -> None:
    lang = "en" if question.startswith("How") else "nl"
    response = grounded(ask(answerer, question, lang=lang))
    assert response.route == "table"
    assert Decimal(expected) in extract_numbers(response.answer)


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel fiets-inbraken waren er in 2024?",
        "Hoeveel ondermijningscasussen liepen er nog?",
        "Welke uitgaven vallen onder doelstelling 5.2?",
        "What kind of costs are booked on goal 5.3?",
        "Wat voor soort casussen behandelt het team woonoverlast?",
        "Hoe kan ik het team Woonoverlast bereiken?",
        "Wat is het e-mailadres van het team woonoverlast?",
        "Wat doet het team Woonoverlast?",
        "Wat kostte de nieuwe verlichting van het Stadhuisplein?",
        "Waarom zijn de woninginbraken gedaald?",
        "Zijn er meer woonoverlastcasussen dan ondermijningscasussen behandeld?",
        "Wat staat er in het jeugdprogramma voor 2025?",
        "Wat is het veiligheidsbeleid van de gemeente voor 2026?",
    ],
)
def test_questions_that_ask_no_table_figure_go_to_the_text_route(
    answerer: TableAnswerer, question: str
) -> None:
    assert answerer.answer(question) is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Hoeveel kosten had doelstelling 5.2?", "-3.374"),
        ("hoeveel kostte doelstelling 5.3?", "-17.912"),
        ("wat waren de uitgaven van doelstelling 5.1", "-56"),
    ],
)
def test_how_much_questions_about_costs_stay_table_questions(
    answerer: TableAnswerer, question: str, expected: str
) -> None:
    response = grounded(ask(answerer, question))
    assert Decimal(expected.replace(".", "")) in extract_numbers(response.answer)


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("hoeveel casussen woonoverlast palenstein", "Palenstein"),
        ("woonoverlast in het stadshart", "Stadshart"),
    ],
)
def test_a_wijk_the_table_does_not_list_is_refused_naming_the_listed_ones(
    answerer: TableAnswerer, question: str, place: str
) -> None:
    response = ask(answerer, question)
    assert response.route == "refusal"
    assert f"noemt {place} niet" in response.answer and "Oosterheem" in response.answer
    assert "210" not in response.answer


def test_other_places_and_per_wijk_rankings_are_refused_for_year_tables(
    answerer: TableAnswerer,
) -> None:
    delft = ask(answerer, "Is het rapportcijfer in Zoetermeer hoger dan in Delft?")
    assert delft.route == "refusal" and "geen cijfers voor Delft" in delft.answer
    ranking = ask(answerer, "Welke wijk had de meeste woninginbraken?")
    assert ranking.route == "refusal" and "geen cijfers per wijk" in ranking.answer


def test_compound_question_about_another_year_is_refused(answerer: TableAnswerer) -> None:
    response = ask(answerer, "Hoeveel woonoverlast-dossiers waren er in 2022?")
    assert response.route == "refusal" and "alleen 2024" in response.answer


# -- new operations --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "calculation"),
    [
        ("Hoeveel procent van alle afgeronde casussen viel in Meerzicht?", "15 / 68 = 22,1%"),
        ("Welk deel van de woonoverlastdossiers ging over particuliere huur?", "14 / 210 = 6,7%"),
        (
            "Welk percentage van de lopende zaken bij corporaties zat in Buytenweg of Meerzicht?",
            "48 / 99 = 48,5%",
        ),
    ],
)
def test_share_keeps_the_named_base_in_the_denominator(
    answerer: TableAnswerer, question: str, calculation: str
) -> None:
    assert calculation in grounded(ask(answerer, question)).answer


@pytest.mark.parametrize(
    ("question", "calculation"),
    [
        (
            "Wat is het verschil in woonoverlastcasussen tussen Seghwaert en Oosterheem?",
            "35 − 17 = 18",
        ),
        ("Hoeveel woninginbraken lagen in 2023 onder het doel?", "180 − 97 = 83"),
        ("By how much was the number of burglaries below target in 2024?", "180 − 89 = 91"),
    ],
)
def test_differences_between_wijken_and_against_the_budget(
    answerer: TableAnswerer, question: str, calculation: str
) -> None:
    lang = "en" if question.startswith("By") else "nl"
    assert calculation in grounded(ask(answerer, question, lang=lang)).answer


def test_selection_lists_the_groups_that_pass_the_test(answerer: TableAnswerer) -> None:
    none = grounded(
        ask(answerer, "Welke wijken hadden geen afgeronde casussen bij particuliere verhuurders?")
    )
    for wijk in ("Meerzicht", "Buytenweg", "Noordhove", "Oosterheem"):
        assert wijk in none.answer
    assert "Centrum" not in none.answer and "Seghwaert" not in none.answer
    negative = grounded(ask(answerer, "Welke doelstellingen hadden een negatief saldo?"))
    assert "5.2" in negative.answer and "5.3" in negative.answer and "5.1" not in negative.answer
    above = grounded(
        ask(answerer, "Which neighbourhoods had more than 30 housing nuisance cases?", lang="en")
    )
    assert all(w in above.answer for w in ("Centrum", "Meerzicht", "Buytenweg", "Seghwaert"))
    assert "Rokkeveen" not in above.answer
    nothing = grounded(ask(answerer, "Welke wijken hadden meer dan 100 casussen woonoverlast?"))
    assert "Geen enkele wijk" in nothing.answer and "Meerzicht (46)" in nothing.answer


def test_most_of_a_status_sums_over_ownership_per_wijk(answerer: TableAnswerer) -> None:
    response = grounded(ask(answerer, "Welke wijk had de minste afgeronde woonoverlastdossiers?"))
    assert "Noordhove en Oosterheem" in response.answer
    assert "(Noordhove: 1 + 1 + 0 = 2)" in response.answer


def test_a_saldo_is_explained_from_its_row(answerer: TableAnswerer) -> None:
    response = grounded(
        ask(
            answerer,
            "waardoor is dat saldo zo negatief?",
            "Wat was het saldo van doelstelling 5.3?",
        )
    )
    assert "-17.912 + 1.240 + 0 + 0 = -16.672" in response.answer
    assert "komt vooral door de lasten" in response.answer
    assert quotes(response)[0].startswith("Behouden veiligheid in de stad (5.3)")


def test_two_rating_tables_are_compared(answerer: TableAnswerer) -> None:
    dutch = grounded(ask(answerer, "Is het rapportcijfer in de wijk hoger dan in Zoetermeer?"))
    assert "8,0 − 7,6 = 0,4" in dutch.answer
    assert {"Realisatie 8,0 8,0", "Realisatie 7,6 7,6"} <= set(quotes(dutch))
    english = grounded(
        ask(answerer, "Do residents feel safer in their neighbourhood or in the city?", lang="en")
    )
    assert "8,0 − 7,6 = 0,4" in english.answer


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        ("Hoe veilig voelen inwoners zich in Zoetermeer in 2024?", "En in hun buurt?", "8,0"),
        ("Wat was het rapportcijfer voor de buurt in 2023?", "en voor Zoetermeer?", "7,6"),
    ],
)
def test_follow_up_switches_to_the_sibling_year_table(
    answerer: TableAnswerer, history: str, question: str, expected: str
) -> None:
    response = grounded(ask(answerer, question, history))
    assert response.route == "table" and expected in response.answer
    assert len({c.section for c in response.citations}) == 1
