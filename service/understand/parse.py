"""Read a question (and the turns before it) into a `Frame`.

The steps, in order: language; wrappers off and whole-question refusals
(`register`); pieces (`parts`); each piece read into a `Part` (what it asks, which
operation, amount kind, years, content words, a claim); parts that lean on the one
before them carry its words, and a follow-up carries the previous turn's frame
(`followup`); the municipalities, programmes and years it names (`scope`). Every word
list comes from `service.lexicon`. Decisions are logged at DEBUG without the question's
text.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from service.core.numbers import extract_numbers
from service.core.text import YEAR, fold_aligned, words, years_in
from service.lexicon import PhraseMatch, lexicon
from service.understand import followup
from service.understand.calculation import plan_calculation
from service.understand.frame import (
    Amount,
    Asks,
    Claim,
    Comparison,
    Direction,
    Frame,
    Language,
    Operation,
    Part,
    PartKind,
    Register,
    Scope,
)
from service.understand.parts import split_parts
from service.understand.register import detect_language, read_register

log = logging.getLogger(__name__)

MAX_HISTORY_DEPTH = 3
KEYWORD_MAX_WORDS = 6
# Which operation wins when a part names several ("hoeveel meer … samen" is a difference).
_OPERATION_ORDER: tuple[Operation, ...] = (
    "target",
    "share",
    "remainder",
    "diff",
    "change",
    "average",
    "top",
    "max",
    "min",
    "sum",
    "list",
)
_AMOUNT_ORDER: tuple[Amount, ...] = ("percent", "money", "score", "count")
QUESTION_WORD_TYPO = 0.85  # "hoevel"/"hoeveel" 0.92; "waarop"/"waarom" 0.83 stays apart
# "meer dan 30", "hoger waren dan € 50.000", "onder de 4 miljoen": a bound to compare with.
# Comparatives take "dan"/"than" (a word or two may come between); bounds stand alone.
_COMPARATIVES: dict[str, Comparison] = {
    **dict.fromkeys(("meer", "hoger", "groter", "more", "higher", "greater"), ">"),
    **dict.fromkeys(("minder", "lager", "kleiner", "fewer", "less", "lower"), "<"),
}
_BOUNDS: dict[str, Comparison] = {
    **dict.fromkeys(("boven", "above"), ">"),
    **dict.fromkeys(("onder", "below"), "<"),
    **dict.fromkeys(("minstens", "ten minste", "at least"), ">="),
}
_THRESHOLD = re.compile(
    rf"\b(?:(?P<op>{'|'.join(_COMPARATIVES)})(?:\s+[^\W\d]+){{0,2}}?\s+(?:dan|than)"
    rf"|(?P<bound>{'|'.join(_BOUNDS)}))"
    r"\s+(?:de\s+|the\s+)?(?P<euro>€\s*|euro\s+)?(?P<n>\d+(?:[.,]\d+)*)\b"
)


def _bound(folded: str) -> tuple[Comparison, re.Match[str]] | None:
    """The comparison and the match of a bound in a question; a bare year is no bound."""
    for match in _THRESHOLD.finditer(folded):
        if not match.group("euro") and YEAR.fullmatch(match.group("n")):
            continue
        op = match.group("op")
        return (_COMPARATIVES[op] if op else _BOUNDS[match.group("bound")]), match
    return None


_PROGRAMME_CODE = re.compile(r"\bprogramm[ae]\s+(\d{1,2})\b")
_SINCE = re.compile(
    r"\b(sinds|vanaf|since|from)\s+(19|20)\d\d\b(?!\s*(tot|t/m|to|until|naar|and|en)\b)"
)
_NONE = re.compile(r"\b(geen|geen enkele|zonder|nul|no|none|zero)\b")
_POSITIVE = re.compile(r"\b(positief|positieve|positive)\b")
_NEGATIVE = re.compile(r"\b(negatief|negatieve|negative)\b")
_TOP = re.compile(
    r"\btop[\s-]*(?P<a>\d+)\b|(?:^|\b(?:welke|de|the|which)\s+)"
    r"(?P<b>\d+|twee|drie|vier|vijf|two|three|four|five)\s+"
    r"(?:\w+\s+){0,2}(?:met de|with the|hadden de|had de|kenden de|had the|have the)\s+"
    r"(?:meeste|hoogste|grootste|most|highest)\b"
)
_SMALL_NUMBERS = {"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "two": 2, "three": 3, "four": 4}
_CODE = re.compile(r"^\d+(?:\.\d+)+$")  # "5.3" names a goal; "17,4" is a figure
_ABBREVIATION = re.compile(r"\b[A-Z][A-Z0-9-]{1,7}\b")
_DEFINITION = re.compile(
    r"^\s*(?:wat|what)\s+(?:is|zijn|are|is een|betekent|means)\s+(?P<article>(?:een|a|an)\s+)?"
    r"(?P<subject>[^?]{2,40}?)\s*\??\s*$"
)
MAX_DEFINITION_WORDS = 3
_RELATION = re.compile(r"\b(van|voor|bij|in|met|over|op|aan|of|for|in|with|about)\b")


@dataclass(frozen=True)
class CorpusFacts:
    """What the reader needs to know of the corpus: the names that scope a question."""

    municipalities: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


def understand(
    question: str,
    history: Sequence[str] = (),
    corpus: CorpusFacts = CorpusFacts(),
) -> Frame:
    """A question and the user's earlier questions (oldest first), read into a frame."""
    previous = None
    if history:
        previous = understand(history[-1], history[:-1][-MAX_HISTORY_DEPTH:], corpus)
    frame = _read(question, corpus)
    if previous is not None and frame.refusal is None and followup.is_follow_up(question):
        frame = followup.carry_frame(frame, previous)
    log.debug("question understood", extra={"frame": frame.to_dict()})
    return frame


