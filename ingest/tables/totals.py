"""Printed totals checked against the sum of their parts, per total row and total column.

Reports print totals in more than one convention: lasten negative and baten positive
(a total is then a plain sum), both positive with the saldo as their difference, amounts
marked N/V (read as signed), toevoegingen aan reserves printed positive while they lower
the saldo. A total agrees when any of these readings adds up; a disagreement is reported
with the reading that comes closest, so a rounding difference shows as a difference of 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ingest.tables.model import Cell, Row, Table

# Money flows that lower a saldo; a column or row named so counts negatively when printed
# as a positive amount (BBV words: lasten, toevoegingen/stortingen in reserves).
_OUTFLOWS = ("lasten", "toevoeging", "storting")

Signs = tuple[int, ...]


@dataclass(frozen=True)
class TotalMismatch:
    """A printed total that differs from the sum of its parts.

    `axis` is "rij" when a total column disagrees within one row, "kolom" when a total
    row disagrees within one column; `label` names that row or column.
    """

    table_id: str
    axis: str
    label: str
    total: Cell
    parts: tuple[Cell, ...]
    signs: Signs
    computed: Decimal


def _number(cell: Cell | None) -> Decimal | None:
    """A cell's value when it can be added: figures and nil, not percentages or words."""
    if cell is None or cell.percent or cell.value is None:
        return None
    return cell.value


def _is_outflow(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _OUTFLOWS)


def _sign_options(parts: Sequence[Cell], outflows: Sequence[bool]) -> list[Signs]:
    """The readings of a sum: as printed, outflows subtracted, or first minus the rest."""
    count = len(parts)
    by_role = tuple(
        -1 if outflow and (part.value or 0) >= 0 else 1
        for part, outflow in zip(parts, outflows, strict=True)
    )
    options: list[Signs] = [by_role, (1,) * count, tuple(-s for s in by_role)]
    if count >= 2:
        options += [(1,) + (-1,) * (count - 1), (-1,) + (1,) * (count - 1)]
    return options


def _check(
    total: Cell, readings: Iterable[tuple[Sequence[Cell], Sequence[bool]]]
) -> tuple[Sequence[Cell], Signs, Decimal] | None:
    """None when some reading of the parts adds up to the total, else the closest one."""
    printed = total.value
    assert printed is not None
    closest: tuple[Decimal, Sequence[Cell], Signs, Decimal] | None = None
    for parts, outflows in readings:
        values = [_number(p) for p in parts]
        if not parts or any(v is None for v in values):
            continue
        for signs in _sign_options(parts, outflows):
            computed = sum(
                (s * v for s, v in zip(signs, values, strict=True) if v is not None), Decimal(0)
            )
            if computed == printed:
                return None
            distance = abs(computed - printed)
            if closest is None or distance < closest[0]:
                closest = (distance, parts, signs, computed)
    return closest[1:] if closest else None


def _column_parts(table: Table, index: int) -> list[int]:
    """The columns a total column adds up: those of its group, else every other column."""
    column = table.columns[index]
    group = column.header[0] if len(column.header) > 1 else None
    return [
        i
        for i, other in enumerate(table.columns)
        if i != index
        and not other.is_total
        and (group is None or (len(other.header) > 1 and other.header[0] == group))
    ]


def _row_readings(rows: Sequence[Row], position: int) -> list[list[int]]:
    """Which rows a total row may add up (indices), most likely first.

    A group's total adds the group's rows; a total outside groups adds the group totals
    and the rows since them, or the previous total and the rows since it, or the rows
    since the previous total.
    """
    total = rows[position]
    above = range(position)
    if total.group:
        return [[i for i in above if rows[i].group == total.group and not rows[i].is_total]]
    previous = [i for i in above if rows[i].is_total]
    last = previous[-1] if previous else -1
    since = [i for i in range(last + 1, position) if not rows[i].is_total]
    group_totals = [i for i in previous if rows[i].group]
    top_totals = [i for i in previous if not rows[i].group]
    readings = []
    if group_totals:
        start = top_totals[-1] + 1 if top_totals else 0
        readings.append(group_totals + [i for i in since if i >= start and not rows[i].group])
    if top_totals:
        readings.append([top_totals[-1], *(i for i in since if not rows[i].group)])
    readings.append(since)
    readings.append([i for i in above if not rows[i].is_total])
    return [r for r in readings if r]


def _mismatches(table: Table) -> Iterable[TotalMismatch]:
    rows, columns = table.rows, table.columns
    for index, column in enumerate(columns):
        if not column.is_total:
            continue
        others = _column_parts(table, index)
        outflows = [_is_outflow(columns[i].label) for i in others]
        for row in rows:
            total = row.cells[index]
            if _number(total) is None or total is None:
                continue
            parts = [row.cells[i] for i in others]
            if any(p is None for p in parts):
                continue
            cells = [p for p in parts if p is not None]
            found = _check(total, [(cells, outflows)])
            if found:
                yield TotalMismatch(table.id, "rij", row.label, total, tuple(found[0]), *found[1:])
    for position, row in enumerate(rows):
        if not row.is_total:
            continue
        readings = _row_readings(rows, position)
        for index, total in enumerate(row.cells):
            if _number(total) is None or total is None:
                continue
            options: list[tuple[Sequence[Cell], Sequence[bool]]] = []
            for reading in readings:
                cells = [c for c in (rows[i].cells[index] for i in reading) if c is not None]
                if len(cells) == len(reading):
                    roles = [_is_outflow(f"{rows[i].group} {rows[i].label}") for i in reading]
                    options.append((cells, roles))
            found = _check(total, options)
            if found:
                label = columns[index].label
                yield TotalMismatch(table.id, "kolom", label, total, tuple(found[0]), *found[1:])


def validate_tables(tables: Sequence[Table]) -> list[TotalMismatch]:
    """Every printed total that no reading of its parts adds up to, in table order."""
    return [mismatch for table in tables for mismatch in _mismatches(table)]
