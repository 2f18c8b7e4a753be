"""Several reports in one corpus, end to end: real model, real Chroma, real ingest.

The corpus is the real report plus the made-up fixture reports of other municipalities,
layouts and years (`tests/fixtures/corpus/LAYOUTS.md`). Adding them needed no code: each is
one `.txt` with its `.meta.json`. These tests check that a question reaches the right
document, that every figure is cited from the document it comes from, that years and
municipalities the corpus does not cover are refused, and that a second ingest of an
unchanged corpus embeds nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.embed import load_embeddings
from ingest.pipeline import IngestSummary, run_ingest
from service.answer.pipeline import Assistant, build_assistant
from service.settings import Settings
from service.web.schemas import AskRequest, AskResponse
from tests.conftest import MODEL_DIR, REPORT, model_available

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not model_available(), reason="model not built: run `make model`"),
]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
AMERSFOORT = "amersfoort-jaarverslag-2023-programma-2-veiligheid"
DEVENTER = "deventer-jaarverslag-2023-openbare-ruimte"
LEEUWARDEN = "leeuwarden-jaarstukken-2024-programma-wonen"
ZOETERMEER_2024 = REPORT.stem
ZOETERMEER_2025 = "zoetermeer-jaarrekening-2025-programma-5-veiligheid"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, IngestSummary]:
    corpus = tmp_path_factory.mktemp("corpus")
    for path in [REPORT, REPORT.with_suffix(".meta.json"), *FIXTURES.glob("*.*")]:
        if path.suffix in {".txt", ".json"}:
            shutil.copy(path, corpus / path.name)
    settings = Settings(
        corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"), model_dir=MODEL_DIR
    )
    return settings, run_ingest(settings, lambda: load_embeddings(settings))


@pytest.fixture(scope="module")
def assistant(built: tuple[Settings, IngestSummary]) -> Assistant:
    return build_assistant(built[0])


def ask(assistant: Assistant, question: str) -> AskResponse:
    response = assistant.ask(AskRequest(question=question))
    for c in response.citations:
        assert assistant.source(c.document)[c.start : c.end] == c.quote
    return response


def cited(response: AskResponse) -> set[str]:
    return {c.document for c in response.citations}


def test_every_document_is_ingested(built: tuple[Settings, IngestSummary]) -> None:
    _, summary = built
    ids = {d.id for d in summary.documents}
    assert {AMERSFOORT, DEVENTER, LEEUWARDEN, ZOETERMEER_2024, ZOETERMEER_2025} <= ids


def test_an_unchanged_corpus_is_not_embedded_again(built: tuple[Settings, IngestSummary]) -> None:
    settings, first = built
    again = run_ingest(settings, lambda: load_embeddings(settings))
    assert again.build_id == first.build_id
    assert again.reused


def test_a_table_figure_of_another_municipality_is_cited_from_its_report(
    assistant: Assistant,
) -> None:
    response = ask(assistant, "Hoeveel meldingen overlast jeugd waren er in 2023 in Vathorst?")
    assert response.route == "table", response.answer
    assert "118" in response.answer
    assert cited(response) == {AMERSFOORT}
    assert any(c.table_row and "Vathorst" in c.table_row for c in response.citations)


def test_a_text_figure_of_another_municipality_is_cited_from_its_report(
    assistant: Assistant,
) -> None:
    response = ask(assistant, "Hoeveel autobranden waren er tijdens de jaarwisseling 2023-2024?")
    assert "16" in response.answer
    assert AMERSFOORT in cited(response)


def test_two_years_are_answered_each_from_its_own_report(assistant: Assistant) -> None:
    response = ask(
        assistant, "Hoeveel bedroegen de totale lasten van programma 5 Veiligheid in 2024 en 2025?"
    )
    assert "21.342" in response.answer and "22.116" in response.answer, response.answer
    assert {ZOETERMEER_2024, ZOETERMEER_2025} <= cited(response)


def test_a_figure_restated_in_the_next_report_is_given_with_both_sources(
    assistant: Assistant,
) -> None:
    response = ask(assistant, "Hoeveel woninginbraken waren er in 2024?")
    assert "89" in response.answer and "94" in response.answer, response.answer
    assert {ZOETERMEER_2024, ZOETERMEER_2025} <= cited(response)


def test_a_municipality_without_a_report_is_refused_naming_the_ones_covered(
    assistant: Assistant,
) -> None:
    response = ask(assistant, "Hoeveel meldingen openbare ruimte had Zwolle in 2023?")
    assert response.route == "refusal", response.answer
    assert "Zwolle" in response.answer and "Deventer" in response.answer


def test_a_year_no_report_covers_is_refused(assistant: Assistant) -> None:
    response = ask(assistant, "Hoeveel nieuwbouwwoningen zijn in 2021 in Leeuwarden opgeleverd?")
    assert response.route == "refusal", response.answer
    assert "2021" in response.answer


def test_a_question_naming_a_municipality_is_answered_from_its_report(
    assistant: Assistant,
) -> None:
    response = ask(assistant, "Hoeveel nieuwbouwwoningen zijn in 2023 in Leeuwarden opgeleverd?")
    assert "655" in response.answer, response.answer
    assert cited(response) == {LEEUWARDEN}
