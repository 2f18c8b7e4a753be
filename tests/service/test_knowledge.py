"""The service knows every document of a build by its id, with its metadata and text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest import store
from ingest.metadata import DocumentMeta
from ingest.pipeline import run_ingest
from service.answer.knowledge import load_knowledge
from service.settings import Settings
from tests.conftest import REPORT, REPORT_ID, FakeEmbeddings, add_report, valid_metadata

DELFT = "delft-jaarrekening-2023-veiligheid"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import CORPUS

    root = tmp_path_factory.mktemp("knowledge")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in CORPUS.iterdir():
        (corpus / path.name).write_bytes(path.read_bytes())
    meta = valid_metadata(
        municipality="Delft",
        year=2023,
        title="Jaarrekening 2023 — Veiligheid",
        publisher="Gemeente Delft",
        source_url="https://www.delft.nl/jaarrekening",
    )
    add_report(corpus, DELFT, REPORT.read_text("utf-8").replace("Zoetermeer", "Delft"), meta)
    settings = Settings(corpus_dir=corpus, index_dir=root / "index", model_dir=root / "no-model")
    run_ingest(settings, FakeEmbeddings)
    return root / "index"


def test_documents_and_sources_are_keyed_by_document_id(index_dir: Path) -> None:
    knowledge = load_knowledge(index_dir, FakeEmbeddings())
    assert set(knowledge.documents) == set(knowledge.sources) == {REPORT_ID, DELFT}
    zoetermeer = knowledge.documents[REPORT_ID]
    assert isinstance(zoetermeer, DocumentMeta)
    assert zoetermeer.title == "Jaarrekening 2024 — Programma 5 Veiligheid"
    assert knowledge.documents[DELFT].municipality == "Delft"
    assert knowledge.sources[REPORT_ID] == REPORT.read_text("utf-8")
    assert knowledge.report_years == frozenset({2023, 2024})


def test_every_passage_and_sentence_names_a_known_document(index_dir: Path) -> None:
    knowledge = load_knowledge(index_dir, FakeEmbeddings())
    assert {s.document for s in knowledge.sentences} == {REPORT_ID, DELFT}
    assert {p.metadata["document"] for p in knowledge.passages} == {REPORT_ID, DELFT}
    for s in knowledge.sentences[:50]:
        assert knowledge.sources[s.document][s.start : s.end]
    tables = {t.document for t in knowledge.tables.tables}
    assert tables == {REPORT_ID, DELFT}


def test_an_index_from_before_document_metadata_asks_for_a_rebuild(tmp_path: Path) -> None:
    old = tmp_path / "index"
    build = old / "builds" / "oud"
    build.mkdir(parents=True)
    manifest = {"build_id": "oud", "documents": [{"name": "Jaarrekening 2024", "year": 2024}]}
    (build / store.MANIFEST).write_text(json.dumps(manifest), "utf-8")
    store.activate(old, "oud")
    with pytest.raises(store.IndexMissingError, match="oudere versie"):
        load_knowledge(old, FakeEmbeddings())
