"""A question that asks several things becomes one part per thing asked, in order."""

from __future__ import annotations

import pytest

from service.understand.parse import understand
from service.understand.parts import split_parts

TWO_QUESTIONS = "Hoeveel fietsendiefstallen waren er in 2023 en welke wijk had de meeste zaken?"


def texts(question: str) -> list[str]:
    return [text for text, _ in split_parts(question)]


def test_a_second_question_word_after_en_starts_a_new_part() -> None:
    assert texts(TWO_QUESTIONS) == [
        "Hoeveel fietsendiefstallen waren er in 2023",
        "welke wijk had de meeste zaken?",
    ]


def test_comma_en_hoeveel_daarvan_starts_a_new_part() -> None:
    question = "Hoeveel meldingen kreeg handhaving, en hoeveel daarvan gingen over parkeren?"
    assert texts(question) == [
        "Hoeveel meldingen kreeg handhaving",
        "hoeveel daarvan gingen over parkeren?",
    ]


def test_two_question_marks_make_two_parts() -> None:
    assert texts("Wat kostte cameratoezicht? Wat waren de baten van toezicht?") == [
        "Wat kostte cameratoezicht?",
        "Wat waren de baten van toezicht?",
    ]


def test_numbered_sub_questions_become_parts_without_their_numbers() -> None:
    question = (
        "Geacht college, 1. Hoeveel overlastzaken waren er in 2023? "
        "2. Welke wijk had de meeste zaken? 3. Is het doel gehaald?"
    )
    frame = understand(question)
    assert [p.text for p in frame.parts] == [
        "Hoeveel overlastzaken waren er in 2023?",
        "Welke wijk had de meeste zaken?",
        "Is het doel gehaald?",
    ]


def test_a_later_request_wrapper_starts_a_part_and_comes_off() -> None:
    question = (
        "Hoeveel boetes zijn uitgedeeld en kan het college toelichten waarom dat er minder waren?"
    )
    assert texts(question) == [
        "Hoeveel boetes zijn uitgedeeld",
        "waarom dat er minder waren?",
    ]


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel schade was er aan afvalbakken, containers en verharding samen?",
        "Hoeveel lasten en baten had veilig wonen?",
        "Welke wijken hadden lopende en afgeronde zaken bij koop en huur?",
    ],
)
def test_a_list_of_things_stays_one_part(question: str) -> None:
    assert texts(question) == [question]


def test_a_part_that_says_daarvan_carries_the_earlier_parts_words() -> None:
    frame = understand("Hoeveel jongeren werden begeleid en hoeveel daarvan vonden werk?")
    first, second = frame.parts
    assert first.carried == ()
    assert second.refers_back
    assert set(second.carried) >= {"jongeren", "begeleid"}
    assert "werk" in second.terms
    assert second.text == "hoeveel daarvan vonden werk?"  # shown as asked: same question


def test_a_part_with_a_topic_of_its_own_carries_nothing() -> None:
    frame = understand("Hoeveel fietsen werden gestolen en welke wijk had de meeste overlastzaken?")
    assert [p.carried for p in frame.parts] == [(), ()]


def test_the_parts_of_a_question_are_read_each_on_their_own() -> None:
    frame = understand(TWO_QUESTIONS)
    first, second = frame.parts
    assert (first.asks, first.operation, first.years) == ("amount", "value", (2023,))
    assert (second.asks, second.operation, second.group) == ("which", "max", "wijk")
