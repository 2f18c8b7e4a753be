"""Match a part of a question to a stored table: which table, which rows, which columns.

No word list per table: a table is known by its own title, header and labels. Each of
the question's concepts (a word with its stems, compound parts, typo corrections and
synonyms, from `Vocabulary`) is looked up in every table's title, row labels and
column headers. The table that explains most of the question wins; inside it, the rows
and columns the question names are selected, the question's own words before words a
follow-up carried over. When nothing is named, the table's own structure decides: the
printed total, the "realisatie" row, the latest year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.tables.model import Column, Row, Table
from service.core.text import fold, words
from service.lexicon import lexicon
from service.lexicon.vocabulary import Vocabulary
from service.understand.frame import Part

Concept = dict[str, float]
STRONG = 0.8  # a match this good means the same word (stem, compound head, synonym, typo)
MIN_COVERAGE = 0.6  # share of the question's weight a table must explain
LABEL_NAMED = 0.6  # share of a label's distinctive words a question must name
CARRIED = 0.5  # words a follow-up carried count half


def _role(text: str) -> str | None:
    """The role a label's words give it: "actual", "budget", "total" (see the lexicon)."""
    found = {m.value for m in lexicon().table_roles.find(" ".join(words(text)))}
    return next((r for r in ("total", "actual", "budget") if r in found), None)


