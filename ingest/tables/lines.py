"""A report's text as lines of tokens with exact offsets, and the figures printed in them.

Every layout reader works on these values, so offsets are computed once:
`source[token.start:token.end] == token.text` and `source[cell.start:cell.end] == cell.raw`.
Figures are read the Dutch way: "1.234" is a thousand-two-hundred-thirty-four, "7,5" a
decimal, "-", "–" print nil, "12,5 %" is a percentage, "3,1 (2019)" a value measured in
2019, "4.120 N" an amount marked nadelig (counted negative) and "125 V" voordelig (an amount
printed with its own sign keeps it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from ingest.tables.model import Cell

_TOKEN = re.compile(r"\S+")
_NUMBER = re.compile(
    r"(?P<sign>[+\-−–])?(?P<euro>€)?(?P<digits>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<decimals>\d+))?"
    r"(?P<percent>%)?(?P<footnote>\*{1,3})?"
)
_NIL = re.compile(r"[-–—−]{1,2}")
# Printed in a figure's place when there is no figure: not known, not applicable, pro memorie.
_PLACEHOLDER = re.compile(r"n\.?b\.?|n\.?v\.?t\.?|n\.?t\.?b\.?|p\.?m\.?", re.IGNORECASE)
_FIGURE_ENDINGS = frozenset("0123456789%-–—−)*")
_PLACEHOLDER_END = re.compile(r"(?:^|\s)(?:n\.?b\.?|n\.?v\.?t\.?|n\.?t\.?b\.?|p\.?m\.?)$", re.I)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_YEAR_SPAN = re.compile(r"(?:19|20)\d{2}[/-](?P<last>(?:19|20)?\d{2})")
_YEAR_IN_PARENTHESES = re.compile(r"\((?P<year>(?:19|20)\d{2})\)")
_YEAR_CODE = re.compile(r"(?P<letter>[A-Z])[-']?(?P<year>(?:19|20)\d{2})")
_MARKERS = {"N": -1, "V": 1}  # nadelig / voordelig after an amount
_SENTENCE_BREAK = re.compile(r"[a-zà-ÿ)%\d]{2}[.!?]\s+[A-Z\"“‘(]")
# Words that glue a header's words together ("Begroting na wijziging", "Koop tot NHG-grens"):
# a header cell never ends on one of them when its next word is lowercase.
FUNCTION_WORDS = frozenset(
    "aan als bij de van het een en in na naar of om op over per t/m te ten tot uit voor vs vs."
    " t.o.v. tov met zonder incl. excl. inclusief exclusief".split()
)
_SENTENCE_END = re.compile(r"[a-zà-ÿ)%\d\"”’]{2}[.!?;]$")


class Token(NamedTuple):
    """One whitespace-separated word of a line, with its offsets in the source."""

    text: str
    start: int
    end: int


class Line:
    """One line of the source: `text == source[start:end]`, without surrounding blanks.

    Tokens are split on first use: most lines of a report are running text that a cheap
    test already rules out, and not allocating their words keeps a long report fast.
    """

    __slots__ = ("_tokens", "begin", "end", "index", "start", "text")

    def __init__(self, index: int, start: int, end: int, text: str, begin: int) -> None:
        self.index = index
        self.start = start
        self.end = end
        self.text = text
        self.begin = begin  # where the line begins in the source, leading blanks included
        self._tokens: tuple[Token, ...] | None = None

    def __repr__(self) -> str:
        return f"Line({self.number}, {self.text!r})"

    @property
    def tokens(self) -> tuple[Token, ...]:
        """The whitespace-separated words with their offsets."""
        if self._tokens is None:
            start = self.start
            self._tokens = tuple(
                Token(m.group(), start + m.start(), start + m.end())
                for m in _TOKEN.finditer(self.text)
            )
        return self._tokens

    @property
    def blank(self) -> bool:
        """True for an empty or whitespace-only line."""
        return not self.text

    @property
    def number(self) -> int:
        """The 1-based line number, as an editor shows it."""
        return self.index + 1

    @property
    def words(self) -> tuple[str, ...]:
        """The token texts."""
        return tuple(token.text for token in self.tokens)


def read_lines(source: str) -> list[Line]:
    """Split the source into lines with exact offsets; one pass."""
    lines = []
    position = 0
    for index, raw in enumerate(source.splitlines(keepends=True)):
        body = raw.rstrip()
        stripped = body.lstrip()
        start = position + len(body) - len(stripped)
        lines.append(Line(index, start, position + len(body), stripped, position))
        position += len(raw)
    return lines


def parse_number(raw: str) -> Decimal:
    """The exact value of a Dutch number token: "-3.374" -> -3374, "7,5" -> 7.5."""
    match = _NUMBER.fullmatch(raw)
    if match is None:
        raise ValueError(f"geen getal: {raw!r}")
    return _value(match)


def _value(match: re.Match[str]) -> Decimal:
    digits = match.group("digits").replace(".", "")
    decimals = match.group("decimals")
    value = Decimal(f"{digits}.{decimals}" if decimals else digits)
    return -value if match.group("sign") in ("-", "−", "–") else value


def is_year(text: str) -> bool:
    """A four-digit year such as "2024"."""
    return _YEAR.fullmatch(text) is not None


def year_of(text: str) -> int | None:
    """The year a header word names: "2024", "2023/2024" (-> 2024), "R2021" (-> 2021)."""
    if _YEAR.fullmatch(text):
        return int(text)
    span = _YEAR_SPAN.fullmatch(text)
    if span:
        last = span.group("last")
        return int(text[:2] + last) if len(last) == 2 else int(last)
    code = _YEAR_CODE.fullmatch(text)
    return int(code.group("year")) if code else None


def year_code(text: str) -> tuple[str, int] | None:
    """A one-letter code with a year, as in "B2021" / "R2021": ("B", 2021)."""
    code = _YEAR_CODE.fullmatch(text)
    return (code.group("letter"), int(code.group("year"))) if code else None


def is_yearish(text: str) -> bool:
    """A word that names a year on its own: "2024", "2023/2024", "R2021"."""
    return year_of(text) is not None


def is_number(text: str) -> bool:
    """A figure token on its own ("1.234", "-7,5", "12%")."""
    return _NUMBER.fullmatch(text) is not None


def may_end_with_figure(text: str) -> bool:
    """A cheap first test for a table row: the line ends the way a figure ends."""
    return bool(text) and (
        text[-1] in _FIGURE_ENDINGS
        or text.endswith((" N", " V"))
        or _PLACEHOLDER_END.search(text) is not None
    )


def is_sentence(text: str) -> bool:
    """Running text rather than a label: a sentence ends inside it or at its end."""
    return bool(_SENTENCE_BREAK.search(text) or _SENTENCE_END.search(text))


def cell_ending_at(tokens: Sequence[Token], end: int, source: str) -> tuple[Cell, int] | None:
    """The figure whose last token is `tokens[end - 1]`, and the index of its first token.

    Reads the forms "1.234", "€ 1.234", "12,5 %", "3,1 (2019)", "4.120 N", "-", "n.b.".
    """
    if end <= 0:
        return None
    last = end - 1
    marker = year = None
    index = last
    text = tokens[index].text
    if text in _MARKERS and index > 0 and _NUMBER.fullmatch(tokens[index - 1].text):
        marker, index = text, index - 1
    elif (found := _YEAR_IN_PARENTHESES.fullmatch(text)) and index > 0:
        year, index = int(found.group("year")), index - 1
    percent_token = tokens[index].text == "%" and index > 0
    if percent_token:
        index -= 1
    number = _NUMBER.fullmatch(tokens[index].text)
    if number is None:
        if index == last and _NIL.fullmatch(text):
            return _cell(source, tokens, index, last, Decimal(0), nil=True), index
        if index == last and _PLACEHOLDER.fullmatch(text):
            return _cell(source, tokens, index, last, None), index
        return None
    if percent_token and number.group("percent"):
        return None
    value = _value(number)
    if marker is not None and not number.group("sign"):
        # An unsigned amount takes its sign from the marker; a printed sign stays as printed.
        value *= _MARKERS[marker]
    if index > 0 and tokens[index - 1].text == "€" and not number.group("euro"):
        index -= 1
    percent = percent_token or bool(number.group("percent"))
    cell = _cell(
        source, tokens, index, last, value, percent=percent, year=year, marker=marker or ""
    )
    return cell, index


def _cell(
    source: str,
    tokens: Sequence[Token],
    first: int,
    last: int,
    value: Decimal | None,
    *,
    nil: bool = False,
    percent: bool = False,
    year: int | None = None,
    marker: str = "",
) -> Cell:
    start, end = tokens[first].start, tokens[last].end
    raw = source[start:end]
    return Cell(raw, start, end, value, percent=percent, nil=nil, year=year, marker=marker)


def trailing_cells(tokens: Sequence[Token], source: str) -> tuple[list[Cell], int]:
    """The figures at the end of a line, in reading order, and where the label ends."""
    cells: list[Cell] = []
    end = len(tokens)
    while end > 0:
        found = cell_ending_at(tokens, end, source)
        if found is None:
            break
        cell, end = found
        cells.append(cell)
    cells.reverse()
    return cells, end


def whole_cell(tokens: Sequence[Token], source: str) -> Cell | None:
    """The figure when the tokens are exactly one figure ("12,5 %", "-"), else None."""
    found = cell_ending_at(tokens, len(tokens), source) if tokens else None
    return found[0] if found and found[1] == 0 else None


def text_cell(tokens: Sequence[Token], source: str) -> Cell:
    """A cell that holds words (a source such as "CBS"), verbatim from the source."""
    start, end = tokens[0].start, tokens[-1].end
    return Cell(source[start:end], start, end, None)


def join_words(words: Sequence[str]) -> str:
    """Words as one label; a word broken with a hyphen at a line end is joined again."""
    text = ""
    for word in words:
        broken = text.endswith("-") and len(text) > 1 and text[-2].isalpha()
        if broken and word[:1].islower() and word not in FUNCTION_WORDS:
            text = text[:-1] + word
        else:
            text = f"{text} {word}" if text else word
    return text
