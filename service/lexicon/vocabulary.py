"""The vocabulary of the indexed reports: compounds, typos and concepts, judged against it.

Lexical matching is where a Dutch report differs from an English one: "gemeente" must
not stem to "meen" (PyStemmer's `dutch_porter` keeps it apart), "casuïstiek" and
"casuistiek" are one word, "winkeldiefstallen" holds "diefstallen", and a citizen's
"handhavng" means "handhaving". Everyday words ("online criminaliteit") stand for the
report's own ("digitale criminaliteit") through the lexicon's synonyms. Everything here is
deterministic.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

from service.core.text import fold, stem, words
from service.lexicon import lexicon

_YEAR = re.compile(r"(19|20)\d\d")
MIN_COMPOUND_PART = 4
HEAD_PART = 0.8
UNKNOWN_MODIFIER_HEAD = 0.5  # "autodiefstallen" is only partly "winkeldiefstallen"
MODIFIER_PART = 0.3
SYNONYM = 0.9  # a synonym counts almost as the word itself
# Heads that add no topic of their own: "ondermijningszaken" is about "ondermijning".
GENERIC_HEADS = tuple(sorted(lexicon().function_words["generic_heads"]))


def is_stopword(word: str) -> bool:
    """True for function words of Dutch or English."""
    return lexicon().is_function_word(word)


def rewrite_phrases(text: str) -> str:
    """Everyday phrases followed by the report's own words, for search:
    "aangiften van online criminaliteit" ->
    "aangiften van online criminaliteit (digitale criminaliteit)"."""
    folded = fold(text)
    out, last = [], 0
    for match in lexicon().synonyms.find(folded):
        out.append(text[last : match.end])
        out.append(" (" + " ".join(match.value.split("|")) + ")")
        last = match.end
    out.append(text[last:])
    return "".join(out)


_NOT_A_NOUN = re.compile(
    # adjectives: buitenlandse, verstandig, duidelijke, praktische, haalbare
    r"(?:[^aeiou]se|ige?|lijke?|ische?|bare?)$|"
    # past participles: afgehandeld, beeindigd, uitgewisseld, gecontroleerd
    r"^(?:(?:af|aan|op|uit|in|mee|toe|door|over|terug)?ge|be|ver|ont|her)\w+[dt]$|"
    # verb forms of a stem in -d: inhoudt, wordt, vindt (no Dutch noun ends in -dt)
    r"dt$"
)


def could_be_noun(word: str) -> bool:
    """A rough guess without a tagger: short particles, adjectives and participles are not.

    Used to judge unknown words: a noun the report never uses ("bushokjes") means the
    question is about something else; an unknown verb form or adjective does not.
    """
    return len(word) > 2 and not _NOT_A_NOUN.search(word)  # "wmo", "boa": short nouns too


class Vocabulary:
    """The vocabulary of the indexed text: splits compounds and corrects typos against it."""

    def __init__(self, texts: Iterable[str]) -> None:
        tokenized = [words(t) for t in texts]
        self.vocabulary: frozenset[str] = frozenset(w for ws in tokenized for w in ws)
        # Everyday phrases of more than one word that the reports use as they are.
        joined = " " + " | ".join(" ".join(ws) for ws in tokenized) + " "
        self.phrases_used = frozenset(
            p for p in lexicon().synonyms.values if " " in p and f" {p} " in joined
        )
        self._parts = sorted(
            (w for w in self.vocabulary if len(w) >= MIN_COMPOUND_PART and w.isalpha()),
            key=len,
            reverse=True,
        )
        self._stems = frozenset(
            t for w in self.vocabulary for t in self._word_terms(w, query=False)
        )
        self._by_first: dict[str, list[str]] = {}
        for w in self.vocabulary:
            if w.isalpha() and len(w) >= MIN_COMPOUND_PART:
                self._by_first.setdefault(w[0], []).append(w)

    @lru_cache(maxsize=20_000)  # noqa: B019  (one Lexicon per process; bounded)
    def compound_parts(self, word: str) -> tuple[tuple[str, float], ...]:
        """Known words inside a compound, with how much each stands for the whole.

        The head (last part) carries the meaning: "fietsendiefstallen" is a kind of
        "diefstallen" (0.8); the modifier only narrows it: they are no kind of "fietsen" (0.3).
        """
        if len(word) < 2 * MIN_COMPOUND_PART or not word.isalpha():
            return ()
        parts: dict[str, float] = {}
        for part in self._parts:
            if part == word or len(part) > len(word) - MIN_COMPOUND_PART + 1:
                continue
            if word.endswith(part) and len(part) >= MIN_COMPOUND_PART + 1:
                modifier = word[: -len(part)]
                known = {modifier, modifier[:-1]} & self.vocabulary
                # "verkeers|ongevallen" is no split: the modifier must be a word too.
                if not known and len(modifier) < 3:
                    continue
                parts[part] = HEAD_PART if known else UNKNOWN_MODIFIER_HEAD
                # "geluidsoverlastzaken" is about geluidsoverlast: a generic head says little.
                modifier_weight = HEAD_PART if part in GENERIC_HEADS else MODIFIER_PART
                for m in known:
                    if len(m) >= MIN_COMPOUND_PART - 1:
                        parts.setdefault(m, modifier_weight)
                break
        for part in self._parts:
            if part != word and word.startswith(part) and len(word) - len(part) >= 3:
                parts.setdefault(part, MODIFIER_PART)
                break
        return tuple(parts.items())

    @lru_cache(maxsize=20_000)  # noqa: B019
    def compounds_with(self, word: str) -> tuple[str, ...]:
        """Vocabulary compounds holding an unknown word: "diefstallen" -> "winkeldiefstallen"."""
        if word in self.vocabulary or len(word) < MIN_COMPOUND_PART + 1 or not word.isalpha():
            return ()
        return tuple(
            sorted(
                w
                for w in self._parts
                if (w.endswith(word) or w.startswith(word)) and len(w) > len(word) + 2
            )
        )

    @lru_cache(maxsize=20_000)  # noqa: B019
    def correct(self, word: str) -> str:
        """The vocabulary word a typo most likely means, or the word itself."""
        if word in self.vocabulary or len(word) < 5 or not word.isalpha():
            return word
        candidates = self._by_first.get(word[0], [])
        match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.84)
        return match[0] if match else word

    def is_known(self, concept: dict[str, float]) -> bool:
        """True when a concept (or a compound it lives in) occurs in the indexed text.

        A head found only by splitting at an unknown modifier ("verkeers|ongevallen")
        does not count: that split is a guess.
        """
        return any(t in self._stems and w != UNKNOWN_MODIFIER_HEAD for t, w in concept.items())

    def unknown_words(self, text: str) -> list[str]:
        """Content words of a Dutch question that the report never uses, not even inside
        a compound: "bushokjes", "Palenstein", "drugsdelicten" (the report has "drugs", but
        no "delicten"). A word that lives inside a report compound ("alcohol" in
        "Alcoholwet") is known; typos are corrected first."""
        unknown = []
        explained = {
            w
            for phrase, tokens in self._phrases(text)
            if phrase and any(stem(t) in self._stems for t in lexicon().synonyms_of(phrase))
            for w in tokens
        }
        for word in words(text):
            if is_stopword(word) or _YEAR.fullmatch(word) or not word.isalpha():
                continue
            if word in explained:
                continue
            word = self.correct(word)
            if word in self.vocabulary or stem(word) in self._stems or self.compounds_with(word):
                continue
            if self.verb_forms(word):
                continue
            if word.startswith("ge") and stem(word[2:]) in self._stems:
                continue
            if not could_be_noun(word):
                continue
            heads = [p for p, w in self.compound_parts(word) if w == HEAD_PART]
            generic = next((h for h in GENERIC_HEADS if word.endswith(h)), None)
            modifier = word[: -len(generic)].rstrip("s") if generic else ""
            if not heads and not (modifier and stem(modifier) in self._stems):
                unknown.append(word)
        return unknown

    def concepts(
        self, text: str, *, correct: bool = True, expand_known: bool = False
    ) -> list[dict[str, float]]:
        """A question's content words, each as the stems that may stand for it, weighted.

        "zandzakken" is one concept that "zandzak" (1.0), "zak" (0.8) or "zand" (0.3) can
        satisfy, so a compound does not weigh three times as much as a simple word. An
        everyday phrase is one concept its report words satisfy too ("online criminaliteit":
        digitale criminaliteit). Years are left out: nearly every sentence of a report names one.
        """
        spans = self.concept_spans(text, correct=correct, expand_known=expand_known)
        return [concept for _, concept in spans]

    def concept_spans(
        self, text: str, *, correct: bool = True, expand_known: bool = True
    ) -> list[tuple[str, dict[str, float]]]:
        """`concepts`, each with the (folded) words of the question it stands for.

        With `expand_known` off, a word the reports use themselves is not expanded with
        its synonyms (the text route then matches the report's own wording first).
        """
        out: list[tuple[str, dict[str, float]]] = []
        joined = self.narrowed(text)  # "wmo-voorzieningen": a kind of its own, not a typo
        for phrase, tokens in self._phrases(text, expand_known):
            targets = lexicon().synonyms_of(phrase) if phrase else ()
            if targets:
                concept: dict[str, float] = {}
                # One step further: an English word's Dutch word may have synonyms too.
                chained = [(t, SYNONYM) for t in targets] + [
                    (t2, SYNONYM * SYNONYM) for t in targets for t2 in lexicon().synonyms_of(t)
                ]
                for target, factor in chained:
                    for word in target.split():
                        for t, w in self._word_terms(word, query=True, correct=False).items():
                            concept[t] = max(concept.get(t, 0.0), w * factor)
                # A phrase the reports use as it is ("Hulp bij het huishouden", a row of a
                # table) also stands for its own words.
                literal = len(tokens) == 1 or phrase in self.phrases_used
                for token in tokens:
                    if is_stopword(token) or not literal:
                        continue
                    for t, w in self._word_terms(token, query=True, correct=correct).items():
                        concept[t] = max(concept.get(t, 0.0), w)
                out.append((phrase, concept))
                continue
            for word in tokens:
                if is_stopword(word) or _YEAR.fullmatch(word):
                    continue
                if correct and is_stopword(self.correct(word)):
                    continue  # "warren": a typo of a function word is one too
                fix = correct and word not in joined
                out.append((word, self._word_terms(word, query=True, correct=fix)))
        return out

    def _phrases(self, text: str, expand_known: bool = True) -> list[tuple[str, list[str]]]:
        """The text's tokens, with everyday phrases the lexicon knows kept together.

        The phrase itself keeps its full weight; its report words count almost as much.
        """
        folded = " ".join(words(text))
        for joined in self.narrowed(text):  # one unknown word, not a known one narrowed
            modifier_end = next(i for i in range(3, len(joined)) if joined[i:] in folded)
            folded = folded.replace(f"{joined[:modifier_end]} {joined[modifier_end:]}", joined)
        pieces: list[tuple[str, list[str]]] = []
        last = 0
        for match in lexicon().phrases.find(folded):
            single = " " not in match.phrase
            if single and is_stopword(match.phrase):
                continue  # "people", "total": function words stay function words
            if not expand_known and single and match.phrase in self.vocabulary:
                continue
            before = folded[last : match.start].split()
            pieces.extend(("", [w]) for w in before)
            pieces.append((match.phrase, match.phrase.split()))
            last = match.end
        pieces.extend(("", [w]) for w in folded[last:].split())
        return pieces

    def is_verb_form(self, word: str) -> bool:
        """A finite verb the reports use in another form: "speelden" (the report has
        "speelde"), "daalt" ("dalen"). Such a word says little about the topic."""
        if self.verb_forms(word):
            return True
        if word.endswith(("den", "ten")) and word[:-1] in self.vocabulary:
            return True
        return word.endswith(("de", "te")) and f"{word}n" in self.vocabulary

    def narrowed(self, text: str) -> set[str]:
        """Hyphenated words that name another kind of a report's thing: "auto-diefstallen"
        next to the report's "winkeldiefstallen" (joined: "autodiefstallen")."""
        out = set()
        for modifier, head in re.findall(r"\b([a-z]{3,})-([a-z]{4,})\b", fold(text)):
            if modifier in self.vocabulary:
                continue  # "Wmo-voorzieningen": the report's own word before its thing
            wholes = self.compounds_with(head) if head not in self.vocabulary else ()
            if wholes and all(not w.startswith(modifier) for w in wholes):
                out.add(f"{modifier}{head}")
        return out

    def stems(self, text: str) -> set[str]:
        """The stems of a label's own words, without compound parts: "Bloemendaal" is one
        name, not "bloemen" plus "daal"."""
        return {stem(w) for w in words(text) if not is_stopword(w)}

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        """Index terms: stems of content words plus stems of their compound parts.

        For a query, English domain words are translated, everyday phrases add the
        report's words, and typos are corrected first.
        """
        if not query:
            return [
                t
                for word in words(text)
                if not is_stopword(word)
                for t in self._word_terms(word, False)
            ]
        return [t for concept in self.concepts(text) for t in concept]

    def verb_forms(self, word: str) -> tuple[str, ...]:
        """Infinitives a present-tense verb may stand for: "daalt" -> "dalen"."""
        if not (word.endswith("t") and len(word) > 4) or word in self.vocabulary:
            return ()
        root = word[:-1]
        undoubled = re.sub(r"([aeou])\1(?=[^aeiou]$)", r"\1", root)
        forms = {root + "en", undoubled + "en", root + "n"}
        return tuple(sorted(f for f in forms if stem(f) in self._stems))

    def _word_terms(self, word: str, query: bool, correct: bool = True) -> dict[str, float]:
        out: dict[str, float] = {}
        if query:
            if word not in self.vocabulary:
                word = lexicon().en_nl.get(word, word)
            for form in self.verb_forms(word):
                out[stem(form)] = 1.0
            wholes = self.compounds_with(word)
            out.update((stem(w), HEAD_PART if w.endswith(word) else MODIFIER_PART) for w in wholes)
            word = word if wholes or not correct else self.correct(word)
        out[stem(word)] = 1.0
        for part, weight in self.compound_parts(word):
            out.setdefault(stem(part), weight)
        if word.startswith("ge") and len(word) > 6:
            # Past participles: "gekregen" also matches "kregen", "gecontroleerd" "controleerd".
            out.setdefault(stem(word[2:]), 1.0)
        return out
