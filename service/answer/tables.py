"""The table route: a part answered from table cells, deterministically, the sum shown.

`table_match` finds the table and the rows and columns the part names; this module
fills in what the part leaves open from the table's own structure and computes what the
part's operation asks (`table_ops`). Unlike figures (a total and its own part) are never
added. Every row used is cited verbatim, with a readable view of the row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from ingest.consistency import Discrepancy
from ingest.tables.model import Table
from ingest.tables.store import TableStore
from service.answer.result import PartAnswer, StatedFigure, make_citation
from service.answer.scope import Corpus
from service.answer.table_match import (
    MIN_COVERAGE,
    Asked,
    Concept,
    TableMatch,
    TableView,
    asked_concepts,
    match,
)
from service.answer.table_ops import Reading
from service.core.numbers import format_number
from service.core.text import fold
from service.lexicon import lexicon
from service.lexicon.vocabulary import Vocabulary
from service.render import tables as text
from service.render.messages import RESTATED, join_words, say
from service.understand.frame import Language, Part
from service.web.schemas import Citation

# Questions asking who or where, or for kinds of things ("welke kosten"), are not for tables.
TABLE_ASKS = frozenset({"amount", "what", "keywords", "yesno", "which"})
STRICT_COVERAGE = 0.8  # for a report the question did not point at


class TableAnswerer:
    """Answers parts from the tables of the reports in scope."""

    def __init__(
        self,
        store: TableStore,
        corpus: Corpus,
        vocabulary: Vocabulary,
        sources: Mapping[str, str],
        discrepancies: Sequence[Discrepancy] = (),
        weight: Callable[[Concept], float] = lambda _c: 1.0,
    ) -> None:
        self.corpus = corpus
        self.vocabulary = vocabulary
        self.sources = sources
        self.weight = weight
        self.discrepancies = list(discrepancies)
        self.views = [TableView.of(t, vocabulary.stems) for t in store.tables]

    def answer(
        self,
        part: Part,
        documents: Sequence[str],
        language: Language,
        strict: bool = False,
        places: Sequence[str] = (),
    ) -> PartAnswer | None:
        """The table answer to a part, a refusal naming what the table lacks, or None when
        the part is not a question for these tables."""
        if part.asks not in TABLE_ASKS and part.kind != "reason":
            return None
        if part.asks == "which" and part.kind == "fact":
            return None
        views = [v for v in self.views if v.table.document in documents]
        asked = asked_concepts(part, self.vocabulary, self.weight, places, language)
        if not asked.own and not asked.carried:
            return None
        found = match(asked, views, STRICT_COVERAGE if strict else MIN_COVERAGE)
        if found is None:
            return None
        table = found.view.table
        if not _unit_fits(part, asked, table):
            return None
        if found.missing:
            what = join_words(list(dict.fromkeys(found.missing)), language)
            body = text.say("no_label", language, title=table.title, what=what)
            return PartAnswer("refusal", body, answered=False, documents=(table.document,))
        if found.rival is not None:
            return self._compare_tables(found, part, asked, language)
        if _operation_is_a_label(part, found.view, self.vocabulary):
            part = replace(part, operation="value")
        reading = Reading(found, part, asked, self.corpus, language)
        lines = reading.lines()
        if isinstance(lines, str):
            return PartAnswer("refusal", lines, answered=False, documents=(table.document,))
        if not lines:
            return None
        lines += self._restatements(reading, language)
        lines += self._contradictions(reading, language)
        head = text.say("source", language, title=table.title)
        return PartAnswer(
            "table",
            " ".join([head, *lines]),
            self._citations(reading.spans),
            figures=reading.figures,
            documents=(table.document,),
            confidence=found.coverage,
        )

    def _compare_tables(
        self, found: TableMatch, part: Part, asked: Asked, language: Language
    ) -> PartAnswer | None:
        """Two tables the part compares ("in de buurt of in de stad"): each one's figure,
        then which is higher and by how much."""
        assert found.rival is not None
        plain = replace(part, operation="value")
        sides = [found, replace(found, view=found.rival, rows=(), columns=(), rival=None)]
        readings = [Reading(side, plain, asked, self.corpus, language) for side in sides]
        lines: list[str] = []
        spans: list[tuple[Table, int, int, int | None]] = []
        for reading in readings:
            reading.spans = spans  # one numbering over both tables
            said = reading.lines()
            if isinstance(said, str) or len(reading.figures) != 1:
                return None
            lines.append(text.say("source", language, title=reading.table.title))
            lines += said
        (a,), (b,) = readings[0].figures, readings[1].figures
        high, low = (a, b) if a.value >= b.value else (b, a)
        difference = high.value - low.value
        lines.append(
            text.say(
                "difference",
                language,
                calculation=f"{format_number(high.value)} − {format_number(low.value)} = "
                f"{format_number(difference)}",
            )
        )
        figures = [a, b, StatedFigure(difference, a.unit, a.year, "verschil", derived=True)]
        documents = tuple(dict.fromkeys(r.table.document for r in readings))
        return PartAnswer(
            "table", " ".join(lines), self._citations(spans), figures, True, documents
        )

    def contradictions(self, answer: PartAnswer | None) -> list[str]:
        """What the report's consistency check says about the rows an answer cites."""
        if answer is None:
            return []
        cited = [(c.document, c.start, c.end) for c in answer.citations]
        out = []
        for d in self.discrepancies:
            touched = any(
                doc == d.document and s.start < end and start < s.end
                for s in d.spans
                for doc, start, end in cited
            )
            if touched and d.explanation not in out:
                out.append(d.explanation)
        return out

    def _contradictions(self, reading: Reading, language: Language) -> list[str]:
        """Where the report itself gives another figure for a cell the answer states: say
        so, and cite every place the explanation uses (the answer follows the table)."""
        lines = []
        for d in self.discrepancies:
            if d.document != reading.table.document or not set(d.figures) & reading.cells_used:
                continue
            marks = [reading.mark_span(s.start, s.end) for s in d.spans]
            shown = "".join(f" [{n}]" for n in dict.fromkeys(marks))
            lines.append(text.say("contradiction", language, detail=d.explanation) + shown)
        return lines

    def _citations(self, spans: Sequence[tuple[Table, int, int, int | None]]) -> list[Citation]:
        """The cited rows (with their readable view) and notes, numbered in order of use."""
        out = []
        for number, (table, start, end, row) in enumerate(spans, start=1):
            out.append(
                make_citation(
                    number,
                    table.document,
                    self.corpus.label(table.document),
                    table.citation_section,
                    self.sources[table.document],
                    start,
                    end,
                    table=table,
                    row=table.rows[row] if row is not None else None,
                )
            )
        return out

    def _restatements(self, reading: Reading, language: Language) -> list[str]:
        """Where another report of the same municipality gives another figure for the same
        row and year (a later report that corrected last year's figure), say so and cite
        that report's row."""
        table, figures = reading.table, reading.figures
        own = self.corpus.documents.get(table.document)
        if own is None or len(figures) != 1 or figures[0].year is None:
            return []
        figure = figures[0]
        notes = []
        for view in self.views:
            other = view.table
            info = self.corpus.documents.get(other.document)
            if other.document == table.document or info is None:
                continue
            if info.municipality != own.municipality or _title_key(other) != _title_key(table):
                continue
            for index, row in enumerate(other.rows):
                if fold(row.label) != fold(figure.label.split(",")[0]):
                    continue
                for column, cell in zip(other.columns, row.cells, strict=True):
                    if cell is None or cell.value is None or column.year != figure.year:
                        continue
                    if cell.value != figure.value:
                        span = (other, row.start, row.end, index)
                        if span not in reading.spans:
                            reading.spans.append(span)
                        notes.append(
                            say(
                                RESTATED,
                                language,
                                other=self.corpus.label(other.document),
                                year=str(figure.year),
                                value=cell.raw,
                                mark=str(reading.spans.index(span) + 1),
                            )
                        )
        return notes


