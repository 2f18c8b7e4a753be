"""What a table's surroundings say about it: title, notes, unit, section.

Reports print a table between a caption ("Tabel 3.1 …", a title line, a one-line
description, "Bron: …", "Bedragen x € 1.000") and notes below it ("Bron: …",
"Toelichting: …", "Doel gehaald: Ja."). When no title is printed next to the table, the
text just above usually refers to it ("Tabel 5.1 bevat …") or a heading introduces it
("Wat heeft het gekost?"). Everything is looked up within a few lines, so reading a
long report stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ingest.tables.lines import Line, is_sentence
from ingest.tables.model import Note

_UNIT = re.compile(
    r"(?:\(\s*)?(?:(?:bedragen|getallen|cijfers)\s+)?(?:[x×]\s*€\s*|€\s*[x×]\s*)"
    r"(?P<scale>1\s*(?:mln|miljoen)\.?|1(?:[.\s]000){0,3}(?![.\s]?\d))(?:\s*\))?"
    r"|(?:bedragen\s+)?in\s+duizenden\s+euro'?s?",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^\(?bron(?:nen)?\s*:", re.IGNORECASE)
_EXPLANATION = re.compile(r"^toelichting\s*:\s*", re.IGNORECASE)
_VERDICT = re.compile(
    r"(?:(?:doel|doelstelling|streefwaarde|norm)\s+)?(?:ge|be)haald\s*[:?]\s*"
    r"(?P<verdict>ja|nee|deels|gedeeltelijk)\b\.?",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"\bTabel\s+\d+(?:[.\-]\d+)*[a-z]?\b")
_TITLED = re.compile(r"^Tabel\s+\d+(?:[.\-]\d+)*[a-z]?\b")
_NUMBERED = re.compile(
    r"^(?:(?P<word>[A-Z][a-zà-ÿ]+)\s+)?(?P<number>\d{1,2}(?:\.\d{1,2})*)[a-z]?[:.]?\s+"
    r"(?P<title>[A-Za-zÀ-ÿ(\"“‘].*)$"
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_PAGE_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}\s*$")  # a page footer ends with one
_NOT_HEADINGS = ("tabel", "figuur", "grafiek", "bron", "bijlage", "pagina")

MAX_CAPTION_LINES = 4
MAX_CAPTION_CHARS = 120
MAX_GAP = 4  # blank lines between a caption and the table
WINDOW = 15  # lines above a table searched for its title or unit
MAX_HEADING_WORDS = 12
MAX_NOTE_LINES = 8


@dataclass(frozen=True)
class Unit:
    """A printed unit such as "bedragen x € 1.000": where it is and what it scales by."""

    start: int
    end: int
    scale: Decimal

    @property
    def name(self) -> str:
        """The unit as `Table.unit` names it: "€ 1.000", "€ 1.000.000" or "€"."""
        return "€" if self.scale == 1 else f"€ {self.scale:,.0f}".replace(",", ".")


def find_unit(line: Line) -> Unit | None:
    """The money unit printed in a line, if any."""
    match = _UNIT.search(line.text)
    if match is None:
        return None
    scale_text = (match.group("scale") or "1.000").lower()
    if "m" in scale_text:
        scale = Decimal(1_000_000)
    else:
        scale = Decimal(10) ** (len(re.sub(r"\D", "", scale_text)) - 1)
    return Unit(line.start + match.start(), line.start + match.end(), scale)


def words_without_unit(line: Line) -> list[str]:
    """A header line's words with a printed unit left out ("Bedragen x € 1.000 Lasten …")."""
    unit = find_unit(line)
    if unit is None:
        return list(line.words)
    return [t.text for t in line.tokens if t.end <= unit.start or t.start >= unit.end]


def is_note_line(line: Line) -> bool:
    """A "Bron: …", "Toelichting: …" or "Doel gehaald: …" line, never part of a table body."""
    text = line.text
    return bool(_SOURCE.match(text) or _EXPLANATION.match(text) or _VERDICT.match(text))


def is_unit_line(line: Line) -> bool:
    """A line that only prints the unit ("Bedragen x €1.000")."""
    unit = find_unit(line)
    return unit is not None and not words_without_unit(line)


def heading_like(line: Line) -> bool:
    """A short line that names something: a title or heading, not running text."""
    text = line.text
    return (
        0 < len(text) <= MAX_CAPTION_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and (text[0].isupper() or text[0].isdigit())
        and not is_sentence(text.rstrip(":?"))
        and not text.endswith((",", ";"))
        and not _PAGE_NUMBER.search(text)
        and not is_note_line(line)
    )


