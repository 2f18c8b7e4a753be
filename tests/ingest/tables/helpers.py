"""Shared helpers for the table tests: parse a text and check every offset on the way."""

from __future__ import annotations

from typing import TypeVar

from ingest.tables import Table, TableParse, parse_tables

T = TypeVar("T")


def the(value: T | None) -> T:
    """The value, which the test expects to be there (a cell, a note)."""
    assert value is not None
    return value


def parse(source: str, document: str = "doc", year: int | None = None) -> TableParse:
    """Parse and assert that every figure, row and note points at its verbatim source."""
    parsed = parse_tables(source, document, year)
    for table in parsed.tables:
        assert_offsets(source, table)
    for problem in parsed.problems:
        assert source[problem.start : problem.end].strip()
    return parsed


def assert_offsets(source: str, table: Table) -> None:
    """`source[cell.start:cell.end] == cell.raw`, rows and notes verbatim and inside the table."""
    assert table.start <= table.end
    for row in table.rows:
        span = source[row.start : row.end]
        assert span == span.strip() and span
        assert table.start <= row.start and row.end <= table.end
        assert len(row.cells) == len(table.columns)
        for cell in row.cells:
            if cell is not None:
                assert source[cell.start : cell.end] == cell.raw
                assert row.start <= cell.start and cell.end <= row.end
    for note in table.notes:
        assert source[note.start : note.end] == note.text
    if table.title_start != table.title_end:
        assert source[table.title_start : table.title_end].rstrip(":") == table.title


def cells(table: Table, label: str) -> list[str | None]:
    """The printed cells of the row with this label."""
    row = next(r for r in table.rows if r.label == label)
    return [c.raw if c else None for c in row.cells]


def headers(table: Table) -> list[tuple[str, ...]]:
    """The header path of every column."""
    return [c.header for c in table.columns]
