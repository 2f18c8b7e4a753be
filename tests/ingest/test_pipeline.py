"""Ingest builds an index atomically and incrementally: only new text is embedded, a re-run
embeds nothing, and a failure anywhere leaves the served index as it was."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ingest import store
from ingest.corpus import CorpusDocument, CorpusError
from ingest.metadata import DocumentMeta
from ingest.pipeline import IngestError, line_numbers, parse_report, run_ingest
from ingest.tables import row_view
from service.settings import Settings
from tests.conftest import REPORT, REPORT_ID, FakeEmbeddings, add_report, valid_metadata

SECOND_ID = "zoetermeer-jaarrekening-2025-programma-5-veiligheid"


def _settings(corpus: Path, tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        corpus_dir=corpus,
        index_dir=tmp_path / "index",
        model_dir=tmp_path / "no-model",
        **extra,  # type: ignore[arg-type]
    )


class Recorder:
    """Counts model loads and every text a fake model embeds; can fail on a given call."""

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.loads = 0
        self.calls = 0
        self.texts: list[str] = []
        self.fail_on_call = fail_on_call

    def factory(self) -> Callable[[], FakeEmbeddings]:
        recorder = self

        class Counting(FakeEmbeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                recorder.calls += 1
                if recorder.calls == recorder.fail_on_call:
                    raise RuntimeError("model crashed")
                recorder.texts += texts
                return super().embed_documents(texts)

        def load() -> FakeEmbeddings:
            self.loads += 1
            return Counting()

        return load


def _second_report(corpus: Path, text: str | None = None) -> None:
    """Next year's report: new text under its own id (here the same chapter, reworded)."""
    body = text if text is not None else REPORT.read_text("utf-8").replace("2024", "2025")
    title = "Jaarrekening 2025 — Programma 5 Veiligheid"
    add_report(corpus, SECOND_ID, body, valid_metadata(year=2025, title=title))


def _served(tmp_path: Path) -> Path:
    return store.current_build(tmp_path / "index").root


def test_ingest_publishes_a_complete_build(corpus_copy: Path, tmp_path: Path) -> None:
    summary = run_ingest(_settings(corpus_copy, tmp_path), FakeEmbeddings)
    paths = store.current_build(tmp_path / "index")
    assert paths.root == summary.index
    assert paths.tables.is_file() and paths.consistency.is_file()
    assert len(summary.documents) == 1 and summary.tables == 5
    assert summary.chunks > 40 and summary.sections > 20
    client = store.chroma_client(paths.chroma)
    assert client.get_collection(store.CHUNKS).count() == summary.chunks
    assert client.get_collection(store.SENTENCES).count() == summary.sentences
    assert paths.source(REPORT_ID).read_text("utf-8") == REPORT.read_text("utf-8")


def test_manifest_lists_every_document_with_its_metadata(corpus_copy: Path, tmp_path: Path) -> None:
    _second_report(corpus_copy)
    run_ingest(_settings(corpus_copy, tmp_path), FakeEmbeddings)
    manifest = store.read_manifest(store.current_build(tmp_path / "index"))
    by_id = {d["id"]: d for d in manifest["documents"]}
    assert set(by_id) == {REPORT_ID, SECOND_ID}
    assert by_id[REPORT_ID]["metadata"] == valid_metadata()
    assert by_id[SECOND_ID]["metadata"]["year"] == 2025
    assert by_id[REPORT_ID]["file"] == f"{REPORT_ID}.txt"
    assert by_id[REPORT_ID]["summary"]["tables"] == 5


def test_every_unit_carries_its_document_id(corpus_copy: Path, tmp_path: Path) -> None:
    _second_report(corpus_copy)
    run_ingest(_settings(corpus_copy, tmp_path), FakeEmbeddings)
    client = store.chroma_client(store.current_build(tmp_path / "index").chroma)
    for name in (store.CHUNKS, store.SENTENCES):
        got = client.get_collection(name).get(include=["metadatas"])
        for unit_id, meta in zip(got["ids"], got["metadatas"], strict=True):
            assert meta["document"] in (REPORT_ID, SECOND_ID)
            assert unit_id.startswith(f"{meta['document']}:")


