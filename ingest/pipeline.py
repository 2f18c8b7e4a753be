"""The ingest pipeline: corpus -> document trees and tables -> chunks -> a new index build.

All files are validated and parsed before anything is written; the new build is written
next to the served one and swapped in only when complete (see `ingest.store`). Vectors
of chunks and sentences the served build already holds are copied, not recomputed
(see `ingest.vectors`), so adding one report embeds only that report.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from ingest import messages as msg
from ingest import store
from ingest.chunk import Chunk, chunk_document, make_chunk
from ingest.consistency import Discrepancy, find_discrepancies, write_consistency
from ingest.corpus import CorpusDocument, format_size, ignored_files, load_corpus
from ingest.embed import embedding_fingerprint
from ingest.parse import Document, Sentence, load_sentencizer, parse_document
from ingest.tables import Table, TableProblem, parse_tables, row_view, write_table_store
from ingest.vectors import EmbedCounts, LazyEmbeddings, fill_collection
from service.settings import Settings

log = logging.getLogger(__name__)

# Bump when parsing or chunking changes, so an unchanged corpus is still re-indexed.
PIPELINE_VERSION = "5"
# The stages of `parse_report`, as the summary names them.
STAGE_NAMES = {
    "tables": "tabellen",
    "parse": "tekst",
    "consistency": "consistentie",
    "chunk": "chunks",
}

Progress = Callable[[str], None]


class IngestError(ValueError):
    """A report that parsed but cannot be indexed; the message names the file."""


@dataclass
class ParsedReport:
    """One report, parsed: its tree, tables, chunks and discrepancies, and how long it took."""

    corpus: CorpusDocument
    document: Document
    sentences: list[Sentence]
    tables: list[Table]
    problems: list[TableProblem]
    chunks: list[Chunk]
    discrepancies: list[Discrepancy]
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class DocumentSummary:
    """What ingest read in one report, for the terminal and the manifest."""

    id: str
    file: str
    bytes: int
    sections: int
    sentences: int
    chunks: int
    tables: int
    table_rows: int
    discrepancies: int
    table_problems: list[str] = field(default_factory=list)  # "regel 12: <reason>"
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        """Time to read this report, all stages."""
        return sum(self.stage_seconds.values())

    def lines(self) -> list[str]:
        """The Dutch lines for this report."""
        stages = " · ".join(
            f"{STAGE_NAMES.get(k, k)} {_seconds(v)}" for k, v in self.stage_seconds.items()
        )
        out = [
            f"  {self.file} ({format_size(self.bytes)}): "
            f"{self.sections} secties, {self.sentences} zinnen, {self.chunks} chunks, "
            f"{self.tables} tabellen ({self.table_rows} rijen), "
            f"{self.discrepancies} tegenstrijdigheden tekst/tabellen"
        ]
        if self.stage_seconds:
            out.append(f"    gelezen in {_seconds(self.seconds)} ({stages})")
        out += [f"    LET OP, tabel niet gelezen: {p}" for p in self.table_problems]
        return out


@dataclass
class IngestSummary:
    """What an ingest did, for the terminal and for tests."""

    build_id: str
    index: Path
    reused: bool
    documents: list[DocumentSummary] = field(default_factory=list)
    embedded: dict[str, EmbedCounts] = field(default_factory=dict)
    model_load_seconds: float = 0.0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # e.g. files in corpus/ that were skipped

    @property
    def sections(self) -> int:
        """Sections over all reports."""
        return sum(d.sections for d in self.documents)

    @property
    def sentences(self) -> int:
        """Sentences over all reports."""
        return sum(d.sentences for d in self.documents)

    @property
    def chunks(self) -> int:
        """Chunks over all reports."""
        return sum(d.chunks for d in self.documents)

    @property
    def tables(self) -> int:
        """Tables over all reports."""
        return sum(d.tables for d in self.documents)

    @property
    def discrepancies(self) -> int:
        """Discrepancies over all reports."""
        return sum(d.discrepancies for d in self.documents)

    @property
    def problems(self) -> list[str]:
        """Every table-like block that could not be read, with its file and line."""
        return [f"{d.file}: {p}" for d in self.documents for p in d.table_problems]

    def lines(self) -> list[str]:
        """A short Dutch summary: the build, each report, the embeddings, the time."""
        state = msg.UNCHANGED if self.reused else msg.BUILT
        out = [f"Klaar ({state}) in {_seconds(self.seconds)}: {self.index}"]
        out.append(f"  {len(self.documents)} rapport(en):")
        for document in self.documents:
            out += document.lines()
        if self.embedded:
            parts = [
                f"{label} {c.new} nieuw en {c.reused} hergebruikt ({_seconds(c.seconds)})"
                for label, c in self.embedded.items()
            ]
            load = (
                f", model laden {_seconds(self.model_load_seconds)}"
                if self.model_load_seconds
                else ""
            )
            out.append("  embeddings: " + "; ".join(parts) + load)
        out += [f"  LET OP: {note}" for note in self.notes]
        return out


def _seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


def line_numbers(source: str, offsets: Sequence[int]) -> list[int]:
    """The 1-based line of `source` each offset falls on (one pass, however many offsets)."""
    starts = [0] + [m.end() for m in re.finditer("\n", source)]
    return [bisect.bisect_right(starts, offset) for offset in offsets]


def parse_report(corpus: CorpusDocument, settings: Settings) -> ParsedReport:
    """Parse one report into everything the index holds, timing each stage."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = now - clock
        clock = now

    parsed = parse_tables(corpus.text, corpus.id, corpus.meta.year)
    tables = list(parsed.tables)
    lap("tables")
    # Only recognised tables leave the running text; an unreadable block stays searchable.
    spans = [(t.start, t.end, t.title) for t in tables]
    document = parse_document(corpus.text, corpus.id, corpus.root_heading, spans)
    sentences = document.sentences()
    if not sentences:
        raise IngestError(msg.NO_RUNNING_TEXT.format(file=corpus.path.name))
    lap("parse")
    discrepancies = find_discrepancies(corpus.text, tables)
    lap("consistency")
    chunks = chunk_document(document, settings.chunk_chars)
    for table in tables:
        for row in table.rows:
            chunks.append(
                make_chunk(
                    corpus.id,
                    table.citation_section,
                    row_view(table, row),
                    row.start,
                    row.end,
                    kind="table_row",
                )
            )
    lap("chunk")
    return ParsedReport(
        corpus, document, sentences, tables, list(parsed.problems), chunks, discrepancies, seconds
    )


