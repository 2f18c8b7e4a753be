"""Which calculation a part asks for, and which phrases name its operands.

"Hoeveel meer schade aan afvalbakken dan aan containers?" asks a difference of two
figures the text states separately. This reads the part (rules over its words, no
model) into a `CalculationPlan`: the operation and the phrases its operands refer to.
`service.answer.calculate` then finds one figure per phrase and shows the sum. Word
lists come from `service.lexicon`; the patterns here are the grammar of such questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from service.core.text import fold
from service.lexicon import lexicon
from service.understand.frame import Language

CalcOperation = Literal["difference", "sum", "share", "remainder", "change"]
Unit = Literal["euro", "count", "percent"]


@dataclass(frozen=True)
class CalculationPlan:
    """What to compute and which phrases of the question name the operands.

    `operands` are in the question's order, except: share is (part, whole), remainder is
    (whole, part), change is (the one phrase,) compared with `baseline_year` (None: the
    year before the report's year).
    """

    operation: CalcOperation
    operands: tuple[str, ...]
    measure: tuple[str, ...] = ()  # what is counted or paid: "schade", "jongeren"
    context: tuple[str, ...] = ()  # other content words: "begeleid", "kermis"
    unit: Unit = "count"
    relative: bool = False  # a change asked "met hoeveel procent"
    baseline_year: int | None = None
    language: Language = "nl"
    labels: tuple[str, ...] = ()  # how the answer names the operands; the operands if empty


# --- reading the question -------------------------------------------------------------------

_PREPOSITIONS = frozenset(
    "aan bij door van voor via in op met over uit naar tijdens onder binnen "
    "to at by of for on from with about during among within".split()
)
_ARTICLES = frozenset(["de", "het", "een", "the", "a", "an"])
# Finite verbs and "er": they end an operand phrase ("schade was er aan …").
AUXILIARIES = lexicon().followup["verbs"] | frozenset(
    "er bedroeg bedraagt kreeg kregen lag lagen ligt got there".split()
)
_FOLLOW_UP = lexicon().followup["references"]
_NOT_OPERAND = re.compile(
    r"\b(hoe|wat|wie|waar|wanneer|waarom|welke?|how|what|who|where|why|which)\b"
)

_HOW_MUCH = re.compile(r"\b(hoeveel|how (?:much|many))\b")
_PREVIOUS = re.compile(
    r"^(?:in |bij |op |het |de |the |in the |voor |before |voorafgaand aan )*"
    r"(?P<prev>vorig jaar|het jaar (?:ervoor|daarvoor)|een jaar eerder|"
    r"(?:het |de )?vorige \w+|last year|the year before|(?:the )?previous \w+|(?:19|20)\d\d)\b"
)  # "de vorige editie", "the previous event": any earlier one of what was asked
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

_EURO = re.compile(
    r"€|\b(euro|euros|schade|kosten|kostte|bedrag|uitgegeven|damage|cost|costs|spent|money)\b"
)
_PERCENT_POINTS = re.compile(r"procentpunt|percentage ?points?|percentagepunt")
_RELATIVE = re.compile(
    r"\b(hoeveel procent|welk percentage|by what percentage|how many percent|what percentage)\b"
)


def plan_calculation(question: str, language: Language = "nl") -> CalculationPlan | None:
    """The calculation a question asks for, or None when it asks for none (most questions)."""
    text = clean(question)
    if len(_HOW_MUCH.findall(text)) > 1:
        return None  # two questions in one ("hoeveel ... en bij hoeveel ..."): no single sum
    for parse in (_plan_share, _plan_remainder, _plan_change, _plan_difference, _plan_sum):
        plan = parse(text, language)
        if plan is not None:
            return plan if _valid(plan) else None
    return None


def clean(question: str) -> str:
    """Folded, without quotes and punctuation (numbers keep their dots and commas)."""
    text = fold(question)
    text = re.sub(r"[‘’'`\"“”]", "", text)
    text = re.sub(r"[?!;:]", " ", text)
    text = re.sub(r"\s*,\s*", " , ", text)
    text = re.sub(r"\.(?!\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def content(words: Sequence[str]) -> list[str]:
    """The words of a phrase that name something (no function words, verbs or counts)."""
    return [
        w
        for w in words
        if w != ","
        and not lexicon().is_function_word(w)
        and w not in AUXILIARIES
        and not re.fullmatch(r"(19|20)\d\d|\d+", w)
    ]


def _phrase(words: Sequence[str]) -> str:
    """An operand phrase without leading prepositions/articles, years or a trailing clause."""
    out = [w for w in words if not re.fullmatch(r"(?:19|20)\d\d", w)]
    while out and (out[0] in _ARTICLES or out[0] in _PREPOSITIONS or out[0] == ","):
        out.pop(0)
    for i, w in enumerate(out):
        if w in AUXILIARIES and i > 0:
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
            return content(words[:i]), entity, rest
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
        measure=tuple(content(whole.split())),
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
        context=tuple(content(rest)),
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
    a_content = content(a.split())
    if not measure and len(a_content) > 1 and len(content(entity_b.split())) == 1:
        measure, entity_a, rest_a = a_content[:1], " ".join(a_content[1:]), []
    # "geluidsoverlastzaken dan ondermijningszaken": the shared head is what is counted.
    head = _common_head(entity_a, entity_b)
    if head and not measure:
        measure = [head]
    context = content(rest_a) + content(rest_b)
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
        and words[end] not in AUXILIARIES
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
    verb = next((i for i in range(how + 1, len(head)) if head[i] in AUXILIARIES), len(head))
    measure = content(head[how + 1 : verb])
    rest = content([*head[verb:], *(w for w in words[end:] if w not in cue_words)])
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
    names = [content(o.split()) for o in plan.operands]
    if any(not n for n in names):
        return False
    return len({" ".join(n) for n in names}) == len(names)
