"""Find figures in a report that disagree: running text against its tables, and totals.

Two sources of trouble in annual reports: a sentence quoting a figure that is not the one
in the table it describes ("39 lopende casussen" where the table says 99), and printed
totals that are not the sum of their parts. Each finding cites both sources verbatim so a
reader can check it, and table answers touching such a figure mention it.

Number reading is shared with the service (`service.core.numbers`), so the report and the
grounding check read "€ 3,4 mln." the same way.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from ingest.tables import (
    TOTAL,
    Table,
    TableCell,
    TableRow,
    TotalMismatch,
    total_column,
    validate_tables,
)
from service.core.numbers import extract_numbers, format_number, signed_sum

_SEP = " > "


class SentenceLike(Protocol):
    """What the parser's sentences offer: normalised text, verbatim offsets, a section path."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def section(self) -> str: ...


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

    kind: str  # "tekst_wijkt_af", "jaar_wijkt_af", "totaal_klopt_niet", "doel_klopt_niet"
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

    def touches(self, cells: Iterable[TableCell]) -> bool:
        """True when one of `cells` is a figure this discrepancy is about."""
        return any((c.start, c.end) in self.figures for c in cells)


# -- vocabulary for reading sentences about the cross table ---------------------------------
_STATUS = {
    "lopend": ("lopende", "lopend", "openstaande", "openstaand"),
    "afgerond": ("afgeronde", "afgerond", "afgesloten", "gesloten"),
}
_OWNERSHIP = {
    "particulier": ("particuliere", "particulier", "particulieren"),
    "corporatie": ("corporatiewoningen", "corporatiewoning", "corporaties", "corporatie"),
    "koop": ("koopwoningen", "koopwoning", "koop"),
}
_CASE_WORDS = ("casus", "casussen", "casuistiek", "zaken")
_MONEY_COLUMNS = {
    "lasten": ("uitgegeven", "uitgaven", "lasten", "kosten", "besteed"),
    "baten": ("inkomsten", "opbrengsten", "baten", "ontvangen", "ontvangsten"),
}
_GOAL_LINE = re.compile(r"^\s*Doelstelling\s+(\d+\.\d+)", re.MULTILINE)
_EURO = re.compile(r"€\s*[-−]?\d[\d.,]*(?:\s*(?:mln|miljoen|mld|miljard)\.?)?", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_FALLING = ("dalen", "daalt", "gedaald", "daling", "afgenomen", "lager")
_RISING = ("stijgen", "stijgt", "gestegen", "stijging", "toegenomen", "hoger")
_LOWER_IS_BETTER = ("inbraak", "inbraken", "overlast", "criminaliteit", "geweld", "schade")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return " " + re.sub(r"[^a-z0-9]+", " ", text) + " "


def _mentions(text: str, words: Iterable[str]) -> bool:
    return any(f" {w} " in text for w in words)


def _table_span(table: Table, row: TableRow) -> SourceSpan:
    return SourceSpan("tabel", row.start, row.end, "", table.citation_section)


def _quote(source: str, span: SourceSpan) -> SourceSpan:
    return SourceSpan(span.role, span.start, span.end, source[span.start : span.end], span.section)


def _sum_text(cells: Sequence[TableCell], signs: Sequence[int] | None = None) -> str:
    return signed_sum(list(zip(signs or [1] * len(cells), (c.value for c in cells), strict=True)))


# -- totals ---------------------------------------------------------------------------------
def _total_discrepancy(source: str, table: Table, mismatch: TotalMismatch) -> Discrepancy:
    total = mismatch.total
    difference = abs(mismatch.computed - total.value)
    unit = f" (× {table.unit})" if table.unit.startswith("€") else ""
    if mismatch.axis == "rij":
        row = next(r for r in table.rows if total in r.cells)
        column = table.columns[row.cells.index(total)]
        what = f"{column} van '{row.label}'"
        rows = [row]
    else:
        what = f"{mismatch.label} in de totaalregel"
        rows = [r for r in table.rows if any(c in r.cells for c in (*mismatch.parts, total))]
    rounding = " Mogelijk een afrondingsverschil." if difference <= 1 else ""
    explanation = (
        f"In de tabel '{table.title}' staat {what} als {total.raw}{unit}, maar de optelling "
        f"geeft {_sum_text(mismatch.parts, mismatch.signs)} = {format_number(mismatch.computed)}"
        f" (verschil {format_number(difference)}).{rounding}"
    )
    spans = tuple(_quote(source, _table_span(table, r)) for r in rows)
    # Only the printed total is "the" questionable figure; its parts are fine on their own.
    figures = ((total.start, total.end),)
    return Discrepancy("totaal_klopt_niet", explanation, table.document, table.id, spans, figures)


# -- running text against the cross table ---------------------------------------------------
@dataclass(frozen=True)
class _Selection:
    value: Decimal
    cells: tuple[TableCell, ...]
    rows: tuple[TableRow, ...]


def _select_cross(
    table: Table, wijk: str | None, owner: str | None, status: str | None
) -> _Selection:
    """The figure the table gives for a (wijk, eigendom, status) description; None = all."""
    rows = [r for r in table.rows if (r.key == wijk if wijk else r.is_total)]
    total_index = total_column(table)
    cells = []
    for row in rows:
        if owner is None and status is None and total_index is not None:
            cells.append(row.cells[total_index])
            continue
        for index, cell in enumerate(row.cells):
            if index == total_index:
                continue
            if owner and cell.dim("eigendom") != owner:
                continue
            if status and cell.dim("status") != status:
                continue
            cells.append(cell)
    return _Selection(sum((c.value for c in cells), Decimal(0)), tuple(cells), tuple(rows))


def _first(text: str, vocabulary: Mapping[str, tuple[str, ...]]) -> str | None:
    best = None
    for key, words in vocabulary.items():
        for word in words:
            pos = text.find(f" {word} ")
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, key)
    return best[1] if best else None


