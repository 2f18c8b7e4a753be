"""Grounding: every number an answer states is in a cited quote or a shown calculation, or
the answer falls back to the bare quotes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.answer.grounding import enforce_grounding, ungrounded_numbers
from service.render.messages import ERROR_UNGROUNDED
from service.web.schemas import AskResponse, Citation, Route
from tests.service.answer.helpers import Report, Tables
from tests.service.answer.reports import DORDRECHT_2023, TILBURG_2024

SOURCE = (
    "Tabel 2.1 Meldingen per soort\n"
    "Geluidsoverlast 310\n"
    "Jeugdoverlast 145\n"
    "Het aandeel afgehandelde meldingen was 65,7 procent.\n"
    "Het aandeel afgeronde zaken was 42,5 procent.\n"
    "Bedragen x € 1.000\n"
    "Handhaving -2.150\n"
)
SOURCES = {"doc": SOURCE}


def cite(number: int, quote: str, table_row: str | None = None) -> Citation:
    start = SOURCE.index(quote)
    return Citation(
        id=number,
        document="doc",
        title="Jaarstukken 2023",
        section="Programma 2",
        quote=quote,
        start=start,
        end=start + len(quote),
        table_row=table_row,
    )


GELUID = cite(1, "Geluidsoverlast 310")
JEUGD = cite(2, "Jeugdoverlast 145")
AANDEEL = cite(1, "Het aandeel afgehandelde meldingen was 65,7 procent.")
HALF = cite(1, "Het aandeel afgeronde zaken was 42,5 procent.")
HANDHAVING = cite(
    1, "Handhaving -2.150", "Lasten (bedragen x € 1.000) — Handhaving: Realisatie 2023 -2.150"
)


def respond(answer: str, citations: list[Citation], route: Route = "table") -> AskResponse:
    return AskResponse(answer=answer, route=route, citations=citations)


def test_numbers_from_the_quotes_pass_unchanged() -> None:
    response = respond("Geluidsoverlast: 310 [1]. Jeugdoverlast: 145 [2].", [GELUID, JEUGD])
    assert enforce_grounding(response, SOURCES) == response


def test_a_number_in_no_quote_makes_the_answer_fall_back_to_the_quotes() -> None:
    response = respond("Geluidsoverlast: 320 [1].", [GELUID])
    grounded = enforce_grounding(response, SOURCES)
    assert grounded.answer == "“Geluidsoverlast 310” [1]"
    assert grounded.citations == response.citations
    assert ungrounded_numbers(response.answer, response.citations) == [320]


def test_the_result_of_a_shown_calculation_over_quoted_numbers_is_grounded() -> None:
    response = respond("Samen: 310 + 145 = 455 [1,2].", [GELUID, JEUGD])
    assert enforce_grounding(response, SOURCES).answer == response.answer


def test_a_calculation_over_an_ungrounded_number_grounds_nothing() -> None:
    assert ungrounded_numbers("Samen: 310 + 150 = 460 [1].", [GELUID]) == [150, 460]


def test_a_whole_number_rounded_from_a_quoted_one_is_allowed() -> None:
    response = respond("Het aandeel was 65,7%, afgerond 66% [1].", [AANDEEL])
    assert enforce_grounding(response, SOURCES).answer == response.answer


def test_a_whole_number_that_is_not_a_rounding_is_not_allowed() -> None:
    assert ungrounded_numbers("Het aandeel was 65,7%, afgerond 67% [1].", [AANDEEL]) == [67]


def test_an_exact_half_rounded_is_allowed() -> None:
    assert ungrounded_numbers("Het aandeel was 42,5%, afgerond 43% [1].", [HALF]) == []


def test_amounts_in_thousands_may_be_stated_in_euros() -> None:
    response = respond(
        "Handhaving: € 2.150.000 (in de tabel -2.150, bedragen x € 1.000) [1].", [HANDHAVING]
    )
    assert enforce_grounding(response, SOURCES).answer == response.answer


def test_the_askers_own_numbers_are_theirs() -> None:
    answer = "Nee, dat klopt niet: het verslag noemt 310, niet 400 [1]."
    assert ungrounded_numbers(answer, [GELUID]) == [400]
    assert ungrounded_numbers(answer, [GELUID], "Klopt het dat er 400 meldingen waren?") == []


def test_years_are_no_figures() -> None:
    assert ungrounded_numbers("In 2023: 310 meldingen [1].", [GELUID]) == []


def test_a_small_number_in_no_quote_is_not_grounded() -> None:
    assert ungrounded_numbers("Er waren 7 meldingen van geluidsoverlast [1].", [GELUID]) == [7]


def test_a_wrong_calculation_does_not_ground_its_result() -> None:
    assert ungrounded_numbers("Samen: 310 + 145 = 999 [1,2].", [GELUID, JEUGD]) == [999]


def test_a_refusal_without_citations_is_left_alone() -> None:
    response = respond(
        "Het verslag gaat over 2023. Over 2019 staat er niets in; het noemt 12 onderwerpen.",
        [],
        route="refusal",
    )
    assert enforce_grounding(response, SOURCES) == response


def test_an_ungrounded_answer_without_quotes_is_refused() -> None:
    grounded = enforce_grounding(respond("Er waren 310 meldingen.", []), SOURCES)
    assert (grounded.route, grounded.answer) == ("refusal", ERROR_UNGROUNDED)


def test_a_quote_that_is_not_the_source_text_is_an_error() -> None:
    altered = GELUID.model_copy(update={"quote": "Geluidsoverlast 320"})
    with pytest.raises(AssertionError, match="not verbatim"):
        enforce_grounding(respond("Geluidsoverlast: 320 [1].", [altered]), SOURCES)


@pytest.mark.parametrize(
    ("report", "question"),
    [
        (DORDRECHT_2023, "Hoeveel zaken hadden Binnenstad en Krispijn samen?"),
        (DORDRECHT_2023, "Hoeveel meer zaken had Dubbeldam dan Krispijn?"),
        (DORDRECHT_2023, "Met hoeveel procent is het aantal fietsendiefstallen gedaald?"),
        (DORDRECHT_2023, "Welk deel van de overlastzaken betrof koopwoningen?"),
        (TILBURG_2024, "Wat waren de lasten van veilig wonen?"),
        (TILBURG_2024, "Welke doelstelling had de hoogste lasten?"),
        pytest.param(
            DORDRECHT_2023,
            "Hoeveel procent van de overlastzaken was afgerond?",
            id="share-of-exactly-a-half",
        ),
    ],
)
def test_table_answers_pass_the_grounding_check(report: Report, question: str) -> None:
    """What the table route writes, the grounding check lets through unchanged."""
    tables = Tables(report)
    found = tables.answered(question)
    response = respond(found.body, found.citations)
    assert enforce_grounding(response, tables.sources, question).answer == found.body


def test_a_report_named_in_the_answer_is_a_name_not_a_figure() -> None:
    label = "Jaarstukken 2024 — Programma 7 Wonen (Heerlen)"
    answer = f"Dit staat niet in {label}, maar wel hier: Geluidsoverlast 310 [1]."
    assert ungrounded_numbers(answer, [GELUID]) == [Decimal("7")]
    assert ungrounded_numbers(answer, [GELUID], names=[label]) == []
    # Only the whole label is a name: the same number elsewhere is still a figure.
    assert ungrounded_numbers(answer + " Er waren 7 klachten.", [GELUID], names=[label]) == [
        Decimal("7")
    ]
