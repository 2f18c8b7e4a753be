"""The assistant: route a question, find the passages, compose a short cited answer.

No language model: the text route *extracts* the report's own sentences, the table route
computes from table cells, and both cite verbatim source spans. The same question
therefore always gets the same answer.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.parse import normalise
from service import arithmetic, conversation, routing
from service.answer.definitions import explain, find_abbreviations
from service.answer.extract import Candidate, SentenceRanker, wanted_amount
from service.answer.grounding import enforce_grounding
from service.knowledge import Knowledge, SentenceUnit, load_knowledge
from service.lexical import Lexicon, rewrite_phrases
from service.render.messages import (
    ABBREVIATION,
    DERIVED_YEAR,
    REFUSAL_ACTION,
    REFUSAL_NO_AMOUNT,
    REFUSAL_NOT_COVERED,
    REFUSAL_OPINION,
    REFUSAL_OTHER_MUNICIPALITY,
    REFUSAL_PERSON,
    REFUSAL_YEAR,
    REFUSAL_YEAR_NOT_STATED,
    TEXT_LEAD,
    TOPICS,
    Language,
    say,
)
from service.answer.retrieval import HybridRetriever, RetrievalMode
from service.web.schemas import AskRequest, AskResponse, Citation
from service.settings import Settings
from service.tables import TableAnswerer

log = logging.getLogger(__name__)

_ASKS_CHANGE = re.compile(
    r"\b(gestegen|gedaald|toegenomen|afgenomen|toename|afname|stijging|daling|meer|minder|"
    r"verschil|veranderd|increase|decrease|rise|fall|change|more|less|fewer)\b",
    re.IGNORECASE,
)


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
        self._abbreviations = find_abbreviations(knowledge.sources.values())
        self.ranker = SentenceRanker(knowledge, self.lexicon)

    def source(self, document: str) -> str:
        """The unedited text of a document, which every citation's offsets point into."""
        return self.knowledge.sources[document]

    def ask(self, request: AskRequest) -> AskResponse:
        """Answer one question; no number leaves without its source (see `service.answer.grounding`)."""
        return enforce_grounding(self.compose(request), self.knowledge.sources)

    def compose(self, request: AskRequest) -> AskResponse:
        """The answer as the routes compose it, before the grounding check.

        Order: rules that always refuse, then the tables, then a calculation over
        figures in the text, then the extractive text route. Earlier user turns resolve
        a follow-up.
        """
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
                return table

        resolved = conversation.resolve_text_question(question, earlier)
        plan = arithmetic.plan_calculation(resolved.question)
        if plan is not None and not resolved.topic:
            calculated = arithmetic.answer_calculation(resolved.question, plan, self, language)
            if calculated is not None:
                return calculated
        response = self._answer_text(resolved.question, language, resolved.topic, resolved.previous)
        if resolved.topic:
            response.resolved_question = resolved.text
        return response

    def find_sentences(self, query: str, k: int = 5) -> list[tuple[SentenceUnit, float]]:
        """The report sentences that best match a query, with their scores (best first)."""
        query_vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        hits = self.retriever.search(query, k=self.settings.retrieval_k, query_vector=query_vector)
        ranked = self.ranker.rank(query, query_vector, hits, wanted_amount(query))[:k]
        return [(self.knowledge.sentences[c.index], c.score) for c in ranked]

    def cite(self, number: int, unit: SentenceUnit) -> Citation:
        """A citation of one sentence, quoted verbatim from its source."""
        return self._cite(number, (unit.start, unit.end, unit))

    # -- text route ---------------------------------------------------------------------

    def _answer_text(
        self, question: str, language: Language, topic: str = "", previous: str = ""
    ) -> AskResponse:
        """Extract the sentence(s) that answer; `topic` is carried over from `previous`."""
        question = rewrite_phrases(question)
        query = f"{question} {topic}".strip()
        query_vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        hits = self.retriever.search(query, k=self.settings.retrieval_k, query_vector=query_vector)
        wants = wanted_amount(question) or wanted_amount(previous)
        candidates = self.ranker.rank(
            question, query_vector, hits, wants, context=topic, language=language
        )
        if not candidates or not self.ranker.answerable(question, candidates[0], language):
            return self._not_covered(question, language)
        place = routing.other_municipality(question)
        best = self.knowledge.sentences[candidates[0].index]
        if place and (place.lower() not in best.text.lower() or candidates[0].lexical < 0.5):
            return self._refuse(routing.Refusal("other_municipality", place), language, question)

        years = [
            str(y) for y in routing.question_years(question) if y not in self.knowledge.report_years
        ]
        units = self.ranker.units(candidates, wants, years)
        citations = [self._cite(i + 1, span) for i, span in enumerate(units)]
        quoted = " ".join(c.quote for c in citations)
        missing_year = next(
            (
                y
                for y in routing.question_years(question)
                if y not in self.knowledge.report_years and str(y) not in quoted
            ),
            None,
        )
        if years and not _ASKS_CHANGE.search(question):
            # "Hoeveel … in 2023?" where the report says "… 35 meer dan in 2023": work it out.
            derived = self._derive_year(int(years[0]), candidates, language)
            if derived is not None:
                return derived
        if missing_year is not None:
            text = say(REFUSAL_YEAR_NOT_STATED, language, year=str(missing_year))
            return AskResponse(answer=text, route="refusal", language=language)
        if wants is not None and not wants.search(quoted):
            # Show what the report does say, but do not pretend it answers "how many".
            body = " ".join(f"{normalise(c.quote)} [{c.id}]" for c in citations[:1])
            return AskResponse(
                answer=f"{say(REFUSAL_NO_AMOUNT, language)} {body}",
                route="refusal",
                citations=citations[:1],
                language=language,
            )
        body = " ".join(f"{normalise(c.quote)} [{c.id}]" for c in citations)
        for abbr, long_form in explain(quoted, self._abbreviations):
            body += " " + say(ABBREVIATION, language, abbr=abbr, meaning=long_form)
        return AskResponse(
            answer=f"{say(TEXT_LEAD, language)} {body}",
            route="text",
            citations=citations,
            language=language,
        )

    def _derive_year(
        self, year: int, candidates: list[Candidate], language: Language
    ) -> AskResponse | None:
        """An earlier year's figure the report gives as a change ("35 meer dan in 2023")."""
        sentences = self.knowledge.sentences
        stated = any(
            str(year) in (amount.year or "")
            for cand in candidates[:3]
            for amount in arithmetic.amounts(sentences[cand.index].text)
        )
        if stated:  # "… jaarwisseling 2023/2024 507 vouchers": the report gives it directly
            return None
        for cand in candidates[:1]:
            i = cand.index
            for a, b in ((i, i), (i - 1, i), (i, i + 1)):
                if a < 0 or b >= len(sentences) or sentences[a].section != sentences[b].section:
                    continue
                found = arithmetic.derive_earlier(year, sentences[a].text, sentences[b].text)
                if found is None:
                    continue
                citation = self._cite(1, (sentences[a].start, sentences[b].end, sentences[b]))
                text = say(DERIVED_YEAR, language, year=str(year), calculation=found.calculation())
                return AskResponse(
                    answer=f"{text} [1]", route="text", citations=[citation], language=language
                )
        return None

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
        elif refusal.reason == "action":
            text = say(REFUSAL_ACTION, language)
        elif refusal.reason == "person":
            text = say(REFUSAL_PERSON, language, topics=TOPICS[language])
        elif refusal.reason == "other_municipality":
            text = say(REFUSAL_OTHER_MUNICIPALITY, language, place=refusal.detail)
        else:
            text = say(REFUSAL_YEAR, language, year=refusal.detail)
        return AskResponse(answer=text, route="refusal", language=language)


def build_assistant(
    settings: Settings,
    retrieval_mode: RetrievalMode = "hybrid",
    embeddings: Embeddings | None = None,
) -> Assistant:
    """Load the model and the current index build; the one way every entry point starts."""
    from ingest.embed import load_embeddings

    embeddings = embeddings or load_embeddings(settings)
    knowledge = load_knowledge(settings.index_dir, embeddings)
    log.info(
        "index loaded", extra={"build_id": knowledge.build_id, "passages": len(knowledge.passages)}
    )
    return Assistant(knowledge, embeddings, settings, retrieval_mode)


Mode = Literal["hybrid", "bm25", "dense"]
