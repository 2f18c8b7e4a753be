"""Pure scoring functions: answer facts, citations, retrieval, refusals, grounding, latency.

Nothing here loads a model or reads a file, so every metric is unit-tested on hand-made
cases. Spans are `(start, end)` character offsets into the unedited report text.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from service.core.numbers import extract_numbers as read_numbers

Span = tuple[int, int]

# --- answer facts ---------------------------------------------------------------------------

_NUMERIC_ALTERNATIVE = re.compile(r"^[€\s]*[-−]?\s*\d[\d.,]*\s*%?$")
_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")


def fold(text: str) -> str:
    """Lower-case and strip accents, so "casuïstiek" matches "casuistiek"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def number_variants(alternative: str) -> set[str]:
    """The core number of a numeric alternative, with and without a thousands dot."""
    core = re.sub(r"[€%\s]", "", alternative).lstrip("-−")
    variants = {core}
    if _DUTCH_THOUSANDS.match(core):
        variants.add(core.replace(".", ""))
    elif re.fullmatch(r"\d{4,}(?:,\d+)?", core):
        whole, _, decimals = core.partition(",")
        dotted = f"{int(whole):,}".replace(",", ".")
        variants.add(dotted + ("," + decimals if decimals else ""))
    return variants


def contains_alternative(answer: str, alternative: str) -> bool:
    """Whether one acceptable spelling occurs in the answer as a whole word or whole number."""
    haystack = fold(answer)
    if _NUMERIC_ALTERNATIVE.match(alternative):
        # A number must not be part of a longer number: "13.9" is not in "13.939".
        return any(
            re.search(rf"(?<![\d.,]){re.escape(v)}(?!\d|[.,]\d)", haystack)
            for v in number_variants(alternative)
        )
    needle = fold(alternative.strip())
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


def facts_present(answer: str, must_contain: Sequence[Sequence[str]]) -> bool:
    """All groups present; a group is satisfied by any one of its spellings."""
    return all(any(contains_alternative(answer, alt) for alt in group) for group in must_contain)


def answer_correct(
    answer: str, route: str, must_contain: Sequence[Sequence[str]], gold_route: str
) -> bool:
    """Right route and every essential fact in the answer."""
    return route == gold_route and facts_present(answer, must_contain)


def route_fits(route: str, gold_route: str | None, should_answer: bool) -> bool:
    """The expected route; for sets that name none, any answer when the report answers the
    question and a refusal when it does not."""
    if gold_route is not None:
        return route == gold_route
    return (route != "refusal") if should_answer else (route == "refusal")


# --- citations and retrieval -----------------------------------------------------------------


def overlaps(a: Span, b: Span) -> bool:
    """Whether two half-open character ranges share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True)
class CitationCounts:
    """Counts for one answer, summed over answers before dividing (micro-average)."""

    cited: int
    relevant: int
    gold: int
    gold_found: int


def citation_counts(cited: Sequence[Span], gold: Sequence[Span]) -> CitationCounts:
    """A citation is relevant if it overlaps a gold span; a gold span is found if any overlaps."""
    relevant = sum(1 for c in cited if any(overlaps(c, g) for g in gold))
    found = sum(1 for g in gold if any(overlaps(c, g) for c in cited))
    return CitationCounts(len(cited), relevant, len(gold), found)


def citation_precision_recall(counts: Iterable[CitationCounts]) -> tuple[float, float]:
    """Micro-averaged precision and recall; 0.0 when there is nothing to divide by."""
    counts = list(counts)
    cited = sum(c.cited for c in counts)
    gold = sum(c.gold for c in counts)
    precision = sum(c.relevant for c in counts) / cited if cited else 0.0
    recall = sum(c.gold_found for c in counts) / gold if gold else 0.0
    return precision, recall


def is_verbatim(source: str, start: int, end: int, quote: str) -> bool:
    """The contract of a citation: the quote is exactly the source between its offsets."""
    return 0 <= start <= end <= len(source) and source[start:end] == quote


def share(flags: Iterable[bool]) -> float | None:
    """Fraction of true flags; None for an empty list, so "no data" is not "all wrong"."""
    flags = list(flags)
    return sum(flags) / len(flags) if flags else None


def recall_at_k(ranked: Sequence[Span], gold: Sequence[Span], k: int) -> float:
    """Fraction of gold spans overlapped by one of the first k passages."""
    if not gold:
        raise ValueError("recall needs at least one gold span")
    top = ranked[:k]
    return sum(1 for g in gold if any(overlaps(p, g) for p in top)) / len(gold)


def reciprocal_rank(ranked: Sequence[Span], gold: Sequence[Span]) -> float:
    """1/rank of the first passage that overlaps any gold span; 0 when none does."""
    for rank, passage in enumerate(ranked, start=1):
        if any(overlaps(passage, g) for g in gold):
            return 1.0 / rank
    return 0.0


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean; None for no values."""
    values = list(values)
    return sum(values) / len(values) if values else None


