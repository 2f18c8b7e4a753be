"""Tables whose cells are marked off: by "|" (a Markdown or pasted grid), by tabs, or by
gaps of two or more spaces (text extracted with its layout kept):

    | Categorie melding | Aantal 2022 | Aantal 2023 |      Indicator      Eenheid   Realisatie
    |---|---|---|                                        Netto participatie  %       68,5 %
    | Afval en zwerfvuil | 6.412 | 7.035 |

Cells are explicit, so a row's cells are read as printed; in a gap-aligned table a row
with a cell left empty is matched to the header by the position of its cells.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.tables.context import words_without_unit
from ingest.tables.grid import Found, Grid, GridRow, Unreadable, claim
from ingest.tables.headers import Header, header_from_lines, header_from_rows
from ingest.tables.lines import Line, Token, is_year, text_cell, whole_cell
from ingest.tables.model import Cell
from ingest.tables.rows import attached, head_lines

_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")
_GAP = re.compile(r"\t+| {2,}")
MIN_ROWS = 2


@dataclass(frozen=True)
class _Part:
    """One delimited cell: its text and offsets (`start == end` when empty)."""

    text: str
    start: int
    end: int

    @property
    def center(self) -> float:
        return (self.start + self.end) / 2


@dataclass(frozen=True)
class _Split:
    line: Line
    kind: str  # "pipe", "tab", "gap" or "rule"
    parts: tuple[_Part, ...]


def _split(line: Line, source: str) -> _Split | None:
    """The line's cells when it is delimited, else None."""
    text = line.text
    if _RULE.fullmatch(text) and "|" in text:
        return _Split(line, "rule", ())
    if text.count("|") >= 2:
        kind, pieces = "pipe", _pieces(line, re.compile(r"\|"))
        if text.startswith("|"):
            pieces = pieces[1:]
        if text.endswith("|"):
            pieces = pieces[:-1]
        return _Split(line, kind, tuple(pieces))
    if "\t" in text:
        return _Split(line, "tab", tuple(_pieces(line, re.compile(r"\t"))))
    if "  " in text:
        return _Split(line, "gap", tuple(p for p in _pieces(line, _GAP) if p.text))
    return None


def _pieces(line: Line, separator: re.Pattern[str]) -> list[_Part]:
    parts = []
    position = 0
    for match in [*separator.finditer(line.text), None]:
        stop = match.start() if match else len(line.text)
        raw = line.text[position:stop]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        start = line.start + position + lead
        parts.append(_Part(body, start, start + len(body)))
        position = match.end() if match else len(line.text)
    return parts


def _tokens(line: Line, part: _Part) -> list[Token]:
    return [t for t in line.tokens if part.start <= t.start and t.end <= part.end]


def _cell(line: Line, part: _Part, source: str) -> Cell | None:
    tokens = _tokens(line, part)
    if not tokens:
        return None
    return whole_cell(tokens, source) or text_cell(tokens, source)


def _is_value(line: Line, part: _Part, source: str) -> bool:
    cell = _cell(line, part, source)
    return cell is not None and cell.value is not None and not is_year(cell.raw)


def read_delimited(lines: Sequence[Line], source: str, claimed: bytearray) -> list[Found]:
    """Every delimited table of the document, and the blocks that could not be read."""
    found: list[Found] = []
    index = 0
    while index < len(lines):
        first = _split(lines[index], source) if not claimed[index] else None
        if first is None or (first.kind == "gap" and len(first.parts) < 3):
            index += 1
            continue
        block = [first]
        kinds = {"pipe", "rule"} if first.kind in ("pipe", "rule") else {first.kind}
        following = index + 1
        while following < len(lines) and not claimed[following]:
            split = _split(lines[following], source)
            if split is None or split.kind not in kinds:
                break
            sparse = split.kind == "gap" and len(split.parts) < 3
            if sparse and not _is_value(split.line, split.parts[-1], source):
                break  # one gap and no figure: wide spacing in prose, not a row
            block.append(split)
            following += 1
        item = _read_block(lines, source, claimed, block)
        if item is not None:
            found.append(item)
            claim(claimed, item.first_line, item.last_line)
        index = following
    return found


