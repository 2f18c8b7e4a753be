"""Parse a report's extracted text into a document tree with exact source offsets.

The source is never edited. Every node keeps `start`/`end` offsets into it, so a quote
is always `source[start:end]`. PDF artefacts (lost bullet glyphs, words hyphenated
across lines, a junk line of a repeated word) are handled in a *normalised* copy of
each sentence that search uses, never in the quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_HEADING_CHARS = 90
MAX_SYLLABLE = 3
SECTION_SEPARATOR = " > "

_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
_HEADING_END = re.compile(r"[.:;,]\s*$")
_LIST_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s")
_LEVEL_ONE = re.compile(r"^\s*(Algemene doelstelling\b|Doelstelling \d+(\.\d+)*\s+\S)")
_SOFT_HYPHEN = re.compile(r"(?<=[a-zà-ÿ]{2})-(\s*\n\s*)?(?=[a-zà-ÿ]{2})")
_VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûü")


@dataclass(frozen=True, order=True)
class Span:
    """A region of the source: `source[start:end]`."""

    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence: `text` is normalised for search, offsets point at the verbatim source."""

    text: str
    start: int
    end: int
    section: str
    item: bool = False  # part of a list item (a lost bullet, "1. …")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph or list item of running text."""

    start: int
    end: int
    sentences: tuple[Sentence, ...]


@dataclass
class Section:
    """A heading with its paragraphs; `path` joins the headings above it."""

    title: str
    level: int
    start: int
    end: int
    path: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        """This section, then all below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Document:
    """A parsed report: the programme as root section, with the unedited source."""

    name: str
    source: str
    root: Section
    skipped: list[Span] = field(default_factory=list)

    def sections(self) -> list[Section]:
        """All sections in reading order."""
        return list(self.root.walk())

    def sentences(self) -> list[Sentence]:
        """All sentences of the running text in reading order."""
        return [s for sec in self.sections() for p in sec.paragraphs for s in p.sentences]


@dataclass(frozen=True)
class _Line:
    start: int  # after leading whitespace
    end: int  # without trailing whitespace
    text: str  # source[start:end], so already stripped: empty for a blank line


def _lines(source: str) -> list[_Line]:
    lines = []
    pos = 0
    for raw in source.splitlines(keepends=True):
        body = raw.rstrip()
        lead = len(body) - len(body.lstrip())
        lines.append(_Line(pos + lead, pos + len(body), body.lstrip()))
        pos += len(raw)
    return lines


def is_junk_line(text: str) -> bool:
    """True for PDF debris such as one word repeated over and over ("Afgeronde Afgeronde…")."""
    words = _WORD.findall(re.sub(r"([a-zà-ÿ])([A-Z])", r"\1 \2", text))
    return len(words) >= 4 and len(set(words)) == 1


def _looks_like_heading(line: _Line) -> bool:
    text = line.text
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and text[0].isupper()
        and not _HEADING_END.search(text)
        and not _LIST_NUMBER.match(text)
        and not re.search(r"\d{2,}\s*$", text)
    )


def _next_non_blank(lines: Sequence[_Line]) -> list[int | None]:
    """For each line, the index of the first non-blank line after it (one backward pass)."""
    following: list[int | None] = [None] * len(lines)
    upcoming: int | None = None
    for i in range(len(lines) - 1, -1, -1):
        following[i] = upcoming
        if lines[i].text:
            upcoming = i
    return following


class _TableSweep:
    """The table a line falls in, for lines visited in source order.

    A pointer that only moves forward keeps the whole walk linear; testing every table
    for every line made parsing quadratic in the report's size.
    """

    def __init__(self, tables: Sequence[Span]) -> None:
        self._tables = sorted(tables, key=lambda t: (t.start, t.end))
        self._next = 0

    def table_at(self, line: _Line) -> Span | None:
        """The first table overlapping `line`, if any; `line.start` must not decrease."""
        while self._next < len(self._tables) and self._tables[self._next].end <= line.start:
            self._next += 1
        if self._next < len(self._tables):
            table = self._tables[self._next]
            if table.start < line.end:
                return table
        return None


def _dehyphenate(match: re.Match[str]) -> str:
    """Undo a PDF's word split ("con-venant"), keeping real Dutch hyphens.

    Kept: klinkerbotsing ("politie-eenheid") and compounds of whole words
    ("politieregistraties-tijdelijk"). A split mid-line only happens after a syllable,
    so there the left part must be short.
    """
    text = match.string
    before, after = text[match.start() - 1], text[match.end()]
    if before in _VOWELS and after in _VOWELS:
        return "-"
    left = re.search(r"[a-zà-ÿ]+$", text[: match.start()])
    across_lines = bool(match.group(1))
    if across_lines or (left is not None and len(left.group()) <= MAX_SYLLABLE):
        return ""
    return "-"


def normalise(text: str) -> str:
    """Search text for a span of source: one line, hyphenation undone, spaces folded."""
    text = _SOFT_HYPHEN.sub(_dehyphenate, text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def load_sentencizer() -> Any:
    """spaCy's Dutch rule-based sentencizer, loaded once (the import takes seconds)."""
    import spacy  # imported lazily, so importing this module stays cheap

    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    return nlp


