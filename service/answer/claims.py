"""Claim checks: "Klopt het dat X?" answered "Ja" or "Nee" with the report's own figure.

The claim's statement is answered like a question (tables first, then the text); the
figures the answer states are compared with the figures the claim states, at the
claim's own precision ("17,4 miljoen" agrees with € 17.4xx.xxx, not with 17.912 × €
1.000), and a stated direction ("gedaald") with the change the report shows. Where the
report gives two different figures for the same thing, the answer says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from service.answer.result import PartAnswer, StatedFigure
from service.core.numbers import extract_numbers, passes
from service.core.text import fold, words
from service.lexicon import lexicon
from service.render.compose import renumber
from service.render.messages import (
    CLAIM_BOTH,
    CLAIM_FALSE,
    CLAIM_NOT_STATED,
    CLAIM_REPORT_SAYS,
    CLAIM_TRUE,
    CLAIM_UNKNOWN,
    say,
)
from service.understand.frame import Claim, Comparison, Language, Part

SUPPORTED_TERMS = 0.75  # share of the claim's words the quoted sentence must hold for a "ja"


def _precision(value: Decimal) -> Decimal:
    """Half a unit of the last digit the claim states: 17,4 mln -> 50.000; 89 -> 0.5."""
    exponent = value.normalize().as_tuple().exponent
    step = Decimal(1).scaleb(int(exponent)) if isinstance(exponent, int) else Decimal(1)
    return step / 2


def _agrees(claimed: Decimal, stated: Decimal, tolerance: Decimal | None = None) -> bool:
    """Equal at the claim's precision, also when one is in thousands of euros."""
    tolerance = _precision(claimed) if tolerance is None else tolerance
    return any(
        abs(abs(claimed) - abs(stated) * scale) <= tolerance
        for scale in (Decimal(1), Decimal(1000), Decimal("0.001"))
    )


def _direction_of(figures: Sequence[StatedFigure]) -> str | None:
    """Up or down between the earliest and latest year the figures are about."""
    dated = sorted(
        (f for f in figures if f.year is not None and not f.derived), key=lambda f: f.year or 0
    )
    if len(dated) < 2 or dated[0].year == dated[-1].year:
        return None
    first, last = dated[0].value, dated[-1].value
    if first == last:
        return None
    return "up" if last > first else "down"


def _direction_in_quotes(answer: PartAnswer) -> str | None:
    """The direction the quoted sentences state in words ("is gestegen", "daling")."""
    found = {
        m.value
        for c in answer.citations
        for m in lexicon().directions.find(" ".join(words(c.quote)))
    }
    return found.pop() if len(found) == 1 else None


def _supports(claim: Claim, answer: PartAnswer) -> bool:
    """Whether the quoted text holds the claim's words (names, nouns, figures)."""
    quoted = " ".join(fold(c.quote) for c in answer.citations)
    quoted_words = set(words(quoted))
    content = [
        w for w in words(claim.statement) if not lexicon().is_function_word(w) and len(w) > 2
    ]
    if not content:
        return False
    held = sum(
        1 for w in content if w in quoted_words or any(q.startswith(w[:5]) for q in quoted_words)
    )
    return held / len(content) >= SUPPORTED_TERMS


def check(part: Part, answers: Sequence[PartAnswer], language: Language) -> PartAnswer:
    """The verdict on a claim, given the answers the tables and the text gave to it.

    When the figures disagree with the claim but a sentence the answer cites agrees (the
    report contradicts itself, and the table answer says so), the verdict says both.
    """
    claim = part.claim or Claim(part.asked)
    found = [a for a in answers if a.answered]
    if not found:
        return PartAnswer("refusal", say(CLAIM_UNKNOWN, language), answered=False)
    evidence = found[0]
    figures = [f for a in found for f in a.figures]
    verdict: bool | None = None
    mixed = False
    if claim.comparison is not None:
        verdict = _within_bound(claim, claim.comparison, found)
        if verdict is not None:
            evidence = next(a for a in found if a.figures)
    elif claim.figures:
        agreeing = [a for a in found if _holds(claim, a)]
        other = [a for a in found if a.figures and not _holds(claim, a)]
        verdict = bool(agreeing)
        if agreeing:
            evidence = agreeing[0]
        # A table that gives another figure while a sentence gives the claimed one: the
        # report contradicts itself, and the answer shows the table's figure too.
        mixed = bool(agreeing and any(a.route == "table" for a in other))
        if mixed:
            evidence = next(a for a in other if a.route == "table")
        also = [a for a in other if len([f for f in a.figures if not f.derived]) == 1]
        if agreeing and not mixed and also:
            # The report gives another figure for it elsewhere: show that place too.
            opening = f"{say(CLAIM_TRUE, language)} {evidence.body}"
            return _merge(evidence, also[0], f"{opening} {say(CLAIM_REPORT_SAYS, language)}")
    if claim.direction is not None and verdict is not False:
        shown = _direction_of(figures) or next(
            (d for a in found if (d := _direction_in_quotes(a))), None
        )
        if shown is not None:
            verdict = shown == claim.direction
    if verdict is None and part.operation in ("max", "min"):
        ranked = next((a for a in found if a.route == "table" and a.figures), None)
        if ranked is not None:
            # "Klopt het dat Bloemendaal de meeste zaken had?": is it the one ranked first?
            evidence, verdict = ranked, _names_the_first(claim, ranked)
    if verdict is None:
        verdict = _supports(claim, evidence)
        lead = CLAIM_TRUE if verdict else CLAIM_NOT_STATED
    else:
        lead = CLAIM_TRUE if verdict else CLAIM_FALSE
        if mixed or (not verdict and claim.figures and _quoted_text_agrees(claim, evidence)):
            lead = CLAIM_BOTH
    body = f"{say(lead, language)} {evidence.body}"
    if len(found) > 1 and not verdict and lead is not CLAIM_BOTH:
        second = found[1]
        said = second.body.split(":", 1)[1].strip() if ":" in second.body[:60] else second.body
        second = PartAnswer(
            second.route, said, second.citations, second.figures, True, second.documents
        )
        return _merge(evidence, second, f"{body} {say(CLAIM_REPORT_SAYS, language)}")
    return PartAnswer(
        evidence.route,
        body,
        evidence.citations,
        figures=evidence.figures,
        documents=evidence.documents,
    )


