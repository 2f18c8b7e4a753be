"""Feedback: stored once per id, no IP or question kept, a CSV for staff with the token only."""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ingest.store import IndexMissingError
from service.render import messages
from service.settings import Settings
from service.web.app import create_app
from service.web.feedback import CSV_COLUMNS, safe_cell
from tests.service.test_api import assert_error_shape

TOKEN = "staff-token-0123456789"
IP = "203.0.113.7"
AGENT = "GeheimeBrowser/9.9"


def _no_index(settings: Settings) -> object:
    raise IndexMissingError("geen index in deze test")


def _item(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "fb-0001-abcd",
        "question_id": "q-17",
        "rating": "down",
        "answer": "Er waren 13.939 meldingen.",
        "citations": [{"id": 1, "document": "verslag", "quote": "13.939 meldingen"}],
        "route": "text",
        "mode": "staff",
    }
    return {**item, **changes}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "nieuw" / "feedback.sqlite3"  # the folder does not exist yet


def _client(db: Path, token: str = TOKEN) -> TestClient:
    settings = Settings(
        feedback_db=db,
        feedback_token=token,
        index_dir=db.parent / "index",
        model_dir=db.parent / "no-model",
    )
    return TestClient(create_app(settings, _no_index))


@pytest.fixture
def client(db: Path):
    with _client(db) as client:
        yield client


def _rows(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM feedback")]


def _export(client: TestClient, token: str = TOKEN) -> list[dict[str, str]]:
    response = client.get("/v1/feedback.csv", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.text)))


def test_feedback_is_stored_and_acknowledged(client: TestClient, db: Path) -> None:
    response = client.post("/v1/feedback", json=_item())
    assert response.status_code == 201
    assert response.json() == {"id": "fb-0001-abcd", "stored": True}
    (row,) = _rows(db)
    assert row["rating"] == "down" and row["mode"] == "staff" and row["comment"] is None
    assert row["citations"] == '[{"id": 1, "document": "verslag", "quote": "13.939 meldingen"}]'
    assert isinstance(row["created"], int) and row["created"] > 1_700_000_000


def test_second_post_with_same_id_updates_instead_of_adding(client: TestClient, db: Path) -> None:
    client.post("/v1/feedback", json=_item(rating="up"))
    created = _rows(db)[0]["created"]
    response = client.post("/v1/feedback", json=_item(rating="down", comment="Bron klopt niet."))
    assert response.status_code == 201
    (row,) = _rows(db)
    assert (row["rating"], row["comment"], row["created"]) == ("down", "Bron klopt niet.", created)
    # A later thumb without a comment keeps the comment given before.
    client.post("/v1/feedback", json=_item(rating="up"))
    (row,) = _rows(db)
    assert (row["rating"], row["comment"]) == ("up", "Bron klopt niet.")


def test_different_ids_are_separate_rows(client: TestClient, db: Path) -> None:
    client.post("/v1/feedback", json=_item(id="fb-0001-abcd"))
    client.post("/v1/feedback", json=_item(id="fb-0002-abcd"))
    assert len(_rows(db)) == 2


def test_minimal_feedback_defaults_to_citizen_mode(client: TestClient, db: Path) -> None:
    item = {"id": "abcdefgh", "question_id": "q", "rating": "up", "answer": ""}
    assert client.post("/v1/feedback", json=item).status_code == 201
    (row,) = _rows(db)
    assert (row["mode"], row["citations"], row["route"]) == ("citizen", "[]", None)


def test_no_ip_user_agent_or_question_is_kept_or_logged(
    client: TestClient, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"User-Agent": AGENT, "X-Forwarded-For": IP, "X-Real-IP": IP}
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/feedback", json=_item(comment="Jansen klaagt"), headers=headers)
    stored = db.read_bytes()
    exported = client.get("/v1/feedback.csv", headers={"Authorization": f"Bearer {TOKEN}"}).text
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for secret in (IP, AGENT, "testclient"):  # "testclient" is TestClient's client address
        assert secret.encode() not in stored
        assert secret not in exported
        assert secret not in logged
    assert "Jansen" not in logged
    assert any(r.getMessage() == "feedback stored" for r in caplog.records)


