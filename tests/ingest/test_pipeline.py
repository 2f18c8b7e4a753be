"""Ingest builds an index atomically: re-running is idempotent, a failure changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import store
from ingest.corpus import CorpusDocument, CorpusError
from ingest.pipeline import parse_report, run_ingest
from ingest.tables import row_view
from service.settings import Settings
from tests.conftest import FakeEmbeddings


def _settings(corpus: Path, tmp_path: Path) -> Settings:
    return Settings(
        corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=tmp_path / "no-model"
    )


def test_ingest_publishes_a_complete_build(corpus_copy: Path, tmp_path: Path) -> None:
    summary = run_ingest(_settings(corpus_copy, tmp_path), FakeEmbeddings)
    paths = store.current_build(tmp_path / "index")
    assert paths.root == summary.index
    assert paths.tables.is_file() and paths.consistency.is_file()
    assert summary.documents == 1 and summary.tables == 5
    assert summary.chunks > 40 and summary.sections > 20
    client = store.chroma_client(paths.chroma)
    assert client.get_collection(store.CHUNKS).count() == summary.chunks


def test_reingest_of_unchanged_corpus_changes_nothing(corpus_copy: Path, tmp_path: Path) -> None:
    settings = _settings(corpus_copy, tmp_path)
    first = run_ingest(settings, FakeEmbeddings)
    calls = []
    second = run_ingest(settings, lambda: calls.append(1) or FakeEmbeddings())
    assert second.reused and second.build_id == first.build_id
    assert calls == []  # the model is not even loaded


def test_failed_ingest_leaves_the_served_index_intact(corpus_copy: Path, tmp_path: Path) -> None:
    settings = _settings(corpus_copy, tmp_path)
    first = run_ingest(settings, FakeEmbeddings)
    (corpus_copy / "stuk.txt").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(CorpusError, match=r"stuk\.txt"):
        run_ingest(settings, FakeEmbeddings)
    assert store.current_build(tmp_path / "index").root == first.index
    assert not list((tmp_path / "index" / "builds").glob(".staging-*"))


def test_crash_while_embedding_leaves_the_served_index_intact(
    corpus_copy: Path, tmp_path: Path
) -> None:
    settings = _settings(corpus_copy, tmp_path)
    first = run_ingest(settings, FakeEmbeddings)
    report = next(corpus_copy.glob("*.txt"))
    report.write_text(
        report.read_text(encoding="utf-8") + "\nNieuwe zin over veiligheid.\n", "utf-8"
    )

    class Exploding(FakeEmbeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            raise RuntimeError("model crashed")

    with pytest.raises(RuntimeError):
        run_ingest(settings, Exploding)
    assert store.current_build(tmp_path / "index").root == first.index
    assert not list((tmp_path / "index" / "builds").glob(".staging-*"))


def test_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(store.IndexMissingError, match="make index"):
        store.current_build(tmp_path / "nothing")


def test_only_recognised_tables_leave_the_running_text(tmp_path: Path) -> None:
    text = (
        "Doelstelling 2.1 Veilige wijken\n\n"
        "In 2024 is in alle wijken gecontroleerd. De meeste controles waren in Noord.\n\n"
        "Aantal controles per wijk\n\nWijk 2023 2024\nCentrum 120 131\nNoord 98\nZuid 77 80\n\n"
        "Aantal meldingen per wijk\n\nWijk 2023 2024\nCentrum 12 14\nNoord 8 9\n\n"
        "De meldingen zijn alle binnen een week afgehandeld.\n"
    )
    document = CorpusDocument(
        tmp_path / "gemeente-x-2024.txt", "Gemeente X 2024", text, {"year": 2024}
    )
    report = parse_report(document, _settings(tmp_path, tmp_path))
    assert [(p.line, p.reason) for p in report.problems] == [
        (7, "rij 'Noord' heeft 1 waarde, de andere rijen 2")
    ]
    sentences = " ".join(s.text for s in report.document.sentences())
    assert "Noord 98" in sentences and "Centrum 12 14" not in sentences
    (table,) = report.tables
    assert table.id == "gemeente-x-2024/aantal-meldingen-per-wijk" and table.year == 2024
    rows = [c for c in report.chunks if c.kind == "table_row"]
    assert [c.text for c in rows] == [row_view(table, r) for r in table.rows]
    assert [(c.start, c.end) for c in rows] == [(r.start, r.end) for r in table.rows]
