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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ingest.tables.model import Column, Row, Table
from service.core.text import fold, words
from service.lexicon import lexicon
from service.lexicon.vocabulary import GENERIC_HEADS, Vocabulary, could_be_noun
from service.understand.frame import Part

Concept = dict[str, float]
STRONG = 0.8  # a match this good means the same word (stem, compound head, synonym, typo)
MIN_COVERAGE = 0.6  # share of the question's weight a table must explain
LABEL_NAMED = 0.6  # share of a label's distinctive words a question must name
CARRIED = 0.5  # words a follow-up carried count half
CLIPPED = 0.85  # a compound holding a one-word label names it
SECTION = 0.5  # the heading a table stands under says less than its own title
UNKNOWN = 0.3  # weight of a question word no report uses
PLACE = 0.2  # least weight of a municipality or programme the part names
GROUP = 0.2  # weight of the noun of "welke wijk …": the answer's kind, not its topic
SUBJECT = 0.6  # a word this rare that another table's title holds is the part's subject
MEASURED = 0.3  # a table must hold at least part of what "hoeveel …" counts


def _role(text: str) -> str | None:
    """The role a label's words give it: "difference", "total", "actual", "budget" (see
    the lexicon). A difference comes first: "Verschil begroting vs realisatie" is neither."""
    found = {m.value for m in lexicon().table_roles.find(" ".join(words(text)))}
    return next((r for r in ("difference", "total", "actual", "budget") if r in found), None)


