"""Fill a new build's collections, embedding only what the served build does not have.

Every record's id is its document id plus a hash of the embedded text and its place
(`ingest.chunk.content_id`). A vector in the served build under the same id, made by the
same embedding model (`ingest.embed.embedding_fingerprint`), is the vector we would
compute again, so it is copied instead. Adding one report embeds only that report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from chromadb.api.models.Collection import Collection
from langchain_core.embeddings import Embeddings

from ingest import messages as msg
from ingest.store import Record

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
T = TypeVar("T")

# Chroma's own limit per call is ~5,000 rows; stay well below it.
WRITE_BATCH = 1000


@dataclass
class EmbedCounts:
    """How many records of one collection were embedded now and how many were copied."""

    new: int = 0
    reused: int = 0
    seconds: float = 0.0


class LazyEmbeddings:
    """Loads the model on first use, so a build that embeds nothing never loads it."""

    def __init__(
        self, factory: Callable[[], Embeddings], progress: Progress = lambda _msg: None
    ) -> None:
        self._factory = factory
        self._progress = progress
        self._model: Embeddings | None = None
        self.load_seconds = 0.0

    @property
    def loaded(self) -> bool:
        """Whether the model was needed."""
        return self._model is not None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages with the real model, loading it the first time."""
        if self._model is None:
            self._progress(msg.MODEL_LOADING)
            began = time.perf_counter()
            self._model = self._factory()
            self.load_seconds = time.perf_counter() - began
            self._progress(msg.MODEL_LOADED.format(seconds=self.load_seconds))
        return self._model.embed_documents(texts)


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def reusable_vectors(old: Collection | None, ids: Sequence[str]) -> dict[str, Any]:
    """The vectors `old` already holds for any of `ids`, by id."""
    if old is None or not ids:
        return {}
    found: dict[str, Any] = {}
    for part in batches(ids, WRITE_BATCH):
        got = old.get(ids=list(part), include=["embeddings"])
        vectors = got.get("embeddings")
        if vectors is None:
            continue
        found.update(zip(got["ids"], vectors, strict=True))
    return found


def fill_collection(
    target: Collection,
    records: Sequence[Record],
    old: Collection | None,
    embeddings: Embeddings | LazyEmbeddings,
    *,
    label: str,
    batch_size: int,
    progress: Progress,
) -> EmbedCounts:
    """Write all `records` into `target`: copied vectors from `old`, the rest embedded now."""
    began = time.perf_counter()
    load_before = getattr(embeddings, "load_seconds", 0.0)
    known = reusable_vectors(old, [r.id for r in records])
    reused = [r for r in records if r.id in known]
    fresh = [r for r in records if r.id not in known]
    progress(msg.EMBED_PLAN.format(what=label, new=len(fresh), reused=len(reused)))
    for part in batches(reused, WRITE_BATCH):
        _add(target, part, [known[r.id] for r in part])
    done = 0
    for part in batches(fresh, batch_size):
        vectors = embeddings.embed_documents([r.text for r in part])
        _add(target, part, vectors)
        done += len(part)
        progress(
            msg.EMBED_BATCH.format(
                what=label, done=done, total=len(fresh), seconds=time.perf_counter() - began
            )
        )
    # Loading the model is reported on its own; it is not time spent on these records.
    loading = getattr(embeddings, "load_seconds", 0.0) - load_before
    counts = EmbedCounts(len(fresh), len(reused), time.perf_counter() - began - loading)
    log.info(
        "collection filled",
        extra={"collection": target.name, "new": counts.new, "reused": counts.reused},
    )
    return counts


def _add(target: Collection, records: Sequence[Record], vectors: Sequence[Any]) -> None:
    target.add(
        ids=[r.id for r in records],
        embeddings=np.asarray(vectors, dtype=np.float32),
        metadatas=[r.metadata for r in records],
        documents=[r.text for r in records],
    )