# --- refusals and routes ---------------------------------------------------------------------


def refusal_precision_recall(
    predicted: Sequence[str], gold: Sequence[str]
) -> tuple[float | None, float | None]:
    """Precision over answers that refused, recall over questions that should be refused."""
    pairs = list(zip(predicted, gold, strict=True))
    refused = [g for p, g in pairs if p == "refusal"]
    expected = [p for p, g in pairs if g == "refusal"]
    precision = share(g == "refusal" for g in refused)
    recall = share(p == "refusal" for p in expected)
    return precision, recall


def route_accuracy(predicted: Sequence[str], gold: Sequence[str]) -> float | None:
    """Share of questions sent down the expected route."""
    return share(p == g for p, g in zip(predicted, gold, strict=True))


# --- grounding -------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.,])[-−]?\d+(?:[.,]\d+)*")
_UNSIGNED = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_CITATION_MARKER = re.compile(r"\[\d+(?:\s*[,-]\s*\d+)*\]")
# Units and identifiers name things rather than state facts: "x € 1.000", "doelstelling 5.3".
_UNIT = re.compile(r"[x×]\s*€\s*1\.000", re.IGNORECASE)
# "2. Hoeveel waren het er in 2023?": the heading of a part restates the question.
_PART_HEADING = re.compile(r"^\d+\.\s.*$", re.MULTILINE)
_IDENTIFIER = re.compile(
    r"\b(?:doelstelling(?:en)?|programma|tabel|hoofdstuk|goal|objective|table|programme)"
    r"\s+\d+(?:\.\d+)?",
    re.IGNORECASE,
)
_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


@dataclass(frozen=True)
class NumberToken:
    """A number as written, with the values it can mean (Dutch first, English as well)."""

    text: str
    start: int
    end: int
    values: frozenset[float]


def number_values(text: str) -> frozenset[float]:
    """Every plausible value of a written number: "13.939" → 13939; "7,5" → 7.5; "13,939" both."""
    body = text.lstrip("-−")
    values: set[float] = set()
    if re.fullmatch(r"\d+", body):
        values.add(float(body))
    if _DUTCH_THOUSANDS.match(body):
        values.add(float(body.replace(".", "").replace(",", ".")))
    if re.fullmatch(r"\d+,\d+", body):
        values.add(float(body.replace(",", ".")))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", body):
        values.add(float(body.replace(",", "")))
    if re.fullmatch(r"\d+\.\d+", body):
        values.add(float(body))
    return frozenset(values)


def extract_numbers(text: str) -> list[NumberToken]:
    """Dutch (and English) numbers in a text: "13.939", "30,8%", "€ 63.857", "7,5"."""
    tokens = []
    for match in _NUMBER.finditer(text):
        raw = match.group().rstrip(".,")
        values = number_values(raw)
        if values:
            tokens.append(NumberToken(raw, match.start(), match.start() + len(raw), values))
    return tokens


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _evaluate(expression: str) -> float | None:
    """Value of a small + − × / expression written with Dutch numbers, or None."""
    python = expression.replace("−", "-").replace("×", "*")
    python = re.sub(r"(?<=\d)\s*x\s*(?=\d)", "*", python)
    python = _UNSIGNED.sub(lambda m: repr(max(number_values(m.group()) or {math.nan})), python)
    try:
        tree = ast.parse(python.strip(), mode="eval")
    except SyntaxError:
        return None

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        raise ValueError("unsupported expression")

    try:
        return walk(tree)
    except (ValueError, ZeroDivisionError):
        return None


_OPERAND = r"\(?\s*(?:€\s*)?[-−]?\d[\d.,]*\s*%?\s*\)?"
_CALCULATION = re.compile(
    rf"({_OPERAND}(?:\s*[-−+×x*/]\s*{_OPERAND})+)\s*=\s*(?:€\s*)?([-−]?\d[\d.,]*)(\s*%)?"
)


