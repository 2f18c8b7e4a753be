"""The HTTP contract: answers with verbatim citations, one error shape, no question in the logs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.answer.pipeline import build_assistant
from service.render import messages
from service.settings import Settings
from service.web.app import create_app
from tests.conftest import REPORT_ID, FakeEmbeddings, fake_index


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return fake_index(tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def client(settings: Settings):
    app = create_app(settings, lambda s: build_assistant(s, embeddings=FakeEmbeddings()))
    with TestClient(app) as client:
        yield client


def assert_error_shape(response: Any, status: int) -> dict[str, Any]:
    """Every error path returns the same shape with a Dutch message."""
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_answer_cites_verbatim_source(client: TestClient, source: str) -> None:
    response = client.post(
        "/v1/ask", json={"question": "Hoeveel meldingen heeft Team Handhaving verwerkt?"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["route"] == "text"
    assert body["citations"]
    for c in body["citations"]:
        assert source[c["start"] : c["end"]] == c["quote"]
        assert c["document"] == REPORT_ID  # the document id; its title is in the manifest
    assert "13.939" in body["answer"]


def test_history_with_user_turns_only_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/v1/ask",
        json={
            "question": "en in 2023?",
            "history": [{"role": "user", "content": "Hoeveel woninginbraken waren er in 2024?"}],
        },
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("payload", "word"),
    [
        ({"question": ""}, "leeg"),
        ({"question": "   \n "}, "leeg"),
        ({"question": "x" * 1001}, "te lang"),
        ({"question": 42}, "type"),
        ({"question": ["a"]}, "type"),
        ({}, "leeg"),
        ({"question": "Wat?", "history": "geen lijst"}, "type"),
        ({"question": "Wat?", "history": [{"role": "system", "content": "x"}]}, "user"),
        (
            {"question": "Wat?", "history": [{"role": "user", "content": "x"}] * 21},
            "gesprek is te lang",
        ),
        ({"question": "Wat?", "extra": 1}, "onbekend"),
    ],
)
def test_bad_requests_get_422_with_a_dutch_message(
    client: TestClient, payload: dict, word: str
) -> None:
    error = assert_error_shape(client.post("/v1/ask", json=payload), 422)
    assert word in error["message"]


def test_invalid_json_gets_the_same_shape(client: TestClient) -> None:
    response = client.post(
        "/v1/ask", content=b"{niet json", headers={"content-type": "application/json"}
    )
    assert_error_shape(response, 422)


def test_unknown_path_gets_the_same_shape(client: TestClient) -> None:
    assert_error_shape(client.get("/v1/bestaat-niet"), 404)


def test_missing_index_tells_people_to_come_back_and_administrators_how_to_fix_it(
    tmp_path: Path,
) -> None:
    settings = Settings(index_dir=tmp_path / "leeg", model_dir=tmp_path / "no-model")
    app = create_app(settings, lambda s: build_assistant(s, embeddings=FakeEmbeddings()))
    with TestClient(app) as client:
        error = assert_error_shape(client.post("/v1/ask", json={"question": "Hoi?"}), 503)
        # Citizens read no admin instructions; those are at /readyz (and in the log).
        assert error["message"] == messages.ERROR_UNAVAILABLE
        assert "make" not in client.get("/v1/health").text
        assert client.get("/v1/health").json()["status"] == "no_index"
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "make index" in ready.json()["reason"]


def test_ready_probe_names_the_build(client: TestClient) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert ready.json()["build_id"] == client.get("/v1/health").json()["build_id"]


def test_question_text_is_not_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    secret = "Mijn buurman Jansen op Dorpsstraat 12 maakt overlast, hoeveel casussen?"
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/ask", json={"question": secret})
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "Jansen" not in logged and "Dorpsstraat" not in logged
    assert any(r.getMessage() == "answered" for r in caplog.records)


def test_consistency_endpoint_lists_discrepancies(client: TestClient) -> None:
    response = client.get("/v1/consistency")
    assert response.status_code == 200
    assert len(response.json()) >= 2


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/v1/ask" in client.get("/openapi.json").json()["paths"]


def test_logs_are_json_with_fields_and_without_the_question(client: TestClient) -> None:
    import json

    from service.web.logs import JsonFormatter

    record = logging.LogRecord("service.web.api", logging.INFO, "", 0, "answered", None, None)
    record.route = "text"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "answered" and line["route"] == "text"
    assert "question" not in line