def _sentence_spans(source: str, start: int, end: int) -> list[Span]:
    """Dutch-aware sentence split of `source[start:end]` (abbreviations like "o.a." survive)."""
    block = source[start:end]
    # Line breaks inside a paragraph are layout, not sentence ends: give spaCy spaces.
    doc = load_sentencizer()(block.replace("\n", " "))
    spans = []
    for sent in doc.sents:
        text = sent.text
        lead = len(text) - len(text.lstrip())
        body = text.strip()
        if body:
            s = start + sent.start_char + lead
            spans.append(Span(s, s + len(body)))
    return spans


_LEADING_NUMBER = re.compile(r"^\d+\.(?=\s)")
_TERMINAL = re.compile(r"[.!?:;)\]”\"'’]$")


def _fix_number_splits(spans: list[Span], source: str) -> list[Span]:
    """spaCy reads "… meer dan in 2023. De …" as an ordinal "2023." and splits before it."""
    fixed = list(spans)
    for i in range(len(fixed) - 1):
        head, tail = fixed[i], fixed[i + 1]
        number = _LEADING_NUMBER.match(source[tail.start : tail.end])
        if number and not _TERMINAL.search(source[head.start : head.end]):
            cut = tail.start + number.end()
            rest = len(source[cut : tail.end]) - len(source[cut : tail.end].lstrip())
            fixed[i] = Span(head.start, cut)
            fixed[i + 1] = Span(cut + rest, tail.end)
    return [s for s in fixed if s.end > s.start]


def _merge_dangling(spans: list[Span], source: str) -> list[Span]:
    """Glue a fragment without a letter (a list number "2.") to the sentence it belongs to."""
    merged: list[Span] = []
    carry: int | None = None
    for span in spans:
        if not _WORD.search(source[span.start : span.end]):
            carry = span.start if carry is None else carry
            continue
        merged.append(Span(span.start if carry is None else carry, span.end))
        carry = None
    if carry is not None:
        if merged:
            merged[-1] = Span(merged[-1].start, spans[-1].end)
        else:
            merged.append(Span(carry, spans[-1].end))
    return merged


def _paragraph(source: str, lines: list[_Line], section: str, item: bool) -> Paragraph:
    start, end = lines[0].start, lines[-1].end
    spans = _merge_dangling(_fix_number_splits(_sentence_spans(source, start, end), source), source)
    sentences = tuple(
        Sentence(normalise(source[s.start : s.end]), s.start, s.end, section, item) for s in spans
    )
    return Paragraph(start, end, sentences)


def parse_document(
    source: str,
    name: str,
    programme: str,
    table_spans: Sequence[tuple[int, int, str]] = (),
) -> Document:
    """Build the section tree of one report.

    `table_spans` are `(start, end, title)` of the tables `ingest.tables` recognised; their
    lines are left out of the running text, and text right after a table (its
    "Toelichting") gets the table's title as its section. Blocks that looked like a table
    but could not be read are not passed in, so their text stays searchable.
    """
    lines = _lines(source)
    tables = sorted(Span(s, e) for s, e, _ in table_spans)
    table_titles = {Span(s, e): t for s, e, t in table_spans}
    root = Section(programme, 0, 0, len(source), programme)
    doc = Document(name, source, root)
    level_one: Section = root
    current: Section = root
    block: list[_Line] = []
    block_is_item = False

    def flush() -> None:
        if block:
            current.paragraphs.append(_paragraph(source, block, current.path, block_is_item))
            block.clear()

    def open_section(title: str, level: int, start: int, end: int) -> Section:
        nonlocal level_one, current
        parent = root if level == 1 else level_one
        section = Section(title, level, start, end, parent.path + SECTION_SEPARATOR + title)
        parent.children.append(section)
        current = section
        if level == 1:
            level_one = section
        return section

    following = _next_non_blank(lines)
    sweep = _TableSweep(tables)
    index = 0
    in_table: Span | None = None
    while index < len(lines):
        line = lines[index]
        index += 1
        table = sweep.table_at(line) if line.text else None
        if table is not None:
            flush()
            if table != in_table:
                in_table = table
                open_section(table_titles[table], 2, table.start, table.end)
            continue
        if not line.text:
            flush()
            continue
        if is_junk_line(line.text):
            flush()
            doc.skipped.append(Span(line.start, line.end))
            continue
        previous_blank = index == 1 or not lines[index - 2].text or in_table is not None
        if previous_blank and not block and _looks_like_heading(line):
            after = following[index - 1]
            # A heading right above another one after a blank line is a level-one heading.
            followed_by_heading = (
                after is not None and not lines[index].text and _looks_like_heading(lines[after])
            )
            level = 1 if _LEVEL_ONE.match(line.text) or followed_by_heading else 2
            in_table = None
            open_section(line.text, level, line.start, line.end)
            continue
        in_table = None
        # A lost bullet glyph leaves a leading space before a capital: a new list item.
        starts_item = (
            source[line.start - 1 : line.start] == " " and line.text[:1].isupper()
        ) or bool(_LIST_NUMBER.match(line.text))
        if starts_item and block:
            flush()
        if not block:
            block_is_item = starts_item
        block.append(line)
    flush()
    _close_spans(root, len(source))
    return doc


def _close_spans(section: Section, limit: int) -> None:
    """Let every section end where its next sibling (or its parent) ends."""
    for i, child in enumerate(section.children):
        nxt = section.children[i + 1].start if i + 1 < len(section.children) else limit
        _close_spans(child, nxt)
    ends = [p.end for p in section.paragraphs] + [c.end for c in section.children]
    section.end = max([section.end, *ends]) if ends else section.end
    section.end = min(max(section.end, section.start), limit)