def build_id(corpus: Sequence[CorpusDocument], settings: Settings) -> str:
    """Hash of everything a build depends on: texts, metadata, model and pipeline version."""
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for doc in corpus:
        h.update(doc.id.encode())
        h.update(doc.sha256.encode())
        h.update(doc.meta.model_dump_json().encode())
    h.update(embedding_fingerprint(settings).encode())
    h.update(str(settings.chunk_chars).encode())
    return h.hexdigest()[:16]


def run_ingest(
    settings: Settings,
    embeddings_factory: Callable[[], Embeddings],
    progress: Progress = lambda _msg: None,
    *,
    force: bool = False,
) -> IngestSummary:
    """Parse the corpus and publish a new index build (or reuse an identical one).

    `force` rebuilds from scratch: no identical build and no stored vector is reused.
    """
    began = time.perf_counter()
    index_dir = Path(settings.index_dir)
    progress(msg.READING.format(folder=settings.corpus_dir))
    corpus = load_corpus(Path(settings.corpus_dir), settings.max_document_bytes)
    notes = [msg.IGNORED.format(file=name) for name in ignored_files(Path(settings.corpus_dir))]
    bid = build_id(corpus, settings)

    # A killed ingest leaves its staging folder (and server collections) behind.
    store.remove_stale_staging(index_dir, settings)
    existing = store.existing_build(index_dir, bid)
    if existing is not None and not force and store.has_vectors(existing, settings):
        store.activate(index_dir, bid)
        summary = _summary_from_manifest(store.read_manifest(existing), existing.root)
        summary.seconds = time.perf_counter() - began
        summary.notes = notes
        return summary

    # Loaded before the first report, so its time is not counted as that report's parsing.
    load_sentencizer()
    reports = []
    for doc in corpus:
        progress(msg.PARSING.format(file=doc.path.name, size=format_size(doc.size)))
        reports.append(parse_report(doc, settings))
    _check_unique_ids(reports)

    fingerprint = embedding_fingerprint(settings)
    previous = None if force else _reusable_build(index_dir, fingerprint, settings)
    embeddings = LazyEmbeddings(embeddings_factory, progress)
    staging = store.start_build(index_dir, bid)
    try:
        vectors = store.staging_vectors(settings, staging, bid)
    except BaseException:  # e.g. the Chroma server is unreachable
        store.discard_staging(staging)
        raise
    try:
        embedded = _write_build(staging, vectors, reports, previous, embeddings, settings, progress)
        documents = [_document_summary(r) for r in reports]
        manifest = _manifest(bid, settings, fingerprint, reports, documents, embedded)
        if force or existing is not None:
            # Rebuilding an id that is there (forced, or its vectors were lost): replace it.
            shutil.rmtree(index_dir / "builds" / bid, ignore_errors=True)
        final = store.publish_build(index_dir, staging, bid, manifest, vectors)
    except BaseException:
        store.discard_staging(staging, vectors)
        raise
    finally:
        vectors.close()
    return IngestSummary(
        bid,
        final.root,
        False,
        documents,
        embedded,
        model_load_seconds=embeddings.load_seconds,
        seconds=time.perf_counter() - began,
        notes=notes,
    )


def _check_unique_ids(reports: Sequence[ParsedReport]) -> None:
    """Chroma rejects a batch with a repeated id, halfway through a build: check first."""
    for name, ids_of in (
        ("chunks", lambda r: [c.id for c in r.chunks]),
        ("zinnen", lambda r: [store.sentence_id(r.corpus.id, s) for s in r.sentences]),
    ):
        seen: dict[str, str] = {}
        for report in reports:
            for item_id in ids_of(report):
                if item_id in seen:
                    log.error("duplicate id", extra={"collection": name, "id": item_id})
                    raise IngestError(
                        msg.DUPLICATE_ID.format(file=report.corpus.path.name, id=item_id)
                    )
                seen[item_id] = report.corpus.id