def _cross_findings(
    source: str, sentences: Sequence[SentenceLike], table: Table
) -> Iterable[Discrepancy]:
    stub = table.kind.split("_per_")[0]
    wijken = {_plain(r.label).strip(): r.key for r in table.rows if not r.is_total}
    goal_code = table.section.split()[1] if table.section.startswith("Doelstelling") else None
    for sentence in sentences:
        text = _plain(sentence.text)
        section = _plain(sentence.section)
        if f" {stub} " not in section + text or not _mentions(text, _CASE_WORDS):
            continue
        if goal_code and _goal_for(source, sentence.start) not in (goal_code, None):
            continue
        years = [int(y) for y in _YEAR.findall(sentence.text)]
        numbers = [
            n for n in extract_numbers(_YEAR.sub(" ", sentence.text)) if n == n.to_integral_value()
        ]
        if not numbers or re.search(r"\bTabel\s+\d", sentence.text):
            continue
        wijk = next((key for name, key in wijken.items() if f" {name} " in text), None)
        owner = _first(text, _OWNERSHIP)
        status = _first(text, _STATUS)
        for number in numbers:
            found = _select_cross(table, wijk, owner, status)
            if not found.cells:
                continue
            year = years[0] if years else table.year
            if found.value == number and year == table.year:
                continue
            spans = (
                SourceSpan("tekst", sentence.start, sentence.end, "", sentence.section),
                *(_table_span(table, r) for r in found.rows),
            )
            spans = tuple(_quote(source, s) for s in spans)
            calc = _sum_text(found.cells) + " = " if len(found.cells) > 1 else ""
            described = " ".join(
                x
                for x in (status and f"{status}", owner and f"bij {owner}", wijk and f"in {wijk}")
                if x
            )
            if found.value == number:
                kind = "jaar_wijkt_af"
                explanation = (
                    f"De tekst noemt {format_number(number)} ({described or 'totaal'}) "
                    f"voor {year}, "
                    f"maar '{table.title}' gaat over {table.year} en geeft daar "
                    f"{calc}{format_number(found.value)}. Vermoedelijk hoort bij dit getal "
                    f"het jaar {table.year}."
                )
            else:
                kind = "tekst_wijkt_af"
                same = [
                    c
                    for c in table.cells
                    if c.value == number
                    and not c.is_total
                    and (wijk is None or c.dim("wijk") == wijk)
                ]
                hint = ""
                if len(same) == 1 and wijk is None:
                    hint = (
                        f" {format_number(number)} is in de tabel het getal voor "
                        + " ".join(v for d, v in same[0].dims if d != table.row_dimension)
                        + "."
                    )
                elif any(c.value == number for c in _totals_row_cells(table)):
                    cell = next(c for c in _totals_row_cells(table) if c.value == number)
                    hint = (
                        f" {format_number(number)} is in de tabel het totaal voor "
                        + " ".join(v for d, v in cell.dims if d != table.row_dimension)
                        + "."
                    )
                explanation = (
                    f"De tekst noemt {format_number(number)} ({described or 'totaal'}), maar "
                    f"'{table.title}' geeft {calc}{format_number(found.value)}.{hint}"
                )
            figures = tuple((c.start, c.end) for c in found.cells)
            yield Discrepancy(kind, explanation, table.document, table.id, spans, figures)


