"""The naive baseline: the recipe most people build first, so the evals show what ours adds.

Split the raw report with LangChain's `RecursiveCharacterTextSplitter`, put the chunks in
an in-memory Chroma collection with our own embeddings, and answer every question with the
top chunk, verbatim, on the text route.
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever

from service.web.schemas import AskRequest, AskResponse, Citation

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 100
TOP_K = 5


def split_report(text: str, document: str) -> list[Document]:
    """Chunks with `start`/`end` offsets into the unedited text, as the service's passages have."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    chunks = splitter.create_documents([text], metadatas=[{"document": document}])
    for chunk in chunks:
        start = chunk.metadata["start_index"]
        chunk.metadata.update(start=start, end=start + len(chunk.page_content), section="")
    return chunks


class NaiveAssistant:
    """Dense top-5 over fixed-size chunks; the answer is the best chunk, cited whole."""

    def __init__(self, retriever: BaseRetriever, document: str, text: str) -> None:
        self.retriever = retriever
        self._document = document
        self._text = text

    def source(self, document: str) -> str:
        """The unedited report; the only document this baseline knows."""
        if document != self._document:
            raise KeyError(document)
        return self._text

    def ask(self, request: AskRequest) -> AskResponse:
        """Answer with the top chunk verbatim; no routing, no refusals, no follow-up handling."""
        docs = self.retriever.invoke(request.question)
        if not docs:
            return AskResponse(answer="", route="text")
        top = docs[0]
        citation = Citation(
            id=1,
            document=self._document,
            section="",
            quote=top.page_content,
            start=top.metadata["start"],
            end=top.metadata["end"],
        )
        return AskResponse(answer=top.page_content, route="text", citations=[citation])


def build_naive(
    text: str, document: str, embeddings: Embeddings, client: Any | None = None
) -> NaiveAssistant:
    """Index the report in a fresh in-memory Chroma collection, with the embeddings passed in."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    client = client or chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    # Ephemeral clients share one in-process store, so every build gets its own collection.
    store = Chroma(
        collection_name=f"naive-{uuid.uuid4().hex[:12]}",
        embedding_function=embeddings,
        client=client,
    )
    chunks = split_report(text, document)
    store.add_documents(chunks, ids=[f"chunk-{i}" for i in range(len(chunks))])
    retriever = store.as_retriever(search_kwargs={"k": TOP_K})
    return NaiveAssistant(retriever, document, text)
