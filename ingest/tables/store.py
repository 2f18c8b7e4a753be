"""The table store: one SQLite file per index build, between ingest and the service.

The schema is generic (tables, columns, rows, cells, notes), so any report's tables fit
without a migration; values are exact decimals stored as TEXT. The view `table_cells`
joins them for ad-hoc SQL. The service loads the whole file into a `TableStore` (tables
are small) and answers from the same `Table` values ingest built.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingest.tables.model import Cell, Column, Note, Row, Table

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tables (
    id TEXT PRIMARY KEY, position INTEGER NOT NULL, document TEXT NOT NULL,
    title TEXT NOT NULL, section TEXT NOT NULL, layout TEXT NOT NULL, kind TEXT NOT NULL,
    unit TEXT NOT NULL, scale TEXT NOT NULL, stub TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    title_start INTEGER NOT NULL, title_end INTEGER NOT NULL, line INTEGER NOT NULL,
    year INTEGER, target_met INTEGER, higher_is_better INTEGER
);
CREATE INDEX tables_document ON tables (document);
CREATE TABLE columns (
    table_id TEXT NOT NULL REFERENCES tables(id), position INTEGER NOT NULL,
    header_json TEXT NOT NULL, label TEXT NOT NULL, year INTEGER,
    aliases_json TEXT NOT NULL, is_total INTEGER NOT NULL,
    PRIMARY KEY (table_id, position)
);
CREATE TABLE rows (
    table_id TEXT NOT NULL REFERENCES tables(id), position INTEGER NOT NULL,
    label TEXT NOT NULL, "group" TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    is_total INTEGER NOT NULL,
    PRIMARY KEY (table_id, position)
);
CREATE TABLE cells (
    table_id TEXT NOT NULL REFERENCES tables(id), row_position INTEGER NOT NULL,
    column_position INTEGER NOT NULL, raw TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, value TEXT, percent INTEGER NOT NULL, nil INTEGER NOT NULL,
    year INTEGER, marker TEXT NOT NULL,
    PRIMARY KEY (table_id, row_position, column_position)
);
CREATE TABLE notes (
    table_id TEXT NOT NULL REFERENCES tables(id), position INTEGER NOT NULL,
    kind TEXT NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    PRIMARY KEY (table_id, position)
);
CREATE VIEW table_cells AS
    SELECT t.document, t.id AS table_id, t.title, r.label AS row_label, r."group" AS row_group,
           c.label AS column_label, x.value, x.raw, x.start, x."end", t.unit
    FROM cells x
    JOIN tables t ON t.id = x.table_id
    JOIN rows r ON r.table_id = x.table_id AND r.position = x.row_position
    JOIN columns c ON c.table_id = x.table_id AND c.position = x.column_position;
"""


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _from_flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def write_table_store(tables: Sequence[Table], path: Path) -> None:
    """Write all tables to a fresh SQLite file at `path`, replacing an older one atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(path.suffix + ".tmp")
    staging.unlink(missing_ok=True)
    db = sqlite3.connect(staging)
    try:
        with db:
            db.executescript(_SCHEMA)
            db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            for position, table in enumerate(tables):
                _write(db, position, table)
    finally:
        db.close()
    staging.replace(path)


def _write(db: sqlite3.Connection, position: int, table: Table) -> None:
    db.execute(
        "INSERT INTO tables VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            table.id,
            position,
            table.document,
            table.title,
            table.section,
            table.layout,
            table.kind,
            table.unit,
            str(table.scale),
            table.stub,
            table.start,
            table.end,
            table.title_start,
            table.title_end,
            table.line,
            table.year,
            _flag(table.target_met),
            _flag(table.higher_is_better),
        ),
    )
    db.executemany(
        "INSERT INTO columns VALUES (?,?,?,?,?,?,?)",
        [
            (
                table.id,
                i,
                json.dumps(list(c.header), ensure_ascii=False),
                c.label,
                c.year,
                json.dumps(list(c.aliases), ensure_ascii=False),
                int(c.is_total),
            )
            for i, c in enumerate(table.columns)
        ],
    )
    db.executemany(
        "INSERT INTO rows VALUES (?,?,?,?,?,?,?)",
        [
            (table.id, i, r.label, r.group, r.start, r.end, int(r.is_total))
            for i, r in enumerate(table.rows)
        ],
    )
    db.executemany(
        "INSERT INTO cells VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                table.id,
                r,
                c,
                cell.raw,
                cell.start,
                cell.end,
                None if cell.value is None else str(cell.value),
                int(cell.percent),
                int(cell.nil),
                cell.year,
                cell.marker,
            )
            for r, row in enumerate(table.rows)
            for c, cell in enumerate(row.cells)
            if cell is not None
        ],
    )
    db.executemany(
        "INSERT INTO notes VALUES (?,?,?,?,?,?)",
        [(table.id, i, n.kind, n.text, n.start, n.end) for i, n in enumerate(table.notes)],
    )


def read_tables(path: Path) -> list[Table]:
    """The `Table` values of a store written by `write_table_store`, in their order."""
    if not path.exists():
        raise FileNotFoundError(f"tabellenbestand niet gevonden: {path} (draai `python -m ingest`)")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(_read(db))
    finally:
        db.close()


def _grouped(db: sqlite3.Connection, query: str) -> dict[str, list[tuple[Any, ...]]]:
    """Records of one child table by table id, the id left off."""
    grouped: dict[str, list[tuple[Any, ...]]] = {}
    for record in db.execute(query):
        grouped.setdefault(record[0], []).append(record[1:])
    return grouped


def _read(db: sqlite3.Connection) -> Iterable[Table]:
    columns = _grouped(
        db,
        "SELECT table_id, header_json, year, aliases_json, is_total FROM columns "
        "ORDER BY table_id, position",
    )
    rows = _grouped(
        db,
        'SELECT table_id, position, label, "group", start, "end", is_total FROM rows '
        "ORDER BY table_id, position",
    )
    cells = _grouped(
        db,
        'SELECT table_id, row_position, column_position, raw, start, "end", value, percent, '
        "nil, year, marker FROM cells ORDER BY table_id, row_position, column_position",
    )
    notes = _grouped(
        db,
        'SELECT table_id, kind, text, start, "end" FROM notes ORDER BY table_id, position',
    )
    for record in db.execute("SELECT * FROM tables ORDER BY position"):
        table_id = record[0]
        table_columns = tuple(
            Column(tuple(json.loads(h)), year, tuple(json.loads(a)), bool(total))
            for h, year, a, total in columns.get(table_id, [])
        )
        grid: dict[tuple[int, int], Cell] = {
            (r, c): Cell(
                raw,
                start,
                end,
                None if value is None else Decimal(value),
                bool(percent),
                bool(nil),
                year,
                marker,
            )
            for r, c, raw, start, end, value, percent, nil, year, marker in cells.get(table_id, [])
        }
        table_rows = tuple(
            Row(
                label,
                tuple(grid.get((position, c)) for c in range(len(table_columns))),
                start,
                end,
                bool(total),
                group,
            )
            for position, label, group, start, end, total in rows.get(table_id, [])
        )
        yield Table(
            id=table_id,
            document=record[2],
            title=record[3],
            section=record[4],
            layout=record[5],
            kind=record[6],
            unit=record[7],
            scale=Decimal(record[8]),
            stub=record[9],
            columns=table_columns,
            rows=table_rows,
            start=record[10],
            end=record[11],
            title_start=record[12],
            title_end=record[13],
            line=record[14],
            year=record[15],
            target_met=_from_flag(record[16]),
            higher_is_better=_from_flag(record[17]),
            notes=tuple(Note(*n) for n in notes.get(table_id, [])),
        )


@dataclass(frozen=True)
class TableStore:
    """All tables of a build, in memory: by id and by document."""

    tables: tuple[Table, ...]
    _by_id: dict[str, Table] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {t.id: t for t in self.tables})

    @classmethod
    def open(cls, path: Path) -> TableStore:
        """Load the SQLite store written by ingest."""
        return cls(tuple(read_tables(path)))

    @classmethod
    def from_tables(cls, tables: Iterable[Table]) -> TableStore:
        """A store straight from parsed tables (tests, one-off scripts)."""
        return cls(tuple(tables))

    def get(self, table_id: str) -> Table:
        """One table by id; KeyError when the build has no such table."""
        return self._by_id[table_id]

    def for_documents(self, documents: Iterable[str]) -> tuple[Table, ...]:
        """The tables of the given documents, in store order."""
        wanted = set(documents)
        return tuple(t for t in self.tables if t.document in wanted)
