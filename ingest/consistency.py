"""Printed totals in a report's tables that are not the sum of their parts.

Each finding cites the rows concerned verbatim, so a reader can check the sum, and table
answers touching such a figure can mention it. (Figures in the running text that disagree
with a table are found on the service side, where questions are matched to tables.)

Number formatting is shared with the service (`service.core.numbers`), so the report and the
answers write sums the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ingest.tables import Cell, Table, TotalMismatch, validate_tables
from service.core.numbers import format_number, signed_sum


@dataclass(frozen=True)
class SourceSpan:
    """One side of a discrepancy: `quote == source[start:end]`."""

    role: str  # "tekst" or "tabel"
    start: int
    end: int
    quote: str
    section: str


@dataclass(frozen=True)
class Discrepancy:
    """Two places in the report that give a different figure for the same thing."""

    kind: str  # "totaal_klopt_niet" (others are written by the service's checks)
    explanation: str  # short Dutch explanation for readers
    document: str
    table_id: str | None
    spans: tuple[SourceSpan, ...]
    figures: tuple[tuple[int, int], ...]  # offsets of the table cells concerned

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as served by `GET /v1/consistency`."""
        data = asdict(self)
        data["spans"] = [asdict(s) for s in self.spans]
        data["figures"] = [list(f) for f in self.figures]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Discrepancy:
        """Inverse of `to_dict`."""
        return cls(
            kind=data["kind"],
            explanation=data["explanation"],
            document=data["document"],
            table_id=data.get("table_id"),
            spans=tuple(SourceSpan(**s) for s in data["spans"]),
            figures=tuple((int(a), int(b)) for a, b in data["figures"]),
        )

    def touches(self, cells: Iterable[Cell]) -> bool:
        """True when one of `cells` is a figure this discrepancy is about."""
        return any((c.start, c.end) in self.figures for c in cells)


def _total_discrepancy(source: str, table: Table, mismatch: TotalMismatch) -> Discrepancy:
    total = mismatch.total
    assert total.value is not None
    difference = abs(mismatch.computed - total.value)
    unit = f" (× {table.unit})" if table.unit.startswith("€") else ""
    figures = {(c.start, c.end) for c in (*mismatch.parts, total)}
    rows = [r for r in table.rows if any(c and (c.start, c.end) in figures for c in r.cells)]
    row = next(r for r in rows if any(c is not None and c.start == total.start for c in r.cells))
    if mismatch.axis == "rij":
        index = next(i for i, c in enumerate(row.cells) if c is not None and c.start == total.start)
        what = f"{table.columns[index].label} van '{row.label}'"
    else:
        what = f"{mismatch.label} in de regel '{row.label}'"
    terms = [(sign, part.value) for sign, part in zip(mismatch.signs, mismatch.parts, strict=True)]
    rounding = " Mogelijk een afrondingsverschil." if difference <= 1 else ""
    explanation = (
        f"In de tabel '{table.title}' staat {what} als {total.raw}{unit}, maar de optelling "
        f"geeft {signed_sum([(s, v) for s, v in terms if v is not None])} = "
        f"{format_number(mismatch.computed)} (verschil {format_number(difference)}).{rounding}"
    )
    spans = tuple(
        SourceSpan("tabel", r.start, r.end, source[r.start : r.end], table.citation_section)
        for r in rows
    )
    # Only the printed total is "the" questionable figure; its parts are fine on their own.
    return Discrepancy(
        "totaal_klopt_niet",
        explanation,
        table.document,
        table.id,
        spans,
        ((total.start, total.end),),
    )


def find_discrepancies(source: str, tables: Sequence[Table]) -> list[Discrepancy]:
    """Every printed total of the tables that disagrees with the sum of its parts."""
    by_id = {t.id: t for t in tables}
    found = [_total_discrepancy(source, by_id[m.table_id], m) for m in validate_tables(tables)]
    return sorted(found, key=lambda d: (d.document, d.figures))


def format_report(discrepancies: Sequence[Discrepancy]) -> str:
    """Readable Dutch report for `python -m ingest --check`."""
    if not discrepancies:
        return "Geen tegenstrijdige cijfers gevonden."
    lines = [f"{len(discrepancies)} tegenstrijdige cijfers gevonden:", ""]
    for number, item in enumerate(discrepancies, 1):
        lines.append(f"{number}. [{item.kind}] {item.explanation}")
        for span in item.spans:
            quote = " ".join(span.quote.split())
            lines.append(f'   - {span.role} ({span.section}, {span.start}-{span.end}): "{quote}"')
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_consistency(discrepancies: Sequence[Discrepancy], path: Path) -> None:
    """Store the findings as JSON next to the table store."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = [d.to_dict() for d in discrepancies]
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_consistency(path: Path) -> list[Discrepancy]:
    """Findings written by `write_consistency`; an absent file means none were stored."""
    if not path.exists():
        return []
    return [Discrepancy.from_dict(d) for d in json.loads(path.read_text(encoding="utf-8"))]
