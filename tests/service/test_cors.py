"""Cross-origin access: only listed websites may call the API; static files stay open."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from ingest.store import IndexMissingError
from service.render import messages
from service.settings import Settings, normalise_origin
from service.web.app import create_app
from service.web.cors import is_same_origin
from tests.service.test_api import assert_error_shape

ALLOWED = "https://intranet.zoetermeer.nl"
OTHER = "https://kwaadaardig.example"
FEEDBACK = {
    "id": "abcd-1234-efgh",
    "question_id": "q1",
    "rating": "up",
    "answer": "Er waren 13.939 meldingen.",
}


def _no_index(settings: Settings) -> object:
    raise IndexMissingError("geen index in deze test")


def _settings(tmp_path: Path, origins: str | list[str]) -> Settings:
    return Settings(
        cors_origins=origins,
        feedback_db=tmp_path / "feedback.sqlite3",
        index_dir=tmp_path / "index",
        model_dir=tmp_path / "no-model",
    )


@pytest.fixture
def client(tmp_path: Path):
    # Written the way an administrator might: mixed case and a trailing slash.
    settings = _settings(tmp_path, "HTTPS://Intranet.Zoetermeer.nl/ , http://127.0.0.1:8123")
    with TestClient(create_app(settings, _no_index)) as client:
        yield client


def test_request_without_origin_passes_untouched(client: TestClient) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("origin", ["http://testserver", "https://testserver", "http://TestServer"])
def test_own_pages_post_without_being_listed(client: TestClient, origin: str) -> None:
    # Browsers send Origin on a same-origin POST; behind a TLS proxy the app itself sees http.
    response = client.post("/v1/feedback", json=FEEDBACK, headers={"Origin": origin})
    assert response.status_code == 201
    assert "access-control-allow-origin" not in response.headers


def test_listed_origin_gets_allow_origin_and_vary_without_credentials(client: TestClient) -> None:
    response = client.post("/v1/feedback", json=FEEDBACK, headers={"Origin": ALLOWED})
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "Origin" in response.headers["vary"]
    assert "access-control-allow-credentials" not in response.headers


def test_listed_origin_error_still_carries_allow_origin(client: TestClient) -> None:
    # Without it the widget on the other site could not read the Dutch error message.
    response = client.post("/v1/ask", json={"question": "Hoi?"}, headers={"Origin": ALLOWED})
    assert_error_shape(response, 503)
    assert response.headers["access-control-allow-origin"] == ALLOWED


def test_preflight_from_listed_origin_is_answered_with_204(client: TestClient) -> None:
    response = client.options(
        "/v1/ask",
        headers={
            "Origin": "http://127.0.0.1:8123",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["access-control-allow-origin"] == "http://127.0.0.1:8123"
    assert response.headers["access-control-allow-methods"] == "GET, POST, OPTIONS"
    assert response.headers["access-control-allow-headers"] == "Content-Type, Authorization"
    assert response.headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in response.headers


def test_unknown_origin_is_refused_before_anything_is_stored(client: TestClient) -> None:
    response = client.post("/v1/feedback", json=FEEDBACK, headers={"Origin": OTHER})
    error = assert_error_shape(response, 403)
    assert error["code"] == "origin_not_allowed"
    assert error["message"] == messages.ERROR_ORIGIN_NOT_ALLOWED
    assert not any(h.startswith("access-control-") for h in response.headers)
    assert client.app.state.feedback_store.rows() == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("OPTIONS", "/v1/ask", {"Access-Control-Request-Method": "POST"}),
        ("GET", "/v1/health", {}),
        ("OPTIONS", "/widget/widget.css", {"Access-Control-Request-Method": "GET"}),
    ],
)
def test_unknown_origin_preflight_and_api_reads_are_refused(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = client.request(method, path, headers={"Origin": OTHER, **headers})
    assert assert_error_shape(response, 403)["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    "origin", ["null", "niet een origin", "https://intranet.zoetermeer.nl.evil"]
)
def test_odd_or_look_alike_origins_are_refused(client: TestClient, origin: str) -> None:
    response = client.post("/v1/feedback", json=FEEDBACK, headers={"Origin": origin})
    assert_error_shape(response, 403)


@pytest.mark.parametrize("path", ["/docs-static/swagger-ui.css", "/openapi.json", "/docs"])
def test_static_files_are_served_to_any_origin(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Origin": OTHER})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_static_files_for_a_listed_origin_carry_allow_origin(client: TestClient) -> None:
    response = client.get("/docs-static/swagger-ui.css", headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED


def test_by_default_no_other_site_may_call_the_api(tmp_path: Path) -> None:
    settings = Settings(feedback_db=tmp_path / "f.sqlite3", index_dir=tmp_path / "index")
    assert settings.cors_origins == []
    with TestClient(create_app(settings, _no_index)) as client:
        response = client.post("/v1/feedback", json=FEEDBACK, headers={"Origin": ALLOWED})
        assert_error_shape(response, 403)


def test_origins_are_read_from_a_comma_separated_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "VRAAGBAAK_CORS_ORIGINS", "https://Intranet.Zoetermeer.nl/, http://127.0.0.1:8123,,"
    )
    assert Settings().cors_origins == [ALLOWED, "http://127.0.0.1:8123"]
    monkeypatch.setenv("VRAAGBAAK_CORS_ORIGINS", "")
    assert Settings().cors_origins == []


@pytest.mark.parametrize("value", ["*", "null", "intranet.zoetermeer.nl", "https://a.nl/pad"])
def test_a_setting_that_is_no_origin_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("VRAAGBAAK_CORS_ORIGINS", value)
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.NL/", "https://example.nl"),
        ("https://example.nl:443", "https://example.nl"),
        ("http://example.nl:80", "http://example.nl"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_origins_are_normalised_as_browsers_send_them(raw: str, expected: str) -> None:
    assert normalise_origin(raw) == expected


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("https://vraagbaak.nl", "vraagbaak.nl", True),
        ("https://vraagbaak.nl", "vraagbaak.nl:443", True),
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("http://127.0.0.1:8123", "127.0.0.1:8000", False),
        ("https://vraagbaak.nl.evil", "vraagbaak.nl", False),
        ("https://vraagbaak.nl", "", False),
    ],
)
def test_same_origin_compares_host_and_port(origin: str, host: str, same: bool) -> None:
    assert is_same_origin(origin, host) is same
