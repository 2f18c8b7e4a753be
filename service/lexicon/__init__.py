"""Every word list of the service, read once from the data files in `service/lexicon/data/`.

Question understanding, the table matcher and the text route all read their words from
here: function words, courtesy and council wrappers, question words, operations, amount
words, relative years, everyday synonyms, the English glossary and the Dutch
municipalities. Editing a list changes behaviour everywhere at once; no module keeps a
vocabulary of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from service.core.text import fold

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class PhraseMatch:
    """A phrase of a table found in a text: its value and where it stands."""

    phrase: str
    value: str
    start: int
    end: int


class PhraseTable:
    """Phrases with a value each, found in folded text longest first, on word boundaries."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self.values: dict[str, str] = {}
        for phrase, value in entries:
            self.values.setdefault(fold(phrase), value)
        ordered = sorted(self.values, key=len, reverse=True)
        body = "|".join(re.escape(p) for p in ordered) or r"(?!x)x"
        # Word boundaries that also hold next to "%" and "'" ("camera's", "30 %", "10%").
        self._pattern = re.compile(rf"(?:(?<![\w])|(?<=\d)(?=%))(?:{body})(?![\w])")

    def find(self, folded: str) -> list[PhraseMatch]:
        """Non-overlapping matches in an already folded text, left to right."""
        return [
            PhraseMatch(m.group(), self.values[m.group()], m.start(), m.end())
            for m in self._pattern.finditer(folded)
        ]

    def first(self, folded: str) -> PhraseMatch | None:
        """The leftmost match, if any."""
        found = self._pattern.search(folded)
        return (
            PhraseMatch(found.group(), self.values[found.group()], *found.span()) if found else None
        )

    def __contains__(self, phrase: str) -> bool:
        return fold(phrase) in self.values


@dataclass(frozen=True)
class Municipality:
    """A Dutch municipality: its official name and the other names people use."""

    name: str
    aliases: tuple[str, ...]
    everyday_word: bool = False  # "Huizen", "Buren": a name only when written as one

    @property
    def names(self) -> tuple[str, ...]:
        """Every name, official first."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Lexicon:
    """All word lists, loaded and compiled."""

    function_words: dict[str, frozenset[str]]
    followup: dict[str, frozenset[str]]
    wrappers: tuple[tuple[str, re.Pattern[str]], ...]
    refusals: tuple[tuple[str, re.Pattern[str]], ...]
    question_words: PhraseTable
    operations: PhraseTable
    amounts: PhraseTable
    relative_years: PhraseTable
    directions: PhraseTable
    table_roles: PhraseTable
    synonyms: PhraseTable
    en_nl: dict[str, str]
    municipalities: tuple[Municipality, ...]

    def is_function_word(self, word: str) -> bool:
        """True for a Dutch or English function word (folded)."""
        return (
            word in self.function_words["nl"]
            or word in self.function_words["en"]
            or word in self.followup["request_verbs"]
        )

    def synonyms_of(self, phrase: str) -> tuple[str, ...]:
        """The report words an everyday or English phrase stands for ("online criminaliteit"
        -> digitale criminaliteit, "owner occupied" -> koopwoningen)."""
        value = self.phrases.values.get(fold(phrase))
        return tuple(value.split("|")) if value else ()

    @property
    def phrases(self) -> PhraseTable:
        """Everyday Dutch and English phrases with the report words they stand for."""
        return _phrase_table(self.synonyms, tuple(sorted(self.en_nl.items())))

    def amount_kinds(self, text: str) -> frozenset[str]:
        """The kinds of amount a text names: "kosten" money, "%" or "procent" percent, …"""
        return frozenset(m.value for m in self.amounts.find(fold(text)))

    def everyday_words(self) -> frozenset[str]:
        """Municipality names that are also everyday Dutch words."""
        return _everyday_words(self.municipalities)

    def municipality_names(self) -> PhraseTable:
        """Every municipality name and alias, mapped to the official name."""
        return _municipality_table(self.municipalities)


def _lines(name: str, required: bool = True) -> Iterator[str]:
    path = DATA / name
    if not path.is_file():
        if required:
            raise FileNotFoundError(f"word list missing: {path}")
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


def _pairs(name: str) -> list[tuple[str, str]]:
    """phrase<TAB>value lines."""
    pairs = []
    for line in _lines(name):
        phrase, _, value = line.partition("\t")
        pairs.append((phrase.strip(), value.strip()))
    return pairs


def _sections(name: str) -> dict[str, frozenset[str]]:
    """Words under "[section]" headers."""
    sections: dict[str, set[str]] = {}
    current = ""
    for line in _lines(name):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, set())
        else:
            sections.setdefault(current, set()).update(fold(line).split())
    return {k: frozenset(v) for k, v in sections.items()}


def _patterns(name: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """ "kind: regex" lines, compiled in file order."""
    out = []
    for line in _lines(name):
        kind, _, pattern = line.partition(":")
        out.append((kind.strip(), re.compile(pattern.strip())))
    return tuple(out)


def _municipalities() -> tuple[Municipality, ...]:
    out = []
    for line in _lines("municipalities.txt"):
        names = [n.strip() for n in line.split("|") if n.strip()]
        word = names[0].endswith("*")
        out.append(Municipality(names[0].rstrip(" *"), tuple(names[1:]), word))
    return tuple(out)


@lru_cache(maxsize=2)
def _phrase_table(synonyms: PhraseTable, en_nl: tuple[tuple[str, str], ...]) -> PhraseTable:
    """Synonyms first, then English words (hyphens read as spaces: "owner-occupied")."""
    entries = list(synonyms.values.items())
    entries += [(english.replace("-", " "), dutch) for english, dutch in en_nl]
    return PhraseTable(entries)


@lru_cache(maxsize=4)
def _everyday_words(municipalities: tuple[Municipality, ...]) -> frozenset[str]:
    return frozenset(m.name for m in municipalities if m.everyday_word)


@lru_cache(maxsize=4)
def _municipality_table(municipalities: tuple[Municipality, ...]) -> PhraseTable:
    return PhraseTable((n, m.name) for m in municipalities for n in m.names)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The word lists, read once per process."""
    return Lexicon(
        function_words=_sections("function_words.txt"),
        followup=_sections("followup.txt"),
        wrappers=_patterns("register.txt"),
        refusals=_patterns("refusals.txt"),
        question_words=PhraseTable(_pairs("questions.tsv")),
        operations=PhraseTable(_pairs("operations.tsv")),
        amounts=PhraseTable(_pairs("amounts.tsv")),
        relative_years=PhraseTable(_pairs("years.tsv")),
        directions=PhraseTable(_pairs("directions.tsv")),
        table_roles=PhraseTable(_pairs("table_roles.tsv")),
        synonyms=PhraseTable(_pairs("synonyms.tsv")),
        en_nl={fold(k): fold(v) for k, v in _pairs("en_nl.tsv")},
        municipalities=_municipalities(),
    )