@lru_cache(maxsize=1)
def _long_question_words() -> tuple[str, ...]:
    return tuple(w for w in lexicon().question_words.values if w.isalpha() and len(w) >= 6)


def spell_question_words(question: str) -> str:
    """A question with a typo in a long question word mended ("hoevel" → "hoeveel",
    "wanner" → "wanneer"): the question word decides what kind of answer is given, and
    no report vocabulary corrects it. Only words of six letters or more, one letter off."""
    targets = _long_question_words()

    def mend(match: re.Match[str]) -> str:
        written = match.group(0)
        folded = written.lower()
        if len(folded) < 5 or folded in lexicon().question_words.values:
            return written
        near = [t for t in targets if t[0] == folded[0]]
        close = difflib.get_close_matches(folded, near, n=1, cutoff=QUESTION_WORD_TYPO)
        if not close:
            return written
        return close[0].capitalize() if written[0].isupper() else close[0]

    return re.sub(r"[^\W\d_]+", mend, question)


def _read(question: str, corpus: CorpusFacts) -> Frame:
    language = detect_language(question)
    reading = read_register(spell_question_words(question))
    scope = read_scope(question, corpus)
    pieces = split_parts(reading.core)
    context: Part | None = None
    if reading.context and len(pieces) > 1:
        context = read_part(pieces[0][0], language=language)
        pieces = pieces[1:]
    parts: list[Part] = []
    for i, (text, kinds) in enumerate(pieces):
        claim = "claim" in kinds or (reading.claim and i == 0)
        part = read_part(text, claim=claim, overview=reading.overview, language=language)
        before = parts[-1] if parts else context
        if before is not None and (context is before or followup.leans_on(part)):
            part = followup.carry(part, before, same_question=True)
        parts.append(part)
    register: Register = (
        "formal"
        if reading.formal or reading.claim
        else "keywords"
        if all(p.asks == "keywords" for p in parts)
        else "informal"
    )
    parts = [_without_scope(p, scope) for p in parts]
    return Frame(
        question=question,
        core=reading.core,
        language=language,
        register=register,
        parts=tuple(parts),
        scope=scope,
        refusal=reading.refusal,
    )


def _without_scope(part: Part, scope: Scope) -> Part:
    """A part that names the municipality it is about: for searching the text, that name
    chooses the report, it is not the topic ("cameras in Gouda"). Tables still see
    it: a table may be about the city as a whole."""
    if not scope.municipalities:
        return part
    query = part.asked
    for name in scope.municipalities:
        query = re.sub(
            rf"\b(?:in |van |bij |of |in the )?{re.escape(name)}\b", " ", query, flags=re.I
        )
    return replace(part, query=" ".join(query.split()))


