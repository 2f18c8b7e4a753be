"""The index on disk: one immutable build folder per corpus state, swapped in atomically.

    index/current -> builds/<build id>/
        manifest.json    what went in: every document with its metadata, the model, counts
        chroma/          Chroma collections of chunks and sentences, with our own embeddings
        tables.sqlite    the tables as typed rows
        consistency.json discrepancies between text and tables
        sources/<id>.txt the unedited report texts the offsets point into

A build is written next to the served one and only becomes `current` once complete, so
a failed ingest never touches what the service reads. The build id is a hash of the
corpus and the model, so re-running ingest on unchanged input does nothing. Every row of
a collection has a content-derived id scoped by its document (`ingest.chunk.content_id`),
so a new build can copy the vectors of unchanged text from the served one.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from ingest.chunk import Chunk, content_id
from ingest.parse import Sentence

CHUNKS = "report_chunks"
SENTENCES = "report_sentences"
MANIFEST = "manifest.json"
KEEP_OLD_BUILDS = 1
COLLECTION_METADATA = {"hnsw:space": "cosine"}


class IndexMissingError(RuntimeError):
    """No index has been built yet."""


@dataclass(frozen=True)
class IndexPaths:
    """Where the parts of one build live."""

    root: Path

    @property
    def chroma(self) -> Path:
        """The Chroma database folder."""
        return self.root / "chroma"

    @property
    def tables(self) -> Path:
        """The SQLite table store."""
        return self.root / "tables.sqlite"

    @property
    def consistency(self) -> Path:
        """The discrepancies between text and tables."""
        return self.root / "consistency.json"

    @property
    def sources(self) -> Path:
        """The folder of unedited source texts."""
        return self.root / "sources"

    @property
    def manifest(self) -> Path:
        """What went into the build."""
        return self.root / MANIFEST

    def source(self, document: str) -> Path:
        """The copy of a document's text that its offsets point into (ids are safe names)."""
        return self.sources / f"{document}.txt"


def chroma_client(path: Path | None = None) -> chromadb.ClientAPI:
    """A persistent client at `path`, or an in-memory one; telemetry always off."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if path is None:
        return chromadb.EphemeralClient(settings=settings)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def vector_store(client: chromadb.ClientAPI, name: str, embeddings: Embeddings) -> Chroma:
    """A LangChain view of one collection, always with our own embeddings (never Chroma's)."""
    return Chroma(
        collection_name=name,
        embedding_function=embeddings,
        client=client,
        collection_metadata=COLLECTION_METADATA,
    )


def collection(client: chromadb.ClientAPI, name: str) -> Collection:
    """The raw collection, for writing vectors we computed (it has no embedding function)."""
    return client.get_or_create_collection(
        name=name, metadata=COLLECTION_METADATA, embedding_function=None
    )


def existing_collection(client: chromadb.ClientAPI, name: str) -> Collection | None:
    """A collection that is already there, or None (an older build may lack it)."""
    try:
        return client.get_collection(name=name, embedding_function=None)
    except (NotFoundError, ValueError):
        return None


def sentence_id(document: str, sentence: Sentence) -> str:
    """Content-derived id of a sentence, scoped by its document."""
    return content_id(document, "sentence", sentence.start, sentence.end, sentence.text)


@dataclass(frozen=True)
class Record:
    """One row of a collection: what is embedded, under which id, with which metadata."""

    id: str
    text: str
    metadata: dict[str, str | int | bool]


def chunk_records(chunks: Sequence[Chunk]) -> list[Record]:
    """The chunks as collection rows; the search text (heading + text) is what is embedded."""
    return [
        Record(
            c.id,
            c.search_text,
            {
                "document": c.document,
                "section": c.section,
                "start": c.start,
                "end": c.end,
                "kind": c.kind,
                "text": c.text,
            },
        )
        for c in chunks
    ]


def sentence_records(document: str, sentences: Sequence[Sentence]) -> list[Record]:
    """The sentences the extractive answerer chooses from, as collection rows."""
    return [
        Record(
            sentence_id(document, s),
            s.text,
            {
                "document": document,
                "section": s.section,
                "start": s.start,
                "end": s.end,
                "item": s.item,
            },
        )
        for s in sentences
    ]


def current_build(index_dir: Path) -> IndexPaths:
    """The build the service should read, or a clear error saying how to make one."""
    link = index_dir / "current"
    if not (link / MANIFEST).is_file():
        raise IndexMissingError(
            f"Er is nog geen index in {index_dir}. Bouw die met: make index (of: python -m ingest)."
        )
    return IndexPaths(link.resolve())


def read_manifest(paths: IndexPaths) -> dict[str, Any]:
    """The manifest of a build."""
    data: dict[str, Any] = json.loads(paths.manifest.read_text(encoding="utf-8"))
    return data


def start_build(index_dir: Path, build_id: str) -> IndexPaths:
    """A fresh, empty folder to write a build into, next to the served one.

    The name is unique per call: Chroma caches clients by path within a process, so
    reusing a staging path could hand back a client still bound to an earlier build.
    """
    staging = index_dir / "builds" / f".staging-{build_id}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    (staging / "sources").mkdir()
    return IndexPaths(staging)


def served_build(index_dir: Path) -> IndexPaths | None:
    """The build `current` points at, or None when nothing is served yet."""
    try:
        return current_build(index_dir)
    except IndexMissingError:
        return None


def existing_build(index_dir: Path, build_id: str) -> IndexPaths | None:
    """The complete build with this id, if there is one."""
    final = index_dir / "builds" / build_id
    return IndexPaths(final) if (final / MANIFEST).is_file() else None


def publish_build(
    index_dir: Path, staging: IndexPaths, build_id: str, manifest: dict[str, Any]
) -> IndexPaths:
    """Finish a build and make it `current` in one atomic step."""
    staging.manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    final = index_dir / "builds" / build_id
    if final.exists():
        shutil.rmtree(staging.root)
    else:
        staging.root.rename(final)
    activate(index_dir, build_id)
    _prune(index_dir, keep=build_id)
    return IndexPaths(final)


def activate(index_dir: Path, build_id: str) -> None:
    """Point `current` at a build; `os.replace` makes the switch atomic."""
    tmp_link = index_dir / f".current-{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path("builds") / build_id)
    os.replace(tmp_link, index_dir / "current")


def _prune(index_dir: Path, keep: str) -> None:
    """Remove older finished builds, keeping the newest few as a fallback."""
    builds = sorted(
        (p for p in (index_dir / "builds").iterdir() if p.is_dir() and p.name != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    finished = [p for p in builds if not p.name.startswith(".staging-")]
    for old in finished[KEEP_OLD_BUILDS:]:
        shutil.rmtree(old, ignore_errors=True)
