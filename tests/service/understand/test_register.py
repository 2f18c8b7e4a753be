"""Register, not content: courtesy and council wrappers come off; only real requests to act,
opinions, persons and contact details are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.understand.parse import understand
from service.understand.register import detect_language, read_register


@pytest.mark.parametrize(
    ("question", "core"),
    [
        (
            "Kunt u aangeven hoeveel fietsendiefstallen er in 2023 waren?",
            "hoeveel fietsendiefstallen er in 2023 waren?",
        ),
        (
            "Kan het college toelichten waarom de lasten voor toezicht zijn gestegen?",
            "waarom de lasten voor toezicht zijn gestegen?",
        ),
        ("Graag een overzicht van de overlastzaken per wijk.", "de overlastzaken per wijk."),
        ("Ik wil graag weten hoeveel boetes zijn uitgedeeld.", "hoeveel boetes zijn uitgedeeld."),
        (
            "Could you tell me how many bicycles were stolen in 2023?",
            "how many bicycles were stolen in 2023?",
        ),
        (
            "Geacht college, kunt u de raad aangeven hoeveel meldingen er waren?",
            "hoeveel meldingen er waren?",
        ),
    ],
)
def test_wrappers_come_off_and_leave_the_core_question(question: str, core: str) -> None:
    reading = read_register(question)
    assert reading.core == core
    assert reading.formal
    assert reading.refusal is None


@pytest.mark.parametrize(
    "question",
    [
        "Kunt u aangeven hoeveel meldingen handhaving kreeg?",
        "Kunt u ons vertellen hoeveel camera's er hangen?",
        "Wilt u toelichten hoeveel het cameratoezicht kostte?",
        "Kan het college bevestigen dat het doel is gehaald?",
    ],
)
def test_a_request_for_information_is_never_refused_as_an_action(question: str) -> None:
    assert read_register(question).refusal is None
    assert understand(question).refusal is None


def test_an_overview_request_lists_everything() -> None:
    frame = understand("Graag een overzicht van de overlastzaken per wijk.")
    assert read_register("Graag een overzicht van de overlastzaken per wijk.").overview
    assert frame.parts[0].operation == "list"


@pytest.mark.parametrize(
    "question",
    [
        "Kunt u mijn buurman melden?",
        "Kun je mij terugbellen?",
        "Wilt u mijn melding doorgeven?",
        "Ik wil graag een klacht indienen",
        "Could you call me?",
        "Beste gemeente, kunt u de buren beboeten?",
    ],
)
def test_a_request_to_act_is_refused_as_an_action(question: str) -> None:
    assert read_register(question).refusal == "action"
    assert understand(question).refusal == "action"


def test_asking_to_state_a_number_is_not_an_action() -> None:
    assert read_register("Kunt u het aantal woninginbraken aangeven?").refusal is None


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Wat vindt u van het cameratoezicht?", "opinion"),
        ("Moet de gemeente meer handhaven?", "opinion"),
        ("Wat is uw mening over vuurwerk?", "opinion"),
        ("Should the city hire more officers?", "opinion"),
        ("Wie is de burgemeester?", "person"),
        ("Hoe heet de wijkagent van Krispijn?", "person"),
        ("Wat is het telefoonnummer van handhaving?", "contact"),
        ("Wat zijn de openingstijden van het stadskantoor?", "contact"),
    ],
)
def test_opinions_persons_and_contact_details_are_refused(question: str, reason: str) -> None:
    assert understand(question).refusal == reason


def test_a_formal_wrapper_does_not_hide_an_opinion() -> None:
    assert understand("Kan het college aangeven wat uw mening is over vuurwerk?").refusal == (
        "opinion"
    )


def test_klopt_het_dat_becomes_a_claim_with_its_figures() -> None:
    frame = understand("Klopt het dat er in 2023 371 fietsendiefstallen waren?")
    (part,) = frame.parts
    assert frame.refusal is None
    assert part.kind == "claim" and part.asks == "yesno"
    assert part.claim is not None
    assert part.claim.statement == "er in 2023 371 fietsendiefstallen waren?"
    assert part.claim.figures == (Decimal(371),)  # the year is no claimed figure
    assert part.claim.direction is None
    assert "371" not in part.claim.probe and "fietsendiefstallen" in part.claim.probe


@pytest.mark.parametrize(
    ("question", "figures", "direction"),
    [
        ("Klopt het dat het aantal inbraken is gedaald?", (), "down"),
        ("Is het waar dat de lasten zijn gestegen naar 4,6 miljoen euro?", (4_600_000,), "up"),
        ("Is it true that thefts increased?", (), "up"),
    ],
)
def test_a_claim_keeps_the_direction_it_states(
    question: str, figures: tuple[int, ...], direction: str
) -> None:
    claim = understand(question).parts[0].claim
    assert claim is not None
    assert claim.figures == tuple(Decimal(f) for f in figures)
    assert claim.direction == direction


@pytest.mark.parametrize(
    "question",
    [
        "Kan het college bevestigen dat er in 2023 371 fietsendiefstallen waren?",
        "Kunt u ons bevestigen of er in 2023 371 fietsendiefstallen waren?",
        "Is het juist dat er in 2023 371 fietsendiefstallen waren?",
    ],
)
def test_a_request_to_confirm_is_a_claim_to_check(question: str) -> None:
    (part,) = understand(question).parts
    assert part.kind == "claim" and part.claim is not None
    assert part.claim.figures == (Decimal(371),)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Hoeveel fietsendiefstallen waren er in 2023?", "nl"),
        ("How many bicycles were stolen in 2023?", "en"),
        ("Could you tell me what the costs were?", "en"),
    ],
)
def test_language_follows_the_function_words(question: str, language: str) -> None:
    assert detect_language(question) == language
