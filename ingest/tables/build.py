"""A read grid plus what its surroundings say becomes a `Table`, whatever the layout."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from ingest.tables.context import describe, notes_below, target_met, year_in
from ingest.tables.grid import Grid
from ingest.tables.headers import is_total_label
from ingest.tables.lines import Line, year_code
from ingest.tables.model import Cell, Column, Row, Table

_LEGEND = re.compile(
    r"(?<![\w.])(?P<letter>[A-Z])\s*(?:=|:|staat\s+voor|voor)\s*(?P<word>[a-z]{4,})\b"
)
_TARGET_WORDS = ("begroting", "begroot", "streefwaarde", "doel", "norm", "raming")
_ACTUAL_WORDS = ("realisatie", "gerealiseerd", "werkelijk")
_MONEY_WORDS = ("lasten", "baten")


def legend(source: str) -> dict[str, str]:
    """One-letter codes the report explains ("B staat voor begroting, R voor realisatie")."""
    codes = {"B": "begroting", "R": "realisatie"}
    for match in _LEGEND.finditer(source):
        codes[match.group("letter")] = match.group("word")
    return codes


def slugify(text: str) -> str:
    """An ASCII slug for ids: "Tabel 5.1 Woonoverlast 2024" -> "tabel-5-1-woonoverlast-2024"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "tabel"


def _with_aliases(column: Column, codes: Mapping[str, str]) -> Column:
    aliases = []
    for level in column.header:
        for word in level.split():
            code = year_code(word)
            if code and code[0] in codes:
                aliases.append(f"{codes[code[0]]} {code[1]}")
    return replace(column, aliases=tuple(aliases)) if aliases else column


def _rows(grid: Grid) -> tuple[Row, ...]:
    """Rows with their sub-heading; a group's total row closes the group."""
    rows = []
    group = ""
    for read in grid.rows:
        if read.heading:
            group = read.heading
        total = is_total_label(read.label)
        rows.append(Row(read.label, read.cells, read.start, read.end, total, group))
        if total:
            group = ""
    return tuple(rows)


def _numbers(rows: Sequence[Row]) -> list[Cell]:
    return [c for r in rows for c in r.cells if c is not None and c.value is not None and not c.nil]


def _plain_unit(title: str, stub: str, rows: Sequence[Row]) -> str:
    """The unit of a table without a money unit: from its figures, title and stub."""
    numbers = _numbers(rows)
    words = f"{title} {stub}".lower()
    if numbers and all(c.percent for c in numbers):
        return "%"
    if "rapportcijfer" in words:
        return "rapportcijfer"
    if words.startswith(("percentage", "%")):
        return "%"
    if re.search(r"\baantal", words):
        return "aantal"
    if numbers and all("€" in c.raw for c in numbers):
        return "€"
    return ""


def _kind(columns: Sequence[Column], rows: Sequence[Row], unit: str, stub: str) -> str:
    """What the table is, for statistics: cross, financial, indicator, year_series, list."""
    words = " ".join([*(c.label for c in columns), *(r.label for r in rows)]).lower()
    cells = [c for r in rows for c in r.cells if c is not None]
    if any(len(c.header) > 1 for c in columns):
        return "cross"
    if unit.startswith("€") or any(re.search(rf"\b{w}\b", words) for w in _MONEY_WORDS):
        return "financial"
    texts = [c for c in cells if c.value is None and any(ch.isalpha() for ch in c.raw)]
    if texts or any(c.year for c in cells) or stub.lower().startswith("indicator"):
        return "indicator"
    if columns and all(c.year for c in columns):
        return "year_series"
    return "list"


def _direction(rows: Sequence[Row], met: bool | None, title: str) -> bool | None:
    """Whether a higher realisation is better, read from the data and the verdict.

    Target met while the realisation is below the target means lower is better (fewer
    burglaries); met above it, higher is better. A report mark is better higher.
    """
    target = next((r for r in rows if r.label.lower().startswith(_TARGET_WORDS)), None)
    actual = next((r for r in rows if r.label.lower().startswith(_ACTUAL_WORDS)), None)
    if met is not None and target and actual:
        pairs = [
            (a.value, b.value)
            for a, b in zip(actual.cells, target.cells, strict=True)
            if a and b and a.value is not None and b.value is not None
        ]
        if pairs and pairs[-1][0] != pairs[-1][1]:
            return (pairs[-1][0] > pairs[-1][1]) == met
    if "cijfer" in title.lower():
        return True
    return None


def build_table(
    source: str,
    lines: Sequence[Line],
    grid: Grid,
    *,
    document: str,
    year: int | None,
    floor: int,
    limit: int,
    section: str,
    codes: Mapping[str, str],
) -> Table:
    """The `Table` for a grid; `floor`/`limit` bound the lines its title and notes may use."""
    context = describe(lines, grid.head, grid.captions, floor, grid.stub)
    notes = (*context.notes, *notes_below(source, lines, grid.last_line, limit))
    rows = _rows(grid)
    columns = tuple(_with_aliases(c, codes) for c in grid.columns)
    title = context.title
    start = min(lines[context.start_line].start, grid.head[0].start)
    end = max(row.end for row in rows)
    title_start, title_end = start, start
    if context.title_line is not None:
        title_start, title_end = context.title_line.start, context.title_line.end
    if context.unit is not None:
        unit, scale = context.unit.name, context.unit.scale
    else:
        unit, scale = _plain_unit(title, grid.stub, rows), Decimal(1)
    met = target_met(notes)
    return Table(
        id=slugify(title),
        document=document,
        title=title,
        section=context.section or section,
        layout=grid.layout,
        kind=_kind(columns, rows, unit, grid.stub),
        unit=unit,
        scale=scale,
        stub=grid.stub,
        columns=columns,
        rows=rows,
        start=start,
        end=end,
        title_start=title_start,
        title_end=title_end,
        year=year_in(title) or year,
        notes=notes,
        target_met=met,
        higher_is_better=_direction(rows, met, title),
        line=lines[context.start_line].number,
    )
