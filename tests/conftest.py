"""Shared fixtures: the real report, a deterministic fake embedder, a small built index."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from service.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("VRAAGBAAK_RATE_LIMIT", "")  # off unless a test sets it

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REPORT = CORPUS / "zoetermeer-jaarrekening-2024-programma-5-veiligheid.txt"
REPORT_NAME = "Jaarrekening 2024 — Programma 5 Veiligheid"  # the report's title
REPORT_ID = REPORT.stem  # the document id citations and the index carry
MODEL_DIR = ROOT / "models" / "multilingual-e5-small"


class FakeEmbeddings(Embeddings):
    """Hashes words into a small normalised vector: fast, offline and deterministic."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def _embed(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in text.lower().split():
            digest = hashlib.md5(word.strip(".,:;?!()").encode()).digest()
            vector[digest[0] % self.dim] += 1.0 if digest[1] % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._embed(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._embed(text)


@pytest.fixture(scope="session")
def source() -> str:
    """The unedited report text."""
    return REPORT.read_text(encoding="utf-8")


@pytest.fixture
def fake_embeddings() -> FakeEmbeddings:
    return FakeEmbeddings()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the corpus folder."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def valid_metadata(**changes: object) -> dict[str, object]:
    """A complete, valid metadata object for a test report, with some fields changed."""
    meta: dict[str, object] = {
        "municipality": "Zoetermeer",
        "year": 2024,
        "programme": "Veiligheid",
        "title": "Jaarrekening 2024 — Programma 5 Veiligheid",
        "publisher": "Gemeente Zoetermeer",
        "source_url": "https://www.zoetermeer.nl/jaarstukken",
        "language": "nl",
    }
    meta.update(changes)
    return meta


def add_report(
    folder: Path, doc_id: str, content: str | bytes, meta: dict[str, object] | None = None
) -> Path:
    """Write `<doc_id>.txt` and a valid `<doc_id>.meta.json` (or `meta`) into `folder`."""
    report = folder / f"{doc_id}.txt"
    if isinstance(content, bytes):
        report.write_bytes(content)
    else:
        report.write_text(content, encoding="utf-8")
    (folder / f"{doc_id}.meta.json").write_text(
        json.dumps(meta if meta is not None else valid_metadata(), ensure_ascii=False),
        encoding="utf-8",
    )
    return report


def model_available() -> bool:
    return (MODEL_DIR / "modules.json").is_file()


def fake_index(root: Path, **overrides: Any) -> Settings:
    """Settings for an index of the real report, built under `root` with the fake embedder
    (no model), plus any other settings a test needs."""
    from ingest.pipeline import run_ingest
    from service.settings import Settings

    settings = Settings(
        corpus_dir=CORPUS, index_dir=root / "index", model_dir=root / "no-model", **overrides
    )
    run_ingest(settings, FakeEmbeddings)
    return settings
