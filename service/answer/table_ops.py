"""What a table answer computes, once the table and what the part names in it are known.

A `Reading` fills in what the part leaves open from the table's own structure (the
printed total, the "realisatie" row, the latest year), then does what the part's
operation asks: a cell, a sum, the highest or lowest row, a difference, a change between
years, a share of a total, an average, a selection, a target check, the figures behind
an amount. Sums are only made over cells the printed totals prove additive, never over
a total and its own parts, and every calculation is written out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ingest.tables.model import Cell, Table
from service.answer.result import StatedFigure
from service.answer.scope import Corpus
from service.answer.table_match import Asked, TableMatch, row_label
from service.core.numbers import format_number, passes, percentage
from service.lexicon import lexicon
from service.render import tables as text
from service.understand.frame import Comparison, Language, Part

AGGREGATES = frozenset({"max", "min", "top", "filter", "average", "list"})


@dataclass(frozen=True)
class Pick:
    """One figure an answer states: the cells it adds up (one for a plain cell)."""

    row: int
    columns: tuple[int, ...]
    value: Decimal
    name: str
    year: int | None


class Reading:
    """One table answer being worked out: the cells chosen, the sentences, the citations."""

    def __init__(
        self, found: TableMatch, part: Part, asked: Asked, corpus: Corpus, language: Language
    ) -> None:
        self.found = found
        self.view = found.view
        self.table: Table = found.view.table
        self.part = part
        self.asked = asked
        self.corpus = corpus
        self.language = language
        self.spans: list[tuple[Table, int, int, int | None]] = []  # cited (row or note), in order
        self.cells_used: set[tuple[int, int]] = set()  # offsets of every cell an answer states
        self.figures: list[StatedFigure] = []

    # -- choosing cells -------------------------------------------------------------------

    def years(self) -> list[int]:
        """The years asked; relative years count from the table's own report."""
        if self.part.years:
            return list(self.part.years)
        own = self.corpus.documents.get(self.table.document)
        base = own.year if own else self.table.year
        return [base + r for r in self.part.relative_years] if base is not None else []

    def columns(self) -> list[int] | str:
        """The columns to read, or a refusal when the asked year is not in the table. Of
        several, those of the kind of amount asked: "hoeveel" reads counts, not the
        percentage column beside them; "welk percentage" the percentages."""
        chosen = self._columns()
        if isinstance(chosen, str) or len(chosen) < 2:
            return chosen
        if self.part.amount is None and self.part.operation in ("value", "list"):
            return chosen  # a row's figures, an overview: counts and percentages both tell
        percent = [c for c in chosen if self._percent_column(c)]
        if self.part.amount == "percent":
            return percent or chosen
        return [c for c in chosen if c not in percent] or chosen  # counts are ranked

    def _percent_column(self, column: int) -> bool:
        """Whether a column holds percentages: its header says so, or its cells do."""
        if "percent" in lexicon().amount_kinds(" ".join(self.table.columns[column].header)):
            return True
        cells = [r.cells[column] for r in self.table.rows if r.cells[column] is not None]
        return bool(cells) and all(c.percent for c in cells if c is not None)

    def _columns(self) -> list[int] | str:
        table = self.table
        named = list(self.found.columns)
        chosen = named or list(range(len(table.columns)))
        dated = [i for i in chosen if table.columns[i].year is not None]
        years = self.years()
        if dated:
            if years and self.part.operation == "change" and len(years) == 1:
                years = [years[0] - 1, years[0]]  # "gedaald in <jaar>": against the year before
            if years:
                hit = [i for i in dated if table.columns[i].year in years]
                return hit or self._no_year(years[-1], dated)
            if self.part.operation in ("change", "diff") and not self._role_named():
                latest = sorted({table.columns[i].year or 0 for i in dated})[-2:]
                return [i for i in dated if table.columns[i].year in latest]
            newest = max(table.columns[i].year or 0 for i in dated)
            chosen = [i for i in dated if table.columns[i].year == newest] + [
                i for i in chosen if table.columns[i].year is None and named
            ]
        elif years and table.year is not None and table.year not in years:
            return self._no_year(years[0], [])
        if not named and self.part.kind != "reason":
            totals = self.view.total_columns
            if totals and not dated:
                return totals[:1]
            actual = [i for i in chosen if self.view.column_roles[i] == "actual"]
            if actual and self.part.operation != "diff":
                return actual  # "realisatie" when the part names no column
        return chosen

    def _role_named(self) -> bool:
        """Whether the part names a budget or actual row or column ("dan begroot")."""
        roles = [self.view.row_roles[r] for r in self.found.rows]
        roles += [self.view.column_roles[c] for c in self.found.columns]
        return any(role in ("budget", "actual") for role in roles)

    def _no_year(self, year: int, dated: Sequence[int]) -> str:
        shown = sorted({y for i in dated if (y := self.table.columns[i].year) is not None})
        if not shown and self.table.year is not None:
            shown = [self.table.year]
        return text.say(
            "no_year",
            self.language,
            title=self.table.title,
            year=str(year),
            years=", ".join(str(y) for y in shown),
        )

    def rows(self) -> list[int]:
        """The rows to read: named ones, else what the operation needs, else the structure."""
        details = [i for i, r in enumerate(self.table.rows) if not r.is_total]
        operation = self.part.operation
        named = list(self.found.rows)
        if self.found.grouped:  # "de lasten van …": only the rows under that sub-heading
            details = [r for r in details if r in self.found.grouped]
        if operation in AGGREGATES and operation != "list":
            named = [r for r in named if not self.table.rows[r].is_total]
            return named if len(named) > 1 else details
        if named:
            return named
        if operation == "list":
            return list(range(len(self.table.rows)))
        if operation in AGGREGATES:
            return details
        if self.asked.wants_total and self.view.total_rows:
            return self.view.total_rows[:1]
        actual = [i for i, role in enumerate(self.view.row_roles) if role == "actual"]
        if actual:
            return actual[:1]
        if self.view.total_rows:
            return self.view.total_rows[:1]
        return details if len(details) != 1 else details[:1]

    def additive(self, columns: Sequence[int]) -> bool:
        """Whether these columns may be added: a printed total column sums all the others in
        every row (so any of them add up), and none of them is that total."""
        totals = self.view.total_columns
        if not totals or any(c in totals for c in columns):
            return False
        parts = [i for i in range(len(self.table.columns)) if i not in totals]
        for row in self.table.rows:
            cells = [row.cells[i] for i in parts]
            total = row.cells[totals[0]]
            if (
                total is None
                or total.value is None
                or any(c is None or c.value is None for c in cells)
            ):
                return False
            if (
                sum((c.value for c in cells if c and c.value is not None), Decimal(0))
                != total.value
            ):
                return False
        return True

    def cell(self, row: int, column: int) -> Cell | None:
        """A cell with a number, or None."""
        cell = self.table.rows[row].cells[column]
        return cell if cell is not None and cell.value is not None else None

    def pick(self, row: int, columns: Sequence[int]) -> Pick | None:
        """One row's figure over some columns: one cell, or their sum when proven additive."""
        cells = [c for c in columns if self.cell(row, c) is not None]
        if not cells or (len(cells) > 1 and not self.additive(cells)):
            return None
        value = sum((_value(self.cell(row, c)) for c in cells), Decimal(0))
        years = {self.table.columns[c].year for c in cells}
        year = years.pop() if len(years) == 1 else None
        return Pick(row, tuple(cells), value, self.name(row, cells), year or self.table.year)

    def name(self, row: int, columns: Sequence[int]) -> str:
        """What a figure is, in the table's own words: row label and common header."""
        headers = [self.table.columns[c].header for c in columns]
        common = [h for h in zip(*headers, strict=False) if len(set(h)) == 1]
        header = (
            " ".join(level[0] for level in common) if len(columns) > 1 else " ".join(headers[0])
        )
        return text.label([row_label(self.table.rows[row]), header], self.language)

    # -- citing and stating -----------------------------------------------------------------

    def mark(self, row: int) -> int:
        """The citation number of a row, cited on first use."""
        r = self.table.rows[row]
        span = (self.table, r.start, r.end, row)
        if span not in self.spans:
            self.spans.append(span)
        return self.spans.index(span) + 1

    def mark_span(self, start: int, end: int) -> int:
        """The citation number of any other span of the table's report: one of the table's
        rows (cited with its readable view) or a sentence."""
        row = next(
            (i for i, r in enumerate(self.table.rows) if (r.start, r.end) == (start, end)), None
        )
        span = (self.table, start, end, row)
        if span not in self.spans:
            self.spans.append(span)
        return self.spans.index(span) + 1

    def mark_note(self, kind: str) -> tuple[str, int] | None:
        """A note of the table ("Doel gehaald: Ja.", a toelichting) and its citation number."""
        note = self.table.note(kind)
        if note is None:
            return None
        span = (self.table, note.start, note.end, None)
        if span not in self.spans:
            self.spans.append(span)
        return note.text, self.spans.index(span) + 1

    def state(self, pick: Pick) -> str:
        """ "Bloemendaal, Totaal: 46 [1]." or with the sum written out."""
        used = [cell for c in pick.columns if (cell := self.cell(pick.row, c)) is not None]
        self.cells_used.update((cell.start, cell.end) for cell in used)
        percent = any(cell.percent for cell in used)
        self.figures.append(
            StatedFigure(
                pick.value,
                self.table.unit,
                pick.year,
                pick.name,
                percent or self.table.unit == "%",
                scale=self.table.scale,
            )
        )
        n = str(self.mark(pick.row))
        if len(pick.columns) == 1:
            cell = self.cell(pick.row, pick.columns[0])
            assert cell is not None
            return text.say(
                "cell", self.language, label=pick.name, value=text.show_cell(self.table, cell), n=n
            )
        parts = [self.cell(pick.row, c) for c in pick.columns]
        calculation = _sum_text([p.value for p in parts if p and p.value is not None], pick.value)
        return text.say("sum", self.language, label=pick.name, calculation=calculation, n=n)

    def shown(self, value: Decimal) -> str:
        return text.show_value(self.table, value)

    # -- operations ---------------------------------------------------------------------------

    def lines(self) -> list[str] | str:
        """The sentences of the answer, or a refusal text."""
        columns = self.columns()
        if isinstance(columns, str):
            return columns
        rows = self.rows()
        operation = self.part.operation
        if self.part.kind == "reason":
            return self.explain(rows)
        if operation in ("max", "min", "top"):
            return self.rank(rows, columns)
        if operation == "filter" and self.part.threshold is not None:
            return self.select(rows, columns, *self.part.threshold)
        if operation in ("diff", "change"):
            return self.compare(rows, columns)
        if operation == "share":
            return self.share(rows, columns)
        if operation == "average":
            return self.average(rows, columns)
        if operation == "target":
            return self.target(rows, columns)
        return self.values(rows, columns, add=operation == "sum")

    def picks(self, rows: Sequence[int], columns: Sequence[int]) -> list[Pick]:
        """One figure per row, or (when the columns do not add up) one per cell."""
        out: list[Pick] = []
        for r in rows:
            pick = self.pick(r, columns)
            if pick is not None:
                out.append(pick)
                continue
            out += [p for c in columns if (p := self.pick(r, [c])) is not None]
        return out

    def values(self, rows: Sequence[int], columns: Sequence[int], add: bool) -> list[str]:
        picks = self.picks(rows, columns)
        lines = [self.state(p) for p in picks]
        totals = {r for r in rows if self.table.rows[r].is_total}
        same_column = len({p.columns for p in picks}) == 1
        if (
            add
            and len(picks) > 1
            and same_column
            and not totals
            and len({p.row for p in picks}) > 1
        ):
            total = sum((p.value for p in picks), Decimal(0))
            calculation = _sum_text([p.value for p in picks], total)
            lines.append(
                text.say(
                    "sum",
                    self.language,
                    label=text.label(["Samen"], self.language),
                    calculation=calculation,
                    n=",".join(str(self.mark(p.row)) for p in picks),
                )
            )
            self.figures.append(
                StatedFigure(total, self.table.unit, picks[0].year, "samen", derived=True)
            )
        return lines

    def rank(self, rows: Sequence[int], columns: Sequence[int]) -> list[str]:
        if any(self.view.row_roles[r] is not None for r in rows):
            return []  # "begroting" against "realisatie" is no ranking of things
        picks = self.picks(rows, columns)
        if len({p.columns for p in picks}) != 1 or len(picks) < 2:
            return []
        outflow = all(p.value <= 0 for p in picks)  # lasten printed negative: rank by size
        key = (lambda p: -abs(p.value)) if outflow else (lambda p: -p.value)
        ordered = sorted(picks, key=key)
        if self.part.operation == "min":
            ordered = ordered[::-1]
        if self.part.operation == "top":
            chosen = ordered[: self.part.top_n or 3]
            items = ", ".join(
                f"{row_label(self.table.rows[p.row])} ({self.shown_pick(p)}) [{self.mark(p.row)}]"
                for p in chosen
            )
            return [text.say("top", self.language, n=str(len(chosen)), items=items)]
        best = [p for p in ordered if p.value == ordered[0].value]
        lines = [self.state(p) for p in best] if len(best[0].columns) > 1 else []
        for p in best if not lines else []:
            self.figures.append(
                StatedFigure(p.value, self.table.unit, p.year, p.name, scale=self.table.scale)
            )
        names = ", ".join(f"{row_label(self.table.rows[p.row])} [{self.mark(p.row)}]" for p in best)
        key_name = "least" if self.part.operation == "min" else "most"
        return [
            text.say(key_name, self.language, names=names, value=self.shown_pick(best[0])),
            *lines,
        ]

    def shown_pick(self, pick: Pick) -> str:
        """A figure as answers state it: a single cell in euros with its printed figure."""
        if len(pick.columns) == 1 and (cell := self.cell(pick.row, pick.columns[0])) is not None:
            return text.show_cell(self.table, cell)
        return self.shown(pick.value)

    def select(
        self, rows: Sequence[int], columns: Sequence[int], op: Comparison, threshold: Decimal
    ) -> list[str]:
        picks = self.picks(rows, columns)
        if len({p.columns for p in picks}) != 1:
            return []
        chosen = [p for p in picks if passes(p.value, op, threshold)]
        if not chosen:
            return [text.say("selection_none", self.language)]
        names = ", ".join(
            f"{row_label(self.table.rows[p.row])} ({self.shown(p.value)}) [{self.mark(p.row)}]"
            for p in chosen
        )
        return [text.say("selection", self.language, names=names)]

    def compare(self, rows: Sequence[int], columns: Sequence[int]) -> list[str]:
        """A difference between two rows, two columns, or the actual and budget rows."""
        rows = list(rows)
        if len(rows) == 1 and len(columns) == 1 and self.part.operation == "diff":
            partner = self._counterpart(rows[0])
            other_column = self._counterpart_column(columns[0])
            if partner is not None:
                rows = [rows[0], partner]
            elif other_column is not None:
                columns = [other_column, columns[0]]  # realisatie against begroting
        roles = [self.view.column_roles[c] for c in columns]
        if len(columns) > 2 and {"actual", "budget"} <= set(roles):
            # "begroot tegen werkelijk": the last budget (after amendments) and the actual
            budget = [c for c in columns if self.view.column_roles[c] == "budget"][-1]
            actual = [c for c in columns if self.view.column_roles[c] == "actual"][-1]
            columns, roles = [actual, budget], ["actual", "budget"]
        if len(rows) == 2:
            a, b = self.pick(rows[0], columns), self.pick(rows[1], columns)
        elif len(columns) == 2 and set(roles) == {"actual", "budget"}:
            actual, budget = sorted(columns, key=lambda c: self.view.column_roles[c] != "actual")
            a, b = self.pick(rows[0], [actual]), self.pick(rows[0], [budget])
        elif len(columns) == 2:
            later, earlier = sorted(columns, key=lambda c: -(self.table.columns[c].year or 0))
            a, b = self.pick(rows[0], [later]), self.pick(rows[0], [earlier])
        else:
            return []
        if a is None or b is None:
            return []
        lines = [self.state(a), self.state(b)]
        if self._total_and_part(rows, columns):
            return lines  # a total and one of its parts: both stated, never subtracted
        both_negative = a.value <= 0 and b.value <= 0
        va, vb = (abs(a.value), abs(b.value)) if both_negative else (a.value, b.value)
        high, low = (va, vb) if va >= vb else (vb, va)
        difference = high - low
        calculation = f"{format_number(high)} − {format_number(low)} = {format_number(difference)}"
        self.figures.append(
            StatedFigure(difference, self.table.unit, None, "verschil", derived=True)
        )
        if self.part.operation == "change" and a.year and b.year and a.year != b.year and vb:
            change = percentage(abs(va - vb), abs(vb)).quantize(Decimal("0.1"))
            shown = text.show_value(self.table, change, percent=True)
            direction = "+" if va > vb else "−"
            percent = f"{format_number(difference)} / {format_number(abs(vb))} = {direction}{shown}"
            self.figures.append(StatedFigure(change, "%", a.year, "verandering", derived=True))
            lines.append(
                text.say(
                    "change",
                    self.language,
                    old_year=str(b.year),
                    new_year=str(a.year),
                    calculation=calculation,
                    percent=percent,
                )
            )
            return lines
        lines.append(text.say("difference", self.language, calculation=calculation))
        return lines

    def _total_and_part(self, rows: Sequence[int], columns: Sequence[int]) -> bool:
        """Whether the two figures compared are a total and a part of it: a total row and
        a detail row, or a total column and a column it adds up."""
        if len(rows) == 2:
            return self.table.rows[rows[0]].is_total != self.table.rows[rows[1]].is_total
        totals = self.view.total_columns
        return len(columns) == 2 and (columns[0] in totals) != (columns[1] in totals)

    def _counterpart_column(self, column: int) -> int | None:
        """The actual column of the same year for a budget column, and back."""
        roles = self.view.column_roles
        wanted = {"actual": "budget", "budget": "actual"}.get(roles[column] or "")
        year = self.table.columns[column].year
        return next(
            (
                i
                for i, r in enumerate(roles)
                if r == wanted and self.table.columns[i].year == year and i != column
            ),
            None,
        )

    def _counterpart(self, row: int) -> int | None:
        """The budget row for an actual row and back ("hoeveel onder de begroting")."""
        roles = self.view.row_roles
        wanted = {"actual": "budget", "budget": "actual"}.get(roles[row] or "")
        return next((i for i, r in enumerate(roles) if r == wanted), None)

    def share(self, rows: Sequence[int], columns: Sequence[int]) -> list[str]:
        """A part as a percentage of its total: named rows of the total row, or named
        columns of the total column."""
        details = [r for r in rows if not self.table.rows[r].is_total]
        totals_row = self.view.total_rows[:1]
        if self.found.rows and not self.found.columns and self.view.total_columns:
            columns = self.view.total_columns[:1]  # a row's share: its total of the grand total
        if self.found.rows and details and totals_row:
            parts = [p for r in details if (p := self.pick(r, columns))]
            whole = self.pick(totals_row[0], columns)
        elif self.found.columns and totals_row and self.view.total_columns:
            parts = [p for p in [self.pick(totals_row[0], columns)] if p]
            whole = self.pick(totals_row[0], self.view.total_columns[:1])
        else:
            return []
        if not parts or whole is None or whole.value == 0:
            return []
        lines = [self.state(p) for p in parts] + [self.state(whole)]
        part_value = sum((p.value for p in parts), Decimal(0))
        share = percentage(abs(part_value), abs(whole.value))
        shown = text.show_value(self.table, share.quantize(Decimal("0.1")), percent=True)
        rounded = share.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if rounded != share.quantize(Decimal("0.1")):
            shown += f" ({text.say('rounded', self.language, value=format_number(rounded))})"
        part_text = (
            _sum_text([abs(p.value) for p in parts], abs(part_value))
            if len(parts) > 1
            else format_number(abs(part_value))
        )
        calculation = f"{part_text.split(' = ')[-1]} / {format_number(abs(whole.value))} = {shown}"
        if len(parts) > 1:
            calculation = f"{part_text}; {calculation}"
        self.figures.append(
            StatedFigure(share.quantize(Decimal("0.1")), "%", whole.year, "aandeel", derived=True)
        )
        lines.append(text.say("share", self.language, calculation=calculation))
        return lines

    def average(self, rows: Sequence[int], columns: Sequence[int]) -> list[str]:
        picks = self.picks(rows, columns)
        if len({p.columns for p in picks}) != 1 or not picks:
            return []
        total = sum((p.value for p in picks), Decimal(0))
        mean = (total / len(picks)).quantize(Decimal("0.1"))
        marks = ",".join(str(self.mark(p.row)) for p in picks)
        added = _sum_text([p.value for p in picks], total)
        calculation = f"{added}; {format_number(total)} / {len(picks)} = {format_number(mean)}"
        self.figures.append(StatedFigure(mean, self.table.unit, None, "gemiddelde", derived=True))
        return [text.say("average", self.language, calculation=calculation) + f" [{marks}]"]

    def target(self, rows: Sequence[int], columns: Sequence[int]) -> list[str]:
        """Whether the target was met: the report's own verdict, with the two figures."""
        lines = []
        actual = next((i for i, r in enumerate(self.view.row_roles) if r == "actual"), None)
        budget = next((i for i, r in enumerate(self.view.row_roles) if r == "budget"), None)
        for row in (actual, budget):
            if row is not None and (p := self.pick(row, columns)) is not None:
                lines.append(self.state(p))
        verdict = self.mark_note("doel_gehaald")
        if verdict is not None:
            note, n = verdict
            lines.append(text.say("target_note", self.language, note=note, n=str(n)))
        elif self.table.target_met is not None:
            lines.append(
                text.say("target_met" if self.table.target_met else "target_missed", self.language)
            )
        return lines

    def explain(self, rows: Sequence[int]) -> list[str]:
        """The figures behind an amount (the whole row) and the table's own explanation."""
        lines: list[str] = []
        if self.found.rows:
            lines.append(text.say("behind", self.language))
            for r in rows:
                lines += [
                    self.state(p)
                    for c in range(len(self.table.columns))
                    if (p := self.pick(r, [c]))
                ]
        note = self.mark_note("toelichting")
        if note is not None:
            lines.append(text.say("explanation", self.language, note=note[0], n=str(note[1])))
        return lines


def _sum_text(values: Sequence[Decimal], total: Decimal) -> str:
    """ "4 + 24 + 3 = 31", negative terms in brackets."""
    shown = [format_number(v) for v in values]
    shown = [s if i == 0 or not s.startswith("-") else f"({s})" for i, s in enumerate(shown)]
    return " + ".join(shown) + " = " + format_number(total)


def _value(cell: Cell | None) -> Decimal:
    """A cell's number (callers only pass cells that have one)."""
    return cell.value if cell is not None and cell.value is not None else Decimal(0)
