"""The assistant: route a question, find the passages, compose a short cited answer.

No language model: the text route *extracts* the report's own sentences, the table route
computes from table cells, and both cite verbatim source spans. The same question
therefore always gets the same answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from service import conversation, routing
from service.grounding import enforce_grounding
from service.knowledge import Knowledge, SentenceUnit, load_knowledge
from ingest.parse import normalise
from service.lexical import HEAD_PART, Lexicon
from service.messages import (
    REFUSAL_NOT_COVERED,
    REFUSAL_OPINION,
    REFUSAL_OTHER_MUNICIPALITY,
    REFUSAL_PERSON,
    REFUSAL_NO_AMOUNT,
    REFUSAL_YEAR,
    REFUSAL_YEAR_NOT_STATED,
    TEXT_LEAD,
    TOPICS,
    Language,
    say,
)
from service.retrieval import HybridRetriever, RetrievalMode
from service.schemas import AskRequest, AskResponse, Citation
from service.settings import Settings
from service.tables import TableAnswerer

log = logging.getLogger(__name__)

# Weights of the sentence score; set by measuring on evals/questions.jsonl.
W_LEXICAL = 0.6
W_PASSAGE = 0.15
W_NUMBER = 0.2
W_SECTION = 0.5  # a heading's words count half: "Ondermijning" covers its sentences
# Below both of these, nothing in the report answers the question.
MIN_LEXICAL = 0.50
MIN_DENSE = 0.88
# Sentences that lean on the one before them get it as context.
_ANAPHORA = re.compile(r"^(Dit|Dat|Deze|Daarvan|Hiervan|Hierbij|Daarnaast|Het gaat om|Ook)\b")
SHORT_SENTENCE = 30
_ASKS_NUMBER = re.compile(
    r"\b(hoeveel|aantal|hoe ?veel|bedrag|percentage|procent|welk deel|how many|how much|"
    r"number of|amount|share|cijfer)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    """A sentence considered for the answer, with the parts of its score."""

    index: int
    score: float
    lexical: float
    dense: float


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
        self.retriever = HybridRetriever(
            passages=knowledge.passages,
            embeddings=embeddings,
            store=knowledge.chunk_store,
            k=settings.retrieval_k,
            mode=retrieval_mode,
            rrf_k=settings.rrf_k,
        )
        self.lexicon: Lexicon = self.retriever.lexicon
        self.tables = TableAnswerer(knowledge.tables, knowledge.discrepancies)
        self._years = routing.report_years(knowledge.sources)
        self._sentence_terms = [set(self.lexicon.terms(s.text)) for s in knowledge.sentences]
        self._heading_terms = [
            set(self.lexicon.terms(s.section.rsplit(" > ", 1)[-1])) for s in knowledge.sentences
        ]
        self._idf = _idf(self._sentence_terms)
        self._max_idf = max(self._idf.values(), default=1.0)
        self._passage_sentences = self._map_passages()

    def source(self, document: str) -> str:
        """The unedited text of a document, which every citation's offsets point into."""
        return self.knowledge.sources[document]

    def ask(self, request: AskRequest) -> AskResponse:
        """Answer one question, using the earlier user turns to resolve a follow-up."""
        question = request.question.strip()
        language = conversation.detect_language(question)
        earlier = conversation.user_turns(request.history)

        refusal = routing.pre_check(question, self._years)
        if refusal is not None:
            return self._refuse(refusal, language, question)
        # The tables hold Zoetermeer's figures only; another place goes to the text route.
        if routing.other_municipality(question) is None:
            table = self.tables.answer(question, earlier, language)
            if table is not None:
                return enforce_grounding(table, self.knowledge.sources)

        resolved = conversation.resolve_text_question(question, earlier)
        refusal = routing.pre_check(resolved, self._years)
        if refusal is not None:
            return self._refuse(refusal, language, resolved)
        response = self._answer_text(resolved, language)
        if resolved != question:
            response.resolved_question = resolved
        return enforce_grounding(response, self.knowledge.sources)

    # -- text route ---------------------------------------------------------------------

    def _answer_text(self, question: str, language: Language) -> AskResponse:
        query_vector = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        hits = self.retriever.search(question, k=self.settings.retrieval_k, query_vector=query_vector)
        candidates = self._rank_sentences(question, query_vector, hits)
        place = routing.other_municipality(question)
        if not candidates or not _supported(candidates[0]):
            return self._not_covered(question, language)
        best = self.knowledge.sentences[candidates[0].index]
        if place and place.lower() not in best.text.lower():
            return self._refuse(routing.Refusal("other_municipality", place), language, question)
        asks_number = bool(_ASKS_NUMBER.search(question))
        units = self._answer_units(candidates, asks_number=asks_number)
        citations = [self._cite(i + 1, span) for i, span in enumerate(units)]
        quoted = " ".join(c.quote for c in citations)
        missing_year = next(
            (y for y in routing.question_years(question) if y not in self.knowledge.report_years
             and str(y) not in quoted),
            None,
        )
        if missing_year is not None:
            text = say(REFUSAL_YEAR_NOT_STATED, language, year=str(missing_year))
            return AskResponse(answer=text, route="refusal", language=language)
        if asks_number and not _has_quantity(quoted):
            # Show what the report does say, but do not pretend it answers "how many".
            body = " ".join(f"{normalise(c.quote)} [{c.id}]" for c in citations[:1])
            return AskResponse(
                answer=f"{say(REFUSAL_NO_AMOUNT, language)} {body}",
                route="refusal",
                citations=citations[:1],
                language=language,
            )
        body = " ".join(f"{normalise(c.quote)} [{c.id}]" for c in citations)
        return AskResponse(
            answer=f"{say(TEXT_LEAD, language)} {body}",
            route="text",
            citations=citations,
            language=language,
        )

    def _rank_sentences(self, question: str, query_vector: np.ndarray, hits: Sequence) -> list[Candidate]:
        concepts = self.lexicon.concepts(question)
        weight = sum(self._query_weight(c) for c in concepts) or 1.0
        top = max((h.score for h in hits), default=1.0) or 1.0
        asks_number = bool(_ASKS_NUMBER.search(question))
        seen: dict[int, Candidate] = {}
        for hit in hits:
            for i in self._passage_sentences[hit.index]:
                if i in seen:
                    continue
                lexical = sum(
                    max(
                        self._matched(c, self._sentence_terms[i]),
                        W_SECTION * self._matched(c, self._heading_terms[i]),
                    )
                    for c in concepts
                ) / weight
                dense = float(self.knowledge.sentence_vectors[i] @ query_vector)
                has_number = _has_quantity(self.knowledge.sentences[i].text)
                score = (
                    dense
                    + W_LEXICAL * lexical
                    + W_PASSAGE * hit.score / top
                    + (W_NUMBER if asks_number and has_number else 0.0)
                )
                seen[i] = Candidate(i, score, lexical, dense)
        return sorted(seen.values(), key=lambda c: (-c.score, c.index))

    def _matched(self, concept: dict[str, float], terms: set[str]) -> float:
        """How much of a concept a sentence's terms cover (idf times the stem's weight)."""
        return max((w * self._idf.get(t, 0.0) for t, w in concept.items() if t in terms), default=0.0)

    def _query_weight(self, concept: dict[str, float]) -> float:
        """A concept's share of the question: the idf of the word itself.

        A word the report never uses weighs as the rarest word, so a question about
        something absent ("fietsendiefstallen") cannot be covered by a part of it.
        """
        whole = next(t for t, w in concept.items() if w == 1.0) if concept else ""
        known = [self._idf[t] for t, w in concept.items() if t in self._idf and w >= HEAD_PART]
        return self._idf.get(whole) or max(known, default=self._max_idf)

    def _answer_units(
        self, candidates: list[Candidate], asks_number: bool
    ) -> list[tuple[int, int, SentenceUnit]]:
        """The best sentence (with the one before it when it leans on it), maybe a second.

        A second sentence joins when it scores almost as well, or when the question asks
        for an amount that the best sentence does not state but a close runner-up does.
        """
        sentences = self.knowledge.sentences
        chosen = [candidates[0]]
        needs_amount = asks_number and not _has_quantity(sentences[candidates[0].index].text)
        for other in candidates[1:3]:
            close = other.score >= candidates[0].score - 0.02
            gives_amount = needs_amount and _has_quantity(sentences[other.index].text)
            if (close or gives_amount) and _supported(other):
                chosen.append(other)
                break
        units: list[tuple[int, int, SentenceUnit]] = []
        for cand in sorted(chosen, key=lambda c: c.index):
            unit = sentences[cand.index]
            start = unit.start
            prev = sentences[cand.index - 1] if cand.index > 0 else None
            leans = _ANAPHORA.match(unit.text) or len(unit.text) < SHORT_SENTENCE
            if leans and prev and prev.section == unit.section and prev.document == unit.document:
                start = prev.start
            if units and start <= units[-1][1] and units[-1][2].document == unit.document:
                units[-1] = (units[-1][0], unit.end, unit)
            else:
                units.append((start, unit.end, unit))
        return units

    def _cite(self, number: int, span: tuple[int, int, SentenceUnit]) -> Citation:
        start, end, unit = span
        return Citation(
            id=number,
            document=unit.document,
            section=unit.section,
            quote=self.knowledge.sources[unit.document][start:end],
            start=start,
            end=end,
        )

    # -- refusals -------------------------------------------------------------------------

    def _not_covered(self, question: str, language: Language) -> AskResponse:
        return AskResponse(
            answer=say(REFUSAL_NOT_COVERED, language, topics=TOPICS[language]),
            route="refusal",
            language=language,
        )

    def _refuse(self, refusal: routing.Refusal, language: Language, question: str) -> AskResponse:
        if refusal.reason == "opinion":
            text = say(REFUSAL_OPINION, language, topics=TOPICS[language])
        elif refusal.reason == "person":
            text = say(REFUSAL_PERSON, language, topics=TOPICS[language])
        elif refusal.reason == "other_municipality":
            text = say(REFUSAL_OTHER_MUNICIPALITY, language, place=refusal.detail)
        else:
            text = say(REFUSAL_YEAR, language, year=refusal.detail)
        return AskResponse(answer=text, route="refusal", language=language)

    # -- set-up ---------------------------------------------------------------------------

    def _map_passages(self) -> list[list[int]]:
        """For every passage, the sentences (or the table row) inside its span."""
        by_doc: dict[str, list[tuple[int, int, int]]] = {}
        for i, s in enumerate(self.knowledge.sentences):
            by_doc.setdefault(s.document, []).append((s.start, s.end, i))
        mapping = []
        for passage in self.knowledge.passages:
            meta = passage.metadata
            spans = by_doc.get(meta["document"], [])
            inside = [i for s, e, i in spans if s >= meta["start"] and e <= meta["end"]]
            mapping.append(inside)
        return mapping