def _read_block(
    lines: Sequence[Line], source: str, claimed: bytearray, block: list[_Split]
) -> Found | None:
    rule = next((i for i, s in enumerate(block) if s.kind == "rule"), None)
    rows = [s for s in block if s.kind != "rule"]
    valued = [s for s in rows if any(_is_value(s.line, p, source) for p in s.parts[1:])]
    if len(valued) < MIN_ROWS:
        return None
    if rule is not None:
        header_rows = [s for s in block[:rule] if s.kind != "rule"]
    else:
        header_rows = []
        for split in rows:
            # Figures start the body, and so does a sub-heading (a label with empty cells).
            if split in valued or not any(p.text for p in split.parts[1:]):
                break
            header_rows.append(split)
    body = rows[len(header_rows) :]
    if sum(split in valued for split in body) < MIN_ROWS:
        return None
    layout = "aligned" if block[0].kind == "gap" else "delimited"
    widest = max(header_rows or body, key=lambda s: len(s.parts))
    width = _width(header_rows, body)
    first_line, last_line = block[0].line.index, body[-1].line.index
    start, end = block[0].line.start, body[-1].line.end
    aligned: list[list[_Part | None]] = []
    for split in [*header_rows, *body]:
        cells = _align(split, widest, width, layout)
        if cells is None:
            reason = f"rij '{split.parts[0].text}' past niet onder de {width} kolommen"
            return Unreadable(first_line, last_line, start, end, reason)
        aligned.append(cells)
    above = head_lines(lines, claimed, first_line, source)
    if above and above[-1].index == first_line - 1:
        captions = above[attached(above, len(above) - 1) :]
    else:
        captions = []  # a caption above a blank line is found by the table's context
    header: Header | None
    if header_rows:
        texts = [[p.text if p else "" for p in cells] for cells in aligned[: len(header_rows)]]
        header = header_from_rows(texts, width)
        head = [*captions, *(s.line for s in header_rows)]
    else:
        header = header_from_lines([words_without_unit(ln) for ln in captions], [width])
        head = list(captions)
        if header is not None:
            captions = [ln for i, ln in enumerate(captions) if i not in header.used]
    if header is None:
        reason = f"geen kopregel die past bij {width} kolommen"
        return Unreadable(first_line, last_line, start, end, reason)
    grid_rows = _rows(source, body, aligned[len(header_rows) :])
    head_or_row = tuple(head) or (body[0].line,)
    return Grid(
        layout, header.stub, header.columns, grid_rows, head_or_row, tuple(captions), last_line
    )


def _width(header_rows: Sequence[_Split], body: Sequence[_Split]) -> int:
    """Columns besides the label column: from the header, else the usual row length."""

    def filled(split: _Split) -> int:
        parts = list(split.parts)
        while parts and not parts[-1].text:
            parts.pop()
        return len(parts)

    if header_rows:
        return max(filled(s) for s in header_rows) - 1
    counts = Counter(filled(s) for s in body)
    return max(counts, key=lambda n: (counts[n], n)) - 1


def _align(split: _Split, widest: _Split, width: int, layout: str) -> list[_Part | None] | None:
    """The label cell plus one cell (or None) per column; None when it cannot fit."""
    parts: list[_Part | None] = list(split.parts)
    while len(parts) > width + 1 and parts[-1] is not None and not parts[-1].text:
        parts.pop()
    if len(parts) == width + 1:
        return [p if p is not None and p.text else None for p in parts]
    if layout != "aligned" or len(parts) > width + 1:
        return None if len(parts) > width + 1 else [*parts, *[None] * (width + 1 - len(parts))]
    # Aligned by position: each cell goes under the header cell it overlaps most (or the
    # nearest one), measured from the start of its own line.
    anchors = [(a.start - widest.line.begin, a.end - widest.line.begin) for a in widest.parts]
    anchors = [anchors[0], *anchors[-width:]]
    placed: list[_Part | None] = [None] * (width + 1)
    for part in split.parts:
        left, right = part.start - split.line.begin, part.end - split.line.begin
        fits = [min(right, end) - max(left, start) for start, end in anchors]
        column = fits.index(max(fits))
        if placed[column] is not None:
            return None
        placed[column] = part
    return placed


def _rows(
    source: str, body: Sequence[_Split], aligned: Sequence[list[_Part | None]]
) -> tuple[GridRow, ...]:
    rows = []
    heading = ""
    for split, parts in zip(body, aligned, strict=True):
        label = parts[0]
        cells = tuple(_cell(split.line, p, source) if p else None for p in parts[1:])
        if all(c is None for c in cells):
            heading = label.text if label else ""
            continue
        present = [p for p in parts if p is not None and p.text]
        start, end = present[0].start, present[-1].end
        rows.append(GridRow(label.text if label else "", cells, start, end, heading))
        heading = ""
    return tuple(rows)