@dataclass
class TableView:
    """A table's words, read once: title, row labels and each column's header levels."""

    table: Table
    title: set[str]
    section: set[str]
    rows: list[set[str]]
    distinct: list[set[str]]
    levels: int
    columns: list[list[set[str]]]  # per column, per level (outer first)
    column_roles: list[str | None]
    row_roles: list[str | None]
    vocabulary: set[str] = field(default_factory=set)
    terms: Callable[[str], set[str]] = field(default=lambda _s: set(), repr=False)

    @classmethod
    def of(cls, table: Table, terms: Callable[[str], set[str]]) -> TableView:
        """Precompute a table's term sets."""
        notes = " ".join(n.text for n in table.notes if n.kind in ("omschrijving", "eenheid"))
        title = terms(f"{table.title} {table.stub} {notes}")
        section = terms(table.section.rsplit(" > ", 1)[-1]) - title
        rows = [terms(f"{r.group} {r.label}") for r in table.rows]
        counts: dict[str, int] = {}
        for row_terms in rows:
            for t in row_terms:
                counts[t] = counts.get(t, 0) + 1
        half = max(1, len(rows) // 2)
        distinct = [{t for t in r if counts[t] <= half} or r for r in rows]
        levels = max((len(c.header) for c in table.columns), default=1)
        columns = [_column_levels(c, levels, terms) for c in table.columns]
        vocabulary = set(title).union(section, *rows, *(s for c in columns for s in c))
        return cls(
            table=table,
            title=title,
            section=section,
            rows=rows,
            distinct=distinct,
            levels=levels,
            columns=columns,
            column_roles=[_role(c.label) for c in table.columns],
            row_roles=[_role(r.label) for r in table.rows],
            vocabulary=vocabulary,
            terms=terms,
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
    """How well a set of terms holds a concept (the best weight of a stem it contains).

    A one-word label is often a clipped compound ("Koop" for "koopwoningen",
    "Corporatie" for "corporatiewoningen"): a question word that holds the label as a
    part counts as naming it.
    """
    best = max((w for t, w in concept.items() if t in terms), default=0.0)
    if len(terms) == 1 and 0 < best < STRONG:
        return CLIPPED
    return best


@dataclass(frozen=True)
class Asked:
    """The concepts of a part, weighted: its own words and the words it carried."""

    own: list[tuple[Concept, float]]
    carried: list[tuple[Concept, float]]
    wants_total: bool
    group: Concept | None = None  # "welke wijk": what the answer names, not what it is about
    words: dict[int, str] = field(default_factory=dict)  # id(concept) -> the words asked
    # The municipality or programme the part names, with the weight it has where a table
    # names it.
    places: list[tuple[Concept, float]] = field(default_factory=list)
    # What "hoeveel …" counts ("camera's"): a table that does not hold it does not answer.
    measure: Concept | None = None
    years: tuple[int, ...] = ()  # the years the part names

    def word(self, concept: Concept) -> str:
        """A concept as the asker wrote it."""
        return self.words.get(id(concept), max(concept, key=lambda t: concept[t]))

    @property
    def all(self) -> list[tuple[Concept, float, bool]]:
        """Every concept with its weight and whether it is the part's own (the kind of thing
        a "welke …" question asks for counts a little: a table titled by it fits better)."""
        group = [(self.group, GROUP, True)] if self.group else []
        return (
            [(c, w, True) for c, w in self.own] + [(c, w, False) for c, w in self.carried] + group
        )


def asked_concepts(
    part: Part,
    vocabulary: Vocabulary,
    weight: Callable[[Concept], float],
    places: Sequence[str] = (),
    language: str = "nl",
) -> Asked:
    """The concepts a part asks about, with how much each says. A municipality or
    programme the part names (`places`, see `Scope.names`) chooses the report: it weighs
    little and is never missing from a table, but counts in full for a table that names
    it ("veiligheid in <stad>", "Totaal programma"; see `coverage`)."""
    place_words = {w for place in places for w in fold(place).split()}
    own_words = set(part.terms)
    narrowed = vocabulary.narrowed(part.asked)
    own_words |= narrowed
    own = []
    named_places: list[tuple[Concept, float]] = []
    group = None
    written = {fold(w): w for w in re.findall(r"[\w'-]+", part.asked)}
    names: dict[int, str] = {}
    asking = lexicon().question_words.first(fold(part.asked))
    counted_from = asking.end if asking is not None and asking.value == "amount" else None
    measure: Concept | None = None
    for phrase, concept in vocabulary.concept_spans(part.asked):
        if not concept or not (set(phrase.split()) & own_words or " " in phrase):
            continue
        if all(_role(w) == "total" or lexicon().is_function_word(w) for w in phrase.split()):
            continue  # "in total": a total is asked for (`wants_total`), not a topic
        names[id(concept)] = written.get(phrase, phrase)
        if part.group is not None and phrase == part.group and part.operation != "value":
            group = concept
            continue
        # A verb says little about the topic. A Dutch noun no report uses is a topic the
        # tables do not have ("fietsendiefstallen"); an unknown English word is more often
        # a gap in the glossary.
        known = vocabulary.is_known(concept)
        if phrase in place_words:
            own.append((concept, PLACE))
            named_places.append((concept, max(weight(concept), PLACE)))
        elif phrase in narrowed:
            own.append((concept, 1.0))
        elif vocabulary.is_verb_form(phrase) or (
            not known and (language == "en" or not could_be_noun(phrase))
        ):
            own.append((concept, UNKNOWN))
        elif not known:
            own.append((concept, 1.0))
        else:
            own.append((concept, max(weight(concept), 0.05)))
        if (
            measure is None
            and counted_from is not None
            and own[-1][0] is concept
            and own[-1][1] > UNKNOWN
            and phrase not in GENERIC_HEADS  # "zaken", "gevallen": the counted thing is unsaid
            and _unquoted(fold(part.asked)).find(_unquoted(phrase), counted_from) >= 0
        ):
            measure = concept
    # A "why" follow-up is about the earlier figure: its carried words count in full.
    factor = 1.0 if part.kind == "reason" else CARRIED
    carried = [
        (concept, factor * max(weight(concept), 0.05))
        for _, concept in vocabulary.concept_spans(" ".join(part.carried))
        if concept
    ]
    if part.kind == "reason":
        own = [(c, CARRIED * w) for c, w in own]
    total_words = {m.value for m in lexicon().table_roles.find(fold(part.asked))}
    return Asked(
        own, carried, "total" in total_words, group, names, named_places, measure, part.years
    )


@dataclass(frozen=True)
class TableMatch:
    """A table that answers a part, and the rows and columns the part names in it.

    `rows`/`columns` are empty when the part names none (the answerer then uses the
    table's structure). `missing` are words of the part the table does not have while
    another table or the text does ("Bloemendaal" asked of a table with no wijken).
    """

    view: TableView
    coverage: float
    rows: tuple[int, ...]
    columns: tuple[int, ...]
    levels_named: frozenset[int]
    missing: tuple[str, ...] = ()
    rival: TableView | None = None  # "in de buurt of in de stad": a second table to compare
    grouped: tuple[int, ...] = ()  # rows under the sub-heading(s) the part names


def _explained(concept: Concept, view: TableView) -> float:
    """How well a table explains one concept: in its title, a row label or a header (or,
    for less, the heading it stands under)."""
    best = max(strength(concept, view.title), SECTION * strength(concept, view.section))
    for row in view.rows:
        best = max(best, strength(concept, row))
    for column in view.columns:
        for level in column:
            best = max(best, strength(concept, level))
    return best


def _share(concepts: Sequence[tuple[Concept, float]], view: TableView) -> float | None:
    total = sum(w for _, w in concepts)
    if not total:
        return None
    return sum(w * min(1.0, _explained(c, view)) for c, w in concepts) / total


def coverage(asked: Asked, view: TableView) -> float:
    """The share of the part's weight the table explains (carried words weigh less). A
    named municipality counts only where the table names it: never missing, a bonus."""
    named = {id(c): w for c, w in asked.places if _explained(c, view) >= STRONG}
    unnamed = {id(c) for c, _ in asked.places} - set(named)
    concepts = [(c, named.get(id(c), w)) for c, w, _ in asked.all if id(c) not in unnamed]
    return _share(concepts, view) or 0.0


def _unquoted(text: str) -> str:
    """Without apostrophes, as the vocabulary joins words ("camera's": "cameras")."""
    return re.sub(r"['’]", "", text)


def _holds_years(years: Sequence[int], view: TableView) -> bool:
    """Whether a table has figures for every year asked: a column of that year, or, for a
    table without year columns, the year of the table itself."""
    held = {c.year for c in view.table.columns if c.year is not None}
    if not held and view.table.year is not None:
        held = {view.table.year}
    return all(year in held for year in years)


def _places_named(asked: Asked, view: TableView) -> int:
    return sum(1 for c, _ in asked.places if _explained(c, view) >= STRONG)


def _is_code(term: str) -> bool:
    return term[:1].isdigit()


def _label_named(concepts: Sequence[Concept], distinct: set[str]) -> bool:
    """Whether concepts name a label: most of its distinctive words, or its code ("5.3"),
    the code itself not counted among the words ("Rampenbestrijding (2.3)")."""
    held = {t for t in distinct if any(c.get(t, 0.0) >= STRONG for c in concepts)}
    if any(_is_code(t) for t in held):
        return True
    wording = {t for t in distinct if not _is_code(t)}
    return bool(wording) and len(held & wording) / len(wording) >= LABEL_NAMED


def _named_rows(concepts: Sequence[tuple[Concept, float]], view: TableView) -> list[int]:
    """Rows whose distinctive label words the concepts name; failing that, the one row
    that holds the most words of the part no other row has ("inschrijfduur",
    "toewijzing" of "Gemiddelde inschrijfduur bij toewijzing sociale huurwoning").
    Budget and actual rows are named by their role, never this way."""
    found = [c for c, _ in concepts]
    named = [i for i, distinct in enumerate(view.distinct) if _label_named(found, distinct)]
    if len(named) > 1 and not any(view.row_roles[i] for i in named):
        # A word of the title says what the table counts ("voorzieningen"); rows named
        # by the part's other words ("hulp bij het huishouden") are the ones meant.
        own = [c for c in found if not _headed_by(c, view.title)]
        narrower = [i for i in named if _label_named(own, view.distinct[i])]
        if narrower:
            return narrower
        if len(own) < len(found):
            found, named = own, []  # named only by the word the title counts: not named
    if named:
        return named
    held = [0 if view.row_roles[i] else _held(found, own) for i, own in enumerate(_own_words(view))]
    best = max(held, default=0)
    return [held.index(best)] if best and held.count(best) == 1 else []


def _headed_by(concept: Concept, terms: set[str] | frozenset[str]) -> bool:
    """Whether the word a concept stands for (its strongest stem) is one of the terms."""
    top = max(concept.values(), default=0.0)
    return any(w == top and t in terms for t, w in concept.items())


def _own_words(view: TableView) -> list[set[str]]:
    """Per row, the words of its label no other row of the table has (codes aside)."""
    out = []
    for i, row in enumerate(view.rows):
        others = set().union(*(r for j, r in enumerate(view.rows) if j != i))
        out.append({t for t in row - others if not _is_code(t)})
    return out


def _held(concepts: Sequence[Concept], terms: set[str]) -> int:
    """How many of the terms the concepts hold."""
    return sum(1 for t in terms if any(c.get(t, 0.0) >= STRONG for c in concepts))


def _named_columns(
    concepts: Sequence[tuple[Concept, float]], view: TableView
) -> tuple[list[int], set[int]]:
    """Columns matching every header level the concepts name, and which levels they name.

    Per level, each word selects the columns whose header holds it; a word that selects
    a subset of what another selects is the more specific one ("primitieve begroting" is
    "Begroting primitief", not also "Begroting na wijziging"), and words that select
    different columns add up ("lopend plus afgerond"). A word every header of a level
    holds ("casuïstiek" under each group) tells no column from another.
    """
    table = view.table
    chosen = list(range(len(table.columns)))
    levels: set[int] = set()
    for level in range(view.levels):
        candidates = [i for i in chosen if not _spans_levels(table.columns[i], view.levels)]
        selections = []
        for concept, _ in concepts:
            matched = frozenset(
                i for i in candidates if strength(concept, view.columns[i][level]) >= STRONG
            )
            if matched and matched != set(candidates):
                selections.append(matched)
        specific = [s for s in selections if not any(o < s for o in selections)]
        if specific:
            chosen = sorted(frozenset().union(*specific))
            levels.add(level)
    return (chosen if levels else []), levels


def _spans_levels(column: Column, levels: int) -> bool:
    """A one-level header in a table with more levels ("Totaal"): it names no group."""
    return len(column.header) < levels and levels > 1


def _facets(concept: Concept, view: TableView) -> set[tuple[object, ...]]:
    """Which slot of a table a concept fills: a row, or a value at a header level."""
    out: set[tuple[object, ...]] = set()
    for i, distinct in enumerate(view.distinct):
        if _label_named([concept], distinct):
            out.add(("row", id(view), i))
    for level in range(view.levels):
        values = {frozenset(c[level]) for c in view.columns}
        hit = {v for v in values if strength(concept, set(v)) >= STRONG}
        if hit and hit != values:
            out.update(("column", id(view), level, v) for v in hit)
    return out


def _families(views: Sequence[TableView]) -> list[list[TableView]]:
    """Tables of one shape (same row labels and columns): one table per topic, such as a
    score for the neighbourhood and the same score for the city."""
    groups: dict[tuple[object, ...], list[TableView]] = {}
    for view in views:
        key = (tuple(r.label for r in view.table.rows), len(view.table.columns))
        groups.setdefault(key, []).append(view)
    return [g for g in groups.values() if len(g) > 1]


def _sibling(concept: Concept, family: Sequence[TableView]) -> TableView | None:
    """The one table of a family whose own title words (not shared) hold the concept."""
    shared = set.intersection(*(v.title for v in family))
    hits = [v for v in family if strength(concept, v.title - shared) >= STRONG]
    return hits[0] if len(hits) == 1 else None


def replace_carried(asked: Asked, views: Sequence[TableView]) -> Asked:
    """Drop the carried words a follow-up's own words replace: "en Centrum?" after
    Bloemendaal (another row), "en de baten?" after lasten (another column), "en voor de
    stad?" after the neighbourhood's score (the sibling table)."""
    if not asked.own or not asked.carried:
        return asked
    kept = []
    for carried, weight in asked.carried:
        replaced = False
        for view in views:
            theirs = _facets(carried, view)
            for own, _ in asked.own:
                mine = _facets(own, view)
                if any(_same_slot(a, b) and a != b for a in mine for b in theirs):
                    replaced = True
        for family in _families(views):
            theirs_sibling = _sibling(carried, family)
            if theirs_sibling is None:
                continue
            for own, _ in asked.own:
                mine_sibling = _sibling(own, family)
                if mine_sibling is not None and mine_sibling is not theirs_sibling:
                    replaced = True
        if not replaced:
            kept.append((carried, weight))
    return replace(asked, carried=kept)


def _same_slot(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    """Two facets of the same slot: rows of one table, or one header level of one table."""
    if a[0] != b[0] or a[1] != b[1]:
        return False
    return a[0] == "row" or a[2] == b[2]


def match(
    asked: Asked, views: Sequence[TableView], minimum: float = MIN_COVERAGE
) -> TableMatch | None:
    """The table that best answers the part, with what the part names in it; None when no
    table explains enough of the part."""
    asked = replace_carried(asked, views)
    # Equal coverage: a table with a figure for the asked year fits best, then one whose
    # title names the asked municipality.
    scored = sorted(
        ((coverage(asked, v), i) for i, v in enumerate(views)),
        key=lambda s: (
            -s[0],
            not _holds_years(asked.years, views[s[1]]),
            -_places_named(asked, views[s[1]]),
            s[1],
        ),
    )
    if not scored or scored[0][0] < minimum:
        return None
    best, index = scored[0]
    view = views[index]
    rival = _rival(asked, views, view, scored)
    subject = _subject_elsewhere(asked, views, view) if rival is None else None
    if subject is not None:
        # The part's topic is another table's subject ("fietsendiefstallen" asked per wijk
        # of a table about overlast): that table answers, or says what it lacks.
        lacking = tuple(
            asked.word(c)
            for c, _ in asked.own
            if _explained(c, view) >= STRONG and _explained(c, subject) < STRONG
        )
        view, best = subject, coverage(asked, subject)
        if lacking:
            return TableMatch(view, best, (), (), frozenset(), lacking)
    if asked.measure is not None and _explained(asked.measure, view) < MEASURED:
        return None  # it counts something else: "camera's" asked of a table of meldingen
    # The municipality or programme chose the report; it names no row ("Wonen en bouwen").
    topic = [(c, w) for c, w in asked.own if not any(c is p for p, _ in asked.places)]
    rows = _named_rows(topic, view) or _named_rows(asked.carried, view)
    groups = _named_groups(asked.own, view)
    if groups:
        rows = [r for r in rows if r in groups] or groups
    details = [r for r in rows if not view.table.rows[r].is_total]
    if details and not asked.wants_total:
        rows = details  # "lasten" names "Totaal lasten" too, but the part names its row
    columns, levels = _named_columns(asked.own, view)
    carried_columns, carried_levels = _named_columns(asked.carried, view)
    if carried_levels - levels:
        # A follow-up keeps the earlier column words unless it names that level itself.
        merged = _named_columns([*asked.own, *asked.carried], view)
        columns, levels = merged[0], merged[1]
    elif not columns:
        columns, levels = carried_columns, carried_levels
    missing = tuple(
        asked.word(c)
        for c, w in asked.own
        if _explained(c, view) < STRONG and w > UNKNOWN and _names_other(c, views, view)
    )
    if rival is not None:
        missing = ()
    return TableMatch(
        view, best, tuple(rows), tuple(columns), frozenset(levels), missing, rival, tuple(groups)
    )


def _named_groups(concepts: Sequence[tuple[Concept, float]], view: TableView) -> list[int]:
    """The rows under the sub-headings the concepts name ("lasten" when a table has the
    same label under Lasten and Baten); [] when no sub-heading is named."""
    labels = {r.group for r in view.table.rows if r.group}
    if len(labels) < 2:
        return []
    named = {g for g in labels if any(strength(c, view.terms(g)) >= STRONG for c, _ in concepts)}
    if not named or named == labels:
        return []
    return [i for i, r in enumerate(view.table.rows) if r.group in named]


def _subject_elsewhere(
    asked: Asked, views: Sequence[TableView], chosen: TableView
) -> TableView | None:
    """Another table whose title holds a weighty word of the part that the chosen table
    does not explain at all: the part is about that table's subject."""
    for concept, weight in asked.own:
        if weight < SUBJECT or _explained(concept, chosen) > 0:
            continue
        titled = [v for v in views if v is not chosen and strength(concept, v.title) >= STRONG]
        if len(titled) == 1:
            return titled[0]
    return None


RIVAL_MARGIN = 0.2


def _rival(
    asked: Asked,
    views: Sequence[TableView],
    best: TableView,
    scored: Sequence[tuple[float, int]],
) -> TableView | None:
    """A second table the part also asks about: it explains a word the best one lacks,
    and the best one a word it lacks ("veiliger in de buurt of in de stad")."""
    if len(scored) < 2 or scored[1][0] < scored[0][0] - RIVAL_MARGIN or scored[1][0] < MIN_COVERAGE:
        return None
    other = views[scored[1][1]]
    own = [c for c, _ in asked.own]
    only_best = [c for c in own if _explained(c, best) >= STRONG > _explained(c, other)]
    only_other = [c for c in own if _explained(c, other) >= STRONG > _explained(c, best)]
    same_shape = len(best.table.columns) == len(other.table.columns)
    return other if only_best and only_other and same_shape else None


def _names_other(concept: Concept, views: Sequence[TableView], chosen: TableView) -> bool:
    """Whether a concept is the whole label of a row in another table (a wijk, a category,
    "Begroting"): the part asks for something this table does not break down by."""
    for view in views:
        if view is chosen:
            continue
        if any(_label_named([concept], distinct) for distinct in view.distinct):
            return True
    return False


def row_label(row: Row) -> str:
    """A row's label as shown in answers (with its group when it has one)."""
    return f"{row.group} – {row.label}" if row.group else row.label
