"""The ingest pipeline: corpus -> document trees and tables -> chunks -> a new index build.

All files are read and parsed before anything is written; the new build is written next
to the served one and swapped in only when complete (see `ingest.store`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from langchain_core.embeddings import Embeddings

from ingest import store
from ingest.chunk import Chunk, chunk_document, make_chunk
from ingest.consistency import Discrepancy, find_discrepancies, write_consistency
from ingest.corpus import CorpusDocument, load_corpus
from ingest.parse import Document, parse_document
from ingest.tables import Table, TableProblem, parse_tables, row_view, write_table_store
from service.settings import Settings

log = logging.getLogger(__name__)

# Bump when parsing or chunking changes, so an unchanged corpus is still re-indexed.
PIPELINE_VERSION = "4"

Progress = Callable[[str], None]


@dataclass
class ParsedReport:
    """One report, parsed: its tree, tables, chunks and discrepancies."""

    corpus: CorpusDocument
    document: Document
    tables: list[Table]
    problems: list[TableProblem]
    chunks: list[Chunk]
    discrepancies: list[Discrepancy]


@dataclass
class IngestSummary:
    """What an ingest did, for the terminal and for tests."""

    build_id: str
    index: Path
    reused: bool
    documents: int = 0
    sections: int = 0
    sentences: int = 0
    chunks: int = 0
    tables: int = 0
    table_rows: int = 0
    discrepancies: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A short Dutch summary."""
        state = "ongewijzigd, bestaande index gebruikt" if self.reused else "nieuwe index gebouwd"
        out = [
            f"Klaar ({state}): {self.index}",
            f"  documenten: {self.documents}  secties: {self.sections}  zinnen: {self.sentences}",
            f"  chunks: {self.chunks}  tabellen: {self.tables} ({self.table_rows} rijen)",
            f"  totalen die niet kloppen: {self.discrepancies}",
        ]
        out += [f"  LET OP: {p}" for p in self.problems]
        return out


def parse_report(corpus: CorpusDocument, settings: Settings) -> ParsedReport:
    """Parse one report into everything the index holds."""
    year = corpus.metadata.get("year")
    parsed = parse_tables(corpus.text, corpus.path.stem, year if isinstance(year, int) else None)
    tables = list(parsed.tables)
    # Only recognised tables leave the running text; an unreadable block stays searchable.
    spans = [(t.start, t.end, t.title) for t in tables]
    document = parse_document(corpus.text, corpus.name, corpus.programme, spans)
    if not document.sentences():
        raise ValueError(f"{corpus.path.name}: geen lopende tekst gevonden.")
    chunks = chunk_document(document, settings.chunk_chars)
    for table in tables:
        for row in table.rows:
            chunks.append(
                make_chunk(
                    corpus.name,
                    table.citation_section,
                    row_view(table, row),
                    row.start,
                    row.end,
                    kind="table_row",
                )
            )
    discrepancies = find_discrepancies(corpus.text, tables)
    return ParsedReport(corpus, document, tables, list(parsed.problems), chunks, discrepancies)


def build_id(corpus: list[CorpusDocument], settings: Settings) -> str:
    """Hash of everything a build depends on: texts, metadata, model and pipeline version."""
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for doc in corpus:
        h.update(doc.sha256.encode())
        h.update(json.dumps(doc.metadata, sort_keys=True).encode())
    model_marker = Path(settings.model_dir) / ".built-from"
    h.update(str(Path(settings.model_dir).resolve()).encode())
    if model_marker.is_file():
        h.update(model_marker.read_bytes())
    h.update(str(settings.chunk_chars).encode())
    return h.hexdigest()[:16]


def run_ingest(
    settings: Settings,
    embeddings_factory: Callable[[], Embeddings],
    progress: Progress = lambda _msg: None,
    *,
    force: bool = False,
) -> IngestSummary:
    """Parse the corpus and publish a new index build (or reuse an identical one)."""
    index_dir = Path(settings.index_dir)
    progress(f"Corpus lezen uit {settings.corpus_dir} …")
    corpus = load_corpus(Path(settings.corpus_dir))
    reports = []
    for doc in corpus:
        progress(f"Verwerken: {doc.path.name}")
        reports.append(parse_report(doc, settings))
    bid = build_id(corpus, settings)
    summary = _summarise(bid, index_dir, reports)

    existing = store.existing_build(index_dir, bid)
    if existing is not None and not force:
        store.activate(index_dir, bid)
        summary.reused = True
        summary.index = existing.root
        return summary

    embeddings = embeddings_factory()
    staging = store.start_build(index_dir, bid)
    try:
        _write_build(staging, reports, embeddings, progress)
        manifest = {
            "build_id": bid,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "pipeline_version": PIPELINE_VERSION,
            "model_dir": str(settings.model_dir),
            "documents": [
                {
                    "name": r.corpus.name,
                    "file": r.corpus.path.name,
                    "sha256": r.corpus.sha256,
                    "year": r.corpus.metadata.get("year"),
                }
                for r in reports
            ],
            "counts": {
                "sections": summary.sections,
                "chunks": summary.chunks,
                "tables": summary.tables,
                "discrepancies": summary.discrepancies,
            },
        }
        if force:
            shutil.rmtree(index_dir / "builds" / bid, ignore_errors=True)
        final = store.publish_build(index_dir, staging, bid, manifest)
    except BaseException:
        shutil.rmtree(staging.root, ignore_errors=True)
        raise
    summary.index = final.root
    return summary


def _summarise(bid: str, index_dir: Path, reports: list[ParsedReport]) -> IngestSummary:
    summary = IngestSummary(build_id=bid, index=index_dir, reused=False)
    for r in reports:
        summary.documents += 1
        summary.sections += len(r.document.sections())
        summary.sentences += len(r.document.sentences())
        summary.chunks += len(r.chunks)
        summary.tables += len(r.tables)
        summary.table_rows += sum(len(t.rows) for t in r.tables)
        summary.discrepancies += len(r.discrepancies)
        summary.problems += [
            f"{r.corpus.path.name}, regel {p.line}: tabel niet gelezen ({p.reason})"
            for p in r.problems
        ]
    return summary


def _write_build(
    paths: store.IndexPaths,
    reports: list[ParsedReport],
    embeddings: Embeddings,
    progress: Progress,
) -> None:
    client = store.chroma_client(paths.chroma)
    chunks_store = store.vector_store(client, store.CHUNKS, embeddings)
    sentences_store = store.vector_store(client, store.SENTENCES, embeddings)
    for report in reports:
        name = report.corpus.name
        progress(f"Embedden: {len(report.chunks)} chunks van {name}")
        store.write_chunks(chunks_store, report.chunks)
        sentences = report.document.sentences()
        progress(f"Embedden: {len(sentences)} zinnen van {name}")
        store.write_sentences(sentences_store, name, sentences)
        (paths.sources / source_file_name(name)).write_text(report.corpus.text, "utf-8")
    write_table_store([t for r in reports for t in r.tables], paths.tables)
    write_consistency([d for r in reports for d in r.discrepancies], paths.consistency)


def source_file_name(document: str) -> str:
    """A safe file name for a document's copy of its source text."""
    return hashlib.sha256(document.encode()).hexdigest()[:16] + ".txt"