def _totals_row_cells(table: Table) -> list[TableCell]:
    return [c for r in table.rows if r.is_total for c in r.cells]


def _goal_for(source: str, offset: int) -> str | None:
    """The doelstelling code of the nearest "Doelstelling x.y" line above `offset`."""
    codes = [m.group(1) for m in _GOAL_LINE.finditer(source, 0, offset)]
    return codes[-1] if codes else None


# -- running text against the money table ---------------------------------------------------
def _money_findings(
    source: str, sentences: Sequence[SentenceLike], table: Table
) -> Iterable[Discrepancy]:
    """Amounts like "€ 17,4 mln. uitgegeven" after the table, against lasten/baten per goal.

    Only sentences after the table count (the financial summary); the stated amount is
    compared at its own precision, so "€ 3,4 mln." agrees with 3.374 × € 1.000.
    """
    scale = Decimal(table.unit.replace("€", "").replace(".", "").strip() or "1")
    rows = {r.key: r for r in table.rows}
    for sentence in sentences:
        if sentence.start < table.end:
            continue
        goal = _goal_for(source, sentence.start)
        if goal not in rows:
            continue
        for match in _EURO.finditer(source, sentence.start, sentence.end):
            before = _plain(source[sentence.start : match.start()])
            # A splitter may cut after "mln."; look a little past the sentence end.
            after = _plain(source[match.end() : max(sentence.end, match.end() + 40)])
            column = _column_near(before, after)
            if column is None:
                continue
            if column not in [c.dim("kolom") for c in rows[goal].cells]:
                continue
            cell = next(c for c in rows[goal].cells if c.dim("kolom") == column)
            stated = extract_numbers(match.group())[0]
            actual = abs(cell.value) * scale
            step = _precision(match.group())
            if abs(stated - actual) <= step / 2:
                continue
            spans = (
                SourceSpan("tekst", sentence.start, sentence.end, "", sentence.section),
                _table_span(table, rows[goal]),
            )
            explanation = (
                f"De tekst noemt {match.group().strip()} aan {column} voor doelstelling {goal}, "
                f"maar de tabel '{table.title}' geeft {cell.raw} (× {table.unit}), dat is "
                f"€ {format_number(actual)}."
            )
            yield Discrepancy(
                "tekst_wijkt_af",
                explanation,
                table.document,
                table.id,
                tuple(_quote(source, s) for s in spans),
                ((cell.start, cell.end),),
            )


def _column_near(before: str, after: str) -> str | None:
    """The money column a € amount belongs to: the nearest column word around it."""
    best: tuple[int, str] | None = None
    for column, words in _MONEY_COLUMNS.items():
        for word in words:
            pos = before.rfind(f" {word} ")
            if pos >= 0:
                distance = len(before) - pos
                if best is None or distance < best[0]:
                    best = (distance, column)
            pos = after.find(f" {word} ")
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, column)
    return best[1] if best else None


