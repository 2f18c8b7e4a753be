"""Decide, before any search, whether a question is one the report can never answer.

These are rules, not scores: opinions and advice, other municipalities and years the
report does not cover get an honest refusal, whatever retrieval would have found.
Everything else goes to the table route first and then to the text route (see
`service.answer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from service.lexical import fold

RefusalReason = Literal["opinion", "other_municipality", "year", "person", "action"]

_OPINION = re.compile(
    r"\b(moet(en)? (de )?(gemeente|zoetermeer|ik|we|wij|je|jij|u)\b|zou(den)? .*\bmoeten\b|"
    r"vindt? (je|jij|u)|wat vindt?|wat is uw mening|mening|advies|adviseer|raad (je|jij|u) aan|"
    r"is het (wel )?(goed|slim|verstandig)|beter om|should|do you think|your opinion|"
    r"would you recommend|recommend|is it (a )?good)\b",
    re.IGNORECASE,
)
# Municipalities a Zoetermeer resident is likely to compare with.
OTHER_MUNICIPALITIES = (
    "den haag",
    "the hague",
    "delft",
    "leiden",
    "rotterdam",
    "amsterdam",
    "utrecht",
    "gouda",
    "pijnacker",
    "nootdorp",
    "lansingerland",
    "leidschendam",
    "voorburg",
    "rijswijk",
    "westland",
    "wassenaar",
    "voorschoten",
    "alphen",
    "waddinxveen",
    "benthuizen",
    "stockholm",
)
# "Kun je mijn buurman aangeven?": a request to do something, not a question about the report.
_ACTION = re.compile(
    r"^\s*(kun|kunt|kan|wil|wilt) (je|jij|u) (mij |me |voor mij )?(\w+ ){0,4}"
    r"(aangeven|melden|regelen|doorgeven|bellen|mailen|sturen|helpen|aanvragen|indienen)\b|"
    r"^\s*(can|could|would) you (please )?(report|file|call|send|contact|book|arrange)\b",
    re.IGNORECASE,
)
# "Wie is de burgemeester?": the report names no persons.
_PERSON = re.compile(
    r"^\s*(wie (is|was|zijn|waren)\b|who (is|was|are|were)\b|hoe heet|what is the name)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


@dataclass(frozen=True)
class Refusal:
    """Why a question is refused before search, and the detail to name in the message."""

    reason: RefusalReason
    detail: str = ""


def is_opinion(question: str) -> bool:
    """True for questions asking for an opinion or advice rather than a fact."""
    return bool(_OPINION.search(question))


def other_municipality(question: str) -> str | None:
    """The other municipality a question is about, if it names one and not Zoetermeer."""
    text = fold(question)
    if "zoetermeer" in text:
        return None
    for place in OTHER_MUNICIPALITIES:
        if re.search(rf"\b{re.escape(place)}\b", text):
            return place.title()
    return None


def question_years(question: str) -> list[int]:
    """The years a question names."""
    return [int(y) for y in _YEAR.findall(question)]


def years_outside(question: str, report_years: frozenset[int]) -> list[int]:
    """Years a question names that the report never mentions."""
    return [int(y) for y in _YEAR.findall(question) if int(y) not in report_years]


def report_years(sources: dict[str, str]) -> frozenset[int]:
    """Every year any report mentions."""
    return frozenset(int(y) for text in sources.values() for y in _YEAR.findall(text))


def pre_check(question: str, known_years: frozenset[int]) -> Refusal | None:
    """A refusal the rules require, or None to go on searching."""
    if is_opinion(question):
        return Refusal("opinion")
    if _PERSON.search(question):
        return Refusal("person")
    if _ACTION.search(question):
        return Refusal("action")
    outside = years_outside(question, known_years)
    if outside:
        return Refusal("year", str(outside[0]))
    return None
