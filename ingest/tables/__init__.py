"""The tables of any Dutch annual report, read from its text alone.

`parse_tables(source, document, year)` finds every table whatever its layout and returns
them with exact offsets, plus the blocks that looked like a table but could not be read.
The readers run in turn and claim the lines they read, so a line belongs to one table:

    delimited.py  cells between "|", tabs or wide gaps ("pdftotext -layout")
    flat.py       one value per line, as copying an HTML table gives
    rows.py       a label followed by its figures on one line, as a PDF's text gives

`headers.py` rebuilds column headers, `context.py` finds titles, notes, units and
sections, `build.py` makes the `Table`, `totals.py` checks printed totals and `store.py`
keeps the tables of a build in one SQLite file.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from ingest.tables.build import build_table, legend, slugify
from ingest.tables.context import sections
from ingest.tables.delimited import read_delimited
from ingest.tables.flat import read_flat
from ingest.tables.grid import Found, Grid
from ingest.tables.lines import read_lines
from ingest.tables.model import (
    SECTION_SEPARATOR,
    Cell,
    Column,
    Note,
    Row,
    Table,
    TableParse,
    TableProblem,
    row_view,
)
from ingest.tables.rows import read_rows
from ingest.tables.store import TableStore, read_tables, write_table_store
from ingest.tables.totals import TotalMismatch, validate_tables

__all__ = [
    "SECTION_SEPARATOR",
    "Cell",
    "Column",
    "Note",
    "Row",
    "Table",
    "TableParse",
    "TableProblem",
    "TableStore",
    "TotalMismatch",
    "parse_tables",
    "read_tables",
    "row_view",
    "validate_tables",
    "write_table_store",
]

log = logging.getLogger(__name__)

_READERS = (read_delimited, read_flat, read_rows)


def parse_tables(source: str, document: str, year: int | None = None) -> TableParse:
    """All tables of one document and the table-like blocks that could not be read.

    `document` is the document id; table ids are "<document>/<slug of the title>",
    numbered on when a title repeats. `year` is the year the document reports on, used
    for tables whose title names none.
    """
    lines = read_lines(source)
    claimed = bytearray(len(lines))
    found: list[Found] = []
    for reader in _READERS:
        found.extend(reader(lines, source, claimed))
    found.sort(key=lambda item: item.first_line)
    paths = sections(lines, claimed)
    codes = legend(source)
    tables: list[Table] = []
    problems: list[TableProblem] = []
    seen: dict[str, int] = {}
    floor = 0
    for position, item in enumerate(found):
        limit = found[position + 1].first_line if position + 1 < len(found) else len(lines)
        if isinstance(item, Grid):
            table = build_table(
                source,
                lines,
                item,
                document=document,
                year=year,
                floor=floor,
                limit=limit,
                section=paths[item.first_line],
                codes=codes,
            )
            slug = slugify(table.title)
            seen[slug] = seen.get(slug, 0) + 1
            suffix = f"-{seen[slug]}" if seen[slug] > 1 else ""
            tables.append(replace(table, id=f"{document}/{slug}{suffix}"))
        else:
            number = lines[item.first_line].number
            problems.append(TableProblem(document, number, item.start, item.end, item.reason))
            log.debug("unreadable table", extra={"document": document, "line": number})
        floor = item.last_line + 1
    return TableParse(tuple(tables), tuple(problems))