def _balance(expression: str) -> str:
    """Drop parentheses a regex cut off: "(-21.342 + (-17.912)" → "-21.342 + (-17.912)"."""
    expression = expression.strip()
    while expression.count("(") > expression.count(")") and expression.startswith("("):
        expression = expression[1:].lstrip()
    while expression.count(")") > expression.count("(") and expression.endswith(")"):
        expression = expression[:-1].rstrip()
    return expression


def shown_results(answer: str) -> set[float]:
    """Values the answer derives in plain sight: "28.122 − 12.615 = 15.507", "16 / 34 = 47%".

    Only a calculation whose left side really evaluates to its result counts, so a wrong
    sum does not ground its own result.
    """
    results: set[float] = set()
    for match in _CALCULATION.finditer(answer):
        left = match.group(1)
        value = _evaluate(_balance(left.replace("€", "").replace("%", "")))
        if value is None:
            continue
        if match.group(3) and "%" not in left:  # a share written as a percentage
            value *= 100
        for v in number_values(match.group(2).rstrip(".,")):
            if math.isclose(abs(value), abs(v), rel_tol=0.005, abs_tol=0.051):
                results.add(abs(v))
    return results


def grounding_violations(
    answer: str,
    quotes: Sequence[str],
    question: str = "",
    context_years: Iterable[int] = (),
) -> list[str]:
    """Numbers in the answer found neither in a cited quote nor as a shown calculation result.

    Not claims, so skipped: citation markers, the headings of the parts of a question with
    several parts (they restate the question), identifiers such as "doelstelling 5.3", and
    years 2000–2030 that the question mentions or that are the report's own year
    (`context_years`). When the answer names the table unit "x € 1.000", a quoted amount
    written out in euros (-3.374 → "€ 3.374.000") counts as quoted.
    """
    scaled = _UNIT.search(answer) is not None
    cleaned = _blank(_blank(_blank(answer, _PART_HEADING), _CITATION_MARKER), _UNIT)
    cleaned = _blank(cleaned, _IDENTIFIER)
    quoted = {abs(v) for quote in quotes for tok in extract_numbers(quote) for v in tok.values}
    if scaled:
        quoted |= {v * 1000 for v in quoted}
    given_years = {str(year) for year in context_years} | {
        tok.text for tok in extract_numbers(question) if re.fullmatch(r"20[0-2]\d|2030", tok.text)
    }
    derived = shown_results(cleaned)
    violations = []
    for tok in extract_numbers(cleaned):
        if tok.text in given_years:
            continue
        if any(abs(v) in quoted or abs(v) in derived for v in tok.values):
            continue
        violations.append(tok.text)
    return violations


# --- latency ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_by_route(
    samples: Iterable[tuple[str, float]],
) -> dict[str, dict[str, float | int | None]]:
    """p50/p95 in milliseconds per route the system answered on."""
    grouped: dict[str, list[float]] = {}
    for route, millis in samples:
        grouped.setdefault(route, []).append(millis)
    return {
        route: {"n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95)}
        for route, ms in sorted(grouped.items())
    }


# --- calculations over unlike figures ----------------------------------------------------------

_SUM = re.compile(r"((?:[-−–]?\(?[-−–]?\d[\d.,]*\)?\s*\+\s*)+[-−–]?\(?[-−–]?\d[\d.,]*\)?)\s*=")


def unlike_sums(
    answer: str, cited_rows: Sequence[Sequence[tuple[str, bool, bool, Decimal]]]
) -> int:
    """Sums in an answer that add a printed total to one of its own parts.

    `cited_rows` are the rows the answer cites, each as its cells (column key, is in a
    total row, is in a total column, value). A sum whose operands include a total-row cell
    and a detail-row cell of one column, or a total-column cell and another cell of its own
    row, adds unlike figures.
    """
    found = 0
    for match in _SUM.finditer(answer):
        operands = {abs(v) for v in read_numbers(match.group(1))}
        hits: list[tuple[int, str, bool, bool]] = []
        for r, row in enumerate(cited_rows):
            for column, total_row, total_column, value in row:
                if abs(value) in operands:
                    hits.append((r, column, total_row, total_column))
        same_column = any(
            a[1] == b[1] and a[0] != b[0] and a[2] != b[2] for a in hits for b in hits
        )
        same_row = any(a[0] == b[0] and a[1] != b[1] and a[3] != b[3] for a in hits for b in hits)
        found += same_column or same_row
    return found
