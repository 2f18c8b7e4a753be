"""Deterministic answers from the report's tables: no model, the calculation shown.

`TableAnswerer.answer` returns None for questions the tables cannot carry (the router
then tries the text route), a "refusal" when a table question asks for something the
tables do not have (another year, an unlisted wijk, a monthly figure), and otherwise a
"table" answer whose citations quote the source rows verbatim. Figures are written the
Dutch way by `service.core.numbers`; money is shown in euros with the table's own figure
(× € 1.000, with its sign) next to it. When an answer touches a figure the consistency
check flagged, the answer follows the table and says so, citing both places.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ingest.consistency import Discrepancy
from ingest.table_store import TableStore
from ingest.tables import OUTFLOW_COLUMNS, TOTAL, Table, TableCell, TableRow, total_column
from service.core.numbers import format_euro, format_number, format_percent, percentage, signed_sum
from service.web.schemas import AskResponse, Citation
from service.table_query import CROSS_TOPIC, MONEY_TOPIC, QueryParser, TableQuery

logger = logging.getLogger(__name__)

Language = Literal["nl", "en"]

# User-facing wording, per language, in one place.
_WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "lopend": "lopende",
        "afgerond": "afgeronde",
        "koop": "koopwoningen",
        "corporatie": "corporatiewoningen",
        "particulier": "particuliere huurwoningen",
        "begroting": "begroting",
        "realisatie": "realisatie",
        "lasten": "lasten",
        "baten": "baten",
        "toevoegingen": "toevoegingen aan reserves",
        "onttrekkingen": "onttrekkingen uit reserves",
        "saldo": "saldo",
        "cases": "casussen",
        "woonoverlast": "woonoverlast",
        "and": "en",
        "in": "in",
        "at": "bij",
        "all_wijken": "in alle wijken samen",
        "goal": "doelstelling",
        "programme": "het hele programma",
    },
    "en": {
        "lopend": "ongoing",
        "afgerond": "closed",
        "koop": "owner-occupied homes",
        "corporatie": "housing-association homes",
        "particulier": "privately rented homes",
        "begroting": "target (budget)",
        "realisatie": "actual figure",
        "lasten": "expenses",
        "baten": "income",
        "toevoegingen": "additions to reserves",
        "onttrekkingen": "withdrawals from reserves",
        "saldo": "balance",
        "cases": "cases",
        "woonoverlast": "housing nuisance",
        "and": "and",
        "in": "in",
        "at": "in",
        "all_wijken": "in all neighbourhoods together",
        "goal": "goal",
        "programme": "the whole programme",
    },
}


def _w(language: Language, key: str) -> str:
    return _WORDS[language].get(key, key)


_SHORT_EN = {
    "koop": "owner-occupied",
    "corporatie": "housing association",
    "particulier": "private rental",
    "lopend": "ongoing",
    "afgerond": "closed",
    "begroting": "target",
    "realisatie": "actual",
    "lasten": "expenses",
    "baten": "income",
    "saldo": "balance",
}


def _short(language: Language, value: str) -> str:
    """Compact label of a dimension value for breakdowns ("koop lopend 6")."""
    return _SHORT_EN.get(value, value) if language == "en" else value


def _join(items: Sequence[str], language: Language) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_w(language, 'and')} " + items[-1]


@dataclass(frozen=True)
class Figure:
    """A number the answer states: one printed cell, or a sum of cells with its calculation."""

    value: Decimal
    cells: tuple[TableCell, ...]
    rows: tuple[TableRow, ...]

    @property
    def calculation(self) -> str | None:
        """ "4 + 24 + 3 = 31" when the figure is a sum of more than one cell."""
        if len(self.cells) < 2:
            return None
        parts = [format_number(c.value) for c in self.cells]
        parts = [p if i == 0 or not p.startswith("-") else f"({p})" for i, p in enumerate(parts)]
        return " + ".join(parts) + " = " + format_number(self.value)


@dataclass
class _Draft:
    """An answer being written: sentences, cited rows and the cells it rests on."""

    route: Literal["table", "refusal"] = "table"
    sentences: list[str] = field(default_factory=list)
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    cells: list[TableCell] = field(default_factory=list)

    def cite(self, table: Table, rows: Sequence[TableRow]) -> None:
        for row in rows:
            span = (row.start, row.end, table.citation_section)
            if span not in self.spans:
                self.spans.append(span)

    def use(self, figure: Figure, table: Table) -> None:
        self.cells.extend(figure.cells)
        self.cite(table, figure.rows)


class TableAnswerer:
    """Answers figure questions from the table store, the same way every time."""

    def __init__(self, store: TableStore, discrepancies: Sequence[Discrepancy] = ()) -> None:
        self.store = store
        self.tables = {t.id: t for t in store.tables}
        self.parser = QueryParser(store.tables)
        self.discrepancies = tuple(discrepancies)
        # Every quotable span the answers can cite, with its verbatim text.
        self.quotes: dict[tuple[int, int], str] = {}
        for table in store.tables:
            start, end = _title_span(table)
            self.quotes[(start, end)] = _title_quote(table)
            for row in table.rows:
                self.quotes[(row.start, row.end)] = row.text
            for note in table.notes:
                self.quotes[(note.start, note.end)] = note.text
        for item in self.discrepancies:
            for span in item.spans:
                self.quotes[(span.start, span.end)] = span.quote

    def answer(
        self, question: str, history: Sequence[str] = (), language: Language = "nl"
    ) -> AskResponse | None:
        """A table answer, a refusal for figures the tables lack, or None (not a table question)."""
        query = self.parser.resolve(question, history)
        if query is None:
            return None
        tables = [self.tables[t] for t in query.table_ids if t in self.tables]
        if not tables:
            return None
        draft = _Draft()
        if not self._compare_tables(draft, tables, query, language):
            for table in tables:
                self._answer_table(draft, table, query, language)
        if draft.route == "table":
            self._mention_discrepancies(draft, language)
        logger.debug(
            "table answer",
            extra={"route": draft.route, "operation": query.operation, "tables": query.table_ids},
        )
        return AskResponse(
            answer=" ".join(draft.sentences),
            route=draft.route,
            citations=self._citations(draft, tables[0].document),
            resolved_question=resolved_question(query, tables),
            language=language,
        )

    # -- dispatch -----------------------------------------------------------------------
    def _answer_table(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> None:
        refusal = self._missing(table, query, lang)
        if refusal:
            draft.route = "refusal"
            draft.sentences.append(refusal)
            draft.spans.append((*_title_span(table), table.citation_section))
            return
        operation = query.operation
        if operation == "target":
            self._target(draft, table, query, lang)
        elif operation in ("max", "min", "top"):
            self._rank(draft, table, query, lang)
        elif operation == "filter" and query.predicate is not None:
            self._select(draft, table, query, lang)
        elif operation == "explain" and table.kind == "financial_totals":
            self._explain(draft, table, query, lang)
        elif (operation == "diff" and self._diff(draft, table, query, lang)) or (
            operation == "share" and self._share(draft, table, query, lang)
        ):
            pass
        else:
            self._value(draft, table, query, lang)

    def _missing(self, table: Table, query: TableQuery, lang: Language) -> str | None:
        """A refusal sentence when the question asks for what this table does not hold."""
        years = _years(table)
        asked = query.values("jaar")
        nl = lang == "nl"
        unknown_wijken = [v for k, v in query.unknown if k == "wijk"]
        if any(k == "periode" for k, _ in query.unknown):
            return (
                "Het jaarverslag geeft alleen jaarcijfers, geen cijfers per maand of kwartaal."
                if nl
                else "The annual report only gives yearly figures, not monthly or quarterly ones."
            )
        if asked and any(y not in years for y in asked):
            given = _join(years, lang)
            return (
                f"Dat staat niet in het jaarverslag. De tabel '{table.title}' geeft alleen {given}."
                if nl
                else f"The annual report does not give that. The table '{table.title}' only "
                f"covers {given}."
            )
        if unknown_wijken and table.row_dimension == "wijk":
            listed = _join([r.label for r in table.rows if not r.is_total], lang)
            names = _join(unknown_wijken, lang)
            return (
                f"De tabel '{table.title}' noemt {names} niet. De tabel geeft cijfers voor "
                f"{listed}."
                if nl
                else f"The table '{table.title}' does not list {names}. It gives figures for "
                f"{listed}."
            )
        own_dims = {table.row_dimension, *table.column_dimensions}
        if unknown_wijken and "wijk" not in own_dims:
            names = _join(unknown_wijken, lang)
            return (
                f"De tabel '{table.title}' geeft geen cijfers voor {names}."
                if nl
                else f"The table '{table.title}' has no figures for {names}."
            )
        ranks_wijken = query.group_by == "wijk" and query.operation in (
            "max",
            "min",
            "top",
            "filter",
        )
        if (query.values("wijk") or ranks_wijken) and "wijk" not in own_dims:
            return (
                f"De tabel '{table.title}' geeft geen cijfers per wijk."
                if nl
                else f"The table '{table.title}' has no figures per neighbourhood."
            )
        if table.kind == "financial_totals" and query.values("type") == ("begroting",):
            return (
                f"De tabel '{table.title}' geeft de werkelijke bedragen over {table.year}, "
                "geen begroting."
                if nl
                else f"The table '{table.title}' gives actual amounts for {table.year}, "
                "not the budget."
            )
        if query.operation == "target" and table.kind != "target_vs_realisation":
            return (
                f"De tabel '{table.title}' heeft geen doel of begroting om mee te vergelijken."
                if nl
                else f"The table '{table.title}' has no target to compare with."
            )
        return None

    # -- selecting cells ----------------------------------------------------------------
    def _rows(self, table: Table, query: TableQuery) -> list[TableRow]:
        keys = query.values(table.row_dimension)
        if keys:
            return [r for k in keys for r in table.rows if r.key == k]
        totals = [r for r in table.rows if r.is_total]
        if totals and table.kind != "target_vs_realisation":
            return totals
        return [r for r in table.rows if not r.is_total]

    def _columns(self, table: Table, query: TableQuery) -> list[int]:
        asked = {d: query.values(d) for d in table.column_dimensions if query.values(d)}
        total = total_column(table)
        if not asked:
            if total is not None and table.kind != "financial_totals":
                return [total]
            return list(range(len(table.columns)))
        indices = []
        for index, cell in enumerate(table.rows[0].cells):
            if index == total and table.kind != "financial_totals":
                continue
            if all(cell.dim(d) in values for d, values in asked.items()):
                indices.append(index)
        return indices

    def _additive(self, table: Table, query: TableQuery, columns: list[int]) -> bool:
        if table.kind == "financial_totals":
            return len(columns) == 1
        if table.kind == "target_vs_realisation":
            return table.unit == "aantal" and query.wants_sum and len(query.values("type")) == 1
        return True

    def _figure(self, table: Table, query: TableQuery) -> Figure | None:
        """One number for the selection (a printed cell or a sum), None when not additive."""
        rows, columns = self._rows(table, query), self._columns(table, query)
        cells = tuple(row.cells[i] for row in rows for i in columns)
        if not cells:
            return None
        if len(cells) == 1:
            return Figure(cells[0].value, cells, tuple(rows))
        if not self._additive(table, query, columns):
            return None
        return Figure(sum((c.value for c in cells), Decimal(0)), cells, tuple(rows))

    # -- formatting ---------------------------------------------------------------------
    def _number(
        self, table: Table, value: Decimal, lang: Language, kolom: str | None = None
    ) -> str:
        if not table.unit.startswith("€"):
            return format_number(value)
        scale = Decimal(table.unit.replace("€", "").replace(".", "").strip() or "1")
        euro = format_euro(value, scale)
        if value < 0 and kolom not in OUTFLOW_COLUMNS:
            euro += " negatief" if lang == "nl" else " negative"
        unit = table.unit
        note = "in de tabel" if lang == "nl" else "in the table"
        return f"{euro} ({note}: {format_number(value)} × {unit})"

    def _describe(self, table: Table, query: TableQuery, lang: Language) -> str:
        """Plain words for a selection: "afgeronde casussen woonoverlast bij koopwoningen"."""
        if table.kind == "financial_totals":
            kolom = _join([_w(lang, k) for k in query.values("kolom")], lang) or (
                "bedragen" if lang == "nl" else "amounts"
            )
            goals = query.values("doelstelling")
            where = _join([self._goal_name(table, g, lang) for g in goals], lang)
            return f"{kolom} {'van' if lang == 'nl' else 'of'} {where or _w(lang, 'programme')}"
        if table.kind == "target_vs_realisation":
            return _subject(table)
        stub = table.kind.split("_per_")[0]
        words = []
        status = query.values("status")
        if status:
            words.append(_join([_w(lang, s) for s in status], lang))
        if lang == "nl":
            words.append(f"{_w(lang, 'cases')} {_w(lang, stub)}")
        else:
            words.append(f"{_w(lang, stub)} {_w(lang, 'cases')}")
        owners = query.values("eigendom")
        if owners:
            words.append(f"{_w(lang, 'at')} " + _join([_w(lang, o) for o in owners], lang))
        wijken = query.values(table.row_dimension)
        if wijken:
            words.append(f"{_w(lang, 'in')} " + _join(list(wijken), lang))
        return " ".join(words)

    def _goal_name(self, table: Table, key: str, lang: Language) -> str:
        if key == TOTAL:
            return _w(lang, "programme")
        row = next((r for r in table.rows if r.key == key), None)
        label = row.label.replace(f"({key})", "").strip() if row else ""
        return f"{_w(lang, 'goal')} {key} ({label})" if label else f"{_w(lang, 'goal')} {key}"

    def _parts_text(self, table: Table, figure: Figure, lang: Language) -> str:
        """ "koop lopend 6, koop afgerond 3, …" naming each part by the dimensions that vary."""
        varying = [
            d
            for d in (table.row_dimension, *table.column_dimensions)
            if len({c.dim(d) for c in figure.cells}) > 1
        ]
        parts = []
        for cell in figure.cells:
            name = " ".join(_short(lang, cell.dim(d) or "") for d in varying)
            parts.append(f"{name} {format_number(cell.value)}".strip())
        return ", ".join(parts)

    # -- operations ---------------------------------------------------------------------
    def _value(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> None:
        nl = lang == "nl"
        year = table.year
        figure = self._figure(table, query)
        if table.kind == "target_vs_realisation":
            self._year_values(draft, table, query, lang)
            return
        if figure is None:
            self._listing(draft, table, query, lang)
            return
        kolom = query.values("kolom")[0] if query.values("kolom") else None
        value = self._number(table, figure.value, lang, kolom)
        describe = self._describe(table, query, lang)
        if table.kind == "financial_totals":
            verb = "waren" if nl else "were"
            if kolom == "saldo":
                verb = "was"
            article = "Het" if kolom == "saldo" else "De"
            sentence = (
                f"{article} {describe} {verb} in {year} {value}."
                if nl
                else f"The {describe} {verb} {value} in {year}."
            )
        else:
            if not query.values(table.row_dimension):
                describe += " " + _w(lang, "all_wijken")
            sentence = (
                f"In {year} waren er {value} {describe}."
                if nl
                else f"In {year} there were {value} {describe}."
            )
        draft.sentences.append(sentence)
        if figure.calculation:
            label = "Berekening" if nl else "Calculation"
            draft.sentences.append(
                f"{label}: {figure.calculation} ({self._parts_text(table, figure, lang)})."
            )
        elif self._open_with_breakdown(table, query):
            parts = self._breakdown(table, query)
            if parts is not None:
                label = "Verdeling" if nl else "Breakdown"
                draft.sentences.append(
                    f"{label}: {self._parts_text(table, parts, lang)} ({parts.calculation})."
                )
                draft.cells.extend(parts.cells)
        draft.use(figure, table)

    def _open_with_breakdown(self, table: Table, query: TableQuery) -> bool:
        return not all(query.values(d) for d in table.column_dimensions)

    def _breakdown(self, table: Table, query: TableQuery) -> Figure | None:
        """The parts of a printed total (the row's cells without its total column)."""
        total = total_column(table)
        if total is None or table.kind == "financial_totals":
            return None
        rows = self._rows(table, query)
        cells = tuple(c for r in rows for i, c in enumerate(r.cells) if i != total)
        return Figure(sum((c.value for c in cells), Decimal(0)), cells, tuple(rows))

    def _listing(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> None:
        """Several figures that must not be added up (lasten next to baten): list them."""
        rows, columns = self._rows(table, query), self._columns(table, query)
        for row in rows:
            parts = []
            for i in columns:
                cell = row.cells[i]
                name = _w(lang, cell.dim("kolom") or table.columns[i])
                parts.append(f"{name} {self._number(table, cell.value, lang, cell.dim('kolom'))}")
                draft.cells.append(cell)
            goal = self._goal_name(table, row.key, lang)
            intro = f"{goal[0].upper()}{goal[1:]} in {table.year}: "
            draft.sentences.append(intro + "; ".join(parts) + ".")
            draft.cite(table, [row])

    def _year_values(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> None:
        nl = lang == "nl"
        types = query.values("type") or tuple(r.key for r in table.rows if r.key == "realisatie")
        types = types or tuple(r.key for r in table.rows)
        years = query.values("jaar") or tuple(_years(table))
        rows = [r for t in types for r in table.rows if r.key == t]
        if len(years) > 1 and query.wants_sum and table.unit == "aantal" and len(rows) == 1:
            cells = tuple(c for c in rows[0].cells if c.dim("jaar") in years)
            figure = Figure(sum((c.value for c in cells), Decimal(0)), cells, tuple(rows))
            label = "samen" if nl else "together"
            draft.sentences.append(
                f"{_subject(table)}, {_w(lang, rows[0].key)} {_join(list(years), lang)} {label}: "
                f"{figure.calculation}."
            )
            draft.use(figure, table)
            return
        phrases = []
        for year in years:
            values = []
            for row in rows:
                cell = next(c for c in row.cells if c.dim("jaar") == year)
                values.append(f"{_w(lang, row.key)} {format_number(cell.value)}")
                draft.cells.append(cell)
            phrases.append(f"{year}: " + ", ".join(values))
        if len(years) == 1:  # "… in 2024: realisatie 89." reads easier than "… — 2024: …"
            phrases = [phrase.split(": ", 1)[1] for phrase in phrases]
            sentence = f"{_subject(table)} in {years[0]}: {phrases[0]}."
        else:
            sentence = f"{_subject(table)} — " + "; ".join(phrases) + "."
        draft.sentences.append(sentence)
        budget = [r for r in table.rows if r.key == "begroting"]
        if not query.values("type") and budget:
            targets = ", ".join(
                (f"{c.dim('jaar')}: " if len(years) > 1 else "") + format_number(c.value)
                for c in budget[0].cells
                if c.dim("jaar") in years
            )
            draft.sentences.append(("Begroot was " if nl else "The target was ") + targets + ".")
            rows = rows + budget
            draft.cells.extend(c for c in budget[0].cells if c.dim("jaar") in years)
        draft.cite(table, rows)

    def _target(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> None:
        nl = lang == "nl"
        rows = {r.key: r for r in table.rows}
        actual, budget = rows.get("realisatie"), rows.get("begroting")
        if actual is None or budget is None:
            self._value(draft, table, query, lang)
            return
        years = query.values("jaar") or (str(table.year),)
        for year in years:
            a = next(c for c in actual.cells if c.dim("jaar") == year)
            b = next(c for c in budget.cells if c.dim("jaar") == year)
            draft.cells.extend([a, b])
            verdict = table.note("doel_gehaald")
            better = table.higher_is_better
            if year == str(table.year) and table.target_met is not None and verdict:
                met = table.target_met
                source = (
                    f" (het jaarverslag: '{verdict.text}')"
                    if nl
                    else f" (report: '{verdict.text}')"
                )
                draft.spans.append((verdict.start, verdict.end, table.citation_section))
            elif better is not None:
                met = a.value >= b.value if better else a.value <= b.value
                source = " (afgeleid uit de cijfers)" if nl else " (derived from the figures)"
            else:
                met = None
                source = ""
            direction = ""
            if better is not None:
                direction = (
                    (" Hoger is hier beter." if better else " Lager is hier beter.")
                    if nl
                    else (" Higher is better here." if better else " Lower is better here.")
                )
            if met is None:
                head = "Dat zegt het jaarverslag niet." if nl else "The report does not say."
            elif nl:
                head = "Ja, het doel is gehaald" if met else "Nee, het doel is niet gehaald"
            else:
                head = "Yes, the target was met" if met else "No, the target was not met"
            numbers = (
                f"In {year} was de realisatie {format_number(a.value)} en de begroting "
                f"{format_number(b.value)}."
                if nl
                else f"In {year} the actual figure was {format_number(a.value)} against a "
                f"target of {format_number(b.value)}."
            )
            draft.sentences.append(f"{head}{source}. {numbers}{direction}")
        draft.sentences.insert(0, f"{_subject(table)}:")
        draft.cite(table, [actual, budget])

    def _diff(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> bool:
        """Difference between two values of one dimension (years, begroting/realisatie, wijken…)."""
        nl = lang == "nl"
        dims = (table.row_dimension, *table.column_dimensions)
        pair_dim = next((d for d in dims if len(query.values(d)) == 2), None)
        if pair_dim is None and query.values("type") == ("begroting",):
            # "lower than the target": the other side is the realisation.
            pair_dim = "type"
            query = query.with_filter("type", ("realisatie", "begroting"))
        if pair_dim is None and table.kind == "target_vs_realisation":
            pair_dim = "jaar"
            query = query.with_filter("jaar", tuple(_years(table))[-2:])
            if not query.values("type"):
                query = query.with_filter("type", ("realisatie",))
        if pair_dim is None:
            return False
        first, second = query.values(pair_dim)
        if table.kind == "target_vs_realisation":
            others = [d for d in dims if d != pair_dim]
            fixed = {d: query.values(d) for d in others}
            if not fixed.get("jaar") and pair_dim == "type":
                query = query.with_filter("jaar", (str(table.year),))
            if not fixed.get("type") and pair_dim == "jaar":
                query = query.with_filter("type", ("realisatie",))
        a = self._figure(table, query.with_filter(pair_dim, (first,)))
        b = self._figure(table, query.with_filter(pair_dim, (second,)))
        if a is None or b is None:
            return False
        difference = a.value - b.value
        name_a, name_b = (
            self._side(table, pair_dim, first, lang),
            self._side(table, pair_dim, second, lang),
        )
        fa, fb = format_number(a.value), format_number(b.value)
        big, small = (a, b) if difference >= 0 else (b, a)
        gap = format_number(abs(difference))
        calc = f"{format_number(big.value)} − {format_number(small.value)} = {gap}"
        context = self._describe(table, query.with_filter(pair_dim, ()), lang)
        if pair_dim == "jaar" and nl:
            trend = "een daling" if b.value > a.value else "een stijging"
            older, newer = (a, b) if first < second else (b, a)
            old_year, new_year = sorted((first, second))
            if older.value == newer.value:
                same = format_number(older.value)
                sentence = f"{_cap(context)}: in {old_year} en {new_year} gelijk ({same})."
            else:
                trend = "een daling" if newer.value < older.value else "een stijging"
                sentence = (
                    f"{_cap(context)}: van {format_number(older.value)} in {old_year} "
                    f"naar {format_number(newer.value)} in {new_year}, {trend}: {calc}."
                )
        elif pair_dim == "jaar" and a.value == b.value:
            old_year, new_year = sorted((first, second))
            same = format_number(a.value)
            sentence = f"{_cap(context)}: equal in {old_year} and {new_year} ({same})."
        elif pair_dim == "jaar":
            old_year, new_year = sorted((first, second))
            older, newer = (a, b) if first < second else (b, a)
            trend = "a decrease" if newer.value < older.value else "an increase"
            sentence = (
                f"{_cap(context)}: from {format_number(older.value)} in {old_year} "
                f"to {format_number(newer.value)} in {new_year}, {trend}: {calc}."
            )
        elif difference == 0:
            sentence = (
                f"{name_a} ({fa}) en {name_b} ({fb}) zijn gelijk."
                if nl
                else f"{name_a} ({fa}) and {name_b} ({fb}) are equal."
            )
        else:
            more = (
                ("hoger" if difference > 0 else "lager")
                if nl
                else ("higher" if difference > 0 else "lower")
            )
            year = query.values("jaar")[0] if query.values("jaar") else str(table.year)
            sentence = (
                f"{_cap(context)} in {year}: {name_a} ({fa}) lag "
                f"{format_number(abs(difference))} {more} dan {name_b} ({fb}): {calc}."
                if nl
                else f"{_cap(context)} in {year}: {name_a} ({fa}) was "
                f"{format_number(abs(difference))} {more} than {name_b} ({fb}): {calc}."
            )
        draft.sentences.append(sentence)
        for figure in (a, b):
            if figure.calculation:
                draft.sentences.append(f"({figure.calculation})")
            draft.use(figure, table)
        return True

    def _compare_tables(
        self, draft: _Draft, tables: Sequence[Table], query: TableQuery, lang: Language
    ) -> bool:
        """Two sibling year tables compared ("veiliger in de buurt of in de stad?")."""
        comparing = query.operation in ("diff", "max", "min")
        year_tables = all(t.kind == "target_vs_realisation" for t in tables)
        if len(tables) != 2 or not comparing or not year_tables:
            return False
        if any(self._missing(t, query, lang) for t in tables):
            return False
        if len({t.unit for t in tables}) != 1:
            return False
        nl = lang == "nl"
        kind = query.values("type")[0] if len(query.values("type")) == 1 else "realisatie"
        year = query.values("jaar")[0] if len(query.values("jaar")) == 1 else str(tables[0].year)
        sides: list[tuple[Table, TableRow, TableCell]] = []
        for table in tables:
            row = next((r for r in table.rows if r.key == kind), None)
            cell = next((c for c in row.cells if c.dim("jaar") == year), None) if row else None
            if row is None or cell is None:
                return False
            sides.append((table, row, cell))
        for table, row, cell in sides:
            draft.sentences.append(
                f"{_subject(table)}, {_w(lang, kind)} {year}: {format_number(cell.value)}."
            )
            draft.cells.append(cell)
            draft.cite(table, [row])
        a, b = sides[0][2], sides[1][2]
        if a.value == b.value:
            draft.sentences.append(
                f"Dat is gelijk ({format_number(a.value)})."
                if nl
                else f"They are equal ({format_number(a.value)})."
            )
            return True
        (high_t, _, high), (low_t, _, low) = sides if a.value > b.value else sides[::-1]
        gap = format_number(high.value - low.value)
        calc = f"{format_number(high.value)} − {format_number(low.value)} = {gap}"
        draft.sentences.append(
            f"Het hoogst is '{_subject(high_t)}', {gap} hoger dan '{_subject(low_t)}': {calc}."
            if nl
            else f"Highest is '{_subject(high_t)}', {gap} higher than '{_subject(low_t)}': {calc}."
        )
        return True

    def _select(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> None:
        """The groups whose figure passes the question's test ("wijken zonder …", "positief")."""
        assert query.predicate is not None
        nl = lang == "nl"
        comparison, threshold = query.predicate
        default = {
            "target_vs_realisation": "jaar",
            "financial_totals": "doelstelling",
        }.get(table.kind, table.row_dimension)
        group = query.group_by or default
        if group not in (table.row_dimension, *table.column_dimensions):
            group = default
        if table.kind == "target_vs_realisation" and not query.values("type"):
            query = query.with_filter("type", ("realisatie",))
        if table.kind == "financial_totals" and not query.values("kolom"):
            query = query.with_filter("kolom", ("saldo",))
        kolom = query.values("kolom")[0] if query.values("kolom") else None
        scored = self._per_value(table, query, group)
        if not scored:
            self._value(draft, table, query, lang)
            return

        def measure(figure: Figure) -> Decimal:
            return abs(figure.value) if kolom in OUTFLOW_COLUMNS else figure.value

        chosen = [(v, f) for v, f in scored if _passes(measure(f), comparison, threshold)]
        describe = self._describe(table, query.with_filter(group, ()), lang)
        if table.kind == "financial_totals":
            describe = _join([_w(lang, k) for k in query.values("kolom")], lang) or describe
        test = _test_words(comparison, threshold, describe, lang)
        plural = _PLURALS[lang].get(group, group)
        if chosen:
            named = [
                f"{self._side(table, group, v, lang)}: {self._number(table, f.value, lang, kolom)}"
                for v, f in chosen
            ]
            listing = "; ".join(named)
            draft.sentences.append(f"{_cap(plural)} {test} in {table.year}: {listing}.")
            shown = chosen
        else:
            closest = sorted(
                scored, key=lambda item: measure(item[1]), reverse=comparison in (">", ">=")
            )[0]
            value, figure = closest
            name = self._side(table, group, value, lang)
            amount = self._number(table, figure.value, lang, kolom)
            draft.sentences.append(
                f"Geen enkele {_SINGULARS['nl'].get(group, group)} {test} in {table.year}. "
                f"Het dichtst in de buurt: {name} ({amount})."
                if nl
                else f"No {_SINGULARS['en'].get(group, group)} {test} in {table.year}. "
                f"Closest: {name} ({amount})."
            )
            shown = [closest]
        for _, figure in shown:
            if figure.calculation:
                draft.sentences.append(f"({figure.calculation})")
            draft.use(figure, table)

    def _explain(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> None:
        """What a money row is made of: lasten, baten and reserves, adding up to the saldo."""
        nl = lang == "nl"
        goals = query.values("doelstelling") or (TOTAL,)
        for goal in goals:
            row = next((r for r in table.rows if r.key == goal), None)
            if row is None:
                continue
            cells = {c.dim("kolom"): c for c in row.cells}
            saldo = cells.get("saldo")
            parts = [
                cells[k] for k in ("lasten", "baten", "toevoegingen", "onttrekkingen") if k in cells
            ]
            if saldo is None or not parts:
                self._listing(draft, table, query.with_filter("doelstelling", (goal,)), lang)
                continue
            signed = [
                (-1 if c.dim("kolom") in OUTFLOW_COLUMNS and c.value > 0 else 1, c) for c in parts
            ]
            computed = sum((sign * c.value for sign, c in signed), Decimal(0))
            calc = _signed_sum(signed) + f" = {format_number(computed)}"
            name = self._goal_name(table, goal, lang)
            saldo_text = self._number(table, saldo.value, lang, "saldo")
            pieces = "; ".join(
                f"{_w(lang, k)} {self._number(table, c.value, lang, k)}"
                for c in parts
                for k in [c.dim("kolom") or ""]
            )
            if nl:
                draft.sentences.append(
                    f"Het saldo van {name} was in {table.year} {saldo_text}. Het is de optelsom "
                    f"van {pieces}: {calc}."
                )
            else:
                draft.sentences.append(
                    f"The balance of {name} was {saldo_text} in {table.year}. It adds up "
                    f"{pieces}: {calc}."
                )
            if computed != saldo.value:
                draft.sentences.append(
                    f"De tabel geeft {format_number(saldo.value)}; het verschil is een afronding."
                    if nl
                    else f"The table prints {format_number(saldo.value)}; the gap is rounding."
                )
            toward = [
                (sign * c.value, c)
                for sign, c in signed
                if sign * c.value != 0 and (sign * c.value > 0) == (saldo.value > 0)
            ]
            if toward and saldo.value != 0:
                _, driver = max(toward, key=lambda item: abs(item[0]))
                kolom = driver.dim("kolom") or ""
                amount = self._number(table, driver.value, lang, kolom)
                sign_word = (
                    ("positieve" if saldo.value > 0 else "negatieve")
                    if nl
                    else ("positive" if saldo.value > 0 else "negative")
                )
                draft.sentences.append(
                    f"Het {sign_word} saldo komt vooral door de {_w(lang, kolom)}: {amount}."
                    if nl
                    else f"The {sign_word} balance comes mainly from the {_w(lang, kolom)}: "
                    f"{amount}."
                )
            draft.cells.extend([*parts, saldo])
            draft.cite(table, [row])

    def _side(self, table: Table, dim: str, value: str, lang: Language) -> str:
        if dim == "doelstelling":
            return self._goal_name(table, value, lang)
        if dim == "type":
            return ("de " if lang == "nl" else "the ") + _w(lang, value)
        return _w(lang, value)

    def _share(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> bool:
        nl = lang == "nl"
        if table.kind == "target_vs_realisation":
            return False
        # "Welk deel van het totaal ging naar 5.3?": a total named beside a part is the whole.
        named_total = next(
            (d for d, values in query.filters if TOTAL in values and len(values) > 1), None
        )
        if named_total is not None:
            base = query.with_filter(named_total, (TOTAL,))
            query = query.with_filter(
                named_total, tuple(v for v in query.values(named_total) if v != TOTAL)
            )
        else:
            found = self._share_base(table, query)
            if found is None:
                return False
            base = found
        part, whole = self._figure(table, query), self._figure(table, base)
        if part is None or whole is None or whole.value == 0:
            return False
        share = percentage(part.value, whole.value)
        describe_part = self._describe(table, query, lang)
        describe_whole = self._describe(table, base, lang)
        calc = (
            f"{format_number(part.value)} / {format_number(whole.value)} = {format_percent(share)}"
        )
        draft.sentences.append(
            f"In {table.year} ging het om {format_number(part.value)} {describe_part} van de "
            f"{format_number(whole.value)} {describe_whole}: {calc}."
            if nl
            else f"In {table.year}, {format_number(part.value)} of the "
            f"{format_number(whole.value)} "
            f"{describe_whole} were {describe_part}: {calc}."
        )
        for figure in (part, whole):
            if figure.calculation:
                draft.sentences.append(f"({figure.calculation})")
            draft.use(figure, table)
        return True

    @staticmethod
    def _share_base(table: Table, query: TableQuery) -> TableQuery | None:
        """The whole a share is taken of: the query without the dimensions that make the part."""
        asked = [
            d for d, _ in query.filters if d in (table.row_dimension, *table.column_dimensions)
        ]
        drop = [d for d in asked if d not in query.base_dims]
        if not drop:
            priority = ("status", "eigendom", "kolom", "doelstelling", table.row_dimension)
            drop = [next((d for d in priority if d in asked), "")] if asked else []
        if not drop or not drop[0]:
            return None
        if table.kind == "financial_totals":
            drop = [d for d in drop if d != "kolom"] or ["doelstelling"]
        base = query
        for dim in drop:
            base = base.with_filter(dim, ())
        return base

    def _per_value(self, table: Table, query: TableQuery, group: str) -> list[tuple[str, Figure]]:
        """The figure for each value of `group` (the ones asked, or all the table has)."""
        asked = query.values(group)
        candidates = list(asked) if len(asked) > 1 else _values(table, group)
        scored: list[tuple[str, Figure]] = []
        for value in candidates:
            figure = self._figure(table, query.with_filter(group, (value,)))
            if figure is not None:
                scored.append((value, figure))
        return scored

    def _rank(self, draft: _Draft, table: Table, query: TableQuery, lang: Language) -> None:
        nl = lang == "nl"
        default = {
            "target_vs_realisation": "jaar",
            "financial_totals": "doelstelling",
        }.get(table.kind, table.row_dimension)
        group = query.group_by or default
        if (
            group == table.row_dimension
            and len(query.values(group)) == 1
            and table.kind.endswith("_per_wijk")
        ):
            group = "eigendom"
        if group not in (table.row_dimension, *table.column_dimensions):
            group = default
        if table.kind == "target_vs_realisation" and not query.values("type"):
            query = query.with_filter("type", ("realisatie",))
        scored = self._per_value(table, query, group)
        if not scored:
            self._value(draft, table, query, lang)
            return
        kolom = query.values("kolom")[0] if query.values("kolom") else None

        def key(item: tuple[str, Figure]) -> Decimal:
            value = item[1].value
            return abs(value) if kolom in OUTFLOW_COLUMNS else value

        highest = query.operation != "min"
        ranked = sorted(scored, key=key, reverse=highest)
        describe = self._describe(table, query.with_filter(group, ()), lang)
        if table.kind == "financial_totals":
            describe = _join([_w(lang, k) for k in query.values("kolom")], lang) or describe
        if query.operation == "top":
            n = query.top_n or 3
            cutoff = key(ranked[min(n, len(ranked)) - 1])
            chosen = [
                item for item in ranked if (key(item) >= cutoff if highest else key(item) <= cutoff)
            ]
            listing = ", ".join(
                f"{i}. {self._side(table, group, v, lang)} "
                f"({f.calculation or self._number(table, f.value, lang, kolom)})"
                for i, (v, f) in enumerate(chosen, 1)
            )
            draft.sentences.append(f"Top {n} ({describe}, {table.year}): {listing}.")
        else:
            best = key(ranked[0])
            chosen = [item for item in ranked if key(item) == best]
            names = _join([self._side(table, group, v, lang) for v, _ in chosen], lang)
            amount = self._number(table, chosen[0][1].value, lang, kolom)
            word = ("meeste" if highest else "minste") if nl else ("most" if highest else "fewest")
            if table.unit != "aantal":
                word = (
                    ("hoogste" if highest else "laagste")
                    if nl
                    else ("highest" if highest else "lowest")
                )
            if nl:
                tie = f" (elk {amount})" if len(chosen) > 1 else f": {amount}"
                draft.sentences.append(f"De {word} {describe} in {table.year}: {names}{tie}.")
            else:
                tie = f" (each {amount})" if len(chosen) > 1 else f": {amount}"
                draft.sentences.append(f"The {word} {describe} in {table.year}: {names}{tie}.")
            rest = [item for item in ranked if item not in chosen][:3]
            for _, figure in rest:
                draft.use(figure, table)
            if rest:
                # A summed figure shows its sum, so every number stays traceable.
                follow = ", ".join(
                    f"{self._side(table, group, v, lang)} "
                    f"({f.calculation or self._number(table, f.value, lang, kolom)})"
                    for v, f in rest
                )
                draft.sentences.append(("Daarna: " if nl else "Next: ") + follow + ".")
        for value, figure in chosen:
            if figure.calculation:
                label = f"{self._side(table, group, value, lang)}: " if len(chosen) > 1 else ""
                draft.sentences.append(f"({label}{figure.calculation})")
            draft.use(figure, table)

    # -- discrepancies and citations ----------------------------------------------------
    def _mention_discrepancies(self, draft: _Draft, lang: Language) -> None:
        for item in self.discrepancies:
            if not item.touches(draft.cells):
                continue
            text_spans = [s for s in item.spans if s.role == "tekst"]
            if lang == "nl":
                draft.sentences.append(f"Let op: {item.explanation} Dit antwoord volgt de tabel.")
            else:
                quote = f' The text says: "{text_spans[0].quote}"' if text_spans else ""
                draft.sentences.append(
                    "Note: the report is not consistent about this figure; this answer follows "
                    f"the table.{quote}"
                )
            for span in item.spans:
                entry = (span.start, span.end, span.section)
                if entry not in draft.spans:
                    draft.spans.append(entry)

    def _citations(self, draft: _Draft, document: str) -> list[Citation]:
        citations = []
        for number, (start, end, section) in enumerate(draft.spans, 1):
            quote = self._quote(start, end)
            citations.append(
                Citation(
                    id=number, document=document, section=section, quote=quote, start=start, end=end
                )
            )
        return citations

    def _quote(self, start: int, end: int) -> str:
        return self.quotes[(start, end)]


def _title_span(table: Table) -> tuple[int, int]:
    """Where a table is named in the source: its title line, or its total row for cross tables
    (their title is composed, not printed)."""
    if table.kind in ("target_vs_realisation", "financial_totals"):
        return table.start, table.start + len(table.title)
    row = next((r for r in table.rows if r.is_total), table.rows[-1])
    return row.start, row.end


def _title_quote(table: Table) -> str:
    if table.kind in ("target_vs_realisation", "financial_totals"):
        return table.title
    row = next((r for r in table.rows if r.is_total), table.rows[-1])
    return row.text


def _years(table: Table) -> list[str]:
    if table.kind == "target_vs_realisation":
        return list(table.columns)
    return [str(table.year)] if table.year else []


def _values(table: Table, dim: str) -> list[str]:
    seen: list[str] = []
    for cell in table.cells:
        value = cell.dim(dim)
        if value and value != TOTAL and value not in seen:
            seen.append(value)
    return seen


_PLURALS = {
    "nl": {
        "wijk": "wijken",
        "doelstelling": "doelstellingen",
        "eigendom": "woningtypen",
        "jaar": "jaren",
        "status": "soorten casussen",
    },
    "en": {
        "wijk": "neighbourhoods",
        "doelstelling": "goals",
        "eigendom": "types of housing",
        "jaar": "years",
        "status": "kinds of cases",
    },
}
_SINGULARS = {
    "nl": {
        "wijk": "wijk",
        "doelstelling": "doelstelling",
        "eigendom": "woningtype",
        "jaar": "jaar",
        "status": "soort casus",
    },
    "en": {
        "wijk": "neighbourhood",
        "doelstelling": "goal",
        "eigendom": "type of housing",
        "jaar": "year",
        "status": "kind of case",
    },
}


def _passes(value: Decimal, comparison: str, threshold: Decimal) -> bool:
    return {
        ">": value > threshold,
        "<": value < threshold,
        ">=": value >= threshold,
        "<=": value <= threshold,
        "=": value == threshold,
    }[comparison]


def _test_words(comparison: str, threshold: Decimal, describe: str, lang: Language) -> str:
    """ "zonder lopende casussen …", "met een positief saldo", "boven de gevraagde grens".

    The threshold itself comes from the question, not from a table, so it is not repeated
    as a figure (every number in an answer must be a cited cell or a shown calculation).
    """
    nl = lang == "nl"
    if threshold == 0 and comparison == "=":
        return f"zonder {describe}" if nl else f"without {describe}"
    if threshold == 0 and comparison in (">", "<"):
        positive = comparison == ">"
        if nl:
            return f"met een {'positief' if positive else 'negatief'} {describe}"
        return f"with a {'positive' if positive else 'negative'} {describe}"
    above = comparison in (">", ">=")
    if nl:
        return f"met {describe} {'boven' if above else 'onder'} de gevraagde grens"
    return f"with {describe} {'above' if above else 'below'} the asked limit"


def _asked_test(predicate: tuple[str, Decimal]) -> str:
    """The question's test in words for the resolved question: "geen", "meer dan 30"."""
    comparison, threshold = predicate
    if threshold == 0 and comparison == "=":
        return "geen"
    if threshold == 0 and comparison in (">", "<"):
        return "een positief" if comparison == ">" else "een negatief"
    words = {
        ">": "meer dan",
        "<": "minder dan",
        ">=": "minstens",
        "<=": "hoogstens",
        "=": "precies",
    }
    return f"{words[comparison]} {format_number(threshold)}"


def _signed_sum(parts: Sequence[tuple[int, TableCell]]) -> str:
    """ "-56 + 0 − 0 + 200": outflows printed positive are subtracted."""
    return signed_sum([(sign, cell.value) for sign, cell in parts])


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _subject(table: Table) -> str:
    """A year table's title without the "(Realisatie 2024)" tag."""
    return table.title.split(" (")[0].strip()


def resolved_question(query: TableQuery, tables: Sequence[Table]) -> str:
    """A readable Dutch question from the merged dimensions of a (follow-up) question."""
    table = tables[0]
    status = [_w("nl", s) for s in query.values("status")]
    owners = [_w("nl", o) for o in query.values("eigendom")]
    wijken = list(query.values("wijk"))
    years = list(query.values("jaar"))
    if query.topic == CROSS_TOPIC:
        stub = table.kind.split("_per_")[0]
        noun = " ".join([*([_join(status, "nl")] if status else []), "casussen", stub])
        if owners:
            noun += " bij " + _join(owners, "nl")
        where = f" in {_join(wijken, 'nl')}" if wijken else ""
        when = f" in {_join(years, 'nl')}" if years else ""
        if query.operation in ("max", "min"):
            word = "meeste" if query.operation == "max" else "minste"
            return f"In welke wijk waren de {word} {noun}{when}?"
        if query.operation == "top":
            return f"Welke {query.top_n or 3} wijken hadden de meeste {noun}{when}?"
        if query.operation == "share":
            return f"Welk percentage waren {noun}{where}{when}?"
        if query.operation == "filter" and query.predicate is not None:
            return f"Welke wijken hadden {_asked_test(query.predicate)} {noun}{when}?"
        return f"Hoeveel {noun}{where}{when}?"
    if query.topic == MONEY_TOPIC:
        kolom = _join([_w("nl", k) for k in query.values("kolom")], "nl") or "bedragen"
        goals = [g for g in query.values("doelstelling")]
        where = (
            " van "
            + _join(
                [("het hele programma" if g == TOTAL else f"doelstelling {g}") for g in goals], "nl"
            )
            if goals
            else " per doelstelling"
        )
        if query.operation == "filter" and query.predicate is not None:
            return f"Welke doelstellingen hadden {_asked_test(query.predicate)} {kolom}?"
        if query.operation == "explain":
            return f"Waaruit bestaat het saldo{where}?"
        return f"Wat waren de {kolom}{where}?"
    subject = _join([_subject(t).lower() for t in tables], "nl")
    types = _join([_w("nl", t) for t in query.values("type")], "nl")
    when = f" in {_join(years, 'nl')}" if years else ""
    if query.operation == "target":
        return f"Is het doel gehaald voor: {subject}{when}?"
    if query.operation == "diff" and len(tables) == 2:
        return f"Wat is het verschil tussen {subject}{when}?"
    if query.operation == "diff":
        return f"Wat is het verschil tussen {types or 'de jaren'} bij {subject}{when}?"
    return f"Wat was {('de ' + types + ' van ') if types else ''}{subject}{when}?"