@dataclass
class TableView:
    """A table's words, read once: title, row labels and each column's header levels."""

    table: Table
    title: set[str]
    rows: list[set[str]]
    distinct: list[set[str]]
    levels: int
    columns: list[list[set[str]]]  # per column, per level (outer first)
    column_roles: list[str | None]
    row_roles: list[str | None]
    vocabulary: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, table: Table, terms: Callable[[str], set[str]]) -> TableView:
        """Precompute a table's term sets."""
        notes = " ".join(n.text for n in table.notes if n.kind in ("omschrijving", "eenheid"))
        leaf = table.section.rsplit(" > ", 1)[-1]
        title = terms(f"{table.title} {table.stub} {leaf} {notes}")
        rows = [terms(f"{r.group} {r.label}") for r in table.rows]
        counts: dict[str, int] = {}
        for row_terms in rows:
            for t in row_terms:
                counts[t] = counts.get(t, 0) + 1
        half = max(1, len(rows) // 2)
        distinct = [{t for t in r if counts[t] <= half} or r for r in rows]
        levels = max((len(c.header) for c in table.columns), default=1)
        columns = [_column_levels(c, levels, terms) for c in table.columns]
        vocabulary = set(title).union(*rows, *(s for c in columns for s in c))
        return cls(
            table=table,
            title=title,
            rows=rows,
            distinct=distinct,
            levels=levels,
            columns=columns,
            column_roles=[_role(c.label) for c in table.columns],
            row_roles=[_role(r.label) for r in table.rows],
            vocabulary=vocabulary,
        )

    @property
    def total_rows(self) -> list[int]:
        """Rows printed as totals."""
        return [i for i, r in enumerate(self.table.rows) if r.is_total]

    @property
    def total_columns(self) -> list[int]:
        """Columns printed as totals."""
        return [i for i, c in enumerate(self.table.columns) if c.is_total]


def _column_levels(column: Column, levels: int, terms: Callable[[str], set[str]]) -> list[set[str]]:
    """A column's terms per header level; a one-level header ("Totaal") spans all levels."""
    header = list(column.header)
    if len(header) < levels:
        header = [header[0]] * (levels - len(header)) + header
    out = [terms(h) for h in header]
    if column.aliases:
        out[-1] = out[-1] | terms(" ".join(column.aliases))
    if column.year is not None:
        out[-1] = out[-1] | {str(column.year)}
    return out


def strength(concept: Concept, terms: set[str]) -> float:
    """How well a set of terms holds a concept (the best weight of a stem it contains)."""
    return max((w for t, w in concept.items() if t in terms), default=0.0)


@dataclass(frozen=True)
class Asked:
    """The concepts of a part, weighted: its own words and the words it carried."""

    own: list[tuple[Concept, float]]
    carried: list[tuple[Concept, float]]
    wants_total: bool

    @property
    def all(self) -> list[tuple[Concept, float, bool]]:
        """Every concept with its weight and whether it is the part's own."""
        return [(c, w, True) for c, w in self.own] + [(c, w, False) for c, w in self.carried]


def asked_concepts(
    part: Part, vocabulary: Vocabulary, weight: Callable[[Concept], float]
) -> Asked:
    """The concepts a part asks about, with how much each says."""
    own_words = set(part.terms)
    own = []
    for phrase, concept in vocabulary.concept_spans(part.asked):
        if not concept or not (set(phrase.split()) & own_words or " " in phrase):
            continue
        own.append((concept, max(weight(concept), 0.05)))
    carried = [
        (concept, CARRIED * max(weight(concept), 0.05))
        for _, concept in vocabulary.concept_spans(" ".join(part.carried))
        if concept
    ]
    total_words = {m.value for m in lexicon().table_roles.find(fold(part.asked))}
    return Asked(own, carried, "total" in total_words)


@dataclass(frozen=True)
class TableMatch:
    """A table that answers a part, and the rows and columns the part names in it.

    `rows`/`columns` are empty when the part names none (the answerer then uses the
    table's structure). `missing` are words of the part the table does not have while
    another table or the text does ("Rokkeveen" asked of a table with no wijken).
    """

    view: TableView
    coverage: float
    rows: tuple[int, ...]
    columns: tuple[int, ...]
    levels_named: frozenset[int]
    missing: tuple[str, ...] = ()


def _explained(concept: Concept, view: TableView) -> float:
    """How well a table explains one concept: in its title, a row label or a header."""
    best = strength(concept, view.title)
    for row in view.rows:
        best = max(best, strength(concept, row))
    for column in view.columns:
        for level in column:
            best = max(best, strength(concept, level))
    return best


def coverage(asked: Asked, view: TableView) -> float:
    """The share of the part's weight the table explains."""
    total = sum(w for _, w, _ in asked.all) or 1.0
    return sum(w * min(1.0, _explained(c, view)) for c, w, _ in asked.all) / total


def _named_rows(concepts: Sequence[tuple[Concept, float]], view: TableView) -> list[int]:
    """Rows whose distinctive label words the concepts name."""
    named = []
    for i, distinct in enumerate(view.distinct):
        held = {
            t
            for t in distinct
            if any(c.get(t, 0.0) >= STRONG for c, _ in concepts)
        }
        if distinct and len(held) / len(distinct) >= LABEL_NAMED:
            named.append(i)
        elif any(t[0].isdigit() and "." in t for t in held):
            named.append(i)  # a code such as "5.3" names its row by itself
    return named


def _named_columns(
    concepts: Sequence[tuple[Concept, float]], view: TableView
) -> tuple[list[int], set[int]]:
    """Columns matching every header level the concepts name, and which levels they name."""
    table = view.table
    chosen = list(range(len(table.columns)))
    levels: set[int] = set()
    for level in range(view.levels):
        hit = [
            i
            for i in chosen
            if any(strength(c, view.columns[i][level]) >= STRONG for c, _ in concepts)
            and not _spans_levels(table.columns[i], view.levels)
        ]
        if hit:
            chosen = hit
            levels.add(level)
    return (chosen if levels else []), levels


def _spans_levels(column: Column, levels: int) -> bool:
    """A one-level header in a table with more levels ("Totaal"): it names no group."""
    return len(column.header) < levels and levels > 1


def match(asked: Asked, views: Sequence[TableView]) -> TableMatch | None:
    """The table that best answers the part, with what the part names in it; None when no
    table explains enough of the part."""
    scored = sorted(
        ((coverage(asked, v), i) for i, v in enumerate(views)), key=lambda s: (-s[0], s[1])
    )
    if not scored or scored[0][0] < MIN_COVERAGE:
        return None
    best, index = scored[0]
    view = views[index]
    rows = _named_rows(asked.own, view) or _named_rows(asked.carried, view)
    columns, levels = _named_columns(asked.own, view)
    carried_columns, carried_levels = _named_columns(asked.carried, view)
    if carried_levels - levels:
        # A follow-up keeps the earlier column words unless it names that level itself.
        merged = _named_columns([*asked.own, *asked.carried], view)
        columns, levels = merged[0], merged[1]
    elif not columns:
        columns, levels = carried_columns, carried_levels
    missing = tuple(
        next(iter(c))
        for c, w in asked.own
        if _explained(c, view) < STRONG and w > 0.3 and _names_other(c, views, view)
    )
    return TableMatch(view, best, tuple(rows), tuple(columns), frozenset(levels), missing)


def _names_other(concept: Concept, views: Sequence[TableView], chosen: TableView) -> bool:
    """Whether a concept is a row or column label of another table (a wijk, a category)."""
    for view in views:
        if view is chosen:
            continue
        if any(strength(concept, row) >= STRONG for row in view.rows):
            return True
    return False


def row_label(row: Row) -> str:
    """A row's label as shown in answers (with its group when it has one)."""
    return f"{row.group} – {row.label}" if row.group else row.label