def read_part(
    text: str, *, claim: bool = False, overview: bool = False, language: Language = "nl"
) -> Part:
    """One piece of a question, read on its own."""
    folded = fold_aligned(text)
    tokens = words(text)
    question_word = lexicon().question_words.first(folded)
    asks = _asks(tokens, question_word, claim)
    operations = lexicon().operations.find(folded)
    operation = _operation(operations, overview, folded)
    if operation == "sum" and asks not in ("amount", "keywords", "what"):
        operation = "value"  # "werkt samen met": a verb particle, not a sum
    if asks == "how" and operation in ("change", "diff"):
        asks = "amount"  # "hoe veranderde het aantal …": the figures and their change
    amount = _amount(folded)
    selection = _threshold(folded, asks)
    threshold = selection[0] if selection else None
    if threshold is not None and asks == "which" and operation in ("value", "list"):
        operation = "filter"
    top_n = _top_n(folded)
    if top_n is not None:
        operation = "top"
    relative = lexicon().relative_years.find(folded)
    offsets = tuple(int(m.value) for m in relative)
    if operation in ("diff", "change") and len(offsets) == 1 and offsets[0] and not _years(text):
        offsets = tuple(sorted((offsets[0], 0)))  # "dan een jaar eerder": that year and this
    used = [m for m in (question_word, *operations, *relative) if m is not None]
    if selection is not None and operation == "filter":
        used.append(selection[1])
    terms = content_terms(text, used)
    group = _group(folded, question_word) if asks == "which" else None
    kind = _kind(text, asks, operation, amount, claim, group)
    return Part(
        text=text,
        asked=text,
        asks=asks,
        kind=kind,
        operation=operation,
        amount=amount,
        years=_years(text),
        period=tuple(y for m in _PERIOD.finditer(text) for y in years_in(m.group())),
        relative_years=offsets,
        terms=terms,
        refers_back=followup.points_back(tokens),
        claim=_claim(text) if claim else None,
        threshold=threshold,
        top_n=top_n,
        group=group,
        since=bool(_SINCE.search(folded)),
        calculation=plan_calculation(text, language) if kind in ("calculation", "figure") else None,
    )


_PERIOD = re.compile(r"\b(?:19|20)\d\d\s*[-/–]\s*(?:19|20)\d\d\b")


def _years(text: str) -> tuple[int, ...]:
    """The years a part names; a period ("schooljaar <jaar>-<jaar+1>", "<jaar>/<jaar+1>")
    is one span of time, not two years to compare."""
    return tuple(years_in(_PERIOD.sub(" ", text)))


def content_terms(text: str, used: Sequence[PhraseMatch] = ()) -> tuple[str, ...]:
    """The folded content words of a text: no function words, question or operation words,
    years, or plain counts (codes such as "5.3" stay)."""
    folded = fold_aligned(text)
    blanked = list(folded)
    for match in used:
        blanked[match.start : match.end] = " " * (match.end - match.start)
    out: list[str] = []
    previous = ""
    for word in words("".join(blanked)):
        after_label = previous.isalpha() and not lexicon().is_function_word(previous)
        previous = word
        if lexicon().is_function_word(word) or YEAR.fullmatch(word):
            continue
        # A number right after a noun names something ("programma 5"); else it is a count.
        if word[0].isdigit() and not _CODE.match(word) and not after_label:
            continue
        if word not in out:
            out.append(word)
    return tuple(out)


def _asks(tokens: list[str], question_word: PhraseMatch | None, claim: bool) -> Asks:
    verbs = lexicon().followup["verbs"]
    if claim:
        return "yesno"
    if question_word is not None:
        first_verb = bool(tokens) and tokens[0] in verbs
        late = question_word.start > 0 and first_verb
        if not late:
            return question_word.value  # type: ignore[return-value]
    if tokens and tokens[0] in verbs:
        return "yesno"
    return "keywords"


# "onder het begrote aantal", "boven de norm": a difference with the budget.
_AGAINST_BUDGET = re.compile(
    r"\b(onder|boven|below|above|under|over)\s+(de|het|the)?\s*(begrote?|begroting|begroot|"
    r"streefwaarde|streefcijfer|doel|norm|budget|target|plan)"
)
_TARGET_NOUN = re.compile(
    r"\b(doel|doelen|doelstelling|streefwaarde|streefcijfer|norm|target|goal)\b"
)
_TARGET_VERB = re.compile(
    r"\b(gehaald|behaald|bereikt|gerealiseerd|voldaan|met|achieved|reached)\b"
)


