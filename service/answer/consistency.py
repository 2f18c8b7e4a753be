"""Figures in a report's running text that disagree with its own tables.

Each sentence that states a figure is read like a question ("In 39 van die lopende
zaken gaat het om huurwoningen", under the heading "Geluidsoverlast") and matched
to the tables of its own report by the same matcher that answers questions. When the
sentence names one cell clearly and states another figure for it, the report contradicts
itself; when it gives the table's figure but for another year, that is said too. Answers
touching such a figure say so, citing both places. Nothing here knows a report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from ingest.consistency import Discrepancy, SourceSpan
from service.answer.figures import Amount, amounts
from service.answer.knowledge import Knowledge, SentenceUnit
from service.answer.scope import Corpus
from service.answer.table_match import STRONG, TableView, asked_concepts, match, strength
from service.answer.table_ops import Reading
from service.answer.tables import TableAnswerer
from service.core.numbers import format_number
from service.core.text import years_in
from service.understand.parse import read_part

# A sentence is compared with a cell it names clearly: a row and a column (or the one
# value column), though it may say much more than the table does.
MIN_COVERAGE = 0.3
MIN_LABEL_WORDS = 2
TEXT_DIFFERS = "tekst_wijkt_af"
YEAR_DIFFERS = "jaar_wijkt_af"


def text_discrepancies(
    knowledge: Knowledge, tables: TableAnswerer, corpus: Corpus
) -> list[Discrepancy]:
    """Every sentence figure that a table of the same report gives otherwise."""
    by_document: dict[str, list[TableView]] = {}
    for view in tables.views:
        by_document.setdefault(view.table.document, []).append(view)
    found: list[Discrepancy] = []
    for sentence in knowledge.sentences:
        views = by_document.get(sentence.document)
        stated = [a for a in amounts(sentence.text) if not a.delta]
        if not views or not stated:
            continue
        finding = _compare(sentence, stated, views, tables, corpus, knowledge.sources)
        if finding is not None:
            found.append(finding)
    return found


def _compare(
    sentence: SentenceUnit,
    stated: Sequence[Amount],
    views: Sequence[TableView],
    tables: TableAnswerer,
    corpus: Corpus,
    sources: dict[str, str],
) -> Discrepancy | None:
    heading = sentence.section.rsplit(" > ", 1)[-1]
    part = read_part(sentence.text)
    part = replace(
        part, operation="value", years=(), relative_years=(), carried=tuple(heading.lower().split())
    )
    asked = asked_concepts(part, tables.vocabulary, tables.weight)
    if not asked.own:
        return None
    matched = match(asked, views, MIN_COVERAGE)
    if matched is None or matched.rival is not None:
        return None
    if not matched.rows and not (matched.columns and matched.view.total_rows):
        return None  # names no row, and no column of a table with a total row
    view = matched.view
    if not any(strength(c, view.title) >= STRONG for c, _, _ in asked.all):
        return None  # the sentence (or its heading) must be about what the table is about
    labels = [*view.rows, *(level for column in view.columns for level in column)]
    naming = sum(1 for c, _, _ in asked.all if any(strength(c, t) >= STRONG for t in labels))
    if naming < MIN_LABEL_WORDS:
        return None  # one shared word ("binnen") is no naming of a cell
    if not matched.columns and len(matched.view.table.columns) > 1:
        return None
    reading = Reading(matched, part, asked, corpus, "nl")
    lines = reading.lines()
    if isinstance(lines, str) or len(reading.figures) != 1:
        return None
    table = matched.view.table
    cell = reading.figures[0]
    kind = _fitting(stated, table.unit.startswith("€"), cell.percent)
    if kind is None:
        return None
    in_table = abs(cell.value) * table.scale if table.unit.startswith("€") else abs(cell.value)
    if _agrees(kind.value, in_table):
        year = next(iter(years_in(sentence.text)), None)
        if year is None or table.year is None or year == table.year:
            return None
        what, detail = (
            YEAR_DIFFERS,
            (
                f"De tekst noemt {kind.text} voor {year}; de tabel '{table.title}' geeft "
                f"{format_number(abs(cell.value))} voor {table.year}."
            ),
        )
    else:
        what, detail = (
            TEXT_DIFFERS,
            (
                f"De tekst noemt {kind.text}; de tabel '{table.title}' geeft "
                f"{format_number(abs(cell.value))}"
                + (f" (x {table.unit})" if table.unit.startswith("€") else "")
                + f" voor {cell.label}."
            ),
        )
    source = sources[sentence.document]
    text_span = SourceSpan(
        "tekst",
        sentence.start,
        sentence.end,
        source[sentence.start : sentence.end],
        sentence.section,
    )
    rows = [table.rows[r] for _, _, _, r in reading.spans if r is not None]
    table_spans = tuple(
        SourceSpan("tabel", row.start, row.end, source[row.start : row.end], table.citation_section)
        for row in rows
    )
    figures = tuple(sorted(reading.cells_used))  # the cell the sentence contradicts
    return Discrepancy(
        kind=what,
        explanation=detail,
        document=sentence.document,
        table_id=table.id,
        spans=(text_span, *table_spans),
        figures=figures,
    )


def _fitting(stated: Sequence[Amount], money: bool, percent: bool) -> Amount | None:
    """The one figure of the sentence that is of the table's kind (euros, %, a count)."""
    fitting = [a for a in stated if a.euro == money and (a.percent == percent or money)]
    return fitting[0] if len(fitting) == 1 else None


def _agrees(stated: Decimal, in_table: Decimal) -> bool:
    """Equal at the precision the text states ("€ 3,4 mln." agrees with 3.374 × € 1.000)."""
    exponent = stated.normalize().as_tuple().exponent
    step = Decimal(1).scaleb(int(exponent)) if isinstance(exponent, int) else Decimal(1)
    return abs(stated - in_table) <= step / 2
