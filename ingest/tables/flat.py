"""Tables flattened to one value per line, as copying an HTML table gives:

    Indicator            <- the header cells, one per line (a cell may span lines when
    Bron                    cells are separated by blank lines)
    Realisatie 2024
    Aantal meldingen     <- a row: its label, its text cells, its figures, one per line
    Politie
    420

Rows are found as runs of figure lines of one length, separated by the same number of
text lines; those text lines are the label and the text cells (before or after the
figures). The header is the same number of cells right before the first row.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.tables.context import is_note_line, is_unit_line
from ingest.tables.grid import Found, Grid, GridRow, Unreadable, claim
from ingest.tables.headers import header_from_cells
from ingest.tables.lines import Line, is_sentence, is_year, text_cell, whole_cell
from ingest.tables.model import Cell

MAX_CELL_WORDS = 16
MAX_FIGURE_CHARS = 24  # "61,2 % (2020)", "€ 1.234.567 N": a figure line is short
MAX_GAP = 6  # text lines between two runs of figures in one table
MAX_HEADER_EXTRA = 6  # header cells above the columns: groups, a caption


@dataclass(frozen=True)
class _Unit:
    """A header cell: one line, or a paragraph when cells are separated by blank lines."""

    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass(frozen=True)
class _Run:
    first: int  # position in the list of non-blank lines
    last: int


def read_flat(lines: Sequence[Line], source: str, claimed: bytearray) -> list[Found]:
    """Every one-value-per-line table of the document."""
    filled = [line for line in lines if line.text and not claimed[line.index]]
    values = [
        whole_cell(line.tokens, source) if len(line.text) <= MAX_FIGURE_CHARS else None
        for line in filled
    ]
    runs = _runs(filled, values)
    found: list[Found] = []
    for group in _groups(filled, runs):
        item = _read(lines, source, claimed, filled, values, group)
        if item is not None:
            found.append(item)
            claim(claimed, item.first_line, item.last_line)
    return found


def _runs(filled: Sequence[Line], values: Sequence[Cell | None]) -> list[_Run]:
    """Maximal runs of figure lines, with no more than two blank lines inside."""
    runs: list[_Run] = []
    first = None
    for position, value in enumerate(values):
        adjacent = position and filled[position].index - filled[position - 1].index <= 3
        if value is not None and first is not None and adjacent:
            continue
        if first is not None:
            runs.append(_Run(first, position - 1))
            first = None
        if value is not None:
            first = position
    if first is not None:
        runs.append(_Run(first, len(values) - 1))
    return runs


def _cell_like(line: Line) -> bool:
    return len(line.text.split()) <= MAX_CELL_WORDS and not is_sentence(line.text)


def _header_like(line: Line) -> bool:
    return _cell_like(line) and not is_note_line(line) and not is_unit_line(line)


def _groups(filled: Sequence[Line], runs: Sequence[_Run]) -> list[list[_Run]]:
    """Runs of one length separated by a few label lines: the rows of one table."""
    groups: list[list[_Run]] = []
    current: list[_Run] = []
    for run in runs:
        size = run.last - run.first + 1
        if current:
            previous = current[-1]
            between = range(previous.last + 1, run.first)
            same = size == previous.last - previous.first + 1
            near = 0 < len(between) <= MAX_GAP and all(_cell_like(filled[p]) for p in between)
            if same and near and size >= 2:
                current.append(run)
                continue
            groups.append(current)
        current = [run]
    if current:
        groups.append(current)
    result = []
    for group in groups:
        # A gap longer than the usual one plus a sub-heading ends the table.
        gaps = [b.first - a.last - 1 for a, b in itertools.pairwise(group)]
        usual = min(gaps, default=0)
        start = 0
        for position, gap in enumerate(gaps):
            if gap > usual + 1:
                result.append(group[start : position + 1])
                start = position + 1
        result.append(group[start:])
    return [g for g in result if len(g) >= 2 and g[0].last > g[0].first]


@dataclass(frozen=True)
class _Shape:
    """How the rows of one table are laid out around their runs of figures."""

    size: int  # figures per row
    before: int  # text lines before the figures: the label, then text cells
    after: int  # text cells after the figures
    usual: int  # text lines between two runs of figures (after + before)
    spaced: bool  # cells separated by blank lines

    @property
    def width(self) -> int:
        """Columns besides the label column."""
        return self.before - 1 + self.size + self.after


def _shape(filled: Sequence[Line], runs: Sequence[_Run]) -> _Shape:
    """Split the usual gap between runs into the previous row's trailing text cells and the
    next row's label and leading text cells: the trailing ones are those after the last run
    (up to a blank line, or the end of the cells)."""
    size = runs[0].last - runs[0].first + 1
    usual = min(b.first - a.last - 1 for a, b in itertools.pairwise(runs))
    spaced = filled[runs[0].last].index - filled[runs[0].first].index > size - 1
    after = 0
    position = runs[-1].last + 1
    while position < len(filled) and after < usual - 1 and _cell_like(filled[position]):
        if filled[position].index - filled[position - 1].index > (3 if spaced else 1):
            break
        after, position = after + 1, position + 1
    return _Shape(size, usual - after, after, usual, spaced)


def _read(
    lines: Sequence[Line],
    source: str,
    claimed: bytearray,
    filled: Sequence[Line],
    values: Sequence[Cell | None],
    runs: list[_Run],
) -> Found | None:
    shape = _shape(filled, runs)
    if runs[0].first - shape.before < 0:
        return None
    records = list(runs)
    figures = [values[p] for p in range(runs[0].first, runs[0].last + 1)]
    year_row = all(c is not None and is_year(c.raw) for c in figures)
    if year_row:
        # A first "row" of years is the header's last part ("Type", "2023", "2024").
        records = records[1:]
    first = records[0].first - shape.before
    units = _header_units(claimed, filled, first, shape)
    gaps = [b.first - a.last - 1 for a, b in itertools.pairwise(records)]
    header = header_from_cells(
        [u.text for u in units], shape.width, max(gaps, default=0) > shape.usual
    )
    first_line = (units[0].lines[0] if units else filled[first]).index
    last_line = filled[records[-1].last + shape.after].index
    if header is None:
        start, end = lines[first_line].start, lines[last_line].end
        reason = f"geen kopregel die past bij {shape.width} kolommen"
        return Unreadable(first_line, last_line, start, end, reason)
    heading = units[header.first_group].text if header.first_group is not None else ""
    rows = []
    for number, run in enumerate(records):
        lead = run.first - shape.before
        gap_start = records[number - 1].last + 1 + shape.after if number else lead
        if lead > gap_start:
            heading = " ".join(filled[p].text for p in range(gap_start, lead))
        texts_after = range(run.last + 1, run.last + 1 + shape.after)
        cells: list[Cell | None] = [
            text_cell(filled[p].tokens, source) for p in range(lead + 1, run.first)
        ]
        cells += [values[p] for p in range(run.first, run.last + 1)]
        cells += [text_cell(filled[p].tokens, source) for p in texts_after]
        label = filled[lead]
        end = filled[run.last + shape.after].end
        rows.append(GridRow(label.text, tuple(cells), label.start, end, heading))
        heading = ""
    used = sorted(header.used | ({header.first_group} if header.first_group is not None else set()))
    captions = tuple(line for u in units[: used[0]] for line in u.lines) if used else ()
    head = tuple(line for u in units for line in u.lines) or (filled[first],)
    return Grid("one_per_line", header.stub, header.columns, tuple(rows), head, captions, last_line)


def _header_units(
    claimed: bytearray, filled: Sequence[Line], first: int, shape: _Shape
) -> list[_Unit]:
    """The header cells before the first row (`filled[first]`): one per line, or one per
    paragraph when the table separates its cells by blank lines. A first row of years
    (the header printed as a row) is included, as it comes before `first`."""
    limit = shape.width + 1 + MAX_HEADER_EXTRA
    units: list[_Unit] = []
    position = first - 1
    while position >= 0 and len(units) < limit:
        line = filled[position]
        gap = filled[position + 1].index - line.index - 1
        if claimed[line.index] or gap > (2 if shape.spaced else 0) or not _header_like(line):
            break
        if shape.spaced and gap == 0 and units:
            units[0] = _Unit((line, *units[0].lines))
        else:
            units.insert(0, _Unit((line,)))
        position -= 1
    return units
