"""The tables of a report as typed values: what ingest recognises and the service answers from.

A table is read from the report's text alone, whatever its layout (rows of a label and
figures, a header split over lines, one value per line as HTML pages flatten it). Every
figure keeps its offsets: `source[cell.start:cell.end] == cell.raw`, and a row's span
`source[row.start:row.end]` is the verbatim text of that row (label through last value),
which is what a citation quotes.

Labels come from the table itself; nothing here knows a particular report.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SECTION_SEPARATOR = " > "


@dataclass(frozen=True)
class Cell:
    """One value of a table.

    `value` is the exact number ("-3.374" -> -3374, "7,5" -> 7.5, "12,5 %" -> 12.5,
    "-" or "–" printed for nil -> 0 with `nil=True`); None for a text cell ("Politie",
    "n.b.", "Ja").
    """

    raw: str  # verbatim: source[start:end]
    start: int
    end: int
    value: Decimal | None
    percent: bool = False  # printed with "%"
    nil: bool = False  # printed as "-" (nothing), value 0
    year: int | None = None  # the year printed with the value: "3,1 (2019)" -> 2019
    marker: str = ""  # "N" (nadelig, value negative) or "V" (voordelig) printed after it


@dataclass(frozen=True)
class Column:
    """A column: its header as printed, outer to inner level.

    ("Koop", "Lopende casuïstiek") for a grouped header, ("Begroting na wijziging",) for a
    multi-word one, ("2024",) in a year table, ("R2021",) for a year-coded one.
    `year` is the year the column is about when its header names one ("2024", "R2021",
    "Realisatie 2022"); `aliases` are extra words a question may use for it, written by
    ingest from general rules ("R2021" -> "realisatie 2021"); `is_total` marks a printed
    total column ("Totaal", "Saldo" when it sums the others).
    """

    header: tuple[str, ...]
    year: int | None = None
    aliases: tuple[str, ...] = ()
    is_total: bool = False

    @property
    def label(self) -> str:
        """The header levels joined: "Koop Lopende casuïstiek"."""
        return " ".join(self.header)


@dataclass(frozen=True)
class Row:
    """A row: its label as printed and one cell per column (None where it has no value).

    `group` is the sub-heading inside the table the row falls under ("Lasten", "Baten")
    or "" when there is none. `is_total` marks a printed total row ("Totaal",
    "TOTAAL PROGRAMMA", "Saldo van baten en lasten").
    """

    label: str
    cells: tuple[Cell | None, ...]
    start: int
    end: int
    is_total: bool = False
    group: str = ""


@dataclass(frozen=True)
class Note:
    """A line that belongs to a table: kind "bron", "omschrijving", "eenheid",
    "doel_gehaald", "toelichting"; `text == source[start:end]`."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """One table of one document.

    `id` is unique over the whole corpus ("<document id>/<slug>"). `layout` names the
    shape it was read from, for statistics and debugging only ("rows", "one_per_line",
    ...); `kind` what it is ("financial", "indicator", "year_series", "cross", "list"),
    also informative only: the service answers from titles, headers and labels, never
    from `kind`. `unit` is "€ 1.000", "€", "%", "aantal", "rapportcijfer" or "" (unknown);
    `scale` turns a cell value into euros (1000 for "bedragen x € 1.000", else 1).
    `stub` is the header above the label column ("Wijk", "Indicator", "Type", "").
    `year` is the year the table reports on (its title's year, else the document's).
    `title_start`/`title_end` locate the title line in the source when the title is
    printed (else both equal `start`).
    """

    id: str
    document: str
    title: str
    section: str
    layout: str
    kind: str
    unit: str
    scale: Decimal
    stub: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    start: int
    end: int
    title_start: int
    title_end: int
    year: int | None = None
    notes: tuple[Note, ...] = ()
    target_met: bool | None = None  # "Doel gehaald: Ja/Nee" printed with the table
    higher_is_better: bool | None = None
    line: int = 0  # 1-based line number of the table's first line (title or header)

    @property
    def citation_section(self) -> str:
        """Heading path plus title, as shown next to a citation."""
        return f"{self.section}{SECTION_SEPARATOR}{self.title}" if self.section else self.title

    def note(self, kind: str) -> Note | None:
        """The first note of a kind, if the report printed one."""
        return next((n for n in self.notes if n.kind == kind), None)


@dataclass(frozen=True)
class TableProblem:
    """A block that looks like a table but could not be read; reported at ingest.

    `line` is the 1-based line number of its first line in the document.
    """

    document: str
    line: int
    start: int
    end: int
    reason: str  # Dutch, for the ingest report


@dataclass(frozen=True)
class TableParse:
    """The outcome of reading one document: its tables and the blocks it could not read."""

    tables: tuple[Table, ...]
    problems: tuple[TableProblem, ...]


def row_view(table: Table, row: Row) -> str:
    """A row as people read it: title, then every column header with its value.

    "Tabel 5.1 Woonoverlast 2024 — Meerzicht: Koop Lopende casuïstiek 4, Koop Afgeronde
    casuïstiek 6, …, Totaal 46". Used as the row's search text and as the readable view
    of a table citation.
    """
    parts = [
        f"{column.label} {cell.raw}"
        for column, cell in zip(table.columns, row.cells, strict=True)
        if cell is not None
    ]
    unit = f" ({unit_note(table)})" if unit_note(table) else ""
    return f"{table.title}{unit} — {row_label(row)}: " + ", ".join(parts)


def row_label(row: Row) -> str:
    """A row's label with the sub-heading it falls under: "Lasten: Personeel"."""
    return f"{row.group}: {row.label}" if row.group else row.label


def unit_note(table: Table) -> str:
    """How a table's figures read when it is in euros ("bedragen x € 1.000"), else ""."""
    return f"bedragen x {table.unit}" if table.unit.startswith("€") else ""
