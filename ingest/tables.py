"""Recognise the tables in a report's extracted text, with exact offsets for every figure.

PDF extraction leaves a table as a run of lines: a few header lines, then rows of a label
followed by numbers. We find those runs by general rules (numeric rows, header lines just
above them, a title above that), never by known values, so next year's report with other
numbers or other wijken parses without code changes. Three shapes are recognised:

* year tables ("Type 2023 2024" with Begroting/Realisatie rows) → kind `target_vs_realisation`;
* money tables ("Bedragen x €1.000", Lasten/Baten/… columns) → kind `financial_totals`;
* cross tables with a group header (Koop/Corporatie/Particulier over Lopende/Afgeronde)
  → kind `<stub>_per_wijk`, e.g. `woonoverlast_per_wijk`.

`parse_tables` returns the tables *and* the blocks that looked like a table but could not
be read (`TableProblem`); `find_tables` returns the tables and logs every problem, so
nothing is dropped silently. Offsets round-trip: `source[cell.start:cell.end] == cell.raw`
and `source[row.start:row.end]` is the verbatim row line without surrounding whitespace.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

logger = logging.getLogger(__name__)

TOTAL = "totaal"
SECTION_SEPARATOR = " > "

_NUMBER = re.compile(r"^[-−–]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_TOKEN = re.compile(r"\S+")
_HEADING = re.compile(r"^\s*(Doelstelling\s+\d+(?:\.\d+)*\s+\S.*?)\s*$")
_GOAL_CODE = re.compile(r"\((\d+(?:\.\d+)+)\)")
_UNIT_MONEY = re.compile(r"bedragen\s*(?:x|×)\s*€\s*([\d.]+)", re.IGNORECASE)
_TABLE_REFERENCE = re.compile(r"\bTabel\s+(\d+(?:\.\d+)*)")
_TARGET_MET = re.compile(r"Doel gehaald:\s*(Ja|Nee|Deels)\b\.?", re.IGNORECASE)
_EXPLANATION = re.compile(r"Toelichting:\s*(\S.*)$")
_SOURCE_NOTE = re.compile(r"^Bron:\s*\S")
_SENTENCE_END = re.compile(r"[.:;!?]$")

MAX_LABEL_WORDS = 14
MAX_HEADER_WORDS = 16
MAX_ROW_GAP = 2  # blank lines allowed between two rows of one table
MAX_TITLE_DISTANCE = 6  # lines between a year header and the title block above it

# Column words of money tables, mapped to the dimension value `kolom`.
MONEY_COLUMNS = ("lasten", "baten", "toevoegingen", "onttrekkingen", "saldo")
# What the row dimension of a cross table is called, by the word in its stub header.
CROSS_TABLE_ROWS = {"woonoverlast": "wijk"}
# Sub-column words and their canonical status value.
STATUS_WORDS = {
    "lopende": "lopend",
    "lopend": "lopend",
    "afgeronde": "afgerond",
    "afgerond": "afgerond",
}


@dataclass(frozen=True)
class TableCell:
    """One figure: where it sits in the table (`dims`) and where it sits in the source."""

    dims: tuple[tuple[str, str], ...]
    value: Decimal
    raw: str
    start: int
    end: int

    def dim(self, name: str) -> str | None:
        """The value of one dimension, e.g. `cell.dim("wijk") == "Centrum"`."""
        return dict(self.dims).get(name)

    @property
    def is_total(self) -> bool:
        """True when any dimension of this cell is a printed total."""
        return any(value == TOTAL for _, value in self.dims)


@dataclass(frozen=True)
class TableRow:
    """One row line; `key` is the row's dimension value (wijk, type, doelstelling)."""

    label: str
    key: str
    start: int
    end: int
    cells: tuple[TableCell, ...]
    is_total: bool
    text: str = ""  # the verbatim row line, source[start:end]