def numbered_heading(line: Line) -> tuple[int, str] | None:
    """A numbered heading ("Doelstelling 5.1 …", "3.2 Werk en inkomen") and its depth."""
    text = line.text
    match = _NUMBERED.match(text)
    if match is None or len(text) > 100 or text.endswith((".", ",", ";")):
        return None
    word, number = match.group("word"), match.group("number")
    if word is None and "." not in number:
        return None  # "1. Problematische jeugd" is a list item
    if (word or "").lower() in _NOT_HEADINGS or _YEAR.fullmatch(number):
        return None
    if _PAGE_NUMBER.search(text):
        return None  # a page footer: "Jaarverslag 2023 Gemeente Amersfoort 41"
    return len(number.split(".")), text


def sections(lines: Sequence[Line], claimed: bytearray) -> list[str]:
    """The heading path in force at every line, from numbered headings and W-questions.

    Lines of tables (`claimed`) are never headings, however they look.
    """
    stack: list[tuple[int, str]] = []
    paths: list[str] = []
    current = ""
    for line in lines:
        heading = numbered_heading(line) if line.text and not claimed[line.index] else None
        if heading is None and line.text.endswith("?") and heading_like(line):
            depth = (stack[-1][0] + 1) if stack and not stack[-1][1].endswith("?") else 0
            heading = (depth or (stack[-1][0] if stack else 1), line.text)
        if heading is not None and stack and heading[1].endswith(stack[-1][1]):
            heading = None  # a navigation link repeating the heading ("Terug naar … - X")
        if heading is not None:
            while stack and stack[-1][0] >= heading[0]:
                stack.pop()
            stack.append(heading)
            current = " > ".join(text for _, text in stack)
        paths.append(current)
    return paths


@dataclass(frozen=True)
class Context:
    """What the lines around a table say: title (and where), notes, unit, section."""

    title: str
    title_line: Line | None  # printed title line, if any
    start_line: int  # first line that belongs to the table (a caption directly above)
    notes: tuple[Note, ...]
    unit: Unit | None
    section: str | None  # a caption that names the table's scope, if printed in its head


def _note(kind: str, line: Line, start: int | None = None, end: int | None = None) -> Note:
    start = line.start if start is None else start
    end = line.end if end is None else end
    return Note(kind, line.text[start - line.start : end - line.start], start, end)


def _caption_notes(lines: Sequence[Line]) -> list[Note]:
    notes = []
    for line in lines:
        unit = find_unit(line)
        if _SOURCE.match(line.text):
            notes.append(_note("bron", line))
        elif unit is not None:
            notes.append(_note("eenheid", line, unit.start, unit.end))
        elif is_sentence(line.text):
            notes.append(_note("omschrijving", line))
    return notes


def _caption_block(lines: Sequence[Line], first: int, floor: int) -> list[Line]:
    """Caption lines just above a table's first line: a title, a description, a source.

    A unit line on its own ("Bedragen x € 1.000") is passed over to the caption above it.
    """
    index = first - 1
    for _ in range(2):
        gap = 0
        while index >= floor and lines[index].blank and gap <= MAX_GAP:
            index, gap = index - 1, gap + 1
        block: list[Line] = []
        while index >= floor and not lines[index].blank and len(block) < MAX_CAPTION_LINES:
            block.insert(0, lines[index])
            index -= 1
        if index >= floor and not lines[index].blank:
            return []  # part of a longer paragraph
        if not block or any(len(line.text) > MAX_CAPTION_CHARS for line in block):
            return []
        if not all(is_unit_line(line) for line in block):
            break
    if not heading_like(block[0]) or is_unit_line(block[0]):
        return []
    rest_ok = all(
        _SOURCE.match(ln.text) or find_unit(ln) or is_sentence(ln.text) or heading_like(ln)
        for ln in block[1:]
    )
    return block if rest_ok else []


def _title_above(
    lines: Sequence[Line], first: int, floor: int, stub: str
) -> tuple[str, Line | None]:
    """A title from the text above a table that prints none next to it."""
    low = max(floor, first - WINDOW)
    candidates = range(first - 1, low - 1, -1)
    for index in candidates:
        line = lines[index]
        if _TITLED.match(line.text) and not is_sentence(line.text):
            return line.text.rstrip(":"), line
        if numbered_heading(line):
            break
    for index in candidates:
        found = _REFERENCE.search(lines[index].text)
        if found:
            return f"{found.group()} {stub}".strip(), None
        if numbered_heading(lines[index]):
            break
    for index in candidates:
        line = lines[index]
        if (heading_like(line) and not line.text.endswith(":")) or numbered_heading(line):
            return line.text, line
    return stub, None


