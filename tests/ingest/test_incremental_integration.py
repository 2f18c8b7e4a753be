"""With the real model: adding a report embeds only that report, and every copied vector
is the vector the model computes for that text today."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from ingest import store
from ingest.embed import load_embeddings
from ingest.pipeline import run_ingest
from service.settings import Settings
from tests.conftest import MODEL_DIR, REPORT, REPORT_ID, add_report, model_available, valid_metadata

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not model_available(), reason="needs `make model`"),
]
SECOND_ID = "zoetermeer-jaarrekening-2025-programma-5-veiligheid"
MIN_COSINE = 0.9999


def test_adding_a_report_embeds_only_that_report(corpus_copy: Path, tmp_path: Path) -> None:
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index", model_dir=MODEL_DIR)
    model = load_embeddings(settings)
    embedded: list[str] = []

    class Counting(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            embedded.extend(texts)
            return model.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return model.embed_query(text)

    first = run_ingest(settings, Counting)
    assert len(embedded) == first.chunks + first.sentences

    embedded.clear()
    body = REPORT.read_text("utf-8").replace("2024", "2025")
    add_report(corpus_copy, SECOND_ID, body, valid_metadata(year=2025))
    second = run_ingest(settings, Counting)
    [new] = [d for d in second.documents if d.id == SECOND_ID]
    assert len(embedded) == new.chunks + new.sentences

    client = store.chroma_client(store.current_build(tmp_path / "index").chroma)
    got = client.get_collection(store.SENTENCES).get(
        where={"document": REPORT_ID}, include=["documents", "embeddings"], limit=40
    )
    copied = np.asarray(got["embeddings"], dtype=np.float32)
    fresh = np.asarray(model.embed_documents(got["documents"]), dtype=np.float32)
    cosines = (copied * fresh).sum(axis=1)  # both normalised
    assert cosines.min() >= MIN_COSINE
