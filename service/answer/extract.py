"""Extractive answers: which sentences of the report answer a question.

The text route retrieves passages (`service.answer.retrieval`); this module ranks the sentences
inside them and decides what to quote: the best sentence, the one it leans on, the one
that completes it, or the list it introduces. Pure scoring, no model calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.answer.knowledge import Knowledge, SentenceUnit
from service.answer.retrieval import Hit
from service.lexicon.vocabulary import HEAD_PART, Vocabulary
from service.understand.frame import Language, Part

# Weights of the sentence score; set by measuring on evals/questions.jsonl.
W_LEXICAL = 1.0
W_PASSAGE = 0.15
W_NUMBER = 0.1
W_SECTION = 0.7  # a heading's words count for most: "Ondermijning" covers its sentences
W_CONTEXT = 0.5  # "Dit is een stijging van 30,8%" is about the sentence before it
W_YEAR = 0.15  # "Wat gebeurt er in <jaar> …" -> "In <jaar> volgt een plan van aanpak."
W_CARRIED = 0.5  # a follow-up's carried topic counts half of what the new turn asks
W_ANSWER_TYPE = 0.1  # "Welke instanties …?" is answered by a sentence that names some
# A sentence supports an answer when lexical coverage + DENSE_WEIGHT * (cosine - DENSE_CENTRE)
# reaches MIN_SUPPORT; below that nothing in the report answers the question. Measured on
# evals/questions.jsonl and checked on evals/holdout.jsonl.
MIN_SUPPORT = 0.30
DENSE_WEIGHT = 2.0
DENSE_CENTRE = 0.85
# A Dutch question naming something the report never mentions is refused unless the
# dense match is this close (a synonym the lexicon does not know).
DENSE_RESCUE = 0.89
# Sentences that lean on the one before them are quoted with it.
_ANAPHORA = re.compile(
    r"^(Dit|Dat|Deze|Daarvan|Hiervan|Hierbij|Hierin|Daarnaast|Het gaat om|Ook)\b"
)
# A sentence that points back at the one before it ("Dit is …", "Met € 6.600 ligt deze …").
REFERS_BACK = re.compile(
    r"^(\S+\s+){0,4}?(dit|dat|deze|die|daarvan|hiervan|waarvan|hierbij|hierin|daarin|daarbij|"
    r"zij|ze|het gaat om|het betreft|de aanpak|het team)\b",
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
_PERCENT = re.compile(r"\b(procent|percentage|percent)\b|%", re.IGNORECASE)
_PERCENT = re.compile(r"\d\s*%|\bprocent\b", re.IGNORECASE)
_QUANTITY = re.compile(
    r"(?<![\d/])(?!(?:19|20)\d\d(?!\d|[.,]\d))\d[\d.,]*|\b(twee|drie|vier|vijf|zes|zeven|acht|negen|"
    r"tien|elf|twaalf|twintig|honderd|duizend|miljoen|mln|helft|procent)\b",
    re.IGNORECASE,
)
# A count: not a year, a percentage or a duration ("vier jaar", "31 december").
_NOT_COUNTED = (
    r"(?!\s*%)(?!\s*(?:jaar|jarig|jarigen|maanden|maand|weken|week|dagen|dag|uur|januari|"
    r"februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b)"
)
_COUNT = re.compile(
    r"(?<![\d/€,.])(?<!€ )(?!(?:19|20)\d\d(?!\d|[.,]\d))\d+(?:\.\d{3})*(?!\d|[.,]\d)"
    + _NOT_COUNTED
    + r"|\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|honderd)\b"
    + _NOT_COUNTED,
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


class SentenceRanker:
    """Scores the report's sentences for a question and picks the span(s) to quote.

    A sentence scores on the question's concepts it covers (with its heading and, when it
    refers back, the sentence before it), its dense similarity, the passage it sits in,
    and cues such as an asked-for amount or year.
    """

    def __init__(self, knowledge: Knowledge, lexicon: Vocabulary) -> None:
        self.knowledge = knowledge
        self.lexicon = lexicon
        self._sentence_terms = [set(lexicon.terms(s.text)) for s in knowledge.sentences]
        self._heading_terms = [
            set(lexicon.terms(s.section.rsplit(" > ", 1)[-1])) for s in knowledge.sentences
        ]
        self._idf = _idf(self._sentence_terms)
        self._max_idf = max(self._idf.values(), default=1.0)
        self._context_terms = [self._context_of(i) for i in range(len(knowledge.sentences))]
        self._passage_sentences = self._map_passages()
        self._documents = frozenset(p.metadata["document"] for p in knowledge.passages)
        self._vocabularies: dict[frozenset[str], Vocabulary] = {}

    def answerable(
        self,
        question: str,
        best: Candidate,
        language: Language,
        documents: Sequence[str] = (),
    ) -> bool:
        """Whether the best sentence can carry an answer at all.

        Dutch questions naming a thing the reports in scope never mention ("bushokjes",
        a wijk of another town) are not, unless the dense match is very close (a
        synonym). English words outside our small glossary are simply unknown, so there
        only the coverage of the words we do know counts.
        """
        if not supported(best):
            return False
        if language == "en":
            return True
        vocabulary = self.vocabulary_of(documents)
        return not vocabulary.unknown_words(question) or best.dense >= DENSE_RESCUE

    def vocabulary_of(self, documents: Sequence[str]) -> Vocabulary:
        """The vocabulary of some reports only (all of them when none are given)."""
        key = frozenset(documents) & self._documents
        if not key or key == self._documents:
            return self.lexicon
        if key not in self._vocabularies:
            texts = [
                p.page_content for p in self.knowledge.passages if p.metadata["document"] in key
            ]
            self._vocabularies[key] = Vocabulary(texts)
        return self._vocabularies[key]

    def rank(
        self,
        question: str,
        query_vector: np.ndarray,
        hits: Sequence[Hit],
        wants: re.Pattern[str] | None = None,
        context: str = "",
        language: Language = "nl",
        years: Sequence[int] = (),
        wants_names: bool = False,
    ) -> list[Candidate]:
        """Score the sentences inside the retrieved passages; `context` is a carried topic,
        `years` the years the question names, `wants_names` a who/where/which question."""
        # Words the report never uses are judged by `unknown_words`, not by coverage here.
        concepts = [
            (c, factor)
            for text, factor in ((question, 1.0), (context, W_CARRIED))
            for c in self.lexicon.concepts(text, correct=language == "nl", expand_known=True)
            if self.lexicon.is_known(c)
        ]
        weight = sum(factor * self._query_weight(c) for c, factor in concepts) or 1.0
        top = max((h.score for h in hits), default=1.0) or 1.0
        # A year the question names (other than the report's own) must be matched.
        named_years = [str(y) for y in years if y not in self.knowledge.report_years]
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
                    + (W_YEAR if any(y in text for y in named_years) else 0.0)
                    + (W_ANSWER_TYPE if wants_names and _names_new(text, question) else 0.0)
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

    def concept_weight(self, concept: dict[str, float]) -> float:
        """How much a concept says, from 0 (in every sentence) to 1 (the rarest word)."""
        return self._query_weight(concept) / self._max_idf if self._max_idf else 1.0

    def _query_weight(self, concept: dict[str, float]) -> float:
        """A concept's share of the question: the idf of the word itself.

        A word the report never uses weighs as the rarest word, so a question about
        something absent ("fietsendiefstallen") cannot be covered by a part of it.
        """
        whole = max(concept, key=lambda t: concept[t]) if concept else ""
        known = [self._idf[t] for t, w in concept.items() if t in self._idf and w >= HEAD_PART]
        return self._idf.get(whole) or max(known, default=self._max_idf)

    def units(
        self,
        candidates: list[Candidate],
        wants: re.Pattern[str] | None,
        years: Sequence[str] = (),
    ) -> list[tuple[int, int, SentenceUnit]]:
        """Spans to quote: the best sentence and maybe a second, each with the sentence
        before it when it leans on that one ("Dit is …") or when that one names the asked
        year the sentence itself leaves out ("Koningsdag <jaar> verliep rustig.
        Er zijn 16 aanhoudingen …"); touching spans are merged."""
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
            if years and not any(y in unit.text for y in years):
                leans = leans or (prev is not None and any(y in prev.text for y in years))
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
            if (close or gives) and on_topic and supported(other):
                return other.index
        return None

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


def wanted_amount(part: Part) -> re.Pattern[str] | None:
    """What a quoted answer must contain when the part asks for an amount.

    Money for cost questions, a percentage for "welk percentage", a count (not a
    percentage) for "hoeveel …", any quantity for other amount questions; nothing for
    "waarom …", "wie …" or a question that names an amount word without asking one.
    """
    if part.asks != "amount":
        return None
    if part.amount == "percent":
        return _PERCENT
    if part.amount == "money":
        return _MONEY
    if part.amount == "count" and part.operation not in ("share", "change"):
        return _COUNT
    return _QUANTITY


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zà-ÿ]+(?:[- ][A-Z][a-zà-ÿ]+)*")


def _names_new(text: str, question: str) -> bool:
    """True when a sentence names something (a capitalised name, an enumeration with
    "zoals") that the question does not already name."""
    asked = question.lower()
    names = [n for n in _NAME.findall(text) if n.lower() not in asked]
    return bool(names) or bool(re.search(r"\bzoals\b", text))


def _refers_back(text: str) -> bool:
    """True when a sentence opens by pointing at the one before it."""
    return bool(REFERS_BACK.match(text))


def _has_quantity(text: str) -> bool:
    """True when a sentence states an amount (a year alone is not an amount)."""
    return bool(_QUANTITY.search(text))


def supported(candidate: Candidate) -> bool:
    support = candidate.lexical + DENSE_WEIGHT * (candidate.dense - DENSE_CENTRE)
    return candidate.lexical > 0 and support >= MIN_SUPPORT


def _idf(term_sets: Sequence[set[str]]) -> dict[str, float]:
    n = len(term_sets)
    df: dict[str, int] = {}
    for terms in term_sets:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    return {t: float(np.log(1 + n / d)) for t, d in df.items()}
