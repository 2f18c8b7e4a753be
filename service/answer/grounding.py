"""Every number we state must be traceable: enforced before an answer leaves the service.

A number in an answer is grounded when it appears in one of the cited quotes (or the
cited table's title, e.g. "x €1.000"), or when it is the result of a calculation shown
in the answer ("4 + 24 + 3 = 31") whose operands are grounded themselves.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from service.core.numbers import extract_numbers
from service.render.messages import ERROR_UNGROUNDED
from service.web.schemas import AskResponse, Citation

log = logging.getLogger(__name__)

# "a + b − c = d", "24 / 34 × 100 = 70,6%": an expression, "=", a result.
_CALCULATION = re.compile(r"([-−–€\d.,%\s+×x*/:()]+?)=\s*(€\s*)?([-−–]?\d[\d.,]*\s*%?)")
_UNIT_SCALES = (Decimal(1), Decimal(1000), Decimal("0.001"))
_TOLERANCE = Decimal("0.005")


def _close(value: Decimal, allowed: Iterable[Decimal]) -> bool:
    """Equal to a grounded number, possibly in the table's unit (× € 1.000), up to rounding;
    a whole number may be a grounded one rounded ("65,7%, afgerond 66%")."""
    whole = value == value.to_integral_value()
    return any(
        abs(abs(value) - abs(a) * scale) <= _TOLERANCE * scale
        or (
            whole
            and scale == 1
            and a != a.to_integral_value()
            and abs(abs(value) - abs(a)) <= Decimal("0.5")
        )
        for a in allowed
        if a != 0 or value == 0
        for scale in _UNIT_SCALES
    )


def ungrounded_numbers(
    answer: str, citations: Sequence[Citation], asked: str = "", names: Iterable[str] = ()
) -> list[Decimal]:
    """The numbers of an answer that no citation or shown calculation accounts for.

    A citation accounts for the numbers of its quote, its section, its report's title
    and (for a table row) its readable view with the table's headers. `names` are the
    reports' labels: "Programma 5" in a sentence naming a report is a name, not a figure.
    """
    for name in sorted(names, key=len, reverse=True):
        answer = answer.replace(name, " ")
    allowed: set[Decimal] = set()
    for citation in citations:
        allowed.update(extract_numbers(citation.quote))
        allowed.update(extract_numbers(citation.section))
        allowed.update(extract_numbers(citation.title))
        if citation.table_row:
            allowed.update(extract_numbers(citation.table_row))
    markers = {Decimal(c.id) for c in citations}  # "[2]" is a marker, never a figure
    # The asker's own numbers (a year, "doelstelling 5.3", a claimed figure) are theirs.
    allowed.update(extract_numbers(asked))
    answer = _PART_NUMBER.sub("", answer)  # "1. …", "2. …" number the parts of an answer
    # Results of shown calculations count once their operands are grounded.
    changed = True
    while changed:
        changed = False
        for match in _CALCULATION.finditer(answer):
            expression = re.split(r"[:;]", match.group(1))[-1]  # "<jaar>: 452 − 371 = 81"
            operands = extract_numbers(expression)
            result = extract_numbers(match.group(3))
            grounded = (
                result
                and operands
                and all(_close(o, allowed) for o in operands)
                and _computes(expression, result[0], "%" in match.group(3))
            )
            if grounded and result[0] not in allowed:
                allowed.add(result[0])
                changed = True
    return [
        n
        for n in extract_numbers(answer)
        if not _close(n, allowed) and not _is_year(n) and n not in markers
    ]


_PART_NUMBER = re.compile(r"(?m)^\d{1,2}\.\s")
_ARITHMETIC = re.compile(r"^[\d.+\-*/() ]+$")


def _computes(expression: str, result: Decimal, percent: bool) -> bool:
    """Whether a shown calculation is right: its expression, evaluated, gives its result
    (a "/" with a "%" result is a percentage), at the result's own precision."""
    text = expression.strip(" :;,.").replace("−", "-").replace("–", "-").replace("×", "*")
    text = re.sub(r"[€%;]|\b[a-zA-Z]+\b", " ", text)
    text = re.sub(r"\d+(?:[.,]\d+)*", lambda m: str(extract_numbers(m.group())[0]), text)
    if not text.strip() or not _ARITHMETIC.match(text):
        return False
    try:
        value = _evaluate(ast.parse(text.strip(), mode="eval").body)
    except (ArithmeticError, SyntaxError, ValueError):
        return False
    if percent and "/" in text:
        value *= 100
    exponent = result.as_tuple().exponent
    step = Decimal(1).scaleb(exponent) if isinstance(exponent, int) else Decimal(1)
    return abs(abs(value) - abs(result)) <= step / 2 + Decimal("1e-9")


_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _evaluate(node: ast.expr) -> Decimal:
    """The value of an arithmetic expression of numbers, + − × / and brackets only."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return Decimal(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    raise ValueError("not plain arithmetic")


def _is_year(value: Decimal) -> bool:
    """Years name a period, not a figure; the refusal texts name the report's year."""
    return value == value.to_integral_value() and 1990 <= value <= 2100


def enforce_grounding(
    response: AskResponse, sources: dict[str, str], asked: str = "", names: Iterable[str] = ()
) -> AskResponse:
    """Check quotes are verbatim and numbers grounded; fall back to the bare quotes if not.

    `asked` is the question: numbers the asker wrote are not claims of the answer; `names`
    are the reports' labels, whose numbers name a report.
    """
    for citation in response.citations:
        verbatim = sources.get(citation.document, "")[citation.start : citation.end]
        if verbatim != citation.quote:
            raise AssertionError(f"citation {citation.id} is not verbatim source text")
    if response.route == "refusal" and not response.citations:
        return response  # says what is missing; its numbers are the reports' own names and years
    loose = ungrounded_numbers(response.answer, response.citations, asked, names)
    if not loose:
        return response
    log.warning(
        "answer had ungrounded numbers; answering with the quotes alone",
        extra={"count": len(loose), "route": response.route},
    )
    quotes = " ".join(f"“{' '.join(c.quote.split())}” [{c.id}]" for c in response.citations)
    if not quotes:
        return response.model_copy(update={"answer": ERROR_UNGROUNDED, "route": "refusal"})
    return response.model_copy(update={"answer": quotes})
