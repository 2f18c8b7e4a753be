"""The assistant: understand a question, answer each part by the route that fits, compose.

    question + history ──understand──▶ Frame(parts, scope, language, refusal)
    each part ──scope──▶ reports to use ──route──▶ PartAnswer (table | calculation | text)
    answers ──render──▶ AskResponse, every number checked against its sources (grounding)

No language model: the text route quotes the report's own sentences and the table route
computes from table cells, both citing verbatim spans, so the same question always gets
the same answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from langchain_core.embeddings import Embeddings

from service.answer import calculate, claims
from service.answer.consistency import text_discrepancies
from service.answer.definitions import Definition, find_definitions, lookup
from service.answer.extract import SentenceRanker, wanted_amount
from service.answer.grounding import enforce_grounding
from service.answer.knowledge import Knowledge, SentenceUnit, load_knowledge
from service.answer.result import PartAnswer, make_citation
from service.answer.retrieval import HybridRetriever, RetrievalMode
from service.answer.scope import Corpus
from service.answer.suggestions import Suggestion, suggest
from service.answer.tables import TableAnswerer
from service.answer.text import TextAnswerer
from service.core.numbers import format_number
from service.render import refusals
from service.render.compose import combine, respond
from service.render.messages import (
    ABBREVIATION,
    FOUND_ELSEWHERE,
    SOURCE_NOTE,
    YEAR_CHANGE,
    YEAR_LINE,
    say,
)
from service.settings import Settings
from service.understand.frame import Frame, Language, Part
from service.understand.parse import content_terms, read_part, understand
from service.web.schemas import AskRequest, AskResponse, Citation

log = logging.getLogger(__name__)


class Assistant:
    """Answers questions about the indexed reports; the API, CLI and evals all call `ask`."""

    def __init__(
        self,
        knowledge: Knowledge,
        embeddings: Embeddings,
        settings: Settings,
        retrieval_mode: RetrievalMode = "hybrid",
    ) -> None:
        self.knowledge = knowledge
        self.embeddings = embeddings
        self.settings = settings
        self.corpus = Corpus.from_metadata(
            knowledge.documents, knowledge.sources, settings.default_municipality
        )
        self.retriever = HybridRetriever(
            passages=knowledge.passages,
            embeddings=embeddings,
            store=knowledge.chunk_store,
            k=settings.retrieval_k,
            mode=retrieval_mode,
            rrf_k=settings.rrf_k,
        )
        self.ranker = SentenceRanker(knowledge, self.retriever.vocabulary)
        self.definitions = find_definitions(knowledge.sources, knowledge.sentences)
        abbreviations = {term: d.meaning for term, d in self.definitions.items()}
        self.text = TextAnswerer(
            knowledge,
            embeddings,
            self.retriever,
            self.ranker,
            self.corpus,
            abbreviations,
            settings.retrieval_k,
        )
        self.tables = TableAnswerer(
            knowledge.tables,
            self.corpus,
            self.retriever.vocabulary,
            knowledge.sources,
            knowledge.discrepancies,
            self.ranker.concept_weight,
        )
        self.topics = refusals.topics_by_document(knowledge.sentences)
        # Totals that do not add up (found at ingest) and text that contradicts a table.
        self.discrepancies = [
            *knowledge.discrepancies,
            *text_discrepancies(knowledge, self.tables, self.corpus),
        ]
        self.tables.discrepancies = list(self.discrepancies)
        self._suggestions: list[Suggestion] | None = None

    # -- the public face ------------------------------------------------------------------

    def suggestions(self) -> list[Suggestion]:
        """A few answered questions per report, worked out once on first use."""
        if self._suggestions is None:
            self._suggestions = suggest(
                list(self.corpus.documents.values()),
                self.knowledge,
                lambda doc: list(self.knowledge.tables.for_documents([doc])),
                self.ask,
            )
        return self._suggestions

    def source(self, document: str) -> str:
        """The unedited text of a document, which every citation's offsets point into."""
        return self.knowledge.sources[document]

    def understand(self, request: AskRequest) -> Frame:
        """The question of a request, read into a frame (with its history); a follow-up that
        points at the figure given before ("hoeveel daarvan …") also carries what that
        figure was about (the row it came from)."""
        history = [t.content for t in request.history if t.role == "user" and t.content.strip()]
        frame = understand(request.question.strip(), history, self.corpus.facts())
        if not frame.followup or not frame.parts or not frame.parts[0].refers_back:
            return frame
        first = frame.parts[0]
        previous = first.previous
        if previous is None:
            return frame
        selection = self.corpus.select(frame.scope, previous)
        answered = self.tables.answer(previous, selection.documents, frame.language)
        labels = {f.label.split(",")[0] for f in (answered.figures if answered else []) if f.label}
        if answered is None or not answered.answered or len(labels) != 1:
            return frame
        words = tuple(w for w in content_terms(labels.pop()) if w not in first.carried)
        carried = replace(first, carried=(*words, *first.carried))
        return replace(frame, parts=(carried, *frame.parts[1:]))

    def ask(self, request: AskRequest) -> AskResponse:
        """Answer one question; no number leaves without its source (see `grounding`)."""
        frame = self.understand(request)
        names = [self.corpus.label(d) for d in self.corpus.documents]
        response = enforce_grounding(
            self.compose(frame), self.knowledge.sources, frame.question, names
        )
        if not response.answer.strip():
            # Never an empty answer, whatever route produced it: say honestly that the
            # reports do not cover the question instead.
            log.warning("empty answer replaced by a refusal", extra={"route": response.route})
            documents = tuple(self.corpus.documents)
            refusal = refusals.not_covered(documents, self.corpus, self.topics, frame.language)
            response = AskResponse(answer=refusal.body, route="refusal", language=frame.language)
        response.inconsistencies = self.inconsistencies(response.citations)
        if request.explain:
            response.frame = frame.to_dict(with_text=True)
        return response

    def inconsistencies(self, citations: Sequence[Citation]) -> list[str]:
        """Where the report disagrees with itself about a passage the answer cites."""
        cited = [(c.document, c.start, c.end) for c in citations]
        return list(
            dict.fromkeys(
                d.explanation
                for d in self.discrepancies
                for doc, start, end in cited
                if d.document == doc and any(s.start < end and start < s.end for s in d.spans)
            )
        )

    def compose(self, frame: Frame) -> AskResponse:
        """The answer as the routes compose it, before the grounding check."""
        if frame.refusal is not None:
            return refusals.whole(frame, self.corpus, self.topics)
        answers = [self.answer_part(frame, part) for part in frame.parts]
        return respond(frame, answers)

    # -- one part -------------------------------------------------------------------------

    def answer_part(self, frame: Frame, part: Part) -> PartAnswer:
        """One part, from the reports it is scoped to (or, unnamed, any report that has it)."""
        language = frame.language
        scope = frame.scope
        if scope.elsewhere:
            # Another municipality: only what these reports say about it, quoted.
            documents = (
                self.corpus.select(scope, part).documents
                if scope.municipalities
                else tuple(self.corpus.documents)
            )
            found = self.route(part, Where(documents, language, elsewhere=scope.elsewhere))
            if found is not None and found.answered:
                return found
            return refusals.other_municipality(scope.elsewhere[0], self.corpus, language)
        by_year = self._years_across_reports(frame, part)
        if by_year:
            return self._per_year(frame, part, by_year)
        selection = self.corpus.select(scope, part)
        places = scope.names
        answer = None
        if selection.missing_year is None:
            answer = self.route(part, Where(selection.documents, language, places=places))
        if not scope.municipalities and not _sure(answer):
            # Not named, and the default report answers weakly or not at all: another report
            # may fit clearly better. The answer then says which report it comes from.
            others = self.corpus.others(selection.documents)
            found = self.route(part, Where(others, language, strict=True)) if others else None
            if _better(found, answer) and found is not None and found.documents:
                note = say(
                    FOUND_ELSEWHERE,
                    language,
                    default=self.corpus.label(selection.documents[0]),
                    report=self.corpus.label(found.documents[0]),
                )
                found.body = f"{note} {found.body}"
                return found
        if selection.missing_year is not None and (answer is None or not answer.answered):
            return refusals.year(selection.missing_year, selection.documents, self.corpus, language)
        if answer is None:
            return refusals.not_covered(
                selection.documents, self.corpus, self.topics, language, len(frame.parts) > 1
            )
        if len(self.corpus.documents) > 1 and not selection.named and answer.documents:
            labels = ", ".join(self.corpus.label(d) for d in answer.documents)
            answer.body += " " + say(SOURCE_NOTE, language, report=labels)
        return answer

    def _years_across_reports(self, frame: Frame, part: Part) -> list[int]:
        """The years of a part that different reports answer ("in <jaar> en <jaar+1>",
        "sinds <jaar>"), or [] when one report answers them all (its table has both years)."""
        years = self.corpus.years(frame.scope, part)
        if part.since and len(years) == 1:
            newest = max((d.year for d in self.corpus.documents.values()), default=years[0])
            years = list(range(years[0], newest + 1))
        if len(years) < 2 or part.operation not in ("value", "change", "diff", "list", "sum"):
            return []
        chosen = {
            self.corpus.select(frame.scope, replace(part, years=(y,), relative_years=())).documents
            for y in years
        }
        return years if len(chosen) > 1 else []

    def _per_year(self, frame: Frame, part: Part, years: Sequence[int]) -> PartAnswer:
        """One figure per year, each from that year's own report, and the change."""
        language = frame.language
        answers = []
        tried: list[str] = []
        for year in years:
            single = replace(part, years=(year,), relative_years=(), since=False, operation="value")
            selection = self.corpus.select(frame.scope, single)
            tried += [d for d in selection.documents if d not in tried]
            found = self.route(
                single, Where(selection.documents, language, places=frame.scope.names)
            )
            if found is not None and found.answered:
                label = say(
                    YEAR_LINE,
                    language,
                    year=str(year),
                    report=self.corpus.label(found.documents[0]) if found.documents else "",
                )
                found.body = f"{label} {found.body}"
                answers.append((year, found))
        if not answers:
            return refusals.not_covered(tried, self.corpus, self.topics, language)
        combined = combine([a for _, a in answers])
        figures = [(y, a.figures[0]) for y, a in answers if len(a.figures) == 1]
        if len(figures) >= 2 and len(figures) == len(answers):
            (first_year, first), (last_year, last) = figures[0], figures[-1]
            difference = last.value - first.value
            combined.body += " " + say(
                YEAR_CHANGE,
                language,
                first=str(first_year),
                last=str(last_year),
                calculation=f"{format_number(last.value)} − {format_number(first.value)} = "
                f"{format_number(difference)}",
            )
        return combined

    def route(self, part: Part, where: Where) -> PartAnswer | None:
        """The route that fits the part, in order: claim, definition, table, calculation,
        text. None when nothing in these reports answers it."""
        documents, language = where.documents, where.language
        if part.kind == "claim":
            return self._claim(part, where)
        if part.kind == "definition":
            defined = self._definition(part, documents, language)
            if defined is not None:
                return defined
        if not where.elsewhere:
            table = self.tables.answer(
                part, documents, language, strict=where.strict, places=where.places
            )
            if table is not None:
                return table
        if part.calculation is not None and not part.carried and not where.elsewhere:
            finder = _Finder(self, documents)
            calculated = calculate.answer_calculation(
                part.asked, part.calculation, finder, language
            )
            if calculated is not None:
                return calculated
        return self.text.answer(part, documents, language, where.elsewhere, strict=where.strict)

    def _claim(self, part: Part, where: Where) -> PartAnswer:
        """Check a claim against what the tables and the text say about its statement: the
        tables are asked without the claimed figures, the text with them (a figure is a
        strong clue to the sentence that states it)."""
        documents, language = where.documents, where.language
        claim = part.claim
        topic = claim.probe if claim else part.asked
        # A claimed figure is a strong clue to the sentence that states it; a bound
        # ("meer dan 100") is not.
        statement = claim.statement if claim and claim.comparison is None else topic
        answers = []
        table_probe = replace(read_part(topic, language=language), carried=part.carried)
        table = self.tables.answer(table_probe, documents, language, places=where.places)
        if table is not None and table.answered:
            answers.append(table)
        text_probe = replace(read_part(statement, language=language), carried=part.carried)
        if claim is not None and claim.figures:
            text_probe = replace(text_probe, asks="amount")  # a sentence that states one
        text = self.text.answer(text_probe, documents, language)
        if text is not None and text.answered:
            answers.append(text)
        return claims.check(part, answers, language)

    def _definition(
        self, part: Part, documents: Sequence[str], language: Language
    ) -> PartAnswer | None:
        """ "Wat betekent HIC?": the report's own definition, cited where it gives it."""
        from service.understand.parse import definition_subject

        found: Definition | None = lookup(definition_subject(part.asked), self.definitions)
        if found is None or found.document not in documents:
            return None
        citation = make_citation(
            1,
            found.document,
            self.corpus.label(found.document),
            _section_at(self.knowledge.sentences, found.document, found.start),
            self.knowledge.sources[found.document],
            found.start,
            found.end,
        )
        text = say(ABBREVIATION, language, abbr=found.term, meaning=found.meaning)
        return PartAnswer("text", f"{text} [1]", [citation], documents=(found.document,))