_QUANTITY = re.compile(
    r"(?<![\d/])(?!(?:19|20)\d\d(?![\d.,]))\d[\d.,]*|\b(twee|drie|vier|vijf|zes|zeven|acht|negen|"
    r"tien|elf|twaalf|twintig|honderd|duizend|miljoen|mln|helft|procent)\b",
    re.IGNORECASE,
)


def _has_quantity(text: str) -> bool:
    """True when a sentence states an amount (a year alone is not an amount)."""
    return bool(_QUANTITY.search(text))


def _supported(candidate: Candidate) -> bool:
    return candidate.lexical >= MIN_LEXICAL or candidate.dense >= MIN_DENSE


def _idf(term_sets: Sequence[set[str]]) -> dict[str, float]:
    n = len(term_sets)
    df: dict[str, int] = {}
    for terms in term_sets:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    return {t: float(np.log(1 + n / d)) for t, d in df.items()}


def build_assistant(
    settings: Settings, retrieval_mode: RetrievalMode = "hybrid", embeddings: Embeddings | None = None
) -> Assistant:
    """Load the model and the current index build; the one way every entry point starts."""
    from ingest.embed import load_embeddings

    embeddings = embeddings or load_embeddings(settings)
    knowledge = load_knowledge(settings.index_dir, embeddings)
    log.info("index loaded", extra={"build_id": knowledge.build_id, "passages": len(knowledge.passages)})
    return Assistant(knowledge, embeddings, settings, retrieval_mode)


Mode = Literal["hybrid", "bm25", "dense"]