def _names_the_first(claim: Claim, ranked: PartAnswer) -> bool:
    """Whether the claim names the row a ranking put first (or one tied with it): by its
    code ("doelstelling 5.3") or by all of its words ("Bloemendaal")."""
    said = set(words(claim.statement))
    for figure in ranked.figures:
        if figure.derived:
            continue
        label = figure.label.split(",")[0]
        code = re.search(r"\d+(?:\.\d+)+", label)
        if code and re.search(rf"(?<![\d.]){re.escape(code.group())}(?![\d.])", claim.statement):
            return True
        content = [w for w in words(label) if not lexicon().is_function_word(w) and w.isalpha()]
        if content and all(w in said for w in content):
            return True
    return False


def _main_figures(answer: PartAnswer, percent: bool = False) -> list[Decimal]:
    """The printed figures an answer states (table cells in full euros: "x € 1.000" times
    1000), without years; percentages only when `percent`, else only the others."""
    out = []
    for f in answer.figures:
        if f.derived or (f.value == f.value.to_integral() and 1900 <= f.value <= 2100):
            continue
        if (f.percent or f.unit == "%") != percent:
            continue
        out.append(abs(f.value) * f.scale)
    return out


def _within_bound(claim: Claim, comparison: Comparison, found: Sequence[PartAnswer]) -> bool | None:
    """Whether the report's figure lies beyond the claimed bound ("meer dan 100"): judged on
    the first answer that states figures, and only when all of its figures agree."""
    bound = abs(claim.figures[0])
    percent = "percent" in lexicon().amount_kinds(claim.statement)
    for answer in found:
        figures = _main_figures(answer, percent)
        if not figures:
            continue
        verdicts = {passes(value, comparison, bound) for value in figures}
        return verdicts.pop() if len(verdicts) == 1 else None
    return None


def _with_tolerances(claim: Claim) -> list[tuple[Decimal, Decimal | None]]:
    """Each claimed figure with its written precision (None: judge from the value)."""
    if len(claim.tolerances) == len(claim.figures):
        return list(zip(claim.figures, claim.tolerances, strict=True))
    return [(f, None) for f in claim.figures]


def _holds(claim: Claim, answer: PartAnswer) -> bool:
    """Whether an answer states every figure the claim states."""
    return all(
        any(_agrees(c, f.value, t) for f in answer.figures) for c, t in _with_tolerances(claim)
    )


def _quoted_text_agrees(claim: Claim, answer: PartAnswer) -> bool:
    """Whether a sentence (not a table row) the answer cites states the claimed figure."""
    texts = [c.quote for c in answer.citations if c.table_row is None]
    stated = [v for quote in texts for v in extract_numbers(quote)]
    return all(any(_agrees(c, v, t) for v in stated) for c, t in _with_tolerances(claim))


def _merge(first: PartAnswer, second: PartAnswer, lead: str) -> PartAnswer:
    """`lead` (which ends with the first answer's body) followed by the second answer, its
    citations numbered on."""
    second_body, renumbered = renumber(second, first.citations)
    return PartAnswer(
        first.route,
        f"{lead} {second_body}",
        [*first.citations, *renumbered],
        figures=[*first.figures, *second.figures],
        documents=tuple(dict.fromkeys((*first.documents, *second.documents))),
    )
