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

from ingest.parse import normalise
from service import arithmetic, conversation, routing
from service.abbreviations import explain, find_abbreviations
from service.grounding import enforce_grounding
from service.knowledge import Knowledge, SentenceUnit, load_knowledge
from service.lexical import HEAD_PART, Lexicon, rewrite_phrases
from service.messages import (
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
from service.retrieval import Hit, HybridRetriever, RetrievalMode
from service.schemas import AskRequest, AskResponse, Citation
from service.settings import Settings
from service.tables import TableAnswerer

log = logging.getLogger(__name__)

# Weights of the sentence score; set by measuring on evals/questions.jsonl.
W_LEXICAL = 1.0
W_PASSAGE = 0.15
W_NUMBER = 0.1
W_SECTION = 0.7  # a heading's words count for most: "Ondermijning" covers its sentences
W_CONTEXT = 0.5  # "Dit is een stijging van 30,8%" is about the sentence before it
W_YEAR = 0.15  # "Wat gebeurt er in 2025 …" -> "In 2025 volgt een plan van aanpak."
W_CARRIED = 0.5  # a follow-up's carried topic counts half of what the new turn asks
# Below both of these, nothing in the report answers the question.
# A sentence supports an answer when lexical coverage + DENSE_WEIGHT * (cosine - DENSE_CENTRE)
# reaches MIN_SUPPORT; measured on evals/questions.jsonl (see the closing note of issue 5).
MIN_SUPPORT = 0.30
DENSE_WEIGHT = 2.0
DENSE_CENTRE = 0.85
# A Dutch question naming something the report never mentions is refused unless the
# dense match is this close (a synonym the lexicon does not know).
DENSE_RESCUE = 0.89
# Sentences that lean on the one before them get it as context.
_ANAPHORA = re.compile(
    r"^(Dit|Dat|Deze|Daarvan|Hiervan|Hierbij|Hierin|Daarnaast|Het gaat om|Ook)\b"
)
_REFERS_BACK = re.compile(
    r"^(\S+\s+){0,4}(dit|dat|deze|die|daarvan|hiervan|hierbij|hierin|daarin|daarbij|zij|ze|"
    r"het gaat om|de aanpak|het team)\b",
    re.IGNORECASE,
)
SHORT_SENTENCE = 30
MAX_LIST_ITEMS = 8
_LIST_ITEM = re.compile(r"^\d{1,2}[.)]\s")
_INTRODUCES_LIST = re.compile(
    r":$|\b(onderstaand|hieronder|de volgende|als volgt|bestaat uit:)", re.IGNORECASE
)
CLOSE_SCORE = 0.02  # a runner-up this close to the best sentence is quoted too
RUNNER_UP_LEXICAL = 0.5  # a runner-up giving the amount must share the best one's topic
_ASKS_NUMBER = re.compile(
    r"\b(hoeveel|aantal|hoe ?veel|hoe vaak|bedrag|percentage|procent|welk deel|how many|"
    r"how much|how often|number of|amount|share|cijfer)\b",
    re.IGNORECASE,
)
_ASKS_MONEY = re.compile(
    r"\b(kost|kostte|kosten|gekost|bedrag|bedroeg|hoeveel geld|euro|uitgegeven|begroting|schade|"
    r"cost|costs|spent|spend|budget|damage)\b",
    re.IGNORECASE,
)
_ASKS_REASON = re.compile(
    r"^\s*(waarom|hoe komt|wat is de (reden|oorzaak)|wanneer|wie|waar|why|when|who|where)\b",
    re.IGNORECASE,
)
_ASKS_COUNT = re.compile(r"\b(hoeveel|how many|aantal|number of)\b", re.IGNORECASE)
_ASKS_SHARE = re.compile(
    r"\b(procent|percentage|deel|aandeel|share|percent|verhouding|ratio|cijfer|bedrag|"
    r"hoeveel meer|hoeveel minder|how much)\b",
    re.IGNORECASE,
)
_ASKS_PERCENT = re.compile(r"\b(procent|percentage|percent)\b|%", re.IGNORECASE)
_PERCENT = re.compile(r"\d\s*%|\bprocent\b", re.IGNORECASE)
_ASKS_CHANGE = re.compile(
    r"\b(gestegen|gedaald|toegenomen|afgenomen|toename|afname|stijging|daling|meer|minder|"
    r"verschil|veranderd|increase|decrease|rise|fall|change|more|less|fewer)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"€\s*\d|\b\d[\d.,]*\s*(mln|miljoen|euro)\b", re.IGNORECASE)


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
        self._abbreviations = find_abbreviations(knowledge.sources.values())
        self._sentence_terms = [set(self.lexicon.terms(s.text)) for s in knowledge.sentences]
        self._heading_terms = [
            set(self.lexicon.terms(s.section.rsplit(" > ", 1)[-1])) for s in knowledge.sentences
        ]
        self._context_terms = [self._context_of(i) for i in range(len(knowledge.sentences))]
        self._idf = _idf(self._sentence_terms)
        self._max_idf = max(self._idf.values(), default=1.0)
        self._passage_sentences = self._map_passages()

    def source(self, document: str) -> str:
        """The unedited text of a document, which every citation's offsets point into."""
        return self.knowledge.sources[document]

    def ask(self, request: AskRequest) -> AskResponse:
        """Answer one question; no number leaves without its source (see `service.grounding`)."""
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
        ranked = self._rank_sentences(query, query_vector, hits, _wanted_amount(query))[:k]
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
        wants = _wanted_amount(question) or _wanted_amount(previous)
        candidates = self._rank_sentences(
            question, query_vector, hits, wants, context=topic, language=language
        )
        if not candidates or not self._answerable(question, candidates[0], language):
            return self._not_covered(question, language)
        place = routing.other_municipality(question)
        best = self.knowledge.sentences[candidates[0].index]
        if place and (place.lower() not in best.text.lower() or candidates[0].lexical < 0.5):
            return self._refuse(routing.Refusal("other_municipality", place), language, question)

        years = [
            str(y) for y in routing.question_years(question) if y not in self.knowledge.report_years
        ]
        units = self._answer_units(candidates, wants, years)
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

    def _answerable(self, question: str, best: Candidate, language: Language) -> bool:
        """Whether the best sentence can carry an answer at all.

        Dutch questions naming a thing the report never mentions ("bushokjes",
        "Palenstein") are not, unless the dense match is very close (a synonym).
        English words outside our small glossary are simply unknown, so there only
        the coverage of the words we do know counts.
        """
        if not _supported(best):
            return False
        if language == "en":
            return True
        return not self.lexicon.unknown_words(question) or best.dense >= DENSE_RESCUE

    def _rank_sentences(
        self,
        question: str,
        query_vector: np.ndarray,
        hits: Sequence[Hit],
        wants: re.Pattern[str] | None = None,
        context: str = "",
        language: Language = "nl",
    ) -> list[Candidate]:
        """Score the sentences inside the retrieved passages; `context` is a carried topic."""
        # Words the report never uses are judged by `unknown_words`, not by coverage here.
        concepts = [
            (c, factor)
            for text, factor in ((question, 1.0), (context, W_CARRIED))
            for c in self.lexicon.concepts(text, correct=language == "nl")
            if self.lexicon.is_known(c)
        ]
        weight = sum(factor * self._query_weight(c) for c, factor in concepts) or 1.0
        top = max((h.score for h in hits), default=1.0) or 1.0
        # A year the question names (other than the report's own) must be matched.
        years = [
            str(y) for y in routing.question_years(question) if y not in self.knowledge.report_years
        ]
        seen: dict[int, Candidate] = {}
        for hit in hits:
            for i in self._passage_sentences[hit.index]:
                if i in seen:
                    continue
                lexical = (
                    sum(
                        factor
                        * max(
                            self._matched(c, self._sentence_terms[i]),
                            W_SECTION * self._matched(c, self._heading_terms[i]),
                            W_CONTEXT * self._matched(c, self._context_terms[i]),
                        )
                        for c, factor in concepts
                    )
                    / weight
                )
                dense = float(self.knowledge.sentence_vectors[i] @ query_vector)
                text = self.knowledge.sentences[i].text
                has_amount = wants is not None and bool(wants.search(text))
                score = (
                    dense
                    + W_LEXICAL * lexical
                    + W_PASSAGE * hit.score / top
                    + (W_NUMBER if has_amount else 0.0)
                    + (W_YEAR if any(y in text for y in years) else 0.0)
                )
                seen[i] = Candidate(i, score, lexical, dense)
        return sorted(seen.values(), key=lambda c: (-c.score, c.index))

    def _context_of(self, index: int) -> set[str]:
        """Terms of the sentence before, when this one refers back to it ("Dit is …")."""
        sentence = self.knowledge.sentences[index]
        if index == 0 or not _refers_back(sentence.text):
            return set()
        previous = self.knowledge.sentences[index - 1]
        if previous.section != sentence.section:
            return set()
        return self._sentence_terms[index - 1]

    def _matched(self, concept: dict[str, float], terms: set[str]) -> float:
        """How much of a concept a sentence's terms cover (idf times the stem's weight)."""
        return max(
            (w * self._idf.get(t, 0.0) for t, w in concept.items() if t in terms), default=0.0
        )

    def _query_weight(self, concept: dict[str, float]) -> float:
        """A concept's share of the question: the idf of the word itself.

        A word the report never uses weighs as the rarest word, so a question about
        something absent ("fietsendiefstallen") cannot be covered by a part of it.
        """
        whole = next(t for t, w in concept.items() if w == 1.0) if concept else ""
        known = [self._idf[t] for t, w in concept.items() if t in self._idf and w >= HEAD_PART]
        return self._idf.get(whole) or max(known, default=self._max_idf)

    def _answer_units(
        self,
        candidates: list[Candidate],
        wants: re.Pattern[str] | None,
        years: Sequence[str] = (),
    ) -> list[tuple[int, int, SentenceUnit]]:
        """Spans to quote: the best sentence and maybe a second, each with the sentence
        before it when it leans on that one ("Dit is …"); touching spans are merged."""
        sentences = self.knowledge.sentences
        listed = self._list_after(candidates[0].index)
        if listed:  # "De speerpunten zijn: 1. … 5. …": the list is the answer
            unit = sentences[listed[-1]]
            return [(sentences[candidates[0].index].start, unit.end, unit)]
        second = self._second_sentence(candidates, wants, years)
        chosen = sorted({candidates[0].index} | ({second} if second is not None else set()))
        units: list[tuple[int, int, SentenceUnit]] = []
        for index in chosen:
            unit = sentences[index]
            start = unit.start
            prev = sentences[index - 1] if index > 0 else None
            leans = _ANAPHORA.match(unit.text) or len(unit.text) < SHORT_SENTENCE
            if leans and prev and prev.section == unit.section and prev.document == unit.document:
                start = prev.start
            if units and start <= units[-1][1] and units[-1][2].document == unit.document:
                units[-1] = (units[-1][0], unit.end, unit)
            else:
                units.append((start, unit.end, unit))
        return units

    def _list_after(self, index: int) -> list[int]:
        """The list items after a sentence that introduces them ("De speerpunten zijn:",
        "Onderstaand een aantal voorbeelden …"), when the best sentence is such an intro."""
        sentences = self.knowledge.sentences
        section = sentences[index].section
        intro = index
        if not _INTRODUCES_LIST.search(sentences[intro].text):
            intro = index + 1
            if intro >= len(sentences) or sentences[intro].section != section:
                return []
            if not _INTRODUCES_LIST.search(sentences[intro].text):
                return []
        items = []
        for j in range(intro + 1, min(intro + 1 + MAX_LIST_ITEMS, len(sentences))):
            item = sentences[j]
            if item.section != section or not (item.item or _LIST_ITEM.match(item.text)):
                break
            items.append(j)
        return items

    def _second_sentence(
        self,
        candidates: list[Candidate],
        wants: re.Pattern[str] | None,
        years: Sequence[str] = (),
    ) -> int | None:
        """The sentence that completes the answer, if one does.

        In this order: the next sentence when it gives the amount (or the year) the question
        asks for ("… is die aan verharding. Met € 6.600 …"); the next sentence when it ranks in the
        top four too (the answer runs on); a runner-up that scores almost as well, or that
        gives the amount the best one lacks.
        """
        sentences = self.knowledge.sentences
        best = candidates[0].index
        lacks = wants is not None and not wants.search(sentences[best].text)
        following = best + 1
        continues = (
            following < len(sentences) and sentences[following].section == sentences[best].section
        )
        if continues:
            text = sentences[following].text
            if lacks and wants is not None and wants.search(text) and _refers_back(text):
                return following
            missing = [y for y in years if y not in sentences[best].text]
            if missing and all(y in text for y in missing):
                return following
            if following in {c.index for c in candidates[:4]}:
                return following
        for other in candidates[1:3]:
            on_topic = other.lexical >= RUNNER_UP_LEXICAL * candidates[0].lexical
            close = other.score >= candidates[0].score - CLOSE_SCORE
            gives = lacks and wants is not None and bool(wants.search(sentences[other.index].text))
            if (close or gives) and on_topic and _supported(other):
                return other.index
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


def _wanted_amount(question: str) -> re.Pattern[str] | None:
    """What an answer must contain when the question asks for an amount.

    Money for cost questions, a count (not a percentage) for "hoeveel …", any quantity
    for other number questions. "Waarom daalt het aantal …" asks a reason, not an amount.
    """
    if _ASKS_REASON.match(question):
        return None
    if (_ASKS_MONEY.search(question) and _ASKS_NUMBER.search(question)) or re.search(
        r"\b(wat|hoeveel) (kost|kostte|heeft .* gekost)", question, re.IGNORECASE
    ):
        return _MONEY
    if _ASKS_PERCENT.search(question):
        return _PERCENT
    if _ASKS_COUNT.search(question) and not _ASKS_SHARE.search(question):
        return _COUNT
    return _QUANTITY if _ASKS_NUMBER.search(question) else None


_COUNT = re.compile(
    r"(?<![\d/€,.])(?<!€ )(?!(?:19|20)\d\d(?![\d.,]))\d[\d.]*(?!\s*%)(?![\d.,])|"
    r"\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|honderd)\b",
    re.IGNORECASE,
)


def _refers_back(text: str) -> bool:
    """True when a sentence opens by pointing at the one before it."""
    return bool(_REFERS_BACK.match(text))


def _has_quantity(text: str) -> bool:
    """True when a sentence states an amount (a year alone is not an amount)."""
    return bool(_QUANTITY.search(text))


def _supported(candidate: Candidate) -> bool:
    support = candidate.lexical + DENSE_WEIGHT * (candidate.dense - DENSE_CENTRE)
    return candidate.lexical > 0 and support >= MIN_SUPPORT


def _idf(term_sets: Sequence[set[str]]) -> dict[str, float]:
    n = len(term_sets)
    df: dict[str, int] = {}
    for terms in term_sets:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    return {t: float(np.log(1 + n / d)) for t, d in df.items()}


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
