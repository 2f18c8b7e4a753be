"""Chunks stay inside one section and point at verbatim source spans."""

from __future__ import annotations

from ingest.chunk import chunk_document, content_id
from ingest.parse import parse_document
from ingest.tables import parse_tables
from tests.conftest import REPORT_NAME


def _chunks(source: str, max_chars: int = 700):
    tables = parse_tables(source, REPORT_NAME).tables
    doc = parse_document(
        source, REPORT_NAME, "Programma 5 Veiligheid", [(t.start, t.end, t.title) for t in tables]
    )
    return doc, chunk_document(doc, max_chars)


def test_chunks_never_cross_a_section(source: str) -> None:
    doc, chunks = _chunks(source)
    spans = {s.path: (s.start, s.end) for s in doc.sections()}
    for chunk in chunks:
        start, end = spans[chunk.section]
        assert start <= chunk.start < chunk.end <= end


def test_chunks_respect_the_size_limit_unless_one_sentence_is_longer(source: str) -> None:
    _, chunks = _chunks(source, max_chars=300)
    doc, _ = _chunks(source)
    longest = max(len(s.text) for s in doc.sentences())
    assert all(len(c.text) <= 300 + longest for c in chunks)
    assert sum(len(c.text) > 300 for c in chunks) < len(chunks) / 4


def test_every_sentence_is_in_some_chunk(source: str) -> None:
    doc, chunks = _chunks(source)
    for s in doc.sentences():
        assert any(c.start <= s.start and s.end <= c.end for c in chunks)


def test_ids_depend_only_on_content(source: str) -> None:
    _, first = _chunks(source)
    _, second = _chunks(source)
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)
    assert content_id("a", "text", 0, 1, "x") != content_id("a", "text", 0, 1, "y")


def test_ids_are_scoped_by_document(source: str) -> None:
    _, chunks = _chunks(source)
    assert all(c.id.startswith(f"{REPORT_NAME}:") for c in chunks)
    assert content_id("a", "text", 0, 1, "x") != content_id("b", "text", 0, 1, "x")