def _unit_fits(part: Part, asked: Asked, table: Table) -> bool:
    """Whether a table can hold the kind of amount asked: a count ("hoeveel bomen") is
    never read from a table of euros, nor money ("wat gaf de gemeente uit") from a table
    that neither is in euros nor names money in its title, headers or labels."""
    money = table.unit.startswith("€")
    if part.amount == "count" and asked.measure is not None:
        return not money
    if part.amount == "money":
        return money or (not table.unit and _names_money(table))
    if part.amount == "score":
        return not money
    return True


def _names_money(table: Table) -> bool:
    """Whether a table's title, headers or labels use a money word ("Kosten", "Lasten")."""
    labels = [table.title, *(c.label for c in table.columns), *(r.label for r in table.rows)]
    return "money" in lexicon().amount_kinds(" ".join(labels))


def _operation_is_a_label(part: Part, view: TableView, vocabulary: Vocabulary) -> bool:
    """Whether the word that asked for the operation is the table's own wording: in
    "het gemiddelde rapportcijfer" of a table titled "Gemiddeld rapportcijfer …" the
    figure is already an average, not one to compute over the rows. ("In totaal" is
    left alone: nearly every table has a "Totaal", and a named sum is still a sum.)"""
    if part.operation in ("value", "list", "sum"):
        return False
    labels = [row for row, role in zip(view.rows, view.row_roles, strict=True) if role is None]
    own = set(view.title).union(*labels)  # "Begroting" rows name a column of figures
    for found in lexicon().operations.find(fold(part.asked)):
        stems = vocabulary.stems(found.phrase)
        if found.value == part.operation and stems and stems <= own:
            return True
    return False


def _title_key(table: Table) -> str:
    """A table's title without years, to recognise the same table in another year's report."""
    return re.sub(r"[\d\s()]+", " ", fold(table.title)).strip()
