"""Follow-ups: a turn that leans on the one before takes over what it lacks, and shows how
it was understood; a new question stands on its own."""

from __future__ import annotations

import pytest

from service.understand.followup import is_follow_up
from service.understand.parse import CorpusFacts, understand

CORPUS = CorpusFacts(municipalities=("Dordrecht", "Tilburg"), programmes=("Veiligheid",))


def test_en_in_another_year_replaces_the_year() -> None:
    frame = understand("En in 2022?", ["Hoeveel fietsendiefstallen waren er in 2023?"])
    (part,) = frame.parts
    assert frame.followup
    assert part.years == (2022,)
    assert part.carried == ("fietsendiefstallen",)
    assert (part.asks, part.operation, part.amount) == ("amount", "value", "count")
    assert frame.resolved == "Hoeveel fietsendiefstallen waren er in 2022?"


def test_het_jaar_ervoor_counts_back_from_the_previous_turns_year() -> None:
    frame = understand("En het jaar ervoor?", ["Hoeveel fietsendiefstallen waren er in 2023?"])
    assert frame.parts[0].years == (2022,)
    assert frame.resolved == "Hoeveel fietsendiefstallen waren er in 2022?"


def test_en_bij_adds_a_word_to_the_previous_question() -> None:
    frame = understand("en bij koopwoningen?", ["Hoeveel lopende zaken had Krispijn?"])
    (part,) = frame.parts
    assert part.terms == ("koopwoningen",)
    assert set(part.carried) == {"lopende", "zaken", "krispijn"}
    assert frame.resolved == "Hoeveel lopende zaken had Krispijn bij koopwoningen?"


def test_en_aan_replaces_what_followed_aan() -> None:
    frame = understand(
        "en aan verharding?", ["Hoeveel schade was er aan afvalbakken bij de jaarwisseling?"]
    )
    (part,) = frame.parts
    assert "afvalbakken" not in part.carried
    assert set(part.carried) == {"schade", "jaarwisseling"}
    assert frame.resolved == "Hoeveel schade was er aan verharding bij de jaarwisseling?"


def test_waarom_asks_the_reason_of_the_previous_topic() -> None:
    frame = understand("waarom?", ["Hoeveel fietsendiefstallen waren er in 2023?"])
    (part,) = frame.parts
    assert (part.asks, part.kind) == ("why", "reason")
    assert part.carried == ("fietsendiefstallen",)
    assert part.years == (2023,)
    assert frame.resolved is not None and "fietsendiefstallen" in frame.resolved


def test_hoeveel_daarvan_narrows_the_previous_turn() -> None:
    frame = understand("En hoeveel daarvan waren afgerond?", ["Hoeveel zaken had Dubbeldam?"])
    (part,) = frame.parts
    assert part.refers_back
    assert "afgerond" in part.terms
    assert set(part.carried) == {"zaken", "dubbeldam"}


def test_a_follow_up_keeps_the_municipality_of_the_previous_turn() -> None:
    frame = understand(
        "En in 2022?", ["Hoeveel inbraken waren er in Tilburg in 2023?"], corpus=CORPUS
    )
    assert frame.scope.municipalities == ("Tilburg",)


def test_a_follow_up_naming_another_municipality_moves_there() -> None:
    frame = understand(
        "En in Dordrecht?", ["Hoeveel inbraken waren er in Tilburg in 2023?"], corpus=CORPUS
    )
    assert frame.scope.municipalities == ("Dordrecht",)
    assert frame.resolved == "Hoeveel inbraken waren er in Dordrecht in 2023?"


@pytest.mark.parametrize(
    "question",
    [
        "Welke wijk had de meeste overlastzaken?",
        "Hoeveel boetes zijn er uitgedeeld door handhavers?",
        "Wat kostte het cameratoezicht in de binnenstad?",
    ],
)
def test_a_new_standalone_question_is_not_a_follow_up(question: str) -> None:
    frame = understand(question, ["Hoeveel fietsendiefstallen waren er in 2023?"])
    assert not frame.followup
    assert frame.resolved is None
    assert all(p.carried == () for p in frame.parts)
    assert all(p.years == () for p in frame.parts)


@pytest.mark.parametrize("question", ["Hoeveel overlastzaken waren er?", "Wat is IPTA?"])
def test_a_complete_question_with_one_topic_word_is_not_a_follow_up(question: str) -> None:
    frame = understand(question, ["Hoeveel fietsendiefstallen waren er in 2023?"])
    assert not frame.followup


def test_a_refused_turn_is_never_a_follow_up() -> None:
    frame = understand("En wat vindt u daarvan?", ["Hoeveel fietsendiefstallen waren er?"])
    assert frame.refusal == "opinion"
    assert not frame.followup


def test_a_chain_of_follow_ups_keeps_the_first_topic() -> None:
    history = ["Hoeveel fietsendiefstallen waren er in 2023?", "En in 2022?", "en bij het station?"]
    frame = understand("En in 2021?", history)
    assert frame.parts[0].years == (2021,)
    assert "fietsendiefstallen" in frame.parts[0].carried


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("En in 2022?", True),
        ("en Krispijn?", True),
        ("What about 2022?", True),
        ("Hoeveel daarvan?", True),
        ("Welke wijk had de meeste zaken met koopwoningen?", False),
    ],
)
def test_which_questions_lean_on_an_earlier_turn(question: str, expected: bool) -> None:
    assert is_follow_up(question) is expected


def test_a_later_part_naming_only_a_kind_takes_the_topic_of_the_part_before() -> None:
    frame = understand("Hoeveel jongeren zaten in het Jeugdnetwerk en wat houdt die aanpak in?")
    first, second = frame.parts
    assert second.refers_back
    assert set(first.terms) <= set(second.carried)


def test_a_kind_after_a_determiner_points_back_in_a_later_turn() -> None:
    assert is_follow_up("Wat houdt de aanpak in?")
    assert not is_follow_up("Wat is de aanpak van fietsendiefstal in de binnenstad?")