def _group(folded: str, question_word: PhraseMatch | None) -> str | None:
    """The noun right after "welke"/"which": the kind of thing the answer names ("wijk")."""
    if question_word is None:
        return None
    for word in words(folded[question_word.end :])[:3]:
        if word in _SMALL_NUMBERS or word.isdigit():
            continue  # "welke drie wijken": the kind is "wijken"
        if not lexicon().is_function_word(word) and word.isalpha():
            return word
    return None


def _operation(matches: Sequence[PhraseMatch], overview: bool, folded: str = "") -> Operation:
    found = {m.value for m in matches}
    if _TARGET_NOUN.search(folded) and _TARGET_VERB.search(folded):
        found.add("target")
    if _AGAINST_BUDGET.search(folded):
        found.add("diff")
    for operation in _OPERATION_ORDER:
        if operation in found:
            return operation
    return "list" if overview else "value"


def _amount(folded: str) -> Amount | None:
    found = lexicon().amount_kinds(folded)
    return next((a for a in _AMOUNT_ORDER if a in found), None)


def _threshold(folded: str, asks: Asks) -> tuple[tuple[Comparison, Decimal], PhraseMatch] | None:
    """The selection of a "which …" question: "meer dan 30" -> (">", 30), "geen" -> ("=", 0),
    with the words that said so."""
    bound = _bound(folded)
    if bound:
        comparison, match = bound
        value = Decimal(match.group("n").replace(".", "").replace(",", "."))
        found = PhraseMatch(match.group(), "", match.start(), match.end())
        return (comparison, value), found
    if asks != "which":
        return None
    for pattern, comparison in ((_NONE, "="), (_POSITIVE, ">"), (_NEGATIVE, "<")):
        sign = pattern.search(folded)
        if sign:
            found = PhraseMatch(sign.group(), "", sign.start(), sign.end())
            return (comparison, Decimal(0)), found  # type: ignore[return-value]
    return None


def _top_n(folded: str) -> int | None:
    match = _TOP.search(folded)
    if not match:
        return None
    raw = match.group("a") or match.group("b")
    return int(raw) if raw.isdigit() else _SMALL_NUMBERS.get(raw)


def _kind(
    text: str,
    asks: Asks,
    operation: Operation,
    amount: Amount | None,
    claim: bool,
    group: str | None,
) -> PartKind:
    if claim:
        return "claim"
    if asks == "definition" or (asks == "what" and is_definition(text, amount, operation)):
        return "definition"
    if asks == "why":
        return "reason"
    if (
        group is not None
        and operation == "value"
        and lexicon().amounts.values.get(group) in ("money", "count")
    ):
        return "fact"  # "welke kosten …": which kinds, not how much
    if operation in ("sum", "diff", "change", "share", "average", "remainder"):
        return "calculation"
    if amount is not None or operation != "value" or asks in ("amount", "keywords"):
        return "figure"
    return "fact"


def is_definition(text: str, amount: Amount | None, operation: Operation) -> bool:
    """ "Wat is IPTA?", "Wat is de PGA Jeugd?": a short subject with nothing else asked."""
    if amount is not None or operation != "value":
        return False
    match = _DEFINITION.match(fold_aligned(text))
    if not match:
        return False
    subject = text[match.start("subject") : match.end("subject")]
    if _RELATION.search(fold_aligned(subject)):
        return False  # "het kerndoel van IPTA" asks about IPTA, not what IPTA is
    if re.match(r"(?:de|het|the)\s", subject, re.I) and not _ABBREVIATION.search(subject):
        return False  # "wat is het saldo": a figure of the report, not a word to explain
    return len(words(subject)) <= MAX_DEFINITION_WORDS and (
        bool(_ABBREVIATION.search(subject)) or len(words(subject)) == 1
    )


def definition_subject(text: str) -> str:
    """What a definition question asks about: "Wat betekent HIC?" -> "HIC"."""
    folded = fold_aligned(text)
    match = _DEFINITION.match(folded)
    if match:
        return text[match.start("subject") : match.end("subject")].strip()
    question_word = lexicon().question_words.first(folded)
    rest = text[question_word.end :] if question_word else text
    rest = re.sub(r"^\s*(?:de|het|een|the|a|an)\s+", "", rest.strip(" ?"), flags=re.I)
    rest = re.sub(r"\s+(?:in|voor|mean|stand for|betekenen|inhouden)\s*$", "", rest, flags=re.I)
    return re.sub(r"^(?:eigenlijk|precies)\s+", "", rest).strip(" ?")


