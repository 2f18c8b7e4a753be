"""Claim checks: "Klopt het dat …?" answered "Ja" or "Nee" with the report's own figure,
a stated direction checked against two years, and a report that contradicts itself said so."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.answer import claims
from service.answer.result import PartAnswer, StatedFigure, make_citation
from service.understand.parse import read_part
from service.web.schemas import Route
from tests.service.answer.helpers import Report, Tables, assert_cited_verbatim

LEIDEN_2024 = Report(
    "leiden-jaarstukken-2024-openbare-orde",
    "Leiden",
    2024,
    "Openbare orde",
    """Programma 4 Openbare orde

Tabel 4.2 Meldingen openbare orde 2024 per soort
Soort Aantal
Geluidsoverlast 310
Jeugdoverlast 145
Vuurwerkoverlast 95
Totaal 560

Aantal meldingen verkeersoverlast per jaar (Realisatie 2024)
Bron: Politie

Type 2023 2024
Begroting 700 650
Realisatie 690 742
Doel gehaald: Nee.

Aantal winkeldiefstallen per jaar (Realisatie 2024)
Bron: Politie

Type 2023 2024
Begroting 500 480
Realisatie 515 438
Doel gehaald: Ja.

Totalen per doelstelling
Bedragen x € 1.000
Doelstelling Lasten Baten Saldo
Openbare orde (4.1) -4.580 280 -4.300
Crisisbeheersing en brandweer (4.2) -1.790 10 -1.780
Totaal programma -6.370 290 -6.080
""",
)


@pytest.fixture(scope="module")
def leiden() -> Tables:
    return Tables(LEIDEN_2024)


def check(tables: Tables, question: str) -> PartAnswer:
    """The claim of a question checked against the table route, as the pipeline does it."""
    frame = tables.frame(question)
    part = frame.parts[0]
    assert part.kind == "claim" and part.claim is not None
    probe = read_part(part.claim.probe)
    documents = tables.corpus.select(frame.scope, part).documents
    found = tables.answerer.answer(probe, documents, frame.language)
    answers = [found] if found is not None and found.answered else []
    return claims.check(part, answers, frame.language)


def test_a_true_figure_is_confirmed_with_the_reports_figure(leiden: Tables) -> None:
    verdict = check(leiden, "Klopt het dat er in 2024 145 meldingen van jeugdoverlast waren?")
    assert verdict.body.startswith("Ja, dat klopt.")
    assert "Jeugdoverlast, Aantal: 145 [1]." in verdict.body
    assert_cited_verbatim(verdict, leiden.sources)


def test_a_false_figure_is_denied_with_the_reports_figure(leiden: Tables) -> None:
    verdict = check(leiden, "Klopt het dat er in 2024 690 meldingen van verkeersoverlast waren?")
    assert verdict.body.startswith("Nee, dat klopt niet.")
    assert "Realisatie, 2024: 742 [1]." in verdict.body
    assert verdict.answered


def test_a_round_claimed_number_is_not_read_as_an_estimate(leiden: Tables) -> None:
    verdict = check(leiden, "Klopt het dat er in 2024 700 meldingen van verkeersoverlast waren?")
    assert verdict.body.startswith("Nee")


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Klopt het dat de lasten van openbare orde 4,6 miljoen euro waren?", "Ja"),
        ("Klopt het dat de lasten van openbare orde 4,2 miljoen euro waren?", "Nee"),
    ],
)
def test_a_claimed_amount_in_millions_is_checked_at_its_own_precision(
    leiden: Tables, question: str, lead: str
) -> None:
    verdict = check(leiden, question)
    assert verdict.body.startswith(lead)
    assert "€ 4.580.000" in verdict.body


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Klopt het dat het aantal winkeldiefstallen is gedaald?", "Ja, dat klopt."),
        ("Klopt het dat het aantal winkeldiefstallen is gestegen?", "Nee, dat klopt niet."),
    ],
)
def test_a_direction_is_checked_against_two_years(leiden: Tables, question: str, lead: str) -> None:
    verdict = check(leiden, question)
    assert verdict.body.startswith(lead)
    assert "515 − 438 = 77" in verdict.body


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Klopt het dat het aantal meldingen verkeersoverlast is gestegen?", "Ja, dat klopt."),
        ("Klopt het dat het aantal meldingen verkeersoverlast is gedaald?", "Nee, dat klopt niet."),
    ],
)
def test_a_rise_is_confirmed_as_a_rise(leiden: Tables, question: str, lead: str) -> None:
    assert check(leiden, question).body.startswith(lead)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Klopt het dat er in 2024 meer dan 700 meldingen van verkeersoverlast waren?", "Ja"),
        ("Klopt het dat er in 2024 minder dan 700 meldingen van verkeersoverlast waren?", "Nee"),
        ("Klopt het dat de lasten van openbare orde hoger waren dan € 4.000.000?", "Ja"),
        ("Is het juist dat de lasten van openbare orde onder de 4 miljoen euro bleven?", "Nee"),
    ],
)
def test_a_claimed_bound_is_compared_not_matched(leiden: Tables, question: str, lead: str) -> None:
    assert check(leiden, question).body.startswith(lead)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Klopt het dat geluidsoverlast de meeste meldingen had?", "Ja"),
        ("Klopt het dat jeugdoverlast de meeste meldingen had?", "Nee"),
        ("Klopt het dat vuurwerkoverlast de minste meldingen had?", "Ja"),
        ("Klopt het dat doelstelling 4.1 de hoogste lasten had?", "Ja"),
        ("Klopt het dat doelstelling 4.2 de hoogste lasten had?", "Nee"),
    ],
)
def test_a_claim_about_the_first_of_a_ranking_names_that_row(
    leiden: Tables, question: str, lead: str
) -> None:
    assert check(leiden, question).body.startswith(lead)


def test_a_report_that_contradicts_itself_is_said(leiden: Tables) -> None:
    verdict = check(leiden, "Klopt het dat er in 2024 560 meldingen openbare orde waren?")
    assert verdict.body.startswith("Ja, dat klopt.")
    assert "het verslag spreekt zichzelf hier tegen" in verdict.body
    assert "310 + 145 + 95 = 550" in verdict.body


def test_a_claim_the_report_says_nothing_about_is_not_confirmed(leiden: Tables) -> None:
    verdict = check(leiden, "Klopt het dat er 40 boa's zijn aangenomen?")
    assert not verdict.answered and verdict.route == "refusal"
    assert verdict.body.startswith("Dat kan ik niet bevestigen")
    assert verdict.citations == []


# -- the verdict on given answers -----------------------------------------------------------------

SOURCE = (
    "In 2024 zijn 12 nieuwe camera's geplaatst in de binnenstad. "
    "Volgens de tabel zijn er in 2024 14 camera's bijgekomen."
)


def answer(quote: str, value: int, route: Route = "text") -> PartAnswer:
    start = SOURCE.index(quote)
    citation = make_citation(
        1, "doc", "Jaarstukken", "Cameratoezicht", SOURCE, start, start + len(quote)
    )
    figure = StatedFigure(Decimal(value), "count", 2024, "camera's")
    return PartAnswer(route, f"Volgens het verslag: {quote} [1]", [citation], [figure])


TEXT_SAYS_12 = "In 2024 zijn 12 nieuwe camera's geplaatst in de binnenstad."
TABLE_SAYS_14 = "Volgens de tabel zijn er in 2024 14 camera's bijgekomen."


def test_a_claim_neither_figure_agrees_with_shows_both_numbered_on() -> None:
    part = read_part("in 2024 13 nieuwe camera's zijn geplaatst?", claim=True)
    verdict = claims.check(part, [answer(TEXT_SAYS_12, 12), answer(TABLE_SAYS_14, 14)], "nl")
    assert verdict.body.startswith("Nee, dat klopt niet.")
    assert "Het verslag zegt:" in verdict.body
    assert [c.id for c in verdict.citations] == [1, 2]
    assert verdict.body.endswith("bijgekomen. [2]")


def test_a_claim_agreeing_with_one_of_two_report_figures_shows_the_other() -> None:
    part = read_part("in 2024 14 nieuwe camera's zijn geplaatst?", claim=True)
    verdict = claims.check(part, [answer(TEXT_SAYS_12, 12), answer(TABLE_SAYS_14, 14)], "nl")
    assert "14" in verdict.body and "12" in verdict.body


def test_a_claim_without_figures_is_judged_by_the_quoted_words() -> None:
    quoted = answer(TEXT_SAYS_12, 12)
    held = read_part("er camera's in de binnenstad zijn geplaatst?", claim=True)
    assert claims.check(held, [quoted], "nl").body.startswith("Ja, dat klopt.")
    not_held = read_part("er camera's bij alle scholen zijn opgehangen?", claim=True)
    assert claims.check(not_held, [quoted], "nl").body.startswith(
        "Nee, dat staat niet zo in het verslag."
    )
