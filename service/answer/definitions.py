"""Abbreviations the report itself explains, so an answer can spell them out for citizens.

"Re-integratie officier (RIO)", "high impact crime (HIC)", "OMO (Ondersteuningsnetwerk
Maatschappelijk Onrust)": the report defines them once; a quote from elsewhere in the
report that just says "RIO" is then followed by "RIO betekent: Re-integratie officier."
Only what the report explains is expanded; nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

_ABBR = r"[A-Z]{2,6}"
# "long form (ABBR)" and "ABBR (long form)"
_DEFINED_AFTER = re.compile(rf"\(({_ABBR})(?:\s+([A-Z][a-z]+))?\)")
_DEFINED_BEFORE = re.compile(rf"\b({_ABBR})\s+\(([A-Z][^()]{{5,90}})\)")
_SKIP = frozenset({"en", "van", "de", "het", "der", "voor", "of", "and", "the", "naar"})
MAX_WORDS = 8


def _initials(words: list[str]) -> str:
    letters: list[str] = []
    for word in words:
        if word.lower() in _SKIP:
            continue
        letters.extend(part[0] for part in re.split(r"-", word) if part)
    return "".join(letters).upper()


def _long_form(before: str, abbr: str) -> str | None:
    """The words right before "(ABBR)" whose initials spell it, if there are such words."""
    words = re.findall(r"[\w-]+", before)[-MAX_WORDS:]
    for size in range(1, len(words) + 1):
        candidate = words[-size:]
        if _initials(candidate) == abbr:
            return " ".join(candidate)
    return None


def _heading_before(text: str, start: int) -> str | None:
    """The heading text when "(ABBR)" closes a heading line ("… aanpak Jeugd (PGA Jeugd)")."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    head = line[: start - line_start].strip()
    if line.rstrip().endswith(")") and 0 < len(head) <= 90 and head[:1].isupper():
        return head
    return None


def find_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Each abbreviation a report defines, mapped to the long form it gives."""
    found: dict[str, str] = {}
    for text in texts:
        flat = re.sub(r"\s+", " ", text)
        for match in _DEFINED_BEFORE.finditer(flat):
            found.setdefault(match.group(1), match.group(2).strip())
        for match in _DEFINED_AFTER.finditer(text):
            abbr = match.group(1)
            before = re.sub(r"\s+", " ", text[max(0, match.start() - 200) : match.start()])
            long_form = _long_form(before, abbr) or _heading_before(text, match.start())
            qualifier = match.group(2)  # "(PGA Jeugd)": PGA itself is "Persoonsgerichte aanpak"
            if long_form and qualifier and long_form.endswith(f" {qualifier}"):
                long_form = long_form[: -len(qualifier) - 1]
            if long_form and abbr not in found:
                found[abbr] = long_form
    return found


def explain(quotes: str, abbreviations: dict[str, str], limit: int = 2) -> list[tuple[str, str]]:
    """Abbreviations used in `quotes` whose long form the quotes do not already give."""
    flat = re.sub(r"\s+", " ", quotes)
    out = []
    for abbr, long_form in abbreviations.items():
        if re.search(rf"\b{abbr}\b", flat) and long_form.lower() not in flat.lower():
            out.append((abbr, long_form))
    return out[:limit]


@dataclass(frozen=True)
class Definition:
    """A term the report defines, with the span of the sentence that defines it."""

    term: str
    meaning: str
    document: str
    start: int
    end: int


def find_definitions(
    sources: dict[str, str], sentences: Sequence[SentenceLike]
) -> dict[str, Definition]:
    """Each abbreviation a report defines, with the first sentence (or heading) using it
    next to its long form, so a definition answer can cite where the report says it."""
    found: dict[str, Definition] = {}
    for document, text in sources.items():
        meanings = find_abbreviations([text])
        for abbr, meaning in meanings.items():
            if abbr in found:
                continue
            first = meaning.split()[0].lower()
            for sentence in sentences:
                flat = re.sub(r"\s+", " ", sentence.text).lower()
                if sentence.document == document and abbr.lower() in flat and first in flat:
                    found[abbr] = Definition(abbr, meaning, document, sentence.start, sentence.end)
                    break
            else:
                at = text.find(f"({abbr})")
                if at >= 0:
                    start = text.rfind("\n", 0, at) + 1
                    end = text.find("\n", at)
                    end = len(text) if end < 0 else end
                    found[abbr] = Definition(abbr, meaning, document, start, end)
    return found


class SentenceLike(Protocol):
    """A sentence of a report with its document and offsets."""

    @property
    def document(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def lookup(term: str, definitions: dict[str, Definition]) -> Definition | None:
    """The definition of a term as asked ("hic", "PGA Jeugd" -> PGA), if the report gives one."""
    words = re.findall(r"[\w-]+", term)
    for word in words:
        found = definitions.get(word.upper().strip("-"))
        if found is not None:
            return found
    return None
