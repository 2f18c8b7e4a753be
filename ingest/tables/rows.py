"""Tables printed as rows: a label followed by its figures on one line (a PDF's text).

    Woonoverlast Lopende Afgeronde … Totaal          <- header lines
    Centrum 6 3 10 5 5 2 31                          <- a label, then one figure per column
    Lasten                                           <- a sub-heading: a label without figures
    Bevorderen /behouden veiligheid en leefbaarheid  <- a label wrapped over two lines
    in de wijk (5.2) -3.374 1 0 0 -3.372

A block is a run of such lines (a blank line or two may separate rows). Its header is
read from the lines right above it, to fit the number of figures per row; a row with too
few figures makes the block unreadable rather than guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.tables.context import is_note_line, is_unit_line, words_without_unit
from ingest.tables.grid import Found, Grid, GridRow, Unreadable, claim, label_of
from ingest.tables.headers import header_from_lines, is_total_label
from ingest.tables.lines import (
    Line,
    Token,
    is_sentence,
    is_year,
    join_words,
    may_end_with_figure,
    text_cell,
    trailing_cells,
)
from ingest.tables.model import Cell

MAX_LABEL_WORDS = 16
MAX_ROW_CHARS = 320  # a label of 16 words and a dozen figures
MAX_BLANKS = 2  # blank lines between two rows of one table
MAX_HEAD_LINES = 8
MAX_HEAD_WORDS = 24


@dataclass
class _Entry:
    """A line of a block: its figures (none for a label-only line) and the label before."""

    line: Line
    cells: list[Cell]
    label: list[Token]
    wrapped: bool = False  # a label line that completes the row above it


@dataclass
class _Row:
    entry: _Entry
    before: list[Line] = field(default_factory=list)  # label lines above the figures' line
    after: list[Line] = field(default_factory=list)  # label lines below it
    heading: str = ""


def _entry(line: Line, source: str) -> _Entry | None:
    """The line as a table line, or None when it is running text or a note."""
    if line.blank or len(line.text) > MAX_ROW_CHARS or is_note_line(line) or is_unit_line(line):
        return None
    cells, end = trailing_cells(line.tokens, source)
    label = list(line.tokens[:end])
    if len(label) > MAX_LABEL_WORDS:
        return None
    text = " ".join(t.text for t in label)
    if label and is_sentence(text):
        return None
    if not cells and not any(c.isalpha() for c in text):
        return None
    return _Entry(line, cells, label)


def _continues(text: str) -> bool:
    """A label that goes on from the line before ("in de wijk (5.2)", "eigen buurt",
    "12-17 jaar"); a numbered label ("6.1 Samenkracht") starts a row of its own."""
    if not text or text[0].islower() or text[0] == "(":
        return True
    first = text.split()[0]
    return first[0].isdigit() and re.fullmatch(r"\d+(?:\.\d+)*\.?", first) is None


def _all_years(entry: _Entry) -> bool:
    return bool(entry.cells) and all(is_year(c.raw) for c in entry.cells)


def _is_data(entry: _Entry | None) -> bool:
    """A row of figures. A line whose figures are all years is a header ("Type 2023 2024")
    or a title ("Handhaving 2023"): it is read with the lines above a table, never as a row."""
    return entry is not None and bool(entry.cells) and not _all_years(entry)


def read_rows(lines: Sequence[Line], source: str, claimed: bytearray) -> list[Found]:
    """Every row-layout table of the document, and the blocks that could not be read."""
    found: list[Found] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        entry = (
            None if claimed[index] or not may_end_with_figure(line.text) else _entry(line, source)
        )
        if entry is None or not _is_data(entry):
            index += 1
            continue
        block = _block(lines, source, claimed, entry)
        caption = len(block) > 1 and not block[1].cells
        if caption and any(len(e.cells) > len(entry.cells) for e in block[2:]):
            # A caption ending in a number ("Tabel 2.1 … programma 2") above the header
            # line: the table starts below it, and the caption is read with its head.
            index += 1
            continue
        item = _read_block(lines, source, claimed, block)
        if item is not None:
            found.append(item)
            claim(claimed, item.first_line, item.last_line)
        index = block[-1].line.index + 1
    return found


def _next_entry(
    lines: Sequence[Line], source: str, claimed: bytearray, index: int
) -> _Entry | None:
    """The table line after `index`, at most one blank line further."""
    for offset in (1, 2):
        following = index + offset
        if following >= len(lines) or claimed[following]:
            return None
        if not lines[following].blank:
            return _entry(lines[following], source)
    return None


def _block(lines: Sequence[Line], source: str, claimed: bytearray, first: _Entry) -> list[_Entry]:
    """The run of table lines starting at `first`."""
    entries = [first]
    index = first.line.index + 1
    blanks = 0
    wraps = False
    while index < len(lines) and not claimed[index]:
        line = lines[index]
        if line.blank:
            blanks += 1
            # One figure per row is too weak a sign to carry a table over a blank line:
            # running text that ends in a number would join it.
            if blanks > MAX_BLANKS or all(len(e.cells) <= 1 for e in entries):
                break
            index += 1
            continue
        entry = _entry(line, source)
        if entry is None or (entry.cells and not _is_data(entry)):
            break
        if not entry.cells:
            following = _next_entry(lines, source, claimed, index)
            goes_on = bool(entries[-1].cells) and (
                _continues(line.text) or (not blanks and wraps and len(entry.label) <= 3)
            )
            if not goes_on and not _is_data(following):
                break
            entry.wrapped = goes_on
            # This table prints wrapped labels below their figures: a short last line
            # right after the last row completes its label ("… artikel 13b" / "Opiumwet").
            wraps = wraps or (bool(entries[-1].cells) and _continues(line.text))
        entries.append(entry)
        blanks = 0
        index += 1
    while not entries[-1].cells and not entries[-1].wrapped:
        entries.pop()
    return entries


def _rows(entries: Sequence[_Entry]) -> list[_Row]:
    """Join wrapped labels to their figures; label lines that head rows become headings."""
    rows: list[_Row] = []
    pending: list[Line] = []
    heading = ""
    for position, entry in enumerate(entries):
        if entry.cells:
            rows.append(_Row(entry, pending, [], heading))
            pending, heading = [], ""
            continue
        following = entries[position + 1] if position + 1 < len(entries) else None
        next_label = label_of(following.label) if following else ""
        after_row = rows and not pending and not heading and entries[position - 1].cells
        if after_row and (_continues(entry.line.text) or (entry.wrapped and following is None)):
            rows[-1].after.append(entry.line)
        elif following is not None and following.cells and _continues(next_label):
            pending.append(entry.line)
        else:
            heading = " ".join([*(ln.text for ln in pending), entry.line.text])
            pending = []
    return rows


def _fit(rows: list[_Row], width: int) -> str | None:
    """Give back to the label figures a row has too many of; a Dutch reason if none fit."""
    for row in rows:
        cells = row.entry.cells
        if len(cells) > width:
            extra = cells[: len(cells) - width]
            if any(c.value is None or c.nil or c.percent or c.marker or c.year for c in extra):
                return f"rij '{label_of(row.entry.label)}' heeft {_values(len(cells))}"
            row.entry.label = [t for t in row.entry.line.tokens if t.end <= cells[-width].start]
            row.entry.cells = cells[-width:]
        elif len(cells) < width:
            label = label_of(row.entry.label) or row.entry.line.text
            return f"rij '{label}' heeft {_values(len(cells))}, de andere rijen {width}"
    return None


def _values(count: int) -> str:
    return f"{count} waarde" if count == 1 else f"{count} waarden"


def _text_start(label: Sequence[Token]) -> int | None:
    """Where a trailing text cell (an indicator's source: "CBS", "Stichting Halt") begins."""
    for index in range(len(label) - 1, 0, -1):
        if label[index].text[:1].isupper():
            while index > 1 and label[index - 1].text[:1].isupper():
                index -= 1
            return index
    return None


def head_lines(lines: Sequence[Line], claimed: bytearray, first: int, source: str) -> list[Line]:
    """The lines right above a table's rows that can be its header or caption."""
    head: list[Line] = []
    index = first - 1
    blanks = 0
    while index >= 0 and not claimed[index] and len(head) < MAX_HEAD_LINES:
        line = lines[index]
        if line.blank:
            blanks += 1
            if blanks > 1:
                break
            index -= 1
            continue
        if is_sentence(line.text) or len(line.tokens) > MAX_HEAD_WORDS:
            break
        entry = _entry(line, source)
        if entry is not None and len(entry.cells) > 1 and not _all_years(entry):
            break
        head.insert(0, line)
        blanks = 0
        index -= 1
    return head


def attached(head: Sequence[Line], index: int) -> int:
    """The first line of `head` that reaches `head[index]` without a blank line between."""
    while index > 0 and head[index - 1].index == head[index].index - 1:
        index -= 1
    return index


def _read_block(
    lines: Sequence[Line], source: str, claimed: bytearray, entries: list[_Entry]
) -> Found | None:
    rows = _rows(entries)
    while len(rows) > 1 and len(rows[-1].entry.cells) < len(rows[0].entry.cells):
        rows.pop()  # a page footer or a stray number after the table
    if not rows:
        return None
    counts = Counter(len(r.entry.cells) for r in rows)
    width = max(counts, key=lambda n: (counts[n], n))
    table_like = sum(len(e.cells) >= 2 for e in entries) >= 2
    head = head_lines(lines, claimed, entries[0].line.index, source)
    last_line = max([rows[-1].entry.line.index, *(ln.index for ln in rows[-1].after)])
    first_line = head[attached(head, len(head) - 1)].index if head else entries[0].line.index
    start, end = lines[first_line].start, lines[last_line].end
    problem = _fit(rows, width)
    if problem is not None:
        return Unreadable(first_line, last_line, start, end, problem) if table_like else None
    words = [words_without_unit(line) for line in head]
    kept = [i for i, w in enumerate(words) if w]
    splits = [_text_start(r.entry.label) for r in rows if not is_total_label(_label(r))]
    widths = [width, width + 1] if splits and all(s is not None for s in splits) else [width]
    header = header_from_lines([words[i] for i in kept], widths)
    unlabelled = any(not r.before and not r.entry.label for r in rows)
    if unlabelled or (width == 1 and (len(rows) < 2 or any(not r.entry.label for r in rows))):
        return None  # figures on lines of their own belong to another layout
    if header is None:
        reason = f"geen kopregel die past bij {width} kolommen"
        return Unreadable(first_line, last_line, start, end, reason) if table_like else None
    used = {head[kept[i]].index for i in header.used}
    heading = head[kept[header.first_group]] if header.first_group is not None else None
    if heading is not None and not rows[0].heading:
        rows[0].heading = heading.text
    # Lines above a blank line over the header are the text's, unless the header uses them.
    head = head[attached(head, min(i for i, ln in enumerate(head) if ln.index in used)) :]
    skip = used | ({heading.index} if heading is not None else set())
    captions = tuple(ln for ln in head if ln.index not in skip)
    text_column = len(header.columns) == width + 1
    grid_rows = tuple(_grid_row(source, row, text_column) for row in rows)
    head_or_row = tuple(head) or (entries[0].line,)
    return Grid("rows", header.stub, header.columns, grid_rows, head_or_row, captions, last_line)


def _label(row: _Row) -> str:
    return " ".join([*(ln.text for ln in row.before), label_of(row.entry.label)])


def _grid_row(source: str, row: _Row, text_column: bool) -> GridRow:
    label = list(row.entry.label)
    cells: list[Cell | None] = list(row.entry.cells)
    if text_column:
        split = _text_start(label)
        text = text_cell(label[split:], source) if split is not None else None
        label = label[:split] if split is not None else label
        cells.insert(0, text)
    words = [t.text for ln in row.before for t in ln.tokens]
    words += [t.text for t in label]
    words += [t.text for ln in row.after for t in ln.tokens]
    first = row.before[0].start if row.before else row.entry.line.start
    last = max([row.entry.cells[-1].end, *(ln.end for ln in row.after)])
    return GridRow(join_words(words), tuple(cells), first, last, row.heading)
