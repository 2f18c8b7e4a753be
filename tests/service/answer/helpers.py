"""Table answers from small report texts written for the tests, read the way the service
reads a question (understand → scope → table route)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.consistency import find_discrepancies
from ingest.tables import Table, parse_tables
from ingest.tables.store import TableStore
from service.answer.result import PartAnswer
from service.answer.scope import Corpus, DocumentInfo
from service.answer.tables import TableAnswerer
from service.core.text import years_in
from service.lexicon.vocabulary import Vocabulary
from service.understand.frame import Frame
from service.understand.parse import understand


@dataclass(frozen=True)
class Report:
    """One report of the test corpus: its metadata and its text."""

    id: str
    municipality: str
    year: int
    programme: str
    text: str

    @property
    def title(self) -> str:
        return f"Jaarstukken {self.year} — {self.programme}"


class Tables:
    """The table route over some reports, asked like the service asks it."""

    def __init__(self, *reports: Report, default: str = "") -> None:
        self.sources = {r.id: r.text for r in reports}
        parsed = {r.id: parse_tables(r.text, r.id, r.year).tables for r in reports}
        self.tables: tuple[Table, ...] = tuple(t for r in reports for t in parsed[r.id])
        # Printed totals that are not the sum of their parts, as ingest finds them.
        self.discrepancies = [d for r in reports for d in find_discrepancies(r.text, parsed[r.id])]
        self.corpus = Corpus(
            [
                DocumentInfo(
                    r.id,
                    r.municipality,
                    r.year,
                    r.programme,
                    r.title,
                    frozenset({r.year, *years_in(r.text)}),
                )
                for r in reports
            ],
            default,
        )
        self.vocabulary = Vocabulary(self.sources.values())
        self.answerer = TableAnswerer(
            TableStore.from_tables(self.tables),
            self.corpus,
            self.vocabulary,
            self.sources,
            self.discrepancies,
        )

    def frame(self, question: str, history: Sequence[str] = ()) -> Frame:
        return understand(question, history, self.corpus.facts())

    def ask(self, question: str, history: Sequence[str] = ()) -> PartAnswer | None:
        """The table answer to the question's first part, from the reports it is scoped to."""
        frame = self.frame(question, history)
        part = frame.parts[0]
        documents = self.corpus.select(frame.scope, part).documents
        return self.answerer.answer(
            part, documents, frame.language, places=frame.scope.municipalities
        )

    def answered(self, question: str, history: Sequence[str] = ()) -> PartAnswer:
        """The table answer, which the test expects to answer the question."""
        answer = self.ask(question, history)
        assert answer is not None, f"no table answer to {question!r}"
        assert answer.answered, answer.body
        assert_cited_verbatim(answer, self.sources)
        return answer


def assert_cited_verbatim(answer: PartAnswer, sources: dict[str, str]) -> None:
    """Every quote is its source span; a cited table row also reads with its headers."""
    assert answer.citations
    for number, citation in enumerate(answer.citations, start=1):
        assert citation.id == number
        source = sources[citation.document]
        assert source[citation.start : citation.end] == citation.quote
        if citation.table_row is not None:
            assert citation.quote.split()[0] in citation.table_row
