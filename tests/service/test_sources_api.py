"""What the widget builds on: readable table sources, the report page at the quoted place,
suggested questions that are answered, a stable question id, and notes where the report
disagrees with itself about a cited passage."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.answer.pipeline import build_assistant
from service.answer.scope import DocumentInfo
from service.answer.suggestions import candidates, subject
from service.render import messages
from service.web.app import create_app
from tests.conftest import REPORT_ID, FakeEmbeddings, fake_index

TABLE_QUESTION = "Hoeveel lopende casussen had Meerzicht bij koopwoningen in 2024?"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("sources")
    settings = fake_index(root, feedback_db=root / "feedback.sqlite3")
    app = create_app(settings, lambda s: build_assistant(s, embeddings=FakeEmbeddings()))
    with TestClient(app) as client:
        yield client


def ask(client: TestClient, question: str, history: list[dict[str, str]] | None = None) -> Any:
    response = client.post("/v1/ask", json={"question": question, "history": history or []})
    assert response.status_code == 200
    return response.json()


def test_a_cited_table_row_comes_with_its_headers_as_a_small_table(client: TestClient) -> None:
    body = ask(client, TABLE_QUESTION)
    (citation,) = [c for c in body["citations"] if c["table"]]
    table = citation["table"]
    assert table["title"] == "Tabel 5.1 Woonoverlast 2024"
    assert table["row"] == "Meerzicht"
    cells = {c["column"]: c["value"] for c in table["cells"]}
    assert cells["Koop Lopende casuïstiek"] == "4" and cells["Totaal"] == "46"
    # Every value is printed in the cited row, in the same order.
    assert citation["quote"].split()[1:] == [c["value"] for c in table["cells"]]


def test_money_tables_say_their_unit(client: TestClient) -> None:
    body = ask(client, "Wat waren de lasten van doelstelling 5.1 in 2024?")
    tables = [c["table"] for c in body["citations"] if c["table"]]
    assert tables and tables[0]["unit"] == "bedragen x € 1.000"


def test_question_id_is_stable_and_depends_on_the_conversation(client: TestClient) -> None:
    first = ask(client, TABLE_QUESTION)["question_id"]
    assert first == ask(client, "  " + TABLE_QUESTION.replace(" ", "  "))["question_id"]
    other = ask(client, TABLE_QUESTION, [{"role": "user", "content": "Hoi"}])["question_id"]
    assert len(first) == 16 and other != first
    assert TABLE_QUESTION not in first


def test_answer_notes_where_text_and_table_disagree_about_a_cited_passage(
    client: TestClient,
) -> None:
    explanations = [d["explanation"] for d in client.get("/v1/consistency").json()]
    body = ask(client, "Wat was het saldo van TOTAAL PROGRAMMA in 2024?")
    assert body["inconsistencies"] and set(body["inconsistencies"]) <= set(explanations)
    assert ask(client, "Hoeveel woninginbraken waren er in 2024?")["inconsistencies"] == []


def test_document_page_marks_the_cited_passage(client: TestClient) -> None:
    citation = ask(client, TABLE_QUESTION)["citations"][0]
    url = f"/v1/documents/{citation['document']}"
    page = client.get(url, params={"start": citation["start"], "end": citation["end"]})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    marked = page.text.split('<mark id="bron" tabindex="-1">')[1].split("</mark>")[0]
    assert unescape(marked) == citation["quote"]
    assert '<html lang="nl">' in page.text and "<script" not in page.text
    whole = client.get(url)
    assert whole.status_code == 200 and "<mark" not in whole.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/documents/bestaat-niet", 404),
        (f"/v1/documents/{REPORT_ID}?start=10&end=5", 422),
        (f"/v1/documents/{REPORT_ID}?start=10", 422),
        (f"/v1/documents/{REPORT_ID}?start=0&end=99999999", 422),
        (f"/v1/documents/{REPORT_ID}?start=-1&end=5", 422),
    ],
)
def test_document_page_refuses_unknown_reports_and_ranges(
    client: TestClient, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_suggestions_are_answered_from_their_own_report(client: TestClient) -> None:
    suggestions = client.get("/v1/suggestions").json()["suggestions"]
    assert 1 <= len(suggestions) <= 3
    for suggestion in suggestions:
        assert suggestion["document"] == REPORT_ID
        body = ask(client, suggestion["question"])
        assert body["route"] != "refusal"
        assert {c["document"] for c in body["citations"]} == {REPORT_ID}


def test_suggestion_candidates_follow_the_reports_own_titles_and_headings() -> None:
    assert subject("Tabel 5.1 Woonoverlast 2024") == "Woonoverlast"
    assert subject("Aantal woninginbraken per jaar (Realisatie 2024)") == (
        "Aantal woninginbraken per jaar"
    )
    document = DocumentInfo("x", "Gouda", 2025, "Wonen", "Jaarstukken 2025", frozenset({2025}))
    made = candidates(
        document,
        [],
        [
            "Wat wilden we bereiken?",
            "Bron: CBS",
            "Nieuwbouw",
            "Een heel lange kop van acht woorden hier",
        ],
        where=" in Gouda",
    )
    assert made == [messages.SUGGEST_SECTION.format(subject="Nieuwbouw", where=" in Gouda")]
