"""A running service switches to each build ingest publishes, without failing a request,
never writes to a build, and lets staff force the switch with the admin token."""

from __future__ import annotations

import gc
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ingest import store
from ingest.pipeline import run_ingest
from ingest.tables import store as table_store
from service.answer.pipeline import build_assistant
from service.settings import Settings
from service.web.app import create_app
from tests.conftest import REPORT, FakeEmbeddings, add_report, valid_metadata
from tests.service.test_api import assert_error_shape

SECOND_ID = "zoetermeer-jaarrekening-2025-programma-5-veiligheid"
QUESTIONS = [
    "Hoeveel meldingen heeft Team Handhaving verwerkt?",
    "Hoeveel woninginbraken waren er in 2024?",
    "Wat zijn de lasten van programma Veiligheid?",
]
TOKEN = "beheer-geheim"


def _settings(corpus: Path, root: Path, **extra: Any) -> Settings:
    # Hammering one address would trip the rate limit, and a busy CI box the answer timeout.
    fields = Settings.model_fields
    if "rate_limit" in fields:
        extra.setdefault("rate_limit", "")
    if "answer_timeout_seconds" in fields:
        extra.setdefault("answer_timeout_seconds", 300.0)
    return Settings(
        corpus_dir=corpus,
        index_dir=root / "index",
        model_dir=root / "no-model",
        feedback_db=root / "feedback.sqlite3",
        **extra,
    )


def _fake_factory(settings: Settings) -> Any:
    return build_assistant(settings, embeddings=FakeEmbeddings())


def _add_second_report(corpus: Path, marker: str = "") -> None:
    body = REPORT.read_text("utf-8").replace("2024", "2025") + marker
    title = "Jaarrekening 2025 — Programma 5 Veiligheid"
    add_report(corpus, SECOND_ID, body, valid_metadata(year=2025, title=title))


class LiveServer:
    """The app under a real uvicorn on a free loopback port, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_keep_alive=30)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            assert self.thread.is_alive(), "server stopped while starting"
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)
        self.socket.close()


def _wait_for_build(url: str, build_id: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/v1/health").json().get("build_id") == build_id:
            return
        time.sleep(0.1)
    raise AssertionError(f"the service never switched to {build_id}")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The temp folder where the service keeps its private copies of the vectors."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def test_switch_under_load_fails_no_request(
    corpus_copy: Path, tmp_path: Path, scratch: Path
) -> None:
    settings = _settings(corpus_copy, tmp_path, reload_interval_seconds=0.2)
    first = run_ingest(settings, FakeEmbeddings).build_id
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    stop = threading.Event()

    def hammer(offset: int) -> None:
        with httpx.Client(base_url=server.url, timeout=300) as client:
            i = offset
            while not stop.is_set():
                try:
                    response = client.post("/v1/ask", json={"question": QUESTIONS[i % 3]})
                    statuses[response.status_code] += 1
                    if response.status_code != 200:
                        errors.append(response.text[:200])
                except httpx.HTTPError as exc:  # a dropped connection is a failed request too
                    statuses[0] += 1
                    errors.append(repr(exc))
                i += 1

    with LiveServer(create_app(settings, _fake_factory)) as server:
        threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1.0)
            _add_second_report(corpus_copy)
            second = run_ingest(settings, FakeEmbeddings).build_id
            _wait_for_build(server.url, second)
            time.sleep(0.5)
            _add_second_report(corpus_copy, marker="\nEen nieuwe slotzin voor deze versie.\n")
            third = run_ingest(settings, FakeEmbeddings).build_id
            _wait_for_build(server.url, third)
            time.sleep(0.5)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=300)
        health = httpx.get(f"{server.url}/v1/health").json()
        ready = httpx.get(f"{server.url}/readyz")
        # Each old build's private vector copy is let go once no request uses it.
        gc.collect()
        copies = [p.name for p in scratch.iterdir()]

    sent = sum(statuses.values())
    print(f"\nreload under load: {sent} requests sent, {sent - statuses[200]} failed")
    assert len({first, second, third}) == 3
    assert errors == [] and statuses[200] == sent and sent >= 20
    assert health["build_id"] == third
    assert ready.status_code == 200 and ready.json()["build_id"] == third
    # The first build was neither current, the fallback nor served any more: ingest removed it.
    builds = {p.name for p in (tmp_path / "index" / "builds").iterdir()}
    assert builds == {second, third}
    assert len(copies) == 1 and copies[0].startswith(f"vraagbaak-chroma-{third}-")


def test_the_served_build_is_leased_until_the_service_stops(
    corpus_copy: Path, tmp_path: Path
) -> None:
    settings = _settings(corpus_copy, tmp_path, reload_interval_seconds=0)
    first = run_ingest(settings, FakeEmbeddings).build_id
    with TestClient(create_app(settings, _fake_factory)) as client:
        assert client.get("/v1/health").json()["build_id"] == first
        assert first in store.leased_builds(tmp_path / "index")
        # Two more builds: the first is no longer the fallback, but the service serves it.
        _add_second_report(corpus_copy)
        run_ingest(settings, FakeEmbeddings)
        _add_second_report(corpus_copy, marker="\nNog een zin.\n")
        third = run_ingest(settings, FakeEmbeddings).build_id
        assert (tmp_path / "index" / "builds" / first / "manifest.json").is_file()
        assert client.get("/v1/health").json()["build_id"] == first  # watcher off
        assert client.post("/v1/ask", json={"question": QUESTIONS[0]}).status_code == 200
    assert store.leased_builds(tmp_path / "index") == set()
    store.prune_builds(tmp_path / "index")
    assert not (tmp_path / "index" / "builds" / first).exists()
    assert store.current_build_id(tmp_path / "index") == third


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus copy with one published build, to copy per test."""
    root = tmp_path_factory.mktemp("reload")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in REPORT.parent.iterdir():
        if path.is_file():
            (corpus / path.name).write_bytes(path.read_bytes())
    run_ingest(_settings(corpus, root), FakeEmbeddings)
    return root


