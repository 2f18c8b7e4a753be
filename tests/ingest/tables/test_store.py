"""The table store: one SQLite file, a generic schema, the same tables back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ingest.tables import Table, TableStore, parse_tables, read_tables, write_table_store
from tests.conftest import REPORT

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


@pytest.fixture(scope="module")
def tables() -> list[Table]:
    documents = [REPORT, *sorted(FIXTURES.glob("*.txt"))]
    return [
        t
        for path in documents
        for t in parse_tables(path.read_text(encoding="utf-8"), path.stem, 2024).tables
    ]


def test_tables_round_trip_through_sqlite(tables: list[Table], tmp_path: Path) -> None:
    path = tmp_path / "tables.sqlite"
    write_table_store(tables, path)
    assert read_tables(path) == tables
    write_table_store(tables, path)  # rewriting replaces, never duplicates
    assert len(read_tables(path)) == len(tables)


def test_the_store_finds_tables_by_id_and_by_document(tables: list[Table]) -> None:
    store = TableStore.from_tables(tables)
    first = tables[0]
    assert store.get(first.id) is first
    with pytest.raises(KeyError):
        store.get("bestaat-niet/tabel")
    mine = store.for_documents([REPORT.stem])
    assert len(mine) == 5 and all(t.document == REPORT.stem for t in mine)
    assert len({t.id for t in tables}) == len(tables)  # ids never collide across documents


def test_the_generic_schema_answers_plain_sql(tables: list[Table], tmp_path: Path) -> None:
    path = tmp_path / "tables.sqlite"
    write_table_store(tables, path)
    with sqlite3.connect(path) as db:
        value, raw, start = db.execute(
            "SELECT value, raw, start FROM table_cells WHERE document = ? "
            "AND row_label = 'Rokkeveen' AND column_label = 'Koop Afgeronde casuïstiek'",
            (REPORT.stem,),
        ).fetchone()
        (money,) = db.execute(
            "SELECT value FROM table_cells WHERE column_label = 'Lasten' "
            "AND row_label LIKE '%(5.2)' AND document = ?",
            (REPORT.stem,),
        ).fetchone()
    source = REPORT.read_text(encoding="utf-8")
    assert (value, raw, source[start : start + len(raw)]) == ("4", "4", "4")
    assert money == "-3374"


def test_a_missing_store_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="python -m ingest"):
        read_tables(tmp_path / "geen.sqlite")
