"""What a layout reader hands over: a table's rows and header, before titles and ids.

Each layout (rows of a label and figures, one value per line, delimited cells) reads its
own shape into these values; `ingest.tables.build` turns them into `Table`s the same way
whatever the layout, so titles, units, totals and ids never depend on how a table was
printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.tables.lines import Line, Token, join_words
from ingest.tables.model import Cell, Column


@dataclass(frozen=True)
class GridRow:
    """One row: its label, one cell per column, its verbatim span, the sub-heading it opens.

    `heading` is the sub-heading printed just above this row ("Lasten"), or "" when the
    row continues under the previous one.
    """

    label: str
    cells: tuple[Cell | None, ...]
    start: int
    end: int
    heading: str = ""


@dataclass(frozen=True)
class Grid:
    """A table as read from one layout: header, rows and the lines it occupies.

    `head` are the lines above the rows that belong to the table (header lines, a caption
    printed right against it); `captions` the part of `head` that is not the header.
    """

    layout: str
    stub: str
    columns: tuple[Column, ...]
    rows: tuple[GridRow, ...]
    head: tuple[Line, ...]
    captions: tuple[Line, ...]
    last_line: int

    @property
    def first_line(self) -> int:
        """Index of the table's first line (its head, else its first row's line)."""
        return self.head[0].index


@dataclass(frozen=True)
class Unreadable:
    """A block that looks like a table but cannot be read; `reason` is Dutch."""

    first_line: int
    last_line: int
    start: int
    end: int
    reason: str


Found = Grid | Unreadable


def label_of(tokens: Sequence[Token]) -> str:
    """A row label from its tokens, a hyphenated line break joined again."""
    return join_words([t.text for t in tokens])


def claim(claimed: bytearray, first: int, last: int) -> None:
    """Mark lines `first`..`last` as part of a table, so no other reader takes them."""
    claimed[first : last + 1] = b"\x01" * (last + 1 - first)
