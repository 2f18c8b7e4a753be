"""The figures a sentence states, read with what the words around them say.

"Dat zijn er 35 meer dan vorig jaar": 35 is a change, not a level; "<jaar>: € 2.305"
belongs to <jaar>; "27 van die 41": the 41 repeats a total. Used to pick a calculation's
operands and to work out an earlier year's level from a stated change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from service.core.numbers import format_number, parse_nl_number

TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*")
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
OF_THOSE = re.compile(r"^\s*van\s+(?:die|deze)\s+(\d[\d.,]*|[^\W\d_]+)", re.I)
TOTAL = re.compile(r"\b(in totaal|totaal|totale|total)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    """One figure in a sentence, with what the words around it say about it."""

    value: Decimal
    text: str  # as printed: "€ 12.615", "66%", "54"
    start: int
    end: int
    euro: bool
    percent: bool
    year: str | None  # "<jaar>", "<jaar>/<jaar+1>": the period the figure belongs to, when marked
    delta: bool  # "een toename van € 11.070", "35 meer": a change, not a level
    back_reference: bool  # "27 van die 41": the 41 repeats a total
    subset: bool  # "27 van die 41", "de overige 9": the figure is part of a larger one


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
    """The year marked just before a figure ("<jaar>: € 2.305", "In <jaar> was dat 46%")."""
    before = [y for y in years if y[1] <= at]
    if before:
        _, end, year = before[-1]
        # A closing bracket or a sentence end in between puts the year out of reach.
        if not re.search(r"\)|[.!?]\s+[A-Z]", text[end:at]):
            return year
    after = re.match(r"[^\s]*\s*\(?(?:in\s+)?((?:19|20)\d\d)\b", text[at:])
    if after and not re.match(r"\d", text[at + after.end() :][:1]):
        # "46 (<jaar>)", "46 in <jaar>": only when the year follows straight after the figure.
        gap = text[at : at + after.start(1)]
        if len(TOKEN.findall(gap)) <= 2:
            return after.group(1)
    return None


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

    "In <jaar> heeft de politie 228 meldingen geregistreerd. Dat zijn er 35 meer dan in
    <jaar-1>." gives <jaar-1>: 228 − 35 = 193. Returns None unless exactly one change names
    that year and a level of the same kind (euros or a count) precedes it.
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
