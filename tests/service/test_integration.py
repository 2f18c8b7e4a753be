"""End to end with the real model, real Chroma and the real report (`make index` first)."""

from __future__ import annotations

import pytest

from service.answer.grounding import ungrounded_numbers
from service.answer.pipeline import Assistant, build_assistant
from service.settings import Settings
from service.web.schemas import AskRequest
from tests.conftest import model_available

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not model_available(), reason="model not built: run `make model`"),
]


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return build_assistant(Settings())


# Questions about the running text, and a phrase the cited passage must contain.
TEXT_QUESTIONS = [
    ("Hoeveel meldingen heeft Team Handhaving in 2024 verwerkt?", "13.939 meldingen verwerkt"),
    ("Met hoeveel procent stegen de meldingen bij handhaving?", "30,8%"),
    ("Wat was de schade aan gemeentelijke eigendommen bij de jaarwisseling?", "€ 63.857"),
    ("Hoeveel toeschouwers kwamen er naar de lasershow voor kinderen?", "2.000"),
    ("Hoeveel jongeren zaten in 2024 in de PGA Jeugd?", "120 jongeren"),
    ("Hoeveel bedrijven zijn gecontroleerd bij de aanpak ondermijning?", "27"),
    ("Waar is vast cameratoezicht ingesteld?", "Stadhuisplein"),
    ("Hoeveel signalen over ondermijning kwamen binnen?", "177 signalen"),
    ("Hoeveel personen kregen een gebiedsverbod?", "41 personen"),
    ("Hoeveel professionals zijn er getraind over extremisme?", "231 professionals"),
    ("Wanneer is de DPIA voor ondermijning vastgesteld?", "augustus"),
    ("Hoeveel knock and talk gesprekken zijn gevoerd?", "30"),
    ("Hoeveel (ex-)detentiejongeren begeleidde de RIO?", "14 (ex-)detentiejongeren"),
    ("Hoeveel jongeren zijn via IPTA begeleid?", "54 jongeren"),
    ("Hoeveel vouchers voor zakken zand zijn ingeleverd?", "971 vouchers"),
    ("Wat houdt de campagne Helpende Hens in?", "oliedrums"),
    ("Hoeveel meldingen van huiselijk geweld registreerde de politie?", "228 meldingen"),
    (
        "Wanneer gingen de bevolkingszorgtaken naar een gemeenschappelijke organisatie?",
        "1 juli",
    ),
    ("handhavng meldingen 2024", "13.939"),
    ("What was the damage to waste bins on New Year's Eve?", "€ 28.122"),
]

UNANSWERABLE = [
    "Hoeveel fietsendiefstallen waren er in 2024?",
    "Wie is de burgemeester van Zoetermeer?",
    "Moet de gemeente meer camera's ophangen?",
    "Hoeveel woninginbraken waren er in Delft?",
    "Hoeveel schade was er aan bushokjes tijdens de jaarwisseling?",
]


@pytest.mark.parametrize(("question", "phrase"), TEXT_QUESTIONS)
def test_text_question_cites_the_right_passage_verbatim(
    assistant: Assistant, question: str, phrase: str
) -> None:
    response = assistant.ask(AskRequest(question=question))
    assert response.route == "text", response.answer
    assert any(phrase in c.quote for c in response.citations), response.answer
    for c in response.citations:
        assert assistant.source(c.document)[c.start : c.end] == c.quote
    assert ungrounded_numbers(response.answer, response.citations, question) == []


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_question_the_report_cannot_answer_is_refused(assistant: Assistant, question: str) -> None:
    response = assistant.ask(AskRequest(question=question))
    assert response.route == "refusal", response.answer


def test_same_question_same_answer(assistant: Assistant) -> None:
    question = AskRequest(question="Wat deed de gemeente aan crisisbeheersing?")
    assert assistant.ask(question) == assistant.ask(question)


def test_follow_up_carries_the_topic(assistant: Assistant) -> None:
    response = assistant.ask(
        AskRequest(
            question="welk deel daarvan kwam van partners?",
            history=[
                {"role": "user", "content": "Hoeveel signalen over ondermijning kwamen binnen?"}
            ],
        )
    )
    assert response.resolved_question and "ondermijning" in response.resolved_question
    assert any("18% van" in c.quote for c in response.citations), response.answer


def test_table_question_takes_the_table_route(assistant: Assistant) -> None:
    response = assistant.ask(
        AskRequest(question="Hoeveel afgeronde casussen had Rokkeveen bij koopwoningen?")
    )
    assert response.route == "table"
    assert "4" in response.answer
    assert any(c.quote.startswith("Rokkeveen") for c in response.citations)


def test_every_answer_of_the_eval_set_is_grounded_before_the_safety_net(
    assistant: Assistant,
) -> None:
    """Each route composes grounded answers itself; `enforce_grounding` never has to step in."""
    from evals.dataset import load_questions

    loose = {}
    for q in load_questions():
        request = AskRequest(question=q.question, history=q.history)
        response = assistant.compose(assistant.understand(request))
        for c in response.citations:
            assert assistant.source(c.document)[c.start : c.end] == c.quote, q.id
        if response.route == "refusal" and not response.citations:
            continue  # a refusal names what is missing, not a figure
        names = [assistant.corpus.label(d) for d in assistant.corpus.documents]
        numbers = ungrounded_numbers(response.answer, response.citations, q.question, names)
        if numbers:
            loose[q.id] = (response.answer, numbers)
    assert loose == {}