def _reusable_build(
    index_dir: Path, fingerprint: str, settings: Settings
) -> store.IndexPaths | None:
    """The served build, if its vectors were made by the same model as ours."""
    served = store.served_build(index_dir)
    if served is None:
        return None
    try:
        manifest = store.read_manifest(served)
    except (OSError, ValueError):
        return None
    if manifest.get("embedding", {}).get("fingerprint") != fingerprint:
        return None
    return served if store.has_vectors(served, settings) else None


def _write_build(
    paths: store.IndexPaths,
    vectors: store.Vectors,
    reports: Sequence[ParsedReport],
    previous: store.IndexPaths | None,
    embeddings: LazyEmbeddings,
    settings: Settings,
    progress: Progress,
) -> dict[str, EmbedCounts]:
    # Read the served build the way the service does (a scratch copy), so no process ever
    # writes to a published build while a service may be copying it.
    old_vectors = (
        store.open_served_vectors(previous, store.read_manifest(previous), settings)
        if previous is not None
        else None
    )
    try:
        return _fill_build(paths, vectors, old_vectors, reports, embeddings, settings, progress)
    finally:
        if old_vectors is not None:
            old_vectors.close()


def _fill_build(
    paths: store.IndexPaths,
    vectors: store.Vectors,
    old_vectors: store.Vectors | None,
    reports: Sequence[ParsedReport],
    embeddings: LazyEmbeddings,
    settings: Settings,
    progress: Progress,
) -> dict[str, EmbedCounts]:
    contents = {
        store.CHUNKS: ("chunks", store.chunk_records([c for r in reports for c in r.chunks])),
        store.SENTENCES: (
            "zinnen",
            [rec for r in reports for rec in store.sentence_records(r.corpus.id, r.sentences)],
        ),
    }
    embedded = {}
    for name, (label, records) in contents.items():
        old = old_vectors.existing(name) if old_vectors is not None else None
        embedded[label] = fill_collection(
            vectors.collection(name),
            records,
            old,
            embeddings,
            label=label,
            batch_size=settings.embed_batch_size,
            progress=progress,
        )
    for report in reports:
        paths.source(report.corpus.id).write_text(report.corpus.text, "utf-8")
    write_table_store([t for r in reports for t in r.tables], paths.tables)
    write_consistency([d for r in reports for d in r.discrepancies], paths.consistency)
    return embedded


def _document_summary(report: ParsedReport) -> DocumentSummary:
    return DocumentSummary(
        id=report.corpus.id,
        file=report.corpus.path.name,
        bytes=report.corpus.size,
        sections=len(report.document.sections()),
        sentences=len(report.sentences),
        chunks=len(report.chunks),
        tables=len(report.tables),
        table_rows=sum(len(t.rows) for t in report.tables),
        discrepancies=len(report.discrepancies),
        table_problems=[f"regel {p.line}: {p.reason}" for p in report.problems],
        stage_seconds=dict(report.seconds),
    )


def _manifest(
    bid: str,
    settings: Settings,
    fingerprint: str,
    reports: Sequence[ParsedReport],
    documents: Sequence[DocumentSummary],
    embedded: dict[str, EmbedCounts],
) -> dict[str, Any]:
    """What went into a build: every document with its full metadata, the model, counts."""
    return {
        "build_id": bid,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "pipeline_version": PIPELINE_VERSION,
        "embedding": {"model_dir": str(settings.model_dir), "fingerprint": fingerprint},
        "documents": [
            {
                "id": r.corpus.id,
                "file": r.corpus.path.name,
                "sha256": r.corpus.sha256,
                "metadata": r.corpus.meta.model_dump(mode="json"),
                "summary": {k: v for k, v in vars(d).items() if k not in ("id", "file")},
            }
            for r, d in zip(reports, documents, strict=True)
        ],
        "counts": {
            "sections": sum(d.sections for d in documents),
            "sentences": sum(d.sentences for d in documents),
            "chunks": sum(d.chunks for d in documents),
            "tables": sum(d.tables for d in documents),
            "discrepancies": sum(d.discrepancies for d in documents),
        },
        "embedded": {label: vars(c) for label, c in embedded.items()},
    }


def _summary_from_manifest(manifest: dict[str, Any], root: Path) -> IngestSummary:
    """The summary of a build that is reused as it is: nothing was parsed or embedded."""
    known = {f.name for f in fields(DocumentSummary)} - {"id", "file", "stage_seconds"}
    documents = [
        # Nothing was read now, so no reading time is shown.
        DocumentSummary(
            id=d["id"],
            file=d["file"],
            **{k: v for k, v in d["summary"].items() if k in known},
        )
        for d in manifest["documents"]
    ]
    return IngestSummary(manifest["build_id"], root, True, documents)