def test_two_reports_with_the_same_text_never_collide(corpus_copy: Path, tmp_path: Path) -> None:
    one = run_ingest(_settings(corpus_copy, tmp_path / "one"), FakeEmbeddings)
    add_report(corpus_copy, "zoetermeer-kopie", REPORT.read_text("utf-8"))
    two = run_ingest(_settings(corpus_copy, tmp_path), FakeEmbeddings)
    assert two.chunks == 2 * one.chunks and two.sentences == 2 * one.sentences
    paths = store.current_build(tmp_path / "index")
    client = store.chroma_client(paths.chroma)
    ids = client.get_collection(store.CHUNKS).get()["ids"]
    assert len(ids) == len(set(ids)) == two.chunks
    with sqlite3.connect(paths.tables) as db:
        per_document = dict(db.execute("SELECT document, COUNT(*) FROM tables GROUP BY document"))
    assert per_document == {REPORT_ID: 5, "zoetermeer-kopie": 5}


def test_adding_a_report_embeds_only_that_report(corpus_copy: Path, tmp_path: Path) -> None:
    settings = _settings(corpus_copy, tmp_path)
    full = Recorder()
    first = run_ingest(settings, full.factory())
    assert len(full.texts) == first.chunks + first.sentences

    _second_report(corpus_copy)
    added = Recorder()
    second = run_ingest(settings, added.factory())
    [new] = [d for d in second.documents if d.id == SECOND_ID]
    assert len(added.texts) == new.chunks + new.sentences
    assert second.embedded["chunks"].reused == first.chunks
    assert second.embedded["zinnen"].reused == first.sentences
    assert any("2025" in t for t in added.texts)

    # A copied vector is exactly the vector the model would compute.
    client = store.chroma_client(store.current_build(tmp_path / "index").chroma)
    got = client.get_collection(store.SENTENCES).get(
        where={"document": REPORT_ID}, include=["documents", "embeddings"], limit=20
    )
    expected = FakeEmbeddings().embed_documents(got["documents"])
    assert len(got["ids"]) == 20
    np.testing.assert_allclose(got["embeddings"], expected, atol=1e-6)


def test_reingest_of_unchanged_corpus_embeds_nothing(corpus_copy: Path, tmp_path: Path) -> None:
    settings = _settings(corpus_copy, tmp_path)
    first = run_ingest(settings, FakeEmbeddings)
    again = Recorder()
    second = run_ingest(settings, again.factory())
    assert second.reused and second.build_id == first.build_id
    assert again.loads == 0  # the model is not even loaded
    assert second.chunks == first.chunks and second.documents[0].tables == 5


def test_removing_a_report_needs_no_model(corpus_copy: Path, tmp_path: Path) -> None:
    settings = _settings(corpus_copy, tmp_path)
    _second_report(corpus_copy)
    run_ingest(settings, FakeEmbeddings)
    (corpus_copy / f"{SECOND_ID}.txt").unlink()
    (corpus_copy / f"{SECOND_ID}.meta.json").unlink()
    removed = Recorder()
    summary = run_ingest(settings, removed.factory(), force=False)
    assert removed.loads == 0
    assert [d.id for d in summary.documents] == [REPORT_ID]


def test_editing_a_report_embeds_only_what_changed(corpus_copy: Path, tmp_path: Path) -> None:
    settings = _settings(corpus_copy, tmp_path)
    first = run_ingest(settings, FakeEmbeddings)
    report = corpus_copy / f"{REPORT_ID}.txt"
    # Appended at the end: every offset before it stays, so every earlier id stays.
    report.write_text(
        report.read_text("utf-8") + "\nEen nieuwe zin over veiligheid in de wijk.\n", "utf-8"
    )
    edited = Recorder()
    second = run_ingest(settings, edited.factory())
    assert 0 < len(edited.texts) <= 4
    assert second.embedded["zinnen"].reused >= first.sentences - 2


def test_force_embeds_everything_again(corpus_copy: Path, tmp_path: Path) -> None:
    settings = _settings(corpus_copy, tmp_path)
    first = run_ingest(settings, FakeEmbeddings)
    forced = Recorder()
    run_ingest(settings, forced.factory(), force=True)
    assert len(forced.texts) == first.chunks + first.sentences