def _precision(amount: str) -> Decimal:
    """The step of a stated amount: "€ 3,4 mln." → 100.000; "€ 63.857" → 1."""
    match = re.search(r"\d[\d.,]*", amount)
    digits = match.group() if match else ""
    decimals = len(digits.split(",")[1]) if "," in digits else 0
    scale = Decimal(10) ** 6 if re.search(r"mln|miljoen", amount, re.I) else Decimal(1)
    if re.search(r"mld|miljard", amount, re.I):
        scale = Decimal(10) ** 9
    return scale / (Decimal(10) ** decimals)


# -- year tables: verdict and trend ---------------------------------------------------------
def _year_findings(source: str, table: Table) -> Iterable[Discrepancy]:
    rows = {r.key: r for r in table.rows}
    actual, budget = rows.get("realisatie"), rows.get("begroting")
    if actual is None:
        return
    verdict = table.note("doel_gehaald")
    lower_better = any(w in _plain(table.title) for w in _LOWER_IS_BETTER)
    higher_better = "cijfer" in table.title.lower()
    if verdict and budget and table.target_met is not None and (lower_better or higher_better):
        a, b = actual.cells[-1].value, budget.cells[-1].value
        met = a <= b if lower_better else a >= b
        if met != table.target_met:
            spans = (
                SourceSpan(
                    "tekst", verdict.start, verdict.end, verdict.text, table.citation_section
                ),
                _quote(source, _table_span(table, actual)),
                _quote(source, _table_span(table, budget)),
            )
            yield Discrepancy(
                "doel_klopt_niet",
                f"'{verdict.text}' past niet bij realisatie {actual.cells[-1].raw} tegenover "
                f"begroting {budget.cells[-1].raw}.",
                table.document,
                table.id,
                spans,
                ((actual.cells[-1].start, actual.cells[-1].end),),
            )
    head = [w for w in _plain(table.title).split() if len(w) > 6][:1]
    for note in table.notes:
        if note.kind != "toelichting" or len(actual.cells) < 2 or not head:
            continue
        first, last = actual.cells[0].value, actual.cells[-1].value
        # Judge each sentence on its own: "… blijft dalen. … criminaliteit is gestegen" is fine.
        claims = [_plain(s) for s in re.split(r"(?<=[.!?])\s+", note.text)]
        claims = [s for s in claims if f" {head[0]} " in s]
        claims_fall = any(_mentions(s, _FALLING) for s in claims) and last >= first
        claims_rise = any(_mentions(s, _RISING) for s in claims) and last <= first
        if claims_fall or claims_rise:
            yield Discrepancy(
                "tekst_wijkt_af",
                f"De toelichting spreekt van een {'daling' if claims_fall else 'stijging'}, maar "
                f"de realisatie ging van {actual.cells[0].raw} naar {actual.cells[-1].raw}.",
                table.document,
                table.id,
                (
                    SourceSpan("tekst", note.start, note.end, note.text, table.citation_section),
                    _quote(source, _table_span(table, actual)),
                ),
                tuple((c.start, c.end) for c in actual.cells),
            )


def find_discrepancies(
    source: str, sentences: Sequence[SentenceLike], tables: Sequence[Table]
) -> list[Discrepancy]:
    """All disagreements between the running text and the tables, and within the tables."""
    found: list[Discrepancy] = []
    by_id = {t.id: t for t in tables}
    for mismatch in validate_tables(tables):
        found.append(_total_discrepancy(source, by_id[mismatch.table_id], mismatch))
    for table in tables:
        if table.kind == "financial_totals":
            found.extend(_money_findings(source, sentences, table))
        elif table.kind == "target_vs_realisation":
            found.extend(_year_findings(source, table))
        elif table.kind.endswith("_per_wijk") and TOTAL in {r.key for r in table.rows}:
            found.extend(_cross_findings(source, sentences, table))
    unique: dict[tuple[str, tuple[tuple[int, int], ...]], Discrepancy] = {}
    for item in found:
        unique.setdefault((item.kind, tuple((s.start, s.end) for s in item.spans)), item)
    return sorted(unique.values(), key=lambda d: (min(s.start for s in d.spans), d.kind))


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