def _original(lines: Sequence[Line], line: Line, floor: int) -> Line:
    """The heading a line repeats: web pages print "Terug naar navigatie - X" under X."""
    for above in range(line.index - 1, max(floor, line.index - 4) - 1, -1):
        if heading_like(lines[above]) and line.text.endswith(" " + lines[above].text):
            return lines[above]
    return line


def describe(
    lines: Sequence[Line], head: Sequence[Line], captions: Sequence[Line], floor: int, stub: str
) -> Context:
    """Title, notes and unit of a table whose head (header lines) starts at `head[0]`."""
    first = head[0].index
    notes = _caption_notes(captions)
    named = [
        ln
        for ln in captions
        if (heading_like(ln) or _TITLED.match(ln.text)) and not find_unit(ln) and ln.text
    ]
    section = None
    start_line = first
    title_line: Line | None = None
    if named:
        title_line = named[0]
        title = title_line.text.rstrip(":")
        section = named[1].text if len(named) > 1 else None
    else:
        block = _caption_block(lines, first, floor)
        if block:
            title_line = block[0]
            title = title_line.text.rstrip(":")
            # A heading stays in the running text; a caption belongs to the table.
            if not (numbered_heading(title_line) or title_line.text.endswith("?")):
                start_line = title_line.index
            notes = _caption_notes(block[1:]) + notes
        else:
            title, title_line = _title_above(lines, first, floor, stub)
    if title_line is not None and title.rstrip(":") == title_line.text.rstrip(":"):
        title_line = _original(lines, title_line, floor)
        title = title_line.text.rstrip(":")
    unit, unit_line = _unit(lines, [*head, *([title_line] if title_line else [])], first, floor)
    if unit is not None and unit_line is not None and not any(n.kind == "eenheid" for n in notes):
        notes.append(_note("eenheid", unit_line, unit.start, unit.end))
    return Context(title or "Tabel", title_line, start_line, tuple(notes), unit, section)


def _unit(
    lines: Sequence[Line], own: Sequence[Line], first: int, floor: int
) -> tuple[Unit | None, Line | None]:
    """The money unit printed in the table's own lines, else in the text just above it."""
    for line in own:
        unit = find_unit(line)
        if unit is not None:
            return unit, line
    for index in range(first - 1, max(floor, first - WINDOW) - 1, -1):
        unit = find_unit(lines[index])
        if unit is not None:
            return unit, lines[index]
        if numbered_heading(lines[index]):
            break
    return None, None


def notes_below(source: str, lines: Sequence[Line], last: int, limit: int) -> list[Note]:
    """The source, verdict and explanation lines printed right after a table."""
    notes: list[Note] = []
    index = last + 1
    blanks = 0
    while index < limit and len(notes) < MAX_NOTE_LINES:
        line = lines[index]
        if line.blank:
            blanks += 1
            if blanks > 2 or (notes and blanks > 1):
                break
            index += 1
            continue
        verdict = _VERDICT.match(line.text)
        if _SOURCE.match(line.text):
            notes.append(_note("bron", line))
        elif verdict:
            notes.append(_note("doel_gehaald", line, line.start, line.start + verdict.end()))
        elif _EXPLANATION.match(line.text):
            end = index
            while (
                end + 1 < min(limit, index + MAX_NOTE_LINES)
                and not lines[end + 1].blank
                and not is_note_line(lines[end + 1])
            ):
                end += 1
            if _EXPLANATION.fullmatch(line.text) is None or end > index:
                start, stop = line.start, lines[end].end
                notes.append(Note("toelichting", source[start:stop], start, stop))
            index = end + 1
            blanks = 0
            continue
        else:
            break
        index += 1
        blanks = 0
    return notes


def target_met(notes: Sequence[Note]) -> bool | None:
    """The verdict of a "Doel gehaald: Ja/Nee" note: True, False, or None (absent/partly)."""
    for note in notes:
        if note.kind == "doel_gehaald":
            verdict = _VERDICT.match(note.text)
            word = verdict.group("verdict").lower() if verdict else ""
            return {"ja": True, "nee": False}.get(word)
    return None


def year_in(text: str) -> int | None:
    """The last year named in a title: "… (Realisatie 2024)" -> 2024."""
    years = _YEAR.findall(text)
    return int(years[-1]) if years else None
