"""The text route: a part answered with the report's own sentences, quoted verbatim.

Retrieval (`retrieval`) finds the passages of the reports in scope, the sentence ranker
(`extract`) picks what to quote, and this module decides whether that answers the part:
the best sentence must be supported (words and meaning), must give the amount asked
for, must name a place or year the part names. Whatever fails is said honestly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from service.answer import figures
from service.answer.definitions import explain
from service.answer.extract import Candidate, SentenceRanker, supported, wanted_amount
from service.answer.knowledge import Knowledge, SentenceUnit
from service.answer.result import PartAnswer, StatedFigure, make_citation
from service.answer.retrieval import HybridRetriever
from service.answer.scope import Corpus
from service.core.numbers import extract_numbers
from service.core.text import fold, squash, words
from service.lexicon import lexicon
from service.lexicon.vocabulary import rewrite_phrases
from service.render.messages import (
    ABBREVIATION,
    DERIVED_YEAR,
    REFUSAL_NO_AMOUNT,
    REFUSAL_YEAR_NOT_STATED,
    TEXT_LEAD,
    say,
)
from service.understand.frame import Language, Part
from service.web.schemas import Citation

STRICT_LEXICAL = 0.6  # share of the part's words a sentence of an unnamed report must hold
PLACE_LEXICAL = 0.5  # a sentence about another place must be mostly about the question too


class TextAnswerer:
    """Quotes the sentences that answer a part, from the reports it is scoped to."""

    def __init__(
        self,
        knowledge: Knowledge,
        embeddings: Embeddings,
        retriever: HybridRetriever,
        ranker: SentenceRanker,
        corpus: Corpus,
        abbreviations: dict[str, str],
        k: int,
    ) -> None:
        self.knowledge = knowledge
        self.embeddings = embeddings
        self.retriever = retriever
        self.ranker = ranker
        self.corpus = corpus
        self.abbreviations = abbreviations
        self.k = k

    def candidates(
        self, part: Part, documents: Sequence[str], language: Language
    ) -> tuple[list[Candidate], np.ndarray]:
        """The report sentences that best match a part, best first, and the query vector."""
        context = " ".join(part.carried)
        query = f"{part.search_text} {context}".strip()
        vector = np.asarray(self.embeddings.embed_query(rewrite_phrases(query)), dtype=np.float32)
        hits = self.retriever.search(query, k=self.k, query_vector=vector, documents=documents)
        wants = wanted_amount(part) or (wanted_amount(part.previous) if part.previous else None)
        ranked = self.ranker.rank(
            part.search_text,
            vector,
            hits,
            wants,
            context=context,
            language=language,
            years=part.years,
            wants_names=part.asks in ("who", "where", "which"),
        )
        return ranked, vector

    def find(self, part: Part, documents: Sequence[str], k: int = 5) -> list[SentenceUnit]:
        """The sentences that best answer a part, for routes that read figures from them."""
        ranked, _ = self.candidates(part, documents, "nl")
        return [self.knowledge.sentences[c.index] for c in ranked[:k]]

    def answer(
        self,
        part: Part,
        documents: Sequence[str],
        language: Language,
        elsewhere: Sequence[str] = (),
        strict: bool = False,
    ) -> PartAnswer | None:
        """The quoted answer, a refusal that says what is missing, or None when nothing in
        these reports answers the part. `strict` asks most of the part's words in the
        sentence (for reports the question did not point at)."""
        ranked, _ = self.candidates(part, documents, language)
        if not ranked or not self.ranker.answerable(
            part.search_text, ranked[0], language, documents
        ):
            return None
        if strict and ranked[0].lexical < STRICT_LEXICAL:
            return None
        wants = wanted_amount(part) or (wanted_amount(part.previous) if part.previous else None)
        ranked = _amount_first(ranked, wants, self.knowledge.sentences)
        best = self.knowledge.sentences[ranked[0].index]
        for place in elsewhere:
            if fold(place) not in fold(best.text) or ranked[0].lexical < PLACE_LEXICAL:
                return None
        document = self.knowledge.documents.get(best.document)
        own_year = document.year if document else None
        other_years = [y for y in (*part.years, *part.period) if y != own_year]
        units = self.ranker.units(ranked, wants, [str(y) for y in other_years])
        citations = [
            self.cite(i + 1, start, end, unit) for i, (start, end, unit) in enumerate(units)
        ]
        quoted = " ".join(c.quote for c in citations)
        if other_years and part.operation not in ("change", "diff"):
            derived = self._derive_year(other_years[0], ranked, language)
            if derived is not None:
                return derived
        missing = next((y for y in other_years if str(y) not in quoted), None)
        if missing is not None and _states_change_since(quoted, missing, own_year, part):
            missing = None  # "is met tien gestegen van 49 naar 59": the year before, implied
        if missing is not None:
            report = self.corpus.label(best.document)
            text = say(REFUSAL_YEAR_NOT_STATED, language, report=report, year=str(missing))
            return PartAnswer("refusal", text, answered=False, documents=(best.document,))
        if wants is not None and not wants.search(quoted):
            # Show what the report does say, but do not pretend it answers "how many".
            body = " ".join(f"{squash(c.quote)} [{c.id}]" for c in citations[:1])
            return PartAnswer(
                "refusal",
                f"{say(REFUSAL_NO_AMOUNT, language)} {body}",
                citations[:1],
                answered=False,
                documents=(best.document,),
            )
        body = " ".join(f"{squash(c.quote)} [{c.id}]" for c in citations)
        for abbr, long_form in explain(quoted, self.abbreviations):
            body += " " + say(ABBREVIATION, language, abbr=abbr, meaning=long_form)
        figures = [StatedFigure(v) for v in extract_numbers(quoted)]
        return PartAnswer(
            "text",
            f"{say(TEXT_LEAD, language)} {body}",
            citations,
            figures=figures,
            documents=tuple(dict.fromkeys(c.document for c in citations)),
            confidence=min(1.0, ranked[0].lexical),
        )

    def cite(self, number: int, start: int, end: int, unit: SentenceUnit) -> Citation:
        """A citation of a span of one report, with the report's title."""
        return make_citation(
            number,
            unit.document,
            self.corpus.label(unit.document),
            unit.section,
            self.knowledge.sources[unit.document],
            start,
            end,
        )

    def _derive_year(
        self, year: int, candidates: list[Candidate], language: Language
    ) -> PartAnswer | None:
        """An earlier year's figure the report gives as a change ("35 meer dan in <jaar-1>")."""
        sentences = self.knowledge.sentences
        stated = any(
            str(year) in (amount.year or "")
            for cand in candidates[:3]
            for amount in figures.amounts(sentences[cand.index].text)
        )
        if stated:  # "… schooljaar <jaar-1>/<jaar> 507 vouchers": the report gives it directly
            return None
        i = candidates[0].index
        for a, b in ((i, i), (i - 1, i), (i, i + 1)):
            if a < 0 or b >= len(sentences) or sentences[a].section != sentences[b].section:
                continue
            found = figures.derive_earlier(year, sentences[a].text, sentences[b].text)
            if found is None:
                continue
            citation = self.cite(1, sentences[a].start, sentences[b].end, sentences[b])
            text = say(DERIVED_YEAR, language, year=str(year), calculation=found.calculation())
            return PartAnswer(
                "text",
                f"{text} [1]",
                [citation],
                figures=[StatedFigure(found.result, year=year)],
                documents=(citation.document,),
            )
        return None


AMOUNT_RUNNER_UP = 0.6  # a sentence with the amount asked may win at this share of the best's words
AMOUNT_RUNNERS = 4


def _amount_first(
    ranked: list[Candidate], wants: re.Pattern[str] | None, sentences: Sequence[SentenceUnit]
) -> list[Candidate]:
    """ "Hoeveel …?" is answered by a sentence that gives an amount: when the best one gives
    none, a runner-up close behind that does comes first."""
    if wants is None or wants.search(sentences[ranked[0].index].text):
        return ranked
    for candidate in ranked[1:AMOUNT_RUNNERS]:
        close = candidate.lexical >= AMOUNT_RUNNER_UP * ranked[0].lexical
        if close and supported(candidate) and wants.search(sentences[candidate.index].text):
            return [candidate, *(c for c in ranked if c is not candidate)]
    return ranked


def _states_change_since(quoted: str, year: int, own_year: int | None, part: Part) -> bool:
    """Whether a report's sentence answers a change since the year before its own: it
    states a direction ("gestegen", "afgenomen") and the part asks for that change."""
    if part.operation not in ("change", "diff") or own_year is None or year != own_year - 1:
        return False
    return bool(lexicon().directions.find(" ".join(words(quoted))))
