"""Column headers rebuilt from what is printed above a table's rows.

A PDF flattens a header into lines that no longer show where one cell ends: "Begroting
primitief Begroting na wijziging Realisatie Verschil", or a cell split over two lines
("Begroting Begroting Realisatie Verschil" / "primitief na wijziging"), or a group line
over pairs of sub-columns ("Koop Corporatie Particulier" over "Lopende Afgeronde …").
The rules here use only the shape of Dutch headers: a cell starts with a capital or a
year, a year closes the cell it follows, lower-case words continue a cell, a group line
divides the sub-columns into equal repeating runs. The number of columns comes from the
rows, so a header is read to fit them or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.tables.lines import FUNCTION_WORDS, is_yearish, join_words, year_of
from ingest.tables.model import Column

# Words a total column or row starts with; "Gerealiseerd resultaat" ends with one.
TOTAL_WORDS = frozenset({"totaal", "totalen", "total", "subtotaal", "eindtotaal", "saldo"})
_TOTAL_ENDINGS = frozenset({"totaal", "resultaat"})

Words = Sequence[str]


@dataclass(frozen=True)
class Header:
    """A header read to fit the rows: the stub's header and one column per value."""

    stub: str
    columns: tuple[Column, ...]
    used: frozenset[int]  # the input lines (or cells) the header was read from
    first_group: int | None = None  # a line below the header that heads the first rows


def is_total_label(label: str) -> bool:
    """A printed total row: "Totaal", "TOTAAL PROGRAMMA", "Saldo van baten en lasten"."""
    words = label.lower().replace(":", " ").split()
    return bool(words) and (words[0] in TOTAL_WORDS | {"resultaat"} or words[-1] in _TOTAL_ENDINGS)


def _starts_upper(word: str) -> bool:
    return word[:1].isupper() or word[:1] in ("%", "€")


def split_cells(words: Words) -> list[list[str]]:
    """Split a header line into cells by the shape of its words.

    "Realisatie 2021 Realisatie 2022" -> two cells; "Type 2023 2024" -> three (a run of
    years is one year per cell); "Begroting na wijziging" stays one cell.
    """
    cells: list[list[str]] = []
    depth = 0
    for index, word in enumerate(words):
        if not cells or (depth == 0 and _new_cell(words, index)):
            cells.append([word])
        else:
            cells[-1].append(word)
        depth = max(0, depth + word.count("(") - word.count(")"))
    return cells


def _new_cell(words: Words, index: int) -> bool:
    word, previous = words[index], words[index - 1]
    following = words[index + 1] if index + 1 < len(words) else ""
    if is_yearish(word):
        return is_yearish(previous) or is_yearish(following)
    if is_yearish(previous):
        return True
    if word.startswith("("):
        return False
    return _starts_upper(word)


def split_continuation(words: Words) -> list[list[str]]:
    """Split a line that continues the header cells above it into one piece per cell.

    "2024 casuïstiek casuïstiek" -> three pieces; "primitief na wijziging" -> two (a
    function word starts a piece and keeps the next word); "primitief 2023" stays one.
    """
    pieces: list[list[str]] = []
    for index, word in enumerate(words):
        previous = words[index - 1] if index else ""
        joins = bool(pieces) and (
            previous.lower() in FUNCTION_WORDS
            or (is_yearish(word) and not is_yearish(previous))
            or word.startswith("(")
        )
        if joins:
            pieces[-1].append(word)
        else:
            pieces.append([word])
    return pieces


def _continues(words: Words) -> bool:
    """A line that completes the cells above it: lower-case words, or years under them."""
    first = words[0]
    if first[:1].islower():
        return True
    return is_yearish(first) and all(w[:1].islower() or is_yearish(w) for w in words)


def _total_column(text: str) -> bool:
    words = text.lower().split()
    return bool(words) and words[0] in TOTAL_WORDS


def make_column(path: Sequence[str]) -> Column:
    """A column from its header levels, with the year it names ("Realisatie 2022", "R2021")."""
    year = None
    for level in reversed(path):
        years = [y for y in (year_of(w.strip("()")) for w in level.split()) if y is not None]
        if years:
            year = years[-1]
            break
    return Column(tuple(path), year, (), _total_column(path[-1]))