_FIGURE = re.compile(
    r"(?:€\s*)?(?<![\w.,])\d+(?:[.,]\d+)*(?:\s*(?:%|procent|percent|mln\.?|miljoen|million|"
    r"euro|keer|x))?(?![\w])",
    re.IGNORECASE,
)
_NOT_A_FIGURE = re.compile(
    r"\b(?:doelstelling|programma|tabel|hoofdstuk|goal|table)\s+\d+(?:\.\d+)*", re.IGNORECASE
)


def _claim(statement: str) -> Claim:
    """The figures and direction a claim states (years and codes are not figures), and the
    statement without its figures: what to look up to check it."""
    blanked = _NOT_A_FIGURE.sub(lambda m: "#" * len(m.group()), YEAR.sub("####", statement))
    figures: list[Decimal] = []
    tolerances: list[Decimal] = []
    topic = list(statement)
    for match in _FIGURE.finditer(blanked):
        written = statement[match.start() : match.end()]
        for value in extract_numbers(written):
            figures.append(value)
            tolerances.append(_tolerance(written))
        topic[match.start() : match.end()] = " " * (match.end() - match.start())
    comparison: Comparison | None = None
    bound = _bound(fold_aligned(statement))
    if bound is not None and len(figures) == 1:
        # "meer dan € 50.000": a bound to compare with, not a figure the report must state
        comparison, said = bound
        topic[said.start() : said.end()] = " " * (said.end() - said.start())
    directions = {m.value for m in lexicon().directions.find(fold_aligned(statement))}
    direction: Direction | None = None
    if len(directions) == 1:
        direction = "up" if "up" in directions else "down"
    cleaned = re.sub(r"\s+", " ", "".join(topic)).strip()
    return Claim(
        statement=statement,
        figures=tuple(figures),
        direction=direction,
        topic=cleaned,
        tolerances=tuple(tolerances),
        comparison=comparison,
    )


_SCALE = {"mln": 6, "miljoen": 6, "million": 6, "miljard": 9, "billion": 9, "duizend": 3}


def _tolerance(written: str) -> Decimal:
    """Half a unit of the last digit a figure is written with: "700" ± 0,5 (a count is
    exact), "17,4 miljoen" ± 50.000, "3.877" ± 0,5."""
    digits = re.search(r"\d+(?:[.,]\d+)*", written)
    decimals = 0
    if digits:
        body = digits.group()
        tail = re.search(r"[.,](\d+)$", body)
        if tail and not (tail.group(0)[0] == "." and len(tail.group(1)) == 3):
            decimals = len(tail.group(1))
    scale = next((e for w, e in _SCALE.items() if w in written.lower()), 0)
    return Decimal(1).scaleb(scale - decimals) / 2


def read_scope(question: str, corpus: CorpusFacts) -> Scope:
    """The municipalities, programmes and years a question names."""
    folded = fold_aligned(question)
    lower_case = question == question.lower()  # some type everything in lower case
    in_corpus = {m.lower(): m for m in corpus.municipalities}
    named: list[str] = []
    elsewhere: list[str] = []
    for match in lexicon().municipality_names().find(folded):
        original = question[match.start : match.end]
        name = match.value
        short_or_word = len(match.phrase) <= 4 or name in lexicon().everyday_words()
        called = folded[: match.start].endswith("gemeente ")  # "de gemeente huizen"
        if not original[:1].isupper() and not called and (short_or_word or not lower_case):
            continue  # "best", "buren", "duiven": a name only when written as one
        if name.lower() in in_corpus:
            named.append(in_corpus[name.lower()])
        elif name not in elsewhere:
            elsewhere.append(name)
    for municipality in corpus.municipalities:  # names the national list may spell otherwise
        if (
            re.search(rf"\b{re.escape(municipality.lower())}\b", folded)
            and municipality not in named
        ):
            named.append(municipality)
    programmes = tuple(
        p for p in corpus.programmes if re.search(rf"\b{re.escape(p.lower())}\b", folded)
    )
    codes = tuple(dict.fromkeys(_PROGRAMME_CODE.findall(folded)))
    return Scope(
        municipalities=tuple(dict.fromkeys(named)),
        elsewhere=tuple(e for e in elsewhere if e not in named),
        programmes=programmes,
        programme_codes=codes,
        years=tuple(dict.fromkeys(years_in(question))),
    )
