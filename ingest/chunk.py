"""Cut a parsed document into retrieval chunks, never across a section boundary.

A chunk is a run of whole sentences of one section, so its offsets are a verbatim
span of the source. Table rows become chunks of their own (rendered readable by
`ingest.tables.row_view`) that point back at the row's offsets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ingest.parse import Document, Sentence

ChunkKind = Literal["text", "table_row"]


@dataclass(frozen=True)
class Chunk:
    """A unit of retrieval: normalised `text` for search, `start`/`end` into the source."""

    id: str
    document: str
    section: str
    text: str
    start: int
    end: int
    kind: ChunkKind = "text"

    @property
    def search_text(self) -> str:
        """What is embedded and searched: the heading gives the passage its context."""
        heading = self.section.rsplit(" > ", 1)[-1]
        return f"{heading}: {self.text}"


def content_id(document: str, kind: str, start: int, end: int, text: str) -> str:
    """Id of a unit of `document`: the document id plus a hash of what is embedded and where.

    The document id keeps two reports with the same text at the same offsets apart; the
    hash covers the embedded text, so an unchanged id means a vector can be reused.
    """
    digest = hashlib.sha256(f"{document}\x00{kind}\x00{start}\x00{end}\x00{text}".encode())
    return f"{document}:{digest.hexdigest()[:20]}"


def make_chunk(
    document: str, section: str, text: str, start: int, end: int, kind: ChunkKind = "text"
) -> Chunk:
    """A chunk with its content-derived id (over the text that is embedded)."""
    chunk = Chunk("", document, section, text, start, end, kind)
    return replace(chunk, id=content_id(document, kind, start, end, chunk.search_text))


def _group(sentences: Sequence[Sentence], max_chars: int) -> Iterable[list[Sentence]]:
    """Greedy runs of sentences up to `max_chars`, overlapping by one sentence."""
    run: list[Sentence] = []
    for sentence in sentences:
        size = sum(len(s.text) + 1 for s in run) + len(sentence.text)
        if run and size > max_chars:
            yield run
            run = run[-1:] if len(run) > 1 and len(run[-1].text) < max_chars // 2 else []
        run.append(sentence)
    if run:
        yield run


def chunk_document(doc: Document, max_chars: int) -> list[Chunk]:
    """Chunks of the running text, section by section."""
    chunks = []
    for section in doc.sections():
        sentences = [s for p in section.paragraphs for s in p.sentences]
        for run in _group(sentences, max_chars):
            text = " ".join(s.text for s in run)
            chunks.append(make_chunk(doc.name, section.path, text, run[0].start, run[-1].end))
    return chunks
