"""Hybrid retrieval: BM25 over Dutch stems fused with dense Chroma search.

Lexical search finds the report's exact words ("fietsendiefstallen", "13.939"); dense search
finds paraphrases and English questions. Reciprocal rank fusion combines the two
rankings without having to calibrate their scores against each other.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import bm25s
import numpy as np
from langchain_chroma import Chroma
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, PrivateAttr

from service.lexicon.vocabulary import Vocabulary

RetrievalMode = Literal["hybrid", "bm25", "dense"]


@dataclass(frozen=True)
class Hit:
    """A passage with its fused score and the rank each retriever gave it (None: not found)."""

    index: int
    score: float
    bm25_rank: int | None
    dense_rank: int | None


def rrf(rankings: Sequence[Sequence[int]], k: int) -> dict[int, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings an item appears in."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


class HybridRetriever(BaseRetriever):
    """LangChain retriever over a report's chunks; `mode` selects hybrid, BM25 or dense only.

    `store` is the Chroma collection holding the same passages (by id); without one an
    in-memory collection is built, which is what tests use.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    passages: list[Document]
    embeddings: Embeddings
    store: Chroma | None = None
    k: int = 4
    mode: RetrievalMode = "hybrid"
    candidates: int = Field(default=20, description="How deep each ranking is read before fusion.")
    rrf_k: int = 60

    _vocabulary: Vocabulary = PrivateAttr()
    _bm25: bm25s.BM25 = PrivateAttr()
    _positions: dict[str, int] = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        """Build the BM25 index, and an in-memory vector store when none was given."""
        texts = [d.page_content for d in self.passages]
        self._vocabulary = Vocabulary(texts)
        self._bm25 = bm25s.BM25()
        self._bm25.index([self._vocabulary.terms(t) or [""] for t in texts], show_progress=False)
        self._positions = {str(d.id): i for i, d in enumerate(self.passages)}
        if self.store is None and self.mode != "bm25":
            from ingest.store import chroma_client, vector_store

            self.store = vector_store(chroma_client(), "passages", self.embeddings)
            self.store.add_documents(self.passages, ids=[str(d.id) for d in self.passages])

    @property
    def vocabulary(self) -> Vocabulary:
        """The vocabulary of the passages (shared with the answerer)."""
        return self._vocabulary

    def bm25_ranking(self, query: str, documents: Collection[str] | None = None) -> list[int]:
        """Passage indices by BM25 score, best first; passages without a match are left out."""
        terms = self._vocabulary.terms(query, query=True)
        if not terms:
            return []
        scores = np.asarray(self._bm25.get_scores(terms))
        order = np.argsort(-scores, kind="stable")
        ranked = [int(i) for i in order if scores[i] > 0 and self._in(int(i), documents)]
        return ranked[: self.candidates]

    def dense_ranking(
        self, query_vector: Sequence[float] | np.ndarray, documents: Collection[str] | None = None
    ) -> list[int]:
        """Passage indices by cosine similarity to the question, best first."""
        assert self.store is not None
        vector = [float(x) for x in query_vector]
        where: dict[str, Any] | None = None
        if documents is not None:
            chosen = sorted(documents)
            where = {"document": chosen[0]} if len(chosen) == 1 else {"document": {"$in": chosen}}
        found = self.store.similarity_search_by_vector(
            vector,
            k=self.candidates,
            filter=where,  # type: ignore[arg-type]  # Chroma takes operators such as $in too
        )
        return [self._positions[str(d.id)] for d in found if str(d.id) in self._positions]

    def _in(self, index: int, documents: Collection[str] | None) -> bool:
        return documents is None or self.passages[index].metadata.get("document") in documents

    def search(
        self,
        query: str,
        k: int | None = None,
        query_vector: Sequence[float] | np.ndarray | None = None,
        documents: Collection[str] | None = None,
    ) -> list[Hit]:
        """The top `k` passages for a question, fused from the rankings `mode` selects;
        `documents` keeps only passages of those reports."""
        k = self.k if k is None else k
        bm25 = self.bm25_ranking(query, documents) if self.mode != "dense" else []
        dense: list[int] = []
        if self.mode != "bm25":
            vector = (
                query_vector if query_vector is not None else self.embeddings.embed_query(query)
            )
            dense = self.dense_ranking(vector, documents)
        fused = rrf([bm25, dense], self.rrf_k)
        bm25_rank = {item: r for r, item in enumerate(bm25, start=1)}
        dense_rank = {item: r for r, item in enumerate(dense, start=1)}
        # Ties are broken by position in the report, so the same question always ranks alike.
        order = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        return [Hit(i, fused[i], bm25_rank.get(i), dense_rank.get(i)) for i in order]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        hits = self.search(query, k=kwargs.get("k", self.k))
        out = []
        for hit in hits:
            doc = self.passages[hit.index]
            meta = {
                **doc.metadata,
                "score": hit.score,
                "bm25_rank": hit.bm25_rank,
                "dense_rank": hit.dense_rank,
            }
            out.append(Document(page_content=doc.page_content, metadata=meta, id=doc.id))
        return out