@pytest.fixture
def index_copy(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built index and corpus (symlinks kept)."""
    shutil.copytree(built / "index", tmp_path / "index", symlinks=True)
    shutil.copytree(built / "corpus", tmp_path / "corpus")
    return tmp_path


def test_admin_reload_is_off_without_a_token(index_copy: Path) -> None:
    settings = _settings(index_copy / "corpus", index_copy, reload_interval_seconds=0)
    with TestClient(create_app(settings, _fake_factory)) as client:
        response = client.post("/v1/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
        assert assert_error_shape(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("header", [None, "Bearer fout", f"Basic {TOKEN}"])
def test_admin_reload_needs_the_admin_token(index_copy: Path, header: str | None) -> None:
    settings = _settings(
        index_copy / "corpus", index_copy, reload_interval_seconds=0, admin_token=TOKEN
    )
    headers = {"Authorization": header} if header else {}
    with TestClient(create_app(settings, _fake_factory)) as client:
        response = client.post("/v1/admin/reload", headers=headers)
        assert assert_error_shape(response, 401)["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_admin_reload_switches_at_once(index_copy: Path) -> None:
    corpus = index_copy / "corpus"
    settings = _settings(corpus, index_copy, reload_interval_seconds=0, admin_token=TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(settings, _fake_factory)) as client:
        first = client.get("/v1/health").json()["build_id"]
        assert client.post("/v1/admin/reload", headers=auth).json()["status"] == "unchanged"
        _add_second_report(corpus)
        second = run_ingest(settings, FakeEmbeddings).build_id
        assert client.get("/v1/health").json()["build_id"] == first  # no watcher
        body = client.post("/v1/admin/reload", headers=auth).json()
        assert body == {"status": "switched", "build_id": second, "previous": first}
        assert client.get("/v1/health").json()["build_id"] == second
        assert client.get("/readyz").json()["build_id"] == second
        assert client.post("/v1/ask", json={"question": QUESTIONS[0]}).status_code == 200


def test_a_build_that_fails_to_load_leaves_the_served_one(
    index_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = index_copy / "index"
    settings = _settings(
        index_copy / "corpus", index_copy, reload_interval_seconds=0.1, admin_token=TOKEN
    )
    with TestClient(create_app(settings, _fake_factory)) as client:
        served = client.get("/v1/health").json()["build_id"]
        # A build without vectors (say, copied in half): its manifest is fine, chroma/ missing.
        broken = index_dir / "builds" / "0123456789abcdef"
        broken.mkdir()
        manifest = store.read_manifest(store.current_build(index_dir))
        (broken / "manifest.json").write_text(
            json.dumps({**manifest, "build_id": broken.name}), "utf-8"
        )
        store.activate(index_dir, broken.name)
        response = client.post("/v1/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
        assert assert_error_shape(response, 503)["code"] == "reload_failed"
        time.sleep(0.5)  # the watcher tried too, and waits before trying again
        assert client.get("/v1/health").json()["build_id"] == served
        assert client.get("/readyz").json()["build_id"] == served
        assert client.post("/v1/ask", json={"question": QUESTIONS[0]}).status_code == 200
    assert "index reload failed" in caplog.text


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in [folder, *folder.rglob("*")]
    }


def test_serving_never_writes_to_the_build(
    index_copy: Path, monkeypatch: pytest.MonkeyPatch, scratch: Path
) -> None:
    build = store.current_build(index_copy / "index").root
    before = _snapshot(build)
    opened: list[str] = []
    connect = table_store.sqlite3.connect

    def recording_connect(database: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(database))
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(table_store.sqlite3, "connect", recording_connect)
    # Tests run as root, where chmod stops no write; the snapshot below is the real check.
    for path in [build, *build.rglob("*")]:
        os.chmod(path, path.stat().st_mode & ~0o222)
    settings = _settings(index_copy / "corpus", index_copy, reload_interval_seconds=0)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    left = scratch / f"vraagbaak-chroma-0123456789abcdef-{child.pid}-x"  # of a killed server
    left.mkdir()
    try:
        with TestClient(create_app(settings, _fake_factory)) as client:
            for question in QUESTIONS:
                assert client.post("/v1/ask", json={"question": question}).status_code == 200
            assert client.get("/v1/suggestions").status_code == 200
            assert client.get("/v1/consistency").status_code == 200
            assert list(scratch.iterdir())  # the vectors are read from a private copy
    finally:
        for path in [build, *build.rglob("*")]:
            os.chmod(path, path.stat().st_mode | 0o200)
    assert _snapshot(build) == before
    assert not left.exists()
    in_build = [db for db in opened if str(build) in db]
    assert in_build and all(db.startswith("file:") and "mode=ro" in db for db in in_build)
