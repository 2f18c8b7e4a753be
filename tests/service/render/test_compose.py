"""Composing the response: parts numbered in order under the part as understood, citations
numbered once over the whole answer, a refusal only when nothing was answered."""

from __future__ import annotations

import re

from service.answer.result import PartAnswer, make_citation
from service.render.compose import combine, respond, route_of
from service.understand.parse import understand
from service.web.schemas import Route

SOURCE = (
    "Realisatie 452 371\n"
    "Dubbeldam 9 12 20 9 50\n"
    "Krispijn 2 3 12 9 26\n"
    "Door extra toezicht bij de fietsenstallingen is het aantal diefstallen gedaald.\n"
)
TWO_PARTS = "Hoeveel fietsendiefstallen waren er in 2023 en welke wijk had de meeste zaken?"


def answer(body: str, quotes: list[str], route: Route = "table") -> PartAnswer:
    citations = [
        make_citation(
            n,
            "doc",
            "Jaarstukken",
            "Programma 3",
            SOURCE,
            SOURCE.index(q),
            SOURCE.index(q) + len(q),
        )
        for n, q in enumerate(quotes, start=1)
    ]
    return PartAnswer(route, body, citations)


def refused(body: str = "Hierover staat niets in het verslag.") -> PartAnswer:
    return PartAnswer("refusal", body, answered=False)


THEFTS = answer("Realisatie, 2023: 371 [1].", ["Realisatie 452 371"])
WIJK = answer(
    "Het hoogst: Dubbeldam [1] (50). Daarna Krispijn [2].",
    ["Dubbeldam 9 12 20 9 50", "Krispijn 2 3 12 9 26"],
)


def test_one_part_reads_as_that_parts_answer() -> None:
    frame = understand("Hoeveel fietsendiefstallen waren er in 2023?")
    response = respond(frame, [THEFTS])
    assert response.answer == "Realisatie, 2023: 371 [1]."
    assert response.route == "table"
    assert [c.id for c in response.citations] == [1]
    assert response.resolved_question is None


def test_parts_are_numbered_in_order_under_the_part_as_understood() -> None:
    frame = understand(TWO_PARTS)
    response = respond(frame, [THEFTS, WIJK])
    first, second = response.answer.split("\n\n")
    assert first == "1. Hoeveel fietsendiefstallen waren er in 2023?\nRealisatie, 2023: 371 [1]."
    assert second.startswith("2. Welke wijk had de meeste zaken?\n")
    assert [(p.question, p.route, p.answered) for p in response.parts] == [
        ("Hoeveel fietsendiefstallen waren er in 2023", "table", True),
        ("welke wijk had de meeste zaken?", "table", True),
    ]


def test_citations_are_renumbered_over_the_whole_answer() -> None:
    response = respond(understand(TWO_PARTS), [THEFTS, WIJK])
    assert "Dubbeldam [2] (50). Daarna Krispijn [3]." in response.answer
    assert [(c.id, c.quote) for c in response.citations] == [
        (1, "Realisatie 452 371"),
        (2, "Dubbeldam 9 12 20 9 50"),
        (3, "Krispijn 2 3 12 9 26"),
    ]
    for citation in response.citations:
        assert SOURCE[citation.start : citation.end] == citation.quote


def test_a_marker_citing_two_quotes_is_renumbered_too() -> None:
    summed = answer(
        "Dubbeldam: 50 [1]. Krispijn: 26 [2]. Samen: 50 + 26 = 76 [1,2].",
        ["Dubbeldam 9 12 20 9 50", "Krispijn 2 3 12 9 26"],
    )
    response = respond(understand(TWO_PARTS), [THEFTS, summed])
    assert "Samen: 50 + 26 = 76 [2,3]." in response.answer


def test_a_passage_two_parts_cite_is_listed_once_under_one_number() -> None:
    again = answer(
        "Krispijn: 26 [1]. Dubbeldam: 50 [2].", ["Krispijn 2 3 12 9 26", "Dubbeldam 9 12 20 9 50"]
    )
    response = respond(understand(TWO_PARTS), [WIJK, again])
    assert [c.id for c in response.citations] == [1, 2]
    assert response.answer.endswith("Krispijn: 26 [2]. Dubbeldam: 50 [1].")


def test_combined_answers_share_the_number_of_a_passage_both_cite() -> None:
    both = combine([THEFTS, answer("Realisatie 2023: 371 [1].", ["Realisatie 452 371"])])
    assert [c.id for c in both.citations] == [1]
    assert both.body == "Realisatie, 2023: 371 [1]. Realisatie 2023: 371 [1]."


def test_every_marker_points_at_a_citation_of_its_own_part() -> None:
    response = respond(understand(TWO_PARTS), [THEFTS, WIJK])
    for number, section in enumerate(response.answer.split("\n\n"), start=1):
        markers = {int(m) for m in re.findall(r"\[(\d+)\]", section)}
        own = {1} if number == 1 else {2, 3}
        assert markers == own


def test_an_unanswered_part_says_so_while_the_others_are_answered() -> None:
    response = respond(understand(TWO_PARTS), [refused(), WIJK])
    assert response.route == "table"
    assert (
        "1. Hoeveel fietsendiefstallen waren er in 2023?\nHierover staat niets" in response.answer
    )
    assert [p.answered for p in response.parts] == [False, True]
    assert [c.id for c in response.citations] == [1, 2]  # numbering starts at the answered part
    assert "Dubbeldam [1]" in response.answer


def test_the_whole_route_is_refusal_only_when_no_part_was_answered() -> None:
    response = respond(understand(TWO_PARTS), [refused("Niets over a."), refused("Niets over b.")])
    assert response.route == "refusal"
    assert response.citations == []
    assert route_of([refused(), answer("Volgens het verslag: … [1]", [SOURCE[:18]], "text")]) == (
        "text"
    )


def test_a_follow_up_shows_how_it_was_understood() -> None:
    frame = understand("En in 2022?", ["Hoeveel fietsendiefstallen waren er in 2023?"])
    response = respond(frame, [answer("Realisatie, 2022: 452 [1].", ["Realisatie 452 371"])])
    assert response.resolved_question == "Hoeveel fietsendiefstallen waren er in 2022?"


def test_an_english_question_is_answered_in_english() -> None:
    frame = understand("How many bicycles were stolen in 2023 and which district had most cases?")
    response = respond(frame, [THEFTS, WIJK])
    assert response.language == "en"
    assert response.answer.startswith("1. How many bicycles were stolen in 2023?\n")


def test_answers_for_several_years_combine_into_one_numbered_on() -> None:
    combined = combine(
        [
            answer("2022: 452 [1].", ["Realisatie 452 371"]),
            answer(
                "2023: Dubbeldam 50 [1], Krispijn 26 [2].",
                ["Dubbeldam 9 12 20 9 50", "Krispijn 2 3 12 9 26"],
            ),
        ]
    )
    assert combined.body == "2022: 452 [1]. 2023: Dubbeldam 50 [2], Krispijn 26 [3]."
    assert [c.id for c in combined.citations] == [1, 2, 3]
    assert combined.answered and combined.route == "table"
