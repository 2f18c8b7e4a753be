"""What an answering route hands back for one part of a question."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ingest.tables.model import Row, Table, row_label, row_view, unit_note
from service.web.schemas import Citation, Route, TableCell, TableSource


@dataclass(frozen=True)
class StatedFigure:
    """A figure an answer states, kept so a claim can be checked against it.

    `unit` is "euro", "percent", "score", "count" or ""; `year` the year it is about.
    """

    value: Decimal
    unit: str = ""
    year: int | None = None
    label: str = ""
    percent: bool = False
    derived: bool = False  # worked out (a sum, difference, share), not printed
    scale: Decimal = Decimal(1)  # times this is euros: 1000 for "bedragen x € 1.000"


@dataclass
class PartAnswer:
    """One part answered: its sentences (with [n] markers counting its own citations from
    1), the citations, and the figures it states. `answered` is False when the report
    does not answer the part; `body` then says so."""

    route: Route
    body: str
    citations: list[Citation] = field(default_factory=list)
    figures: list[StatedFigure] = field(default_factory=list)
    answered: bool = True
    documents: tuple[str, ...] = ()  # the reports the answer comes from
    confidence: float = 1.0  # how well the source fits the part (0..1), to choose between reports

    @property
    def refused(self) -> bool:
        """True when nothing of the part was answered."""
        return not self.answered


def make_citation(
    number: int,
    document: str,
    title: str,
    section: str,
    source: str,
    start: int,
    end: int,
    table: Table | None = None,
    row: Row | None = None,
) -> Citation:
    """A citation of `source[start:end]`, verbatim by construction; a cited table row also
    carries its readable view and its layout as a small table."""
    return Citation(
        id=number,
        document=document,
        title=title,
        section=section,
        quote=source[start:end],
        start=start,
        end=end,
        table_row=row_view(table, row) if table and row else None,
        table=table_source(table, row) if table and row else None,
    )


def table_source(table: Table, row: Row) -> TableSource:
    """A row with its title, row label and each printed value under its column header."""
    return TableSource(
        title=table.title,
        unit=unit_note(table),
        stub=table.stub,
        row=row_label(row),
        cells=[
            TableCell(column=column.label, value=cell.raw)
            for column, cell in zip(table.columns, row.cells, strict=True)
            if cell is not None
        ],
    )