def _group_run(groups: Sequence[str], columns: Sequence[str]) -> int | None:
    """How many columns each group spans, when the groups divide the columns into equal
    runs whose sub-headers repeat ("Koop Corporatie Particulier" over three times
    "Lopende Afgeronde", perhaps before a total column); None when they do not."""
    count = len(groups)
    for spanned in (len(columns), len(columns) - _trailing_totals(columns)):
        if count < 2 or spanned % count or spanned // count < 2:
            continue
        run = spanned // count
        subs = [c.lower() for c in columns[:spanned]]
        if all(subs[i] == subs[i + run] for i in range(spanned - run)):
            return run
    return None


def _groups(words: Words, columns: Sequence[str]) -> tuple[list[str], int] | None:
    """The group names and their run when `words` is a group line over the columns."""
    cells = [join_words(c) for c in split_cells(words)]
    for groups in (cells, cells[1:]):
        run = _group_run(groups, columns)
        if run is not None:
            return groups, run
    return None


def _paths(names: Sequence[str], groups: tuple[Sequence[str], int] | None) -> list[tuple[str, ...]]:
    """Header paths: the group over each column it spans, then the column's own name."""
    if groups is None:
        return [(name,) for name in names]
    labels, run = groups
    return [
        (labels[i // run], name) if i // run < len(labels) else (name,)
        for i, name in enumerate(names)
    ]


def _place(pieces: int, slots: Sequence[str], has_stub: bool) -> int | None:
    """Where a continuation line's pieces go: the offset of the first slot they fill.

    Slots are the stub (if any) and the columns. Pieces fill consecutive slots; the best
    window covers every ordinary column, avoids total columns and the stub, and covers
    columns whose first line repeats a word ("Begroting Begroting"), which the line
    exists to tell apart. Ties go to the leftmost window, as text is left-aligned.
    """
    if pieces > len(slots):
        return None
    first_column = 1 if has_stub else 0
    columns = [s.lower() for s in slots[first_column:]]
    repeated = {c for c in columns if columns.count(c) > 1}
    best: tuple[int, int] | None = None
    for offset in range(len(slots) - pieces + 1):
        covered = range(offset, offset + pieces)
        score = 0
        for slot, name in enumerate(slots):
            is_column = slot >= first_column
            if slot in covered:
                score -= 1 if not is_column else 2 * _total_column(name)
                score += 2 * (is_column and name.lower() in repeated)
            elif is_column and not _total_column(name):
                score -= 3
        if best is None or score > best[0]:
            best = (score, offset)
    return best[1] if best else None


def header_from_lines(lines: Sequence[Words], widths: Sequence[int]) -> Header | None:
    """Read header lines (top to bottom) as `width` columns, for the first width that fits.

    Returns None when no line can be read as the column line.
    """
    split = [split_cells(words) for words in lines]
    proper = [not _continues(words) for words in lines]
    for width in widths:
        main = _lowest(split, proper, (width, width + 1))
        if main is not None:
            return _assemble(lines, split, main, width)
    width = widths[0]
    for index in reversed(range(len(lines))):
        if proper[index] and len(split[index]) > width + 1:
            # More cells than columns: the leading ones name the stub ("Programma 4 Wonen").
            extra = len(split[index]) - width
            stub = [w for cell in split[index][:extra] for w in cell]
            split[index] = [stub, *split[index][extra:]]
            return _assemble(lines, split, index, width)
    for width in widths:
        # Only a line of years (or lower-case words) fits: it is the column line itself.
        main = _lowest(split, [True] * len(lines), (width, width + 1))
        if main is not None:
            return _assemble(lines, split, main, width)
    return None


def _lowest(
    split: Sequence[list[list[str]]], allowed: Sequence[bool], sizes: tuple[int, int]
) -> int | None:
    """The lowest allowed line with one cell per column (plus the stub's)."""
    for index in reversed(range(len(split))):
        if allowed[index] and len(split[index]) in sizes:
            return index
    return None


def _assemble(
    lines: Sequence[Words],
    split: Sequence[list[list[str]]],
    main: int,
    width: int,
) -> Header:
    cells = [list(c) for c in split[main]]
    has_stub = len(cells) == width + 1
    slots = cells if has_stub else [[], *cells]
    used = {main}
    first_group = None
    below = list(range(main + 1, len(lines)))
    if below:
        last = below[-1]
        words = lines[last]
        if len(split[last]) == 1 and not _continues(words) and not is_yearish(words[0]):
            first_group = last
            below.pop()
    for index in below:
        pieces = split_continuation(lines[index])
        names = [join_words(s) for s in (slots if has_stub else slots[1:])]
        offset = _place(len(pieces), names, has_stub)
        if offset is None:
            continue
        shift = 0 if has_stub else 1
        for piece_index, piece in enumerate(pieces):
            slots[offset + shift + piece_index].extend(piece)
        used.add(index)
    names = [join_words(s) for s in slots[1:]]
    groups = _groups(lines[main - 1], names) if main > 0 else None
    if groups is not None:
        used.add(main - 1)
    columns = tuple(make_column(path) for path in _paths(names, groups))
    return Header(join_words(slots[0]), columns, frozenset(used), first_group)


def _trailing_totals(names: Sequence[str]) -> int:
    count = 0
    while count < len(names) and _total_column(names[len(names) - 1 - count]):
        count += 1
    return count


def header_from_cells(
    units: Sequence[str],
    width: int,
    body_has_groups: bool,
) -> Header | None:
    """Read header cells that were printed one per line (a copied HTML table).

    The last `width` cells are the columns, possibly after the stub's header; before them
    may come a group line. When the body has sub-headings, the very last cell may be the
    first one, heading the first rows.
    """
    best: tuple[int, Header] | None = None
    for drop in (0, 1):
        for has_stub in (True, False):
            end = len(units) - drop
            begin = end - width - has_stub
            if begin < 0:
                continue
            names = list(units[end - width : end])
            score = (2 if body_has_groups else -2) if drop else 0
            rest = list(units[:begin])
            groups = None
            for count in range(min(len(rest), width // 2), 1, -1):
                run = _group_run(rest[-count:], names)
                if run is not None:
                    groups = (rest[-count:], run)
                    score += 3
                    break
            lower = [n.lower() for n in names]
            if groups is None and len(set(lower)) < len(lower):
                score -= 3
            stub = units[begin] if has_stub else ""
            score += 1 if has_stub and not is_yearish(stub.split()[-1]) else 0
            used = set(range(begin - (len(groups[0]) if groups else 0), end))
            columns = tuple(make_column(path) for path in _paths(names, groups))
            header = Header(stub, columns, frozenset(used), end if drop else None)
            if best is None or score > best[0]:
                best = (score, header)
    return best[1] if best else None


def header_from_rows(rows: Sequence[Sequence[str]], width: int) -> Header:
    """Read header rows whose cells are delimited ("|", tabs, wide gaps): stub plus columns.

    Each row holds the stub's cell, then one cell per column. An upper row with empty
    cells is a group row: an empty cell continues the group to its left, as a merged cell
    does (but never over a total column). An upper row filled in every column is the
    first line of the cells below it ("Realisatie" over "2021").
    """
    grid = [[*r[: width + 1], *[""] * (width + 1 - len(r))] for r in rows]
    names = [""] * width
    groups = [""] * width
    spread = [False] * width
    for row in grid:
        cells = row[1:]
        if all(cells) or row is grid[-1]:
            names = [
                join_words([n, c]) if n and c else n or c for n, c in zip(names, cells, strict=True)
            ]
            continue
        group = ""
        for position, text in enumerate(cells):
            spread[position] = not text
            group = text or group
            groups[position] = group
    paths: list[tuple[str, ...]] = []
    for position, name in enumerate(names):
        group = groups[position]
        if not group or group == name or (spread[position] and _total_column(name)):
            paths.append((name,))
        else:
            paths.append((group, name))
    stub = join_words([row[0] for row in grid if row[0]])
    return Header(stub, tuple(make_column(p) for p in paths), frozenset(range(len(rows))))
