"""The index on disk: one immutable build folder per corpus state, swapped in atomically.

    index/current -> builds/<build id>/
        manifest.json    what went in (files and hashes, model, counts)
        chroma/          Chroma collections of chunks and sentences, with our own embeddings
        tables.sqlite    the tables as typed rows
        consistency.json discrepancies between text and tables
        sources/         the unedited report texts the offsets point into

A build is written next to the served one and only becomes `current` once complete, so
a failed ingest never touches what the service reads. The build id is a hash of the
corpus and the model, so re-running ingest on unchanged input does nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from ingest.chunk import Chunk
from ingest.parse import Sentence

CHUNKS = "report_chunks"
SENTENCES = "report_sentences"
MANIFEST = "manifest.json"
KEEP_OLD_BUILDS = 1


class IndexMissingError(RuntimeError):
    """No index has been built yet."""


@dataclass(frozen=True)
class IndexPaths:
    """Where the parts of one build live."""

    root: Path

    @property
    def chroma(self) -> Path:
        return self.root / "chroma"

    @property
    def tables(self) -> Path:
        return self.root / "tables.sqlite"

    @property
    def consistency(self) -> Path:
        return self.root / "consistency.json"

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST


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
        collection_metadata={"hnsw:space": "cosine"},
    )


def sentence_id(document: str, sentence: Sentence) -> str:
    """Content-derived id of a sentence."""
    from ingest.chunk import chunk_id

    return chunk_id(document, sentence.start, sentence.end, sentence.text)


def write_chunks(store: Chroma, chunks: Sequence[Chunk]) -> None:
    """Embed and add chunks; their ids come from their content."""
    store.add_texts(
        texts=[c.search_text for c in chunks],
        metadatas=[
            {
                "document": c.document,
                "section": c.section,
                "start": c.start,
                "end": c.end,
                "kind": c.kind,
                "text": c.text,
            }
            for c in chunks
        ],
        ids=[c.id for c in chunks],
    )


def write_sentences(store: Chroma, document: str, sentences: Sequence[Sentence]) -> None:
    """Embed and add the sentences the extractive answerer chooses from."""
    store.add_texts(
        texts=[s.text for s in sentences],
        metadatas=[
            {
                "document": document,
                "section": s.section,
                "start": s.start,
                "end": s.end,
                "item": s.item,
            }
            for s in sentences
        ],
        ids=[sentence_id(document, s) for s in sentences],
    )


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
    """A fresh, empty folder to write a build into, next to the served one."""
    staging = index_dir / "builds" / f".staging-{build_id}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / "sources").mkdir()
    return IndexPaths(staging)


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
