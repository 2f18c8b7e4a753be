"""Load a published index build into memory: passages, sentences, sources, tables.

The service reads only what ingest wrote (never the corpus folder), so a quote's
offsets always point into the exact text that was indexed. It never writes to a build:
everything but the vectors is read into memory here, and the vectors are opened from a
private copy or a Chroma server (`ingest.store.open_served_vectors`), so a build may sit
on a read-only mount and ingest may remove it once the service has switched away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from ingest import store
from ingest.consistency import Discrepancy, read_consistency
from ingest.metadata import DocumentMeta
from ingest.tables.store import TableStore

if TYPE_CHECKING:
    from service.settings import Settings

OLD_INDEX = (
    "De index is gebouwd door een oudere versie en bevat geen documentgegevens. "
    "Bouw hem opnieuw met: make index (of: python -m ingest)."
)


@dataclass(frozen=True)
class SentenceUnit:
    """A citable unit the answerer can choose: a sentence or a table row."""

    document: str
    section: str
    text: str
    start: int
    end: int
    item: bool = False  # part of a list item


@dataclass
class Knowledge:
    """Everything one index build holds, ready to query.

    Documents are known by their id (the corpus file stem): `documents` holds each one's
    metadata (title, municipality, year, …), `sources` its unedited text, and every
    passage, sentence, table and citation names it in its `document` field.
    """

    build_id: str
    passages: list[Document]
    chunk_store: Chroma
    sentences: list[SentenceUnit]
    sentence_vectors: np.ndarray
    sources: dict[str, str]
    tables: TableStore
    discrepancies: list[Discrepancy]
    report_years: frozenset[int] = frozenset()
    documents: dict[str, DocumentMeta] = field(default_factory=dict)
    # Lets go of the vector store (and its scratch copy); runs by itself once unused.
    release: Callable[[], None] = field(default=lambda: None, repr=False, compare=False)

    def close(self) -> None:
        """Let go of the vector store now (at shutdown); later queries fail."""
        self.release()


def _all(collection: Chroma) -> tuple[list[str], list[str], list[dict], np.ndarray]:
    got = collection.get(include=["documents", "metadatas", "embeddings"])
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    return got["ids"], got["documents"], got["metadatas"], vectors


def _ordered(ids: list[str], metas: list[dict]) -> list[int]:
    """Reading order (document, start), so results never depend on Chroma's storage order."""
    return sorted(range(len(ids)), key=lambda i: (metas[i]["document"], metas[i]["start"], ids[i]))


def load_knowledge(
    index_dir: Path, embeddings: Embeddings, settings: Settings | None = None
) -> Knowledge:
    """Open the current build; raises `IndexMissingError` with instructions when there is none.

    `settings` name the Chroma server of a build that lives on one (default: the process's).
    """
    paths = store.current_build(index_dir)
    manifest = store.read_manifest(paths)
    documents = _documents(manifest)
    vectors = store.open_served_vectors(paths, manifest, settings)
    try:
        knowledge = _load(paths, manifest, documents, vectors, embeddings)
    except BaseException:
        vectors.close()
        raise
    knowledge.release = store.release_when_unused(knowledge, vectors)
    return knowledge


def _load(
    paths: store.IndexPaths,
    manifest: dict[str, Any],
    documents: dict[str, DocumentMeta],
    vectors: store.Vectors,
    embeddings: Embeddings,
) -> Knowledge:
    chunk_store = vectors.store(store.CHUNKS, embeddings)
    sentence_store = vectors.store(store.SENTENCES, embeddings)

    ids, texts, metas, _ = _all(chunk_store)
    passages = [
        Document(page_content=texts[i], metadata=dict(metas[i]), id=ids[i])
        for i in _ordered(ids, metas)
    ]
    s_ids, s_texts, s_metas, s_vectors = _all(sentence_store)
    order = _ordered(s_ids, s_metas)
    sentences = [
        SentenceUnit(
            str(s_metas[i]["document"]),
            str(s_metas[i]["section"]),
            s_texts[i],
            int(s_metas[i]["start"]),
            int(s_metas[i]["end"]),
            bool(s_metas[i].get("item", False)),
        )
        for i in order
    ]
    sources = {doc_id: paths.source(doc_id).read_text("utf-8") for doc_id in documents}
    return Knowledge(
        build_id=manifest["build_id"],
        passages=passages,
        chunk_store=chunk_store,
        sentences=sentences,
        sentence_vectors=s_vectors[order] if len(order) else s_vectors,
        sources=sources,
        tables=TableStore.open(paths.tables),
        discrepancies=read_consistency(paths.consistency),
        report_years=frozenset(meta.year for meta in documents.values()),
        documents=documents,
    )


def _documents(manifest: dict[str, Any]) -> dict[str, DocumentMeta]:
    """The metadata of every document in a build, by id; an older build has none."""
    entries = manifest.get("documents", [])
    if not all("id" in d and "metadata" in d for d in entries):
        raise store.IndexMissingError(OLD_INDEX)
    return {d["id"]: DocumentMeta.model_validate(d["metadata"]) for d in entries}