@dataclass(frozen=True)
class Where:
    """Where a part is answered from: the reports, the asker's language, places named
    that no report covers, whether a clearer match is needed, and the words that chose
    the reports (`Scope.names`)."""

    documents: Sequence[str]
    language: Language
    elsewhere: Sequence[str] = ()
    strict: bool = False
    places: Sequence[str] = ()


class _Finder:
    """Sentence search within some reports, for the calculation route."""

    def __init__(self, assistant: Assistant, documents: Sequence[str]) -> None:
        self.assistant = assistant
        self.documents = documents

    def find_sentences(self, query: str, k: int) -> list[tuple[SentenceUnit, float]]:
        """The sentences that best match a query, with their scores (best first)."""
        a = self.assistant
        vector = np.asarray(a.embeddings.embed_query(query), dtype=np.float32)
        hits = a.retriever.search(
            query, k=a.settings.retrieval_k, query_vector=vector, documents=self.documents
        )
        ranked = a.ranker.rank(query, vector, hits, wanted_amount(read_part(query)))[:k]
        return [(a.knowledge.sentences[c.index], c.score) for c in ranked]

    def cite(self, number: int, unit: SentenceUnit) -> Citation:
        """A citation of one sentence, quoted verbatim from its source."""
        return self.assistant.text.cite(number, unit.start, unit.end, unit)


