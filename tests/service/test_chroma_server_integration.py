"""With a real Chroma server on loopback: ingest writes each build's vectors to collections
named for the build, the service answers from them exactly as from an embedded build, and
an old build's collections go when ingest removes the build."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from ingest import store
from ingest.pipeline import run_ingest
from service.answer.knowledge import load_knowledge
from service.answer.pipeline import Assistant
from service.settings import Settings
from service.web.app import create_app
from tests.conftest import CORPUS, REPORT, FakeEmbeddings, add_report, valid_metadata

CHROMA = Path(sys.executable).parent / "chroma"
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMA.is_file(), reason="the `chroma` CLI of chromadb is missing"),
]
QUESTIONS = [
    "Hoeveel meldingen heeft Team Handhaving verwerkt?",
    "Hoeveel woninginbraken waren er in 2024?",
    "Wat zijn de lasten van programma Veiligheid?",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A Chroma server on a free loopback port, stopped after the tests; yields the port."""
    folder = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = (folder / "server.log").open("wb")
    command = [str(CHROMA), "run", "--path", str(folder / "data")]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (folder / "server.log").read_text()
            assert time.monotonic() < deadline, "no heartbeat from the Chroma server"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat").is_success:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _settings(root: Path, corpus: Path, **extra: Any) -> Settings:
    return Settings(
        corpus_dir=corpus,
        index_dir=root / "index",
        model_dir=root.parent / "no-model",  # one fingerprint, so one build id for both
        feedback_db=root / "feedback.sqlite3",
        reload_interval_seconds=0,
        **extra,
    )


def _answers(settings: Settings) -> list[dict[str, Any]]:
    def factory(s: Settings) -> Assistant:
        embeddings = FakeEmbeddings()
        return Assistant(load_knowledge(s.index_dir, embeddings, s), embeddings, s)

    with TestClient(create_app(settings, factory)) as client:
        out = []
        for question in QUESTIONS:
            response = client.post("/v1/ask", json={"question": question})
            assert response.status_code == 200
            body = response.json()
            body.pop("question_id", None)
            out.append(body)
        return out


def test_a_build_on_a_chroma_server_answers_like_an_embedded_one(
    chroma_server: int, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    remote = _settings(tmp_path / "remote", corpus, chroma_mode="http", chroma_port=chroma_server)
    first = run_ingest(remote, FakeEmbeddings)
    build = store.current_build(remote.index_dir)
    assert not build.chroma.exists()  # the vectors are on the server, the tables are here
    assert build.tables.is_file()
    client = store.http_client(remote)
    names = {c.name for c in client.list_collections()}
    assert names == {f"{store.CHUNKS}-{first.build_id}", f"{store.SENTENCES}-{first.build_id}"}
    assert client.get_collection(f"{store.CHUNKS}-{first.build_id}").count() == first.chunks

    local = _settings(tmp_path / "local", corpus)
    assert run_ingest(local, FakeEmbeddings).build_id == first.build_id
    remote_answers = _answers(remote)
    assert "13.939" in remote_answers[0]["answer"]
    assert remote_answers == _answers(local)

    # Two new builds: the first is neither current nor the fallback, so it goes, collections too.
    body = REPORT.read_text("utf-8").replace("2024", "2025")
    add_report(corpus, "volgend-jaar", body, valid_metadata(year=2025))
    second = run_ingest(remote, FakeEmbeddings)
    assert second.embedded["chunks"].reused == first.chunks  # copied from the server
    add_report(corpus, "volgend-jaar", body + "\nNog een zin.\n", valid_metadata(year=2025))
    third = run_ingest(remote, FakeEmbeddings)
    names = {c.name for c in client.list_collections()}
    assert names == {
        f"{name}-{b}"
        for name in (store.CHUNKS, store.SENTENCES)
        for b in (second.build_id, third.build_id)
    }
    client.close()  # type: ignore[attr-defined]
