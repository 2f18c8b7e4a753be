"""Calculations over figures the report's text states, always shown.

A `CalculationPlan` (from `service.understand.calculation`) names the operation and
the phrases its operands refer to. This finds one figure per phrase in the reports in
scope, computes with `Decimal` and shows the sum ("€ 28.122 − € 12.615 = € 15.507") next
to the cited sentences. Whenever a step is not sure it returns None and the text route
quotes instead: a wrong calculation is worse than a quote.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol

from service.answer.extract import REFERS_BACK
from service.answer.figures import OF_THOSE, TOTAL, Amount, amounts
from service.answer.grounding import ungrounded_numbers
from service.answer.knowledge import SentenceUnit
from service.answer.result import PartAnswer, StatedFigure
from service.answer.word_match import (
    STRONG,
    best_match,
    coverage,
    distance,
    same_word,
    split_compound,
    tokens,
    words_of,
)
from service.core.numbers import format_euro, format_number, format_percent, parse_nl_number
from service.lexicon import lexicon
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
from service.understand.calculation import AUXILIARIES, CalculationPlan, Unit, clean, content
from service.web.schemas import Citation

log = logging.getLogger(__name__)


class SentenceFinder(Protocol):
    """What a calculation needs: sentence search in the reports in scope, verbatim citing."""

    def find_sentences(self, query: str, k: int) -> list[tuple[SentenceUnit, float]]: ...

    def cite(self, number: int, unit: SentenceUnit) -> Citation: ...


POOL = 40  # sentences per search: enough to hold a matching sentence's neighbours
TOP = 10  # of those, the ones considered as an operand's sentence
MIN_MATCH = 0.5  # an operand's words must be this well covered by its sentence
TIE = 0.05  # two different amounts this close: not sure, so no calculation


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


def _translate(words: Sequence[str], language: Language) -> list[str]:
    out = []
    for w in words:
        for part in w.split("-"):
            if language == "en":
                part = lexicon().en_nl.get(part, part)
            if part and not lexicon().is_function_word(part) and part not in AUXILIARIES:
                out.append(part)
    return out


def _heading(unit: SentenceUnit) -> list[str]:
    return [t for t, _ in tokens(unit.section.rsplit(" > ", 1)[-1])]


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
        self.operands = [_Operand(o, _translate(content(o.split()), lang)) for o in plan.operands]
        if plan.operation == "share":
            self.operands[0].role, self.operands[1].role = "part", "whole"
        elif plan.operation == "remainder":
            self.operands[0].role, self.operands[1].role = "whole", "part"

    def prepare(self) -> bool:
        """Search once per operand and read its words against the found text.

        A compound the report never writes as one word is split into words it does write
        ("geluidsoverlastzaken" -> "geluidsoverlast" + "zaken"); a word no found sentence
        knows at all ("litter") is dropped. An operand left without words cannot be found.
        """
        self.hits: list[list[tuple[SentenceUnit, float]]] = []
        for op in self.operands:
            query = " ".join(dict.fromkeys([*op.words, *self.measure, *self.context]))
            hits = self.finder.find_sentences(query, POOL)
            vocabulary = {t for u, _ in hits for t in [*words_of(u.text), *_heading(u)]}
            op.words = [p for w in op.words for p in split_compound(w, vocabulary)]
            op.words = [w for w in op.words if best_match(w, vocabulary) >= STRONG]
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
                w for w in op.words if w not in shared and best_match(w, self.measure) < STRONG
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
        next sentence that leans on it ("Dit is hoger dan vorig jaar (<jaar-1>: € 2.305)")."""
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
        return coverage(self.measure, words_of(unit.text), []) >= STRONG and (
            coverage(self.measure, words_of(after.text), []) >= STRONG
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
            tokenized = tokens(unit.text)
            words = [t for t, _ in tokenized]
            heading = _heading(unit)
            own = coverage(op.distinctive, words, heading) if topic else 1.0
            if own < MIN_MATCH:
                continue
            other = coverage(op.others, words, heading) if op.others else 0.0
            context = coverage(self.context, words, heading) if self.context else 0.0
            measure = coverage(self.measure, words, heading) if self.measure else 0.0
            amount, amount_score = self._pick(op, unit, tokenized, taken, year)
            if amount is None:
                continue
            score = own - 0.6 * other + 0.3 * (context + measure) + 0.2 * rank + amount_score
            if TOTAL.search(unit.text):
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
            follows = max((best_match(m, after) for m in self.measure), default=0.0)
            score = 0.6 if follows >= STRONG else 0.0
            score += 0.3 / (1 + distance(tokens, index, op.words))
            if self.context:
                score += 0.15 / (1 + distance(tokens, index, self.context))
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


# --- the answer ---------------------------------------------------------------------------------


def answer_calculation(
    question: str, plan: CalculationPlan, finder: SentenceFinder, language: Language
) -> PartAnswer | None:
    """A cited answer that shows its calculation, or None when an operand is not certain."""
    resolver = _Resolver(plan, finder)
    found = _resolve(resolver, question)
    if found is None:
        return None
    answer = _compose(question, plan, found, finder, language)
    if answer is None or ungrounded_numbers(answer.body, answer.citations):
        return None
    return answer


def _whole_fits(part: Found, whole: Found, question: str) -> bool:
    """A part stated as "27 van die 41" or "39 van die lopende casussen" belongs to that whole:
    the 41 itself, or a whole the question or the whole's sentence also calls "lopende"."""
    m = OF_THOSE.match(part.unit.text[part.amount.end :])
    if not m:
        return True
    named = m.group(1)
    if named[0].isdigit():
        return parse_nl_number(named) == whole.amount.value
    known = set(words_of(question)) | set(words_of(whole.unit.text))
    return any(same_word(named, w) for w in known)


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
    folded = [clean(w) for w in words]
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
) -> PartAnswer | None:
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
    return PartAnswer(
        "text",
        answer,
        citations,
        figures=[StatedFigure(v) for v in values],
        documents=tuple(dict.fromkeys(c.document for c in citations)),
    )