SURE = 0.75  # an answer from the default report this well matched is not second-guessed
BETTER = 0.15  # another report must fit this much better to be used instead


def _sure(answer: PartAnswer | None) -> bool:
    return answer is not None and answer.answered and answer.confidence >= SURE


def _better(found: PartAnswer | None, answer: PartAnswer | None) -> bool:
    """Whether an answer from another report beats the default report's answer."""
    if found is None or not found.answered:
        return False
    if answer is None or not answer.answered:
        return True
    return found.confidence >= answer.confidence + BETTER


def _section_at(sentences: Sequence[SentenceUnit], document: str, offset: int) -> str:
    """The section of the sentence at or before an offset of a report."""
    section = ""
    for s in sentences:
        if s.document == document and s.start <= offset:
            section = s.section
    return section


def build_assistant(
    settings: Settings,
    retrieval_mode: RetrievalMode = "hybrid",
    embeddings: Embeddings | None = None,
) -> Assistant:
    """Load the model and the current index build; the one way every entry point starts."""
    from ingest.embed import load_embeddings

    embeddings = embeddings or load_embeddings(settings)
    knowledge = load_knowledge(settings.index_dir, embeddings, settings)
    log.info(
        "index loaded", extra={"build_id": knowledge.build_id, "passages": len(knowledge.passages)}
    )
    return Assistant(knowledge, embeddings, settings, retrieval_mode)
