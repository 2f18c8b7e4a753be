"""The table store: one SQLite file, the interchange format between ingest and the service.

Ingest writes every table cell as a typed row (one column per dimension, the value as
exact decimal TEXT, the verbatim token and its offsets); the service opens the file and
rebuilds the same `Table` values in memory (the tables are tiny).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ingest.tables import Table, TableCell, TableNote, TableRow

SCHEMA_VERSION = 1
# Dimensions that get a column of their own; any other dimension stays in `dims_json`.
DIMENSION_COLUMNS = ("wijk", "eigendom", "status", "jaar", "type", "doelstelling", "kolom")

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tables (
    id TEXT PRIMARY KEY, position INTEGER NOT NULL, document TEXT NOT NULL,
    title TEXT NOT NULL, section TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, columns_json TEXT NOT NULL,
    row_dimension TEXT NOT NULL, column_dimensions_json TEXT NOT NULL, year INTEGER,
    target_met INTEGER, higher_is_better INTEGER
);
CREATE TABLE rows (
    table_id TEXT NOT NULL REFERENCES tables(id), position INTEGER NOT NULL,
    label TEXT NOT NULL, key TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    is_total INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (table_id, position)
);
CREATE TABLE notes (
    table_id TEXT NOT NULL REFERENCES tables(id), position INTEGER NOT NULL,
    kind TEXT NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE TABLE cells (
    document TEXT NOT NULL, table_id TEXT NOT NULL REFERENCES tables(id),
    title TEXT NOT NULL, section TEXT NOT NULL, unit TEXT NOT NULL,
    row_position INTEGER NOT NULL, column_position INTEGER NOT NULL, row_label TEXT NOT NULL,
    {", ".join(f"{name} TEXT" for name in DIMENSION_COLUMNS)},
    dims_json TEXT NOT NULL, value TEXT NOT NULL, raw TEXT NOT NULL,
    row_start INTEGER NOT NULL, row_end INTEGER NOT NULL,
    cell_start INTEGER NOT NULL, cell_end INTEGER NOT NULL,
    PRIMARY KEY (table_id, row_position, column_position)
);
"""


def _bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _from_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def write_table_store(tables: Sequence[Table], path: Path) -> None:
    """Write all tables to a fresh SQLite file at `path` (replacing an older one atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(tmp) as db:
        db.executescript(_SCHEMA)
        db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        for position, table in enumerate(tables):
            _write_table(db, position, table)
    db.close()
    tmp.replace(path)


def _write_table(db: sqlite3.Connection, position: int, table: Table) -> None:
    db.execute(
        "INSERT INTO tables VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            table.id,
            position,
            table.document,
            table.title,
            table.section,
            table.kind,
            table.unit,
            table.start,
            table.end,
            json.dumps(list(table.columns), ensure_ascii=False),
            table.row_dimension,
            json.dumps(list(table.column_dimensions)),
            table.year,
            _bool(table.target_met),
            _bool(table.higher_is_better),
        ),
    )
    for i, note in enumerate(table.notes):
        db.execute(
            "INSERT INTO notes VALUES (?,?,?,?,?,?)",
            (table.id, i, note.kind, note.text, note.start, note.end),
        )
    for r, row in enumerate(table.rows):
        db.execute(
            "INSERT INTO rows VALUES (?,?,?,?,?,?,?,?)",
            (table.id, r, row.label, row.key, row.start, row.end, int(row.is_total), row.text),
        )
        for c, cell in enumerate(row.cells):
            dims = dict(cell.dims)
            db.execute(
                f"INSERT INTO cells VALUES ({','.join('?' * (15 + len(DIMENSION_COLUMNS)))})",
                (
                    table.document,
                    table.id,
                    table.title,
                    table.section,
                    table.unit,
                    r,
                    c,
                    row.label,
                    *(dims.get(name) for name in DIMENSION_COLUMNS),
                    json.dumps(list(cell.dims), ensure_ascii=False),
                    str(cell.value),
                    cell.raw,
                    row.start,
                    row.end,
                    cell.start,
                    cell.end,
                ),
            )


def read_tables(path: Path) -> list[Table]:
    """Rebuild the `Table` values from a store written by `write_table_store`."""
    if not path.exists():
        raise FileNotFoundError(f"table store not found: {path} (run `python -m ingest`)")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(_read(db))
    finally:
        db.close()


def _read(db: sqlite3.Connection) -> Iterable[Table]:
    tables = db.execute("SELECT * FROM tables ORDER BY position").fetchall()
    for t in tables:
        table_id = t[0]
        notes = tuple(
            TableNote(kind, text, start, end)
            for kind, text, start, end in db.execute(
                'SELECT kind, text, start, "end" FROM notes WHERE table_id=? ORDER BY position',
                (table_id,),
            )
        )
        cells: dict[int, list[TableCell]] = {}
        for row_pos, dims_json, value, raw, start, end in db.execute(
            "SELECT row_position, dims_json, value, raw, cell_start, cell_end FROM cells "
            "WHERE table_id=? ORDER BY row_position, column_position",
            (table_id,),
        ):
            dims = tuple((str(d), str(v)) for d, v in json.loads(dims_json))
            cells.setdefault(row_pos, []).append(TableCell(dims, Decimal(value), raw, start, end))
        rows = tuple(
            TableRow(label, key, start, end, tuple(cells.get(pos, [])), bool(is_total), text)
            for pos, label, key, start, end, is_total, text in db.execute(
                'SELECT position, label, key, start, "end", is_total, text FROM rows '
                "WHERE table_id=? ORDER BY position",
                (table_id,),
            )
        )
        yield Table(
            id=table_id,
            document=t[2],
            title=t[3],
            section=t[4],
            kind=t[5],
            unit=t[6],
            start=t[7],
            end=t[8],
            rows=rows,
            columns=tuple(json.loads(t[9])),
            row_dimension=t[10],
            column_dimensions=tuple(json.loads(t[11])),
            year=t[12],
            target_met=_from_bool(t[13]),
            higher_is_better=_from_bool(t[14]),
            notes=notes,
        )


@dataclass(frozen=True)
class TableStore:
    """All tables of the corpus, in memory, for the service's deterministic table answers."""

    tables: tuple[Table, ...]

    @classmethod
    def open(cls, path: Path) -> TableStore:
        """Load the SQLite store written by ingest."""
        return cls(tuple(read_tables(path)))

    @classmethod
    def from_tables(cls, tables: Iterable[Table]) -> TableStore:
        """A store straight from parsed tables (tests, one-off scripts)."""
        return cls(tuple(tables))

    def get(self, table_id: str) -> Table:
        """One table by id."""
        return next(t for t in self.tables if t.id == table_id)