def test_another_model_reuses_no_vector(corpus_copy: Path, tmp_path: Path) -> None:
    first = run_ingest(_settings(corpus_copy, tmp_path), FakeEmbeddings)
    other_model = Recorder()
    other = Settings(
        corpus_dir=corpus_copy, index_dir=tmp_path / "index", model_dir=tmp_path / "other-model"
    )
    run_ingest(other, other_model.factory())
    assert len(other_model.texts) == first.chunks + first.sentences


def test_progress_is_reported_per_batch(corpus_copy: Path, tmp_path: Path) -> None:
    messages: list[str] = []
    summary = run_ingest(
        _settings(corpus_copy, tmp_path, embed_batch_size=50), FakeEmbeddings, messages.append
    )
    batches = [m for m in messages if m.strip().startswith("zinnen:")]
    assert len(batches) == -(-summary.sentences // 50)
    assert batches[-1].strip().startswith(f"zinnen: {summary.sentences}/{summary.sentences}")


def test_failed_ingest_leaves_the_served_index_intact(corpus_copy: Path, tmp_path: Path) -> None:
    settings = _settings(corpus_copy, tmp_path)
    first = run_ingest(settings, FakeEmbeddings)
    add_report(corpus_copy, "stuk", b"\x00\x01\x02" * 100)
    with pytest.raises(CorpusError, match=r"stuk\.txt"):
        run_ingest(settings, FakeEmbeddings)
    assert _served(tmp_path) == first.index
    assert not list((tmp_path / "index" / "builds").glob(".staging-*"))


def test_bad_metadata_leaves_the_served_index_intact(corpus_copy: Path, tmp_path: Path) -> None:
    settings = _settings(corpus_copy, tmp_path)
    first = run_ingest(settings, FakeEmbeddings)
    before = sorted(p.name for p in (tmp_path / "index" / "builds").iterdir())
    _second_report(corpus_copy)
    meta = corpus_copy / f"{SECOND_ID}.meta.json"
    meta.write_text(json.dumps(valid_metadata(year="tweeduizend")), "utf-8")
    with pytest.raises(CorpusError, match="veld 'year' moet een jaartal zijn"):
        run_ingest(settings, FakeEmbeddings)
    assert _served(tmp_path) == first.index
    assert sorted(p.name for p in (tmp_path / "index" / "builds").iterdir()) == before


def test_crash_midway_through_embedding_leaves_the_served_index_intact(
    corpus_copy: Path, tmp_path: Path
) -> None:
    settings = _settings(corpus_copy, tmp_path, embed_batch_size=16)
    first = run_ingest(settings, FakeEmbeddings)
    _second_report(corpus_copy)
    crashing = Recorder(fail_on_call=5)  # after four batches were embedded and written
    with pytest.raises(RuntimeError, match="model crashed"):
        run_ingest(settings, crashing.factory())
    assert len(crashing.texts) == 4 * 16
    assert _served(tmp_path) == first.index
    assert not list((tmp_path / "index" / "builds").glob(".staging-*"))
    # The next run completes, and still embeds only the new report.
    retry = Recorder()
    second = run_ingest(settings, retry.factory())
    [new] = [d for d in second.documents if d.id == SECOND_ID]
    assert len(retry.texts) == new.chunks + new.sentences


def test_duplicate_ids_stop_the_ingest_before_writing(
    corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ingest.chunk.content_id", lambda *_: "altijd-dezelfde")
    with pytest.raises(IngestError, match="dezelfde id"):
        run_ingest(_settings(corpus_copy, tmp_path), FakeEmbeddings)
    assert not (tmp_path / "index" / "current").exists()


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
    meta = DocumentMeta.model_validate(
        valid_metadata(municipality="Gemeente X", title="Gemeente X 2024 — Veilige wijken")
    )
    document = CorpusDocument(tmp_path / "gemeente-x-2024.txt", "gemeente-x-2024", text, meta)
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


def test_table_problems_get_their_line_numbers() -> None:
    source = "eerste regel\ntweede\n\nvierde regel"
    assert line_numbers(source, [0, 12, 13, 20, 21, len(source) - 1]) == [1, 1, 2, 3, 4, 4]