def test_the_question_itself_is_refused(client: TestClient, db: Path) -> None:
    response = client.post("/v1/feedback", json=_item(question="Waar woont Jansen?"))
    assert "onbekend" in assert_error_shape(response, 422)["message"]
    assert not db.exists() or _rows(db) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"id": "kort"},
        {"id": "met spatie 123"},
        {"id": "x" * 65},
        {"id": 12345678},
        {"question_id": "q" * 65},
        {"rating": "meh"},
        {"comment": "x" * 1001},
        {"answer": "x" * 20_001},
        {"citations": [{}] * 21},
        {"citations": [{"quote": "x" * 200_000}]},
        {"route": "x" * 21},
        {"mode": "admin"},
        {"rating": None},
    ],
)
def test_bad_feedback_gets_422_in_the_error_shape(
    client: TestClient, db: Path, changes: dict[str, Any]
) -> None:
    assert_error_shape(client.post("/v1/feedback", json=_item(**changes)), 422)
    assert not db.exists() or _rows(db) == []


def test_export_lists_every_column_and_row(client: TestClient) -> None:
    client.post("/v1/feedback", json=_item(comment="Duidelijk, dank u."))
    response = client.get("/v1/feedback.csv", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.text.splitlines()[0] == ",".join(CSV_COLUMNS)
    (row,) = _export(client)
    assert row["id"] == "fb-0001-abcd" and row["comment"] == "Duidelijk, dank u."
    assert row["created"].endswith("Z") and row["citations"].startswith("[{")


def test_export_never_starts_a_cell_with_a_formula(client: TestClient) -> None:
    client.post(
        "/v1/feedback",
        json=_item(comment='=HYPERLINK("http://x.example","klik")', answer="+31 612345678"),
    )
    (row,) = _export(client)
    assert row["comment"] == '\'=HYPERLINK("http://x.example","klik")'
    assert row["answer"] == "'+31 612345678"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("gewoon", "gewoon"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_safe_cell(value: str | None, cell: str) -> None:
    assert safe_cell(value) == cell


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer verkeerd", f"Basic {TOKEN}", TOKEN, "Bearer", "Bearer ënë".encode("latin-1")],
)
def test_export_without_the_right_token_is_401(
    client: TestClient, authorization: str | bytes | None
) -> None:
    client.post("/v1/feedback", json=_item(comment="Vertrouwelijk"))
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/v1/feedback.csv", headers=headers)
    error = assert_error_shape(response, 401)
    assert error["message"] == messages.ERROR_FEEDBACK_TOKEN
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Vertrouwelijk" not in response.text


def test_export_is_switched_off_without_a_token(db: Path) -> None:
    with _client(db, token="") as client:
        response = client.get("/v1/feedback.csv", headers={"Authorization": "Bearer "})
        assert assert_error_shape(response, 404)["code"] == "not_found"


def test_unwritable_database_gives_503_and_the_service_stays_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "een-bestand"
    blocker.write_text("geen map")
    with _client(blocker / "feedback.sqlite3") as client:
        with caplog.at_level(logging.ERROR):
            response = client.post("/v1/feedback", json=_item())
        error = assert_error_shape(response, 503)
        assert error["code"] == "feedback_unavailable"
        assert error["message"] == messages.ERROR_FEEDBACK_UNAVAILABLE
        assert "Traceback" not in response.text
        assert any(r.getMessage() == "feedback store failed" for r in caplog.records)
        export = client.get("/v1/feedback.csv", headers={"Authorization": f"Bearer {TOKEN}"})
        assert_error_shape(export, 503)
        assert client.get("/v1/health").status_code == 200


def test_a_corrupt_database_file_gives_503(tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite3"
    db.write_bytes(b"dit is geen sqlite-bestand" * 100)
    with _client(db) as client:
        assert_error_shape(client.post("/v1/feedback", json=_item()), 503)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"rating": "meh"}, ["'rating'", "'up' of 'down'"]),
        ({"comment": "x" * 1001}, ["'comment'", "te lang", "1000"]),
        ({"citations": [{}] * 21}, ["'citations'", "te veel", "20"]),
        ({"id": "kort"}, ["'id'", "geen geldige waarde"]),
    ],
)
def test_bad_feedback_is_explained_in_dutch(
    client: TestClient, changes: dict[str, Any], words: list[str]
) -> None:
    message = assert_error_shape(client.post("/v1/feedback", json=_item(**changes)), 422)["message"]
    for word in words:
        assert word in message