@dataclass(frozen=True)
class TableNote:
    """A line that belongs to a table: its source, description, target verdict or explanation."""

    kind: str  # "bron", "omschrijving", "doel_gehaald", "toelichting", "eenheid"
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A table of one report; `start`/`end` cover the header (or title) through the last row."""

    id: str
    document: str
    title: str
    section: str
    kind: str
    unit: str
    start: int
    end: int
    rows: tuple[TableRow, ...]
    columns: tuple[str, ...]
    row_dimension: str
    column_dimensions: tuple[str, ...]
    year: int | None = None
    target_met: bool | None = None
    higher_is_better: bool | None = None
    notes: tuple[TableNote, ...] = ()

    @property
    def cells(self) -> list[TableCell]:
        """All cells, row by row."""
        return [cell for row in self.rows for cell in row.cells]

    @property
    def citation_section(self) -> str:
        """Heading path plus title, as shown next to a citation."""
        return f"{self.section}{SECTION_SEPARATOR}{self.title}" if self.section else self.title

    def note(self, kind: str) -> TableNote | None:
        """The first note of a kind, if the report printed one."""
        return next((n for n in self.notes if n.kind == kind), None)


@dataclass(frozen=True)
class TableProblem:
    """A block that looks like a table but could not be read: kept so it can be reported."""

    document: str
    start: int
    end: int
    reason: str
    text: str


@dataclass(frozen=True)
class TableParse:
    """The outcome of parsing one report: the tables and the unreadable table-like blocks."""

    tables: list[Table] = field(default_factory=list)
    problems: list[TableProblem] = field(default_factory=list)


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Line:
    index: int
    start: int  # first non-blank character
    end: int  # without trailing whitespace
    text: str  # source[start:end]
    tokens: tuple[_Token, ...]

    @property
    def blank(self) -> bool:
        return not self.text

    def trailing_numbers(self) -> tuple[_Token, ...]:
        """The numeric tokens at the end of the line (a row's values)."""
        count = 0
        for token in reversed(self.tokens):
            if not _NUMBER.match(token.text):
                break
            count += 1
        return self.tokens[len(self.tokens) - count :] if count else ()


def parse_decimal(raw: str) -> Decimal:
    """Exact value of a Dutch table token: "-3.374" → -3374, "7,5" → 7.5."""
    text = raw.replace("−", "-").replace("–", "-").replace(".", "").replace(",", ".")
    return Decimal(text)


def slugify(text: str) -> str:
    """ASCII slug for stable ids: "Tabel 5.1 Woonoverlast" → "tabel-5-1-woonoverlast"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _split_lines(source: str) -> list[_Line]:
    lines = []
    pos = 0
    for index, raw in enumerate(source.splitlines(keepends=True)):
        body = raw.rstrip()
        lead = len(body) - len(body.lstrip())
        start = pos + lead
        tokens = tuple(
            _Token(m.group(), start + m.start(), start + m.end())
            for m in _TOKEN.finditer(body.lstrip())
        )
        lines.append(_Line(index, start, pos + len(body), body.lstrip(), tokens))
        pos += len(raw)
    return lines


def _is_year_header(line: _Line) -> bool:
    """ "Type 2023 2024": one word, then ascending years."""
    numbers = line.trailing_numbers()
    label = line.tokens[: len(line.tokens) - len(numbers)]
    if len(label) != 1 or not numbers or not all(_YEAR.match(t.text) for t in numbers):
        return False
    years = [int(t.text) for t in numbers]
    return years == sorted(set(years))


def _is_row(line: _Line) -> bool:
    """A label of a few words followed by at least two numbers, not a sentence."""
    numbers = line.trailing_numbers()
    label = line.tokens[: len(line.tokens) - len(numbers)]
    if len(numbers) < 2 or not label or len(label) > MAX_LABEL_WORDS:
        return False
    label_text = " ".join(t.text for t in label)
    return any(ch.isalpha() for ch in label_text) and not _SENTENCE_END.search(label_text)


def _is_header_like(line: _Line) -> bool:
    """A short line of words without sentence punctuation: a column header or a title."""
    return (
        not line.blank
        and len(line.tokens) <= MAX_HEADER_WORDS
        and not _SENTENCE_END.search(line.text)
        and (not _is_row(line) or _is_year_header(line))
    )


def _runs(lines: Sequence[_Line]) -> Iterable[list[_Line]]:
    """Consecutive row lines (blank lines allowed in between) form one candidate table."""
    run: list[_Line] = []
    gap = 0
    for line in lines:
        if line.blank:
            gap += 1
            if gap > MAX_ROW_GAP and run:
                yield run
                run = []
            continue
        if _is_row(line) and not _is_year_header(line):
            run.append(line)
        elif run:
            yield run
            run = []
        gap = 0
    if run:
        yield run


def _block_above(lines: Sequence[_Line], index: int, stop: int) -> list[_Line]:
    """Header-like lines directly above `index`, up to two blank lines or prose."""
    block: list[_Line] = []
    blanks = 0
    i = index - 1
    while i >= stop:
        line = lines[i]
        if line.blank:
            blanks += 1
            if blanks >= 2 and block:
                break
            if blanks > MAX_TITLE_DISTANCE:
                break
        elif _is_header_like(line) or _SOURCE_NOTE.match(line.text):
            block.insert(0, line)
            blanks = 0
        elif block and _SENTENCE_END.search(line.text) and not blanks:
            # A one-sentence description belongs to the title block ("Het rapportcijfer …").
            block.insert(0, line)
        else:
            break
        i -= 1
    return block


def _section_for(lines: Sequence[_Line], index: int) -> str:
    """The nearest "Doelstelling x.y …" heading above a line."""
    for line in reversed(lines[:index]):
        match = _HEADING.match(line.text)
        if match:
            return match.group(1)
    return ""


def _unit_for(title: str, header_text: str) -> str:
    money = _UNIT_MONEY.search(header_text)
    if money:
        return f"€ {money.group(1)}"
    lowered = title.lower()
    if "rapportcijfer" in lowered or "cijfer" in lowered:
        return "rapportcijfer"
    if "percentage" in lowered or "%" in lowered:
        return "procent"
    return "aantal"


def _notes_below(lines: Sequence[_Line], index: int) -> list[TableNote]:
    """The "Toelichting / Doel gehaald" lines that directly follow a year table."""
    notes: list[TableNote] = []
    for line in lines[index + 1 : index + 8]:
        if line.blank:
            if notes:
                break
            continue
        target = _TARGET_MET.search(line.text)
        explanation = _EXPLANATION.search(line.text)
        if target:
            s, e = line.start + target.start(), line.start + target.end()
            notes.append(TableNote("doel_gehaald", target.group(0), s, e))
        elif explanation:
            notes.append(TableNote("toelichting", line.text, line.start, line.end))
        elif line.text.rstrip(":").lower() != "toelichting":
            break
    return notes


def _row_cells(
    line: _Line,
    row_dims: tuple[tuple[str, str], ...],
    columns: Sequence[tuple[tuple[str, str], ...]],
) -> tuple[TableCell, ...]:
    numbers = line.trailing_numbers()
    return tuple(
        TableCell(row_dims + col, parse_decimal(tok.text), tok.text, tok.start, tok.end)
        for tok, col in zip(numbers, columns, strict=True)
    )


def _row(
    line: _Line,
    label: str,
    key: str,
    row_dim: tuple[str, str],
    columns: Sequence[tuple[tuple[str, str], ...]],
    total: bool,
) -> TableRow:
    """A table row from its line: the numbers at its end become cells of `columns`."""
    cells = _row_cells(line, (row_dim,), columns)
    return TableRow(label, key, line.start, line.end, cells, total, line.text)


def _label(line: _Line) -> tuple[str, int]:
    """Row label text and the number of its tokens."""
    count = len(line.tokens) - len(line.trailing_numbers())
    return " ".join(t.text for t in line.tokens[:count]), count


def _is_total_label(label: str) -> bool:
    return label.lower().split()[0] in {"totaal", "total", "totalen"}


class _Builder:
    """Turns one run of numeric rows plus the lines around it into a `Table`."""

    def __init__(self, source: str, document: str, lines: Sequence[_Line], stop: int) -> None:
        self.source = source
        self.document = document
        self.lines = lines
        self.stop = stop

    def problem(self, lines: Sequence[_Line], reason: str) -> TableProblem:
        start, end = lines[0].start, lines[-1].end
        return TableProblem(self.document, start, end, reason, self.source[start:end])

    def build(self, run: list[_Line]) -> Table | TableProblem:
        widths = {len(line.trailing_numbers()) for line in run}
        if len(widths) != 1:
            return self.problem(run, f"rijen met een verschillend aantal getallen: {widths}")
        width = widths.pop()
        header = _block_above(self.lines, run[0].index, self.stop)
        year_header = next((ln for ln in reversed(header) if _is_year_header(ln)), None)
        if year_header is None and header and _is_year_header(self.lines[run[0].index - 1]):
            year_header = self.lines[run[0].index - 1]
        if year_header is not None:
            return self.year_table(run, header, year_header, width)
        if not header:
            return self.problem(run, "getallen zonder kopregel")
        return self.column_table(run, header, width)

    # -- year tables: "Type 2023 2024" ---------------------------------------------------
    def year_table(
        self, run: list[_Line], header: list[_Line], year_header: _Line, width: int
    ) -> Table | TableProblem:
        years = [t.text for t in year_header.trailing_numbers()]
        if len(years) != width:
            return self.problem([year_header, *run], "aantal jaren past niet bij de rijen")
        title_block = [ln for ln in header if ln.index < year_header.index]
        if not title_block:
            title_block = _block_above(self.lines, year_header.index, self.stop)
        if not title_block:
            return self.problem([year_header, *run], "jaartabel zonder titel")
        title_line = title_block[0]
        notes = []
        for line in title_block[1:]:
            kind = "bron" if _SOURCE_NOTE.match(line.text) else "omschrijving"
            notes.append(TableNote(kind, line.text, line.start, line.end))
        notes.extend(_notes_below(self.lines, run[-1].index))
        rows = []
        columns = [(("jaar", y),) for y in years]
        for line in run:
            label, _ = _label(line)
            key = label.lower()
            rows.append(_row(line, label, key, ("type", key), columns, _is_total_label(label)))
        title = title_line.text
        target = next((n for n in notes if n.kind == "doel_gehaald"), None)
        target_met = None
        if target is not None:
            verdict = _TARGET_MET.search(target.text)
            target_met = (
                {"ja": True, "nee": False}.get(verdict.group(1).lower()) if verdict else None
            )
        return Table(
            id=slugify(title),
            document=self.document,
            title=title,
            section=_section_for(self.lines, title_line.index),
            kind="target_vs_realisation",
            unit=_unit_for(title, title),
            start=title_line.start,
            end=run[-1].end,
            rows=tuple(rows),
            columns=tuple(years),
            row_dimension="type",
            column_dimensions=("jaar",),
            year=max(int(y) for y in years),
            target_met=target_met,
            higher_is_better=_direction(rows, target_met, title),
            notes=tuple(notes),
        )

    # -- tables with named columns (money tables, cross tables) -----------------------------
    def column_table(
        self, run: list[_Line], header: list[_Line], width: int
    ) -> Table | TableProblem:
        column_line = next(
            (ln for ln in header if len(ln.tokens) in (width, width + 1) and not _is_row(ln)), None
        )
        if column_line is None:
            return self.problem([*header, *run], f"geen kopregel met {width} kolommen")
        names = [t.text for t in column_line.tokens]
        stub = names.pop(0) if len(names) == width + 1 else ""
        above = [ln for ln in header if ln.index < column_line.index]
        below = [ln for ln in header if ln.index > column_line.index]
        header_text = " ".join(ln.text for ln in header)
        money = _UNIT_MONEY.search(header_text) or all(n.lower() in MONEY_COLUMNS for n in names)
        if money:
            return self.money_table(run, above, column_line, names)
        groups = next(
            (
                ln
                for ln in reversed(above)
                if 1 < len(ln.tokens) < width
                and all(t.text.isalpha() for t in ln.tokens)
                and (width - 1) % len(ln.tokens) == 0
            ),
            None,
        )
        if groups is None or not stub:
            return self.problem([*header, *run], "kruistabel zonder groepskop of voorkolom")
        return self.cross_table(run, header, column_line, groups, below, stub, names)

    def money_table(
        self, run: list[_Line], above: list[_Line], column_line: _Line, names: list[str]
    ) -> Table:
        unit_line = next((ln for ln in above if _UNIT_MONEY.search(ln.text)), None)
        title_line = next((ln for ln in above if ln is not unit_line), column_line)
        subtitle = next((ln for ln in above if ln not in (unit_line, title_line)), None)
        notes = [TableNote("eenheid", ln.text, ln.start, ln.end) for ln in (unit_line,) if ln]
        columns = [(("kolom", n.lower()),) for n in names]
        rows = []
        for line in run:
            label, _ = _label(line)
            code = _GOAL_CODE.search(label)
            total = _is_total_label(label)
            key = TOTAL if total else (code.group(1) if code else label.lower())
            cells = _row_cells(line, (("doelstelling", key),), columns)
            rows.append(TableRow(label, key, line.start, line.end, cells, total, line.text))
        title = title_line.text
        unit_match = _UNIT_MONEY.search(unit_line.text) if unit_line else None
        return Table(
            id=slugify(title),
            document=self.document,
            title=title,
            # The table spans all goals, so its section is the programme line above it.
            section=subtitle.text if subtitle else _section_for(self.lines, title_line.index),
            kind="financial_totals",
            unit=f"€ {unit_match.group(1)}" if unit_match else "€",
            start=title_line.start,
            end=run[-1].end,
            rows=tuple(rows),
            columns=tuple(names),
            row_dimension="doelstelling",
            column_dimensions=("kolom",),
            notes=tuple(notes),
        )

    def cross_table(
        self,
        run: list[_Line],
        header: list[_Line],
        column_line: _Line,
        groups: _Line,
        below: list[_Line],
        stub: str,
        names: list[str],
    ) -> Table:
        group_names = [t.text for t in groups.tokens]
        per_group = (len(names) - 1) // len(group_names)
        year = None
        suffix: list[str] = []
        for line in below:
            words = [t.text for t in line.tokens]
            if words and _YEAR.match(words[0]):
                year = int(words.pop(0))
            suffix = words
        columns: list[tuple[tuple[str, str], ...]] = []
        descriptions: list[str] = []
        for i, name in enumerate(names):
            if i >= per_group * len(group_names):
                columns.append((("eigendom", TOTAL), ("status", TOTAL)))
                descriptions.append(name)
                continue
            group = group_names[i // per_group]
            status = STATUS_WORDS.get(name.lower(), name.lower())
            columns.append((("eigendom", group.lower()), ("status", status)))
            extra = f" {suffix[i]}" if i < len(suffix) else ""
            descriptions.append(f"{group} {name}{extra}")
        row_dim = CROSS_TABLE_ROWS.get(stub.lower(), "rij")
        rows = []
        for line in run:
            label, _ = _label(line)
            total = _is_total_label(label)
            key = TOTAL if total else label
            rows.append(_row(line, label, key, (row_dim, key), columns, total))
        reference = None
        for line in reversed(self.lines[max(self.stop, header[0].index - 15) : header[0].index]):
            found = _TABLE_REFERENCE.search(line.text)
            if found:
                reference = found.group(0)
                break
        title_words = [reference] if reference else []
        title_words += [stub, f"per {row_dim}"]
        if year:
            title_words.append(str(year))
        title = " ".join(title_words)
        return Table(
            id=slugify(title),
            document=self.document,
            title=title,
            section=_section_for(self.lines, header[0].index),
            kind=f"{slugify(stub).replace('-', '_')}_per_{row_dim}",
            unit="aantal",
            start=header[0].start,
            end=run[-1].end,
            rows=tuple(rows),
            columns=tuple(descriptions),
            row_dimension=row_dim,
            column_dimensions=("eigendom", "status"),
            year=year,
        )


def _direction(rows: Sequence[TableRow], target_met: bool | None, title: str) -> bool | None:
    """Whether a higher realisation is better, read from the data and the verdict line.

    If the report says the target was met while realisation was below budget, lower is
    better (fewer burglaries); above budget and met, higher is better (a higher score).
    Without a usable verdict we fall back on the title: a rapportcijfer is better higher.
    """
    by_key = {row.key: row for row in rows}
    budget, actual = by_key.get("begroting"), by_key.get("realisatie")
    if target_met is not None and budget and actual:
        latest_budget, latest_actual = budget.cells[-1].value, actual.cells[-1].value
        if latest_actual != latest_budget:
            return (latest_actual > latest_budget) == target_met
    if "cijfer" in title.lower():
        return True
    return None


def parse_tables(source: str, document: str) -> TableParse:
    """All tables of one report plus the table-like blocks that could not be read."""
    lines = _split_lines(source)
    tables: list[Table] = []
    problems: list[TableProblem] = []
    stop = 0
    for run in _runs(lines):
        built = _Builder(source, document, lines, stop).build(run)
        if isinstance(built, TableProblem):
            problems.append(built)
        else:
            tables.append(built)
        stop = run[-1].index + 1
    report_year = max((t.year for t in tables if t.year), default=None)
    seen: dict[str, int] = {}
    final = []
    for table in tables:
        count = seen.get(table.id, 0)
        seen[table.id] = count + 1
        table_id = table.id if count == 0 else f"{table.id}-{count + 1}"
        year = table.year if table.year is not None else report_year
        final.append(replace(table, id=table_id, year=year))
    return TableParse(final, problems)


def find_tables(source: str, document: str) -> list[Table]:
    """The tables of one report; unreadable table-like blocks are logged as warnings.

    Use `parse_tables` when you need the problems as values (the consistency report does).
    """
    parsed = parse_tables(source, document)
    for problem in parsed.problems:
        logger.warning(
            "unreadable table block",
            extra={"document": document, "start": problem.start, "reason": problem.reason},
        )
    return parsed.tables


def row_text(table: Table, row: TableRow) -> str:
    """A row as a readable Dutch line for the vector store: title, label, columns and values.

    "Tabel 5.1 Woonoverlast per wijk 2024 — Rokkeveen: koop lopend 5, koop afgerond 4, …,
    totaal 23"
    """
    parts = []
    row_dim = table.row_dimension
    for cell in row.cells:
        names = [v for d, v in cell.dims if d != row_dim]
        name = TOTAL if TOTAL in names else " ".join(names)
        parts.append(f"{name} {cell.raw}")
    unit = f" (bedragen × {table.unit})" if table.unit.startswith("€") else ""
    return f"{table.title}{unit} — {row.label}: " + ", ".join(parts)


# Money columns that are outflows: they count negatively towards the saldo, whatever sign
# the report prints them with (lasten are printed negative, toevoegingen often positive).
OUTFLOW_COLUMNS = ("lasten", "toevoegingen")


@dataclass(frozen=True)
class TotalMismatch:
    """A printed total that differs from the sum of its parts (per row or per column)."""

    table_id: str
    axis: str  # "rij" (a total column) or "kolom" (a total row)
    label: str  # the row label or the column name
    total: TableCell
    parts: tuple[TableCell, ...]
    signs: tuple[int, ...]  # +1 or -1 per part
    computed: Decimal


def total_column(table: Table) -> int | None:
    """Index of the column that totals the others in each row ("Totaal", "Saldo"), if any."""
    if not table.rows or table.kind == "target_vs_realisation":
        return None
    for index, cell in enumerate(table.rows[0].cells):
        values = [value for name, value in cell.dims if name in table.column_dimensions]
        if values and (all(v == TOTAL for v in values) or values == ["saldo"]):
            return index
    return None


def _sign(cell: TableCell) -> int:
    """How a part counts towards its row total: outflow money columns count negatively."""
    if cell.dim("kolom") in OUTFLOW_COLUMNS and cell.value > 0:
        return -1
    return 1


def validate_tables(tables: Sequence[Table]) -> list[TotalMismatch]:
    """Printed totals checked against the sum of their parts, per row and per column."""
    mismatches = []
    for table in tables:
        total_index = total_column(table)
        if total_index is not None:
            for row in table.rows:
                parts = tuple(c for i, c in enumerate(row.cells) if i != total_index)
                signs = tuple(_sign(c) for c in parts)
                computed = sum((s * c.value for s, c in zip(signs, parts, strict=True)), Decimal(0))
                total = row.cells[total_index]
                if computed != total.value:
                    mismatches.append(
                        TotalMismatch(table.id, "rij", row.label, total, parts, signs, computed)
                    )
        total_rows = [row for row in table.rows if row.is_total]
        if table.kind == "target_vs_realisation" or len(total_rows) != 1:
            continue
        detail_rows = [row for row in table.rows if not row.is_total]
        for index, total in enumerate(total_rows[0].cells):
            parts = tuple(row.cells[index] for row in detail_rows)
            computed = sum((c.value for c in parts), Decimal(0))
            if computed != total.value:
                mismatches.append(
                    TotalMismatch(
                        table.id,
                        "kolom",
                        table.columns[index],
                        total,
                        parts,
                        (1,) * len(parts),
                        computed,
                    )
                )
    return mismatches
