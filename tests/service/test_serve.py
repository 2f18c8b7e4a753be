"""`python -m service serve`: workers from an import string, no access log (it holds client
addresses), no `server` header, short keep-alive and a limit on half-sent headers."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from uvicorn.importer import import_from_string

import service.__main__ as cli
from service.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    chosen = Settings(
        feedback_db=tmp_path / "feedback.sqlite3",
        index_dir=tmp_path / "index",
        model_dir=tmp_path / "no-model",
        workers=2,
    )
    monkeypatch.setattr(cli, "get_settings", lambda: chosen)
    # The CLI sets up JSON logging on the root logger, which would unhook pytest's capture.
    monkeypatch.setattr(cli.logs, "configure", lambda *args, **kwargs: None)
    return chosen


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


def test_serve_starts_the_workers_from_an_import_string(
    settings: Settings, started: list[tuple[tuple[Any, ...], dict[str, Any]]]
) -> None:
    assert cli.main(["serve", "--workers", "3", "--port", "8123"]) == 0
    (args, options), *_ = started
    assert args == (cli.APP_FACTORY,) and options["factory"] is True
    assert options["workers"] == 3 and options["port"] == 8123
    assert options["access_log"] is False and options["server_header"] is False
    assert options["log_config"] is None
    assert 0 < options["timeout_keep_alive"] <= 5
    assert options["http"] == "h11" and options["h11_max_incomplete_event_size"] <= 64 * 1024


def test_serve_takes_the_number_of_workers_from_the_settings(
    settings: Settings, started: list[tuple[tuple[Any, ...], dict[str, Any]]]
) -> None:
    cli.main(["serve"])
    assert started[0][1]["workers"] == settings.workers == 2


@pytest.mark.parametrize("workers", ["0", "-1", "veel"])
def test_serve_refuses_a_number_of_workers_below_one(workers: str) -> None:
    with pytest.raises(SystemExit):
        cli.main(["serve", "--workers", workers])


def test_the_import_string_builds_the_app(settings: Settings) -> None:
    factory = import_from_string(cli.APP_FACTORY)
    assert factory is cli.serve_app
    assert isinstance(factory(), FastAPI)


@pytest.fixture
def server(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app as `serve` builds it, under a real uvicorn with the options `serve` uses, on a
    free loopback port (no index here: the API answers 503)."""
    monkeypatch.setattr(logging.getLogger("uvicorn.access"), "disabled", False)  # restored
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    options = cli.server_options("127.0.0.1", sock.getsockname()[1], 1)
    config = uvicorn.Config(cli.APP_FACTORY, factory=True, **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_a_real_server_sends_no_server_header_and_logs_no_address(
    server: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        for path in ("/v1/health", "/bestaat-niet", "/widget/"):
            response = httpx.get(server + path)
            assert "server" not in response.headers
            assert response.headers["x-content-type-options"] == "nosniff"
    # Only the server's and the service's own records: the test's HTTP client logs the address.
    ours = [r for r in caplog.records if r.name.startswith(("uvicorn", "service"))]
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in ours)
    assert "127.0.0.1" not in logged


def test_headers_larger_than_the_limit_are_refused_and_the_server_stays_up(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000)
        reply = conn.recv(1024)
    assert reply.startswith(b"HTTP/1.1 4")
    assert httpx.get(server + "/v1/health").status_code == 200
