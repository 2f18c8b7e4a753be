"""Questions that need a small calculation over figures stated in the report's running text.

"Hoeveel meer schade aan afvalbakken dan aan containers?" has no sentence that answers
it, but two sentences that each hold one operand. `plan_calculation` reads the question
(rules, no model) into an operation and the phrases its operands refer to;
`answer_calculation` finds one amount per phrase, computes with `Decimal` and shows the
sum ("€ 28.122 − € 12.615 = € 15.507") next to the cited sentences. Whenever a step is
not sure, it returns None and the plain text route answers instead: a wrong calculation
is worse than a quote.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol

from service.conversation import detect_language
from service.answer.extract import REFERS_BACK
from service.answer.grounding import ungrounded_numbers
from service.knowledge import SentenceUnit
from service.lexical import EN_TO_NL, fold, is_stopword, stem
from service.render.messages import (
    CALCULATION,
    CALCULATION_MORE,
    CALCULATION_TEXT,
    IN_YEAR,
    OF_WHICH,
    PERCENT_POINTS,
    Language,
    say,
)
from service.core.numbers import format_euro, format_number, format_percent, parse_nl_number
from service.web.schemas import AskResponse, Citation

log = logging.getLogger(__name__)

Operation = Literal["difference", "sum", "share", "remainder", "change"]
Unit = Literal["euro", "count", "percent"]


class SentenceFinder(Protocol):
    """What the calculation needs from the assistant: sentence search and verbatim citing."""

    def find_sentences(self, query: str, k: int) -> list[tuple[SentenceUnit, float]]: ...

    def cite(self, number: int, unit: SentenceUnit) -> Citation: ...


@dataclass(frozen=True)
class CalculationPlan:
    """What to compute and which phrases of the question name the operands.

    `operands` are in the question's order, except: share is (part, whole), remainder is
    (whole, part), change is (the one phrase,) compared with `baseline_year` (None: the
    year before the report's year).
    """

    operation: Operation
    operands: tuple[str, ...]
    measure: tuple[str, ...] = ()  # what is counted or paid: "schade", "jongeren"
    context: tuple[str, ...] = ()  # other content words: "begeleid", "jaarwisseling"
    unit: Unit = "count"
    relative: bool = False  # a change asked "met hoeveel procent"
    baseline_year: int | None = None
    language: Language = "nl"
    labels: tuple[str, ...] = ()  # how the answer names the operands; the operands if empty


# --- reading the question -------------------------------------------------------------------

_PREPOSITIONS = frozenset(
    [
        "aan",
        "bij",
        "door",
        "van",
        "voor",
        "via",
        "in",
        "op",
        "met",
        "over",
        "uit",
        "naar",
        "tijdens",
        "onder",
        "binnen",
        "to",
        "at",
        "by",
        "of",
        "for",
        "on",
        "from",
        "with",
        "about",
        "during",
        "among",
        "within",
    ]
)
_ARTICLES = frozenset(["de", "het", "een", "the", "a", "an"])
_AUXILIARIES = frozenset(
    [
        "is",
        "zijn",
        "was",
        "waren",
        "werd",
        "werden",
        "wordt",
        "worden",
        "heeft",
        "hebben",
        "had",
        "hadden",
        "kreeg",
        "kregen",
        "bedroeg",
        "bedraagt",
        "kwam",
        "kwamen",
        "komt",
        "ging",
        "gingen",
        "gaat",
        "er",
        "lag",
        "lagen",
        "ligt",
        "are",
        "were",
        "has",
        "have",
        "did",
        "does",
        "do",
        "got",
        "there",
    ]
)
_FOLLOW_UP = frozenset(
    [
        "daarvan",
        "hiervan",
        "daarin",
        "hierin",
        "dat",
        "die",
        "deze",
        "dit",
        "that",
        "those",
        "these",
        "it",
        "them",
    ]
)
_NOT_OPERAND = re.compile(
    r"\b(hoe|wat|wie|waar|wanneer|waarom|welke?|how|what|who|where|why|which)\b"
)

_HOW_MUCH = re.compile(r"\b(hoeveel|how (?:much|many))\b")
_PREVIOUS = re.compile(
    r"^(?:in |bij |op |het |de |the |in the |voor |before |voorafgaand aan )*"
    r"(?P<prev>vorig jaar|het jaar (?:ervoor|daarvoor)|previous new year'?s eve|"
    r"vorige jaar|het vorige jaar|(?:de )?vorige (?:jaarwisseling|keer|editie)|een jaar eerder|"
    r"last year|the year before|the previous year|previous year|(?:19|20)\d\d)\b"
)
_DIFFERENCE = re.compile(
    r"\b(?:hoeveel|how (?:much|many))\s+(?:euro\s+|procent\s+|percent\s+)?"
    r"(?P<dir>meer|minder|hoger|lager|groter|kleiner|more|less|fewer|higher|lower|greater|bigger)"
    r"\s+(?P<a>.+?)\s+(?:dan|als|than)\s+(?P<b>.+)$"
)
_BETWEEN = re.compile(
    r"\b(?:verschil|difference)\s+(?:in\s+\w+\s+)?(?:tussen|between)\s+(?P<a>.+?)\s+(?:en|and)\s+(?P<b>.+)$"
)
_CHANGE = re.compile(
    r"\b(?:hoeveel|how (?:much|many))\s+(?:euro|procent|procentpunt(?:en)?|percent|"
    r"percentage ?points?|euros?)?\s*(?:is|zijn|was|waren|heeft|hebben|did|has|have|was|were)\s+"
    r"(?P<a>.+?)\s+(?P<cue>gestegen|gedaald|toegenomen|afgenomen|gegroeid|veranderd|hoger|lager|"
    r"rise|risen|rose|increase|increased|grow|grown|fall|fallen|fell|drop|dropped|"
    r"decrease|decreased|change|changed|go up|gone up|go down|gone down)\b"
    r"(?:.*?)\b(?:ten opzichte van|t\.?o\.?v\.?|vergeleken met|in vergelijking met|sinds|tegenover|"
    r"compared to|compared with|relative to|since|from|than|dan)\s+(?P<b>.+)$"
)
_SHARE = re.compile(
    r"\b(?:welk|welke|wat is het|wat was het|hoe groot (?:is|was) het|hoeveel|what|which)\s+"
    r"(?:deel|aandeel|gedeelte|percentage|procent|share|part|percentage|proportion|fraction|portion)"
    r"\s+(?:van|of)\s+(?P<whole>.+?)\s+(?P<verb>kwam|kwamen|komt|ging|gingen|gaat|was|waren|is|"
    r"betrof|betroffen|werd|werden|had|hadden|hield|bestond|viel|vielen|came|went|were|concerned|"
    r"involved|related|had|consisted)\s+(?P<part>.+)$"
)
_REMAINDER_NOTHING = re.compile(
    r"\b(?:hoeveel|how many)\s+(?P<whole>.+?)\s+(?:hadden|hebben|had|heeft|waren|zijn|was|is|"
    r"werden|have|has|were)\s+(?:er\s+)?(?:niets|niks|nothing)\s+(?:te maken\s+)?"
    r"(?P<part>(?:met|to do with)\s+.+?)(?:\s+te\s+maken)?$"
)
# "… werden opgelegd die niets met de aanpak X te maken hadden"
_REMAINDER_CLAUSE = re.compile(
    r"\b(?:hoeveel|how many)\s+(?P<whole>.+?)\s+(?:\w+\s+){0,3}?(?:die|dat|that|which)\s+"
    r"(?:er\s+)?(?:niets|niks|nothing)\s+(?P<part>(?:met|to do with)\s+.+?)"
    r"(?:\s+te\s+maken)?(?:\s+(?:hadden|hebben|had|heeft|have|has))?$"
)
_REMAINDER_NOT = re.compile(
    r"\b(?:hoeveel|how many)\s+(?P<whole>.+?)\s+(?:hadden|hebben|had|heeft|waren|zijn|was|is|"
    r"werden|worden|did|were|are|have|had)\s+(?:er\s+)?(?:nog\s+)?(?:niet|not)\s+(?P<part>.+)$"
)
_SUM_CUE = re.compile(
    r"\b(samen|in totaal|totaal|opgeteld|bij elkaar|bij elkaar opgeteld|gezamenlijk|"
    r"together|combined|in total|altogether|added up|in all)\b"
)
_SHARE_CUE = re.compile(
    r"\b(procent van|percentage|welk deel|aandeel|share|proportion|what part)\b"
)

# English words a calculation question uses, beyond the retrieval's EN_TO_NL table.
_EN_EXTRA = {
    "litter": "afval",
    "paving": "verharding",
    "pavement": "verharding",
    "roads": "verharding",
    "started": "gestart",
    "start": "gestart",
    "trajectories": "trajecten",
    "trajectory": "trajecten",
    "programmes": "trajecten",
    "guided": "begeleid",
    "supported": "begeleid",
    "coached": "begeleid",
    "entrepreneurs": "ondernemers",
    "conversations": "gesprekken",
    "talks": "gesprekken",
    "days": "dagen",
    "sandbags": "zandzakken",
    "bags": "zakken",
    "municipal": "gemeentelijke",
    "property": "eigendommen",
    "parking": "foutgeparkeerde",
    "illegal": "foutgeparkeerde",
    "share": "percentage",
}
_EURO = re.compile(
    r"€|\b(euro|euros|schade|kosten|kostte|bedrag|uitgegeven|damage|cost|costs|spent|money)\b"
)
_PERCENT_POINTS = re.compile(r"procentpunt|percentage ?points?|percentagepunt")
_RELATIVE = re.compile(
    r"\b(hoeveel procent|welk percentage|by what percentage|how many percent|what percentage)\b"
)


def plan_calculation(question: str) -> CalculationPlan | None:
    """The calculation a question asks for, or None when it asks for none (most questions)."""
    text = _clean(question)
    if len(_HOW_MUCH.findall(text)) > 1:
        return None  # two questions in one ("hoeveel ... en bij hoeveel ..."): no single sum
    language = detect_language(question)
    for parse in (_plan_share, _plan_remainder, _plan_change, _plan_difference, _plan_sum):
        plan = parse(text, language)
        if plan is not None:
            return plan if _valid(plan) else None
    return None


def _clean(question: str) -> str:
    text = fold(question)
    text = re.sub(r"[‘’'`\"“”]", "", text)
    text = re.sub(r"[?!;:]", " ", text)
    text = re.sub(r"\s*,\s*", " , ", text)
    text = re.sub(r"\.(?!\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _content(words: Sequence[str]) -> list[str]:
    return [
        w
        for w in words
        if w != ","
        and not is_stopword(w)
        and w not in _AUXILIARIES
        and not re.fullmatch(r"(19|20)\d\d|\d+", w)
    ]


def _phrase(words: Sequence[str]) -> str:
    """An operand phrase without leading prepositions/articles, years or a trailing clause."""
    out = [w for w in words if not re.fullmatch(r"(?:19|20)\d\d", w)]
    while out and (out[0] in _ARTICLES or out[0] in _PREPOSITIONS or out[0] == ","):
        out.pop(0)
    for i, w in enumerate(out):
        if w in _AUXILIARIES and i > 0:
            out = out[:i]
            break
    while out and (out[-1] in _ARTICLES or out[-1] in _PREPOSITIONS or out[-1] == ","):
        out.pop()
    return " ".join(out)


def _split_measure(segment: str) -> tuple[list[str], str, list[str]]:
    """ "schade was er aan afvalbakken" -> (["schade"], "afvalbakken", rest words)."""
    words = segment.split()
    for i, w in enumerate(words[1:], start=1):
        if w in _PREPOSITIONS:
            entity = _phrase(words[i:])
            rest = words[i + 1 + len(entity.split()) :]
            return _content(words[:i]), entity, rest
    entity = _phrase(words)
    rest = words[len(entity.split()) :]
    return [], entity, rest


def _plan_share(text: str, language: Language) -> CalculationPlan | None:
    m = _SHARE.search(text)
    if not m:
        return None
    whole = _phrase(m.group("whole").split())
    part_words = m.group("part").split()
    part = _phrase(part_words)
    if not whole or not part or whole.split()[0] in _FOLLOW_UP:
        return None
    return CalculationPlan(
        operation="share",
        operands=(part, whole),
        unit="euro" if _EURO.search(text) else "count",
        language=language,
    )


def _plan_remainder(text: str, language: Language) -> CalculationPlan | None:
    m = (
        _REMAINDER_NOTHING.search(text)
        or _REMAINDER_CLAUSE.search(text)
        or _REMAINDER_NOT.search(text)
    )
    if not m:
        return None
    whole = _phrase(m.group("whole").split())
    part = " ".join(w for w in m.group("part").split() if w != ",")
    if not whole or not part or len(whole.split()) > 4:
        return None
    return CalculationPlan(
        operation="remainder",
        operands=(whole, part),
        measure=tuple(_content(whole.split())),
        unit="euro" if _EURO.search(text) else "count",
        language=language,
    )


def _previous(segment: str) -> tuple[bool, int | None]:
    """Whether a "than ..." segment names an earlier period, and which year if it says so."""
    m = _PREVIOUS.match(segment.strip())
    if not m:
        return False, None
    prev = m.group("prev")
    return True, (int(prev) if prev.isdigit() else None)


def _change_plan(text: str, a: str, year: int | None, language: Language) -> CalculationPlan | None:
    measure, entity, rest = _split_measure(a)
    if not entity:
        return None
    unit: Unit = "euro" if _EURO.search(text) else "count"
    if _PERCENT_POINTS.search(text):
        unit = "percent"
    return CalculationPlan(
        operation="change",
        operands=(entity,),
        labels=(_phrase(a.split()),),
        measure=tuple(measure),
        context=tuple(_content(rest)),
        unit=unit,
        relative=unit != "percent" and bool(_RELATIVE.search(text)),
        baseline_year=year,
        language=language,
    )


def _plan_change(text: str, language: Language) -> CalculationPlan | None:
    m = _CHANGE.search(text)
    if not m:
        return None
    earlier, year = _previous(m.group("b"))
    if not earlier:
        return None
    return _change_plan(text, m.group("a"), year, language)


def _plan_difference(text: str, language: Language) -> CalculationPlan | None:
    m = _DIFFERENCE.search(text)
    if m:
        a, b = m.group("a"), m.group("b")
    else:
        m = _BETWEEN.search(text)
        if not m:
            return None
        a, b = m.group("a"), m.group("b")
    earlier, year = _previous(b)
    if earlier:
        return _change_plan(text, a, year, language)
    measure, entity_a, rest_a = _split_measure(a)
    b_words = b.split()
    entity_b = _phrase(b_words)
    rest_b = (
        b_words[len(entity_b.split()) + b_words.index(entity_b.split()[0]) :] if entity_b else []
    )
    measure_b, entity_b2, rest_b2 = _split_measure(b)
    if measure and measure_b == measure:
        # "de schade aan afvalbakken en de schade aan containers"
        entity_b, rest_b = entity_b2, rest_b2
    if not entity_a or not entity_b:
        return None
    # "meldingen kreeg handhaving dan de politie": the first content word is what is counted.
    a_content = _content(a.split())
    if not measure and len(a_content) > 1 and len(_content(entity_b.split())) == 1:
        measure, entity_a, rest_a = a_content[:1], " ".join(a_content[1:]), []
    # "woonoverlastcasussen dan ondermijningscasussen": the shared head is what is counted.
    head = _common_head(entity_a, entity_b)
    if head and not measure:
        measure = [head]
    context = _content(rest_a) + _content(rest_b)
    return CalculationPlan(
        operation="difference",
        operands=(entity_a, entity_b),
        measure=tuple(measure),
        context=tuple(context),
        unit="euro"
        if _EURO.search(text)
        else ("percent" if _PERCENT_POINTS.search(text) else "count"),
        language=language,
    )


def _common_head(a: str, b: str) -> str:
    """The shared end of two one-word compounds: "...casussen"/"...casussen" -> "casussen"."""
    if " " in a or " " in b:
        return ""
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return a[-n:] if n >= 4 and n < min(len(a), len(b)) - 2 else ""


def _plan_sum(text: str, language: Language) -> CalculationPlan | None:
    if not _SUM_CUE.search(text) or not _HOW_MUCH.search(text) or _SHARE_CUE.search(text):
        return None
    conj = r"(?:en|plus|\+)" if language == "nl" else r"(?:and|plus|\+)"
    words = text.split()
    joins = [i for i, w in enumerate(words) if re.fullmatch(conj, w)]
    if len(joins) != 1:
        return None
    j = joins[0]
    # The list starts after the last preposition before the conjunction.
    start = next((i for i in range(j - 1, -1, -1) if words[i] in _PREPOSITIONS), None)
    if start is None:
        return None
    cue_words = {
        "samen",
        "totaal",
        "opgeteld",
        "elkaar",
        "gezamenlijk",
        "together",
        "combined",
        "total",
        "altogether",
        "all",
    }
    end = j + 1
    while (
        end < len(words)
        and words[end] not in _AUXILIARIES
        and words[end] not in cue_words
        and words[end] not in _PREPOSITIONS
    ):
        end += 1
    items: list[str] = []
    current: list[str] = []
    for w in words[start + 1 : end]:
        if w == "," or w == words[j]:
            items.append(_phrase(current))
            current = []
        else:
            current.append(w)
    items.append(_phrase(current))
    if len(items) < 2 or any(
        not i or len(i.split()) > 4 or _NOT_OPERAND.search(i) or set(i.split()) & cue_words
        for i in items
    ):
        return None
    if any(i.split()[0] in _FOLLOW_UP for i in items):
        return None
    head = words[:start]
    how = next((i for i, w in enumerate(head) if w in ("hoeveel", "many", "much")), None)
    if how is None:
        return None
    # "hoeveel jongeren werden ... begeleid": counted before the verb, context after it.
    verb = next((i for i in range(how + 1, len(head)) if head[i] in _AUXILIARIES), len(head))
    measure = _content(head[how + 1 : verb])
    rest = _content([*head[verb:], *(w for w in words[end:] if w not in cue_words)])
    return CalculationPlan(
        operation="sum",
        operands=tuple(items),
        measure=tuple(measure),
        context=tuple(rest),
        unit="euro" if _EURO.search(text) else "count",
        language=language,
    )


def _valid(plan: CalculationPlan) -> bool:
    """Every operand names something; two operands are never the same phrase."""
    names = [_content(o.split()) for o in plan.operands]
    if any(not n for n in names):
        return False
    return len({" ".join(n) for n in names}) == len(names)


# --- finding the operands ---------------------------------------------------------------------

POOL = 40  # sentences per search: enough to hold a matching sentence's neighbours
TOP = 10  # of those, the ones considered as an operand's sentence
MIN_MATCH = 0.5  # an operand's words must be this well covered by its sentence
TIE = 0.05  # two different amounts this close: not sure, so no calculation
STRONG = 0.8  # a word match this good means the same word (stem, compound head, typo)

_TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*")
_AMOUNT = re.compile(r"(?<![\w.,/-])\d+(?:[.,]\d+)*(?![\w/]|-\d)")
_YEAR_MARK = re.compile(r"(?<![\d.,/])((?:19|20)\d\d)(?:\s*[/-]\s*(?:19|20)\d\d)?(?![\d])")
_NOT_A_FIGURE_AFTER = re.compile(
    r"^\s*(?:tot\s+\d+\s+)?(?:jaar|jarig|jarigen|januari|februari|maart|april|mei|juni|juli|"
    r"augustus|september|oktober|november|december|-)",
    re.IGNORECASE,
)
_NOT_A_FIGURE_BEFORE = re.compile(
    r"(?:doelstelling|tabel|hoofdstuk|artikel|top|peildatum)\s*$", re.I
)
_DELTA_BEFORE = re.compile(
    r"(?:toename|stijging|daling|afname|groei|verschil|verhoging|verlaging|gestegen|gedaald|"
    r"toegenomen|afgenomen)\s+(?:van|met)\s*(?:€\s*)?$",
    re.IGNORECASE,
)
_DELTA_AFTER = re.compile(r"^\s*(?:%\s*)?(?:meer|minder|extra)\b", re.IGNORECASE)
_BACK_REFERENCE = re.compile(r"\bvan\s+(?:die|de|deze|het totaal van)\s*$", re.IGNORECASE)
_SUBSET_BEFORE = re.compile(r"\b(?:overige|resterende|andere|waarvan|daarvan)\s+(?:er\s+)?$", re.I)
_SUBSET_AFTER = re.compile(r"^\s*(?:van\s+(?:die|de|deze)\b)", re.I)
_OF_THOSE = re.compile(r"^\s*van\s+(?:die|deze)\s+(\d[\d.,]*|[^\W\d_]+)", re.I)
_TOTAL = re.compile(r"\b(in totaal|totaal|totale|total)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    """One figure in a sentence, with what the words around it say about it."""

    value: Decimal
    text: str  # as printed: "€ 12.615", "66%", "54"
    start: int
    end: int
    euro: bool
    percent: bool
    year: str | None  # "2023", "2023/2024": the period the figure belongs to, when marked
    delta: bool  # "een toename van € 11.070", "35 meer": a change, not a level
    back_reference: bool  # "27 van die 41": the 41 repeats a total
    subset: bool  # "27 van die 41", "de overige 9": the figure is part of a larger one


@dataclass(frozen=True)
class Found:
    """An operand found in the report: its amount and the span to cite."""

    amount: Amount
    unit: SentenceUnit
    score: float


@dataclass
class _Operand:
    phrase: str
    words: list[str]  # Dutch content words (translated from English)
    role: Literal["item", "part", "whole"] = "item"
    distinctive: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)


def amounts(text: str) -> list[Amount]:
    """The figures of a sentence: no years, ages, dates or section numbers."""
    years = [(m.start(), m.end(), m.group(0).replace(" ", "")) for m in _YEAR_MARK.finditer(text)]
    found = []
    for m in _AMOUNT.finditer(text):
        raw = m.group(0)
        before, after = text[: m.start()], text[m.end() :]
        if re.fullmatch(r"(?:19|20)\d\d", raw) and not before.rstrip().endswith("€"):
            continue
        if _NOT_A_FIGURE_AFTER.match(after) or _NOT_A_FIGURE_BEFORE.search(before):
            continue
        value = parse_nl_number(raw)
        if value is None:
            continue
        euro = bool(re.search(r"€\s*$", before)) or bool(
            re.match(r"\s*(euro|mln|miljoen)\b", after)
        )
        percent = bool(re.match(r"\s*(%|procent\b)", after))
        scale = re.match(r"\s*(mln|miljoen)\b\.?", after)
        end = m.end() + (scale.end() if scale else 0)
        if scale:
            value *= Decimal(10) ** 6
        start = m.start() - (
            len(before) - len(before.rstrip()) + 1 if euro and before.rstrip().endswith("€") else 0
        )
        if percent:
            end = m.end() + re.match(r"\s*(%|procent)", after).end()  # type: ignore[union-attr]
        found.append(
            Amount(
                value=value,
                text=text[start:end],
                start=start,
                end=end,
                euro=euro,
                percent=percent,
                year=_year_of(text, m.start(), years),
                delta=bool(_DELTA_BEFORE.search(before) or _DELTA_AFTER.match(after)),
                back_reference=bool(_BACK_REFERENCE.search(before)),
                subset=bool(_SUBSET_BEFORE.search(before) or _SUBSET_AFTER.match(after)),
            )
        )
    return found


def _year_of(text: str, at: int, years: list[tuple[int, int, str]]) -> str | None:
    """The year marked just before a figure ("2023: € 2.305", "In 2023 was dat 46%")."""
    before = [y for y in years if y[1] <= at]
    if before:
        _, end, year = before[-1]
        # A closing bracket or a sentence end in between puts the year out of reach.
        if not re.search(r"\)|[.!?]\s+[A-Z]", text[end:at]):
            return year
    after = re.match(r"[^\s]*\s*\(?(?:in\s+)?((?:19|20)\d\d)\b", text[at:])
    if after and not re.match(r"\d", text[at + after.end() :][:1]):
        # "46 (2023)", "46 in 2023": only when the year follows straight after the figure.
        gap = text[at : at + after.start(1)]
        if len(_TOKEN.findall(gap)) <= 2:
            return after.group(1)
    return None


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(fold(m.group(0)), m.start()) for m in _TOKEN.finditer(text)]


def _same_word(query: str, word: str) -> bool:
    """One word in another form: inflection ("gebiedsverbod"/"-verboden") or a typo."""
    if query == word:
        return True
    if len(word) < 3 or len(query) < 3:
        return False
    q, w = stem(query), stem(word)
    if q == w:
        return True
    # A participle of a compound verb: "foutgeparkeerde" is "foutparkeren" done.
    q, w = (re.sub(r"(?<=\w{3})ge(?=\w{4})", "", x, count=1) if len(x) > 9 else x for x in (q, w))
    if (
        len(q) >= 5
        and len(w) >= 5
        and abs(len(q) - len(w)) <= 3
        and (q.startswith(w) or w.startswith(q))
    ):
        return True
    return (
        len(q) >= 6
        and abs(len(q) - len(w)) <= 2
        and difflib.SequenceMatcher(None, q, w).ratio() >= 0.8
    )


def _word_score(query: str, word: str) -> float:
    """How well a sentence word stands for a question word (stems, compounds, typos)."""
    if _same_word(query, word):
        return 1.0
    if len(word) < 3 or len(query) < 3:
        return 0.0
    # Compounds: "detentiejongeren" is a kind of "jongeren"; "handhavingsmeldingen" holds both
    # "handhaving" and "meldingen" (and is split into them when the report never joins them).
    if len(query) >= 4 and word.endswith(query):
        return 0.8
    if len(word) >= 4 and query.endswith(word):
        return 0.6 * len(word) / len(query) + 0.2
    if len(word) >= 5 and query.startswith(word):
        return 0.5 * len(word) / len(query) + 0.1
    return 0.0


def _match(query: str, words: Iterable[str]) -> float:
    return max((_word_score(query, w) for w in words), default=0.0)


def _coverage(
    query_words: Sequence[str], text_words: Sequence[str], heading: Sequence[str]
) -> float:
    """Mean over the query words of their best match (a heading word counts half)."""
    if not query_words:
        return 0.0
    total = 0.0
    for q in query_words:
        total += max(_match(q, text_words), 0.5 * _match(q, heading))
    return total / len(query_words)


def _translate(words: Sequence[str], language: Language) -> list[str]:
    out = []
    for w in words:
        for part in w.split("-"):
            if language == "en":
                part = _EN_EXTRA.get(part, EN_TO_NL.get(part, part))
            if part and not is_stopword(part) and part not in _AUXILIARIES:
                out.append(part)
    return out


def _heading(unit: SentenceUnit) -> list[str]:
    return [t for t, _ in _tokens(unit.section.rsplit(" > ", 1)[-1])]


def _merge(first: SentenceUnit, second: SentenceUnit) -> SentenceUnit:
    """One citable span of two neighbouring sentences (the second leans on the first)."""
    return SentenceUnit(
        first.document, first.section, f"{first.text} {second.text}", first.start, second.end
    )


def _neighbour_after(unit: SentenceUnit, pool: Sequence[SentenceUnit]) -> SentenceUnit | None:
    for other in pool:
        if (
            other.document == unit.document
            and other.section == unit.section
            and 0 <= other.start - unit.end <= 3
        ):
            return other
    return None


def _report_year(unit: SentenceUnit) -> int | None:
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", unit.document)]
    return max(years) if years else None


class _Resolver:
    """Finds each operand's sentence and amount for one plan."""

    def __init__(self, plan: CalculationPlan, finder: SentenceFinder) -> None:
        self.plan = plan
        self.finder = finder
        lang = plan.language
        self.measure = _translate(plan.measure, lang)
        self.context = [w for w in _translate(plan.context, lang) if w not in self.measure]
        self.operands = [_Operand(o, _translate(_content(o.split()), lang)) for o in plan.operands]
        if plan.operation == "share":
            self.operands[0].role, self.operands[1].role = "part", "whole"
        elif plan.operation == "remainder":
            self.operands[0].role, self.operands[1].role = "whole", "part"

    def prepare(self) -> bool:
        """Search once per operand and read its words against the found text.

        A compound the report never writes as one word is split into words it does write
        ("woonoverlastcasussen" -> "woonoverlast" + "casussen"); a word no found sentence
        knows at all ("litter") is dropped. An operand left without words cannot be found.
        """
        self.hits: list[list[tuple[SentenceUnit, float]]] = []
        for op in self.operands:
            query = " ".join(dict.fromkeys([*op.words, *self.measure, *self.context]))
            hits = self.finder.find_sentences(query, POOL)
            vocabulary = {t for u, _ in hits for t in [*_words(u.text), *_heading(u)]}
            op.words = [p for w in op.words for p in _split_compound(w, vocabulary)]
            op.words = [w for w in op.words if _match(w, vocabulary) >= STRONG]
            self.hits.append(hits)
            if not op.words:
                return False
        shared = (
            set.intersection(*(set(o.words) for o in self.operands))
            if len(self.operands) > 1
            else set()
        )
        for op in self.operands:
            # What tells this operand from the others: not the counted thing, not shared words.
            op.distinctive = [
                w for w in op.words if w not in shared and _match(w, self.measure) < STRONG
            ] or op.words
            op.others = [
                w for o in self.operands if o is not op for w in o.words if w not in op.words
            ]
            if op.role == "whole":
                # A whole names what its part is part of ("totale schade" / "afvalbakken"):
                # only the part's own words count against a sentence.
                op.others = [w for w in op.others if w not in self.measure]
        return True

    def find(self, i: int, taken: Sequence[Found]) -> Found | None:
        """The best sentence and figure for operand `i`, or None when not clearly one."""
        op, hits = self.operands[i], self.hits[i]
        pool = [u for u, _ in hits]
        top = max((s for _, s in hits), default=1.0) or 1.0
        candidates: list[tuple[SentenceUnit, float]] = []
        for unit, score in hits[:TOP]:
            candidates.append((unit, score / top))
            after = _neighbour_after(unit, pool)
            if after is not None and not self._usable(unit) and self._continues(unit, after):
                # "... aan verharding. Met € 6.600 ligt deze ...": the figure is in the next one.
                candidates.append((_merge(unit, after), score / top))
        return self._best(op, candidates, taken, year=None)

    def find_earlier(self, current: Found, year: str) -> Found | None:
        """The same operand's figure for an earlier year: in its own sentence, else in the
        next sentence that leans on it ("Dit is hoger dan vorig jaar (2023: € 2.305)")."""
        op = self.operands[0]
        pool = [u for hits in self.hits for u, _ in hits]
        query = " ".join([*op.words, *self.measure, year])
        pool += [u for u, _ in self.finder.find_sentences(query, POOL)]
        unit = current.unit
        steps = [unit]
        for _ in range(2):
            after = _neighbour_after(steps[-1], pool)
            if after is None or not REFERS_BACK.match(after.text):
                break
            steps.append(after)
        for step in steps:
            found = self._best(op, [(step, 1.0)], [current], year=year, topic=False)
            if found is not None:
                return found
        return None

    def _continues(self, unit: SentenceUnit, after: SentenceUnit) -> bool:
        """Whether the next sentence goes on about the same thing: it points back, or it
        names the counted thing too ("... vouchers ... zakken zand. ... 971 vouchers ...")."""
        if REFERS_BACK.match(after.text):
            return True
        if not self.measure:
            return False
        return _coverage(self.measure, _words(unit.text), []) >= STRONG and (
            _coverage(self.measure, _words(after.text), []) >= STRONG
        )

    def _usable(self, unit: SentenceUnit) -> bool:
        return any(self._kind_fits(a) for a in amounts(unit.text))

    def _kind_fits(self, a: Amount) -> bool:
        unit = self.plan.unit
        if a.delta:
            return False
        if unit == "euro":
            return a.euro
        if unit == "percent":
            return a.percent
        return not (a.euro or a.percent)

    def _best(
        self,
        op: _Operand,
        candidates: list[tuple[SentenceUnit, float]],
        taken: Sequence[Found],
        *,
        year: str | None,
        topic: bool = True,
    ) -> Found | None:
        found: list[Found] = []
        for unit, rank in candidates:
            tokens = _tokens(unit.text)
            words = [t for t, _ in tokens]
            heading = _heading(unit)
            own = _coverage(op.distinctive, words, heading) if topic else 1.0
            if own < MIN_MATCH:
                continue
            other = _coverage(op.others, words, heading) if op.others else 0.0
            context = _coverage(self.context, words, heading) if self.context else 0.0
            measure = _coverage(self.measure, words, heading) if self.measure else 0.0
            amount, amount_score = self._pick(op, unit, tokens, taken, year)
            if amount is None:
                continue
            score = own - 0.6 * other + 0.3 * (context + measure) + 0.2 * rank + amount_score
            if _TOTAL.search(unit.text):
                # "In totaal zijn 210 casussen ...": the headline figure of a topic.
                score += 0.2 if op.role == "whole" else 0.1 if op.role == "item" else 0.0
            log.debug("operand %r: %.3f %s in %r", op.phrase, score, amount.text, unit.text[:60])
            found.append(Found(amount, unit, score))
        if not found:
            return None
        found.sort(key=lambda f: -f.score)
        first = found[0]
        rival = next((f for f in found[1:] if f.amount.value != first.amount.value), None)
        if rival is not None and first.score - rival.score < TIE:
            log.info("calculation operand is ambiguous", extra={"operation": self.plan.operation})
            return None
        return first

    def _pick(
        self,
        op: _Operand,
        unit: SentenceUnit,
        tokens: list[tuple[str, int]],
        taken: Sequence[Found],
        year: str | None,
    ) -> tuple[Amount | None, float]:
        """The figure in a sentence that belongs to the operand, with how clearly it does."""
        report_year = _report_year(unit)
        used = {(t.unit.document, t.unit.start + t.amount.start) for t in taken}
        scored: list[tuple[float, Amount]] = []
        for a in amounts(unit.text):
            if not self._kind_fits(a) or (unit.document, unit.start + a.start) in used:
                continue
            if op.role == "whole" and any(a.value <= t.amount.value for t in taken):
                continue  # a whole is larger than its part
            if year is not None:
                if not (a.year and a.year.startswith(year)):
                    continue
            elif a.year and report_year and int(a.year[:4]) < report_year:
                continue  # an earlier year's figure is no operand of this year
            index = next((i for i, (_, at) in enumerate(tokens) if at >= a.start), len(tokens))
            after = []
            for t, _ in tokens[index + 1 : index + 6]:
                if t[0].isdigit():
                    break
                after.append(t)
            follows = max((_match(m, after) for m in self.measure), default=0.0)
            score = 0.6 if follows >= STRONG else 0.0
            score += 0.3 / (1 + _distance(tokens, index, op.words))
            if self.context:
                score += 0.15 / (1 + _distance(tokens, index, self.context))
            if a.back_reference and op.role != "whole":
                score -= 0.5
            if a.subset and op.role != "part":
                score -= 0.2
            scored.append((score, a))
        if not scored:
            return None, 0.0
        scored.sort(key=lambda s: -s[0])
        top_score, top = scored[0]
        if any(s > top_score - TIE and a.value != top.value for s, a in scored[1:]):
            return None, 0.0
        return top, top_score


def _distance(tokens: list[tuple[str, int]], index: int, words: Sequence[str]) -> int:
    """Tokens between a figure and the nearest word that stands for one of `words`."""
    hits = [
        abs(i - index)
        for i, (t, _) in enumerate(tokens)
        if any(_word_score(w, t) >= STRONG for w in words)
    ]
    return min(hits, default=20)


def _words(text: str) -> list[str]:
    return [t for t, _ in _tokens(text)]


def _split_compound(word: str, vocabulary: set[str]) -> list[str]:
    """A question compound as two report words when the report never joins them."""
    if len(word) < 8 or any(_same_word(word, v) or v.endswith(word) for v in vocabulary):
        return [word]
    for cut in range(len(word) - 4, 3, -1):
        head, tail = word[:cut], word[cut:]
        left = head[:-1] if head.endswith("s") and head[:-1] in vocabulary else head
        if (
            len(left) >= 4
            and any(_same_word(left, v) for v in vocabulary)
            and any(_same_word(tail, v) for v in vocabulary)
        ):
            return [left, tail]
    return [word]


# --- the answer ---------------------------------------------------------------------------------


def answer_calculation(
    question: str, plan: CalculationPlan, finder: SentenceFinder, language: Literal["nl", "en"]
) -> AskResponse | None:
    """A cited answer that shows its calculation, or None when an operand is not certain."""
    resolver = _Resolver(plan, finder)
    found = _resolve(resolver, question)
    if found is None:
        return None
    response = _compose(question, plan, found, finder, language)
    if response is None or ungrounded_numbers(response):
        return None
    return response


def _whole_fits(part: Found, whole: Found, question: str) -> bool:
    """A part stated as "27 van die 41" or "39 van die lopende casussen" belongs to that whole:
    the 41 itself, or a whole the question or the whole's sentence also calls "lopende"."""
    m = _OF_THOSE.match(part.unit.text[part.amount.end :])
    if not m:
        return True
    named = m.group(1)
    if named[0].isdigit():
        return parse_nl_number(named) == whole.amount.value
    known = set(_words(question)) | set(_words(whole.unit.text))
    return any(_same_word(named, w) for w in known)


def _resolve(resolver: _Resolver, question: str) -> list[Found] | None:
    plan = resolver.plan
    ops = resolver.operands
    if not resolver.prepare():
        return None
    if plan.operation == "change":
        current = resolver.find(0, [])
        if current is None:
            return None
        report_year = _report_year(current.unit)
        baseline = plan.baseline_year or (report_year - 1 if report_year else None)
        if baseline is None:
            return None
        earlier = resolver.find_earlier(current, str(baseline))
        return [current, earlier] if earlier is not None else None
    # The part first: a whole is then any larger figure of the same section.
    order = sorted(range(len(ops)), key=lambda i: ops[i].role == "whole")
    results: dict[int, Found] = {}
    for i in order:
        f = resolver.find(i, list(results.values()))
        if f is None:
            return None
        results[i] = f
    found = [results[i] for i in range(len(ops))]
    if plan.operation in ("share", "remainder"):
        part, whole = (found[0], found[1]) if plan.operation == "share" else (found[1], found[0])
        if whole.amount.value <= part.amount.value or whole.unit.section != part.unit.section:
            return None
        if not _whole_fits(part, whole, question):
            return None
    if len({(f.unit.start + f.amount.start) for f in found}) < len(found):
        return None
    return found


def _show(value: Decimal, unit: Unit) -> str:
    if unit == "euro":
        return format_euro(value)
    if unit == "percent":
        return f"{format_number(value)}%"
    return format_number(value)


def _original(question: str, phrase: str) -> str:
    """A phrase as the asker wrote it ("IPTA", not "ipta"), without figures."""
    words = re.findall(r"[\w’'-]+", question)
    folded = [_clean(w) for w in words]
    target = phrase.split()
    for i in range(len(words) - len(target) + 1):
        if folded[i : i + len(target)] == target:
            phrase = " ".join(words[i : i + len(target)])
            break
    return re.sub(r"\s+", " ", re.sub(r"\d", "", phrase)).strip()


def _label(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _compose(
    question: str,
    plan: CalculationPlan,
    found: list[Found],
    finder: SentenceFinder,
    language: Language,
) -> AskResponse | None:
    citations: list[Citation] = []
    marks: list[int] = []
    for f in found:
        same = next(
            (
                c
                for c in citations
                if c.start <= f.unit.start and f.unit.end <= c.end and c.document == f.unit.document
            ),
            None,
        )
        if same is None:
            same = finder.cite(len(citations) + 1, f.unit)
            citations.append(same)
        marks.append(same.id)
    values = [f.amount.value for f in found]
    shown = [_show(v, plan.unit) for v in values]
    names = [_original(question, p) for p in (plan.labels or plan.operands)]
    more_key = (language, plan.unit)
    if plan.operation == "sum":
        result = sum(values, Decimal(0))
        calc = f"{' + '.join(shown)} = {_show(result, plan.unit)}"
        items = " ".join(
            f"{_label(n)}: {s} [{m}]." for n, s, m in zip(names, shown, marks, strict=True)
        )
        measure = f" {' '.join(plan.measure)}" if plan.unit == "count" and plan.measure else ""
        text = say(
            CALCULATION_TEXT["sum"],
            language,
            items=items,
            result=_show(result, plan.unit) + measure,
        )
    elif plan.operation == "difference":
        diff = values[0] - values[1]
        hi, lo = (0, 1) if diff >= 0 else (1, 0)
        result = abs(diff)
        result_text = (
            _show(result, plan.unit)
            if plan.unit != "percent"
            else f"{format_number(result)} {PERCENT_POINTS[language]}"
        )
        calc = f"{shown[hi]} − {shown[lo]} = {result_text}"
        items = " ".join(
            f"{_label(n)}: {s} [{m}]." for n, s, m in zip(names, shown, marks, strict=True)
        )
        text = say(
            CALCULATION_TEXT["difference"],
            language,
            items=items,
            result=result_text,
            more=CALCULATION_MORE[(*more_key, diff >= 0)],
            first=names[0],
            second=names[1],
        )
    elif plan.operation == "share":
        part, whole = values
        pct = part / whole * 100
        result_text = format_percent(pct, 1)
        calc = f"{shown[0]} / {shown[1]} = {result_text}"
        result_text = result_text.replace(",0%", "%")  # "44%" reads easier than "44,0%"
        items = (
            f"{_label(names[0])}: {shown[0]} [{marks[0]}]. "
            f"{_label(names[1])}: {shown[1]} [{marks[1]}]."
        )
        text = say(CALCULATION_TEXT["share"], language, items=items, result=result_text)
    elif plan.operation == "remainder":
        whole, part = values
        result = whole - part
        calc = f"{shown[0]} − {shown[1]} = {_show(result, plan.unit)}"
        items = (
            f"{_label(names[0])}: {shown[0]} [{marks[0]}]. "
            f"{say(OF_WHICH, language, part=names[1])}: {shown[1]} [{marks[1]}]."
        )
        text = say(
            CALCULATION_TEXT["remainder"],
            language,
            items=items,
            part=names[1],
            result=_show(result, plan.unit),
        )
    else:
        current, earlier = values
        year = found[1].amount.year or ""
        diff = current - earlier
        hi, lo = (0, 1) if diff >= 0 else (1, 0)
        if plan.relative:
            if earlier == 0:
                return None
            result_text = format_percent(abs(diff) / earlier * 100, 1)
            calc = f"({shown[hi]} − {shown[lo]}) / {shown[1]} = {result_text}"
        elif plan.unit == "percent":
            result_text = f"{format_number(abs(diff))} {PERCENT_POINTS[language]}"
            calc = f"{shown[hi]} − {shown[lo]} = {format_number(abs(diff))}"
        else:
            result_text = _show(abs(diff), plan.unit)
            calc = f"{shown[hi]} − {shown[lo]} = {result_text}"
        items = (
            f"{_label(names[0])}: {shown[0]} [{marks[0]}]. "
            f"{say(IN_YEAR, language, year=year)}: {shown[1]} [{marks[1]}]."
        )
        text = say(
            CALCULATION_TEXT["change"],
            language,
            items=items,
            result=result_text,
            more=CALCULATION_MORE[(*more_key, diff >= 0)],
            year=year,
        )
    answer = f"{text} {say(CALCULATION, language, calculation=calc)}"
    return AskResponse(answer=answer, route="text", citations=citations, language=language)


# --- a level in an earlier year, from the current level and the stated change -------------------

_DECREASE = re.compile(r"\b(minder|afname|daling|lager|gedaald|afgenomen|fewer|less)\b", re.I)


@dataclass(frozen=True)
class Derivation:
    """An earlier year's figure worked out from "X … Dat zijn er D meer dan in YEAR"."""

    level: Amount
    change: Amount
    result: Decimal

    def calculation(self) -> str:
        """The shown sum: "228 − 35 = 193", "€ 63.857 − € 11.070 = € 52.787"."""
        sign = "−" if self.result < self.level.value else "+"
        unit = "€ " if self.level.euro else ""
        level, change = format_number(self.level.value), format_number(self.change.value)
        return f"{unit}{level} {sign} {unit}{change} = {unit}{format_number(self.result)}"


def derive_earlier(year: int, level_text: str, change_text: str) -> Derivation | None:
    """The figure for `year` when the report gives today's level and the change since then.

    "In 2024 heeft de politie 228 meldingen geregistreerd. Dat zijn er 35 meer dan in 2023."
    gives 2023: 228 − 35 = 193. Returns None unless exactly one change names that year and a
    level of the same kind (euros or a count) precedes it.
    """
    if str(year) not in change_text:
        return None
    changes = [a for a in amounts(change_text) if a.delta and not a.percent]
    if len(changes) != 1:
        return None
    change = changes[0]
    levels = [
        a
        for a in amounts(level_text)
        if not a.delta
        and not a.percent
        and a.euro == change.euro
        and (a.year is None or str(year) not in a.year)
    ]
    if level_text == change_text:
        levels = [a for a in levels if a.end <= change.start]
    if not levels:
        return None
    around = change_text[max(0, change.start - 40) : change.end + 40]
    decrease = bool(_DECREASE.search(around))
    level = levels[-1] if level_text == change_text else levels[0]
    result = level.value + change.value if decrease else level.value - change.value
    return Derivation(level, change, result)
