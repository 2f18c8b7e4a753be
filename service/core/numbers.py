"""Dutch number parsing and formatting, shared by table answers and the grounding check.

Dutch writes a thousands dot and a decimal comma ("13.939", "7,5", "€ 3,4 mln."). Every
figure an answer shows goes through these helpers, so the grounding check can read the
answer back with `extract_numbers` and find the same values the tables hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_MINUS = "-−–"
# A number: optional sign, digits with "." or "," groups. Not glued to letters ("e5", "A2").
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<sign>[-−–](?=\d))?(?P<body>\d+(?:[.,]\d+)*)(?![\w])"
    r"(?:\s*(?P<pct>%|procent|percent)|\s*(?P<scale>mln|miljoen|million|mld|miljard|billion)\b\.?)?",
    re.IGNORECASE,
)
_CITATION_MARKER = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_SCALES = {
    "mln": Decimal(10) ** 6,
    "miljoen": Decimal(10) ** 6,
    "million": Decimal(10) ** 6,
    "mld": Decimal(10) ** 9,
    "miljard": Decimal(10) ** 9,
    "billion": Decimal(10) ** 9,
}
_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_ENGLISH_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3}){2,}$")


def _body_value(body: str) -> Decimal:
    """Value of the digits part, deciding which separator is the decimal one."""
    if "." in body and "," in body:
        decimal_sep = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        return Decimal(body.replace(thousands, "").replace(decimal_sep, "."))
    if _DUTCH_THOUSANDS.match(body):
        return Decimal(body.replace(".", ""))
    if _ENGLISH_THOUSANDS.match(body):
        return Decimal(body.replace(",", ""))
    # One separator left: Dutch decimal comma, or an English decimal point ("7.5").
    return Decimal(body.replace(",", "."))


def parse_nl_number(text: str) -> Decimal | None:
    """The first number in `text`, scaled.

    "13.939" → 13939, "30,8%" → 30.8, "€ 1,1 mln." → 1100000.
    """
    numbers = extract_numbers(text)
    return numbers[0] if numbers else None


def extract_numbers(text: str) -> list[Decimal]:
    """Every number in a Dutch or English text, in order; citation markers like "[1]" are skipped.

    "mln"/"miljoen" scale the value ("€ 3,4 mln." → 3400000); a percentage keeps its
    number (30,8% → 30.8).
    """
    cleaned = _CITATION_MARKER.sub(" ", text)
    values = []
    for match in _NUMBER.finditer(cleaned):
        try:
            value = _body_value(match.group("body"))
        except InvalidOperation:
            continue
        if match.group("sign"):
            value = -value
        scale = match.group("scale")
        if scale:
            value *= _SCALES[scale.lower()]
        values.append(value)
    return values


def format_number(value: Decimal, places: int | None = None) -> str:
    """Dutch notation: 13939 → "13.939", 7.5 → "7,5", -3374 → "-3.374".

    Without `places` the value keeps its own precision (8.0 stays "8,0", as printed).
    """
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    return f"{sign}{result},{fraction}" if fraction else f"{sign}{result}"


def format_percent(value: Decimal, places: int = 1) -> str:
    """A percentage with a decimal comma: 32.38 → "32,4%"."""
    return f"{format_number(value, places)}%"


def format_euro(value: Decimal, scale: Decimal = Decimal(1)) -> str:
    """An amount in euros without its sign: (-3374, scale 1000) → "€ 3.374.000"."""
    return f"€ {format_number(abs(value * scale).normalize().quantize(Decimal(1)))}"


def percentage(part: Decimal, whole: Decimal) -> Decimal:
    """`part` as a percentage of `whole`, exact up to Decimal precision."""
    return part / whole * 100


def signed_sum(terms: Sequence[tuple[int, Decimal]]) -> str:
    """A sum written out the Dutch way: "-56 + 0 − 0 + 200", "144 + (-3.372) + (-16.672)".

    Each term is (sign, value): a sign of -1 subtracts the value as printed.
    """
    text = []
    for i, (sign, value) in enumerate(terms):
        shown = format_number(value)
        if i == 0:
            text.append(shown if sign > 0 else f"−{shown}")
        elif sign < 0:
            text.append(f"− {shown}")
        else:
            text.append(f"+ ({shown})" if value < 0 else f"+ {shown}")
    return " ".join(text)


def passes(value: Decimal, op: str, bound: Decimal) -> bool:
    """Whether `value op bound` holds, for op one of ">", "<", "=", ">=", "<="."""
    return {
        ">": value > bound,
        "<": value < bound,
        "=": value == bound,
        ">=": value >= bound,
        "<=": value <= bound,
    }[op]
