"""Register, not content: courtesy and council wrappers come off before anything else.

"Kunt u aangeven hoeveel fietsendiefstallen er vorig jaar waren?" asks what "hoeveel
fietsendiefstallen er vorig jaar waren?" asks; "Klopt het dat X?" asks to check X. Only a
request to act outside the report ("kunt u mijn buurman melden") is refused as an
action; opinions, named persons and contact details are refused too. All patterns are
data in `service/lexicon/data/register.txt` and `refusals.txt`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.core.text import fold_aligned, words
from service.lexicon import lexicon
from service.understand.frame import Language, RefusalReason

_TRAILING_COURTESY = re.compile(
    r"[\s,.;!]*\b(alstublieft|alsjeblieft|aub|a\.u\.b\.?|bedankt|dank u( wel)?|dank je( wel)?|"
    r"alvast bedankt|met vriendelijke groet(en)?|please|thanks|thank you)\b[\s.!]*$",
)
_LEADING_GLUE = re.compile(
    r"^[\s,:;.\-–]*(?:(?:en|ook|daarnaast|tevens|verder|voorts|of|and|also|whether|if)\b[\s,]*)?"
)


@dataclass(frozen=True)
class Reading:
    """A question with its wrappers off: the core, and what the wrappers told us."""

    core: str
    formal: bool
    claim: bool
    refusal: RefusalReason | None
    overview: bool = False  # "graag een overzicht van …": list it whole
    context: bool = False  # "is het college bekend met X …": X sets the topic


def detect_language(text: str) -> Language:
    """English when English function words clearly outnumber Dutch ones."""
    function = lexicon().function_words
    tokens = words(text)
    en = sum(t in function["en"] and t not in function["nl"] for t in tokens)
    nl = sum(t in function["nl"] and t not in function["en"] for t in tokens)
    return "en" if en > nl else "nl"


def _strip_once(text: str) -> tuple[str, str | None]:
    """Remove one leading wrapper; returns the rest and the wrapper's kind (None: none)."""
    folded = fold_aligned(text)
    lead = len(folded) - len(folded.lstrip())
    for kind, pattern in lexicon().wrappers:
        match = pattern.match(folded, lead)
        if match and match.end() > lead:
            rest = text[match.end() :]
            rest = _LEADING_GLUE.sub("", rest) if kind != "claim" else rest.lstrip(" ,:")
            return rest, kind
    return text, None


def strip_wrappers(text: str) -> tuple[str, set[str]]:
    """The question without its wrappers, and the kinds of wrapper that came off."""
    kinds: set[str] = set()
    core = text.strip()
    for _ in range(4):  # "Geacht college, kunt u aangeven …": a few layers at most
        rest, kind = _strip_once(core)
        if kind is None:
            break
        kinds.add(kind)
        core = rest.strip()
        if kind == "claim":
            break
    core = _TRAILING_COURTESY.sub("", core).strip()
    return core, kinds


def starts_with_wrapper(text: str) -> bool:
    """True when a text opens with a request or claim wrapper ("kan het aangeven …")."""
    return _strip_once(text)[1] in {"info", "claim", "overview"}


def refusal_of(text: str) -> RefusalReason | None:
    """The reason the report can never answer this, if one of the refusal rules applies."""
    folded = fold_aligned(text)
    for reason, pattern in lexicon().refusals:
        if pattern.search(folded):
            return reason  # type: ignore[return-value]
    return None


def _strip_greetings(text: str) -> str:
    """Only salutations off ("Beste gemeente, …"): an action request is judged on the rest."""
    core = text.strip()
    greetings = [p for kind, p in lexicon().wrappers if kind == "greeting"]
    for _ in range(2):
        match = next((m for p in greetings if (m := p.match(fold_aligned(core))) and m.end()), None)
        if match is None:
            break
        core = core[match.end() :].strip()
    return core


def read_register(question: str) -> Reading:
    """Strip the wrappers and decide whether the question is one to refuse outright.

    A formal request for information ("Kunt u aangeven hoeveel …") is never an action;
    "Kunt u mijn buurman aangeven?" is.
    """
    greeted = _strip_greetings(question)
    core, kinds = strip_wrappers(greeted)
    formal = bool(kinds & {"info", "overview", "context"})
    refusal = refusal_of(core) if formal else refusal_of(greeted)
    if refusal == "action" and formal:
        refusal = None
    return Reading(
        core or question.strip(),
        formal,
        "claim" in kinds,
        refusal,
        overview="overview" in kinds,
        context="context" in kinds,
    )
