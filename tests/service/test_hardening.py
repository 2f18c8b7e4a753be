"""Protection at the edge: body and history limits, security headers on every response, Dutch
errors for what the framework refuses, a rate limit per client and a time budget per question."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from starlette.types import Message

from ingest.store import IndexMissingError
from service.answer.pipeline import Assistant, build_assistant
from service.render import messages
from service.settings import Settings
from service.web.app import create_app
from service.web.hardening import BodyLimit, Rate, TokenBuckets, parse_rate, script_hashes
from service.web.schemas import AskRequest, AskResponse
from tests.conftest import FakeEmbeddings, fake_index
from tests.service.test_api import assert_error_shape

ALLOWED = "https://intranet.zoetermeer.nl"
FEEDBACK = {"id": "abcd-1234-efgh", "question_id": "q1", "rating": "up", "answer": "Ja."}


class StubAssistant:
    """Answers every question with the same sentence, after `delay` seconds (or fails)."""

    knowledge = SimpleNamespace(build_id="stub")

    def __init__(self, delay: float = 0.0, fail: bool = False) -> None:
        self.delay, self.fail = delay, fail
        self.finished = threading.Event()

    def ask(self, request: AskRequest) -> AskResponse:
        time.sleep(self.delay)
        self.finished.set()
        if self.fail:
            raise RuntimeError("kapot")
        return AskResponse(answer="Er waren 13.939 meldingen.", route="text")


def _settings(tmp_path: Path, **changes: Any) -> Settings:
    return Settings(
        feedback_db=tmp_path / "feedback.sqlite3",
        index_dir=tmp_path / "index",
        model_dir=tmp_path / "no-model",
        **changes,
    )


def _no_index(settings: Settings) -> Any:
    raise IndexMissingError("geen index in deze test")


def _client(tmp_path: Path, assistant: Any = None, **changes: Any) -> TestClient:
    factory = (lambda s: assistant) if assistant is not None else _no_index
    app = create_app(_settings(tmp_path, **changes), factory)
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client(tmp_path: Path):
    with _client(tmp_path, StubAssistant(), cors_origins=ALLOWED) as client:
        yield client


# -- the body limit ----------------------------------------------------------------------


def test_body_over_the_limit_is_refused_by_its_length_before_anything_is_stored(
    tmp_path: Path,
) -> None:
    with _client(tmp_path, StubAssistant(), max_body_bytes=2000) as client:
        item = {**FEEDBACK, "comment": "x" * 500, "answer": "y" * 3000}
        error = assert_error_shape(client.post("/v1/feedback", json=item), 413)
        assert error["code"] == "request_too_large"
        assert error["message"] == messages.ERROR_BODY_TOO_LARGE.format(limit=2)
        assert client.app.state.feedback_store.rows() == []  # type: ignore[attr-defined]
        assert client.post("/v1/feedback", json=FEEDBACK).status_code == 201


def test_chunked_body_over_the_limit_is_counted_and_refused(tmp_path: Path) -> None:
    with _client(tmp_path, StubAssistant(), max_body_bytes=1000) as client:
        chunks = iter([b'{"question": "', b"x" * 600, b"y" * 600, b'"}'])
        response = client.post(
            "/v1/ask", content=chunks, headers={"content-type": "application/json"}
        )
        assert assert_error_shape(response, 413)["code"] == "request_too_large"


async def test_streamed_body_longer_than_its_content_length_never_reaches_the_app() -> None:
    reached: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append((await receive())["body"])

    incoming = [
        {"type": "http.request", "body": b"a" * 60, "more_body": True},
        {"type": "http.request", "body": b"b" * 60, "more_body": False},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/ask", "headers": []}
    scope["headers"] = [(b"content-length", b"10")]  # a lie: 120 bytes follow
    await BodyLimit(app, max_bytes=100)(scope, receive, send)
    assert reached == []
    assert sent[0]["status"] == 413


async def test_body_within_the_limit_reaches_the_app_whole() -> None:
    reached: list[Message] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(await receive())

    incoming = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"cd", "more_body": False},
    ]

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        raise AssertionError("nothing is refused")

    scope = {"type": "http", "method": "POST", "path": "/", "headers": [(b"content-length", b"4")]}
    await BodyLimit(app, max_bytes=4)(scope, receive, send)
    assert reached == [{"type": "http.request", "body": b"abcd", "more_body": False}]


# -- the history limit -------------------------------------------------------------------


def test_history_longer_than_the_limit_in_total_is_a_dutch_422(tmp_path: Path) -> None:
    with _client(tmp_path, StubAssistant(), max_history_chars=5000) as client:
        turns = [{"role": "user", "content": "x" * 2000}] * 3  # each turn is fine on its own
        response = client.post("/v1/ask", json={"question": "En toen?", "history": turns})
        error = assert_error_shape(response, 422)
        assert error["message"] == messages.ERROR_HISTORY_CHARS.format(limit="5.000")
        assert error["details"] == [{"field": "history", "type": "too_long"}]
        ok = client.post("/v1/ask", json={"question": "En toen?", "history": turns[:2]})
        assert ok.status_code == 200


# -- security headers --------------------------------------------------------------------


def _assert_secured(response: Any) -> str:
    assert "server" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy: str = response.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {ALLOWED}" in policy
    return policy


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/widget/", 200),
        ("GET", "/widget/widget.js", 200),
        ("GET", "/widget/page.css", 200),
        ("GET", "/widget.js", 200),
        ("GET", "/docs-static/swagger-ui.css", 200),
        ("GET", "/v1/health", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/widget/bestaat-niet.js", 404),
        ("GET", "/bestaat-niet", 404),
        ("DELETE", "/v1/ask", 405),
        ("POST", "/v1/ask", 422),
    ],
)
def test_every_response_carries_the_strict_policy(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    policy = _assert_secured(response)
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "connect-src 'self'" in policy and "style-src 'self';" in policy


def test_the_widget_page_needs_no_inline_code(client: TestClient) -> None:
    page = client.get("/widget/").text
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None
    assert "<style" not in page and " style=" not in page


def test_refusals_and_failures_carry_the_headers_too(tmp_path: Path) -> None:
    with _client(
        tmp_path, StubAssistant(fail=True), cors_origins=ALLOWED, max_body_bytes=100
    ) as client:
        failed = client.post("/v1/ask", json={"question": "Hoeveel?"})
        assert assert_error_shape(failed, 500)["message"] == messages.ERROR_INTERNAL
        _assert_secured(failed)
        refused = client.post(
            "/v1/feedback", json=FEEDBACK, headers={"Origin": "https://kwaad.example"}
        )
        assert_error_shape(refused, 403)
        _assert_secured(refused)
        _assert_secured(client.post("/v1/ask", content=b"x" * 200))


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_allow_exactly_their_own_inline_scripts(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    policy = _assert_secured(response)
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.S)
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "worker-src 'self' blob:" in policy


def test_script_hashes_cover_inline_scripts_only() -> None:
    html = b'<script src="a.js"></script><script>go()</script>'
    digest = base64.b64encode(hashlib.sha256(b"go()").digest()).decode()
    assert script_hashes(html) == f"'sha256-{digest}'"


# -- Dutch errors for what the framework refuses ------------------------------------------


def test_wrong_method_is_a_dutch_405_with_allow(client: TestClient) -> None:
    response = client.get("/v1/ask")
    error = assert_error_shape(response, 405)
    assert error["code"] == "method_not_allowed"
    assert error["message"] == messages.ERROR_METHOD_NOT_ALLOWED.format(method="GET")
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"question": "caf\xe9?"}', messages.ERROR_BAD_ENCODING),
        (b"\xff\xfe\x00", messages.ERROR_BAD_ENCODING),
        (b'{"question": ', messages.ERROR_BAD_JSON),
        (b"[1, 2", messages.ERROR_BAD_JSON),
    ],
)
def test_unreadable_bodies_get_a_dutch_422(
    client: TestClient, content: bytes, message: str
) -> None:
    response = client.post("/v1/ask", content=content, headers={"content-type": "application/json"})
    error = assert_error_shape(response, 422)
    assert error["message"] == message
    assert "parsing" not in response.text


def test_unknown_paths_are_dutch_404s_everywhere(client: TestClient) -> None:
    for path in ("/v1/bestaat-niet", "/widget/bestaat-niet.css", "/docs-static/nee.js"):
        error = assert_error_shape(client.get(path), 404)
        assert error["message"] == messages.ERROR_NOT_FOUND


# -- the rate limit ----------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after_and_no_address_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.DEBUG),
        _client(tmp_path, StubAssistant(), rate_limit="3/minute") as client,
    ):
        for _ in range(3):
            assert client.get("/v1/health").status_code == 200
        response = client.post("/v1/ask", json={"question": "Hoeveel?"})
        error = assert_error_shape(response, 429)
        assert error["code"] == "rate_limited"
        seconds = int(response.headers["retry-after"])
        assert 1 <= seconds <= 20
        assert error["message"] == messages.ERROR_RATE_LIMITED.format(seconds=seconds)
        _assert_secured_without_frame_check(response)
        # Pages, files and preflights are not counted.
        assert client.get("/widget/").status_code == 200
        assert client.get("/docs").status_code == 200
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "testclient" not in logged


def _assert_secured_without_frame_check(response: Any) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in response.headers


def test_rate_limit_is_off_when_empty(tmp_path: Path) -> None:
    with _client(tmp_path, StubAssistant(), rate_limit="") as client:
        assert all(client.get("/v1/health").status_code == 200 for _ in range(100))


def test_buckets_refill_evenly_and_count_per_client() -> None:
    now = [0.0]
    buckets = TokenBuckets(Rate(2, 60), clock=lambda: now[0])
    assert buckets.take(b"a") == 0 and buckets.take(b"a") == 0
    assert buckets.take(b"a") == pytest.approx(30)
    assert buckets.take(b"b") == 0  # another client has its own bucket
    now[0] = 30.0
    assert buckets.take(b"a") == 0
    assert buckets.take(b"a") > 0


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("60/minute", Rate(60, 60)),
        (" 5 / second ", Rate(5, 1)),
        ("", None),
        ("1/day", Rate(1, 86400)),
    ],
)
def test_rates_are_read_from_the_setting(text: str, rate: Rate | None) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("value", ["60", "60/maand", "0/minute", "veel"])
def test_a_rate_that_is_no_rate_stops_the_start(value: str) -> None:
    with pytest.raises((ValidationError, ValueError)):
        parse_rate(Settings(rate_limit=value).rate_limit)


# -- the time budget ---------------------------------------------------------------------


def test_question_over_its_budget_is_a_503_without_waiting_for_the_answer(tmp_path: Path) -> None:
    slow = StubAssistant(delay=1.0)
    with _client(tmp_path, slow, answer_timeout_seconds=0.1) as client:
        began = time.perf_counter()
        response = client.post("/v1/ask", json={"question": "Hoeveel meldingen?"})
        waited = time.perf_counter() - began
        error = assert_error_shape(response, 503)
        assert error["code"] == "answer_timeout" and error["message"] == messages.ERROR_TIMEOUT
        assert waited < 0.9
        assert slow.finished.wait(5)  # the answer finished in the background and was dropped


def test_question_within_its_budget_is_answered(tmp_path: Path) -> None:
    with _client(tmp_path, StubAssistant(delay=0.05), answer_timeout_seconds=5) as client:
        response = client.post("/v1/ask", json={"question": "Hoeveel meldingen?"})
        assert response.status_code == 200 and response.json()["answer"]


# -- never an empty answer ---------------------------------------------------------------


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = fake_index(tmp_path_factory.mktemp("hardening"))
    return build_assistant(settings, embeddings=FakeEmbeddings())


def test_an_empty_answer_becomes_the_not_covered_refusal(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assistant, "compose", lambda frame: AskResponse(answer=" \n", route="text"))
    response = assistant.ask(AskRequest(question="Hoeveel meldingen waren er in 1975?"))
    assert response.route == "refusal" and response.citations == []
    assert response.answer.startswith("Daarover staat niets in")


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel woninginbraken waren er in 1975?",
        "Wat waren de lasten in 1950 en in 1989?",
        "Hoeveel meldingen waren er in " + ", ".join(str(y) for y in range(1950, 2026)) + "?",
    ],
)
def test_questions_about_old_or_many_years_get_a_sentence(
    assistant: Assistant, question: str
) -> None:
    assert assistant.ask(AskRequest(question=question)).answer.strip()
